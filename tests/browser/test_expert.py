"""An expert in a browser: the assignments list, declining one invitation, accepting another
with the no-conflict declaration, and a score whose light appears as soon as the value is in."""

import re

import pytest
from playwright.sync_api import Page, expect

from labelling.models import ApplicationState, Level, Membership
from reports.demo import walk_application
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invitations(crew, manager):
    """Two BRONZE applications whose team (``lead_expert`` alone) awaits the expert's answer."""
    applications = []
    for name in ("Baltic Maritime Cluster", "Alpine Wood Cluster"):
        organisation = factories.OrganisationFactory(name=name)
        Membership.objects.create(user=manager, organisation=organisation)
        application = factories.ApplicationFactory(
            organisation=organisation,
            created_by=manager,
            level=Level.BRONZE,
        )
        walk_application(application, to=ApplicationState.EXPERTS_ASSIGNED, crew=crew(Level.BRONZE))
        applications.append(application)
    return applications


def test_expert_answers_invitations_and_sees_the_light_of_a_score(
    page: Page, lead_expert, invitations, log_in, screenshot
):
    declined, accepted = invitations
    log_in(lead_expert)
    assignments = page.locator("#assignments")
    for application in invitations:
        expect(assignments).to_contain_text(application.organisation.name)
    screenshot("expert-dashboard")

    row = assignments.locator("tr", has_text=declined.organisation.name)
    row.get_by_role("link", name="Accept or decline").click()
    page.get_by_label("Reason for declining").fill("I advised this cluster on its strategy.")
    page.get_by_role("button", name="Decline").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("#assignments")).not_to_contain_text(declined.organisation.name)

    row = page.locator("#assignments tr", has_text=accepted.organisation.name)
    row.get_by_role("link", name="Accept or decline").click()
    page.get_by_label(
        "I declare that I have no conflict of interest with this organisation."
    ).check()
    page.get_by_role("button", name="Accept the assignment").click()
    expect(page.locator(".state").first).to_have_text("In assessment")

    page.get_by_role("link", name="My scoring").click()
    expect(page).to_have_url(re.compile(r"/assignments/\d+/scoring/$"))
    indicator = accepted.methodology.indicators.get(code="STR-1")
    block = page.locator(f"#answer-{indicator.pk}")
    field = block.get_by_label("Validated value for STR-1")
    # The self-assessed 15 members is STR-1's threshold, the start of its yellow band; the light
    # and points come back from the server as soon as the field is left.
    field.fill("15")
    field.press("Tab")
    expect(block.locator(".light")).to_have_text("Yellow")
    expect(block).to_contain_text("1 point")
    screenshot("expert-scoring-live-light")

    page.reload()
    expect(
        page.locator(f"#answer-{indicator.pk}").get_by_label("Validated value for STR-1")
    ).to_have_value("15")
