"""The methodology as versioned data: dimensions, indicators and label rules.

A published version is immutable: the scheme owner changes the methodology by loading a new
version, and every application stays pinned to the version it was opened under.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from assessments import engine
from labelling.exceptions import TransitionRefused
from labelling.rules import transition_permission


class MethodologyLocked(TransitionRefused):
    """A published methodology (or one of its parts) cannot be changed."""

    code = "methodology_published"


class MethodologyState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ValueType(models.TextChoices):
    COUNT = engine.ValueType.COUNT, _("Count")
    PERCENTAGE = engine.ValueType.PERCENTAGE, _("Percentage")
    AMOUNT = engine.ValueType.AMOUNT, _("Amount")
    YES_NO = engine.ValueType.YES_NO, _("Yes / no")
    RUBRIC = engine.ValueType.RUBRIC, _("Rubric 0–3")


#: Any indicator's value lies within these, whatever its type (``engine.VALUE_RANGES``): the
#: bounds of every stored value and threshold, which the forms and serializers built from the
#: models take over (the value type's own range is the services' to check).
LOWEST_VALUE = min(low for low, high in engine.VALUE_RANGES.values())
HIGHEST_VALUE = max(high for low, high in engine.VALUE_RANGES.values())
VALUE_BOUNDS = [MinValueValidator(LOWEST_VALUE), MaxValueValidator(HIGHEST_VALUE)]


class Light(models.TextChoices):
    RED = engine.Light.RED, _("Red")
    YELLOW = engine.Light.YELLOW, _("Yellow")
    GREEN = engine.Light.GREEN, _("Green")


def _refuse_if_published(version: MethodologyVersion) -> None:
    if version.is_published:
        raise MethodologyLocked(
            _(
                "Methodology %(code)s %(version)s is published and cannot be changed; "
                "load a new version instead."
            )
            % {"code": version.code, "version": version.version},
            current_state=MethodologyState.PUBLISHED,
        )


#: Engine specs of published versions, by id and publication time (see ``as_spec``).
PUBLISHED_SPECS: dict[tuple, engine.MethodologySpec] = {}


class MethodologyVersion(ConcurrentTransitionMixin, models.Model):
    code = models.SlugField(_("code"), max_length=32)
    version = models.CharField(_("version"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The bounds of the methodology file's schema (assessments.methodology_schema).
    validity_months = models.PositiveSmallIntegerField(
        _("label validity (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    gold_min_score_pct = models.DecimalField(
        _("GOLD: minimum score (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(80),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    gold_min_expert_countries = models.PositiveSmallIntegerField(
        _("GOLD: experts from at least this many countries"),
        default=2,
        validators=[MinValueValidator(1)],
    )
    silver_min_improvement_areas = models.PositiveSmallIntegerField(
        _("SILVER: minimum validated improvement areas"), default=3
    )
    silver_prior_bronze_min_months = models.PositiveSmallIntegerField(
        _("SILVER: BRONZE at least this many months earlier"), default=18
    )
    silver_prior_bronze_max_months = models.PositiveSmallIntegerField(
        _("SILVER: BRONZE at most this many months earlier"), default=24
    )
    source_sha256 = models.CharField(_("SHA-256 of the loaded file"), max_length=64, blank=True)
    state = FSMField(
        _("state"), default=MethodologyState.DRAFT, choices=MethodologyState.choices, protected=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    history = GenericRelation("labelling.StateChange")

    class Meta:
        verbose_name = _("methodology version")
        verbose_name_plural = _("methodology versions")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_methodology_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored == MethodologyState.PUBLISHED:
                _refuse_if_published(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_published(self)
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.state == MethodologyState.PUBLISHED

    @transition(
        field=state,
        source=MethodologyState.DRAFT,
        target=MethodologyState.PUBLISHED,
        permission=transition_permission("assessments.publish_methodology"),
    )
    def publish(self, *, at) -> None:
        self.published_at = at

    def as_spec(self) -> engine.MethodologySpec:
        """The engine's view of this version (one query for all indicators), built once per
        process for a published version: nothing of it can change any more, and the engine
        keeps what it worked out on it (``IndicatorSpec.evaluated``)."""
        key = (self.pk, self.published_at)
        if self.published_at is not None and key in PUBLISHED_SPECS:
            return PUBLISHED_SPECS[key]
        spec = self._build_spec()
        if self.published_at is not None:
            PUBLISHED_SPECS[key] = spec
        return spec

    def _build_spec(self) -> engine.MethodologySpec:
        indicators = tuple(
            indicator.as_spec()
            for indicator in self.indicators.select_related("dimension").order_by("order")
        )
        return engine.MethodologySpec(
            code=self.code,
            version=self.version,
            indicators=indicators,
            rules=engine.LabelRules(
                gold_min_score_pct=self.gold_min_score_pct,
                gold_min_expert_countries=self.gold_min_expert_countries,
                silver_min_improvement_areas=self.silver_min_improvement_areas,
                silver_prior_bronze_min_months=self.silver_prior_bronze_min_months,
                silver_prior_bronze_max_months=self.silver_prior_bronze_max_months,
            ),
        )


class LockedWithVersion(models.Model):
    """A part of a methodology version: frozen once the version is published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        _refuse_if_published(MethodologyVersion.objects.get(pk=self.methodology_id))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_published(self.methodology)
        return super().delete(*args, **kwargs)


