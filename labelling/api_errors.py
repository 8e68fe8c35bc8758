"""Every API error as an RFC 9457 problem detail (``application/problem+json``).

DRF's own errors and the services' refusals (``labelling.exceptions.ServiceError``) get one
shape: ``type``, ``title``, ``status``, ``detail`` and ``code``, plus ``errors`` ({field:
[messages]}) for bad input and ``current_state`` and ``allowed_transitions`` for a refused
transition. Anything else is left to Django, i.e. a genuine server error stays a 500.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from labelling.exceptions import InvalidInput, ServiceError, TransitionRefused

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    """What every error answer carries (for the schema; the handler builds plain dicts)."""

    type = serializers.CharField(help_text="Always about:blank: `code` tells the problems apart.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    code = serializers.CharField(help_text="Machine-readable, e.g. illegal_transition.")
    details = serializers.ListField(child=serializers.CharField(), required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Bad input: the messages per field.",
    )
    current_state = serializers.CharField(required=False)
    allowed_transitions = serializers.ListField(child=serializers.CharField(), required=False)


def _problem(status: int, *, code: str, detail: str, **extensions: Any) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **{name: value for name, value in extensions.items() if value not in (None, [], {})},
    }


def _service_problem(exc: ServiceError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"details": exc.details}
    if isinstance(exc, InvalidInput) and exc.field:
        extensions["errors"] = {exc.field: [exc.message]}
    if isinstance(exc, TransitionRefused):
        extensions["current_state"] = exc.current_state
        extensions["allowed_transitions"] = exc.allowed
    return _problem(exc.status_code, code=exc.code, detail=exc.message, **extensions)


def _field_errors(detail: Any) -> dict[str, list[str]]:
    """DRF's validation detail as {field: [messages]}; errors not tied to a field go under
    ``non_field_errors``, nested ones are flattened to their messages."""
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail}
    return {str(field): _messages(value) for field, value in detail.items()}


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [message for item in value.values() for message in _messages(item)]
    if isinstance(value, list):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def _api_problem(exc: exceptions.APIException, status: int) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        return _problem(
            status,
            code="invalid",
            detail=_("The input is not valid."),
            errors=_field_errors(exc.detail),
        )
    code = exc.detail.code if isinstance(exc.detail, exceptions.ErrorDetail) else None
    return _problem(status, code=code or exc.default_code, detail=str(exc.detail))


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF ``EXCEPTION_HANDLER``: a problem-detail response, or ``None`` for a server error."""
    if isinstance(exc, ServiceError):
        set_rollback()
        response = Response(_service_problem(exc), status=exc.status_code)
    else:
        if isinstance(exc, Http404):
            exc = exceptions.NotFound()
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        # DRF's handler adds the headers (WWW-Authenticate, Retry-After) and the rollback.
        response = exception_handler(exc, context)
        if response is None:
            return None
        response.data = _api_problem(exc, response.status_code)
    renderer = getattr(context.get("request"), "accepted_renderer", None)
    if renderer is None or renderer.format == "json":
        response.content_type = PROBLEM_CONTENT_TYPE
    return response


def is_api(request: HttpRequest) -> bool:
    """The request is the API's: its answers are problem details, never pages."""
    return request.path.startswith("/api/")


def service_problem_response(error: ServiceError) -> JsonResponse:
    """A refusal as a problem detail, answered outside DRF's views (by a middleware, before
    any view runs)."""
    return JsonResponse(
        _service_problem(error), status=error.status_code, content_type=PROBLEM_CONTENT_TYPE
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: an API address that matches no route is a problem detail too (a client
    reading JSON must not be handed the HTML page); every other address gets the page."""
    if is_api(request):
        body = _problem(404, code="not_found", detail=_("Not found."))
        return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the API's server error in the same shape, without any detail of it."""
    if is_api(request):
        body = _problem(500, code="server_error", detail=_("Something went wrong on our side."))
        return JsonResponse(body, status=500, content_type=PROBLEM_CONTENT_TYPE)
    return defaults.server_error(request)
