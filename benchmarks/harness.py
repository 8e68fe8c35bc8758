"""Timing helpers and a throwaway database for the benchmarks."""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


@contextlib.contextmanager
def throwaway_database() -> Iterator[None]:
    """A fresh test database (SQLite file or PostgreSQL, as DATABASE_URL says), dropped after."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # The benchmarks' secretariat acts through the services, with no log-in to pass a second
    # factor in; what they measure is the work, not the authentication.
    settings.SECRETARIAT_REQUIRES_SECOND_FACTOR = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


@dataclass
class Timing:
    label: str
    per_call: float  # seconds, median of the rounds

    def __str__(self) -> str:
        return f"{self.label}: {self.per_call * 1e6:,.1f} µs per call"


def time_per_call(label: str, run: Callable[[int], None], calls: int, rounds: int = 5) -> Timing:
    """Median over ``rounds`` of the time ``run(calls)`` takes, divided by ``calls``."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        run(calls)
        samples.append((time.perf_counter() - start) / calls)
    return Timing(label, statistics.median(samples))


def report(title: str, subject: Timing, baseline: Timing) -> str:
    ratio = subject.per_call / baseline.per_call
    return (
        f"{title}\n  {subject}\n  {baseline}\n"
        f"  ratio: {ratio:,.1f}x the baseline ({subject.label} / {baseline.label})"
    )
