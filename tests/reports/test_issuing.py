"""Issuing a label: the certificate number, the rendered and signed documents, idempotency."""

import datetime
import hashlib
import io
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage
from pypdf import PdfReader

from labelling import services
from labelling.exceptions import ActionForbidden, TransitionRefused
from labelling.models import ApplicationState, Level, Outcome
from reports import public_cache
from reports import services as report_services
from reports.demo import walk_application
from reports.models import Certificate, CertificateState, Label, LabelState, label_validity
from reports.pdf.numbers import (
    SERIAL_DIGITS,
    format_certificate_number,
    is_valid_certificate_number,
)
from tests import factories

S = ApplicationState


@pytest.fixture
def decided(organisation, manager, crew):
    """A GOLD application decided by the services, ready for its certificate."""

    def build(level=Level.GOLD, outcome=None):
        factories.small_methodology()
        application = services.application_create(
            organisation=organisation, level=level, actor=manager
        )
        return walk_application(
            application, to=S.DECIDED, crew=crew(level), outcome=outcome or level
        )

    return build


def _issue(application, actor, capture):
    with capture(execute=True):
        certificate = report_services.label_issue(application=application, actor=actor)
    certificate.refresh_from_db()
    return certificate


def _stored_files(number: str) -> list:
    folder = Path(settings.MEDIA_ROOT) / "certificates" / number
    return list(folder.iterdir()) if folder.exists() else []


def _text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize(
    ("decided_on", "months", "expected"),
    [
        (date(2026, 3, 17), 24, (date(2026, 3, 1), date(2028, 2, 29))),
        (date(2026, 12, 31), 24, (date(2026, 12, 1), date(2028, 11, 30))),
        (date(2026, 1, 1), 36, (date(2026, 1, 1), date(2028, 12, 31))),
    ],
    ids=["leap-february", "december", "three-years"],
)
def test_label_validity_runs_from_the_decision_month(decided_on, months, expected):
    assert label_validity(decided_on, months) == expected


def test_label_issue_certifies_the_application_and_queues_the_rendering(
    decided, secretariat, django_capture_on_commit_callbacks
):
    application = decided()

    with django_capture_on_commit_callbacks() as callbacks:
        certificate = report_services.label_issue(application=application, actor=secretariat)

    application.refresh_from_db()
    assert application.state == S.CERTIFIED
    assert certificate.state == CertificateState.QUEUED
    assert is_valid_certificate_number(certificate.number)
    label = certificate.label
    assert (label.level, label.state) == (Level.GOLD, LabelState.ACTIVE)
    assert label.valid_from == application.decided_at.date().replace(day=1)
    follow_ups = [c for c in callbacks if c is not public_cache.new_generation]
    assert len(follow_ups) == 2  # the certify e-mail and the rendering


def test_label_issue_renders_a_signed_certificate_and_report_with_their_digests(
    decided, secretariat, django_capture_on_commit_callbacks
):
    application = decided()

    certificate = _issue(application, secretariat, django_capture_on_commit_callbacks)

    assert certificate.state == CertificateState.DONE
    pdf = certificate.pdf.read()
    report = certificate.report.read()
    assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
    assert hashlib.sha256(report).hexdigest() == certificate.report_sha256
    label = certificate.label
    for content in (pdf, report):
        text = _text(content)
        assert application.organisation.name in text
        assert "GOLD" in text
        assert certificate.number in text
        assert label.valid_until.strftime("%Y") in text


def test_issued_certificate_signature_validates_against_the_configured_certificate(
    decided, secretariat, django_capture_on_commit_callbacks
):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from reports.pdf.signing import signing_certificate

    certificate = _issue(decided(), secretariat, django_capture_on_commit_callbacks)

    trusted = asn1_x509.Certificate.load(signing_certificate().public_bytes(Encoding.DER))
    reader = PdfFileReader(io.BytesIO(certificate.pdf.read()))
    status = validate_pdf_signature(
        reader.embedded_signatures[0], ValidationContext(trust_roots=[trusted])
    )
    assert status.intact
    assert status.valid
    assert status.trusted


def test_label_issue_twice_is_refused_with_the_number_already_issued(
    decided, secretariat, second_secretariat, django_capture_on_commit_callbacks
):
    application = decided()
    first = _issue(application, secretariat, django_capture_on_commit_callbacks)

    with pytest.raises(TransitionRefused, match=first.number):
        report_services.label_issue(application=application, actor=second_secretariat)

    assert Certificate.objects.count() == 1
    assert Label.objects.count() == 1


def test_label_issue_from_a_stale_copy_is_refused_with_the_number_already_issued(
    decided, secretariat, django_capture_on_commit_callbacks
):
    application = decided()
    stale = type(application).objects.get(pk=application.pk)
    first = _issue(application, secretariat, django_capture_on_commit_callbacks)

    with pytest.raises(TransitionRefused, match=first.number):
        report_services.label_issue(application=stale, actor=secretariat)

    assert Certificate.objects.count() == 1


def test_label_issue_by_anyone_but_the_secretariat_is_denied(decided, manager):
    application = decided()

    with pytest.raises(ActionForbidden):
        report_services.label_issue(application=application, actor=manager)

    application.refresh_from_db()
    assert application.state == S.DECIDED
    assert not Label.objects.exists()


def test_label_issue_without_a_label_awarded_is_refused(decided, secretariat):
    application = decided(level=Level.BRONZE, outcome=Outcome.NONE)

    with pytest.raises(TransitionRefused):
        report_services.label_issue(application=application, actor=secretariat)

    assert not Certificate.objects.exists()


