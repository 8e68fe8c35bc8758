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
    spread: float = 0.0  # (slowest - fastest round) / median

    def __str__(self) -> str:
        return (
            f"{self.label}: {self.per_call * 1e6:,.1f} µs per call "
            f"(median; rounds spread ±{self.spread * 50:.0f} %)"
        )


def _round(run: Callable[[int], None], calls: int) -> float:
    start = time.perf_counter()
    run(calls)
    return (time.perf_counter() - start) / calls


def _timing(label: str, samples: list[float]) -> Timing:
    median = statistics.median(samples)
    return Timing(label, median, (max(samples) - min(samples)) / median if median else 0.0)


def time_per_call(label: str, run: Callable[[int], None], calls: int, rounds: int = 5) -> Timing:
    """Median over ``rounds`` of the time ``run(calls)`` takes, divided by ``calls``."""
    return _timing(label, [_round(run, calls) for _ in range(rounds)])


def interleaved(
    subject: tuple[str, Callable[[int], None]],
    baseline: tuple[str, Callable[[int], None]],
    calls: int,
    rounds: int = 5,
) -> tuple[Timing, Timing]:
    """Subject and baseline in alternating rounds, each round A B B A: whatever slows the
    machine for a while (another process, a frequency change) slows both alike, and neither
    always runs first (a warm cache or a fresh heap favours one position), so their ratio
    holds still. Each makes ``2 * rounds`` samples."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for which in (0, 1, 1, 0):
            samples[which].append(_round((subject, baseline)[which][1], calls))
    return _timing(subject[0], samples[0]), _timing(baseline[0], samples[1])


def report(title: str, subject: Timing, baseline: Timing, *, goal: float | None = None) -> str:
    """The two timings and their ratio; with ``goal``, whether the ratio is within it."""
    ratio = subject.per_call / baseline.per_call
    verdict = ""
    if goal is not None:
        verdict = f"; goal ≤ {goal:g}x: {'PASS' if ratio <= goal else 'FAIL'}"
    return (
        f"{title}\n  {subject}\n  {baseline}\n"
        f"  ratio: {ratio:,.2f}x the baseline ({subject.label} / {baseline.label}){verdict}"
    )


def absolute(label: str, seconds: float, limit: float) -> str:
    """A figure with an absolute goal (a total time), and whether it is met."""
    verdict = "PASS" if seconds <= limit else "FAIL"
    return f"  {label}: {seconds:.3f} s; goal < {limit:g} s: {verdict}"
