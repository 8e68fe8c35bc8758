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


def test_decision_page_in_german_shows_the_reasons_in_german_with_localised_numbers(
    client, organisation, manager, secretariat, second_secretariat, lead_expert
):
    application = _in_quality_review(
        organisation, manager, secretariat, second_secretariat, lead_expert
    )
    secretariat.language = "de"
    secretariat.save(update_fields=["language"])
    client.force_login(secretariat)

    page = client.get(f"/applications/{application.pk}/").content.decode()

    assert (
        "Mindestanforderung STR-1 nicht erfüllt (0,00 liegt unter dem Schwellenwert 15,00)" in page
    )
    assert "<td>15,00</td>" in page  # STR-1's threshold in the indicator table


def test_decision_page_shows_an_explanation_stored_with_plain_text_reasons(
    client, organisation, manager, secretariat
):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=ApplicationState.QUALITY_REVIEW
    )
    application.recommendations.update(
        explanation={
            "checks": [
                {"level": "bronze", "met": False, "reasons": ["no value for STR-2"]},
            ],
            "indicators": [
                {
                    "code": "STR-2",
                    "value": None,
                    "threshold": "30.00",
                    "light": "red",
                    "points": 0,
                    "max_points": 2,
                    "minimum_requirement": False,
                    "passed": False,
                    "reason": "no value",
                }
            ],
        }
    )
    client.force_login(secretariat)

    page = client.get(f"/applications/{application.pk}/").content.decode()

    assert "not met — no value for STR-2" in page
    assert "✗ no value" in page
