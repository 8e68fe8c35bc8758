"""What operations read: /health/ for balancers, /metrics for Prometheus, request ids on every
response and on the log lines of the tasks a request queued."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings
from django.urls import reverse
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from config import health
from tests import factories


class Broken(HealthCheck):
    def run(self):
        raise ServiceUnavailable("disk full on /srv/secret-path")


@pytest.fixture
def broken_check(monkeypatch):
    checks = health.configured_checks()
    monkeypatch.setattr(health, "configured_checks", lambda: [*checks, Broken])


def test_health_is_ok_and_names_its_checks_only(client, db, settings):
    settings.REDIS_URL = ""  # tasks run in-process: no broker to check

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"Database": "ok", "Cache": "ok", "Storage": "ok"},
    }


def test_a_failing_check_answers_503_without_saying_why(client, db, broken_check):
    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["Broken"] == "unavailable"
    assert "secret-path" not in response.content.decode()


def test_the_secretariat_reads_why_a_check_failed(client, secretariat, broken_check):
    client.force_login(secretariat)

    broken = client.get("/health/").json()["checks"]["Broken"]

    assert broken["status"] == "unavailable"
    assert "disk full" in broken["error"]


def test_health_asks_a_worker_and_redis_when_tasks_go_to_a_broker(settings):
    # Undone after the test by the suite's fixture that runs tasks in-process.
    health.current_app.conf.task_always_eager = False
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"

    names = [
        check[0] if isinstance(check, tuple) else check for check in health.configured_checks()
    ]

    assert "health_check.contrib.celery.Ping" in names
    assert "health_check.contrib.redis.Redis" in names


def test_metrics_are_not_there_for_the_public(client, db, settings):
    settings.METRICS_TOKEN = "scrape-token"

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"authorization": "Bearer guess"}).status_code == 404


def test_metrics_give_requests_and_the_schemes_figures_to_the_monitoring(client, db, settings):
    settings.METRICS_TOKEN = "scrape-token"
    factories.LabelFactory(level="gold")
    client.get(reverse("registry"))

    response = client.get("/metrics", headers={"authorization": "Bearer scrape-token"})

    text = response.content.decode()
    assert response.status_code == 200
    assert 'clusterlabel_labels_issued_total{level="gold"} 1.0' in text
    assert 'clusterlabel_certificates{state="done"} 1.0' in text
    assert "django_http_requests_total_by_view_transport_method_total" in text


def test_metrics_answer_an_allowed_address_without_a_token(client, db, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]

    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200


def test_every_response_carries_a_request_id(client, db):
    first = client.get(reverse("registry"))["X-Request-ID"]
    second = client.get(reverse("registry"))["X-Request-ID"]

    assert len({first, second} - {None, ""}) == 2


@pytest.fixture
def behind_a_proxy(settings):
    """A deployment whose proxy overwrites the client's X-Request-ID."""
    settings.DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True


def test_the_proxys_request_id_is_kept(client, db, behind_a_proxy):
    response = client.get(reverse("registry"), headers={"x-request-id": "proxy-4711"})

    assert response["X-Request-ID"] == "proxy-4711"


def test_a_clients_request_id_is_not_taken_without_a_proxy(client, db):
    response = client.get(reverse("registry"), headers={"x-request-id": "someone-elses-4711"})

    assert response["X-Request-ID"] != "someone-elses-4711"


@pytest.mark.parametrize(
    "upstream", ["x" * 65, "id with spaces", 'id"quoted'], ids=["too-long", "spaces", "quote"]
)
def test_a_request_id_not_shaped_like_a_proxys_is_replaced(client, db, behind_a_proxy, upstream):
    response = client.get(reverse("registry"), headers={"x-request-id": upstream})

    assert response["X-Request-ID"] not in ("", upstream)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_logs_the_id_of_the_request_that_queued_it(
    start_celery_worker, client, behind_a_proxy
):
    worker = start_celery_worker(env_overrides={"LOG_FORMAT": "json", "REQUEST_LOG_LEVEL": "INFO"})
    factories.SecretariatFactory(email="desk@example.org")
    application, manager = factories.managed_draft("Request Id Cluster")
    client.force_login(manager)

    client.post(
        reverse("application_action", args=[application.pk, "submit"]),
        headers={"x-request-id": "req-submit-0815"},
    )

    deadline = time.monotonic() + 30
    lines: list[dict] = []
    while time.monotonic() < deadline:
        lines = [
            json.loads(line)
            for line in worker.log().splitlines()
            if line.startswith("{") and "req-submit-0815" in line
        ]
        if any(line.get("event") == "task_succeeded" for line in lines):
            break
        time.sleep(0.3)
    assert any(line.get("event") == "task_succeeded" for line in lines), worker.log()[-3000:]
    assert all(line["request_id"] == "req-submit-0815" for line in lines)


def test_the_compose_file_describes_the_whole_stack():
    """Docker cannot run here; the file is at least what compose reads."""
    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "compose.yaml").read_text())

    assert set(compose["services"]) == {"migrate", "web", "worker", "beat", "db", "redis", "s3"}
    assert compose["services"]["web"]["environment"]["STORAGE_BACKEND"] == "s3"
