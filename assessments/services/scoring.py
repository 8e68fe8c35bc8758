"""Expert scoring (blind until every expert has submitted), clarification questions, consensus
and the engine's recommendation that the secretariat's decision starts from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Assignment,
    AssignmentStatus,
    ClarificationQuestion,
    ConsensusValue,
    ExpertScore,
    ImprovementArea,
    Indicator,
)
from assessments.services.selfassessment import required_indicators
from assessments.values import clean_value
from labelling import deadlines, dispatch
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import Application, ApplicationState, User
from labelling.rules import can

S = ApplicationState


def _active_assignments(application: Application):
    return application.assignments.exclude(status=AssignmentStatus.DECLINED).select_related(
        "expert"
    )


def _required(application: Application, indicator: Indicator) -> None:
    if not required_indicators(application).filter(pk=indicator.pk).exists():
        raise InvalidInput(
            _("%(code)s is not assessed for this level.") % {"code": indicator.code},
            field="indicator",
        )


# --- Scoring -------------------------------------------------------------------------------


@transaction.atomic
def score_save(
    *,
    assignment: Assignment,
    indicator: Indicator,
    actor: User,
    value: object,
    justification: str = "",
) -> ExpertScore:
    """Set the expert's validated value; light and points follow from the indicator's bands.

    A justification is required where the value differs from the self-assessment.
    """
    application = assignment.application
    if assignment.expert_id != actor.pk or not can(
        actor, "labelling.score_application", application
    ):
        raise ActionForbidden(_("This assignment is not yours."))
    if application.state != S.IN_ASSESSMENT:
        raise TransitionRefused(
            _("Scores can be entered only while the application is in assessment."),
            current_state=application.state,
        )
    if assignment.scores_submitted_at:
        raise TransitionRefused(_("You have submitted your scoring; it can no longer be changed."))
    _required(application, indicator)
    cleaned = clean_value(indicator.value_type, value)
    if cleaned is None:
        raise InvalidInput(_("Enter the validated value."), field="value")
    justification = (justification or "").strip()
    claimed = (
        application.answers.filter(indicator=indicator).values_list("value", flat=True).first()
    )
    if claimed != cleaned and not justification:
        raise InvalidInput(
            _("Explain why the validated value differs from the self-assessed one (%(claimed)s).")
            % {"claimed": "—" if claimed is None else claimed},
            field="justification",
        )
    result = indicator.evaluate(cleaned)
    score, _created = ExpertScore.objects.update_or_create(
        assignment=assignment,
        indicator=indicator,
        defaults={
            "value": cleaned,
            "light": result.light,
            "points": result.points,
            "justification": justification,
        },
    )
    return score


def scoring_gaps(assignment: Assignment) -> list[str]:
    scored = set(assignment.scores.values_list("indicator_id", flat=True))
    return [
        _("%(code)s %(title)s: no validated value yet.") % {"code": i.code, "title": i.title}
        for i in required_indicators(assignment.application)
        if i.pk not in scored
    ]


def all_scorings_submitted(application: Application) -> bool:
    active = list(_active_assignments(application))
    return bool(active) and all(a.scores_submitted_at for a in active)


def scores_visible_to(*, application: Application, viewer: User):
    """The scores ``viewer`` may see: the secretariat all; an expert their own, and the other
    expert's only once every expert has submitted (blind assessment)."""
    scores = ExpertScore.objects.filter(assignment__application=application).select_related(
        "indicator", "assignment__expert"
    )
    if can(viewer, "labelling.review_quality", application):
        return scores
    if not can(viewer, "labelling.score_application", application):
        raise ActionForbidden(_("You are not an expert of this application."))
    if all_scorings_submitted(application):
        return scores
    return scores.filter(assignment__expert=viewer)


def other_expert_scores(*, application: Application, viewer: User):
    """The other experts' scores; refused while the assessment is still blind."""
    if not all_scorings_submitted(application) and not can(
        viewer, "labelling.review_quality", application
    ):
        raise ActionForbidden(
            _("The other expert's scores are hidden until every expert has submitted theirs.")
        )
    return scores_visible_to(application=application, viewer=viewer).exclude(
        assignment__expert=viewer
    )


