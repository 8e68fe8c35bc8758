"""The outbox: every follow-up of a state change (an e-mail, a rendering) as a row.

The row is written in the same transaction as the change that causes it, so a committed change
always has its follow-ups on record, whatever the broker's state; ``labelling.dispatch`` sends
it to the workers after the commit and sweeps what could not be sent.
"""

from __future__ import annotations

import uuid

from celery import current_app
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition


class EffectState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DISPATCHED = "dispatched", _("Sent to the workers")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


E = EffectState


class Effect(models.Model):
    """A task to run because of a committed change: ``task`` (a Celery task's name) with
    ``kwargs``. Its id is the Celery task id, so the task's end finds its row; ``key`` is
    unique, so one cause queues one effect however often it is asked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(_("key"), max_length=200, unique=True)
    task = models.CharField(_("task"), max_length=100)
    kwargs = models.JSONField(_("arguments"), default=dict)
    state = FSMField(_("state"), default=E.PENDING, choices=E.choices, protected=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    available_at = models.DateTimeField(_("not before"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    dispatches = models.PositiveIntegerField(_("times sent"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "available_at"], name="effect_due")]

    def __str__(self) -> str:
        return f"{self.task} ({self.get_state_display()})"

    @property
    def description(self) -> str:
        """What the follow-up does, in words: its task's ``label`` (given where the task is
        declared, ``@shared_task(label=...)``), else the task's name."""
        return str(getattr(self._task, "label", None) or self.task)

    @property
    def _task(self):
        """The Celery task this follow-up runs (``None`` if no worker code declares it)."""
        return current_app.tasks.get(self.task)

    @transition(field=state, source=[E.PENDING, E.DISPATCHED], target=E.DISPATCHED)
    def dispatch(self) -> None:
        self.dispatched_at = timezone.now()
        self.dispatches += 1

    @transition(field=state, source=E.DISPATCHED, target=E.PENDING)
    def dispatch_failed(self, error: str) -> None:
        """The broker refused or was unreachable: the sweep sends it again."""
        self.last_error = error

    @transition(field=state, source=[E.PENDING, E.DISPATCHED], target=E.DONE)
    def complete(self) -> None:
        self.finished_at = timezone.now()
        self.last_error = ""
        if getattr(self._task, "forget_arguments", False):
            # A delivered message's secret (a password reset link) is kept nowhere after it.
            self.kwargs = {}

    @transition(field=state, source=[E.PENDING, E.DISPATCHED], target=E.FAILED)
    def fail(self, error: str) -> None:
        """The task gave up after its last retry: shown to the secretariat to retry."""
        self.finished_at = timezone.now()
        self.last_error = error

    @transition(field=state, source=E.FAILED, target=E.PENDING)
    def retry(self) -> None:
        self.finished_at = None
        self.available_at = timezone.now()
