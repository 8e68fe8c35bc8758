"""``/metrics`` for Prometheus: django-prometheus's request, response and database metrics,
and the scheme's own figures read from the database at each scrape (so that every process
reports the same numbers, whichever one is scraped).

Only for the monitoring system: a request must carry ``Authorization: Bearer <METRICS_TOKEN>``
or come from an address in ``METRICS_ALLOWED_IPS``; anything else gets 404, as if there were no
such page.
"""

from __future__ import annotations

import hmac

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


class SchemeCollector:
    """Labels issued by level, follow-ups by state, certificates by generation state, and the
    broker's queue length."""

    def describe(self):
        # The names alone: registering must not query a database that may not exist yet.
        yield CounterMetricFamily("clusterlabel_labels_issued", "Labels issued", labels=["level"])
        yield GaugeMetricFamily("clusterlabel_effects", "Follow-ups", labels=["state"])
        yield GaugeMetricFamily("clusterlabel_certificates", "Certificates", labels=["state"])
        yield GaugeMetricFamily("clusterlabel_queue_length", "Queued tasks")

    def collect(self):
        from labelling.models import Effect
        from reports.models import Certificate, Label

        issued = CounterMetricFamily(
            "clusterlabel_labels_issued", "Labels issued since the start", labels=["level"]
        )
        for row in Label.objects.values("level").annotate(n=Count("pk")).order_by():
            issued.add_metric([row["level"]], row["n"])
        yield issued

        effects = GaugeMetricFamily(
            "clusterlabel_effects", "Follow-ups (outbox) by state", labels=["state"]
        )
        for row in Effect.objects.values("state").annotate(n=Count("pk")).order_by():
            effects.add_metric([row["state"]], row["n"])
        yield effects

        certificates = GaugeMetricFamily(
            "clusterlabel_certificates", "Certificates by generation state", labels=["state"]
        )
        for row in Certificate.objects.values("state").annotate(n=Count("pk")).order_by():
            certificates.add_metric([row["state"]], row["n"])
        yield certificates

        queued = _queue_length()
        if queued is not None:
            yield GaugeMetricFamily(
                "clusterlabel_queue_length", "Tasks waiting in the broker's queue", value=queued
            )


def _queue_length() -> int | None:
    """Messages waiting in the default queue (Redis), or ``None`` without a broker."""
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1)
        return int(client.llen(settings.CELERY_TASK_DEFAULT_QUEUE))
    except redis.RedisError:
        return None


# Once per process: the URL conf imports this module once.
REGISTRY.register(SchemeCollector())
