"""gunicorn's settings, from the environment (``make serve``; the container's command).

HOST and PORT as for ``make run``; WEB_CONCURRENCY worker processes (two per core by default);
requests that take longer than GUNICORN_TIMEOUT seconds are cut (PDFs render in the workers of
Celery, never in a request). Access lines go to the standard output, in the same JSON as the
application's own logs when LOG_FORMAT is json.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = timeout
keepalive = 5
# Behind the reverse proxy only: its X-Forwarded-* headers are trusted from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Workers are recycled now and then, so a slow leak in a library never grows without end.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