class Dimension(LockedWithVersion):
    methodology = models.ForeignKey(
        MethodologyVersion, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["methodology", "order"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="unique_dimension_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Indicator(LockedWithVersion):
    methodology = models.ForeignKey(
        MethodologyVersion, on_delete=models.CASCADE, related_name="indicators"
    )
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("title"), max_length=300)
    guidance = models.TextField(_("guidance"), blank=True)
    evidence_required = models.TextField(
        _("evidence required"), blank=True, help_text=_("Empty when no document is required.")
    )
    value_type = models.CharField(_("value type"), max_length=12, choices=ValueType.choices)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    bands = models.JSONField(_("traffic-light bands"))
    threshold = models.DecimalField(
        _("threshold"), max_digits=14, decimal_places=2, validators=VALUE_BOUNDS
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    in_gold_set = models.BooleanField(_("in the GOLD set"), default=False)
    bronze_eligibility = models.BooleanField(
        _("BRONZE eligibility criterion"),
        default=False,
        help_text=_("Every label needs it met (the ECCP profile minimums)."),
    )
    gold_minimum = models.BooleanField(
        _("GOLD minimum requirement"),
        default=False,
        help_text=_("SILVER and GOLD need it met."),
    )
    rubric = models.JSONField(_("rubric level descriptions"), default=list, blank=True)
    source = models.CharField(_("source of the threshold"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["methodology", "order"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="unique_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def requires_evidence(self) -> bool:
        return bool(self.evidence_required.strip())

    @property
    def is_illustrative(self) -> bool:
        return self.source.strip().lower() == "illustrative"

    def as_spec(self) -> engine.IndicatorSpec:
        return engine.IndicatorSpec(
            code=self.code,
            dimension=self.dimension.code,
            value_type=engine.ValueType(self.value_type),
            bands=tuple(
                engine.Band(Decimal(str(b["from"])), engine.Light(b["light"]), int(b["points"]))
                for b in self.bands
            ),
            threshold=self.threshold,
            weight=self.weight,
            bronze_eligibility=self.bronze_eligibility,
            gold_minimum=self.gold_minimum,
            in_gold_set=self.in_gold_set,
        )

    def evaluate(self, value: Decimal | None) -> engine.IndicatorResult:
        """Light, points and pass for one value: the engine's rule, for live display."""
        return engine.evaluate_indicator(self.as_spec(), value)
