"""One application per outcome, walked through the whole lifecycle by the service layer only:
self-assessment, screening, expert team, blind scoring, consensus, the rules' recommendation,
the two-person decision and the certificate or the closing."""

import dataclasses
import datetime

import pytest
import time_machine

from assessments.services import decision
from labelling import services
from labelling.models import ApplicationState, Level, Outcome
from reports.demo import walk_application
from tests import factories

S = ApplicationState

FULL_PATH = [
    "create",
    "submit",
    "accept",
    "assign_experts",
    "start_assessment",
    "begin_consensus",
    "complete_consensus",
    "propose_decision",
    "confirm_decision",
]


def _open(organisation, manager, level):
    factories.small_methodology()
    return services.application_create(organisation=organisation, level=level, actor=manager)


@pytest.mark.parametrize(
    ("level", "outcome", "final_state"),
    [
        (Level.GOLD, Outcome.GOLD, S.CERTIFIED),
        (Level.BRONZE, Outcome.BRONZE, S.CERTIFIED),
        (Level.BRONZE, Outcome.NONE, S.CLOSED),
    ],
    ids=["gold", "bronze", "none"],
)
def test_application_walks_through_the_lifecycle_to_its_outcome(
    organisation, manager, crew, level, outcome, final_state
):
    application = _open(organisation, manager, level)

    walk_application(application, to=final_state, crew=crew(level), outcome=outcome)

    recommendation = application.recommendations.get()
    assert recommendation.outcome == outcome
    assert application.decided_outcome == outcome
    assert application.state == final_state
    assert list(application.history.values_list("transition", flat=True)) == [
        *FULL_PATH,
        "certify" if final_state == S.CERTIFIED else "close",
    ]
    proposal = application.history.get(transition="propose_decision")
    assert proposal.reason == ""  # the rules' recommendation was followed
    assert application.decision_confirmed_by != application.proposed_by


def test_silver_follows_a_bronze_awarded_twenty_months_earlier(organisation, manager, crew):
    twenty_months_ago = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=610)
    # Not the SILVER's expert (no one assesses two cycles in a row), and accredited back then.
    bronze_expert = factories.ExpertFactory(
        expert_profile__accredited_from=twenty_months_ago.date() - datetime.timedelta(days=1)
    )
    bronze_crew = dataclasses.replace(crew(Level.BRONZE), experts=(bronze_expert,))
    with time_machine.travel(twenty_months_ago, tick=False):
        bronze = _open(organisation, manager, Level.BRONZE)
        walk_application(bronze, to=S.CERTIFIED, crew=bronze_crew)
    silver = _open(organisation, manager, Level.SILVER)

    walk_application(silver, to=S.CERTIFIED, crew=crew(Level.SILVER), outcome=Outcome.SILVER)

    recommendation = silver.recommendations.get()
    assert (recommendation.outcome, silver.decided_outcome) == (Outcome.SILVER, Outcome.SILVER)
    assert silver.improvement_areas.filter(validated=True).count() == 3
    silver_check = next(c for c in recommendation.explanation["checks"] if c["level"] == "silver")
    assert silver_check == {"level": "silver", "met": True, "reasons": []}


def test_silver_without_a_recent_bronze_falls_back_to_bronze_and_cannot_be_forced(
    organisation, manager, crew
):
    silver = _open(organisation, manager, Level.SILVER)
    walk_application(silver, to=S.QUALITY_REVIEW, crew=crew(Level.SILVER), outcome=Outcome.SILVER)

    # A full benchmarking: the SILVER request earns the BRONZE it merits, and no reason, however
    # good, makes up for the missing prior BRONZE label.
    recommendation = silver.recommendations.get()
    assert recommendation.outcome == Outcome.BRONZE
    secretariat = crew(Level.SILVER).secretariat
    with pytest.raises(services.InvalidInput, match="SILVER cannot be awarded"):
        decision.application_propose_decision(
            application=silver,
            actor=secretariat,
            outcome=Outcome.SILVER,
            reason="The BRONZE benchmarking of 2024 was held under the previous scheme.",
        )
    decision.application_propose_decision(
        application=silver, actor=secretariat, outcome=Outcome.BRONZE
    )
    silver.refresh_from_db()
    assert (silver.proposed_outcome, silver.override_reason) == (Outcome.BRONZE, "")


def test_decision_without_label_can_be_appealed_then_dismissed(
    organisation, manager, crew, secretariat
):
    application = _open(organisation, manager, Level.BRONZE)
    walk_application(application, to=S.CLOSED, crew=crew(Level.BRONZE), outcome=Outcome.NONE)
    appeal_handler = factories.SecretariatFactory()

    services.application_appeal(application=application, actor=manager, reason="Evidence ignored")
    services.appeal_dismiss(application=application, actor=appeal_handler, reason="Checked")

    application.refresh_from_db()
    assert application.state == S.CLOSED
    last = application.history.last()
    assert (last.transition, last.source, last.target, last.reason) == (
        "dismiss_appeal",
        "appealed",
        "closed",
        "Checked",
    )


def test_upheld_appeal_sends_the_application_back_to_quality_review(organisation, manager, crew):
    application = _open(organisation, manager, Level.BRONZE)
    walk_application(application, to=S.DECIDED, crew=crew(Level.BRONZE))

    services.application_appeal(application=application, actor=manager, reason="Wrong")
    services.appeal_uphold(
        application=application, actor=factories.SecretariatFactory(), reason="Agreed"
    )

    application.refresh_from_db()
    assert application.state == S.QUALITY_REVIEW
    assert application.decided_outcome == ""
