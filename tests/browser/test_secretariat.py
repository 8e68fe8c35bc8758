"""The secretariat in a browser: issuing the certificate of a decided application."""

import pytest
from playwright.sync_api import Page, expect

from labelling.demo import walk_application
from labelling.models import ApplicationState, Level
from reports.models import Certificate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_issues_the_certificate(
    page: Page, application, crew, secretariat, log_in, screenshot
):
    walk_application(application, to=ApplicationState.DECIDED, crew=crew(Level.BRONZE))

    log_in(secretariat)
    page.goto(f"/applications/{application.pk}/")
    page.locator("[data-action=certify]").click()

    card = page.locator("#label")
    expect(card).to_be_visible()
    number = Certificate.objects.get(label__application=application).number
    expect(card).to_contain_text(number)
    screenshot("secretariat-certified-application")
