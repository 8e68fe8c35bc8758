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
