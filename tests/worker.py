"""A real Celery worker process on the real Redis, for the few tests that prove the queue.

The worker runs ``celery -A config worker`` against the test database of this test process
(so tests using it need ``transaction=True``), and sends e-mail to files in a folder the test
can read. Each pytest-xdist process uses its own Redis database, so parallel runs don't mix.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import redis
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def redis_url_for_this_process() -> str:
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = 8 + int(worker.removeprefix("gw") or 0) % 8
    return urlunsplit(urlsplit(base)._replace(path=f"/{index}"))


def redis_is_up(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def test_database_url() -> str:
    """The URL of the database this test process uses, for the worker to use the same one."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or ''}{port}/{db['NAME']}"


class CeleryWorker:
    """Starts, kills and restarts one worker process; points this process's producer at it."""

    def __init__(
        self,
        *,
        broker_url: str,
        mail_dir: Path,
        log_path: Path,
        app: str = "config",
        env_overrides: dict[str, str] | None = None,
    ) -> None:
        self.broker_url = broker_url
        self.mail_dir = mail_dir
        self.log_path = log_path
        self.app = app
        self.env_overrides = env_overrides or {}
        self.process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=test_database_url(),
            REDIS_URL=self.broker_url,
            CELERY_TASK_ALWAYS_EAGER="false",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail_dir),
            # The worker stores files where this test process reads them.
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
        )
        env.update(self.env_overrides)
        return env

    def start(self, timeout: float = 60) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    self.app,
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    f"--hostname=test-{os.getpid()}@%h",
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited early:\n{self.log()}")
            if " ready." in self.log():
                return
            time.sleep(0.2)
        raise TimeoutError(f"Celery worker not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """Kill the worker at once (SIGKILL), as a crash would: no clean shutdown."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def sent_mail(self) -> list[str]:
        if not self.mail_dir.exists():
            return []
        return [p.read_text(errors="replace") for p in sorted(self.mail_dir.iterdir())]

    def wait_for_mail(self, predicate, timeout: float = 30) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            matching = [m for m in self.sent_mail() if predicate(m)]
            if matching:
                return matching
            time.sleep(0.2)
        raise TimeoutError(f"No matching e-mail after {timeout}s. Worker log:\n{self.log()}")


def point_producer_at(broker_url: str) -> None:
    """Make this process send tasks to ``broker_url`` instead of running them in-process."""
    celery_app.conf.task_always_eager = False
    if celery_app.conf.broker_url != broker_url:
        # Pools are made lazily with the broker URL of the moment; a new URL needs new ones.
        celery_app.conf.broker_url = broker_url
        celery_app._pool = None
        amqp = celery_app.__dict__.get("amqp")
        if amqp is not None:
            amqp._producer_pool = None
