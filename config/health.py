"""``/health/`` for load balancers and orchestrators: django-health-check's checks of the
database, the cache, the file storage and, where the site has them, Redis and a live Celery
worker (a ping answered within a second).

Anyone may ask, so the answer names each check and whether it passed, nothing more (no host,
no error text); a member of the secretariat who is logged in also reads why a check failed.
503 when any check fails, so that a balancer takes the process out of rotation.
"""

from __future__ import annotations

import asyncio
import datetime

from celery import current_app
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from health_check.views import HealthCheckView
from redis.asyncio import Redis as AsyncRedis


def configured_checks() -> list:
    checks: list = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
    ]
    if settings.REDIS_URL:
        url = settings.REDIS_URL
        checks.append(
            (
                "health_check.contrib.redis.Redis",
                {"client_factory": lambda: AsyncRedis.from_url(url)},
            )
        )
    if not current_app.conf.task_always_eager:
        # Tasks go to workers: at least one must answer, or nothing queued would ever run.
        checks.append(
            (
                "health_check.contrib.celery.Ping",
                {"timeout": datetime.timedelta(seconds=1), "limit": 1},
            )
        )
    return checks


class HealthView(HealthCheckView):
    def get_checks(self):
        self.checks = configured_checks()
        return super().get_checks()

    async def get(self, request: HttpRequest, *args, **kwargs) -> JsonResponse:
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        user = await request.auser()
        detailed = bool(getattr(user, "is_secretariat", False))
        checks = {}
        for result in results:
            entry = "unavailable" if result.error else "ok"
            if detailed:
                entry = {
                    "status": entry,
                    "error": str(result.error) if result.error else "",
                    "seconds": round(result.time_taken, 4),
                    "check": repr(result.check),
                }
            checks[type(result.check).__name__] = entry
        failing = any(result.error for result in results)
        return JsonResponse(
            {"status": "unavailable" if failing else "ok", "checks": checks},
            status=503 if failing else 200,
        )
