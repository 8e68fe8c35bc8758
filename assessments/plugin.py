"""What the assessment tells the application lifecycle: the slots of ``labelling.extensions``.

labelling's transition conditions, permissions, lists and pages ask these questions without
importing this app; ``AssessmentsConfig.ready()`` calls ``install()`` once.
"""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from assessments import privacy, selectors
from assessments.engine import bars_override
from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    Dimension,
    Indicator,
    MethodologyVersion,
)
from assessments.services.decision import (
    application_confirm_decision,
    application_propose_decision,
    latest_recommendation,
)
from assessments.services.experts import expert_suggestions, required_expert_count
from assessments.services.methodology import current_methodology
from assessments.services.scoring import consensus_gaps
from assessments.services.selfassessment import (
    renewal_prefill,
    self_assessment_gaps,
    self_assessment_status,
    self_assessment_summary,
)
from labelling import extensions
from labelling.models import Application, ApplicationState, DeadlineKind, Outcome, User
from labelling.rules import can

ACTIVE = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


def _active_assignments(application: Application) -> list:
    # Iterates the prefetched assignments (labelling.extensions.application_prefetch).
    return [a for a in application.assignments.all() if a.status in ACTIVE]


def has_required_experts(application: Application) -> bool:
    """One lead expert; for GOLD a second, one of the two from the organisation's country and
    the other from another country."""
    active = _active_assignments(application)
    if len(active) != required_expert_count(application):
        return False
    if sum(1 for a in active if a.role == AssignmentRole.LEAD) != 1:
        return False
    if len(active) == 2:
        home = application.organisation.country.code
        national = [bool(a.expert.country) and a.expert.country.code == home for a in active]
        foreign = [bool(a.expert.country) and a.expert.country.code != home for a in active]
        return any(national) and any(foreign)
    return True


def all_experts_accepted(application: Application) -> bool:
    active = _active_assignments(application)
    return bool(active) and all(a.status == AssignmentStatus.ACCEPTED for a in active)


def all_assessments_submitted(application: Application) -> bool:
    active = _active_assignments(application)
    return bool(active) and all(a.scores_submitted_at for a in active)


def expert_part(user: User, application: Application) -> extensions.ExpertPart | None:
    for assignment in application.assignments.all():
        if assignment.expert_id == user.pk and assignment.status != AssignmentStatus.DECLINED:
            return extensions.ExpertPart(
                accepted=assignment.status == AssignmentStatus.ACCEPTED,
                lead=assignment.role == AssignmentRole.LEAD,
            )
    return None


#: The states in which experts or managers have assessment work due.
EXPERT_WORK_STATES = frozenset(
    {ApplicationState.EXPERTS_ASSIGNED, ApplicationState.IN_ASSESSMENT, ApplicationState.CONSENSUS}
)


def expert_work(application: Application) -> list[extensions.Work]:
    """The assessment's work due now: experts answering their invitation, scoring, the lead
    expert's consensus, and the managers' answers to open questions (due when the expert said)."""
    work: list[extensions.Work] = []
    state = application.state
    if state not in EXPERT_WORK_STATES:
        return work  # and no query for the assignments
    for assignment in _active_assignments(application):
        if (
            state == ApplicationState.EXPERTS_ASSIGNED
            and assignment.status == AssignmentStatus.INVITED
        ):
            work.append(extensions.Work(DeadlineKind.RESPOND, assignment.expert, assignment))
        accepted = assignment.status == AssignmentStatus.ACCEPTED
        if (
            state == ApplicationState.IN_ASSESSMENT
            and accepted
            and not assignment.scores_submitted_at
        ):
            work.append(extensions.Work(DeadlineKind.SCORE, assignment.expert, assignment))
        if (
            state == ApplicationState.CONSENSUS
            and accepted
            and assignment.role == AssignmentRole.LEAD
        ):
            work.append(extensions.Work(DeadlineKind.CONSENSUS, assignment.expert, assignment))
    if state in (ApplicationState.IN_ASSESSMENT, ApplicationState.CONSENSUS):
        for question in application.questions.filter(answered_at__isnull=True):
            # Due at the end of the day the expert gave.
            end_of_day = datetime.datetime.combine(
                question.due_date + datetime.timedelta(days=1), datetime.time.min
            )
            due = timezone.make_aware(end_of_day) - datetime.timedelta(microseconds=1)
            work.append(extensions.Work(DeadlineKind.ANSWER, None, question, due))
    return work


def has_assessed(user: User, application: Application) -> bool:
    return application.assignments.filter(expert=user).exists()


def assigned_applications(user: User) -> Q:
    return Q(assignments__expert=user, assignments__status__in=list(ACTIVE))


def application_experts(application: Application) -> list[User]:
    assignments = application.assignments.exclude(status=AssignmentStatus.DECLINED)
    return [a.expert for a in assignments.select_related("expert")]


def methodology_history(application: Application) -> list[QuerySet]:
    version = application.methodology_id
    return [
        MethodologyVersion.versions.filter(id=version),
        Dimension.versions.filter(methodology_id=version),
        Indicator.versions.filter(methodology_id=version),
    ]


