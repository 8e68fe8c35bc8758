"""The Content-Security-Policy: the header every page carries, and no inline code to refuse.

The browser journeys fail on any refusal the browser reports (tests/browser/conftest.py); these
check the header and the templates without a browser.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

#: WeasyPrint renders these to PDF; no browser ever receives them.
PDF_TEMPLATES = {"reports/certificate.html", "reports/report.html", "reports/letter.html"}
INLINE_CODE = {
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_a_page_forbids_inline_script_and_style(client):
    policy = _policy(client.get("/"))

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_public_verification_page_carries_the_policy(client):
    assert "Content-Security-Policy" in client.get("/verify/").headers


def test_no_served_template_holds_inline_code():
    templates = Path(settings.BASE_DIR) / "templates"
    found = [
        f"{path.relative_to(templates)}: {kind}"
        for path in sorted(templates.rglob("*.html"))
        if str(path.relative_to(templates)) not in PDF_TEMPLATES
        for kind, pattern in INLINE_CODE.items()
        if pattern.search(path.read_text())
    ]

    assert found == []


def test_the_api_documentation_loads_its_start_up_script_from_the_site(client):
    page = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/?script=")

    assert page.status_code == 200
    assert not INLINE_CODE["inline script"].search(page.content.decode())
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
