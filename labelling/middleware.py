"""Turns a service's refusal into a page with its status (403, 409, 400) and its message."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from labelling.exceptions import ServiceError


class ServiceErrorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ServiceError):
            return None
        return render(
            request,
            "errors/service_error.html",
            {"error": exception, "back": request.META.get("HTTP_REFERER", "")},
            status=exception.status_code,
        )


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
