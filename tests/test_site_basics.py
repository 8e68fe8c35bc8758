"""Small things every page relies on: the icon, the skip link, the level badges' contrast, and
links that follow the port the site runs on."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

CSS = Path(settings.BASE_DIR, "static/css/site.css").read_text()


def test_the_browsers_favicon_request_finds_the_bundled_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.svg")
    assert Path(settings.BASE_DIR, "static/img/favicon.svg").is_file()


def test_every_page_starts_with_a_link_to_its_content(client, db):
    page = client.get("/registry/").content.decode()

    body = page[page.index("<body") :]
    assert re.search(r'<body[^>]*>\s*<a class="skip-link" href="#content">', body)
    assert '<main id="content"' in page


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_gold_and_silver_badges_are_readable_at_aa():
    colours = dict(re.findall(r"--([a-z]+):(#[0-9a-fA-F]{6})", CSS))
    assert ".level-gold, .level-silver { color:var(--ink); }" in CSS

    for level in ("gold", "silver"):
        assert _contrast(colours["ink"], colours[level]) >= 4.5, level
    assert _contrast("#ffffff", colours["bronze"]) >= 4.5


def _site_url(**environment: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    env.update(environment)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
            "django.setup(); from django.conf import settings; print(settings.SITE_URL)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    ).stdout.strip()


def test_links_follow_the_port_the_site_runs_on():
    assert _site_url(PORT="8101") == "http://127.0.0.1:8101"


def test_a_configured_site_url_wins_over_the_port():
    assert _site_url(PORT="8101", SITE_URL="https://labels.example.org") == (
        "https://labels.example.org"
    )
