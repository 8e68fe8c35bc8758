"""A label's lifecycle: suspension, reinstatement, revocation, expiry and the reminders."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from reports import services
from reports.models import LabelState
from tests import factories

L = LabelState


@pytest.fixture
def label(organisation, manager):
    return factories.LabelFactory(organisation=organisation)


@pytest.mark.parametrize(
    ("start", "action", "target"),
    [
        (L.ACTIVE, services.label_suspend, L.SUSPENDED),
        (L.SUSPENDED, services.label_reinstate, L.ACTIVE),
        (L.ACTIVE, services.label_revoke, L.REVOKED),
        (L.SUSPENDED, services.label_revoke, L.REVOKED),
    ],
    ids=["suspend", "reinstate", "revoke-active", "revoke-suspended"],
)
def test_label_action_by_the_secretariat_records_who_and_why(
    organisation, secretariat, start, action, target
):
    label = factories.LabelFactory(organisation=organisation, state=start)

    change = action(label=label, actor=secretariat, reason="Complaint upheld by the board.")

    label.refresh_from_db()
    assert label.state == target
    assert (change.source, change.target, change.actor) == (start, target, secretariat)
    assert change.reason == "Complaint upheld by the board."


@pytest.mark.parametrize(
    "action",
    [services.label_suspend, services.label_revoke],
    ids=["suspend", "revoke"],
)
def test_label_action_without_a_reason_is_invalid(label, secretariat, action):
    with pytest.raises(InvalidInput, match="reason"):
        action(label=label, actor=secretariat, reason=" ")

    label.refresh_from_db()
    assert label.state == L.ACTIVE
    assert not label.history.exists()


@pytest.mark.parametrize("actor", ["manager", "lead_expert", "outsider"])
def test_label_revoke_by_anyone_but_the_secretariat_is_denied(label, request, actor):
    with pytest.raises(ActionForbidden):
        services.label_revoke(label=label, actor=request.getfixturevalue(actor), reason="No.")

    label.refresh_from_db()
    assert label.state == L.ACTIVE


def test_label_reinstate_of_a_revoked_label_is_refused(organisation, secretariat):
    label = factories.LabelFactory(organisation=organisation, state=L.REVOKED)

    with pytest.raises(TransitionRefused, match="Revoked"):
        services.label_reinstate(label=label, actor=secretariat, reason="Changed our mind.")


def test_label_revoke_emails_the_managers(
    label, manager, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.label_revoke(label=label, actor=secretariat, reason="Misuse of the logo.")

    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "Label revoked" in mail.outbox[0].subject
    assert "Misuse of the logo." in mail.outbox[0].body


def test_labels_expire_past_their_validity_and_not_before(organisation, secretariat):
    label = factories.LabelFactory(organisation=organisation)

    assert services.labels_expire() == []
    with time_machine.travel(label.valid_until + datetime.timedelta(days=1)):
        assert services.labels_expire() == [label.pk]

    label.refresh_from_db()
    assert label.state == L.EXPIRED
    expiry = label.history.get(transition="expire")
    assert (expiry.actor, expiry.actor_label) == (None, "system: expiry task")


def test_expiry_shows_the_expiry_task_in_the_readers_language(organisation):
    label = factories.LabelFactory(organisation=organisation)
    with time_machine.travel(label.valid_until + datetime.timedelta(days=1)):
        services.labels_expire()
    expiry = label.history.get(transition="expire")

    with translation.override("de"):
        shown = expiry.actor_display

    assert shown == "System: Ablaufprüfung"
    assert expiry.actor_label == "system: expiry task"


def test_labels_expire_leaves_revoked_labels_alone(organisation):
    label = factories.LabelFactory(organisation=organisation, state=L.REVOKED)

    with time_machine.travel(label.valid_until + datetime.timedelta(days=1)):
        assert services.labels_expire() == []


@pytest.mark.parametrize(
    ("days_before", "subject"),
    [(90, "expires in 90 days"), (30, "expires in 30 days")],
    ids=["90-days", "30-days"],
)
def test_expiry_reminder_goes_out_once(label, manager, days_before, subject):
    moment = label.valid_until - datetime.timedelta(days=days_before)

    with time_machine.travel(moment):
        assert services.labels_send_reminders() == 1
        assert services.labels_send_reminders() == 0

    assert len(mail.outbox) == 1
    assert subject in mail.outbox[0].subject
    assert mail.outbox[0].to == [manager.email]


def test_expiry_reminders_at_90_then_30_days_are_two_mails(label, manager):
    for days_before in (90, 60, 30, 10):
        with time_machine.travel(label.valid_until - datetime.timedelta(days=days_before)):
            services.labels_send_reminders()

    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("renewal_state", "reminded"),
    [("draft", 0), ("in_assessment", 0), ("withdrawn", 1), ("closed", 1)],
)
def test_no_expiry_reminder_while_a_renewal_is_under_way(label, manager, renewal_state, reminded):
    factories.ApplicationFactory(
        organisation=label.organisation, created_by=manager, renews=label, state=renewal_state
    )

    with time_machine.travel(label.valid_until - datetime.timedelta(days=30)):
        assert services.labels_send_reminders() == reminded


def test_no_reminder_for_a_suspended_label(organisation, manager):
    label = factories.LabelFactory(organisation=organisation, state=L.SUSPENDED)

    with time_machine.travel(label.valid_until - datetime.timedelta(days=30)):
        assert services.labels_send_reminders() == 0


def test_the_label_action_page_confirms_in_the_reader_s_language(client, label, secretariat):
    secretariat.language = "de"
    secretariat.save(update_fields=["language"])
    client.force_login(secretariat)

    response = client.post(
        reverse("label_action", args=[label.pk, "suspend"]), {"reason": "Prüfung"}, follow=True
    )

    assert "Label ausgesetzt." in [str(message) for message in response.context["messages"]]
