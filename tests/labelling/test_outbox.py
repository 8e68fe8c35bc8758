"""The outbox: every follow-up is written with its change, sent after the commit, never lost."""

from __future__ import annotations

import time
from datetime import timedelta
from smtplib import SMTPException

import pytest
from celery import current_app
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from labelling import dispatch, services
from labelling.models import Effect, EffectState, Notification
from tests import factories
from tests.worker import point_producer_at

NOTIFY = "labelling.send_transition_notifications"


class Rollback(Exception):
    pass


class RefusingBackend(EmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, messages):
        raise SMTPException("554 Transaction failed")


@pytest.mark.django_db
def test_a_transition_writes_its_notification_as_an_effect_with_the_change(
    django_capture_on_commit_callbacks, monkeypatch
):
    published = []
    monkeypatch.setattr(dispatch, "_publish", lambda effect, countdown=0: published.append(effect))
    application, manager = factories.managed_draft("Outbox Cluster")

    with django_capture_on_commit_callbacks() as callbacks:
        change = services.application_submit(application=application, actor=manager)

    effect = Effect.objects.get(key=f"notify:{change.pk}")
    assert (effect.task, effect.kwargs) == (NOTIFY, {"state_change_id": change.pk})
    assert not published  # handed to the broker only once the change is committed
    for callback in callbacks:
        callback()
    assert [e.pk for e in published] == [effect.pk]


