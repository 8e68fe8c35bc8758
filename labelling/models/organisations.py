"""Organisations: the cluster management organisations, their sectors and managers.

An organisation someone registered on their own (a cluster manager who signed up) is
unconfirmed until the labelling secretariat confirms it; until then its applications cannot be
submitted (``labelling.conditions.organisation_confirmed`` and ``labelling.rules``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import FSMField, FSMModelMixin, transition

from labelling.history import Versions
from labelling.rules import transition_permission

# ECCP validates a cluster profile only above these figures (public, see shared/domain.md).
ECCP_MIN_MEMBERS = 15
ECCP_MIN_MEMBER_TYPES = 2
ECCP_MIN_MANAGEMENT_FTE = Decimal("0.5")
# Far above any cluster's figures: a larger one is a typing error, refused by the form and the
# API alike (the database's own range is no bound a person can read).
MAX_MEMBERS = 100_000
MAX_MANAGEMENT_FTE = Decimal(1000)


class Sector(models.Model):
    """A sector of a cluster's comparative portfolio (e.g. "Health", "Mobility")."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


nuts_code_validator = RegexValidator(
    r"^[A-Z]{2}[0-9A-Z]{0,3}$", _("Enter a NUTS code such as DE3 or FR101.")
)


class OrganisationState(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for the secretariat's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the secretariat")


class Organisation(FSMModelMixin, models.Model):
    """A cluster management organisation: the applicant for a label.

    ``state`` changes only through ``confirm`` (``labelling.services.organisation_confirm``);
    profile changes save their own fields only, so they never write the state back.
    """

    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=250)
    country = CountryField(_("country"))
    region = models.CharField(
        _("region (NUTS code)"), max_length=5, blank=True, validators=[nuts_code_validator]
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Certificates, reports and letters are written in it; empty: its first manager's.
    language = models.CharField(
        _("language of certificates and letters"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the language of the organisation's first manager."),
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    members_companies = models.PositiveIntegerField(
        _("member companies"), default=0, validators=[MaxValueValidator(MAX_MEMBERS)]
    )
    members_research = models.PositiveIntegerField(
        _("member research and education organisations"),
        default=0,
        validators=[MaxValueValidator(MAX_MEMBERS)],
    )
    members_public = models.PositiveIntegerField(
        _("member public bodies and others"),
        default=0,
        validators=[MaxValueValidator(MAX_MEMBERS)],
    )
    management_fte = models.DecimalField(
        _("dedicated cluster management staff (FTE)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_MANAGEMENT_FTE)],
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("managers"),
    )
    state = FSMField(
        _("confirmation"),
        default=OrganisationState.UNCONFIRMED,
        choices=OrganisationState.choices,
        protected=True,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    versions = Versions()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        # The registry lists by name, in all or in one country (and PostgreSQL finds a part of
        # a name with the trigram indexes of migration 0018).
        indexes = [
            models.Index(fields=["name"], name="organisation_name"),
            models.Index(fields=["country", "name"], name="organisation_country_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @transition(
        field=state,
        source=OrganisationState.UNCONFIRMED,
        target=OrganisationState.CONFIRMED,
        permission=transition_permission("labelling.confirm_organisation"),
    )
    def confirm(self) -> None:
        """The secretariat knows the organisation and who manages it: it may apply."""

    @property
    def is_confirmed(self) -> bool:
        return self.state == OrganisationState.CONFIRMED

    @property
    def member_count(self) -> int:
        return self.members_companies + self.members_research + self.members_public

    @property
    def member_type_count(self) -> int:
        counts = (self.members_companies, self.members_research, self.members_public)
        return sum(1 for count in counts if count)

    def eccp_gaps(self) -> list[str]:
        """What keeps the profile from the ECCP minimums a label requires (empty when none)."""
        gaps = []
        if self.management_fte < ECCP_MIN_MANAGEMENT_FTE:
            gaps.append(
                str(_("At least %(fte)s FTE of dedicated cluster management is required."))
                % {"fte": ECCP_MIN_MANAGEMENT_FTE}
            )
        if self.member_count < ECCP_MIN_MEMBERS:
            gaps.append(
                str(_("At least %(count)d committed members are required."))
                % {"count": ECCP_MIN_MEMBERS}
            )
        if self.member_type_count < ECCP_MIN_MEMBER_TYPES:
            gaps.append(
                str(
                    _(
                        "Members of at least %(count)d types (companies, research, public) "
                        "are required."
                    )
                )
                % {"count": ECCP_MIN_MEMBER_TYPES}
            )
        if not self.website:
            gaps.append(str(_("A website showing the cluster's activity is required.")))
        return gaps


class Membership(models.Model):
    """Links a cluster manager to the organisation they act for."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"
