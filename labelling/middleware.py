"""The site's own middleware: refusals as pages (a service's, and input no view can take), the
reader's language, and the secretariat's idle timeout."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import structlog
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from labelling.api_errors import is_api, service_problem_response
from labelling.exceptions import InvalidInput, ServiceError, UploadTooLarge

View = TypeVar("View", bound=Callable)

#: Room in a request's body for what a form sends besides its file: the multipart boundaries
#: and part headers, the CSRF token and the other fields.
FORM_OVERHEAD_BYTES = 64 * 1024
NUL = "\x00"


def refusal_page(request: HttpRequest, error: ServiceError) -> HttpResponse:
    """The page that says why: its heading from the status, the message, a way back."""
    return render(
        request,
        "errors/service_error.html",
        {"error": error, "back": request.META.get("HTTP_REFERER", "")},
        status=error.status_code,
    )


class ServiceErrorMiddleware:
    """Turns a service's refusal into a page with its status (403, 409, 400) and its message."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ServiceError):
            return None
        return refusal_page(request, exception)


def accepts_upload(limit: Callable[[], int]) -> Callable[[View], View]:
    """Declares the largest file a view (a function or a class) accepts: ``limit()`` bytes,
    asked on each request so that the settings of the moment apply. ``BadInputMiddleware``
    refuses a request whose declared body is larger (beyond ``FORM_OVERHEAD_BYTES``) with 413
    before anything reads it; the view's own check of the file's size stays the exact one."""

    def declare(view: View) -> View:
        view.upload_limit = staticmethod(limit) if isinstance(view, type) else limit
        return view

    return declare


def _upload_limit(request: HttpRequest) -> int | None:
    """The largest file the view at the request's address accepts (``None``: no upload)."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    view = match.func
    # A class-based view (Django's or DRF's) carries its class on the function as_view() made.
    limit = getattr(view, "upload_limit", None) or getattr(
        getattr(view, "view_class", None), "upload_limit", None
    )
    return limit() if limit is not None else None


def _oversized_upload(request: HttpRequest) -> UploadTooLarge | None:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None  # Django reads such a body as empty
    if declared <= FORM_OVERHEAD_BYTES:
        return None
    limit = _upload_limit(request)
    if limit is None or declared <= limit + FORM_OVERHEAD_BYTES:
        return None
    return UploadTooLarge.over(limit)


def _nul_header(request: HttpRequest) -> InvalidInput | None:
    """The refusal of a NUL character in a header or cookie (HTTP allows none: RFC 9110,
    5.5), which would otherwise reach the database, e.g. the user agent that the lockout
    records of a failed log-in."""
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and NUL in value:
            return InvalidInput(_("Null characters are not allowed."))
    return None


def _nul_refusal(request: HttpRequest) -> InvalidInput | None:
    """The refusal of a NUL character in the query string or in a posted field's name or
    value, naming the field (``None``: there is none). Django parses the form of a POST only,
    and leaves no unprintable character in a file's name; the API's JSON bodies are checked by
    its parser (``labelling.api_parsers``)."""
    data = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for fields in data:
        for name, values in fields.lists():
            if NUL in name or any(NUL in value for value in values):
                field = "" if NUL in name else name
                return InvalidInput(_("Null characters are not allowed."), field=field)
    return None


class BadInputMiddleware:
    """Refuses input that no view can take before any view sees it, so that it is answered as
    bad input rather than as a server error (PostgreSQL refuses a NUL character in any text,
    and Django's forms refuse it only in their text fields):

    - a NUL character in the address: 404, as no address has one;
    - a NUL character in a header or cookie, the query string or a posted field: 400;
    - a body larger than the view's upload limit (``accepts_upload``), from its
      Content-Length: 413, before the body is read.

    Pages get the refusal page, the API a problem detail. It works in the request phase, before
    any middleware's ``process_view`` (the CSRF check reads the posted form there).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path_info:
            raise Http404(_("Not found."))
        refusal = _nul_header(request) or _oversized_upload(request) or _nul_refusal(request)
        if refusal is not None:
            if is_api(request):
                return service_problem_response(refusal)
            return refusal_page(request, refusal)
        return self.get_response(request)


class UserLanguageMiddleware:
    """Shows a logged-in person's pages in their own language (``User.language``), the one
    their e-mails are written in, whatever the browser asks for. Comes after the
    authentication middleware and overrides the language ``LocaleMiddleware`` chose; the
    language switch changes ``User.language`` (``labelling.views.set_language``)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class SecretariatIdleTimeoutMiddleware:
    """Ends a secretariat member's session after ``SECRETARIAT_IDLE_MINUTES`` without a
    request: each request sets the session to expire that long after it (Django's own session
    expiry), so only idleness ends it. Others keep the site's usual session length."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_secretariat:
            request.session.set_expiry(settings.SECRETARIAT_IDLE_MINUTES * 60)
        return self.get_response(request)


#: What an upstream request id may look like: a proxy's UUID or token. Anything else is a
#: client's text (long, or with spaces or quotes that would garble a log line and the response
#: header that repeats it), dropped so that django-structlog makes a new id.
UPSTREAM_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}\Z")


class UpstreamRequestIdMiddleware:
    """Drops an ``X-Request-ID`` that is not shaped like a proxy's, before django-structlog
    reads it; runs before it. Only a proxy that overwrites the client's header makes the id
    trustworthy at all: ``LOG_TRUST_UPSTREAM_REQUEST_ID`` is off unless set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        upstream = request.META.get("HTTP_X_REQUEST_ID")
        if upstream is not None and not UPSTREAM_REQUEST_ID.match(upstream):
            del request.META["HTTP_X_REQUEST_ID"]
        return self.get_response(request)


class RequestIdHeaderMiddleware:
    """Sends the request's id (django-structlog's, on every log line of the request and of the
    tasks it queued) back as ``X-Request-ID``, so that a person reporting a problem, or the
    proxy's log, can name the lines that go with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id and "X-Request-ID" not in response:
            response["X-Request-ID"] = str(request_id)
        return response
