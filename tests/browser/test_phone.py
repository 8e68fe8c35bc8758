"""Every page each role can open fits a phone: at 390 × 844 nothing scrolls sideways, and the
log-out and the language switch are still there to be used.

The pages are found, not listed: every address of the URL conf, with the demo's objects as its
arguments (as the form fuzzing finds them, ``tests/test_form_fuzzing.py``), that answers the
role with an HTML page; one address per page kind (URL name). A screenshot of each role's
dashboard at phone width is kept under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser

from labelling.models import User
from reports import demo
from tests.browser.conftest import SCREENSHOTS
from tests.test_form_fuzzing import SKIPPED, arguments, url_patterns

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
#: One person of each role (the other demo people of a role see the same kinds of page).
PEOPLE = {
    "secretariat": demo.SECRETARIAT,
    "manager": demo.MANAGER,
    "expert": demo.EXPERT_DE,
    "anonymous": None,
}
#: Answers for machines, not pages (the health check also runs its checks in an event loop,
#: which the browser's thread already has).
NOT_PAGES = {"health", "metrics"}
LOGOUT = "header form[action$='/logout/'] button"
LANGUAGE = "header select#language"


def _addresses(demo_arguments) -> Iterator[tuple[str, str]]:
    """(kind of page, address) for each address the demo's objects fill (those the demo has
    none for, such as an open question, are left to the form fuzzing, which adds them)."""
    for route, pattern in url_patterns():
        if route.startswith(SKIPPED) or pattern.name in NOT_PAGES:
            continue
        needed = set(pattern.pattern.regex.groupindex)
        if not needed:
            yield pattern.name, reverse(pattern.name)
            continue
        segment = route.replace("^", "").split("/", 1)[0]
        for option in demo_arguments.get(segment, []):
            if all(option.get(name) is not None for name in needed):
                kwargs = {name: option[name] for name in needed}
                yield pattern.name, reverse(pattern.name, kwargs=kwargs)


def _pages_of(client: Client, demo_arguments) -> list[str]:
    """The first address of each kind of page that answers ``client`` with HTML."""
    found: dict[str, str] = {}
    for kind, address in _addresses(demo_arguments):
        if kind in found:
            continue
        response = client.get(address)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            found[kind] = address
    return list(found.values())


def test_every_page_of_every_role_fits_a_phone(
    browser: Browser, browser_context_args, no_rendering, policy_violations
):
    demo.seed_demo()
    demo_arguments = arguments()
    failures: list[str] = []
    checked = 0
    for role, email in PEOPLE.items():
        client = Client()
        if email is not None:
            client.force_login(User.objects.get(email=email))
        pages = _pages_of(client, demo_arguments)
        context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
        if "sessionid" in client.cookies:
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
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
