"""Accredited experts: what they may assess, and the conflicts of interest they declare."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


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

    def is_accredited_for(self, level: str, on: datetime.date) -> bool:
        if not (self.accredited_from <= on <= self.accredited_until):
            return False
        return bool(getattr(self, f"may_assess_{level}", False))


class ConflictDeclaration(models.Model):
    """An expert's tie to an organisation (employment, membership, consultancy, personal)."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    organisation = models.ForeignKey(
        "labelling.Organisation", on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    description = models.TextField(_("nature of the tie"))
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "organisation"], name="one_declaration_per_tie"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} ↔ {self.organisation}"