# --- Clarification questions -----------------------------------------------------------------


@transaction.atomic
def question_ask(
    *,
    application: Application,
    actor: User,
    text: str,
    due_date: datetime.date | None,
    indicator: Indicator | None = None,
) -> ClarificationQuestion:
    """An expert asks the manager; the managers are e-mailed after commit."""
    if not can(actor, "labelling.score_application", application):
        raise ActionForbidden(_("Only the application's experts ask clarification questions."))
    if application.state not in (S.IN_ASSESSMENT, S.CONSENSUS):
        raise TransitionRefused(
            _("Questions can be asked only during the assessment."), current_state=application.state
        )
    if not (text or "").strip():
        raise InvalidInput(_("Write the question."), field="text")
    if due_date is None:
        raise InvalidInput(_("Give the date the answer is due."), field="due_date")
    if due_date < timezone.localdate():
        raise InvalidInput(_("The due date cannot be in the past."), field="due_date")
    if indicator is not None:
        _required(application, indicator)
    question = ClarificationQuestion.objects.create(
        application=application,
        indicator=indicator,
        asked_by=actor,
        text=text.strip(),
        due_date=due_date,
    )
    _queue_question_mail(question, "asked")
    deadlines.follow(application)
    return question


@transaction.atomic
def question_answer(
    *, question: ClarificationQuestion, actor: User, answer: str
) -> ClarificationQuestion:
    """The manager answers; every expert of the application is e-mailed after commit."""
    application = question.application
    if not can(actor, "assessments.answer_question", application):
        raise ActionForbidden(_("Only the organisation's managers answer the experts' questions."))
    if application.state not in (S.IN_ASSESSMENT, S.CONSENSUS):
        raise TransitionRefused(
            _("The assessment is over; questions can no longer be answered."),
            current_state=application.state,
        )
    if not (answer or "").strip():
        raise InvalidInput(_("Write the answer."), field="answer")
    # Claimed on the unanswered row: a second answer would silently replace the first one the
    # experts were already e-mailed about (the "answered" e-mail goes out only once).
    updated = ClarificationQuestion.objects.filter(pk=question.pk, answered_at__isnull=True).update(
        answer=answer.strip(), answered_by=actor, answered_at=timezone.now()
    )
    if not updated:
        raise TransitionRefused(_("This question has already been answered."))
    question.refresh_from_db()
    _queue_question_mail(question, "answered")
    deadlines.follow(application)
    return question


def _queue_question_mail(question: ClarificationQuestion, event: str) -> None:
    dispatch.enqueue(
        "assessments.send_question_notification",
        key=f"question:{question.pk}:{event}",
        question_id=question.pk,
        event=event,
    )


# --- Consensus -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsensusRow:
    """One indicator in the lead expert's side-by-side view."""

    indicator: Indicator
    self_assessed: Decimal | None
    scores: tuple[ExpertScore, ...]
    consensus: ConsensusValue | None

    @property
    def experts_differ(self) -> bool:
        return len({s.value for s in self.scores}) > 1


def consensus_rows(*, application: Application, viewer: User) -> list[ConsensusRow]:
    if not all_scorings_submitted(application):
        raise ActionForbidden(
            _("The consensus view opens once every expert has submitted their scoring.")
        )
    scores: dict[int, list[ExpertScore]] = {}
    for score in scores_visible_to(application=application, viewer=viewer):
        scores.setdefault(score.indicator_id, []).append(score)
    claimed = dict(application.answers.values_list("indicator_id", "value"))
    settled = {c.indicator_id: c for c in application.consensus_values.all()}
    return [
        ConsensusRow(
            indicator=i,
            self_assessed=claimed.get(i.pk),
            scores=tuple(sorted(scores.get(i.pk, []), key=lambda s: s.assignment.role)),
            consensus=settled.get(i.pk),
        )
        for i in required_indicators(application)
    ]