@pytest.mark.django_db
def test_a_follow_up_due_now_is_recorded_as_sent_in_its_transaction(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():
        effect = dispatch.enqueue(NOTIFY, key="notify:now", state_change_id=1)

    stored = Effect.objects.get(pk=effect.pk)
    # No second transaction after the commit; the sweep treats it as a message in flight.
    assert (stored.state, stored.dispatches) == (EffectState.DISPATCHED, 1)
    assert stored.dispatched_at is not None


@pytest.mark.django_db
def test_a_follow_up_for_later_waits_pending(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        effect = dispatch.enqueue(NOTIFY, key="notify:later", countdown=60, state_change_id=1)

    assert Effect.objects.get(pk=effect.pk).state == EffectState.PENDING


@pytest.mark.django_db
def test_a_refused_publication_puts_the_effect_back_to_pending_for_the_sweep(
    django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(current_app.tasks[NOTIFY], "apply_async", refuse)

    current_app.conf.task_always_eager = False  # a broker, as deployed
    try:
        with django_capture_on_commit_callbacks(execute=True):
            effect = dispatch.enqueue(NOTIFY, key="notify:refused", state_change_id=1)
    finally:
        current_app.conf.task_always_eager = True

    stored = Effect.objects.get(pk=effect.pk)
    assert stored.state == EffectState.PENDING
    assert "broker unreachable" in stored.last_error


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_effect():
    application, manager = factories.managed_draft("Rolled Back Cluster")

    def submit_then_fail():
        with transaction.atomic():
            services.application_submit(application=application, actor=manager)
            raise Rollback

    with pytest.raises(Rollback):
        submit_then_fail()

    assert not Effect.objects.exists()


@pytest.mark.django_db
def test_one_cause_queues_one_effect_however_often_it_is_asked(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = dispatch.enqueue(NOTIFY, key="notify:once", state_change_id=1)
        second = dispatch.enqueue(NOTIFY, key="notify:once", state_change_id=1)

    assert first.pk == second.pk
    assert Effect.objects.count() == 1
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_after_the_commit_the_effect_runs_and_is_marked_done(django_capture_on_commit_callbacks):
    factories.SecretariatFactory(email="desk@example.org")
    application, manager = factories.managed_draft("Done Cluster")

    with django_capture_on_commit_callbacks(execute=True):
        change = services.application_submit(application=application, actor=manager)

    effect = Effect.objects.get(key=f"notify:{change.pk}")
    assert effect.state == EffectState.DONE
    assert (effect.dispatches, effect.last_error) == (1, "")
    assert [m.to for m in mail.outbox] == [["desk@example.org"]]


@pytest.mark.django_db
def test_the_same_effect_run_twice_sends_one_email(django_capture_on_commit_callbacks):
    factories.SecretariatFactory(email="desk@example.org")
    application, manager = factories.managed_draft("Twice Cluster")
    with django_capture_on_commit_callbacks(execute=True):
        change = services.application_submit(application=application, actor=manager)

    # A redelivered message, or the sweep sending it again.
    current_app.tasks[NOTIFY].apply(kwargs={"state_change_id": change.pk})

    assert len(mail.outbox) == 1
    assert Notification.objects.filter(state_change=change).count() == 1


@pytest.mark.django_db
def test_a_mail_server_that_keeps_refusing_leaves_the_effect_failed_for_the_secretariat(
    settings, django_capture_on_commit_callbacks, client
):
    settings.EMAIL_BACKEND = "tests.labelling.test_outbox.RefusingBackend"
    secretariat = factories.SecretariatFactory(email="desk@example.org")
    application, manager = factories.managed_draft("Refused Cluster")
    with django_capture_on_commit_callbacks():
        change = services.application_submit(application=application, actor=manager)
    effect = Effect.objects.get(key=f"notify:{change.pk}")

    # What a worker does on the last of MAIL_RETRY's attempts.
    effect.dispatch()
    effect.save()
    current_app.tasks[NOTIFY].apply(
        kwargs=effect.kwargs,
        task_id=str(effect.pk),
        retries=dispatch.MAIL_RETRY["max_retries"],
        throw=False,
    )

    effect = Effect.objects.get(pk=effect.pk)  # a protected state field is not refreshed
    assert effect.state == EffectState.FAILED
    assert effect.last_error == "SMTPException: 554 Transaction failed"
    client.force_login(secretariat)
    page = client.get(reverse("effect_list")).content.decode()
    assert "E-mails about a state change" in page
    assert "554 Transaction failed" in page
    assert "1 follow-up needs attention" in client.get(reverse("dashboard")).content.decode()


@pytest.mark.django_db
def test_the_secretariat_sends_a_failed_effect_again_once_the_mail_server_is_back(client):
    secretariat = factories.SecretariatFactory(email="desk@example.org")
    application, manager = factories.managed_draft("Retried Cluster")
    change = services.application_submit(application=application, actor=manager)
    effect = Effect.objects.get(key=f"notify:{change.pk}")
    effect.dispatch()
    effect.fail("SMTPException: 554 Transaction failed")
    effect.save()

    client.force_login(secretariat)
    response = client.post(reverse("effect_retry", args=[effect.pk]))

    assert response.status_code == 302
    assert Effect.objects.get(pk=effect.pk).state == EffectState.DONE
    assert [m.to for m in mail.outbox] == [["desk@example.org"]]


@pytest.mark.django_db
def test_only_the_secretariat_sees_and_retries_follow_ups(client):
    application, manager = factories.managed_draft("Private Cluster")
    change = services.application_submit(application=application, actor=manager)
    effect = Effect.objects.get(key=f"notify:{change.pk}")
    client.force_login(manager)

    assert client.get(reverse("effect_list")).status_code == 403
    assert client.post(reverse("effect_retry", args=[effect.pk])).status_code == 403


@pytest.mark.django_db
def test_the_sweep_leaves_a_fresh_effect_to_its_after_commit_sender(monkeypatch):
    sent = []
    monkeypatch.setattr(dispatch, "send", lambda pk, countdown=0: sent.append(pk) or True)
    fresh = dispatch.enqueue(NOTIFY, key="notify:fresh", countdown=0.001, state_change_id=1)
    due = dispatch.enqueue(NOTIFY, key="notify:due", countdown=0.001, state_change_id=2)
    Effect.objects.filter(pk=due.pk).update(available_at=timezone.now() - timedelta(minutes=1))

    assert dispatch.sweep() == 1
    assert sent == [due.pk]
    assert fresh.pk not in sent


@pytest.mark.django_db
def test_a_name_with_line_breaks_cannot_add_a_mail_header(django_capture_on_commit_callbacks):
    factories.SecretariatFactory(email="desk@example.org")
    application, manager = factories.managed_draft("Evil\r\nBcc: attacker@example.org\rCluster")

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, actor=manager)

    (message,) = mail.outbox
    assert message.to == ["desk@example.org"]
    assert not message.bcc
    assert "\r" not in message.subject
    assert "\n" not in message.subject
    assert "Evil Bcc: attacker@example.org Cluster" in message.subject
    assert "Bcc" not in str(message.message()).split("\n\n")[0].replace(message.subject, "")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_broker_down_during_a_transition_the_request_succeeds_and_the_mail_goes_out_once_later(
    celery_worker_process, client
):
    factories.SecretariatFactory(email="desk@example.org")
    application, manager = factories.managed_draft("Broker Down Cluster")
    client.force_login(manager)
    point_producer_at("redis://127.0.0.1:1/0")  # nothing listens there

    started = time.monotonic()
    response = client.post(reverse("application_action", args=[application.pk, "submit"]))
    answered_in = time.monotonic() - started

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "submitted"
    (effect,) = Effect.objects.filter(task=NOTIFY)
    assert effect.state == EffectState.PENDING
    assert effect.last_error  # why it could not be sent
    assert answered_in < 10

    # The broker is back; beat's sweep finds the effect once its grace has passed.
    point_producer_at(celery_worker_process.broker_url)
    Effect.objects.filter(pk=effect.pk).update(available_at=timezone.now() - timedelta(minutes=1))
    assert dispatch.sweep() == 1
    mails = celery_worker_process.wait_for_mail(lambda m: "Broker Down Cluster" in m)
    deadline = time.monotonic() + 30
    while Effect.objects.get(pk=effect.pk).state != EffectState.DONE:
        assert time.monotonic() < deadline, "the worker never finished the effect"
        time.sleep(0.2)

    assert len(mails) == 1
    assert Effect.objects.get(pk=effect.pk).dispatches == 2
    print(f"broker down: answered {response.status_code} in {answered_in:.2f} s; one e-mail after")
