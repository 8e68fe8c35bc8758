"""Task plumbing every app shares: the outbox of follow-ups, and the retry policy of mail tasks.

A service that causes a follow-up (an e-mail, a rendering) calls ``enqueue`` inside its
transaction: that writes an ``Effect`` row, so the follow-up is on record exactly when the
change is. After the commit the row is sent to the workers by its task's registered name; if
the broker is down the person still sees their change succeed, the row stays pending and
``sweep`` (Celery beat, every 30 seconds) sends it when the broker is back. The task's end marks
the row done, or failed after its last retry, which the secretariat sees and can retry.

Services never import a ``tasks`` module: tasks call services, never the other way round, and
each app's ``AppConfig.ready()`` imports its own tasks, which registers the names. Every task
run through here must be safe to run twice (a unique key per effect; the handlers check what
is already done), since a redelivery or a sweep may send it again.
"""

from __future__ import annotations

import datetime
import logging
from smtplib import SMTPException
from typing import Any

from celery import current_app
from celery.signals import task_failure, task_success
from django.conf import settings
from django.db import connections, router, transaction
from django.db.models.constants import OnConflict
from django.db.models.sql.subqueries import InsertQuery
from django.utils import timezone

from labelling.models import Effect, EffectState

logger = logging.getLogger(__name__)

#: Sending mail: a mail server that is down or refuses is retried with growing pauses.
MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}

#: Publishing to the broker: one quick second try, then the sweep's turn; a person waiting for
#: their page must not wait for a broker that is down.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

#: A pending effect is the after-commit sender's for this long before the sweep sends it.
SWEEP_GRACE = datetime.timedelta(seconds=10)


def enqueue(task_name: str, *, key: str = "", countdown: float = 0, **kwargs: Any) -> Effect:
    """Record the follow-up ``task_name(**kwargs)`` in the current transaction and send it to
    the workers after the commit (not before ``countdown`` seconds). ``key`` names the cause
    (e.g. ``"notify:42"``): asked again with the same key, nothing new is queued.

    A follow-up due now is written already marked sent, so that the commit is followed by the
    publishing alone, with no second transaction in the person's request; if the broker refuses
    it goes back to pending for the sweep, and if the process dies between the commit and the
    broker the sweep sends it again after ``EFFECT_REDELIVERY_SECONDS``, as a lost message."""
    effect = Effect(
        task=task_name,
        kwargs=kwargs,
        available_at=timezone.now() + datetime.timedelta(seconds=countdown),
    )
    effect.key = key or f"{task_name}:{effect.pk}"
    due_now = countdown <= 0
    if due_now:
        effect.dispatch()
    if not _insert_unless_key_taken(effect):
        return Effect.objects.get(key=effect.key)
    if due_now:
        transaction.on_commit(lambda: _publish(effect), robust=True)
    else:
        transaction.on_commit(lambda: send(effect.pk, countdown=countdown), robust=True)
    return effect


def _insert_unless_key_taken(effect: Effect) -> bool:
    """Insert ``effect`` unless an effect with its key exists: one statement (``ON CONFLICT DO
    NOTHING ... RETURNING``, which PostgreSQL and SQLite both know) where ``get_or_create``
    makes four (a read, a savepoint, the insert, its release). Whether it was inserted."""
    query = InsertQuery(Effect, on_conflict=OnConflict.IGNORE)
    query.insert_values(Effect._meta.concrete_fields, [effect])
    connection = connections[router.db_for_write(Effect)]
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [Effect._meta.pk]
    ((statement, params),) = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        inserted = cursor.fetchone() is not None
    if inserted:
        effect._state.adding = False
        effect._state.db = connection.alias
    return inserted


def send(effect_id: Any, countdown: float = 0) -> bool:
    """Publish a pending effect to the broker; ``False`` when it is not pending or the broker
    refused (it stays pending for the sweep)."""
    with transaction.atomic():
        effect = Effect.objects.select_for_update().filter(pk=effect_id).first()
        if effect is None or effect.state not in (EffectState.PENDING, EffectState.DISPATCHED):
            return False
        effect.dispatch()
        effect.save(update_fields=["state", "dispatched_at", "dispatches"])
    return _publish(effect, countdown)


def _publish(effect: Effect, countdown: float = 0) -> bool:
    """Hand ``effect``, marked sent, to the broker; if it refuses, mark it pending again."""
    try:
        current_app.tasks[effect.task].apply_async(
            kwargs=effect.kwargs,
            task_id=str(effect.pk),
            countdown=countdown,
            retry=True,
            retry_policy=PUBLISH_RETRY,
        )
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if current_app.conf.task_always_eager:
            # Run in-process (no broker): the task itself failed, and retrying in-process would
            # only fail again now; it is the secretariat's to retry, and the caller's to see.
            _finish(effect.pk, lambda e: e.fail(error))
            raise
        # The broker is down: the row waits for the sweep.
        logger.warning("Could not send %s (%s): %s", effect.task, effect.pk, exc)
        _finish(effect.pk, lambda e: e.dispatch_failed(error))
        return False
    return True


def sweep() -> int:
    """Send every effect that is due and pending (the broker was down at its commit), and
    again every effect sent so long ago that its message must have been lost. Returns how
    many were sent."""
    now = timezone.now()
    lost_after = datetime.timedelta(seconds=settings.EFFECT_REDELIVERY_SECONDS)
    due = Effect.objects.filter(
        state=EffectState.PENDING, available_at__lte=now - SWEEP_GRACE
    ) | Effect.objects.filter(state=EffectState.DISPATCHED, dispatched_at__lt=now - lost_after)
    return sum(send(effect_id) for effect_id in due.values_list("pk", flat=True)[:500])


def retry(effect: Effect) -> bool:
    """Send a failed effect again (the secretariat's "retry")."""
    _finish(effect.pk, lambda e: e.retry(), source=EffectState.FAILED)
    return send(effect.pk)


def _finish(effect_id: Any, change, source: str | None = None) -> None:
    with transaction.atomic():
        effect = Effect.objects.select_for_update().filter(pk=effect_id).first()
        if effect is None or (source and effect.state != source):
            return
        try:
            change(effect)
        except Exception:  # django-fsm refuses: already finished by another process
            return
        effect.save()


@task_success.connect
def _on_task_success(sender=None, **kwargs: Any) -> None:
    task_id = getattr(getattr(sender, "request", None), "id", None)
    if task_id:
        _finish_by_task_id(task_id, lambda e: e.complete())


@task_failure.connect
def _on_task_failure(task_id: str | None = None, exception: BaseException | None = None, **_):
    if task_id:
        error = f"{type(exception).__name__}: {exception}"[:1000]
        _finish_by_task_id(task_id, lambda e: e.fail(error))


def _finish_by_task_id(task_id: str, change) -> None:
    # Tasks that did not come from the outbox (beat's) have ids that are no effect's.
    try:
        Effect._meta.pk.to_python(task_id)
    except Exception:
        return
    _finish(task_id, change)
