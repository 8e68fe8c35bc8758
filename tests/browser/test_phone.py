"""Every page each role can open fits a phone: at 390 × 844 nothing scrolls sideways, and the
log-out and the language switch are still there to be used.

The pages are found, not listed: every address of the URL conf, with the demo's objects as its
arguments (as the form fuzzing finds them, ``tests/test_form_fuzzing.py``), that answers the
role with an HTML page; one address per page kind (URL name). A screenshot of each role's
dashboard at phone width is kept under ``test-artifacts/screenshots/``, and of each page the UX
pass changed, at phone and at desktop width (``phone-<page>.png``, ``desktop-<page>.png``).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext

from assessments.models import Assignment
from labelling.models import Application
from labelling.models import ApplicationState as S
from reports import demo
from reports.models import Certificate
from tests.browser.conftest import SCREENSHOTS
from tests.pages import PEOPLE, client_for, client_of, pages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
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
        context = _context_of(browser, browser_context_args, client)
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
    # On the same demo (seeding it again would cost a test of its own some ten seconds).
    _save_changed_pages(browser, browser_context_args)


def _context_of(browser: Browser, context_args: dict, client: Client) -> BrowserContext:
    """A phone-sized browser context with ``client``'s session, if it has one."""
    context = browser.new_context(**{**context_args, "viewport": PHONE})
    if settings.SESSION_COOKIE_NAME in client.cookies:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": context_args["base_url"],
                }
            ]
        )
    return context


def _changed_pages() -> dict[str, tuple[str | None, str]]:
    """The pages the UX pass changed, on the demo: name → (whose, address)."""
    draft = Application.objects.get(state=S.DRAFT, organisation__managers__email=demo.MANAGER)
    scoring = Assignment.objects.get(application__state=S.IN_ASSESSMENT)
    proposed = Application.objects.get(state=S.DECISION_PROPOSED)
    in_review = Application.objects.filter(state=S.QUALITY_REVIEW).first()
    certificate = Certificate.objects.order_by("pk").first()
    return {
        "manager-draft": (demo.MANAGER, reverse("application_detail", args=[draft.pk])),
        "manager-self-assessment": (demo.MANAGER, reverse("self_assessment", args=[draft.pk])),
        "expert-scoring": (scoring.expert.email, reverse("scoring", args=[scoring.pk])),
        "expert-dashboard": (scoring.expert.email, reverse("dashboard")),
        "secretariat-decision": (
            proposed.proposed_by.email,
            reverse("application_detail", args=[proposed.pk]),
        ),
        "secretariat-quality-review": (
            demo.SECRETARIAT,
            reverse("application_detail", args=[in_review.pk]),
        ),
        "public-registry": (None, reverse("registry")),
        "public-verify": (None, reverse("verify", args=[certificate.number])),
    }


def _save_changed_pages(browser: Browser, context_args: dict) -> None:
    """Keeps each changed page as ``test-artifacts/screenshots/{phone,desktop}-<page>.png``."""
    saved = []
    for name, (email, address) in _changed_pages().items():
        context = _context_of(browser, context_args, client_for(email))
        page = context.new_page()
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            response = page.goto(address)
            assert response is not None, f"{name} {address}"
            assert response.ok, f"{name} {address}: {response.status}"
            path = SCREENSHOTS / f"{size}-{name}.png"
            page.screenshot(path=path, full_page=True)
            saved.append(path)
        context.close()

    assert all(path.stat().st_size > 10_000 for path in saved)
