"""Walking an application through the services, step by step, the way people would move it."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from assessments import engine
from assessments import services as assessment_services
from assessments.models import AssignmentRole, AssignmentStatus
from assessments.services.decision import (
    application_confirm_decision,
    application_propose_decision,
)
from assessments.services.selfassessment import required_indicators
from labelling import services
from labelling.models import Application, ApplicationState, Level, Outcome, User
from reports.services import label_issue

S = ApplicationState

IMPROVEMENT_AREAS = (
    (
        "Member services portfolio",
        "Introduced a matchmaking programme and an internationalisation desk.",
        "42 new cooperation projects between members in two years.",
    ),
    (
        "Governance",
        "Set up an elected advisory board with SME, research and public seats.",
        "Members now vote on the annual action plan.",
    ),
    (
        "Financing",
        "Raised the share of membership fees and paid services in the budget.",
        "Private funding up from 25 % to 41 % of the budget.",
    ),
)

WITHDRAW_REASON = "Postponed: the cluster management team is being reorganised this year."
REJECT_REASON = (
    "The cluster is not yet validated on the European Cluster Collaboration Platform; "
    "please complete the ECCP profile and apply again."
)


@dataclass(frozen=True)
class Crew:
    """Who moves one application along: its manager, the secretariat, its experts (lead first).

    ``secretariat`` screens, assigns, proposes and issues; ``second_secretariat`` confirms, so
    the decision is taken by two people of whom neither assessed the application.
    """

    manager: User
    secretariat: User
    second_secretariat: User
    experts: tuple[User, ...]


Step = Callable[[Application, Crew, str], object]


#: The GOLD score a GOLD request that is meant to end lower stays under: short of the 80 % GOLD
#: needs, as a real near miss would be.
SHORT_OF_GOLD_PCT = Decimal(75)


def demo_values(application: Application, outcome: str) -> dict[str, Decimal]:
    """Self-assessed values that lead the rules to ``outcome`` on the level applied for: the
    top band everywhere for GOLD; otherwise the threshold (first passing band) everywhere, and

    - applied for GOLD: as many values raised to the top band as keep the GOLD score under
      ``SHORT_OF_GOLD_PCT``, so that every eligibility criterion and GOLD minimum is met and
      only the score falls short;
    - for no label: one BRONZE eligibility criterion missed.
    """
    indicators = list(required_indicators(application))
    top = {i.code: Decimal(str(i.bands[-1]["from"])) for i in indicators}
    if outcome == Outcome.GOLD:
        return top
    values = {i.code: i.threshold for i in indicators}
    if outcome == Outcome.NONE:
        missed = next(i for i in indicators if i.bronze_eligibility and i.threshold > 0)
        values[missed.code] = Decimal(0)
    elif application.level == Level.GOLD:
        _raise_short_of_gold(application.methodology.as_spec(), values, top)
    return values


def _raise_short_of_gold(
    methodology: engine.MethodologySpec, values: dict[str, Decimal], top: dict[str, Decimal]
) -> None:
    """Raise GOLD-set values to the top band, in the methodology's order, skipping any that
    would lift the GOLD score to ``SHORT_OF_GOLD_PCT`` (changes ``values``)."""
    for spec in methodology.gold_set:
        kept, values[spec.code] = values[spec.code], top[spec.code]
        results = [engine.evaluate_indicator(s, values[s.code]) for s in methodology.gold_set]
        if engine.Score.of(results).at_least(SHORT_OF_GOLD_PCT):
            values[spec.code] = kept


@functools.cache
def evidence_pdf() -> bytes:
    """One small real PDF, rendered once, that stands in for every demo evidence document."""
    from weasyprint import HTML

    return HTML(
        string="<h1>Demo evidence</h1><p>This document stands in for the evidence a cluster "
        "management organisation would upload (member lists, strategy, budgets).</p>"
    ).write_pdf()


def _self_assess(application: Application, crew: Crew, outcome: str) -> None:
    """The manager fills in every value, uploads the evidence and, for SILVER, describes the
    improvement areas, all through the services, the way the self-assessment form does."""
    values = demo_values(application, outcome)
    for indicator in required_indicators(application):
        value = values[indicator.code]
        assessment_services.answer_save(
            application=application,
            indicator=indicator,
            actor=crew.manager,
            value=value,
            comment=f"Reported for {indicator.title.lower()}.",
        )
        if indicator.requires_evidence:
            assessment_services.evidence_upload(
                application=application,
                actor=crew.manager,
                upload=io.BytesIO(evidence_pdf()),
                name=f"{indicator.code}-evidence.pdf",
                indicator=indicator,
            )
    if application.level == Level.SILVER:
        for title, description, effect in IMPROVEMENT_AREAS:
            assessment_services.improvement_area_add(
                application=application,
                actor=crew.manager,
                title=title,
                description=description,
                effect=effect,
            )


def _submit(application: Application, crew: Crew, outcome: str) -> None:
    _self_assess(application, crew, outcome)
    services.application_submit(application=application, actor=crew.manager)


def _accept(application: Application, crew: Crew, outcome: str) -> None:
    services.application_accept(application=application, actor=crew.secretariat)


def _assign_experts(application: Application, crew: Crew, outcome: str) -> None:
    for index, expert in enumerate(crew.experts):
        assessment_services.assignment_create(
            application=application,
            expert=expert,
            role=AssignmentRole.LEAD if index == 0 else AssignmentRole.SECOND,
            actor=crew.secretariat,
        )
    assessment_services.application_assign_experts(application=application, actor=crew.secretariat)


def _experts_accept(application: Application, crew: Crew, outcome: str) -> None:
    """Each expert declares no conflict and accepts; the last acceptance starts the assessment."""
    invited = application.assignments.filter(status=AssignmentStatus.INVITED)
    for assignment in invited.select_related("expert"):
        assessment_services.assignment_accept(
            assignment=assignment, actor=assignment.expert, no_conflict_declared=True
        )


def _experts_submit(application: Application, crew: Crew, outcome: str) -> None:
    """Each expert validates every self-assessed value and hands in the scoring; the last one
    moves the application to consensus, where the agreed values are already recorded."""
    claimed = dict(application.answers.values_list("indicator_id", "value"))
    pending = application.assignments.filter(
        status=AssignmentStatus.ACCEPTED, scores_submitted_at__isnull=True
    )
    for assignment in pending.select_related("expert"):
        for indicator in required_indicators(application):
            assessment_services.score_save(
                assignment=assignment,
                indicator=indicator,
                actor=assignment.expert,
                value=claimed[indicator.pk],
            )
        if application.level == Level.SILVER and assignment.role == AssignmentRole.LEAD:
            for area in application.improvement_areas.all():
                assessment_services.improvement_area_validate(
                    area=area, actor=assignment.expert, validated=True, note="Seen on site."
                )
        assessment_services.assessment_submit(assignment=assignment, actor=assignment.expert)


def _complete_consensus(application: Application, crew: Crew, outcome: str) -> None:
    assessment_services.consensus_complete(application=application, actor=crew.experts[0])


def _propose(application: Application, crew: Crew, outcome: str) -> None:
    """Propose what the rules recommend (the demo values were chosen to lead there)."""
    application_propose_decision(application=application, actor=crew.secretariat, outcome=outcome)


def _confirm(application: Application, crew: Crew, outcome: str) -> None:
    application_confirm_decision(application=application, actor=crew.second_secretariat)


def _issue(application: Application, crew: Crew, outcome: str) -> None:
    """Certify a label, or close the application when none was awarded."""
    if application.decided_outcome == Outcome.NONE:
        services.application_close(application=application, actor=crew.secretariat)
    else:
        label_issue(application=application, actor=crew.secretariat)


#: The usual way forward from each state, up to the certificate or the closing.
NEXT_STEP: dict[str, Step] = {
    S.DRAFT: _submit,
    S.SUBMITTED: _accept,
    S.ACCEPTED: _assign_experts,
    S.EXPERTS_ASSIGNED: _experts_accept,
    S.IN_ASSESSMENT: _experts_submit,
    S.CONSENSUS: _complete_consensus,
    S.QUALITY_REVIEW: _propose,
    S.DECISION_PROPOSED: _confirm,
    S.DECIDED: _issue,
}


def walk_application(
    application: Application,
    *,
    to: str,
    crew: Crew,
    outcome: str = "",
    leave_from: str = S.DRAFT,
) -> Application:
    """Move ``application`` through the services until it is in state ``to``.

    ``outcome`` is the decision taken on the way (by default the level applied for). REJECTED
    is reached by screening out a submitted application, WITHDRAWN by the manager withdrawing
    in state ``leave_from``. Side effects: every step's records and queued notifications.
    """
    if to == S.REJECTED:
        walk_application(application, to=S.SUBMITTED, crew=crew)
        services.application_reject(
            application=application, actor=crew.secretariat, reason=REJECT_REASON
        )
    elif to == S.WITHDRAWN:
        walk_application(application, to=leave_from, crew=crew)
        services.application_withdraw(
            application=application, actor=crew.manager, reason=WITHDRAW_REASON
        )
    else:
        outcome = outcome or application.level
        while application.state != to:
            step = NEXT_STEP.get(application.state)
            if step is None:
                raise ValueError(f"An application in {application.state} cannot reach {to}.")
            step(application, crew, outcome)
            # Some steps move a fresh copy of the application (e.g. the last expert accepting).
            application.refresh_from_db()
    application.refresh_from_db()
    return application
