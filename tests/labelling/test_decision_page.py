"""The decision page shows the rules' recommendation, indicator by indicator."""

from labelling.demo import Crew, walk_application
from labelling.models import ApplicationState, Level, Outcome
from labelling.services import application_create
from tests import factories


def _in_quality_review(organisation, manager, secretariat, second_secretariat, lead_expert):
    factories.small_methodology()
    application = application_create(organisation=organisation, level=Level.BRONZE, actor=manager)
    crew = Crew(manager, secretariat, second_secretariat, (lead_expert,))
    return walk_application(
        application, to=ApplicationState.QUALITY_REVIEW, crew=crew, outcome=Outcome.NONE
    )


def test_decision_page_explains_the_recommendation_to_the_secretariat(
    client, organisation, manager, secretariat, second_secretariat, lead_expert
):
    application = _in_quality_review(
        organisation, manager, secretariat, second_secretariat, lead_expert
    )
    client.force_login(secretariat)

    page = client.get(f"/applications/{application.pk}/").content.decode()

    assert "The rules' recommendation" in page
    assert "No label" in page
    assert "minimum requirement STR-1 not met (0.00 is below the threshold 15.00)" in page
    assert 'class="failed minimum"' in page


def test_manager_does_not_see_the_recommendation_before_the_decision(
    client, organisation, manager, secretariat, second_secretariat, lead_expert
):
    application = _in_quality_review(
        organisation, manager, secretariat, second_secretariat, lead_expert
    )
    client.force_login(manager)

    page = client.get(f"/applications/{application.pk}/").content.decode()

    assert "recommendation" not in page
