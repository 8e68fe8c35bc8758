"""Fixtures shared by the whole suite: one per role, plus an outsider."""

import pytest

from config.celery import app as celery_app
from labelling.models import Membership
from tests import factories


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing passwords properly is slow on purpose; tests need no such protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in-process unless a test starts a real worker (see tests/worker.py)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


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
def celery_worker_process(transactional_db, tmp_path):
    """A real Celery worker on the real Redis, consuming this test's tasks.

    Fails (rather than skips) under CI when Redis is not there: the queue must be proven.
    """
    import os

    from tests.worker import (
        CeleryWorker,
        point_producer_at,
        redis_is_up,
        redis_url_for_this_process,
    )

    broker_url = redis_url_for_this_process()
    if not redis_is_up(broker_url):
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {broker_url}")
        pytest.skip(f"Redis is not reachable at {broker_url}")
    import redis

    redis.Redis.from_url(broker_url).flushdb()
    worker = CeleryWorker(
        broker_url=broker_url, mail_dir=tmp_path / "mail", log_path=tmp_path / "worker.log"
    )
    worker.start()
    point_producer_at(broker_url)
    yield worker
    worker.stop()
    celery_app.conf.task_always_eager = True