def _refused_outcomes(application: Application, recommendation) -> list[tuple[str, str, list]]:
    """The levels above the recommendation, up to the one applied for, that the scheme's facts
    rule out whatever the experts' judgement (``engine.bars_override``, read from the kept
    explanation), each with those facts: the decision form leaves them out and says why,
    instead of refusing them after the secretariat chose one."""
    order = list(Outcome)
    above = order[order.index(Outcome(application.level)) : order.index(recommendation.outcome)]
    checks = (recommendation.explanation or {}).get("checks", [])
    refused = []
    for outcome in above:
        facts = [
            reason
            for check in checks
            for reason in check.get("reasons", [])
            if isinstance(reason, dict)
            and bars_override(check["level"], reason.get("code", ""), outcome)
        ]
        if facts:
            refused.append((outcome.value, outcome.label, facts))
    return refused


def _recommendation_context(application: Application, user: User) -> dict:
    """The rules' recommendation, for the secretariat deciding and the experts who produced it."""
    if not (
        can(user, "labelling.review_quality", application)
        or can(user, "labelling.score_application", application)
    ):
        return {}
    recommendation = latest_recommendation(application)
    if recommendation is None:
        return {}
    explanation = recommendation.explanation or {}
    rows = explanation.get("indicators", [])
    # The level applied for is the ceiling: a different recommendation is a lower one, and the
    # requested level's own check says why (its reasons are shown first).
    requested_check = next(
        (c for c in explanation.get("checks", []) if c.get("level") == application.level), {}
    )
    return {
        "recommendation": recommendation,
        "refused_outcomes": _refused_outcomes(application, recommendation),
        "recommendation_label": Outcome(recommendation.outcome).label,
        "requested_label": application.get_level_display(),
        "below_request": recommendation.outcome != application.level,
        "request_reasons": [] if requested_check.get("met") else requested_check.get("reasons", []),
        "indicator_count": len(rows),
        # Explanations kept before the GOLD set was marked per row do not say its size.
        "gold_set_size": (
            sum(1 for row in rows if row.get("in_gold_set"))
            if any("in_gold_set" in row for row in rows)
            else None
        ),
    }


def _self_assessment_context(application: Application, user: User) -> dict:
    """What keeps the draft from being submitted, for the manager who can still complete it."""
    if not can(user, "assessments.edit_self_assessment", application):
        return {}
    return {"self_assessment": self_assessment_status(application)}


def _expert_suggestions_context(application: Application, user: User) -> dict:
    """The experts ranked for the secretariat building the team, and the eligible ones to
    invite; nothing once the team is confirmed or for anyone else."""
    if application.state != ApplicationState.ACCEPTED or not can(
        user, "labelling.assign_experts", application
    ):
        return {}
    suggestions = expert_suggestions(application=application, actor=user)
    return {
        "suggestions": suggestions,
        "eligible_experts": [s.expert for s in suggestions if s.eligible],
    }


def application_page(*, application: Application, user: User) -> dict:
    return {
        **_recommendation_context(application, user),
        **_self_assessment_context(application, user),
        **_expert_suggestions_context(application, user),
        "my_assignment": next(
            (a for a in application.assignments.all() if a.expert_id == user.pk), None
        ),
    }


def dashboard_page(*, user: User, page: str | None, page_size: int) -> dict:
    """An expert's invitations and assignments beside their applications."""
    if not user.is_expert:
        return {}
    return {
        "assignments": Paginator(selectors.my_assignments(user=user), page_size).get_page(page),
        "today": timezone.localdate(),
    }


def install() -> None:
    extensions.self_assessment_gaps.provide(self_assessment_gaps)
    extensions.self_assessment_summary.provide(self_assessment_summary)
    extensions.has_required_experts.provide(has_required_experts)
    extensions.all_experts_accepted.provide(all_experts_accepted)
    extensions.all_assessments_submitted.provide(all_assessments_submitted)
    extensions.consensus_gaps.provide(consensus_gaps)
    extensions.expert_part.provide(expert_part)
    extensions.has_assessed.provide(has_assessed)
    extensions.expert_work.provide(expert_work)
    if renewal_prefill not in extensions.on_application_created:
        extensions.on_application_created.append(renewal_prefill)
    extensions.assigned_applications.provide(assigned_applications)
    extensions.application_experts.provide(application_experts)
    extensions.current_methodology.provide(current_methodology)
    extensions.methodology_history.provide(methodology_history)
    extensions.application_actions.update(
        propose_decision=lambda app, user, data: application_propose_decision(
            application=app, actor=user, outcome=data["outcome"], reason=data["reason"]
        ),
        confirm_decision=lambda app, user, data: application_confirm_decision(
            application=app, actor=user
        ),
    )
    if "assignments__expert" not in extensions.application_prefetch:
        extensions.application_prefetch.append("assignments__expert")
    extensions.add_page_context("application_detail", application_page)
    extensions.add_page_context("dashboard", dashboard_page)
    if privacy.personal_data not in extensions.personal_data:
        extensions.personal_data.append(privacy.personal_data)
    if privacy.erase_personal_fields not in extensions.personal_data_erasers:
        extensions.personal_data_erasers.append(privacy.erase_personal_fields)
