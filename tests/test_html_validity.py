"""Every page of every role is valid HTML, as the Nu HTML Checker (the W3C's validator, run
here from its pinned npm package ``vnu-jar`` with the machine's Java) reads it.

The pages are those ``tests.pages`` finds on the demo data, as the secretariat, a manager, an
expert and a visitor get them; the checker runs once over all of them. What it found is kept
in ``test-artifacts/html-check.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.pages import PEOPLE, client_of, pages_of

pytestmark = pytest.mark.django_db

VNU = Path(__file__).resolve().parent / "html" / "node_modules" / "vnu-jar" / "build" / "dist"
VNU_JAR = VNU / "vnu.jar"
REPORT = Path(__file__).resolve().parents[1] / "test-artifacts" / "html-check.json"


def _checker() -> list[str]:
    java = shutil.which("java")
    missing = [
        what for what, there in (("java", java), (str(VNU_JAR), VNU_JAR.exists())) if not there
    ]
    if missing:
        message = (
            f"needs {', '.join(missing)} (make interop-install; Debian's openjdk-17-jre-headless)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [java, "-jar", str(VNU_JAR)]


def test_every_page_of_every_role_is_valid_html(demo_seed, tmp_path):
    checker = _checker()
    addresses: dict[str, str] = {}
    pages = tmp_path / "pages"  # nothing else: the media of the demo lie beside it
    pages.mkdir()
    for role in PEOPLE:
        for n, (address, html) in enumerate(pages_of(client_of(role)).items()):
            path = pages / f"{role}-{n}.html"
            path.write_text(html, encoding="utf-8")
            addresses[path.resolve().as_uri()] = f"{role} {address}"

    result = subprocess.run(
        [*checker, "--errors-only", "--format", "json", str(pages)],
        capture_output=True,
        text=True,
        timeout=180,
    )

    messages = json.loads(result.stderr or result.stdout)["messages"]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({"pages": len(addresses), "messages": messages}, indent=1))
    errors = sorted(
        {
            f"{addresses.get(m.get('url'), m.get('url'))}: {m['message']}"
            f" ({m.get('extract', '').strip()[:120]!r})"
            for m in messages
        }
    )
    print(f"Nu HTML Checker: {len(addresses)} pages, {len(errors)} errors")
    assert len(addresses) > 60
    assert not errors, "\n".join(errors)
