"""The manager's self-assessment: answers, improvement areas, and what is still missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class DimensionProgress:
    code: str
    title: str
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


def self_assessment_progress(application: Application) -> list[DimensionProgress]:
    answered = set(
        application.answers.filter(value__isnull=False).values_list("indicator_id", flat=True)
    )
    progress: dict[str, list] = {}
    for indicator in required_indicators(application):
        row = progress.setdefault(indicator.dimension.code, [indicator.dimension.title, 0, 0])
        row[1] += indicator.pk in answered
        row[2] += 1
    return [DimensionProgress(code, t, a, n) for code, (t, a, n) in progress.items()]


def self_assessment_gaps(application: Application) -> list[str]:
    """What keeps the self-assessment from being submitted, one sentence each (empty: complete)."""
    answered = set(
        application.answers.filter(value__isnull=False).values_list("indicator_id", flat=True)
    )
    with_evidence = set(
        application.evidence.filter(indicator__isnull=False).values_list("indicator_id", flat=True)
    )
    carried_over = set(
        application.answers.filter(carried_over=True).values_list("indicator_id", flat=True)
    )
    gaps = []
    for indicator in required_indicators(application):
        if indicator.pk in carried_over:
            gaps.append(
                _(
                    "%(code)s %(title)s: carried over from the previous cycle; confirm it or "
                    "change it."
                )
                % {"code": indicator.code, "title": indicator.title}
            )
        if indicator.pk not in answered:
            gaps.append(
                _("%(code)s %(title)s: no value yet.")
                % {"code": indicator.code, "title": indicator.title}
            )
        if indicator.requires_evidence and indicator.pk not in with_evidence:
            gaps.append(
                _("%(code)s %(title)s: evidence missing (%(evidence)s).")
                % {
                    "code": indicator.code,
                    "title": indicator.title,
                    "evidence": indicator.evidence_required,
                }
            )
    if application.level == Level.SILVER:
        needed = application.methodology.silver_min_improvement_areas
        have = application.improvement_areas.count()
        if have < needed:
            gaps.append(
                _("SILVER needs at least %(needed)d improvement areas; %(have)d given.")
                % {"needed": needed, "have": have}
            )
    return gaps


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
