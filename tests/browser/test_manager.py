"""A cluster manager in a browser: from the dashboard to a saved self-assessment value."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_saves_a_self_assessment_value(
    page: Page, manager, application, log_in, screenshot
):
    log_in(manager)
    applications = page.locator("section", has=page.get_by_role("heading", name="Applications"))
    expect(applications).to_contain_text(application.organisation.name)
    screenshot("manager-dashboard")

    applications.get_by_role("link", name=application.organisation.name).click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))
    page.get_by_role("link", name="Self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Self-assessment")
    # htmx takes up the fields once the page has loaded; a change before that saves nothing.
    page.wait_for_load_state("load")

    field = page.get_by_label("Value for STR-1")
    field.fill("42")
    # Leaving the field saves it (htmx); the button saves the dimension again, as without JS.
    with page.expect_response(lambda response: "/self-assessment/" in response.url):
        field.press("Tab")
    page.get_by_role("button", name="Save STR").click()
    expect(page.get_by_role("status")).to_contain_text("saved")

    page.reload()
    expect(page.get_by_label("Value for STR-1")).to_have_value("42")
    screenshot("manager-self-assessment")
