"""Every transition of an application, run through the service that a person's action calls.

The table ``CASES`` says, per transition, how to run it, from which states, by whom and what it
needs around it. From it: each transition moves the application from every allowed state and
records exactly one state change; it is refused from every other state (409), for the wrong
people (403) and, where a reason is required, without one (400); a refusal writes nothing and
queues nothing. A denial test starts from the very arrangement in which the allowed person
succeeds, so only the person differs. Conditions, side effects and notifications follow.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import AssignmentRole, AssignmentStatus
from assessments.services import decision
from labelling import conditions, services, workflow
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import (
    APPEALABLE_STATES,
    WITHDRAWABLE_STATES,
    Application,
    Level,
    Outcome,
    User,
)
from labelling.models import ApplicationState as S
from reports import services as report_services
from tests import factories
from tests.assertions import assert_recorded, nothing_written

REASON = "The member list is missing."


def _lead_assignment(application: Application):
    return application.assignments.get(role=AssignmentRole.LEAD)


def _proposal(proposer: User, outcome: str = Outcome.BRONZE) -> dict[str, object]:
    return {"proposed_outcome": outcome, "recommended_outcome": outcome, "proposed_by": proposer}


def _decision(proposer: User, outcome: str) -> dict[str, object]:
    """A decision proposed by ``proposer`` and confirmed by another secretariat member, today."""
    return {
        **_proposal(proposer, outcome),
        "decided_outcome": outcome,
        "decision_confirmed_by": factories.SecretariatFactory(),
        "decided_at": timezone.now(),
    }


def _decision_matching(proposer: User, state: str) -> dict[str, object]:
    return _decision(proposer, Outcome.NONE if state == S.CLOSED else Outcome.BRONZE)


def _appeal_against_closure(proposer: User, state: str) -> dict[str, object]:
    return {**_decision(proposer, Outcome.NONE), "state_before_appeal": S.CLOSED}


@dataclasses.dataclass(frozen=True)
class Case:
    """How to run one transition, from where, by whom, and what has to be in place."""

    transition: str
    sources: tuple[str, ...]
    target: str
    actor: str  # a role understood by the ``person`` fixture
    perform: Callable[[Application, User, str], object]  # (application, actor, reason)
    takes_reason: bool = False
    reason_required: bool = False
    # Extra factory fields, given the secretariat member who proposes decisions and the state.
    fields: Callable[[User, str], dict[str, object]] = lambda proposer, state: {}
    # The lead expert's assignment (factory fields), for the transitions experts run.
    lead_assignment: dict[str, object] | None = None
    # Work queued for after the commit: the notification, and for some a task of their own.
    queued: int = 1


CASES = [
    Case(
        "submit",
        (S.DRAFT,),
        S.SUBMITTED,
        "manager",
        lambda app, actor, reason: services.application_submit(application=app, actor=actor),
    ),
    Case(
        "return_for_completion",
        (S.SUBMITTED,),
        S.DRAFT,
        "secretariat",
        lambda app, actor, reason: services.application_return(
            application=app, actor=actor, reason=reason
        ),
        takes_reason=True,
        reason_required=True,
    ),
    Case(
        "reject",
        (S.SUBMITTED,),
        S.REJECTED,
        "secretariat",
        lambda app, actor, reason: services.application_reject(
            application=app, actor=actor, reason=reason
        ),
        takes_reason=True,
        reason_required=True,
    ),
    Case(
        "accept",
        (S.SUBMITTED,),
        S.ACCEPTED,
        "secretariat",
        lambda app, actor, reason: services.application_accept(application=app, actor=actor),
    ),
    Case(
        "assign_experts",
        (S.ACCEPTED,),
        S.EXPERTS_ASSIGNED,
        "secretariat",
        lambda app, actor, reason: assessment_services.application_assign_experts(
            application=app, actor=actor
        ),
        lead_assignment={},
    ),
    Case(
        "reopen_assignment",
        (S.EXPERTS_ASSIGNED,),
        S.ACCEPTED,
        "lead_expert",
        lambda app, actor, reason: assessment_services.assignment_decline(
            assignment=_lead_assignment(app), actor=actor, reason=reason
        ),
        takes_reason=True,
        reason_required=True,
        lead_assignment={},
    ),
    Case(
        "start_assessment",
        (S.EXPERTS_ASSIGNED,),
        S.IN_ASSESSMENT,
        "lead_expert",
        lambda app, actor, reason: assessment_services.assignment_accept(
            assignment=_lead_assignment(app), actor=actor, no_conflict_declared=True
        ),
        lead_assignment={},
    ),
    Case(
        "begin_consensus",
        (S.IN_ASSESSMENT,),
        S.CONSENSUS,
        "lead_expert",
        lambda app, actor, reason: assessment_services.assessment_submit(
            assignment=_lead_assignment(app), actor=actor
        ),
        lead_assignment={"status": AssignmentStatus.ACCEPTED, "scored": True},
    ),
    Case(
        "complete_consensus",
        (S.CONSENSUS,),
        S.QUALITY_REVIEW,
        "lead_expert",
        lambda app, actor, reason: assessment_services.consensus_complete(
            application=app, actor=actor
        ),
        fields=lambda proposer, state: {"consensus": True},
        lead_assignment={
            "status": AssignmentStatus.ACCEPTED,
            "scores_submitted_at": datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
        },
    ),
    Case(
        "send_back_to_experts",
        (S.QUALITY_REVIEW,),
        S.CONSENSUS,
        "secretariat",
        lambda app, actor, reason: services.application_send_back(
            application=app, actor=actor, reason=reason
        ),
        takes_reason=True,
        reason_required=True,
    ),
    Case(
        "propose_decision",
        (S.QUALITY_REVIEW,),
        S.DECISION_PROPOSED,
        "secretariat",
        lambda app, actor, reason: decision.application_propose_decision(
            application=app,
            actor=actor,
            outcome=Outcome.BRONZE,
            reason=reason,
        ),
        takes_reason=True,
    ),
    Case(
        "confirm_decision",
        (S.DECISION_PROPOSED,),
        S.DECIDED,
        "secretariat",
        lambda app, actor, reason: decision.application_confirm_decision(
            application=app, actor=actor
        ),
        fields=lambda proposer, state: _proposal(proposer),
    ),
    Case(
        "reject_proposal",
        (S.DECISION_PROPOSED,),
        S.QUALITY_REVIEW,
        "secretariat",
        lambda app, actor, reason: services.application_reject_proposal(
            application=app, actor=actor, reason=reason
        ),
        takes_reason=True,
        reason_required=True,
        fields=lambda proposer, state: _proposal(proposer),
    ),
    Case(
        "certify",
        (S.DECIDED,),
        S.CERTIFIED,
        "secretariat",
        lambda app, actor, reason: report_services.label_issue(application=app, actor=actor),
        fields=lambda proposer, state: _decision(proposer, Outcome.BRONZE),
        queued=2,  # the notification and the rendering of the certificate
    ),
    Case(
        "close",
        (S.DECIDED,),
        S.CLOSED,
        "secretariat",
        lambda app, actor, reason: services.application_close(application=app, actor=actor),
        fields=lambda proposer, state: _decision(proposer, Outcome.NONE),
    ),
    Case(
        "withdraw",
        tuple(WITHDRAWABLE_STATES),
        S.WITHDRAWN,
        "manager",
        lambda app, actor, reason: services.application_withdraw(
            application=app, actor=actor, reason=reason
        ),
        takes_reason=True,
    ),
    Case(
        "appeal",
        tuple(APPEALABLE_STATES),
        S.APPEALED,
        "manager",
        lambda app, actor, reason: services.application_appeal(
            application=app, actor=actor, reason=reason
        ),
        takes_reason=True,
        reason_required=True,
        fields=_decision_matching,
    ),
    Case(
        "uphold_appeal",
        (S.APPEALED,),
        S.QUALITY_REVIEW,
        "secretariat",
        lambda app, actor, reason: services.appeal_uphold(
            application=app, actor=actor, reason=reason
        ),
        takes_reason=True,
        reason_required=True,
        fields=_appeal_against_closure,
    ),
    Case(
        "dismiss_appeal",
        (S.APPEALED,),
        S.CLOSED,
        "secretariat",
        lambda app, actor, reason: services.appeal_dismiss(
            application=app, actor=actor, reason=reason
        ),
        takes_reason=True,
        reason_required=True,
        fields=_appeal_against_closure,
    ),
]
CASE = {case.transition: case for case in CASES}

# Who may not run each transition, from the arrangement in which its actor succeeds.
DENIED = [
    ("submit", "secretariat"),
    ("submit", "other_manager"),
    ("submit", "lead_expert"),
    ("submit", "outsider"),
    ("return_for_completion", "manager"),
    ("return_for_completion", "lead_expert"),
    ("return_for_completion", "outsider"),
    ("reject", "manager"),
    ("reject", "other_manager"),
    ("reject", "outsider"),
    ("accept", "manager"),
    ("accept", "other_manager"),
    ("accept", "lead_expert"),
    ("accept", "outsider"),
    ("assign_experts", "manager"),
    ("assign_experts", "lead_expert"),
    ("assign_experts", "outsider"),
    ("reopen_assignment", "second_expert"),
    ("reopen_assignment", "secretariat"),
    ("reopen_assignment", "manager"),
    ("start_assessment", "second_expert"),
    ("start_assessment", "secretariat"),
    ("start_assessment", "manager"),
    ("begin_consensus", "second_expert"),
    ("begin_consensus", "secretariat"),
    ("begin_consensus", "manager"),
    ("complete_consensus", "second_expert"),
    ("complete_consensus", "secretariat"),
    ("complete_consensus", "manager"),
    ("send_back_to_experts", "manager"),
    ("send_back_to_experts", "lead_expert"),
    ("send_back_to_experts", "outsider"),
    ("propose_decision", "manager"),
    ("propose_decision", "lead_expert"),
    ("propose_decision", "assessor"),
    ("propose_decision", "outsider"),
    ("confirm_decision", "proposer"),
    ("confirm_decision", "assessor"),
    ("confirm_decision", "manager"),
    ("confirm_decision", "outsider"),
    ("reject_proposal", "proposer"),
    ("reject_proposal", "assessor"),
    ("reject_proposal", "manager"),
    ("certify", "manager"),
    ("certify", "lead_expert"),
    ("certify", "outsider"),
    ("close", "manager"),
    ("close", "lead_expert"),
    ("close", "outsider"),
    ("withdraw", "secretariat"),
    ("withdraw", "other_manager"),
    ("withdraw", "lead_expert"),
    ("withdraw", "outsider"),
    ("appeal", "secretariat"),
    ("appeal", "other_manager"),
    ("appeal", "outsider"),
    ("uphold_appeal", "proposer"),
    ("uphold_appeal", "confirmer"),
    ("uphold_appeal", "assessor"),
    ("uphold_appeal", "manager"),
    ("dismiss_appeal", "proposer"),
    ("dismiss_appeal", "confirmer"),
    ("dismiss_appeal", "assessor"),
    ("dismiss_appeal", "manager"),
]


def _assessor_of(application: Application) -> User:
    """A secretariat member who is also an expert assessing ``application``."""
    assessor = factories.SecretariatFactory(is_expert=True)
    factories.AssignmentFactory(
        application=application,
        expert=assessor,
        role=AssignmentRole.SECOND,
        status=AssignmentStatus.ACCEPTED,
    )
    return assessor


@pytest.fixture
def person(request):
    """The user playing ``role`` towards an application: a role fixture or a part in it."""
    parts = {
        "assessor": _assessor_of,
        "proposer": lambda application: application.proposed_by,
        "confirmer": lambda application: application.decision_confirmed_by,
    }

    def resolve(role: str, application: Application) -> User:
        if role in parts:
            return parts[role](application)
        return request.getfixturevalue(role)

    return resolve


@pytest.fixture
def arrange(organisation, manager, lead_expert, second_secretariat):
    """An application of ``organisation`` in ``state`` with what ``case`` needs there."""

    def build(case: Case, state: str, **fields: object) -> Application:
        application = factories.ApplicationFactory(
            organisation=organisation,
            created_by=manager,
            state=state,
            **{**case.fields(second_secretariat, state), **fields},
        )
        if case.lead_assignment is not None:
            factories.AssignmentFactory(
                application=application,
                expert=lead_expert,
                role=AssignmentRole.LEAD,
                **case.lead_assignment,
            )
        return application

    return build


def test_every_transition_of_an_application_has_a_case():
    state_field = Application._meta.get_field("state")
    transitions = {t.name for t in state_field.get_all_transitions(Application)}
    assert transitions == set(CASE)


@pytest.mark.parametrize(
    ("case", "source"),
    [pytest.param(c, s, id=f"{c.transition}-from-{s.value}") for c in CASES for s in c.sources],
)
def test_transition_from_an_allowed_state_moves_and_records_one_change(
    case, source, arrange, person, django_capture_on_commit_callbacks
):
    application = arrange(case, source)
    actor = person(case.actor, application)

    with django_capture_on_commit_callbacks() as callbacks:
        case.perform(application, actor, REASON)

    assert_recorded(
        application,
        transition=case.transition,
        source=source,
        target=case.target,
        actor=actor,
        reason=REASON if case.takes_reason else "",
    )
    assert len(callbacks) == case.queued


@pytest.mark.parametrize(
    ("case", "state"),
    [
        pytest.param(c, s, id=f"{c.transition}-from-{s}")
        for c in CASES
        for s in S.values
        if s not in c.sources
    ],
)
def test_transition_from_a_wrong_state_is_refused_and_writes_nothing(case, state, arrange, person):
    application = arrange(case, state)
    actor = person(case.actor, application)

    with nothing_written(application), pytest.raises(TransitionRefused) as refused:
        case.perform(application, actor, REASON)

    assert refused.value.status_code == 409
    assert refused.value.current_state == state


@pytest.mark.parametrize(
    ("case", "role"),
    [pytest.param(CASE[name], role, id=f"{name}-by-{role}") for name, role in DENIED],
)
def test_transition_by_a_wrong_person_is_denied_and_writes_nothing(case, role, arrange, person):
    application = arrange(case, case.sources[0])
    actor = person(role, application)

    with nothing_written(application), pytest.raises(ActionForbidden) as denied:
        case.perform(application, actor, REASON)

    assert denied.value.status_code == 403


IMPARTIALITY_RULES = {
    "propose_decision": "did not assess the application",
    "confirm_decision": "neither proposed it nor assessed the application",
    "reject_proposal": "neither proposed it nor assessed the application",
    "uphold_appeal": "took no part in the decision and did not assess the application",
    "dismiss_appeal": "took no part in the decision and did not assess the application",
}


@pytest.mark.parametrize(
    ("case", "role"),
    [
        pytest.param(CASE[name], role, id=f"{name}-by-{role}")
        for name, role in DENIED
        if name in IMPARTIALITY_RULES and role in ("proposer", "confirmer", "assessor")
    ],
)
def test_impartiality_refusal_says_who_may_act_instead(case, role, arrange, person):
    application = arrange(case, case.sources[0])

    with pytest.raises(ActionForbidden) as denied:
        case.perform(application, person(role, application), REASON)

    assert IMPARTIALITY_RULES[case.transition] in str(denied.value)


@pytest.mark.parametrize("reason", ["", "  \n\t "], ids=["empty", "blank"])
@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.transition) for c in CASES if c.reason_required]
)
def test_transition_without_a_reason_is_invalid_and_writes_nothing(case, reason, arrange, person):
    application = arrange(case, case.sources[0])
    actor = person(case.actor, application)

    with nothing_written(application), pytest.raises(InvalidInput) as invalid:
        case.perform(application, actor, reason)

    assert (invalid.value.status_code, invalid.value.field) == (400, "reason")


def test_reason_is_recorded_without_surrounding_blanks(arrange, secretariat):
    application = arrange(CASE["reject"], S.SUBMITTED)

    change = services.application_reject(
        application=application, actor=secretariat, reason="  Not a cluster organisation.\n"
    )

    assert change.reason == "Not a cluster organisation."


# submit, return_for_completion


def test_submit_records_when_it_was_submitted(application, manager):
    with time_machine.travel(datetime.datetime(2025, 5, 6, 9, 30, tzinfo=datetime.UTC)):
        services.application_submit(application=application, actor=manager)

    application.refresh_from_db()
    assert application.submitted_at == datetime.datetime(2025, 5, 6, 9, 30, tzinfo=datetime.UTC)


def test_return_for_completion_clears_the_submission_time(arrange, secretariat):
    application = arrange(CASE["return_for_completion"], S.SUBMITTED, submitted_at=timezone.now())

    services.application_return(application=application, actor=secretariat, reason=REASON)

    application.refresh_from_db()
    assert application.submitted_at is None


def test_submit_below_the_eccp_minimums_is_refused_with_the_gaps(manager):
    small = factories.OrganisationFactory(members_companies=5, members_research=0, members_public=0)
    factories.MembershipFactory(user=manager, organisation=small)
    application = factories.ApplicationFactory(organisation=small, created_by=manager)

    with nothing_written(application), pytest.raises(TransitionRefused) as refused:
        services.application_submit(application=application, actor=manager)

    assert refused.value.status_code == 409
    assert refused.value.details == [
        "At least 15 committed members are required.",
        "Members of at least 2 types (companies, research, public) are required.",
    ]


def test_next_steps_name_submit_with_the_eccp_gaps_for_the_manager(manager):
    small = factories.OrganisationFactory(members_companies=5, members_research=0, members_public=0)
    factories.MembershipFactory(user=manager, organisation=small)
    application = factories.ApplicationFactory(organisation=small, created_by=manager)

    assert workflow.next_steps(application, manager).waiting == [
        (
            "submit",
            [
                "At least 15 committed members are required.",
                "Members of at least 2 types (companies, research, public) are required.",
            ],
        )
    ]


def test_next_steps_ready_are_the_transitions_the_person_may_run_now(application, manager):
    assert workflow.next_steps(application, manager).ready == workflow.user_transitions(
        application, manager
    )


def test_next_steps_leave_out_what_the_person_may_not_run(manager, secretariat):
    small = factories.OrganisationFactory(members_companies=5, members_research=0, members_public=0)
    factories.MembershipFactory(user=manager, organisation=small)
    application = factories.ApplicationFactory(organisation=small, created_by=manager)

    assert workflow.next_steps(application, secretariat).waiting == []


def test_next_steps_count_an_incomplete_self_assessment_in_short_lines(application, manager):
    application.answers.all().delete()

    [(name, missing)] = workflow.next_steps(application, manager).waiting

    assert name == "submit"
    assert missing[0].endswith("indicators have no value yet.")


# assign_experts


def _gold_with_team(organisation, manager, state, team, **assignment_fields):
    """A GOLD application with one assignment per (expert country, role) in ``team``."""
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.GOLD, state=state
    )
    for country, role in team:
        factories.AssignmentFactory(
            application=application,
            expert=factories.ExpertFactory(country=country),
            role=role,
            **assignment_fields,
        )
    return application


LEAD, SECOND = AssignmentRole.LEAD, AssignmentRole.SECOND


@pytest.mark.parametrize(
    "team",
    [
        [("DE", LEAD), ("DE", SECOND)],
        [("DE", SECOND), ("AT", SECOND)],
        [("DE", LEAD)],
    ],
    ids=["two-experts-of-one-country", "no-lead", "one-expert"],
)
def test_assign_experts_for_gold_without_the_required_team_is_refused(
    organisation, manager, secretariat, team
):
    application = _gold_with_team(organisation, manager, S.ACCEPTED, team)

    with nothing_written(application), pytest.raises(TransitionRefused) as refused:
        assessment_services.application_assign_experts(application=application, actor=secretariat)

    assert refused.value.details == [str(conditions.has_required_experts.message)]


def test_assign_experts_for_gold_with_a_lead_and_a_foreign_second_moves_to_experts_assigned(
    organisation, manager, secretariat
):
    application = _gold_with_team(organisation, manager, S.ACCEPTED, [("DE", LEAD), ("AT", SECOND)])

    assessment_services.application_assign_experts(application=application, actor=secretariat)

    assert_recorded(
        application,
        transition="assign_experts",
        source=S.ACCEPTED,
        target=S.EXPERTS_ASSIGNED,
        actor=secretariat,
    )


def test_assign_experts_without_any_expert_is_refused(secretariat):
    application = factories.ApplicationFactory(state=S.ACCEPTED)

    with nothing_written(application), pytest.raises(TransitionRefused):
        assessment_services.application_assign_experts(application=application, actor=secretariat)


# start_assessment, begin_consensus, complete_consensus


def test_start_assessment_waits_for_every_expert_to_accept(organisation, manager):
    application = _gold_with_team(
        organisation, manager, S.EXPERTS_ASSIGNED, [("DE", LEAD), ("AT", SECOND)]
    )
    first, last = application.assignments.order_by("pk")

    assessment_services.assignment_accept(
        assignment=first, actor=first.expert, no_conflict_declared=True
    )
    application.refresh_from_db()
    assert (application.state, application.history.count()) == (S.EXPERTS_ASSIGNED, 0)

    assessment_services.assignment_accept(
        assignment=last, actor=last.expert, no_conflict_declared=True
    )
    assert_recorded(
        application,
        transition="start_assessment",
        source=S.EXPERTS_ASSIGNED,
        target=S.IN_ASSESSMENT,
        actor=last.expert,
    )


def test_begin_consensus_waits_for_every_scoring(organisation, manager):
    application = _gold_with_team(
        organisation,
        manager,
        S.IN_ASSESSMENT,
        [("DE", LEAD), ("AT", SECOND)],
        status=AssignmentStatus.ACCEPTED,
        scored=True,
    )
    first, last = application.assignments.order_by("pk")

    assessment_services.assessment_submit(assignment=first, actor=first.expert)
    application.refresh_from_db()
    assert (application.state, application.history.count()) == (S.IN_ASSESSMENT, 0)

    assessment_services.assessment_submit(assignment=last, actor=last.expert)
    assert_recorded(
        application,
        transition="begin_consensus",
        source=S.IN_ASSESSMENT,
        target=S.CONSENSUS,
        actor=last.expert,
    )


def test_begin_consensus_by_an_expert_who_has_not_accepted_is_denied(arrange, lead_expert):
    still_invited = dataclasses.replace(CASE["begin_consensus"], lead_assignment={})
    application = arrange(still_invited, S.IN_ASSESSMENT)

    with nothing_written(application), pytest.raises(ActionForbidden):
        assessment_services.assessment_submit(
            assignment=_lead_assignment(application), actor=lead_expert
        )


def test_complete_consensus_by_the_second_expert_is_denied(organisation, manager):
    application = _gold_with_team(
        organisation,
        manager,
        S.CONSENSUS,
        [("DE", LEAD), ("AT", SECOND)],
        status=AssignmentStatus.ACCEPTED,
        scores_submitted_at=timezone.now(),
    )
    second = application.assignments.get(role=SECOND).expert

    with nothing_written(application), pytest.raises(ActionForbidden):
        assessment_services.consensus_complete(application=application, actor=second)


# propose_decision, confirm_decision, reject_proposal


def test_propose_decision_departing_from_the_recommendation_without_a_reason_is_invalid(
    arrange, secretariat
):
    application = arrange(CASE["propose_decision"], S.QUALITY_REVIEW)

    with nothing_written(application), pytest.raises(InvalidInput) as invalid:
        decision.application_propose_decision(
            application=application,
            actor=secretariat,
            outcome=Outcome.NONE,
            reason="  ",
        )

    assert invalid.value.field == "reason"


def test_propose_decision_departing_from_the_recommendation_stores_the_override_reason(
    arrange, secretariat
):
    application = arrange(CASE["propose_decision"], S.QUALITY_REVIEW)

    decision.application_propose_decision(
        application=application,
        actor=secretariat,
        outcome=Outcome.NONE,
        reason="Two indicators rest on unverified evidence.",
    )

    application.refresh_from_db()
    assert (
        application.proposed_outcome,
        application.recommended_outcome,
        application.override_reason,
        application.proposed_by,
    ) == (Outcome.NONE, Outcome.BRONZE, "Two indicators rest on unverified evidence.", secretariat)
    assert application.history.get().reason == "Two indicators rest on unverified evidence."


def test_propose_decision_following_the_recommendation_stores_no_override_reason(
    arrange, secretariat
):
    application = arrange(CASE["propose_decision"], S.QUALITY_REVIEW)

    decision.application_propose_decision(
        application=application,
        actor=secretariat,
        outcome=Outcome.BRONZE,
        reason="As the rules say.",
    )

    application.refresh_from_db()
    assert (application.proposed_outcome, application.override_reason) == (Outcome.BRONZE, "")


def test_propose_decision_with_an_unknown_outcome_is_invalid(arrange, secretariat):
    application = arrange(CASE["propose_decision"], S.QUALITY_REVIEW)

    with nothing_written(application), pytest.raises(InvalidInput) as invalid:
        decision.application_propose_decision(
            application=application, actor=secretariat, outcome="platinum"
        )

    assert invalid.value.field == "outcome"


def test_confirm_decision_decides_the_proposed_outcome(arrange, secretariat):
    application = arrange(CASE["confirm_decision"], S.DECISION_PROPOSED)

    with time_machine.travel(datetime.datetime(2025, 6, 2, 12, 0, tzinfo=datetime.UTC), tick=False):
        decision.application_confirm_decision(application=application, actor=secretariat)

    application.refresh_from_db()
    assert (
        application.decided_outcome,
        application.decision_confirmed_by,
        application.decided_at,
    ) == (Outcome.BRONZE, secretariat, datetime.datetime(2025, 6, 2, 12, 0, tzinfo=datetime.UTC))


def test_reject_proposal_clears_the_proposal(arrange, secretariat):
    application = arrange(CASE["reject_proposal"], S.DECISION_PROPOSED)

    services.application_reject_proposal(application=application, actor=secretariat, reason=REASON)

    application.refresh_from_db()
    assert (
        application.proposed_outcome,
        application.recommended_outcome,
        application.proposed_by,
    ) == ("", "", None)


# certify, close


@pytest.mark.parametrize(
    ("transition", "outcome"),
    [("certify", Outcome.NONE), ("close", Outcome.BRONZE)],
    ids=["certify-without-label", "close-with-label"],
)
def test_ending_that_does_not_match_the_decision_is_refused(
    transition, outcome, arrange, secretariat, second_secretariat
):
    case = CASE[transition]
    application = arrange(case, S.DECIDED, **_decision(second_secretariat, outcome))

    with nothing_written(application), pytest.raises(TransitionRefused) as refused:
        case.perform(application, secretariat, "")

    assert len(refused.value.details) == 1


# appeal, uphold_appeal, dismiss_appeal


def test_appeal_on_the_30th_day_after_the_decision_is_allowed(arrange, manager):
    application = arrange(CASE["appeal"], S.CLOSED)

    with time_machine.travel(application.decided_at + datetime.timedelta(days=30), tick=False):
        services.application_appeal(application=application, actor=manager, reason=REASON)

    application.refresh_from_db()
    assert application.state == S.APPEALED


def test_appeal_after_30_days_is_refused_and_writes_nothing(arrange, manager):
    application = arrange(CASE["appeal"], S.CLOSED)

    with (
        time_machine.travel(application.decided_at + datetime.timedelta(days=31)),
        nothing_written(application),
        pytest.raises(TransitionRefused) as refused,
    ):
        services.application_appeal(application=application, actor=manager, reason=REASON)

    assert refused.value.details == [str(conditions.within_appeal_window.message)]


def test_appeal_a_second_time_is_refused(arrange, manager, secretariat):
    application = arrange(CASE["appeal"], S.CLOSED)
    services.application_appeal(application=application, actor=manager, reason=REASON)
    services.appeal_dismiss(application=application, actor=secretariat, reason="Checked.")

    with nothing_written(application), pytest.raises(TransitionRefused):
        services.application_appeal(application=application, actor=manager, reason="Again.")


@pytest.mark.parametrize("decided_state", APPEALABLE_STATES, ids=lambda s: s.value)
def test_dismiss_appeal_returns_to_the_state_before_the_appeal(
    decided_state, arrange, manager, secretariat
):
    application = arrange(CASE["appeal"], decided_state)
    services.application_appeal(application=application, actor=manager, reason=REASON)

    change = services.appeal_dismiss(application=application, actor=secretariat, reason="Stands.")

    application.refresh_from_db()
    assert (application.state, change.source, change.target) == (
        decided_state,
        S.APPEALED,
        decided_state,
    )
    assert application.state_before_appeal == ""


def test_uphold_appeal_clears_the_decision(arrange, secretariat):
    application = arrange(CASE["uphold_appeal"], S.APPEALED)

    services.appeal_uphold(application=application, actor=secretariat, reason="Agreed.")

    application.refresh_from_db()
    assert (
        application.decided_outcome,
        application.proposed_outcome,
        application.proposed_by,
        application.decision_confirmed_by,
        application.decided_at,
        application.state_before_appeal,
    ) == ("", "", None, None, None, "")


# notifications


def test_submit_mails_the_managers_and_the_secretariat_but_not_the_actor(
    application,
    organisation,
    manager,
    secretariat,
    second_secretariat,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    co_manager = factories.MembershipFactory(organisation=organisation).user

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.application_submit(application=application, actor=manager)

    assert len(callbacks) == 1
    assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
        [co_manager.email, secretariat.email, second_secretariat.email]
    )
    assert all(organisation.name in mail.subject for mail in mailoutbox)


class _Abort(Exception):
    """Raised inside a transaction to roll it back."""


def test_rolled_back_transition_queues_no_notification(
    application, manager, secretariat, django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        contextlib.suppress(_Abort),
        transaction.atomic(),
    ):
        services.application_submit(application=application, actor=manager)
        raise _Abort

    assert callbacks == []
    assert mailoutbox == []
    assert Application.objects.get(pk=application.pk).state == S.DRAFT
    assert not application.history.exists()
