"""Celery application: configured from Django settings (keys prefixed ``CELERY_``)."""

import os

from celery import Celery
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("clusterlabel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The request id of the request that queued a task on the task's log lines (django-structlog).
app.steps["worker"].add(DjangoStructLogInitStep)
