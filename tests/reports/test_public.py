"""What the public sees: verification by number and by file, the registry and its JSON API."""

import datetime
import io

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from labelling.models import Level
from reports import services
from reports.models import Certificate, LabelState
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def label(organisation):
    return factories.LabelFactory(organisation=organisation, level=Level.GOLD)


def _verify_page(client, label):
    return client.get(reverse("verify", args=[label.certificate.number]))


def _verify_json(client, label):
    return client.get(reverse("api_public_verify", args=[label.certificate.number])).json()


def test_verify_shows_a_valid_label_with_organisation_level_and_validity(client, label):
    response = _verify_page(client, label)

    text = response.content.decode()
    assert response.status_code == 200
    assert "Valid" in text
    assert label.organisation.name in text
    assert "GOLD" in text
    assert label.certificate.number in text


def test_verify_forgives_case_and_spaces_in_the_number(client, label):
    typed = " " + label.certificate.number.lower().replace("-", " - ", 1) + " "

    response = client.get(reverse("verify_lookup"), {"number": typed}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("verify", args=[label.certificate.number])
    assert label.organisation.name in response.content.decode()


def test_verify_of_an_unknown_number_answers_404_with_an_explanation(client, db):
    response = client.get(reverse("verify", args=["CL-2026-999999-0"]))

    assert response.status_code == 404
    assert "No certificate has the number" in response.content.decode()


def test_revoking_shows_at_once_on_the_page_and_in_the_json(client, label, secretariat):
    assert _verify_json(client, label)["status"] == "valid"

    services.label_revoke(label=label, actor=secretariat, reason="Fraudulent evidence.")

    assert "Revoked" in _verify_page(client, label).content.decode()
    assert _verify_json(client, label)["status"] == "revoked"


def test_suspending_shows_at_once_on_the_page_and_in_the_json(client, label, secretariat):
    services.label_suspend(label=label, actor=secretariat, reason="Under investigation.")

    assert "Suspended" in _verify_page(client, label).content.decode()
    assert _verify_json(client, label)["status"] == "suspended"


def test_expired_label_shows_as_expired_after_the_periodic_task(client, label):
    from reports.tasks import expire_labels

    with time_machine.travel(label.valid_until + datetime.timedelta(days=1)):
        expire_labels.delay()
        label.refresh_from_db()
        page = _verify_page(client, label).content.decode()
        status = _verify_json(client, label)["status"]

    assert label.state == LabelState.EXPIRED
    assert "Expired" in page
    assert status == "expired"


def test_verify_json_of_an_unknown_number_is_404(client, db):
    response = client.get(reverse("api_public_verify", args=["CL-2026-999999-0"]))

    assert response.status_code == 404


def _with_file(label, content: bytes) -> Certificate:
    certificate = label.certificate
    name = default_storage.save(
        f"certificates/{certificate.number}/1-certificate.pdf", ContentFile(content)
    )
    import hashlib

    Certificate.objects.filter(pk=certificate.pk).update(
        pdf=name, pdf_sha256=hashlib.sha256(content).hexdigest()
    )
    certificate.refresh_from_db()
    return certificate


def test_verify_by_upload_confirms_the_issued_file(client, label):
    content = b"%PDF-1.7 the issued certificate"
    certificate = _with_file(label, content)

    upload = io.BytesIO(content)
    upload.name = "certificate.pdf"
    response = client.post(reverse("verify_lookup"), {"file": upload})

    text = response.content.decode()
    assert "Confirmed" in text
    assert certificate.number in text


def test_verify_by_upload_does_not_confirm_a_changed_file(client, label):
    _with_file(label, b"%PDF-1.7 the issued certificate")

    upload = io.BytesIO(b"%PDF-1.7 the issued certificate, edited")
    upload.name = "certificate.pdf"
    response = client.post(reverse("verify_lookup"), {"file": upload})

    assert "Not confirmed" in response.content.decode()


def test_certificate_pdf_is_public(client, label):
    _with_file(label, b"%PDF-1.7 signed")

    response = client.get(reverse("certificate_pdf", args=[label.certificate.number]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 signed"


def test_a_certificate_with_a_sequential_number_of_before_still_verifies(client, organisation):
    label = factories.LabelFactory(organisation=organisation, certificate=False)
    Certificate.objects.create(label=label, number="CL-2026-000123-8", year=2026, sequence=123)

    page = client.get(reverse("verify_lookup"), {"number": "cl-2026-000123-8"}, follow=True)

    assert page.status_code == 200
    assert label.organisation.name in page.content.decode()
    assert _verify_json(client, label)["status"] == "valid"


@pytest.fixture
def public_rate(settings):
    """The public scope's rate lowered for one test (the default is far above any test's)."""

    def lower(rate: str) -> None:
        current = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **current,
            "DEFAULT_THROTTLE_RATES": {**current["DEFAULT_THROTTLE_RATES"], "public": rate},
        }

    return lower


def test_verify_page_past_the_public_rate_answers_429_with_retry_after(client, label, public_rate):
    public_rate("2/minute")

    answers = [_verify_page(client, label) for _ in range(3)]

    assert [response.status_code for response in answers[:2]] == [200, 200]
    assert answers[2].status_code == 429
    assert 0 < int(answers[2]["Retry-After"]) <= 60
    assert "Too many look-ups from your address" in answers[2].content.decode()
    assert label.organisation.name not in answers[2].content.decode()


@pytest.mark.parametrize(
    "url",
    [
        lambda number: reverse("verify_lookup"),
        lambda number: reverse("verify", args=["CL-2026-999999-0"]),
        lambda number: reverse("certificate_pdf", args=[number]),
    ],
    ids=["lookup-form", "unknown-number", "certificate-pdf"],
)
def test_every_public_lookup_page_is_throttled(client, label, public_rate, url):
    number = _with_file(label, b"%PDF-1.7 signed").number
    public_rate("1/minute")
    client.get(url(number))

    assert client.get(url(number)).status_code == 429


def test_verify_page_and_public_api_share_one_count_per_address(client, label, public_rate):
    public_rate("2/minute")
    _verify_page(client, label)
    _verify_json(client, label)

    assert _verify_page(client, label).status_code == 429
    assert client.get(reverse("api_public_verify", args=["CL-2026-999999-0"])).status_code == 429


def test_verify_page_counts_per_address_even_for_a_logged_in_person(
    client, label, public_rate, secretariat
):
    public_rate("1/minute")
    client.force_login(secretariat)
    _verify_page(client, label)

    throttled = _verify_page(client, label)
    elsewhere = client.get(
        reverse("verify", args=[label.certificate.number]), REMOTE_ADDR="198.51.100.7"
    )

    assert (throttled.status_code, elsewhere.status_code) == (429, 200)


def _registry_names(client, **params) -> list[str]:
    response = client.get(reverse("registry"), params)
    assert response.status_code == 200
    return [label.organisation.name for label in response.context["page"]]


@pytest.fixture
def registry(db):
    """Four labels: two German, one French GOLD, one expired, one revoked."""
    health = factories.SectorFactory(code="health", name="Health")
    mobility = factories.SectorFactory(code="mobility", name="Mobility")
    today = datetime.date.today()
    made = {
        "BioCluster Berlin": {"country": "DE", "level": Level.GOLD, "sector": health},
        "Auto Cluster Bavaria": {"country": "DE", "level": Level.BRONZE, "sector": mobility},
        "Pôle Santé Lyon": {"country": "FR", "level": Level.SILVER, "sector": health},
        "Old Timers Cluster": {
            "country": "FR",
            "level": Level.BRONZE,
            "sector": mobility,
            "valid_until": today.replace(year=today.year - 1),
        },
        "Revoked Cluster": {
            "country": "DE",
            "level": Level.GOLD,
            "sector": health,
            "state": LabelState.REVOKED,
        },
    }
    for name, spec in made.items():
        organisation = factories.OrganisationFactory(name=name, country=spec["country"])
        organisation.sectors.add(spec["sector"])
        extra = {k: spec[k] for k in ("valid_until", "state") if k in spec}
        if "valid_until" in extra:
            extra["valid_from"] = extra["valid_until"].replace(year=extra["valid_until"].year - 2)
        factories.LabelFactory(organisation=organisation, level=spec["level"], **extra)


def test_registry_lists_valid_labels_by_name(client, registry):
    assert _registry_names(client) == [
        "Auto Cluster Bavaria",
        "BioCluster Berlin",
        "Pôle Santé Lyon",
    ]


def test_registry_with_every_listed_label_includes_the_expired_but_never_the_revoked(
    client, registry
):
    names = _registry_names(client, valid_only="false")

    assert "Old Timers Cluster" in names
    assert "Revoked Cluster" not in names


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "DE"}, ["Auto Cluster Bavaria", "BioCluster Berlin"]),
        ({"level": "gold"}, ["BioCluster Berlin"]),
        ({"sector": "health"}, ["BioCluster Berlin", "Pôle Santé Lyon"]),
        ({"q": "bavaria"}, ["Auto Cluster Bavaria"]),
        ({"q": "santé"}, ["Pôle Santé Lyon"]),
        ({"ordering": "level"}, ["BioCluster Berlin", "Pôle Santé Lyon", "Auto Cluster Bavaria"]),
        ({"ordering": "-name"}, ["Pôle Santé Lyon", "BioCluster Berlin", "Auto Cluster Bavaria"]),
    ],
    ids=["country", "level", "sector", "search", "search-accent", "by-level", "by-name-desc"],
)
def test_registry_filters_search_and_sorts(client, registry, params, expected):
    assert _registry_names(client, **params) == expected


