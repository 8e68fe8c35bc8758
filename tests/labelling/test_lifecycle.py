"""Whole journeys through the lifecycle, driven only through the service layer."""

import pytest

from assessments import services as assessment_services
from assessments.models import AssignmentRole
from labelling import services
from labelling.models import ApplicationState, Level, Outcome, StateChange
from tests import factories


def _walk_to_quality_review(application, manager, secretariat, experts):
    services.application_submit(application=application, actor=manager)
    services.application_accept(application=application, actor=secretariat)
    assignments = [
        assessment_services.assignment_create(
            application=application,
            expert=expert,
            role=AssignmentRole.LEAD if i == 0 else AssignmentRole.SECOND,
            actor=secretariat,
        )
        for i, expert in enumerate(experts)
    ]
    assessment_services.application_assign_experts(application=application, actor=secretariat)
    for assignment in assignments:
        assessment_services.assignment_accept(
            assignment=assignment, actor=assignment.expert, no_conflict_declared=True
        )
    for assignment in assignments:
        assessment_services.assessment_submit(assignment=assignment, actor=assignment.expert)
    application.refresh_from_db()
    assessment_services.consensus_complete(application=application, actor=experts[0])


def test_gold_application_walks_from_draft_to_certified(
    organisation, manager, secretariat, second_secretariat, lead_expert, second_expert
):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.GOLD
    )

    _walk_to_quality_review(application, manager, secretariat, [lead_expert, second_expert])
    services.application_propose_decision(
        application=application, actor=secretariat, outcome=Outcome.GOLD, recommended=Outcome.GOLD
    )
    services.application_confirm_decision(application=application, actor=second_secretariat)
    services.application_certify(application=application, actor=secretariat)

    application.refresh_from_db()
    assert application.state == ApplicationState.CERTIFIED
    assert application.decided_outcome == Outcome.GOLD
    assert list(application.history.values_list("transition", "actor_label")) == [
        ("submit", manager.email),
        ("accept", secretariat.email),
        ("assign_experts", secretariat.email),
        ("start_assessment", second_expert.email),
        ("begin_consensus", second_expert.email),
        ("complete_consensus", lead_expert.email),
        ("propose_decision", secretariat.email),
        ("confirm_decision", second_secretariat.email),
        ("certify", secretariat.email),
    ]


def test_decision_without_label_closes_and_can_be_appealed_then_dismissed(
    application, manager, secretariat, second_secretariat, lead_expert
):
    appeal_handler = factories.SecretariatFactory()
    _walk_to_quality_review(application, manager, secretariat, [lead_expert])
    services.application_propose_decision(
        application=application, actor=secretariat, outcome=Outcome.NONE, recommended=Outcome.NONE
    )
    services.application_confirm_decision(application=application, actor=second_secretariat)
    services.application_close(application=application, actor=secretariat)
    services.application_appeal(application=application, actor=manager, reason="Evidence ignored")
    services.appeal_dismiss(application=application, actor=appeal_handler, reason="Checked")

    application.refresh_from_db()
    assert application.state == ApplicationState.CLOSED
    last = StateChange.objects.filter(object_id=application.pk).last()
    assert (last.transition, last.source, last.target, last.reason) == (
        "dismiss_appeal",
        "appealed",
        "closed",
        "Checked",
    )


@pytest.mark.parametrize("outcome", [Outcome.BRONZE, Outcome.NONE], ids=["bronze", "none"])
def test_upheld_appeal_sends_the_application_back_to_quality_review(
    application, manager, secretariat, second_secretariat, lead_expert, outcome
):
    _walk_to_quality_review(application, manager, secretariat, [lead_expert])
    services.application_propose_decision(
        application=application, actor=secretariat, outcome=outcome, recommended=outcome
    )
    services.application_confirm_decision(application=application, actor=second_secretariat)
    services.application_appeal(application=application, actor=manager, reason="Wrong")
    services.appeal_uphold(
        application=application, actor=factories.SecretariatFactory(), reason="Agreed"
    )

    application.refresh_from_db()
    assert application.state == ApplicationState.QUALITY_REVIEW
    assert application.decided_outcome == ""
