"""Labels as Open Badges 3.0 credentials: what they say, their proof, their status lists, and
how they are served. Their check by an independent implementation is in tests/interop."""

import io
import json
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from PIL import Image
from pyld.jsonld import JsonLdError

from labelling.models import Effect, Level
from reports import did, services
from reports.credentials import badge, proof, status
from reports.models import CertificateState, Credential, StatusList
from tests import factories


@pytest.fixture
def certificate(organisation):
    return factories.LabelFactory(organisation=organisation, level=Level.GOLD).certificate


@pytest.fixture
def credential(certificate):
    return badge.issue(certificate)


def _flag(credential, purpose: str) -> bool:
    published = status.published(purpose, credential.status_list)
    bits = status.decode(published.document["credentialSubject"]["encodedList"])
    return status.is_set(bits, credential.status_index)


def test_a_credential_is_an_open_badge_of_the_scheme_on_vc_2_0(credential):
    document = credential.document

    assert document["@context"] == [proof.VC_V2, proof.OB_V3]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == did.scheme_did()
    assert document["credentialSubject"]["achievement"]["achievementType"] == (
        "QualityAssuranceCredential"
    )


def test_the_credential_is_valid_for_the_labels_period(credential, certificate):
    label = certificate.label

    assert credential.document["validFrom"] == f"{label.valid_from.isoformat()}T00:00:00Z"
    assert credential.document["validUntil"] == f"{label.valid_until.isoformat()}T23:59:59Z"


def test_the_subject_is_the_organisation_with_its_name_website_and_country(
    credential, organisation
):
    subject = credential.document["credentialSubject"]

    assert (subject["name"], subject["url"]) == (organisation.name, organisation.website)
    assert {i["identityType"]: i["identityHash"] for i in subject["identifier"]} == {
        "name": organisation.legal_name,
        "ext:countryCode": organisation.country.code,
    }


def test_a_german_organisations_credential_is_in_german(db):
    organisation = factories.OrganisationFactory(language="de")
    certificate = factories.LabelFactory(organisation=organisation).certificate

    achievement = badge.issue(certificate).document["credentialSubject"]["achievement"]

    assert achievement["inLanguage"] == "de"
    assert "Qualitätslabel" in achievement["description"]


def test_issuing_again_gives_the_same_credential(credential, certificate):
    assert badge.issue(certificate).pk == credential.pk
    assert Credential.objects.count() == 1


def test_the_proof_holds_for_the_document_as_issued(credential):
    assert badge.check(credential.document)["verified"] is True


def test_a_changed_level_breaks_the_proof(credential):
    forged = json.loads(json.dumps(credential.document))
    forged["credentialSubject"]["achievement"]["name"] = "Cluster Management Excellence Label"

    assert badge.check(forged) == {
        "verified": False,
        "error": "The signature does not match the document.",
        "revoked": None,
        "suspended": None,
    }


def test_a_proof_by_a_key_that_is_not_the_schemes_is_refused(credential):
    forged = json.loads(json.dumps(credential.document))
    forged["proof"]["verificationMethod"] = "did:web:attacker.example#key-1"

    assert badge.check(forged)["error"] == "The proof names a key that is not the issuer's."


def test_a_term_the_contexts_do_not_define_is_refused_rather_than_left_unsigned(credential):
    extended = {**credential.document, "grade": "A+"}
    del extended["proof"]

    with pytest.raises(proof.ProofError, match="grade"):
        proof.canonical(extended)


def test_a_context_other_than_the_shipped_ones_is_never_fetched():
    document = {"@context": ["https://evil.example/context.json"], "name": "x"}

    with pytest.raises(JsonLdError, match="loading remote context failed"):
        proof.canonical(document)


def test_index_zero_is_the_leftmost_bit_and_the_list_round_trips():
    bits = status.bitstring([0, 9, status.SIZE - 1])

    decoded = status.decode(status.encode(bits))

    assert (decoded[0], decoded[1], decoded[-1]) == (0x80, 0x40, 0x01)
    assert len(decoded) * 8 == status.SIZE == 131_072


def test_two_credentials_get_different_places(credential, organisation):
    other = badge.issue(factories.LabelFactory(organisation=organisation).certificate)

    assert (other.status_list, other.status_index) != (
        credential.status_list,
        credential.status_index,
    )


def test_the_credential_has_an_entry_in_the_revocation_and_the_suspension_list(credential):
    entries = credential.document["credentialStatus"]

    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    assert {e["statusListIndex"] for e in entries} == {str(credential.status_index)}
    assert entries[0]["statusListCredential"].endswith(
        reverse("status_list", args=["revocation", credential.status_list])
    )


