"""Locking out password guessers (django-axes): how failures are counted, and what a locked-out
person reads.

Every password check goes through ``django.contrib.auth.authenticate`` with the request: the
log-in page and the admin's. ``axes.backends.AxesStandaloneBackend`` (first in
``AUTHENTICATION_BACKENDS``) refuses a locked username or address before the password is even
checked; axes' signal handlers record each failure in the database (``axes.AccessAttempt``, whose
admin the secretariat unlocks from by deleting the rows). The API takes no password (personal
tokens only, their failures throttled by ``labelling.api_throttling.FailedTokenThrottle``).
"""

from __future__ import annotations

import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle

from labelling.forms import LoginForm


class LoginLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for each lockout parameter.

    Axes locks when the larger count of failures (per username, per address) reaches one limit,
    ``AXES_FAILURE_LIMIT``. A username and an address need different limits: one person's
    password is guessed from many addresses, while one office's people share an address. So
    each parameter's failures count against ``LOGIN_FAILURE_LIMITS`` (10 for a username, 30 for
    an address), and the parameter nearest its own limit decides: ``get_failures`` reaches
    ``AXES_FAILURE_LIMIT`` exactly when some parameter reaches its own limit.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        parameters = get_lockout_parameters(request, credentials)
        headroom = min(
            settings.LOGIN_FAILURE_LIMITS[parameter] - count
            for parameter, count in zip(parameters, counts, strict=True)
        )
        return get_failure_limit(request, credentials) - headroom


def failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """``AXES_FAILURE_LIMIT``: the one limit axes compares ``LoginLockoutHandler.get_failures``
    with.

    A function rather than a number: with a number, axes' admin would show each attempt as
    locked or not by that number alone, which is wrong for a username locked at its own lower
    limit; with a function it shows the counts only.
    """
    return max(settings.LOGIN_FAILURE_LIMITS.values())


def username_tried(request: HttpRequest, credentials: dict | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the e-mail address a log-in tried. allauth's form passes it to
    ``authenticate`` as ``email`` (its field is ``login``), the admin's as ``username``."""
    for source in (credentials or {}, request.POST):
        for field in ("email", "username", "login"):
            if value := source.get(field):
                return str(value)
    return None


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted by: the one the API's throttles count by, which takes
    ``API_NUM_PROXIES`` into account (behind a proxy every client would otherwise share its
    address, and one guesser would lock everybody out)."""
    return BaseThrottle().get_ident(request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The log-in page again (429, ``Retry-After``), saying why and for how long."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60)
    message = ngettext(
        "Too many failed log-ins with this e-mail address or from your network. Logging in is "
        "locked for %(minutes)d minute after the last failed attempt: try again later, or ask "
        "the labelling secretariat to unlock it.",
        "Too many failed log-ins with this e-mail address or from your network. Logging in is "
        "locked for %(minutes)d minutes after the last failed attempt: try again later, or ask "
        "the labelling secretariat to unlock it.",
        minutes,
    ) % {"minutes": minutes}
    tried = username_tried(request, None) or ""
    form = LoginForm(request=request, initial={"login": tried})
    response = render(
        request,
        "account/login.html",
        {"form": form, "lockout": message, "redirect_field_value": request.POST.get("next", "")},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
