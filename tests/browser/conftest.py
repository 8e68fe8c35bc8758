"""Fixtures of the browser tests: Debian's Chromium driven by Playwright against Django's live
server. Each process (each xdist worker) launches one browser; each test gets a fresh context,
so no cookie or session leaks from one test to the next.

Nothing here downloads a browser: Chromium comes from the system (``apt-get install chromium``,
which ``.ci/run`` does). Without it the browser tests are skipped, except under CI, where they
fail: the pages must be proven in a browser there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests import factories
from tests.conftest import AXE_REPORTS, LOADED

# Playwright's sync API keeps an event loop in the test's thread, and Django refuses database
# queries from a thread with a running loop; the test code here is synchronous all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Without the networking flags Chromium reaches out to Google's services at start-up, which a
# closed network refuses (and which tests have no business doing anyway).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
#: axe-core from its pinned npm package (``make test`` installs it from the lockfile).
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: What fails a journey: axe's two worst impacts.
AXE_FAILING = ("serious", "critical")
AXE_RUN = """async () => {
  if (document.contentType !== "text/html" || typeof axe === "undefined") return null;
  const result = await axe.run(document, {resultTypes: ["violations"]});
  const rules = new Set(
    [result.passes, result.violations, result.incomplete].flat().map((rule) => rule.id)
  );
  return {
    rules: [...rules],
    violations: result.violations.map((rule) => ({
      id: rule.id, impact: rule.impact, help: rule.help,
      nodes: rule.nodes.slice(0, 3).map(
        (node) => `${node.target.join(" ")} (${node.html.slice(0, 160)})`
      ),
    })),
  };
}"""
#: Long enough for a page of the live server, short enough for a failure to show quickly.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests run last, in every process (xdist hands out tests in this order).

    Playwright's event loop stays up in the test thread from the first browser test until the
    process ends, and pyHanko's signature validation in the PDF tests calls ``asyncio.run()``,
    which refuses to run under it (signing itself steps aside into a thread of its own).
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, pointed at the system's Chromium."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    """Every page talks to the live server, in English, on a laptop-sized window."""
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "en-GB",
        "viewport": {"width": 1280, "height": 800},
    }


# Chromium reports a refused inline script or style in the console, but not every refusal the
# same way; the page's own securitypolicyviolation event names each one. Injected through the
# DevTools protocol, this script is not itself subject to the policy.
REPORT_POLICY_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} ` +
    `blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def watch_policy(context: BrowserContext, violations: list[str]) -> BrowserContext:
    """Collects into ``violations`` every Content-Security-Policy refusal in ``context``."""

    def seen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.add_init_script(REPORT_POLICY_VIOLATIONS)
    context.on("console", seen)
    return context


@pytest.fixture(autouse=True)
def policy_violations() -> Iterator[list[str]]:
    """Fails the test if any page it opened broke the Content-Security-Policy."""
    violations: list[str] = []
    yield violations
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def context(context: BrowserContext, policy_violations: list[str]) -> BrowserContext:
    return watch_policy(context, policy_violations)


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(TIMEOUT_MS)
    return page


@pytest.fixture
def log_in(page: Page) -> Callable[[object], None]:
    """Logs a user in through the real login form and waits for the dashboard."""

    def log_in_as(user) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.locator("main").get_by_role("button", name="Log in").click()
        pass_second_factor(page)
        expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()

    return log_in_as


def pass_second_factor(page: Page, secret: str | None = None) -> None:
    """After the password: the one-time code of the person's authenticator app (the factories'
    ``TOTP_SECRET`` unless given), when the log-in asks for one."""
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" in url or "/dashboard/" in url)
    if "/accounts/2fa/authenticate/" not in page.url:
        return
    page.locator("input[name=code]").fill(factories.totp_code(secret))
    page.locator("main form").first.locator("button[type=submit]").first.click()


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """Saves the whole current page as ``test-artifacts/screenshots/<name>.png``."""

    def save(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save


# --- People at their own browsers, in English and German (the journeys) ---------------------


class Person:
    """One person at their own browser: logs in, and checks each page visited in German."""

    def __init__(self, context: BrowserContext, language: str, check_page: Callable) -> None:
        self.context = context
        self.page = context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.language = language
        self._check_page = check_page
        self.page.on("load", lambda page: self._check_page(page))

    def t(self, message: str, **values: object) -> str:
        """``message`` as this person reads it."""
        with translation.override(self.language):
            text = translation.gettext(message)
        return text % values if values else text

    def screenshot(self, name: str) -> None:
        """Saves the whole page as ``test-artifacts/screenshots/<name>.png``."""
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    def log_in(self, user, password: str = factories.PASSWORD) -> Person:
        page = self.page
        page.goto("/accounts/login/")
        page.get_by_label(self.t("E-mail address")).fill(user.email)
        page.get_by_label(self.t("Password")).fill(password)
        page.locator("main").get_by_role("button", name=self.t("Log in")).click()
        pass_second_factor(page)
        expect(page.get_by_role("heading", name=self.t("Dashboard"), level=1)).to_be_visible()
        return self

    def act(self, action: str, reason: str = "") -> None:
        """Runs one of the application page's actions (``data-action``), with its reason."""
        form = self.page.locator("form.action", has=self.page.locator(f"[data-action={action}]"))
        if reason:
            form.locator("textarea").fill(reason)
        form.locator(f"[data-action={action}]").click()
        expect(self.page.locator(".messages")).to_be_visible()


