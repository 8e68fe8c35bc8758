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

    page.get_by_label("Value for STR-1").fill("42")
    page.get_by_role("button", name="Save STR").click()
    expect(page.get_by_role("status")).to_contain_text("saved")

    page.reload()
    expect(page.get_by_label("Value for STR-1")).to_have_value("42")
    screenshot("manager-self-assessment")
