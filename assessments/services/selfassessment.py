"""The manager's self-assessment: answers, improvement areas, and what is still missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from assessments.models import ConsensusValue, ImprovementArea, Indicator, SelfAssessmentAnswer
from assessments.values import clean_value
from labelling.exceptions import ActionForbidden, InvalidInput
from labelling.models import Application, Level, User
from labelling.rules import can


def _require_editable(application: Application, actor: User) -> None:
    if not can(actor, "assessments.edit_self_assessment", application):
        raise ActionForbidden(
            _("Only the organisation's managers can edit the self-assessment, while it is a draft.")
        )


def required_indicators(application: Application):
    """Every indicator of the application's methodology, whatever the level applied for: each
    application is a full benchmarking (the GOLD set is part of it), so that an application
    that misses the level it asked for can still earn a lower one."""
    return application.methodology.indicators.select_related("dimension").order_by("order")


@transaction.atomic
def answer_save(
    *, application: Application, indicator: Indicator, actor: User, value: object, comment: str = ""
) -> SelfAssessmentAnswer:
    """Save (or overwrite) one answer; partial work is fine until submission."""
    _require_editable(application, actor)
    if indicator.methodology_id != application.methodology_id:
        raise InvalidInput(
            _("This indicator is not part of the application's methodology."), field="indicator"
        )
    answer, _created = SelfAssessmentAnswer.objects.update_or_create(
        application=application,
        indicator=indicator,
        defaults={
            "value": clean_value(indicator.value_type, value),
            "comment": (comment or "").strip(),
            "updated_by": actor,
            # Saved by the manager: a carried-over value is now confirmed or changed.
            "carried_over": False,
        },
    )
    return answer


def answers_save(
    *, application: Application, actor: User, answers: Mapping[Indicator, tuple[object, str]]
) -> dict[int, str]:
    """Save several answers at once (one dimension of the form), each as ``answer_save`` does.

    Partial work is kept: every valid answer is saved even when others are refused, and a
    refused one keeps its previous answer. Returns the refusals by indicator id (empty: all
    saved). A person who may not edit is refused before anything is saved.
    """
    _require_editable(application, actor)
    refused = {}
    for indicator, (value, comment) in answers.items():
        try:
            answer_save(
                application=application,
                indicator=indicator,
                actor=actor,
                value=value,
                comment=comment,
            )
        except InvalidInput as invalid:
            refused[indicator.pk] = invalid.message
    return refused


@transaction.atomic
def improvement_area_add(
    *, application: Application, actor: User, title: str, description: str, effect: str
) -> ImprovementArea:
    _require_editable(application, actor)
    if application.level != Level.SILVER:
        raise InvalidInput(
            _("Improvement areas belong to SILVER applications only."), field="title"
        )
    fields = {"title": title, "description": description, "effect": effect}
    for name, text in fields.items():
        if not (text or "").strip():
            raise InvalidInput(_("This field is required."), field=name)
    return ImprovementArea.objects.create(
        application=application, **{k: v.strip() for k, v in fields.items()}
    )


@transaction.atomic
def improvement_area_remove(*, area: ImprovementArea, actor: User) -> None:
    _require_editable(area.application, actor)
    area.delete()


def _percent(answered: int, total: int) -> int:
    """The share answered, in whole percent; nothing to answer is all answered."""
    return round(100 * answered / total) if total else 100


@dataclass(frozen=True)
class DimensionProgress:
    """One dimension of the self-assessment: how much is done, and what is left to do."""

    code: str
    title: str
    answered: int
    total: int
    dimension_id: int = 0
    #: Indicators of the dimension that ask for evidence and have none attached yet.
    evidence_missing: int = 0
    #: Values carried over from the previous cycle that the manager has not confirmed yet.
    to_confirm: int = 0
    #: The first indicator of the dimension that still needs work (``None``: nothing left).
    next_indicator_id: int | None = None

    @property
    def percent(self) -> int:
        return _percent(self.answered, self.total)

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def complete(self) -> bool:
        return self.next_indicator_id is None


@dataclass(frozen=True)
class SelfAssessmentStatus:
    """Where a self-assessment stands: per dimension, the improvement areas a SILVER application
    needs, and every gap in one sentence each (empty: it can be submitted)."""

    dimensions: list[DimensionProgress]
    areas_needed: int
    areas_given: int
    gaps: list[str]

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.dimensions)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.dimensions)

    @property
    def percent(self) -> int:
        return _percent(self.answered, self.total)

    @property
    def evidence_missing(self) -> int:
        return sum(d.evidence_missing for d in self.dimensions)

    @property
    def to_confirm(self) -> int:
        return sum(d.to_confirm for d in self.dimensions)

    @property
    def areas_missing(self) -> int:
        return max(self.areas_needed - self.areas_given, 0)

    @property
    def next_dimension(self) -> DimensionProgress | None:
        """The first dimension with work left: where the manager goes on."""
        return next((d for d in self.dimensions if not d.complete), None)

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    def summary(self) -> list[str]:
        """What is missing, counted: a few short lines where ``gaps`` has one per item."""
        return [
            str(message % {"count": count})
            for attribute, message in _MISSING_COUNTED
            if (count := getattr(self, attribute))
        ]


#: Each count of ``SelfAssessmentStatus`` that keeps it from being complete, and its sentence.
_MISSING_COUNTED = (
    (
        "unanswered",
        ngettext_lazy(
            "%(count)d indicator has no value yet.",
            "%(count)d indicators have no value yet.",
            "count",
        ),
    ),
    (
        "evidence_missing",
        ngettext_lazy(
            "%(count)d indicator needs its evidence.",
            "%(count)d indicators need their evidence.",
            "count",
        ),
    ),
    (
        "to_confirm",
        ngettext_lazy(
            "%(count)d value carried over from the previous cycle is to confirm.",
            "%(count)d values carried over from the previous cycle are to confirm.",
            "count",
        ),
    ),
    (
        "areas_missing",
        ngettext_lazy(
            "SILVER needs %(count)d more improvement area.",
            "SILVER needs %(count)d more improvement areas.",
            "count",
        ),
    ),
)


def self_assessment_status(application: Application) -> SelfAssessmentStatus:
    """Every indicator's answer, evidence and carried-over mark, counted per dimension and
    explained item by item (three queries, whatever the number of indicators)."""
    answered, carried_over = set(), set()
    for indicator_id, value, carried in application.answers.values_list(
        "indicator_id", "value", "carried_over"
    ):
        if value is not None:
            answered.add(indicator_id)
        if carried:
            carried_over.add(indicator_id)
    with_evidence = set(
        application.evidence.filter(indicator__isnull=False).values_list("indicator_id", flat=True)
    )
    gaps: list[str] = []
    counts: dict[str, dict] = {}
    for indicator in required_indicators(application):
        dimension = indicator.dimension
        row = counts.setdefault(
            dimension.code,
            {
                "title": dimension.title,
                "dimension_id": dimension.pk,
                "answered": 0,
                "total": 0,
                "evidence_missing": 0,
                "to_confirm": 0,
                "next_indicator_id": None,
            },
        )
        named = {"code": indicator.code, "title": indicator.title}
        row["total"] += 1
        needs_work = False
        if indicator.pk in carried_over:
            row["to_confirm"] += 1
            needs_work = True
            gaps.append(
                _(
                    "%(code)s %(title)s: carried over from the previous cycle; confirm it or "
                    "change it."
                )
                % named
            )
        if indicator.pk in answered:
            row["answered"] += 1
        else:
            needs_work = True
            gaps.append(_("%(code)s %(title)s: no value yet.") % named)
        if indicator.requires_evidence and indicator.pk not in with_evidence:
            row["evidence_missing"] += 1
            needs_work = True
            gaps.append(
                _("%(code)s %(title)s: evidence missing (%(evidence)s).")
                % {**named, "evidence": indicator.evidence_required}
            )
        if needs_work and row["next_indicator_id"] is None:
            row["next_indicator_id"] = indicator.pk
    needed = given = 0
    if application.level == Level.SILVER:
        needed = application.methodology.silver_min_improvement_areas
        given = application.improvement_areas.count()
        if given < needed:
            gaps.append(
                _("SILVER needs at least %(needed)d improvement areas; %(have)d given.")
                % {"needed": needed, "have": given}
            )
    return SelfAssessmentStatus(
        dimensions=[DimensionProgress(code, **row) for code, row in counts.items()],
        areas_needed=needed,
        areas_given=given,
        gaps=gaps,
    )


def self_assessment_progress(application: Application) -> list[DimensionProgress]:
    return self_assessment_status(application).dimensions


def self_assessment_gaps(application: Application) -> list[str]:
    """What keeps the self-assessment from being submitted, one sentence each (empty: complete)."""
    return self_assessment_status(application).gaps


def self_assessment_summary(application: Application) -> list[str]:
    """What keeps the self-assessment from being submitted, counted in a few short lines."""
    return self_assessment_status(application).summary()


# --- A renewal starts from the previous cycle ------------------------------------------------


def renewal_prefill(application: Application, actor: User) -> int:
    """Pre-fill a renewal's self-assessment with the renewed label's validated values (the
    agreed consensus values; the self-assessed ones where none was agreed), matched by indicator
    code, each marked carried over until the manager confirms or changes it. Returns how many
    values were carried over."""
    if application.renews_id is None:
        return 0
    previous = application.renews.application
    agreed = dict(
        ConsensusValue.objects.filter(application=previous).values_list("indicator__code", "value")
    )
    assessed = dict(
        previous.answers.filter(value__isnull=False).values_list("indicator__code", "value")
    )
    carried = [
        SelfAssessmentAnswer(
            application=application,
            indicator=indicator,
            value=agreed.get(indicator.code, assessed.get(indicator.code)),
            updated_by=actor,
            carried_over=True,
        )
        for indicator in required_indicators(application)
        if agreed.get(indicator.code, assessed.get(indicator.code)) is not None
    ]
    SelfAssessmentAnswer.objects.bulk_create(carried)
    return len(carried)


def carried_over_confirm(
    *, application: Application, actor: User, indicator: Indicator | None = None
) -> int:
    """The manager confirms a carried-over value as it is (or every one, without
    ``indicator``); returns how many were confirmed."""
    _require_editable(application, actor)
    answers = application.answers.filter(carried_over=True)
    if indicator is not None:
        answers = answers.filter(indicator=indicator)
    return answers.update(carried_over=False, updated_by=actor, updated_at=timezone.now())
