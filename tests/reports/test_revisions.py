"""Rendering a certificate again: same number, the next revision, the earlier files on record
and still recognised, the credential signed again at the same status place."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient

from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import StateChange
from reports import services
from reports.credentials import badge
from reports.models import Certificate, CertificateRevision, CertificateState
from tests import factories


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def fake_pdfs(monkeypatch):
    """Documents that say which rendering they are, without WeasyPrint's second per file."""
    renders = iter(range(1, 100))

    def pdf(kind):
        return lambda certificate: f"%PDF-1.7 {kind} {next(renders)}".encode()

    monkeypatch.setattr("reports.documents.certificate_pdf", pdf("certificate"))
    monkeypatch.setattr("reports.documents.report_pdf", pdf("report"))


@pytest.fixture
def rendered(organisation, fake_pdfs):
    """A label whose certificate the worker rendered once."""
    certificate = factories.LabelFactory(
        organisation=organisation, certificate__state=CertificateState.QUEUED
    ).certificate
    services.certificate_render(certificate_id=certificate.pk)
    return Certificate.objects.get(pk=certificate.pk)


def _rerender(certificate, actor, capture, reason="The organisation's name was corrected."):
    with capture(execute=True):
        services.certificate_rerender(certificate=certificate, actor=actor, reason=reason)
    return Certificate.objects.get(pk=certificate.pk)


def test_rendering_again_keeps_the_number_and_raises_the_revision(
    rendered, secretariat, django_capture_on_commit_callbacks
):
    again = _rerender(rendered, secretariat, django_capture_on_commit_callbacks)

    assert (again.number, again.revision, again.state) == (
        rendered.number,
        2,
        CertificateState.DONE,
    )
    assert again.pdf_sha256 != rendered.pdf_sha256


def test_the_earlier_files_stay_on_record_with_their_digests(
    rendered, secretariat, django_capture_on_commit_callbacks
):
    _rerender(rendered, secretariat, django_capture_on_commit_callbacks)

    earlier = CertificateRevision.objects.get(certificate=rendered)
    assert (earlier.revision, earlier.pdf_sha256) == (1, rendered.pdf_sha256)
    assert earlier.pdf.read().startswith(b"%PDF-1.7 certificate 1")


def test_rendering_again_is_recorded_with_who_and_why(
    rendered, secretariat, django_capture_on_commit_callbacks
):
    _rerender(rendered, secretariat, django_capture_on_commit_callbacks, reason="New signatory")

    change = StateChange.objects.get(object_id=rendered.pk, transition="rerender")
    assert (change.actor, change.reason, change.source) == (secretariat, "New signatory", "done")


def test_rendering_again_needs_a_reason(rendered, secretariat):
    with pytest.raises(InvalidInput):
        services.certificate_rerender(certificate=rendered, actor=secretariat, reason=" ")


def test_a_second_click_is_refused_while_the_revision_renders(rendered, secretariat, no_rendering):
    services.certificate_rerender(certificate=rendered, actor=secretariat, reason="Typo")

    with pytest.raises(TransitionRefused):
        services.certificate_rerender(certificate=rendered, actor=secretariat, reason="Typo")
    assert CertificateRevision.objects.filter(certificate=rendered).count() == 1


def test_a_manager_cannot_have_the_certificate_rendered_again(rendered, manager):
    with pytest.raises(ActionForbidden):
        services.certificate_rerender(certificate=rendered, actor=manager, reason="Please")


def test_the_credential_is_signed_again_at_the_same_status_place(
    rendered, secretariat, django_capture_on_commit_callbacks
):
    first = badge.issue(rendered)
    before = first.document
    rendered.label.organisation.name = "Renamed Cluster"
    rendered.label.organisation.save()

    _rerender(rendered, secretariat, django_capture_on_commit_callbacks)

    first.refresh_from_db()
    assert (first.revision, first.document["credentialSubject"]["name"]) == (2, "Renamed Cluster")
    assert first.document["credentialStatus"] == before["credentialStatus"]
    assert badge.check(first.document)["verified"] is True


def test_the_pdf_of_an_earlier_revision_is_recognised_as_that_revision(
    client, rendered, secretariat, django_capture_on_commit_callbacks
):
    earlier = rendered.pdf.read()
    _rerender(rendered, secretariat, django_capture_on_commit_callbacks)

    upload = ContentFile(earlier, name="certificate.pdf")
    page = client.post(reverse("verify_lookup"), {"file": upload}).content.decode()

    assert f"revision 1 of certificate {rendered.number}" in page


def test_the_secretariat_renders_again_from_the_application_page(
    client, rendered, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = reverse("certificate_rerender", args=[rendered.label.application_id])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Language changed to German"}, follow=True)

    assert Certificate.objects.get(pk=rendered.pk).revision == 2
    assert "Revision 1, replaced on" in response.content.decode()


def test_the_api_offers_and_runs_the_rerendering(
    api, rendered, secretariat, django_capture_on_commit_callbacks
):
    api.force_authenticate(secretariat)
    base = f"/api/v1/applications/{rendered.label.application_id}/certificate/"
    offered = api.get(base).json()["allowed_transitions"]

    with django_capture_on_commit_callbacks(execute=True):
        body = api.post(base + "rerender/", {"reason": "Typo in the name"}, format="json").json()

    assert offered == ["rerender"]
    assert body["revision"] == 2


def test_a_file_that_was_never_issued_is_still_not_confirmed(client, rendered):
    upload = ContentFile(io.BytesIO(b"%PDF-1.7 forged").getvalue(), name="certificate.pdf")

    page = client.post(reverse("verify_lookup"), {"file": upload}).content.decode()

    assert "Not confirmed" in page
