"""Task plumbing every app shares: the retry policy of mail tasks, and queueing a task by name.

Services queue their follow-up work through ``queue`` by the task's registered name, so that
no service imports a ``tasks`` module: tasks call services, never the other way round, and no
app imports another app's tasks. Each app's ``AppConfig.ready()`` imports its own tasks module,
which registers the names.
"""

from __future__ import annotations

from smtplib import SMTPException
from typing import Any

from celery import current_app

#: Sending mail: a mail server that is down or refuses is retried with growing pauses.
MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


def queue(task_name: str, *, countdown: float = 0, **kwargs: Any) -> None:
    """Send task ``task_name`` with keyword arguments ``kwargs`` to the workers (or run it in
    the process, when tasks run eagerly)."""
    current_app.tasks[task_name].apply_async(kwargs=kwargs, countdown=countdown)
