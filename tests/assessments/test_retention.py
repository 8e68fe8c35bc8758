"""Retention: the evidence files of an application closed longer ago than
``EVIDENCE_RETENTION_DAYS`` are removed by a daily task; the evidence rows stay, marked, the
audit trail lists what was removed, and a second run does nothing."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from assessments.services.retention import PURGE, evidence_purge_expired
from assessments.tasks import purge_expired_evidence
from labelling.models import Application, StateChange
from labelling.models import ApplicationState as S
from tests import factories

pytestmark = pytest.mark.django_db

RETENTION_DAYS = 100


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.EVIDENCE_RETENTION_DAYS = RETENTION_DAYS


def _application(state: str, last_change_days_ago: int, **extra) -> Application:
    """An application in ``state`` whose last state change was that many days ago, with its
    self-assessment's evidence files stored."""
    application = factories.ApplicationFactory(state=state, **extra)
    StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
        transition="fixture",
        source="",
        target=state,
        actor_label="system: test",
        at=timezone.now() - datetime.timedelta(days=last_change_days_ago),
    )
    return application


def _stored(application: Application) -> list[bool]:
    return [
        evidence.file.storage.exists(evidence.file.name)
        for evidence in application.evidence.order_by("pk")
    ]


@pytest.mark.parametrize(
    "state",
    [S.CERTIFIED, S.CLOSED, S.REJECTED, S.WITHDRAWN],
    ids=["certified", "closed", "rejected", "withdrawn"],
)
def test_purge_removes_the_files_of_an_application_closed_longer_than_the_retention(state):
    application = _application(state, RETENTION_DAYS + 1)
    assert _stored(application) == [True, True]

    evidence_purge_expired()

    assert _stored(application) == [False, False]
    assert all(evidence.purged_at for evidence in application.evidence.all())


@pytest.mark.parametrize(
    "state",
    [S.DRAFT, S.IN_ASSESSMENT, S.DECIDED, S.APPEALED],
    ids=["draft", "in-assessment", "decided", "appealed"],
)
def test_purge_keeps_the_files_of_an_open_application_however_old(state):
    application = _application(state, RETENTION_DAYS * 10)

    evidence_purge_expired()

    assert _stored(application) == [True, True]
    assert not application.evidence.filter(purged_at__isnull=False).exists()


def test_purge_keeps_the_files_of_a_recently_closed_application():
    application = _application(S.CERTIFIED, RETENTION_DAYS - 1)

    evidence_purge_expired()

    assert _stored(application) == [True, True]


def test_purge_counts_from_the_last_state_change(settings):
    application = _application(S.CERTIFIED, RETENTION_DAYS * 3)
    StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
        transition="dismiss_appeal",
        source=S.APPEALED,
        target=S.CERTIFIED,
        actor_label="system: test",
        at=timezone.now() - datetime.timedelta(days=RETENTION_DAYS - 1),
    )

    evidence_purge_expired()

    assert _stored(application) == [True, True]


def test_purge_waits_for_the_appeal_window_whatever_the_retention(settings):
    settings.EVIDENCE_RETENTION_DAYS = 0
    application = _application(S.CERTIFIED, 10)

    evidence_purge_expired()

    assert _stored(application) == [True, True]


def test_purge_records_the_files_it_removed_in_the_audit_trail():
    application = _application(S.CERTIFIED, RETENTION_DAYS + 1)
    files = list(application.evidence.order_by("pk"))

    evidence_purge_expired()

    record = application.history.get(transition=PURGE)
    assert (record.actor, record.actor_label, record.target) == (
        None,
        "system: evidence retention",
        S.CERTIFIED,
    )
    for evidence in files:
        assert f"{evidence.original_name} ({evidence.size} bytes, SHA-256 {evidence.sha256})" in (
            record.reason
        )


def test_purge_keeps_each_evidence_record(settings):
    application = _application(S.CERTIFIED, RETENTION_DAYS + 1)
    before = list(application.evidence.values("pk", "original_name", "size", "sha256"))

    evidence_purge_expired()

    assert list(application.evidence.values("pk", "original_name", "size", "sha256")) == before


def test_second_purge_removes_and_records_nothing():
    application = _application(S.CERTIFIED, RETENTION_DAYS + 1)
    first = evidence_purge_expired()
    purged_at = set(application.evidence.values_list("purged_at", flat=True))

    second = evidence_purge_expired()

    assert (len(first), second) == (2, [])
    assert application.history.filter(transition=PURGE).count() == 1
    assert set(application.evidence.values_list("purged_at", flat=True)) == purged_at


def test_purge_task_runs_daily_and_counts_the_files_removed():
    _application(S.WITHDRAWN, RETENTION_DAYS + 1)

    assert purge_expired_evidence.delay().get() == 2
    assert purge_expired_evidence.delay().get() == 0
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["assessments.purge_expired_evidence"] == 24 * 3600


# --- Pages and the API after the purge ----------------------------------------------------------


@pytest.fixture
def purged(organisation, manager):
    application = _application(
        S.CERTIFIED, RETENTION_DAYS + 1, organisation=organisation, created_by=manager
    )
    evidence_purge_expired()
    return application


def test_purged_file_download_says_it_was_removed(client, manager, purged):
    evidence = purged.evidence.first()
    client.force_login(manager)

    response = client.get(reverse("evidence_download", args=[purged.pk, evidence.pk]))

    assert response.status_code == 410
    assert "removed after the retention period" in response.content.decode()


def test_self_assessment_page_shows_a_purged_file_without_a_link(client, manager, purged):
    evidence = purged.evidence.first()
    client.force_login(manager)

    response = client.get(reverse("self_assessment", args=[purged.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert evidence.original_name in text
    assert "file removed after the retention period" in text
    assert reverse("evidence_download", args=[purged.pk, evidence.pk]) not in text


def test_api_lists_a_purged_file_with_its_date_and_no_address(client, manager, purged):
    client.force_login(manager)

    response = client.get(reverse("api_evidence_list", args=[purged.pk]))

    rows = response.json()["results"]
    assert {row["file_url"] for row in rows} == {None}
    assert all(row["purged_at"] for row in rows)
