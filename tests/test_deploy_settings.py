"""The production settings pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from reports.pdf.signing import write_self_signed_credentials

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def signing_env(tmp_path_factory) -> dict[str, str]:
    """A throwaway signing key and certificate, as production reads them from the environment."""
    key, cert = write_self_signed_credentials(tmp_path_factory.mktemp("signing"))
    return {"CERTIFICATE_SIGNING_KEY": str(key), "CERTIFICATE_SIGNING_CERT": str(cert)}


def _check_deploy(signing_env: dict[str, str], **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="labels.example.org",
        DATABASE_URL="postgres://labels@db.internal:5432/labels",
        REDIS_URL="redis://cache.internal:6379/0",
        **signing_env,
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(signing_env):
    result = _check_deploy(signing_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_production_settings_refuse_the_development_secret_key(signing_env):
    result = _check_deploy(signing_env, SECRET_KEY="dev-insecure-key-do-not-use-in-production")

    assert result.returncode != 0
    assert "SECRET_KEY must be a random string" in result.stderr


def test_production_settings_refuse_to_start_without_a_signing_key():
    result = _check_deploy({})

    assert result.returncode != 0
    assert "CERTIFICATE_SIGNING_KEY and CERTIFICATE_SIGNING_CERT must name" in result.stderr
