"""Every page each role can open fits a phone: at 390 × 844 nothing scrolls sideways, and the
log-out and the language switch are still there to be used.

The pages are found, not listed: every address of the URL conf, with the demo's objects as its
arguments (as the form fuzzing finds them, ``tests/test_form_fuzzing.py``), that answers the
role with an HTML page; one address per page kind (URL name). A screenshot of each role's
dashboard at phone width is kept under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Browser

from reports import demo
from tests.browser.conftest import SCREENSHOTS
from tests.pages import PEOPLE, client_of, pages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LOGOUT = "header form[action$='/logout/'] button"
LANGUAGE = "header select#language"


def test_every_page_of_every_role_fits_a_phone(
    browser: Browser, browser_context_args, no_rendering, policy_violations
):
    demo.seed_demo()
    failures: list[str] = []
    checked = 0
    for role, email in PEOPLE.items():
        client = client_of(role)
        pages = list(pages_of(client))
        context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
        if settings.SESSION_COOKIE_NAME in client.cookies:
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": browser_context_args["base_url"],
                    }
                ]
            )
        page = context.new_page()
        for address in pages:
            page.goto(address)
            checked += 1
            scroll, inner = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll > inner:
                failures.append(f"{role} {address}: {scroll} px wide at {inner} px")
            reachable = [LANGUAGE] + ([LOGOUT] if email is not None else [])
            for control in reachable:
                if not page.locator(control).is_visible():
                    failures.append(f"{role} {address}: {control} is not visible")
        page.goto("/dashboard/" if email is not None else "/")
        page.screenshot(path=SCREENSHOTS / f"phone-{role}-start.png", full_page=True)
        context.close()
        print(f"{role}: {len(pages)} kinds of page at 390 px")

    assert checked > 40
    assert not failures, "\n".join(failures)