def test_revoking_a_label_sets_its_revocation_bit_through_the_outbox(
    credential, certificate, secretariat, django_capture_on_commit_callbacks
):
    status.publish_all()
    with django_capture_on_commit_callbacks(execute=True):
        services.label_revoke(label=certificate.label, actor=secretariat, reason="Fees unpaid")

    assert Effect.objects.filter(task="reports.publish_status_lists").exists()
    assert (_flag(credential, "revocation"), _flag(credential, "suspension")) == (True, False)


def test_reinstating_a_suspended_label_clears_its_suspension_bit(
    credential, certificate, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.label_suspend(label=certificate.label, actor=secretariat, reason="Review")
    suspended = _flag(credential, "suspension")
    with django_capture_on_commit_callbacks(execute=True):
        services.label_reinstate(label=certificate.label, actor=secretariat, reason="Done")

    assert (suspended, _flag(credential, "suspension")) == (True, False)


def test_a_suspended_credential_fails_its_check_until_it_is_reinstated(
    credential, certificate, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.label_suspend(label=certificate.label, actor=secretariat, reason="Review")
    suspended = badge.check(credential.document)
    with django_capture_on_commit_callbacks(execute=True):
        services.label_reinstate(label=certificate.label, actor=secretariat, reason="Done")
    reinstated = badge.check(credential.document)

    assert (suspended["verified"], suspended["suspended"], suspended["revoked"]) == (
        False,
        True,
        False,
    )
    assert (reinstated["verified"], reinstated["suspended"]) == (True, False)


def test_publishing_unchanged_bits_signs_nothing_new(credential):
    status.publish_all()
    before = StatusList.objects.get(purpose="revocation", number=credential.status_list)

    assert status.publish_all() == 0
    assert StatusList.objects.get(pk=before.pk).document == before.document


def test_a_status_list_is_a_signed_bitstring_status_list_credential_of_the_scheme(credential):
    document = status.published("revocation", credential.status_list).document

    proof.verify(document, public_key=badge.public_key)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == credential.document["issuer"]["id"]
    assert document["credentialSubject"]["statusPurpose"] == "revocation"


def test_a_status_list_is_served_with_cache_headers_and_revalidated_by_its_etag(
    client, credential, settings
):
    url = reverse("status_list", args=["suspension", credential.status_list])

    first = client.get(url)
    again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert first["Cache-Control"] == f"public, max-age={settings.STATUS_LIST_MAX_AGE_SECONDS}"
    assert json.loads(first.content)["credentialSubject"]["statusPurpose"] == "suspension"
    assert again.status_code == 304


@pytest.mark.parametrize(("purpose", "number"), [("revocation", 99), ("refusal", 1)])
def test_a_status_list_that_is_not_in_use_is_not_found(client, db, purpose, number):
    assert client.get(f"/credentials/status/{purpose}/{number}").status_code == 404


def test_the_credential_is_served_as_json_and_offered_as_a_download(client, certificate):
    response = client.get(reverse("credential", args=[certificate.number]) + "?download")

    assert response["Content-Type"].startswith(badge.MEDIA_TYPE)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{certificate.number}.credential.json"'
    )
    assert json.loads(response.content)["id"] == badge.credential_url(certificate.number)


def test_the_baked_badge_carries_the_credential_in_its_png(client, credential, certificate):
    response = client.get(reverse("credential_png", args=[certificate.number]))

    image = Image.open(io.BytesIO(response.content))
    assert json.loads(image.text[badge.BAKED_KEYWORD]) == credential.document


def test_a_certificate_still_rendering_has_no_credential_yet(client, organisation):
    queued = factories.LabelFactory(
        organisation=organisation, certificate__state=CertificateState.QUEUED
    ).certificate

    assert client.get(reverse("credential", args=[queued.number])).status_code == 404


def test_the_achievement_resolves_to_its_criteria(client, credential):
    achievement = credential.document["credentialSubject"]["achievement"]

    served = client.get(urlsplit(achievement["id"]).path).json()

    assert served["criteria"] == achievement["criteria"]


def test_the_worker_signs_the_credential_with_the_documents(certificate, monkeypatch):
    monkeypatch.setattr("reports.documents.certificate_pdf", lambda c: b"%PDF-1.7 certificate")
    monkeypatch.setattr("reports.documents.report_pdf", lambda c: b"%PDF-1.7 report")
    type(certificate).objects.filter(pk=certificate.pk).update(state=CertificateState.QUEUED)

    assert services.certificate_render(certificate_id=certificate.pk) == CertificateState.DONE
    assert Credential.objects.filter(certificate=certificate).exists()


def test_the_public_api_lists_the_credential_of_each_label(client, certificate):
    item = client.get("/api/v1/public/labels/").json()["results"][0]

    assert item["credential_url"].endswith(reverse("credential", args=[certificate.number]))
    assert item["credential_image_url"].endswith("/badge.png")


def test_the_verification_page_offers_the_credential(client, certificate):
    page = client.get(reverse("verify", args=[certificate.number])).content.decode()

    assert reverse("credential_png", args=[certificate.number]) in page
