"""Accredited experts: what they may assess, and the conflicts of interest they declare."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from labelling.rules import transition_permission


class ExpertProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile"
    )
    accredited_from = models.DateField(_("accredited from"))
    accredited_until = models.DateField(_("accredited until"))
    may_assess_bronze = models.BooleanField(_("may assess BRONZE"), default=True)
    may_assess_silver = models.BooleanField(_("may assess SILVER"), default=False)
    may_assess_gold = models.BooleanField(_("may assess GOLD"), default=False)
    countries = CountryField(_("countries of expertise"), multiple=True, blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("ISO 639-1 codes, e.g. de, en")
    )
    sectors = models.ManyToManyField("labelling.Sector", verbose_name=_("sectors"), blank=True)

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self) -> str:
        return str(self.user)

    def may_assess(self, level: str) -> bool:
        return bool(getattr(self, f"may_assess_{level}", False))

    def is_accredited_for(self, level: str, on: datetime.date) -> bool:
        return self.accredited_from <= on <= self.accredited_until and self.may_assess(level)


class ConflictDeclarationQuerySet(models.QuerySet):
    def in_force(self) -> ConflictDeclarationQuerySet:
        """Declarations not withdrawn: each bars its expert from assessing the organisation,
        unless waived (``barring``)."""
        return self.filter(withdrawn_at__isnull=True)

    def barring(self) -> ConflictDeclarationQuerySet:
        """Declarations in force that bar their expert: those not waived (a confirmed waiver
        lets the expert assess the organisation despite the tie)."""
        return self.in_force().exclude(waivers__state="confirmed")


class ConflictDeclaration(models.Model):
    """An expert's tie to an organisation (employment, membership, consultancy, personal).

    A declaration recorded by mistake is withdrawn, never deleted, so the record keeps who
    declared what and when (ISO/IEC 17065 records).
    """

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    organisation = models.ForeignKey(
        "labelling.Organisation", on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    description = models.TextField(_("nature of the tie"))
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)

    objects = ConflictDeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "organisation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_declaration_in_force_per_tie",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} ↔ {self.organisation}"


SECOND_MEMBER = _(
    "A waiver is confirmed or rejected by a second secretariat member, not the one who proposed it."
)


class WaiverState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting a second member")
    CONFIRMED = "confirmed", _("Waived")
    REJECTED = "rejected", _("Not waived")


class ConflictWaiver(ConcurrentTransitionMixin, models.Model):
    """A declared conflict the secretariat identified and waived, with its written reason.

    One member proposes the waiver, a second confirms or rejects it (four eyes); only a
    confirmed waiver lets the expert assess the organisation despite the tie. Every step is a
    recorded state change, shown in the history and the report's impartiality section.
    """

    declaration = models.ForeignKey(
        ConflictDeclaration,
        on_delete=models.PROTECT,
        related_name="waivers",
        verbose_name=_("conflict of interest declaration"),
    )
    state = FSMField(
        _("state"), default=WaiverState.PROPOSED, choices=WaiverState.choices, protected=True
    )
    reason = models.TextField(_("why the conflict is waived"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = GenericRelation("labelling.StateChange")

    class Meta:
        verbose_name = _("conflict waiver")
        verbose_name_plural = _("conflict waivers")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration"],
                condition=models.Q(state__in=["proposed", "confirmed"]),
                name="one_live_waiver_per_declaration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.declaration} ({self.get_state_display()})"

    @transition(
        field=state,
        source=WaiverState.PROPOSED,
        target=WaiverState.CONFIRMED,
        permission=transition_permission("assessments.decide_waiver"),
        custom={"who_may": SECOND_MEMBER},
    )
    def confirm(self, *, decider) -> None:
        self.decided_by = decider
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=WaiverState.PROPOSED,
        target=WaiverState.REJECTED,
        permission=transition_permission("assessments.decide_waiver"),
        custom={"reason_required": True, "who_may": SECOND_MEMBER},
    )
    def reject(self, *, decider) -> None:
        self.decided_by = decider
        self.decided_at = timezone.now()
