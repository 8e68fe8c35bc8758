"""The site on more than one machine: a web process (gunicorn) and a Celery worker that share
nothing but the database, Redis and an S3-compatible store. The certificate is issued through
the web process's API, rendered by the worker into the store, and downloaded through the web
process again.

The store is moto's standalone S3 server (``moto[server]``, run as a process of its own): no
MinIO or other S3 server installs from the package registries this project may use; production
uses MinIO or AWS the same way (README, "Production").
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labelling import services
from labelling.models import ApplicationState, Level
from reports import did
from reports.demo import walk_application
from reports.pdf.signing import write_self_signed_credentials
from tests import factories
from tests import worker as worker_process

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[1]
BUCKET = "clusterlabel-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer:\n{log.read_text()[-3000:]}")


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


@pytest.fixture
def s3(tmp_path):
    """moto's S3 server in a process of its own, with an empty bucket."""
    port = _free_port()
    log = tmp_path / "s3.log"
    process = _start(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        {**os.environ},
        log,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for(endpoint, process, log)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="test-key",
            aws_secret_access_key="test-secret",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def shared_env(s3, tmp_path):
    """What both processes are given: the store, and the signing keys (as secrets are given
    to each host); nothing on a shared disk."""
    endpoint, _client = s3
    pdf_key, pdf_cert = write_self_signed_credentials(tmp_path / "secrets")
    credential_key = tmp_path / "secrets" / "credentials.pem"
    credential_key.write_bytes(did.key_pem(Ed25519PrivateKey.generate()))
    return {
        "STORAGE_BACKEND": "s3",
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_S3_REGION_NAME": "us-east-1",
        "CERTIFICATE_SIGNING_KEY": str(pdf_key),
        "CERTIFICATE_SIGNING_CERT": str(pdf_cert),
        "CREDENTIAL_SIGNING_KEYS": str(credential_key),
    }


@pytest.fixture
def web(shared_env, start_celery_worker, tmp_path):
    """gunicorn, and a worker on another VAR_DIR and MEDIA_ROOT (each host's own disk)."""
    worker = start_celery_worker(
        env_overrides={
            **shared_env,
            "MEDIA_ROOT": str(tmp_path / "worker-disk" / "media"),
            "VAR_DIR": str(tmp_path / "worker-disk"),
        }
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        shared_env,
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=worker_process.test_database_url(),
        REDIS_URL=worker.broker_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        MEDIA_ROOT=str(tmp_path / "web-disk" / "media"),
        VAR_DIR=str(tmp_path / "web-disk"),
        SITE_URL=url,
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        CONN_MAX_AGE="60",
        # The API token is the secretariat's own log-in here; the second factor is for pages.
        SECRETARIAT_REQUIRES_SECOND_FACTOR="false",
    )
    log = tmp_path / "web.log"
    process = _start(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn_conf.py"],
        env,
        log,
    )
    try:
        _wait_for(f"{url}/health/", process, log)
        yield url, tmp_path
    finally:
        process.terminate()
        process.wait(10)


def test_web_and_worker_on_separate_hosts_issue_and_serve_a_certificate_through_s3(
    web, s3, organisation, manager, crew, secretariat
):
    url, tmp_path = web
    _endpoint, client = s3
    factories.small_methodology()
    application = walk_application(
        services.application_create(organisation=organisation, level=Level.BRONZE, actor=manager),
        to=ApplicationState.DECIDED,
        crew=crew(Level.BRONZE),
    )
    _token, key = services.api_token_create(user=secretariat, name="Separate hosts")
    auth = {"Authorization": f"Bearer {key}"}
    health = requests.get(f"{url}/health/", timeout=10).json()

    issued = requests.post(f"{url}/api/v1/applications/{application.pk}/certify/", headers=auth)
    certificate = {}
    deadline = time.monotonic() + 90
    while certificate.get("state") != "done" and time.monotonic() < deadline:
        time.sleep(0.5)
        certificate = requests.get(
            f"{url}/api/v1/applications/{application.pk}/certificate/", headers=auth
        ).json()
    pdf = requests.get(f"{url}/verify/{certificate['number']}/certificate.pdf")
    stored = [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    on_local_disks = [path for path in tmp_path.glob("*-disk/media/**/*") if path.is_file()]

    assert health == {
        "status": "ok",
        "checks": {"Database": "ok", "Cache": "ok", "Storage": "ok", "Redis": "ok", "Ping": "ok"},
    }
    assert issued.status_code == 200, issued.text
    assert certificate["state"] == "done", certificate
    assert pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == certificate["pdf_sha256"]
    assert any(name.startswith(f"certificates/{certificate['number']}/") for name in stored)
    assert on_local_disks == []
