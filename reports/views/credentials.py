"""The labels' verifiable credentials, public like the verification page: the credential (JSON
and baked into the badge PNG), the achievement it names, and the status lists verifiers check."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from assessments.models import MethodologyVersion
from labelling.models import Level
from reports import selectors
from reports.credentials import badge, status
from reports.models import Certificate, CertificateState, StatusPurpose


def _public(response: HttpResponse, max_age: int) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={max_age}"
    # Verifiers in a browser (wallets, validators) read these from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(document: dict, content_type: str, max_age: int) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return _public(HttpResponse(body, content_type=content_type), max_age)


def _certificate(number: str) -> Certificate:
    certificate = selectors.certificate_by_number(number)
    if (
        certificate is None
        or certificate.number != number
        or certificate.state != CertificateState.DONE
    ):
        raise Http404
    return certificate


@require_safe
def credential(request: HttpRequest, number: str) -> HttpResponse:
    issued = badge.issue(_certificate(number))
    response = _json(issued.document, f"{badge.MEDIA_TYPE}; charset=utf-8", 300)
    if "download" in request.GET:
        response["Content-Disposition"] = f'attachment; filename="{number}.credential.json"'
    return response


@require_safe
def credential_png(request: HttpRequest, number: str) -> HttpResponse:
    issued = badge.issue(_certificate(number))
    response = HttpResponse(badge.baked_png(issued), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{number}.badge.png"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def achievement(request: HttpRequest, code: str, version: str, level: str) -> HttpResponse:
    methodology = MethodologyVersion.objects.filter(
        code=code, version=version, published_at__isnull=False
    ).first()
    if methodology is None or level not in Level.values:
        raise Http404
    document = {
        "@context": [badge.proof.VC_V2, badge.proof.OB_V3],
        **badge.achievement(methodology, level, translation.get_language()),
    }
    return _json(document, "application/ld+json; charset=utf-8", 3600)


@require_safe
def status_list(request: HttpRequest, purpose: str, number: int) -> HttpResponse:
    """A status list credential, as last published. Verifiers may keep it for
    ``STATUS_LIST_MAX_AGE_SECONDS``, then ask again (cheaply: ETag and Last-Modified)."""
    if purpose not in StatusPurpose.values:
        raise Http404
    published = status.published(purpose, number)
    if published is None:
        raise Http404
    etag = f'"{published.bits_sha256[:32]}"'
    max_age = settings.STATUS_LIST_MAX_AGE_SECONDS
    if etag in request.headers.get("If-None-Match", ""):
        response = _public(HttpResponse(status=304), max_age)
    else:
        response = _json(published.document, f"{badge.MEDIA_TYPE}; charset=utf-8", max_age)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(published.updated_at.timestamp())
    return response
