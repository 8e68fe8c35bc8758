"""The User admin: no delete (it could only fail, and would lose who did what), an "Erase
personal data" action instead, for the secretariat, after a page that asks for the reason."""

from __future__ import annotations

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from labelling.models import StateChange
from labelling.privacy import ERASE, is_erased
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:labelling_user_changelist"


@pytest.fixture
def member(db):
    """A secretariat member who runs the admin (its pages need Django's model permissions)."""
    return factories.SecretariatFactory(is_superuser=True, email="admin@example.org")


@pytest.fixture
def secretariat_admin(client, member):
    client.force_login(member)
    return client


def _actions(changelist) -> set[str]:
    form = changelist.context["action_form"]
    return set() if form is None else set(dict(form.fields["action"].choices))


def _erase(client, *people, **extra):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": "erase_personal_data",
            helpers.ACTION_CHECKBOX_NAME: [person.pk for person in people],
            **extra,
        },
    )


def test_user_admin_offers_no_delete(secretariat_admin, outsider):
    changelist = secretariat_admin.get(reverse(CHANGELIST))
    delete_page = secretariat_admin.get(reverse("admin:labelling_user_delete", args=[outsider.pk]))

    assert "delete_selected" not in _actions(changelist)
    assert "erase_personal_data" in _actions(changelist)
    assert delete_page.status_code == 403


def test_user_admin_erase_action_asks_for_a_reason_first(secretariat_admin, outsider):
    response = _erase(secretariat_admin, outsider)

    assert response.status_code == 200
    assert outsider.email in response.content.decode()
    assert 'name="reason"' in response.content.decode()
    assert not is_erased(outsider)


def test_user_admin_erase_action_erases_with_the_reason(secretariat_admin, member, outsider):
    response = _erase(secretariat_admin, outsider, confirm="yes", reason="Asked to be forgotten")

    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.full_name == f"Former user #{outsider.pk}"
    record = StateChange.objects.get(transition=ERASE)
    assert (record.object_id, record.actor, record.reason) == (
        outsider.pk,
        member,
        "Asked to be forgotten",
    )


def test_user_admin_erase_action_without_a_reason_erases_nothing(secretariat_admin, outsider):
    response = _erase(secretariat_admin, outsider, confirm="yes", reason="")

    assert response.status_code == 400
    assert not is_erased(outsider)


def test_user_admin_erase_action_reports_a_refusal_and_erases_the_others(
    secretariat_admin, member, outsider
):
    response = _erase(
        secretariat_admin, member, outsider, confirm="yes", reason="Asked to be forgotten"
    )

    assert response.status_code == 302
    assert is_erased(outsider)
    assert not is_erased(member)


def test_user_admin_erase_action_is_not_offered_to_a_superuser_outside_the_secretariat(
    client, outsider
):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    changelist = client.get(reverse(CHANGELIST))
    _erase(client, outsider, confirm="yes", reason="Asked to be forgotten")

    assert "erase_personal_data" not in _actions(changelist)
    assert not is_erased(outsider)
