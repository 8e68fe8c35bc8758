"""The authenticated API of labels and certificates: scoped reads, the secretariat's label
actions, the certificate's progress, its signed PDFs and another attempt after a failure."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from labelling.models import Level, StateChange
from reports.models import Certificate, CertificateState, Label, LabelState
from tests import factories

PROBLEM = "application/problem+json"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def label(organisation):
    """A GOLD label of the manager's organisation, its documents rendered (not stored)."""
    return factories.LabelFactory(organisation=organisation, level=Level.GOLD)


@pytest.fixture
def other_label(other_manager):
    return factories.LabelFactory(organisation=other_manager.organisations.get())


@pytest.fixture
def failed(organisation):
    """A label whose certificate failed its last automatic rendering attempt."""
    return factories.LabelFactory(
        organisation=organisation, certificate__state=CertificateState.FAILED
    )


def _listed(api: APIClient, **params) -> set[int]:
    response = api.get(reverse("api_labels"), params)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def _action(api: APIClient, label: Label, action: str, reason: str = "Under investigation."):
    url = reverse("api_label_action", args=[label.pk, action])
    return api.post(url, {"reason": reason}, format="json")


def _state(label: Label) -> str:
    return Label.objects.values_list("state", flat=True).get(pk=label.pk)


# Labels


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("manager", {"label"}),
        ("other_manager", {"other_label"}),
        ("secretariat", {"label", "other_label"}),
        ("lead_expert", set()),
        ("outsider", set()),
    ],
    ids=["manager-own", "other-manager-own", "secretariat-all", "expert-none", "outsider-none"],
)
def test_label_list_is_scoped_per_role(request, api, label, other_label, role, sees):
    api.force_authenticate(request.getfixturevalue(role))

    assert _listed(api) == {request.getfixturevalue(name).pk for name in sees}


def test_label_list_shows_labels_the_registry_leaves_out(api, manager, organisation):
    revoked = factories.LabelFactory(organisation=organisation, state=LabelState.REVOKED)
    api.force_authenticate(manager)

    assert _listed(api) == {revoked.pk}


def test_label_list_filters_by_state(api, secretariat, label):
    suspended = factories.LabelFactory(state=LabelState.SUSPENDED)
    api.force_authenticate(secretariat)

    assert _listed(api, state=LabelState.SUSPENDED) == {suspended.pk}


def test_label_list_filters_by_level_like_the_registry(api, secretariat, label, other_label):
    api.force_authenticate(secretariat)

    assert _listed(api, level=Level.GOLD) == {label.pk}


def test_label_list_refuses_an_unknown_state_with_400(api, secretariat):
    api.force_authenticate(secretariat)

    response = api.get(reverse("api_labels"), {"state": "lost"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["state"]


def test_label_shows_status_certificate_and_the_secretariats_actions(api, secretariat, label):
    api.force_authenticate(secretariat)

    body = api.get(reverse("api_label", args=[label.pk])).json()

    assert (body["state"], body["status"], body["level"]) == ("active", "valid", "gold")
    assert body["certificate_number"] == label.certificate.number
    assert body["organisation"]["id"] == label.organisation_id
    assert body["allowed_transitions"] == ["revoke", "suspend"]


def test_label_offers_its_manager_no_action(api, manager, label):
    api.force_authenticate(manager)

    body = api.get(reverse("api_label", args=[label.pk])).json()

    assert body["allowed_transitions"] == []


@pytest.mark.parametrize(
    ("method", "url_name", "args"),
    [("get", "api_label", ()), ("post", "api_label_action", ("suspend",))],
    ids=["read", "action"],
)
def test_another_organisations_label_answers_404(api, manager, other_label, method, url_name, args):
    api.force_authenticate(manager)

    response = getattr(api, method)(reverse(url_name, args=[other_label.pk, *args]))

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert _state(other_label) == LabelState.ACTIVE


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("suspend", LabelState.ACTIVE, LabelState.SUSPENDED),
        ("reinstate", LabelState.SUSPENDED, LabelState.ACTIVE),
        ("revoke", LabelState.ACTIVE, LabelState.REVOKED),
    ],
)
def test_secretariat_runs_a_label_action_with_its_reason(
    api, secretariat, organisation, action, before, after
):
    label = factories.LabelFactory(organisation=organisation, state=before)
    api.force_authenticate(secretariat)

    response = _action(api, label, action, reason="Complaint 2026-14.")

    assert response.status_code == 200
    assert response.json()["state"] == after
    change = StateChange.objects.get(object_id=label.pk, transition=action)
    assert (change.source, change.target) == (before, after)
    assert (change.actor, change.reason) == (secretariat, "Complaint 2026-14.")


def test_label_action_without_a_reason_answers_400_reason(api, secretariat, label):
    api.force_authenticate(secretariat)

    response = _action(api, label, "suspend", reason=" ")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert _state(label) == LabelState.ACTIVE


def test_manager_cannot_suspend_the_organisations_label(api, manager, label):
    api.force_authenticate(manager)

    response = _action(api, label, "suspend")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert _state(label) == LabelState.ACTIVE


def test_reinstating_an_active_label_answers_409_with_the_state(api, secretariat, label):
    api.force_authenticate(secretariat)

    response = _action(api, label, "reinstate")

    assert response.status_code == 409
    body = response.json()
    assert body["current_state"] == LabelState.ACTIVE
    assert {"revoke", "suspend"} <= set(body["allowed_transitions"])


