"""The Celery app for the crash test: each certificate rendering first pauses for
``SLOW_RENDER_SECONDS``, so that the test can kill the worker in the middle of it.

Start a worker with ``-A tests.slow_worker_app``; everything else is the real app.
"""

import os
import time

import django

from config.celery import app

django.setup()

from reports import documents  # noqa: E402 (needs the apps loaded by django.setup above)

_render = documents.certificate_pdf


def _slow_certificate_pdf(certificate):
    time.sleep(float(os.environ.get("SLOW_RENDER_SECONDS", "0")))
    return _render(certificate)


documents.certificate_pdf = _slow_certificate_pdf

__all__ = ["app"]
