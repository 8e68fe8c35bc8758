"""``/metrics`` for Prometheus: django-prometheus's request, response and database metrics,
and the scheme's own figures read from the database at each scrape (so that every process
reports the same numbers, whichever one is scraped).

Only for the monitoring system: a request must carry ``Authorization: Bearer <METRICS_TOKEN>``
or come from an address in ``METRICS_ALLOWED_IPS``; anything else gets 404, as if there were no
such page.
"""

from __future__ import annotations

import hmac

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django_prometheus.exports import ExportToDjangoView
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import REGISTRY


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404
    return ExportToDjangoView(request)


#: The counts by one field, each one metric: (family, name, help, model, field). The models
#: are named, not imported: this module is imported with the URL conf, before any query may run.
COUNTS = (
    (CounterMetricFamily, "clusterlabel_labels_issued", "Labels issued since the start",
     "reports.Label", "level"),
    (GaugeMetricFamily, "clusterlabel_effects", "Follow-ups (outbox) by state",
     "labelling.Effect", "state"),
    (GaugeMetricFamily, "clusterlabel_certificates", "Certificates by generation state",
     "reports.Certificate", "state"),
)  # fmt: skip
QUEUE_LENGTH = ("clusterlabel_queue_length", "Tasks waiting in the broker's queue")


class SchemeCollector:
    """Labels issued by level, follow-ups by state, certificates by generation state, and the
    broker's queue length."""

    def describe(self):
        # The names alone: registering must not query a database that may not exist yet.
        for family, name, help_text, _model, field in COUNTS:
            yield family(name, help_text, labels=[field])
        yield GaugeMetricFamily(*QUEUE_LENGTH)

    def collect(self):
        for family, name, help_text, model, field in COUNTS:
            metric = family(name, help_text, labels=[field])
            rows = apps.get_model(model).objects.values(field).annotate(n=Count("pk")).order_by()
            for row in rows:
                metric.add_metric([row[field]], row["n"])
            yield metric
        queued = _queue_length()
        if queued is not None:
            yield GaugeMetricFamily(*QUEUE_LENGTH, value=queued)


def _queue_length() -> int | None:
    """Messages waiting in the default queue (Redis), or ``None`` without a broker."""
    # As /health/ decides: whether this process's tasks go to a broker at all.
    if not settings.REDIS_URL or current_app.conf.task_always_eager:
        return None
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1)
        return int(client.llen(settings.CELERY_TASK_DEFAULT_QUEUE))
    except redis.RedisError:
        return None


# Once per process: the URL conf imports this module once.
REGISTRY.register(SchemeCollector())
