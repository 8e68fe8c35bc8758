"""Assertions about what a service wrote, shared by the workflow tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.test import TestCase

from assessments.models import Assignment
from labelling.models import Application, Notification, StateChange, User


def _snapshot(application: Application) -> tuple[object, ...]:
    return (
        Application.objects.filter(pk=application.pk).values().get(),
        list(Assignment.objects.filter(application=application).order_by("pk").values()),
        StateChange.objects.count(),
        Notification.objects.count(),
    )


@contextlib.contextmanager
def nothing_written(application: Application) -> Iterator[None]:
    """The block leaves the application, its assignments and the record untouched.

    Also checks that no work was queued for after the commit (the same capture that
    pytest-django's ``django_capture_on_commit_callbacks`` fixture hands out).
    """
    before = _snapshot(application)
    with TestCase.captureOnCommitCallbacks() as callbacks:
        yield
    assert _snapshot(application) == before
    assert callbacks == []


def assert_recorded(
    application: Application,
    *,
    transition: str,
    source: str,
    target: str,
    actor: User,
    reason: str = "",
) -> None:
    """The application is now in ``target`` and its history is exactly this one change."""
    application.refresh_from_db()
    assert application.state == target
    changes = list(application.history.all())
    assert len(changes) == 1, changes
    change = changes[0]
    assert (
        change.transition,
        change.source,
        change.target,
        change.actor,
        change.actor_label,
        change.reason,
    ) == (transition, source, target, actor, actor.email, reason)