def test_unknown_label_action_answers_404(api, secretariat, label):
    api.force_authenticate(secretariat)

    assert _action(api, label, "polish").status_code == 404


def _add_labels(count: int) -> None:
    for label in factories.LabelFactory.create_batch(count):
        label.organisation.sectors.add(factories.SectorFactory())


def _list_queries(api: APIClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(reverse("api_labels"))
    assert response.status_code == 200
    assert response.json()["count"] == len(response.json()["results"])
    return len(queries)


def test_label_list_costs_as_many_queries_for_20_labels_as_for_2(api, secretariat):
    api.force_authenticate(secretariat)
    _add_labels(2)
    _list_queries(api)  # the first asks once whether this person has a second factor
    with_two = _list_queries(api)
    _add_labels(18)

    assert _list_queries(api) == with_two


# Certificates


def _certificate_url(label: Label, url_name: str = "api_certificate") -> str:
    return reverse(url_name, args=[label.application_id])


def _store_documents(label: Label) -> Certificate:
    certificate = label.certificate
    pdf = default_storage.save("certificates/test/certificate.pdf", ContentFile(b"%PDF cert"))
    report = default_storage.save("certificates/test/report.pdf", ContentFile(b"%PDF report"))
    Certificate.objects.filter(pk=certificate.pk).update(pdf=pdf, report=report)
    return Certificate.objects.get(pk=certificate.pk)


def test_certificate_gives_number_progress_digests_and_downloads(api, manager, label):
    api.force_authenticate(manager)

    body = api.get(_certificate_url(label)).json()

    certificate = label.certificate
    assert (body["number"], body["state"]) == (certificate.number, CertificateState.DONE)
    assert (body["attempts"], body["pdf_sha256"]) == (certificate.attempts, certificate.pdf_sha256)
    assert body["certificate_pdf_url"].endswith(_certificate_url(label, "api_certificate_pdf"))
    assert body["report_pdf_url"].endswith(_certificate_url(label, "api_report_pdf"))
    assert body["verification_url"].endswith(reverse("verify", args=[certificate.number]))


def test_certificate_download_urls_are_null_until_rendered(api, manager, organisation):
    queued = factories.LabelFactory(
        organisation=organisation, certificate__state=CertificateState.QUEUED
    )
    api.force_authenticate(manager)

    body = api.get(_certificate_url(queued)).json()

    assert body["state"] == CertificateState.QUEUED
    assert (body["certificate_pdf_url"], body["report_pdf_url"]) == (None, None)


def test_application_without_certificate_answers_404(api, manager, application):
    api.force_authenticate(manager)

    response = api.get(reverse("api_certificate", args=[application.pk]))

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("url_name", "content"),
    [("api_certificate_pdf", b"%PDF cert"), ("api_report_pdf", b"%PDF report")],
    ids=["certificate", "report"],
)
def test_signed_pdf_is_downloaded_by_who_may_see_the_application(
    api, manager, label, url_name, content
):
    _store_documents(label)
    api.force_authenticate(manager)

    response = api.get(_certificate_url(label, url_name), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == content


def test_pdf_not_yet_rendered_answers_404_problem_to_a_client_accepting_pdf(
    api, manager, organisation
):
    queued = factories.LabelFactory(
        organisation=organisation, certificate__state=CertificateState.QUEUED
    )
    api.force_authenticate(manager)

    response = api.get(_certificate_url(queued, "api_report_pdf"), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "The documents are not ready yet."


@pytest.mark.parametrize(
    ("method", "url_name"),
    [
        ("get", "api_certificate"),
        ("get", "api_certificate_pdf"),
        ("get", "api_report_pdf"),
        ("post", "api_certificate_retry"),
    ],
    ids=["certificate", "certificate-pdf", "report-pdf", "retry"],
)
def test_another_organisations_certificate_answers_404(api, manager, other_label, method, url_name):
    _store_documents(other_label)
    api.force_authenticate(manager)

    response = getattr(api, method)(_certificate_url(other_label, url_name))

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("secretariat", ["retry"]), ("manager", [])],
    ids=["secretariat", "manager"],
)
def test_failed_certificate_offers_a_retry_to_the_secretariat_only(
    request, api, failed, role, allowed
):
    api.force_authenticate(request.getfixturevalue(role))

    body = api.get(_certificate_url(failed)).json()

    assert body["allowed_transitions"] == allowed


def test_secretariat_retries_a_failed_certificate(
    api, secretariat, failed, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "reports.services._queue_rendering", lambda pk, countdown=0: queued.append(pk)
    )
    api.force_authenticate(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(_certificate_url(failed, "api_certificate_retry"))

    assert response.status_code == 200
    assert response.json()["state"] == CertificateState.QUEUED
    assert queued == [failed.certificate.pk]


def test_manager_cannot_retry_a_failed_certificate(api, manager, failed, no_rendering):
    api.force_authenticate(manager)

    response = api.post(_certificate_url(failed, "api_certificate_retry"))

    assert response.status_code == 403
    assert Certificate.objects.get(pk=failed.certificate.pk).state == CertificateState.FAILED


def test_retrying_a_certificate_that_did_not_fail_answers_409(
    api, secretariat, label, no_rendering
):
    api.force_authenticate(secretariat)

    response = api.post(_certificate_url(label, "api_certificate_retry"))

    assert response.status_code == 409
    assert response.json()["current_state"] == CertificateState.DONE