def test_certificate_numbers_follow_each_other_within_a_year(secretariat):
    first, second = (
        report_services.certificate_number_allocate(2026),
        report_services.certificate_number_allocate(2026),
    )
    assert (first[0], second[0]) == (1, 2)
    assert first[1] != second[1]
    assert all(is_valid_certificate_number(number) for _seq, number in (first, second))


def test_certificate_numbers_tell_nothing_of_the_order_of_issue(secretariat):
    numbers = [report_services.certificate_number_allocate(2026)[1] for _ in range(3)]

    serials = [number.split("-")[2] for number in numbers]
    assert all(len(serial) == SERIAL_DIGITS for serial in serials)
    assert len(set(numbers)) == 3


def test_a_certificate_number_already_taken_is_drawn_again(secretariat, monkeypatch):
    taken = factories.LabelFactory().certificate.number
    fresh = format_certificate_number(2026, 4_817_305_926)
    draws = iter([taken, taken, fresh])
    monkeypatch.setattr(report_services, "format_certificate_number", lambda year: next(draws))

    _sequence, number = report_services.certificate_number_allocate(2026)

    assert number == fresh


def test_rendering_failure_is_recorded_then_requeued_and_failed_after_the_last_attempt(
    decided, secretariat, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(certificate):
        raise OSError("[Errno 2] No such file or directory: '/srv/clusterlabel/fonts/x.ttf'")

    monkeypatch.setattr("reports.documents.render_certificate_pdf", broken)

    certificate = _issue(decided(), secretariat, django_capture_on_commit_callbacks)

    assert certificate.state == CertificateState.FAILED
    assert certificate.attempts == report_services.MAX_RENDER_ATTEMPTS
    # The secretariat reads the kind of error, the worker's log has the details (the path).
    assert certificate.failure_reason == (
        "OSError while rendering; the details are in the worker's log."
    )
    assert "/srv/clusterlabel/fonts/x.ttf" in caplog.text
    transitions = list(certificate.history.values_list("transition", flat=True))
    assert transitions.count("requeue") == report_services.MAX_RENDER_ATTEMPTS - 1
    assert not certificate.history.filter(reason__contains="/srv/").exists()
    assert transitions[-1] == "fail"
    assert not _stored_files(certificate.number)


def test_certificate_retry_after_a_failure_renders_it(
    decided, secretariat, django_capture_on_commit_callbacks, monkeypatch
):
    from reports import documents

    real = documents.render_certificate_pdf
    monkeypatch.setattr(documents, "render_certificate_pdf", lambda data: 1 / 0)
    certificate = _issue(decided(), secretariat, django_capture_on_commit_callbacks)
    monkeypatch.setattr(documents, "render_certificate_pdf", real)

    with django_capture_on_commit_callbacks(execute=True):
        report_services.certificate_retry(certificate=certificate, actor=secretariat)

    certificate.refresh_from_db()
    assert certificate.state == CertificateState.DONE
    assert certificate.failure_reason == ""


def test_certificate_retry_by_a_manager_is_denied(
    decided, secretariat, manager, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("reports.documents.render_certificate_pdf", lambda data: 1 / 0)
    certificate = _issue(decided(), secretariat, django_capture_on_commit_callbacks)

    with pytest.raises(ActionForbidden):
        report_services.certificate_retry(certificate=certificate, actor=manager)

    certificate.refresh_from_db()
    assert certificate.state == CertificateState.FAILED


def test_rendering_a_done_certificate_again_changes_nothing(
    decided, secretariat, django_capture_on_commit_callbacks
):
    certificate = _issue(decided(), secretariat, django_capture_on_commit_callbacks)

    assert report_services.certificate_render(certificate_id=certificate.pk) == "done"

    again = Certificate.objects.get(pk=certificate.pk)
    assert (again.pdf.name, again.pdf_sha256, again.attempts) == (
        certificate.pdf.name,
        certificate.pdf_sha256,
        certificate.attempts,
    )


def test_rendering_left_by_a_dead_worker_is_taken_over_once_its_lease_ran_out(
    decided, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_RENDER_LEASE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False):
        certificate = report_services.label_issue(application=decided(), actor=secretariat)
    claimed = report_services._claim(certificate.pk)  # a worker claims it, then dies
    assert claimed is not None

    assert report_services.certificate_render(certificate_id=certificate.pk) == "rendering"
    with time_machine.travel(datetime.timedelta(seconds=61)):
        assert report_services.certificate_render(certificate_id=certificate.pk) == "done"

    certificate.refresh_from_db()
    assert certificate.attempts == 2
    assert default_storage.exists(certificate.pdf.name)


def test_stalled_rendering_is_queued_again_by_the_periodic_task(
    decided, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_RENDER_LEASE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False):
        certificate = report_services.label_issue(application=decided(), actor=secretariat)
    report_services._claim(certificate.pk)

    with (
        time_machine.travel(datetime.timedelta(seconds=61)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        requeued = report_services.certificates_requeue_stalled()

    certificate.refresh_from_db()
    assert requeued == [certificate.pk]
    assert certificate.state == CertificateState.DONE
    assert "requeue" in certificate.history.values_list("transition", flat=True)


def test_renewal_supersedes_the_label_it_renews(
    organisation, manager, crew, secretariat, django_capture_on_commit_callbacks
):
    old = factories.LabelFactory(organisation=organisation, level=Level.BRONZE)
    factories.small_methodology()
    renewal = services.application_create(
        organisation=organisation, level=Level.BRONZE, actor=manager, renews=old
    )
    walk_application(renewal, to=S.DECIDED, crew=crew(Level.BRONZE))

    certificate = _issue(renewal, secretariat, django_capture_on_commit_callbacks)

    old.refresh_from_db()
    assert old.state == LabelState.SUPERSEDED
    assert old.superseded_by == certificate.label
