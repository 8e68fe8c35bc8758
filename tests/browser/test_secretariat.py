"""The secretariat in a browser: issuing the certificate of a decided application."""

import pytest
from playwright.sync_api import Page, expect

from labelling.models import ApplicationState, Level, Outcome
from reports.demo import walk_application
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


def test_decision_card_in_german_fits_the_indicator_table(
    page: Page, application, crew, secretariat, log_in, screenshot
):
    walk_application(
        application,
        to=ApplicationState.QUALITY_REVIEW,
        crew=crew(Level.BRONZE),
        outcome=Outcome.NONE,  # failed indicators: each row gives its reason
    )
    log_in(secretariat)
    secretariat.language = "de"
    secretariat.save(update_fields=["language"])

    page.goto(f"/applications/{application.pk}/")

    card = page.locator("#recommendation")
    expect(card).to_contain_text("0,00 liegt unter dem Schwellenwert 15,00")
    screenshot("secretariat-decision-card-german")
    # Neither cut off nor scrolled: the whole table, its last column included, is in view.
    needed, shown = card.locator(".table-scroll").evaluate(
        "box => [box.scrollWidth, box.clientWidth]"
    )
    assert needed <= shown


def test_admin_pages_run_under_the_content_security_policy(
    page: Page, application, secretariat, log_in
):
    """The admin's change form (its scripts and widgets) breaks no rule of the policy."""
    secretariat.is_superuser = True  # the admin's change form for every model
    secretariat.save(update_fields=["is_superuser"])
    log_in(secretariat)
    page.goto(f"/admin/labelling/application/{application.pk}/change/")

    expect(page.locator("#content h1")).to_be_visible()
    expect(page.locator("input[name=_save]")).to_be_visible()

    page.goto(f"/admin/labelling/application/{application.pk}/history/")
    expect(page.locator("#content h1")).to_be_visible()
