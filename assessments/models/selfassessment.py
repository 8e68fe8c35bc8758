"""The manager's self-assessment: a value and comment per indicator, evidence, improvement areas."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.methodology import VALUE_BOUNDS


class SelfAssessmentAnswer(models.Model):
    application = models.ForeignKey(
        "labelling.Application", on_delete=models.CASCADE, related_name="answers"
    )
    indicator = models.ForeignKey(
        "assessments.Indicator", on_delete=models.PROTECT, related_name="answers"
    )
    value = models.DecimalField(
        _("value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=VALUE_BOUNDS,
    )
    comment = models.TextField(_("comment"), blank=True)
    # A renewal starts from the previous cycle's validated values; each is to be confirmed or
    # changed before the application can be submitted.
    carried_over = models.BooleanField(
        _("carried over from the previous cycle, not confirmed yet"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("self-assessment answer")
        verbose_name_plural = _("self-assessment answers")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "indicator"], name="one_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # A random name: the uploader's file name is kept in the row, never trusted as a path.
    return f"evidence/{instance.application_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    application = models.ForeignKey(
        "labelling.Application", on_delete=models.CASCADE, related_name="evidence"
    )
    indicator = models.ForeignKey(
        "assessments.Indicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    question = models.ForeignKey(
        "assessments.ClarificationQuestion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # The file is removed some time after its application closed (assessments.services
    # .retention); the row stays, as the record of what was submitted.
    purged_at = models.DateTimeField(_("file removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ImprovementArea(models.Model):
    """A SILVER applicant's improvement since its BRONZE benchmarking, validated by the expert."""

    application = models.ForeignKey(
        "labelling.Application", on_delete=models.CASCADE, related_name="improvement_areas"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    effect = models.TextField(_("effect"))
    validated = models.BooleanField(_("validated by the expert"), null=True, blank=True)
    validation_note = models.TextField(_("expert's note"), blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("improvement area")
        verbose_name_plural = _("improvement areas")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title