def test_registry_api_filters_like_the_page(client, registry):
    response = client.get(reverse("api_public_labels"), {"country": "DE", "valid_only": "true"})

    body = response.json()
    assert body["count"] == 2
    item = body["results"][0]
    assert item["organisation"]["name"] == "Auto Cluster Bavaria"
    assert item["organisation"]["sectors"] == ["Mobility"]
    assert item["status"] == "valid"
    assert item["certificate_pdf_url"].endswith("/certificate.pdf")
    assert {"certificate_number", "level", "valid_from", "valid_until"} <= item.keys()


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["registry", "api_public_labels"])
def test_registry_page_query_count_does_not_grow_with_the_labels(client, db, url_name):
    sector = factories.SectorFactory(code="energy", name="Energy")

    def add(n):
        for _ in range(n):
            label = factories.LabelFactory()
            label.organisation.sectors.add(sector)

    url = reverse(url_name)
    add(10)
    with_ten = _queries_for(client, url)
    add(490)
    with_five_hundred = _queries_for(client, url)

    assert with_ten == with_five_hundred


def test_openapi_schema_documents_the_public_endpoints(client, db):
    response = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")

    paths = response.json()["paths"]
    assert "/api/v1/public/labels/" in paths
    assert "/api/v1/public/verify/{number}/" in paths


def test_report_pdf_is_for_those_who_may_see_the_application(client, label, manager, other_manager):
    _with_file(label, b"%PDF-1.7 cert")
    report = default_storage.save("certificates/report.pdf", ContentFile(b"%PDF-1.7 report"))
    Certificate.objects.filter(pk=label.certificate.pk).update(report=report)
    url = reverse("report_pdf", args=[label.application_id])

    client.force_login(other_manager)
    assert client.get(url).status_code == 404
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 report"
