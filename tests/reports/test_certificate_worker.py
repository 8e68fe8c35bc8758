"""Issuing through a real Celery worker on Redis: a double click, a duplicate message and a worker
killed in the middle of rendering each end with exactly one certificate and one number."""

import hashlib
import time

import pytest
from django.db import connection

from labelling import services
from labelling.exceptions import TransitionRefused
from labelling.models import Application, ApplicationState, Level
from reports import services as report_services
from reports.demo import walk_application
from reports.models import Certificate, CertificateState, Credential, Label
from tests import factories
from tests.concurrency import race

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decided(organisation, manager, crew):
    """A BRONZE application decided through the services, made before any worker starts: the
    transactional database starts first, and a worker writing notifications at the same time
    would fight over SQLite's single write lock."""
    factories.small_methodology()
    application = services.application_create(
        organisation=organisation, level=Level.BRONZE, actor=manager
    )
    return walk_application(application, to=ApplicationState.DECIDED, crew=crew(Level.BRONZE))


def _wait_for(certificate_id: int, states: set[str], worker, timeout: float = 90) -> Certificate:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        certificate = Certificate.objects.get(pk=certificate_id)
        if certificate.state in states:
            return certificate
        time.sleep(0.2)
    raise TimeoutError(
        f"Certificate still {certificate.state} after {timeout}s. Worker log:\n{worker.log()}"
    )


def _assert_one_intact_certificate(application: Application) -> Certificate:
    assert Label.objects.filter(application=application).count() == 1
    certificate = Certificate.objects.get(label__application=application)
    assert certificate.state == CertificateState.DONE
    content = certificate.pdf.read()
    assert hashlib.sha256(content).hexdigest() == certificate.pdf_sha256
    assert content.startswith(b"%PDF")
    # The worker signs the label's verifiable credential once, with the documents.
    assert Credential.objects.filter(certificate=certificate).count() == 1
    return certificate


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locking semantics are PostgreSQL's"
)
def test_issuing_twice_at_once_gives_one_certificate(
    decided, start_celery_worker, secretariat, second_secretariat
):
    worker = start_celery_worker()
    outcomes = race(
        lambda: Application.objects.get(pk=decided.pk),
        [
            lambda app: report_services.label_issue(application=app, actor=secretariat),
            lambda app: report_services.label_issue(application=app, actor=second_secretariat),
        ],
    )

    issued = [o for o in outcomes if isinstance(o, Certificate)]
    refused = [o for o in outcomes if isinstance(o, TransitionRefused)]
    assert (len(issued), len(refused)) == (1, 1), outcomes
    _wait_for(issued[0].pk, {CertificateState.DONE}, worker)
    certificate = _assert_one_intact_certificate(decided)
    assert certificate.number == issued[0].number
    assert Certificate.objects.count() == 1


def test_a_duplicate_rendering_message_changes_nothing(decided, start_celery_worker, secretariat):
    from reports.tasks import render_certificate

    worker = start_celery_worker()
    certificate = report_services.label_issue(application=decided, actor=secretariat)
    render_certificate.delay(certificate_id=certificate.pk)  # a redelivered copy
    done = _wait_for(certificate.pk, {CertificateState.DONE}, worker)
    render_certificate.delay(certificate_id=certificate.pk)  # and one after it finished
    time.sleep(2)

    again = _assert_one_intact_certificate(decided)
    assert (again.pdf.name, again.pdf_sha256) == (done.pdf.name, done.pdf_sha256)


def test_worker_killed_while_rendering_ends_with_one_certificate_after_restart(
    decided, start_celery_worker, secretariat, settings
):
    from reports.tasks import requeue_stalled_certificates

    # Its rendering pauses 6 s, its lease is 3 s: it is killed in the middle of rendering.
    slow_worker = start_celery_worker(
        app="tests.slow_worker_app",
        env_overrides={"SLOW_RENDER_SECONDS": "6", "CERTIFICATE_RENDER_LEASE_SECONDS": "3"},
    )
    settings.CERTIFICATE_RENDER_LEASE_SECONDS = 3
    certificate = report_services.label_issue(application=decided, actor=secretariat)
    _wait_for(certificate.pk, {CertificateState.RENDERING}, slow_worker)

    slow_worker.kill()
    slow_worker.env_overrides["SLOW_RENDER_SECONDS"] = "0"
    slow_worker.start()
    time.sleep(3.5)  # the dead worker's lease runs out
    requeue_stalled_certificates.delay()  # what the beat does every few minutes

    done = _wait_for(certificate.pk, {CertificateState.DONE}, slow_worker)
    assert done.attempts >= 2
    assert done.number == certificate.number
    _assert_one_intact_certificate(decided)
    assert Certificate.objects.count() == 1
