"""Expert scores (blind until both are in), clarification questions, consensus, recommendation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.methodology import VALUE_BOUNDS, Light


class ExpertScore(models.Model):
    """One expert's validated value for one indicator; light and points follow from the bands."""

    assignment = models.ForeignKey(
        "assessments.Assignment", on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(
        "assessments.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(
        _("validated value"), max_digits=14, decimal_places=2, validators=VALUE_BOUNDS
    )
    light = models.CharField(_("light"), max_length=8, choices=Light.choices)
    points = models.PositiveSmallIntegerField(_("points"))
    justification = models.TextField(_("justification"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("expert score")
        verbose_name_plural = _("expert scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "indicator"], name="one_score_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value} ({self.light})"


class ClarificationQuestion(models.Model):
    application = models.ForeignKey(
        "labelling.Application", on_delete=models.CASCADE, related_name="questions"
    )
    indicator = models.ForeignKey(
        "assessments.Indicator", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("question"))
    due_date = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    asked_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("clarification question")
        verbose_name_plural = _("clarification questions")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class ConsensusValue(models.Model):
    """The value both experts agreed on for one indicator, recorded by the lead expert."""

    application = models.ForeignKey(
        "labelling.Application", on_delete=models.CASCADE, related_name="consensus_values"
    )
    indicator = models.ForeignKey(
        "assessments.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(
        _("consensus value"), max_digits=14, decimal_places=2, validators=VALUE_BOUNDS
    )
    light = models.CharField(_("light"), max_length=8, choices=Light.choices)
    points = models.PositiveSmallIntegerField(_("points"))
    note = models.TextField(_("note"), blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(_("settled"), auto_now=True)

    class Meta:
        verbose_name = _("consensus value")
        verbose_name_plural = _("consensus values")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "indicator"], name="one_consensus_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"


class Recommendation(models.Model):
    """The decision engine's result for an application, kept with its full explanation."""

    application = models.ForeignKey(
        "labelling.Application", on_delete=models.CASCADE, related_name="recommendations"
    )
    methodology = models.ForeignKey(
        "assessments.MethodologyVersion", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("recommended outcome"), max_length=8)
    gold_score_pct = models.DecimalField(
        _("GOLD score (%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("On the GOLD set, rounded down to two decimals."),
    )
    benchmark_score_pct = models.DecimalField(
        _("benchmarking score (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("On every indicator, rounded down to two decimals."),
    )
    agreement_rate = models.DecimalField(
        _("experts' agreement (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    explanation = models.JSONField(_("explanation"))
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.gold_score_pct} %)"
