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


def test_the_verification_page_can_be_shared(person, language, screenshot):
    """Link previews find their tags, LinkedIn's link carries the certification, and the
    badge image loads; in English and German."""
    from urllib.parse import parse_qs, urlsplit

    certificate = factories.LabelFactory(level=Level.SILVER).certificate
    visitor = person(None)
    page = visitor.page
    page.goto(f"/verify/{certificate.number}/")

    assert (
        page.locator('meta[property="og:title"]')
        .get_attribute("content")
        .startswith(certificate.label.organisation.name)
    )
    image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert image.endswith(f"/verify/{certificate.number}/badge.png")
    assert page.locator('meta[name="twitter:card"]').get_attribute("content") == (
        "summary_large_image"
    )
    link = page.get_by_role("link", name=visitor.t("Add to LinkedIn profile"))
    query = parse_qs(urlsplit(link.get_attribute("href")).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["certId"] == [certificate.number]
    assert query["certUrl"][0].endswith(f"/verify/{certificate.number}/")
    assert query["issueYear"]
    assert query["expirationMonth"]
    badge = page.locator("#share img")
    expect(badge).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", badge.element_handle()) == 1200
    visitor.screenshot(f"verification-share-{language}")