@pytest.fixture(params=["en", "de"])
def language(request) -> str:
    """The journeys that ask for it run in English and in German."""
    return request.param


@pytest.fixture
def untranslated(language) -> Iterator[list[str]]:
    """What pages showed in English when they should have been German (empty in English)."""
    found: list[str] = []
    yield found
    assert not found, "Untranslated on German pages:\n" + "\n".join(found)


def went_on(exc: Exception) -> bool:
    """Whether Playwright refused because the page went on to another before it was read."""
    return "navigat" in str(exc) or "context was destroyed" in str(exc)


class Accessibility:
    """axe-core run on every page a journey's people open: what it found and how much."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.pages = 0
        self.rules: set[str] = set()

    def check(self, page: Page, language: str) -> None:
        try:
            result = page.evaluate(AXE_RUN)
        except Exception as exc:
            if went_on(exc):
                return
            raise
        if result is None:
            return
        self.pages += 1
        self.rules.update(result["rules"])
        for rule in result["violations"]:
            if rule["impact"] in AXE_FAILING:
                line = (
                    f"{page.url} ({language}): {rule['impact']} {rule['id']}: {rule['help']} "
                    f"at {', '.join(rule['nodes'])}"
                )
                if line not in self.failures:
                    self.failures.append(line)


@pytest.fixture
def accessibility(worker_id: str) -> Iterator[Accessibility]:
    """Fails the journey on any serious or critical axe violation of a page it opened; adds
    what it checked to this process's report (``test-artifacts/axe/<worker>.json``)."""
    checked = Accessibility()
    yield checked
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    report = AXE_REPORTS / f"{worker_id}.json"
    earlier = report.exists() and report.stat().st_mtime >= LOADED  # this run's, not the last
    totals = json.loads(report.read_text()) if earlier else {"pages": 0, "rules": []}
    totals["pages"] += checked.pages
    totals["rules"] = sorted(set(totals["rules"]) | checked.rules)
    report.write_text(json.dumps(totals))
    assert not checked.failures, "axe-core (serious or critical):\n" + "\n".join(checked.failures)


@pytest.fixture
def person(
    browser: Browser,
    browser_context_args,
    language,
    untranslated,
    policy_violations,
    accessibility,
) -> Iterator[Callable[[object], Person]]:
    """Opens a browser of its own for a person (``None``: someone without an account yet),
    in the journey's language, and logs them in."""
    contexts: list[BrowserContext] = []

    def check(page: Page) -> None:
        accessibility.check(page, language)
        if language != "de":
            return
        from tests.i18n import untranslated_strings

        try:
            content = page.content()
        except Exception as exc:
            if went_on(exc):
                return
            raise
        for text in untranslated_strings(content):
            found_on = f"{page.url}: {text}"
            if found_on not in untranslated:
                untranslated.append(found_on)

    def open_as(user) -> Person:
        if user is not None:
            user.language = language
            user.save(update_fields=["language"])
        locale = "de-DE" if language == "de" else "en-GB"
        context = browser.new_context(**{**browser_context_args, "locale": locale})
        watch_policy(context, policy_violations)
        if not AXE.exists():
            pytest.fail(f"axe-core is not installed at {AXE} (make interop-install)")
        # Injected through the DevTools protocol, before the page's own scripts: not subject
        # to the page's Content-Security-Policy.
        context.add_init_script(path=AXE)
        contexts.append(context)
        someone = Person(context, language, check)
        return someone.log_in(user) if user is not None else someone

    yield open_as
    for context in contexts:
        context.close()
