"""Inviting experts and their answers: what the services record beyond the state change.

The application transitions these services run (assign_experts, reopen_assignment,
start_assessment, begin_consensus, complete_consensus) are covered in
``tests/labelling/test_transitions.py``.
"""

import pytest

from assessments import services
from assessments.models import AssignmentRole, AssignmentStatus
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import ApplicationState as S
from labelling.models import Level
from tests import factories
from tests.assertions import nothing_written


@pytest.fixture
def accepted(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.ACCEPTED
    )


@pytest.fixture
def invitation(organisation, manager, lead_expert):
    """The lead expert's open invitation to an application whose team is confirmed."""
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.EXPERTS_ASSIGNED
    )
    return factories.AssignmentFactory(application=application, expert=lead_expert)


def test_assignment_create_invites_the_expert(accepted, secretariat, lead_expert):
    assignment = services.assignment_create(
        application=accepted, expert=lead_expert, role=AssignmentRole.LEAD, actor=secretariat
    )

    assert (assignment.status, assignment.assigned_by, assignment.expert) == (
        AssignmentStatus.INVITED,
        secretariat,
        lead_expert,
    )


@pytest.mark.parametrize("role", ["manager", "lead_expert", "outsider"])
def test_assignment_create_by_anyone_but_the_secretariat_is_denied(
    accepted, request, role, second_expert
):
    with nothing_written(accepted), pytest.raises(ActionForbidden):
        services.assignment_create(
            application=accepted,
            expert=second_expert,
            role=AssignmentRole.LEAD,
            actor=request.getfixturevalue(role),
        )


@pytest.mark.parametrize("state", [S.SUBMITTED, S.EXPERTS_ASSIGNED, S.IN_ASSESSMENT])
def test_assignment_create_outside_accepted_is_refused(
    state, organisation, manager, secretariat, lead_expert
):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=state
    )

    with nothing_written(application), pytest.raises(TransitionRefused):
        services.assignment_create(
            application=application, expert=lead_expert, role=AssignmentRole.LEAD, actor=secretariat
        )


@pytest.mark.parametrize(
    ("expert", "role", "field"),
    [
        ("outsider", AssignmentRole.LEAD, "expert"),
        ("expert_managing_it", AssignmentRole.LEAD, "expert"),
        ("second_expert", AssignmentRole.LEAD, "expert"),
        ("second_expert", "observer", "role"),
    ],
    ids=["not-an-expert", "manager-of-the-organisation", "second-lead", "unknown-role"],
)
def test_assignment_create_with_a_wrong_expert_or_role_is_invalid(
    accepted, organisation, secretariat, lead_expert, request, expert, role, field
):
    factories.AssignmentFactory(application=accepted, expert=lead_expert, role=AssignmentRole.LEAD)
    if expert == "expert_managing_it":
        candidate = factories.ExpertFactory(is_cluster_manager=True)
        factories.MembershipFactory(user=candidate, organisation=organisation)
    else:
        candidate = request.getfixturevalue(expert)

    with nothing_written(accepted), pytest.raises(InvalidInput) as invalid:
        services.assignment_create(
            application=accepted, expert=candidate, role=role, actor=secretariat
        )

    assert invalid.value.field == field


def test_assignment_accept_records_the_declaration_of_no_conflict(invitation, lead_expert):
    services.assignment_accept(assignment=invitation, actor=lead_expert, no_conflict_declared=True)

    invitation.refresh_from_db()
    assert invitation.status == AssignmentStatus.ACCEPTED
    assert invitation.no_conflict_declared_at is not None
    assert invitation.responded_at is not None


def test_assignment_accept_without_declaring_no_conflict_is_invalid(invitation, lead_expert):
    with nothing_written(invitation.application), pytest.raises(InvalidInput) as invalid:
        services.assignment_accept(
            assignment=invitation, actor=lead_expert, no_conflict_declared=False
        )

    assert invalid.value.field == "no_conflict_declared"


def test_assignment_decline_records_the_reason(invitation, lead_expert):
    services.assignment_decline(
        assignment=invitation, actor=lead_expert, reason="I advised this cluster last year."
    )

    invitation.refresh_from_db()
    assert (invitation.status, invitation.decline_reason) == (
        AssignmentStatus.DECLINED,
        "I advised this cluster last year.",
    )


def test_assignment_decline_lets_the_secretariat_invite_another_lead(
    invitation, lead_expert, second_expert, secretariat
):
    services.assignment_decline(assignment=invitation, actor=lead_expert, reason="Conflict.")

    replacement = services.assignment_create(
        application=invitation.application,
        expert=second_expert,
        role=AssignmentRole.LEAD,
        actor=secretariat,
    )

    assert replacement.status == AssignmentStatus.INVITED


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (AssignmentStatus.ACCEPTED, "accept"),
        (AssignmentStatus.ACCEPTED, "decline"),
        (AssignmentStatus.DECLINED, "accept"),
    ],
    ids=["accept-after-accepting", "decline-after-accepting", "accept-after-declining"],
)
def test_assignment_answered_twice_is_refused(organisation, manager, lead_expert, status, answer):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.EXPERTS_ASSIGNED
    )
    answered = factories.AssignmentFactory(
        application=application, expert=lead_expert, status=status
    )
    answers = {
        "accept": lambda: services.assignment_accept(
            assignment=answered, actor=lead_expert, no_conflict_declared=True
        ),
        "decline": lambda: services.assignment_decline(
            assignment=answered, actor=lead_expert, reason="Changed my mind."
        ),
    }

    with nothing_written(application), pytest.raises(TransitionRefused) as refused:
        answers[answer]()

    assert refused.value.message == "You have already answered this assignment."


def test_assessment_submitted_twice_is_refused(organisation, manager, lead_expert, second_expert):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.GOLD, state=S.IN_ASSESSMENT
    )
    assignment = factories.AssignmentFactory(
        application=application, expert=lead_expert, status=AssignmentStatus.ACCEPTED, scored=True
    )
    factories.AssignmentFactory(
        application=application,
        expert=second_expert,
        role=AssignmentRole.SECOND,
        status=AssignmentStatus.ACCEPTED,
    )
    services.assessment_submit(assignment=assignment, actor=lead_expert)

    with nothing_written(application), pytest.raises(TransitionRefused) as refused:
        services.assessment_submit(assignment=assignment, actor=lead_expert)

    assert refused.value.message == "You have already submitted your scoring."
