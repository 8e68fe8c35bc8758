"""Reads of the assessment for the API, scoped to what the person may see (404 otherwise).

The scopes follow ``labelling.rules``: an application's parts are reached through
``labelling.selectors.application_get``; assignments and conflict declarations are the
person's own, or every one for the secretariat.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from assessments.models import (
    Assignment,
    AssignmentStatus,
    ClarificationQuestion,
    ConflictDeclaration,
    Dimension,
    Evidence,
    ImprovementArea,
    Indicator,
    MethodologyState,
    MethodologyVersion,
    SelfAssessmentAnswer,
)
from assessments.services.selfassessment import required_indicators
from labelling.models import Application, Deadline, DeadlineKind, User
from labelling.rules import is_secretariat
from labelling.selectors import visible_applications


def methodology_list(*, user: User) -> QuerySet[MethodologyVersion]:
    """Published versions; drafts too for the secretariat, who loads and publishes them."""
    versions = MethodologyVersion.objects.all()
    if is_secretariat(user):
        return versions
    return versions.filter(state=MethodologyState.PUBLISHED)


def methodology_get(*, user: User, pk: int) -> MethodologyVersion:
    """One version with its dimensions and their indicators, in three queries."""
    dimensions = Dimension.objects.order_by("order").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order"))
    )
    return get_object_or_404(
        methodology_list(user=user).prefetch_related(Prefetch("dimensions", queryset=dimensions)),
        pk=pk,
    )


def assessed_indicator_get(*, application: Application, code: str) -> Indicator:
    """An indicator the application's level is assessed on, by its code."""
    return get_object_or_404(required_indicators(application), code=code)


@dataclass(frozen=True)
class AnswerRow:
    """One assessed indicator with the manager's answer (empty while unanswered), its light and
    points."""

    indicator: Indicator
    value: Decimal | None
    comment: str
    light: str | None
    points: int | None
    updated_at: datetime.datetime | None

    @classmethod
    def of(cls, indicator: Indicator, answer: SelfAssessmentAnswer | None) -> AnswerRow:
        value = answer.value if answer else None
        result = indicator.evaluate(value) if value is not None else None
        return cls(
            indicator=indicator,
            value=value,
            comment=answer.comment if answer else "",
            light=result.light if result else None,
            points=result.points if result else None,
            updated_at=answer.updated_at if answer else None,
        )


def self_assessment_rows(*, application: Application) -> list[AnswerRow]:
    """Every indicator the level is assessed on, in order, answered or not (two queries)."""
    answers = {a.indicator_id: a for a in application.answers.all()}
    return [
        AnswerRow.of(indicator, answers.get(indicator.pk))
        for indicator in required_indicators(application)
    ]


def evidence_list(*, application: Application) -> QuerySet[Evidence]:
    return application.evidence.select_related("indicator", "uploaded_by").order_by(
        "uploaded_at", "pk"
    )


def evidence_by_indicator(*, application: Application) -> dict[int, list[Evidence]]:
    """The application's evidence files by indicator id, in one query (files attached to no
    indicator are left out)."""
    by_indicator: dict[int, list[Evidence]] = {}
    for item in evidence_list(application=application).filter(indicator__isnull=False):
        by_indicator.setdefault(item.indicator_id, []).append(item)
    return by_indicator


def scoring_deadline(*, assignment: Assignment) -> Deadline | None:
    """The open due date of the expert's scoring, if one runs (``labelling.deadlines`` opens it
    when the assessment starts and closes it when the scoring is submitted or the application
    leaves the assessment)."""
    return assignment.application.deadlines.filter(
        kind=DeadlineKind.SCORE, assignee_id=assignment.expert_id, done_at__isnull=True
    ).first()


def evidence_get(*, application: Application, pk: int) -> Evidence:
    return get_object_or_404(evidence_list(application=application), pk=pk)


def improvement_area_list(*, application: Application) -> QuerySet[ImprovementArea]:
    return application.improvement_areas.order_by("created_at", "pk")


def improvement_area_get(*, application: Application, pk: int) -> ImprovementArea:
    return get_object_or_404(improvement_area_list(application=application), pk=pk)


def assignment_list(*, user: User) -> QuerySet[Assignment]:
    """The person's own assignments; every assignment for the secretariat."""
    assignments = Assignment.objects.select_related("expert", "application__organisation")
    if is_secretariat(user):
        return assignments
    return assignments.filter(expert=user)


def my_assignments(*, user: User) -> QuerySet[Assignment]:
    """The expert's invitations and assignments (declined ones are no longer theirs), each with
    its application's open clarification questions and the earliest date one is due, in a
    constant number of queries."""
    unanswered = Q(application__questions__answered_at__isnull=True)
    return (
        Assignment.objects.filter(expert=user)
        .exclude(status=AssignmentStatus.DECLINED)
        .select_related("application__organisation")
        .annotate(
            open_questions=Count("application__questions", filter=unanswered),
            next_answer_due=Min("application__questions__due_date", filter=unanswered),
        )
        .order_by(F("next_answer_due").asc(nulls_last=True), "-assigned_at", "-pk")
    )


def assignment_get(*, user: User, pk: int) -> Assignment:
    return get_object_or_404(assignment_list(user=user), pk=pk)


def assignment_get_own(*, user: User, pk: int) -> Assignment:
    """The person's own assignment, whatever their other roles: only its expert answers it,
    scores it and submits it."""
    return get_object_or_404(assignment_list(user=user), pk=pk, expert=user)


def assignment_get_visible(*, user: User, pk: int) -> Assignment:
    """An assignment on an application the person may see; what they may then read of it
    (the blind scores) is the services' decision."""
    return get_object_or_404(
        Assignment.objects.select_related("application__organisation", "application__methodology"),
        pk=pk,
        application__in=visible_applications(user),
    )


def conflict_list(*, user: User) -> QuerySet[ConflictDeclaration]:
    """The expert's own declarations; every declaration for the secretariat."""
    declarations = ConflictDeclaration.objects.select_related("expert", "organisation")
    if is_secretariat(user):
        return declarations
    return declarations.filter(expert=user)


def conflict_get(*, user: User, pk: int) -> ConflictDeclaration:
    return get_object_or_404(conflict_list(user=user), pk=pk)


def question_list(*, application: Application) -> QuerySet[ClarificationQuestion]:
    return application.questions.select_related("indicator", "asked_by", "answered_by").order_by(
        "created_at", "pk"
    )


def question_get(*, user: User, pk: int) -> ClarificationQuestion:
    """A question on an application the person may see."""
    return get_object_or_404(
        ClarificationQuestion.objects.select_related(
            "application__organisation", "indicator", "asked_by", "answered_by"
        ),
        pk=pk,
        application__in=visible_applications(user),
    )
