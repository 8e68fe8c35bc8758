"""Sharing a label: its image drawn once, the link preview tags, LinkedIn's link, the embed."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from reports import sharing
from tests import factories


@pytest.fixture
def certificate(organisation):
    return factories.LabelFactory(organisation=organisation).certificate


def test_the_badge_is_an_image_of_the_size_link_previews_expect(client, certificate):
    response = client.get(f"/verify/{certificate.number}/badge.png")

    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert (response["Content-Type"], image.size) == ("image/png", (1200, 630))


def test_the_badge_is_drawn_once_and_then_served_as_stored(client, certificate, monkeypatch):
    client.get(f"/verify/{certificate.number}/badge.png")
    monkeypatch.setattr(sharing, "badge_png", lambda c: pytest.fail("drawn again"))

    response = client.get(f"/verify/{certificate.number}/badge.png")

    assert response.status_code == 200
    assert default_storage.exists(sharing.badge_path(certificate))


def test_an_unknown_number_has_no_badge(client, db):
    assert client.get("/verify/CL-2026-000000-0/badge.png").status_code == 404


def test_the_linkedin_link_carries_the_certification(certificate, settings):
    settings.SITE_URL = "https://labels.example.org"
    label = certificate.label

    query = parse_qs(urlsplit(sharing.linkedin_url(certificate)).query)

    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [f"Cluster Management Excellence Label {label.get_level_display()}"]
    assert query["certId"] == [certificate.number]
    assert query["certUrl"] == [f"https://labels.example.org/verify/{certificate.number}/"]
    assert query["expirationYear"] == [str(label.valid_until.year)]
    assert query["expirationMonth"] == [str(label.valid_until.month)]


def test_the_verification_page_has_the_preview_tags_and_the_embed_snippet(client, certificate):
    page = client.get(f"/verify/{certificate.number}/").content.decode()

    assert '<meta property="og:image" content="http' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert 'id="linkedin-add"' in page
    assert "&lt;img src=" in page


def test_a_hostile_name_stays_text_in_the_embed_snippet(client, db):
    organisation = factories.OrganisationFactory(name='Evil" onerror="alert(1)')
    certificate = factories.LabelFactory(organisation=organisation).certificate

    page = client.get(f"/verify/{certificate.number}/").content.decode()

    assert 'alt="Evil&amp;quot; onerror=&amp;quot;alert(1)' in page
    assert 'onerror="alert(1)"' not in page
