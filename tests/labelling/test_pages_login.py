"""The log-in forms refuse a username longer than any account's before checking it: Django's own
form leaves that length to the browser, and the lockout's record of a failed log-in keeps 255
characters (a server error on PostgreSQL for a longer one, jazzband/django-axes#1381)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests import factories


@pytest.mark.parametrize(
    ("url_name", "field"), [("account_login", "login"), ("admin:login", "username")]
)
def test_log_in_with_a_username_longer_than_any_account_s_is_refused_by_the_form(
    client, db, url_name, field
):
    too_long = "x" * 290 + "@example.org"
    response = client.post(reverse(url_name), {field: too_long, "password": "guess"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not AccessAttempt.objects.exists()


def test_log_in_with_the_right_password_still_works(client, db):
    person = factories.ManagerFactory(email="manager@example.org")

    response = client.post(
        reverse("account_login"), {"login": person.email, "password": factories.PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)
