"""How often the API may be called: per person, per address without credentials, per public
scope, and how many failed token logins an address may make; and the pages that answer what a
public API view answers (certificate verification), counted with it (``throttle_page``).

The rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (from the environment, see
``config.settings``); the counts live in the cache, which production shares between processes
(Redis).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from types import SimpleNamespace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import (
    AnonRateThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)


class CurrentRates:
    """Reads the rates when a throttle is made (each request), not once when DRF is imported as
    DRF's own throttles do, so that a changed setting (a test's override) takes effect."""

    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:  # noqa: N802 (DRF's attribute name)
        return api_settings.DEFAULT_THROTTLE_RATES


class AnonThrottle(CurrentRates, AnonRateThrottle):
    """Requests without credentials, per client address (scope ``anon``)."""


class UserThrottle(CurrentRates, UserRateThrottle):
    """Requests of a logged-in person, by session or token (scope ``user``)."""


class ScopedThrottle(CurrentRates, ScopedRateThrottle):
    """Requests to the views of one ``throttle_scope`` (e.g. ``public``), per person or address."""


class FailedTokenThrottle(CurrentRates, SimpleRateThrottle):
    """Failed token logins per client address (scope ``failed_token``).

    Only failures count, so a client with a good key is never slowed by its own calls. Past the
    rate, every token login from that address is refused (429) until enough failures have left
    the window, a right key included: otherwise a blocked guesser would still learn which key
    is right. Behind a reverse proxy, ``NUM_PROXIES`` must say how many, or every client would
    share the proxy's address.
    """

    scope = "failed_token"

    def get_cache_key(self, request: Request, view: object = None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def is_blocked(self, request: Request) -> bool:
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [at for at in self.cache.get(self.key, []) if at > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def record_failure(self) -> None:
        """Counts one failure; ``is_blocked`` must have been asked first (it reads the count)."""
        if self.rate is None:
            return
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)

    def wait(self) -> float:
        """Seconds until the oldest failure that blocks the address leaves the window."""
        return self.history[self.num_requests - 1] + self.duration - self.now


class AddressThrottle(ScopedThrottle):
    """Requests of one scope per client address, whether or not someone is logged in: the count
    of the public API views, which read no credentials, so a page and its API twin share it."""

    def get_cache_key(self, request: HttpRequest, view: object = None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttle_page(
    scope: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Throttles a page view like the API views of ``scope``: the same rate, counted per client
    address in the same cache entry. Past the rate the page answers 429 with ``Retry-After`` and
    says when to try again."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def throttled(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            throttle = AddressThrottle()
            if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
                return view(request, *args, **kwargs)
            seconds = math.ceil(throttle.wait() or throttle.duration)
            response = render(request, "429.html", {"seconds": seconds}, status=429)
            response["Retry-After"] = str(seconds)
            return response

        return throttled

    return decorate
