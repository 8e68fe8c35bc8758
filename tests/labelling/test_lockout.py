"""Password guessing: a username locked after 10 failed log-ins, an address after 30, within 15
minutes, for 15 minutes; the secretariat unlocks in the admin (django-axes)."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

WRONG = "not the password"


@pytest.fixture
def person(db):
    return factories.ManagerFactory(email="person@example.org")


def _log_in(client, email: str, password: str, address: str = "192.0.2.1", url: str = ""):
    # The site's form (allauth's) names the e-mail field "login", the admin's "username".
    field = "username" if url else "login"
    return client.post(
        url or reverse("account_login"),
        {field: email, "password": password},
        REMOTE_ADDR=address,
    )


def _fail(client, email: str, times: int, **kwargs) -> list:
    return [_log_in(client, email, WRONG, **kwargs) for _ in range(times)]


def _assert_locked_out(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "Too many failed log-ins" in response.content.decode()
    assert "locked for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def _assert_logged_in(response, person) -> None:
    assert response.status_code == 302
    assert response.client.session["_auth_user_id"] == str(person.pk)


def test_nine_failures_for_a_username_leave_it_open(client, person):
    _fail(client, person.email, 9)

    _assert_logged_in(_log_in(client, person.email, factories.PASSWORD), person)


def test_the_tenth_failure_for_a_username_locks_it_from_every_address(client, person):
    answers = [
        _log_in(client, person.email, WRONG, address=f"192.0.2.{index}") for index in range(10)
    ]

    assert {response.status_code for response in answers[:9]} == {200}
    _assert_locked_out(answers[9])
    _assert_locked_out(_log_in(client, person.email, factories.PASSWORD, address="198.51.100.7"))


def test_the_lockout_page_is_the_login_form_with_the_reason(client, person):
    response = _fail(client, person.email, 10)[-1]

    assert response.templates[0].name == "account/login.html"
    assert 'name="password"' in response.content.decode()
    assert "ask the labelling secretariat to unlock it" in response.content.decode()


def test_the_thirtieth_failure_from_one_address_locks_it_for_every_username(client, person):
    answers = [_log_in(client, f"guess{index}@example.org", WRONG) for index in range(30)]

    assert {response.status_code for response in answers[:29]} == {200}
    _assert_locked_out(answers[29])
    _assert_locked_out(_log_in(client, person.email, factories.PASSWORD))
    _assert_logged_in(_log_in(client, person.email, factories.PASSWORD, "198.51.100.7"), person)


def test_behind_a_proxy_failures_count_by_the_forwarded_address(client, person, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def through_proxy(email: str, password: str, address: str):
        return client.post(
            reverse("account_login"),
            {"login": email, "password": password},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=address,
        )

    for index in range(30):
        through_proxy(f"guess{index}@example.org", WRONG, "203.0.113.9")

    _assert_locked_out(through_proxy(person.email, factories.PASSWORD, "203.0.113.9"))
    _assert_logged_in(through_proxy(person.email, factories.PASSWORD, "203.0.113.10"), person)


def test_failures_more_than_15_minutes_apart_do_not_add_up(client, person):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, person.email, 9)
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        _fail(client, person.email, 1)

        _assert_logged_in(_log_in(client, person.email, factories.PASSWORD), person)


def test_the_lock_ends_15_minutes_after_the_last_failure_despite_tries_during_it(client, person):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, person.email, 10)
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        _assert_locked_out(_log_in(client, person.email, factories.PASSWORD))
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        _assert_logged_in(_log_in(client, person.email, factories.PASSWORD), person)


def test_the_admin_login_counts_and_locks_too(client, person):
    admin_login = reverse("admin:login")
    _fail(client, person.email, 9, url=admin_login)

    _assert_locked_out(_log_in(client, person.email, WRONG))


def test_the_secretariat_unlocks_a_username_in_the_admin(client, person):
    _fail(client, person.email, 10)
    secretariat = factories.SecretariatFactory(is_superuser=True)
    client.force_login(secretariat)

    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    client.logout()

    assert response.status_code == 302
    _assert_logged_in(_log_in(client, person.email, factories.PASSWORD), person)


def test_the_secretariat_sees_who_failed_from_where(client, person):
    _fail(client, person.email, 3)
    client.force_login(factories.SecretariatFactory(is_superuser=True))

    response = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert person.email in response.content.decode()
    assert "192.0.2.1" in response.content.decode()


def test_no_api_operation_takes_a_password(client):
    """The lockout covers the pages that take a password; the API takes tokens only (their
    failures are throttled per address). An API password would need the lockout too."""
    schema = client.get(reverse("api_schema"), {"format": "json"}).json()

    fields = {
        name.lower()
        for component in schema["components"]["schemas"].values()
        for name in component.get("properties", {})
    }

    assert "legal_name" in fields, "the schema's fields are read"
    assert not [name for name in fields if "password" in name]
    assert set(schema["components"]["securitySchemes"]) <= {"apiToken", "cookieAuth"}
