"""Accounts in a real browser, in English and in German: signing up and proving the address,
a forgotten password, invitations (an expert by the secretariat, a co-manager by a manager,
who then removes them), and a secretariat member enrolling a second factor to decide.

Mails are read from the test mail outbox, where the live server's outbox sends them.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from labelling.models import (
    ApplicationState,
    Level,
    Membership,
    Outcome,
    User,
)
from reports.demo import walk_application
from tests import factories
from tests.browser.conftest import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a long passphrase for the labels"


def _link_in_last_mail(to: str, path: str) -> str:
    """The path of the link to ``path…`` in the last mail sent to ``to``."""
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\S*)", message.body)[1]


def _fill_new_password(who: Person) -> None:
    page = who.page
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)


def _log_in_as(who: Person, email: str, password: str) -> None:
    who.log_in(User(email=email), password=password)


def test_a_cluster_manager_signs_up_and_proves_the_address(person, language):
    email = f"new.manager.{language}@example.org"
    visitor = person(None)
    page = visitor.page

    page.goto("/accounts/login/")
    page.get_by_role("link", name=visitor.t("Sign up as a cluster manager")).click()
    page.get_by_label(visitor.t("Full name")).fill("Greta Neumann")
    page.get_by_label(visitor.t("E-mail address")).fill(email)
    _fill_new_password(visitor)
    page.locator("#signup button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert User.objects.get(email=email).language == language

    # Not before the address is proved: the log-in sends the check again instead.
    other = person(None)
    other.page.goto("/accounts/login/")
    other.page.get_by_label(other.t("E-mail address")).fill(email)
    other.page.get_by_label(other.t("Password")).fill(NEW_PASSWORD)
    other.page.locator("main").get_by_role("button", name=other.t("Log in")).click()
    expect(other.page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    page.goto(_link_in_last_mail(email, "/accounts/confirm-email/"))
    page.locator("main form button[type=submit]").click()
    other.screenshot(f"signup-verification-sent-{language}")
    _log_in_as(other, email, NEW_PASSWORD)
    # Next: the organisation, which the secretariat will confirm.
    other.page.get_by_role("link", name=other.t("Register an organisation")).click()
    expect(other.page.get_by_role("heading", level=1)).to_have_text(
        other.t("Register an organisation")
    )


def test_a_forgotten_password_is_reset_by_mail(person, language):
    manager = factories.ManagerFactory(email=f"forgetful.{language}@example.org")
    manager.language = language
    manager.save(update_fields=["language"])
    visitor = person(None)
    page = visitor.page

    page.goto("/accounts/login/")
    page.get_by_role("link", name=visitor.t("Forgot your password?")).first.click()
    page.locator("input[name=email]").fill(manager.email)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))

    page.goto(_link_in_last_mail(manager.email, "/accounts/password/reset/key/"))
    _fill_new_password(visitor)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))

    _log_in_as(visitor, manager.email, NEW_PASSWORD)


def test_the_secretariat_invites_an_expert_who_accepts(person, language, secretariat):
    email = f"invited.expert.{language}@example.org"
    office = person(secretariat)
    page = office.page
    page.get_by_role("link", name=office.t("Invitations"), exact=True).click()
    invite = page.locator("#invite")
    invite.get_by_label(office.t("E-mail address")).fill(email)
    invite.get_by_label(office.t("Role")).select_option("expert")
    invite.get_by_role("button", name=office.t("Send the invitation")).click()
    expect(page.locator(".messages")).to_contain_text(email)
    expect(page.locator("tr", has_text=email)).to_contain_text(office.t("Waiting for an answer"))
    office.screenshot(f"secretariat-invitations-{language}")

    newcomer = person(None)
    page = newcomer.page
    page.goto(_link_in_last_mail(email, "/invitation/"))
    expect(page.locator("#offer")).to_contain_text(email)
    page.get_by_label(newcomer.t("Full name")).fill("Ines Expertin")
    _fill_new_password(newcomer)
    newcomer.screenshot(f"invitation-accept-{language}")
    page.get_by_role("button", name=newcomer.t("Accept and create my account")).click()
    expect(page.get_by_role("heading", name=newcomer.t("Dashboard"), level=1)).to_be_visible()

    expert = User.objects.get(email=email)
    assert (expert.is_expert, expert.is_secretariat, expert.is_cluster_manager) == (
        True,
        False,
        False,
    )
    office.page.reload()
    expect(office.page.locator("tr", has_text=email)).to_contain_text(office.t("Accepted"))


def test_a_manager_invites_a_co_manager_then_removes_them(person, language, manager, organisation):
    email = f"co.manager.{language}@example.org"
    manager_at = person(manager)
    page = manager_at.page
    page.get_by_role("link", name=organisation.name).click()
    invite = page.locator("#invite")
    invite.get_by_label(manager_at.t("E-mail address of the co-manager")).fill(email)
    invite.get_by_role("button", name=manager_at.t("Invite a co-manager")).click()
    expect(page.locator(".messages")).to_contain_text(email)
    expect(page.locator("#managers")).to_contain_text(email)

    co_manager_at = person(None)
    co_page = co_manager_at.page
    co_page.goto(_link_in_last_mail(email, "/invitation/"))
    co_page.get_by_label(co_manager_at.t("Full name")).fill("Carl Comanager")
    _fill_new_password(co_manager_at)
    co_page.get_by_role("button", name=co_manager_at.t("Accept and create my account")).click()
    expect(co_page.get_by_role("link", name=organisation.name)).to_be_visible()

    page.reload()
    managers = page.locator("#managers")
    expect(managers.locator("li", has_text=email)).to_be_visible()
    manager_at.screenshot(f"manager-co-managers-{language}")
    managers.locator("li", has_text=email).get_by_role(
        "button", name=manager_at.t("Remove")
    ).click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("#managers li", has_text=email)).to_have_count(0)
    assert list(
        Membership.objects.filter(organisation=organisation).values_list("user__email", flat=True)
    ) == [manager.email]

    # The last manager has no remove button.
    expect(
        page.locator("#managers").get_by_role("button", name=manager_at.t("Remove"))
    ).to_have_count(0)


def test_a_secretariat_member_enrols_a_second_factor_before_deciding(
    person, language, application, crew, second_secretariat
):
    walk_application(application, to=ApplicationState.QUALITY_REVIEW, crew=crew(Level.BRONZE))
    member = factories.SecretariatFactory(
        email=f"new.member.{language}@example.org", second_factor=False
    )
    member_at = person(member)
    page = member_at.page

    # Before: no decision offered, and a direct request is refused.
    page.goto(f"/applications/{application.pk}/")
    expect(page.locator("[data-action=propose_decision]")).to_have_count(0)
    csrf = next(c["value"] for c in member_at.context.cookies() if c["name"] == "csrftoken")
    refused = page.request.post(
        f"/applications/{application.pk}/actions/propose_decision/",
        form={"outcome": Outcome.BRONZE},
        headers={"X-CSRFToken": csrf},
    )
    assert refused.status == 403
    expect(page.locator("p.notice")).to_be_visible()

    # The reminder leads to the authenticator's enrolment, after the password again (allauth
    # asks it before a change of the second factor).
    page.locator("p.notice a").click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = page.locator("#authenticator_secret").input_value()
    member_at.screenshot(f"secretariat-totp-activate-{language}")
    page.locator("input[name=code]").fill(factories.totp_code(secret))
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))

    # After: the decision is theirs to propose.
    page.goto(f"/applications/{application.pk}/")
    page.locator("select[name=outcome]").select_option(Outcome.BRONZE)
    member_at.act("propose_decision")
    expect(page.locator(".state").first).to_have_text(member_at.t("Decision proposed"))


ACCOUNT_PAGES = [
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/2fa/",
    "/dashboard/",
    "/invitations/",
]


def test_account_pages_fit_a_phone_screen(person):
    """At 390 px nothing scrolls sideways: the log-in pages, then a secretariat member's."""
    visitor = person(None)
    visitor.page.set_viewport_size({"width": 390, "height": 800})
    for path in ["/accounts/login/", "/accounts/password/reset/", "/accounts/signup/"]:
        visitor.page.goto(path)
        assert visitor.page.evaluate("document.documentElement.scrollWidth") == 390, path

    member = person(factories.SecretariatFactory(second_factor=False))
    member.page.set_viewport_size({"width": 390, "height": 800})
    for path in ACCOUNT_PAGES:
        member.page.goto(path)
        assert member.page.evaluate("document.documentElement.scrollWidth") == 390, path