def _save_consensus(
    application: Application, indicator: Indicator, value: Decimal, actor: User, note: str
):
    result = indicator.evaluate(value)
    return ConsensusValue.objects.update_or_create(
        application=application,
        indicator=indicator,
        defaults={
            "value": value,
            "light": result.light,
            "points": result.points,
            "note": note,
            "settled_by": actor,
        },
    )[0]


@transaction.atomic
def consensus_value_save(
    *, application: Application, indicator: Indicator, actor: User, value: object, note: str = ""
) -> ConsensusValue:
    """The lead expert records the value the experts agreed on."""
    if not can(actor, "labelling.settle_consensus", application):
        raise ActionForbidden(_("Only the lead expert records the consensus."))
    if application.state != S.CONSENSUS:
        raise TransitionRefused(
            _("The consensus can be recorded only in the consensus step."),
            current_state=application.state,
        )
    _required(application, indicator)
    cleaned = clean_value(indicator.value_type, value)
    if cleaned is None:
        raise InvalidInput(_("Enter the consensus value."), field="value")
    return _save_consensus(application, indicator, cleaned, actor, (note or "").strip())


def consensus_prefill_agreed(application: Application, actor: User) -> int:
    """Record the consensus where every expert gave the same value; returns how many."""
    by_indicator: dict[int, set[Decimal]] = {}
    for indicator_id, value in ExpertScore.objects.filter(
        assignment__in=_active_assignments(application)
    ).values_list("indicator_id", "value"):
        by_indicator.setdefault(indicator_id, set()).add(value)
    agreed = 0
    for indicator in required_indicators(application):
        values = by_indicator.get(indicator.pk, set())
        if (
            len(values) == 1
            and not application.consensus_values.filter(indicator=indicator).exists()
        ):
            _save_consensus(
                application, indicator, next(iter(values)), actor, _("Agreed by all experts.")
            )
            agreed += 1
    return agreed


def consensus_gaps(application: Application) -> list[str]:
    settled = set(application.consensus_values.values_list("indicator_id", flat=True))
    return [
        _("%(code)s %(title)s: no consensus value yet.") % {"code": i.code, "title": i.title}
        for i in required_indicators(application)
        if i.pk not in settled
    ]


def agreement_rate(application: Application) -> Decimal:
    """Share of the assessed indicators on which every expert gave the same value, in %."""
    required = list(required_indicators(application).values_list("pk", flat=True))
    if not required:
        return Decimal(100)
    values: dict[int, set[Decimal]] = {}
    for indicator_id, value in ExpertScore.objects.filter(
        assignment__in=_active_assignments(application), indicator_id__in=required
    ).values_list("indicator_id", "value"):
        values.setdefault(indicator_id, set()).add(value)
    agreed = sum(1 for pk in required if len(values.get(pk, set())) == 1)
    return (Decimal(agreed) * 100 / len(required)).quantize(Decimal("0.1"))


# --- Improvement areas ----------------------------------------------------------------------


@transaction.atomic
def improvement_area_validate(
    *, area: ImprovementArea, actor: User, validated: bool, note: str = ""
) -> ImprovementArea:
    """The auditor validates (or not) one of a SILVER applicant's improvement areas on site."""
    application = area.application
    if not can(actor, "labelling.score_application", application):
        raise ActionForbidden(_("Only the application's experts validate improvement areas."))
    if application.state not in (S.IN_ASSESSMENT, S.CONSENSUS):
        raise TransitionRefused(
            _("Improvement areas are validated during the assessment."),
            current_state=application.state,
        )
    note = (note or "").strip()
    if not validated and not note:
        raise InvalidInput(_("Say why the improvement area is not validated."), field="note")
    ImprovementArea.objects.filter(pk=area.pk).update(
        validated=validated, validation_note=note, validated_by=actor
    )
    area.refresh_from_db()
    return area
