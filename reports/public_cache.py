"""The public answers kept ready: verification pages and answers, registry pages.

Anyone may open them, most often by scanning a certificate's QR code, and what they show
changes only when a label, a certificate, an organisation or a sector does. So each is built
once and kept in Django's cache under a **generation** that any such change replaces (at once,
and again after its commit): an entry is used only while its generation is the current one,
read in the same round trip as the entry. A reader that built an entry from the state before a
change stores it under the generation it started with, which nobody asks for after the change,
so a revoked label is never shown valid from the cache. An entry also ends at midnight, when a
label may expire by date alone.

Several processes must share the cache for that (``config.settings_production``: Redis); with
the per-process default an entry could outlive a change made in another process by up to
``PUBLIC_CACHE_SECONDS``.

Pages are kept only for visitors who are not logged in and have no messages waiting (the same
page for all of them); the one thing each visitor's copy differs in, the CSRF token of the
language form, is put in when the page is served. Django's ``cache_page`` cannot do either:
it keeps no page that uses the CSRF token and has no generation.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import checks
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

GENERATION_KEY = "public:generation"
#: Query strings longer than this are answered without the cache (nobody types them).
MAX_KEYED_QUERY = 300

#: Stands for the visitor's CSRF token in a kept page: derived from the secret key, so no user
#: text (an organisation's name) can contain it and receive a token in its place.
CSRF_PLACEHOLDER = SimpleLazyObject(
    lambda: hmac.new(
        settings.SECRET_KEY.encode(), b"public-cache-csrf-placeholder", hashlib.sha256
    ).hexdigest()
)


def changed(**_: Any) -> None:
    """A label, certificate, organisation or sector changed: every kept answer is stale. A new
    generation now (this transaction's own later reads), and another after the commit (readers
    that built an entry from the state before it)."""
    new_generation()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is new_generation for _, callback, _ in connection.run_on_commit
    ):
        return  # one after the commit is enough, however many rows the transaction changes
    transaction.on_commit(new_generation, robust=True)


def new_generation() -> None:
    """Every kept answer is stale from now on."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _seconds_until_midnight() -> int:
    now = timezone.localtime()
    midnight = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time.min, tzinfo=now.tzinfo
    )
    return max(1, int((midnight - now).total_seconds()))


def kept(key: str, build: Callable[[], Any]) -> Any:
    """The value kept under ``key`` for the current generation, else ``build()`` kept. ``None``
    from ``build`` (nothing to show) is not kept. ``key`` may hold anything a visitor sent (a
    number, a query string): the cache sees only its digest, of bounded length."""
    if not settings.PUBLIC_CACHE_SECONDS:
        return build()
    key = "public:" + hashlib.sha256(key.encode()).hexdigest()
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = build()
    if value is not None:
        timeout = min(settings.PUBLIC_CACHE_SECONDS, _seconds_until_midnight())
        cache.set(key, (generation, value), timeout=timeout)
    return value


def same_for_every_visitor(request: HttpRequest, *, query: bool = False) -> bool:
    """Whether ``request`` gets the page every anonymous visitor gets: a GET without a session
    (so not logged in, no messages kept there), no messages in a cookie, and no query string
    (unless the page is kept per ``query``, within ``MAX_KEYED_QUERY`` characters)."""
    query_string = request.META.get("QUERY_STRING", "")
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and (len(query_string) <= MAX_KEYED_QUERY if query else not query_string)
    )


def page_key(request: HttpRequest, name: str) -> str:
    """The key of page ``name`` for ``request``: its language and query string."""
    return f"page:{name}:{get_language()}:{request.META.get('QUERY_STRING', '')}"


def kept_page(
    request: HttpRequest, name: str, build: Callable[[dict], HttpResponse], *, query: bool = False
) -> HttpResponse:
    """Page ``name`` for ``request``, kept for every anonymous visitor when it is a 200 (not a
    redirect or a 404, whose addresses anyone may invent). ``build(extra)`` renders it with
    ``extra`` added to its template's context."""
    if not same_for_every_visitor(request, query=query):
        return build({})
    placeholder = str(CSRF_PLACEHOLDER)
    not_kept: list[HttpResponse] = []

    def render_once() -> str | None:
        response = build({"csrf_token": placeholder})
        if response.status_code != 200:
            not_kept.append(response)
            return None
        return response.content.decode()

    html = kept(page_key(request, name), render_once)
    if html is None:
        (response,) = not_kept
        if not response.streaming:
            response.content = response.content.replace(
                placeholder.encode(), get_token(request).encode()
            )
        return response
    return HttpResponse(html.replace(placeholder, get_token(request)))


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy``: kept public answers need a cache every process shares."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.PUBLIC_CACHE_SECONDS and backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "Public pages are kept in a per-process cache: with several processes, one "
                "may show a revoked label as valid for up to PUBLIC_CACHE_SECONDS.",
                hint="Use a shared cache (Redis, as config.settings_production does), or set "
                "PUBLIC_CACHE_SECONDS=0.",
                id="reports.W001",
            )
        ]
    return []
