"""Fixtures shared by the whole suite: one per role, plus an outsider, and the demo seed."""

import json
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.test.utils import override_settings
from django.utils import translation

from assessments.models.methodology import PUBLISHED_SPECS
from config.celery import app as celery_app
from labelling.models import Membership
from tests import factories


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing passwords properly is slow on purpose; tests need no such protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_methodology_spec_from_another_test():
    """A rolled-back test may leave a published version's spec behind under an id the next
    test's database gives to another version."""
    PUBLISHED_SPECS.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """The API's throttles count requests in the cache: no test inherits another's count."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request leaves its reader's language active in the thread (LocaleMiddleware does not
    reset it): without this, a service called after a German page would answer in German."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in-process unless a test starts a real worker (see tests/worker.py)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def no_rendering(monkeypatch):
    """Issued certificates stay queued: for tests about anything but the documents, which
    would otherwise spend a second or so rendering each PDF."""
    monkeypatch.setattr("reports.services._queue_rendering", lambda *args, **kwargs: None)


@pytest.fixture
def organisation(db):
    return factories.OrganisationFactory()


@pytest.fixture
def manager(organisation):
    user = factories.ManagerFactory(email="manager@example.org")
    Membership.objects.create(user=user, organisation=organisation)
    return user


@pytest.fixture
def other_manager(db):
    """A cluster manager of another organisation."""
    user = factories.ManagerFactory(email="other-manager@example.org")
    Membership.objects.create(user=user, organisation=factories.OrganisationFactory())
    return user


@pytest.fixture
def secretariat(db):
    return factories.SecretariatFactory(email="secretariat@example.org")


@pytest.fixture
def second_secretariat(db):
    return factories.SecretariatFactory(email="secretariat2@example.org")


@pytest.fixture
def lead_expert(db):
    return factories.ExpertFactory(email="lead@example.org", country="DE")


@pytest.fixture
def second_expert(db):
    return factories.ExpertFactory(email="second@example.org", country="AT")


@pytest.fixture
def outsider(db):
    """Logged in, but with no role in anything."""
    return factories.UserFactory(email="outsider@example.org")


@pytest.fixture
def application(organisation, manager):
    return factories.ApplicationFactory(organisation=organisation, created_by=manager)


@pytest.fixture
def crew(manager, secretariat, second_secretariat, lead_expert, second_expert):
    """Who moves an application of a level through the services (see reports.demo)."""
    from labelling.models import Level
    from reports.demo import Crew

    def build(level: str) -> Crew:
        experts = (lead_expert, second_expert) if level == Level.GOLD else (lead_expert,)
        return Crew(manager, secretariat, second_secretariat, experts)

    return build


@pytest.fixture
def start_celery_worker(transactional_db, tmp_path):
    """Starts real Celery workers on the real Redis, consuming this test's tasks; stops them
    after the test. Options go to ``tests.worker.CeleryWorker`` (e.g. another app module).

    Fails (rather than skips) under CI when Redis is not there: the queue must be proven.
    """
    import os

    import redis

    from tests.worker import (
        CeleryWorker,
        point_producer_at,
        redis_is_up,
        redis_url_for_this_process,
    )

    started = []

    def start(**options):
        broker_url = redis_url_for_this_process()
        if not redis_is_up(broker_url):
            if os.environ.get("CI"):
                pytest.fail(f"Redis is not reachable at {broker_url}")
            pytest.skip(f"Redis is not reachable at {broker_url}")
        redis.Redis.from_url(broker_url).flushdb()
        n = len(started)
        worker = CeleryWorker(
            broker_url=broker_url,
            mail_dir=tmp_path / "mail",
            log_path=tmp_path / f"worker-{n}.log",
            **options,
        )
        worker.start()
        point_producer_at(broker_url)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    celery_app.conf.task_always_eager = True


@pytest.fixture
def celery_worker_process(start_celery_worker):
    """A real Celery worker on the real Redis, consuming this test's tasks."""
    return start_celery_worker()


@pytest.fixture(scope="module")
def demo_seed(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The demo seed (``seed_demo``'s output), made once per test module and process and rolled
    back after the module: its tests read it, each in a savepoint of its own that is rolled back
    after it, instead of seeding again (seconds each time). What would follow its commit runs
    (notifications delivered, status lists published), but for the PDFs: issued certificates
    stay queued, as with ``no_rendering``."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("reports.services._queue_rendering", lambda *args, **kwargs: None)
        # In-process, as every test's tasks (_tasks_in_process, which has not begun yet).
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        module = transaction.atomic()
        module.__enter__()
        try:
            out = StringIO()
            try:
                with TestCase.captureOnCommitCallbacks(execute=True):
                    call_command("seed_demo", stdout=out)
            finally:
                patch.undo()
                celery_app.conf.task_always_eager = eager
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            module.__exit__(None, None, None)


#: The browser journeys' axe-core totals, one file per test process (tests/browser/conftest.py).
AXE_REPORTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "axe"
#: When this process read this file: reports older than that are an earlier run's.
LOADED = time.time()


# Here rather than beside the journeys: under xdist the controlling process collects no test, so
# it reads only this conftest, and only it writes the run's summary.
def pytest_terminal_summary(terminalreporter) -> None:
    pages, rules = 0, set()
    for report in AXE_REPORTS.glob("*.json"):
        if report.stat().st_mtime < LOADED:
            report.unlink()
            continue
        totals = json.loads(report.read_text())
        pages += totals["pages"]
        rules |= set(totals["rules"])
    if pages:
        terminalreporter.write_line(
            f"axe-core: {pages} page loads of the journeys checked, {len(rules)} rules applied "
            f"(none may fail with a serious or critical impact)"
        )
