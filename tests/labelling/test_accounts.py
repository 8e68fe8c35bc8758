"""Accounts (django-allauth): log-in by e-mail, password reset and change, proved addresses, the
secretariat's second factor and idle sessions."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from labelling.models import Effect, EffectState, User
from labelling.rules import can
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 2026"


def _log_in(client: Client, email: str, password: str = factories.PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)[1]


def test_an_account_the_secretariat_creates_has_its_address_proved():
    person = factories.ManagerFactory(email="new.manager@example.org")

    address = EmailAddress.objects.get(user=person)
    assert (address.email, address.verified, address.primary) == (person.email, True, True)


def test_a_person_logs_in_with_their_e_mail_address(client):
    person = factories.ManagerFactory(email="manager@example.org")

    response = _log_in(client, "Manager@Example.org")

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_the_password_reset_mail_is_a_follow_up_in_the_outbox(
    client, django_capture_on_commit_callbacks
):
    factories.ManagerFactory(email="forgetful@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})

    assert Effect.objects.get(task="labelling.send_account_mail").state == EffectState.DONE
    assert [message.to for message in mail.outbox] == [["forgetful@example.org"]]


def test_a_delivered_account_mail_leaves_no_link_in_the_outbox(
    client, django_capture_on_commit_callbacks
):
    factories.ManagerFactory(email="forgetful@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})

    assert Effect.objects.get(task="labelling.send_account_mail").kwargs == {}
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_reset_password_logs_in_and_ends_every_other_session(
    client, django_capture_on_commit_callbacks
):
    person = factories.ManagerFactory(email="forgetful@example.org")
    elsewhere = Client()
    elsewhere.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": person.email})

    form = client.get(_reset_link(mail.outbox[0]), follow=True)
    client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else _reset_link(mail.outbox[0]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert _log_in(Client(), person.email, NEW_PASSWORD).status_code == 302
    assert elsewhere.get(reverse("dashboard")).status_code == 302  # back to the log-in


def test_a_password_change_keeps_this_session_and_ends_the_others(client):
    person = factories.ManagerFactory(email="careful@example.org")
    client.force_login(person)
    elsewhere = Client()
    elsewhere.force_login(person)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": factories.PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert client.get(reverse("dashboard")).status_code == 200
    assert elsewhere.get(reverse("dashboard")).status_code == 302


def test_the_secretariat_changing_an_address_in_the_admin_moves_the_log_in(admin_client):
    person = factories.ManagerFactory(email="old@example.org", full_name="Old Address")
    joined = timezone.localtime(person.date_joined)

    response = admin_client.post(
        reverse("admin:labelling_user_change", args=[person.pk]),
        {
            "email": "new@example.org",
            "full_name": person.full_name,
            "country": person.country,
            "language": person.language,
            "is_cluster_manager": "on",
            "is_active": "on",
            "date_joined_0": joined.date().isoformat(),
            "date_joined_1": joined.time().strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(EmailAddress.objects.filter(user=person).values_list("email", "verified")) == [
        ("new@example.org", True)
    ]


# Signing up (cluster managers only)

SIGN_UP = {
    "full_name": "Greta Neumann",
    "email": "greta@cluster.example.org",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


def _sign_up(client: Client, django_capture_on_commit_callbacks, **changes: str):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_signup"), {**SIGN_UP, **changes})


def _verification_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body)[1]


def test_a_sign_up_makes_a_cluster_manager_and_nothing_more(
    client, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)

    person = User.objects.get(email=SIGN_UP["email"])
    assert person.full_name == "Greta Neumann"
    roles = ["is_cluster_manager", "is_expert", "is_secretariat", "is_staff", "is_superuser"]
    assert [name for name in roles if getattr(person, name)] == ["is_cluster_manager"]
    assert list(person.organisations.all()) == []


def test_a_signed_up_address_is_not_proved_yet_and_its_check_goes_through_the_outbox(
    client, django_capture_on_commit_callbacks
):
    response = _sign_up(client, django_capture_on_commit_callbacks)

    assert response.url == reverse("account_email_verification_sent")
    assert not EmailAddress.objects.get(email=SIGN_UP["email"]).verified
    assert "_auth_user_id" not in client.session
    assert Effect.objects.get(task="labelling.send_account_mail").state == EffectState.DONE
    assert [message.to for message in mail.outbox] == [[SIGN_UP["email"]]]


def test_a_signed_up_manager_cannot_log_in_before_proving_the_address(
    client, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)

    someone = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _log_in(someone, SIGN_UP["email"], NEW_PASSWORD)

    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in someone.session


def test_a_signed_up_manager_logs_in_after_following_the_link(
    client, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    link = _verification_link(mail.outbox[0])

    assert Client().get(link).status_code == 200  # a page with a button: no change on a GET
    assert not EmailAddress.objects.get(email=SIGN_UP["email"]).verified
    Client().post(link)
    response = _log_in(Client(), SIGN_UP["email"], NEW_PASSWORD)

    assert EmailAddress.objects.get(email=SIGN_UP["email"]).verified
    assert response.url == reverse("dashboard")


def test_a_sign_up_is_read_in_the_language_it_was_made_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGN_UP, HTTP_ACCEPT_LANGUAGE="de")

    assert User.objects.get(email=SIGN_UP["email"]).language == "de"


def test_a_sign_up_without_a_name_is_refused(client, django_capture_on_commit_callbacks):
    response = _sign_up(client, django_capture_on_commit_callbacks, full_name="")

    assert response.status_code == 200
    assert response.context["form"].errors["full_name"]
    assert not User.objects.filter(email=SIGN_UP["email"]).exists()


def test_the_log_in_page_offers_the_sign_up(client, db):
    assert reverse("account_signup") in client.get(reverse("account_login")).content.decode()


def test_nobody_signs_up_when_the_sign_up_is_closed(client, settings):
    settings.SIGNUP_OPEN = False

    response = client.get(reverse("account_signup"))

    assert "signup_closed" in response.templates[0].name
    assert reverse("account_signup") not in client.get(reverse("account_login")).content.decode()


@pytest.mark.parametrize(
    "perm",
    ["labelling.decide_application", "labelling.confirm_decision", "labelling.decide_appeal"],
)
def test_a_secretariat_member_without_a_second_factor_may_not_decide(perm):
    application = factories.ApplicationFactory()
    without = factories.SecretariatFactory(second_factor=False)
    with_one = factories.SecretariatFactory()

    assert not can(without, perm, application)
    assert can(with_one, "labelling.decide_application", application)


def test_a_secretariat_member_without_a_second_factor_may_not_issue_or_revoke():
    without = factories.SecretariatFactory(second_factor=False)
    label = factories.LabelFactory()

    assert not can(without, "labelling.issue_certificate", label.application)
    assert not can(without, "reports.manage_label", label)


def test_the_second_factor_is_not_asked_when_the_scheme_turns_it_off(settings):
    settings.SECRETARIAT_REQUIRES_SECOND_FACTOR = False
    without = factories.SecretariatFactory(second_factor=False)

    assert can(without, "labelling.issue_certificate", factories.ApplicationFactory())


def test_pages_remind_a_secretariat_member_to_set_up_a_second_factor(client):
    client.force_login(factories.SecretariatFactory(second_factor=False))

    page = client.get(reverse("dashboard")).content.decode()

    assert "need two-factor authentication" in page
    assert reverse("mfa_activate_totp") in page


def test_a_secretariat_member_with_a_second_factor_is_not_reminded(client):
    client.force_login(factories.SecretariatFactory())

    assert "need two-factor authentication" not in client.get(reverse("dashboard")).content.decode()


def test_the_log_in_of_someone_with_a_second_factor_asks_for_the_code(client):
    member = factories.SecretariatFactory(email="member@example.org")

    asked = _log_in(client, member.email)
    assert asked.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    done = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code()})
    assert done.url == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_wrong_code_does_not_log_in(client):
    member = factories.SecretariatFactory(email="member@example.org")
    _log_in(client, member.email)

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_secretariat_session_ends_after_the_idle_time(client, settings):
    settings.SECRETARIAT_IDLE_MINUTES = 20
    client.force_login(factories.SecretariatFactory())

    client.get(reverse("dashboard"))

    assert client.session.get_expiry_age() == 20 * 60
    assert not client.session.get_expire_at_browser_close()


def test_other_people_keep_the_usual_session_length(client, settings):
    client.force_login(factories.ManagerFactory())

    client.get(reverse("dashboard"))

    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
