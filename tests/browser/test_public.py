"""The public pages in a browser: the registry and the verification of a certificate."""

import re

import pytest
from playwright.sync_api import Page, expect

from labelling.models import Level
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def labels():
    """A BRONZE label in Germany and a GOLD one in France."""
    return (
        factories.LabelFactory(organisation__name="Rhine Photonics", level=Level.BRONZE),
        factories.LabelFactory(
            organisation__name="Lyon Biotech", organisation__country="FR", level=Level.GOLD
        ),
    )


def test_registry_filters_and_links_to_the_verification(page: Page, labels, screenshot):
    german, french = labels
    page.goto("/registry/")
    registry = page.locator("table.registry")
    expect(registry).to_contain_text(german.organisation.name)
    expect(registry).to_contain_text(french.organisation.name)

    page.get_by_label("Country").select_option(label="France")
    page.get_by_label("Level").select_option("gold")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"country=FR"))
    expect(registry).not_to_contain_text(german.organisation.name)
    expect(registry).to_contain_text(french.organisation.name)
    screenshot("registry-filtered")

    number = french.certificate.number
    registry.get_by_role("link", name=number).click()

    expect(page).to_have_url(re.compile(f"/verify/{number}/$"))
    verdict = page.locator(".verify")
    expect(verdict.locator(".status")).to_have_text("Valid")
    expect(verdict).to_contain_text(french.organisation.name)
    screenshot("verification-valid")


def test_verify_form_forgives_case_and_spaces(page: Page, labels):
    label = labels[0]
    number = label.certificate.number
    page.goto("/verify/")

    page.get_by_label("Certificate number").fill(f"  {number.lower().replace('-', ' - ')} ")
    page.get_by_role("button", name="Verify", exact=True).click()

    expect(page).to_have_url(re.compile(f"/verify/{number}/$"))
    expect(page.locator(".verify .status")).to_have_text("Valid")
    expect(page.locator(".verify")).to_contain_text(label.organisation.name)


def test_api_documentation_runs_under_the_content_security_policy(page: Page):
    """Swagger UI's start-up script comes from a file; the autouse check sees no refusal."""
    page.goto("/api/v1/docs/")

    expect(page.get_by_role("heading", name=re.compile("labels API"))).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()


def test_choosing_a_language_switches_the_page_without_an_inline_handler(page: Page):
    page.goto("/registry/")

    page.get_by_label("Language").select_option("de")

    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page).to_have_url(re.compile("/registry/$"))
