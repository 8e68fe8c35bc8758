"""The public pages: the landing page, certificate verification and the registry."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property

from labelling.api_throttling import throttle_page
from labelling.middleware import accepts_upload
from reports import did, public_cache, selectors, sharing, statistics
from reports.documents import verify_url
from reports.filters import LabelFilter
from reports.forms import MAX_VERIFY_BYTES, VerifyUploadForm
from reports.models import Certificate

REGISTRY_PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html", {"label_counts": statistics.active_label_counts()})


# The lookups by number or file are throttled like their API twin (scope "public"), with one
# count per address: neither may be used to try number after number.
@throttle_page("public")
def verify(request: HttpRequest, number: str) -> HttpResponse:
    return public_cache.kept_page(
        request, f"verify:{number}", lambda extra: _verify(request, number, extra)
    )


def _verify(request: HttpRequest, number: str, extra: dict) -> HttpResponse:
    certificate = selectors.certificate_by_number(number)
    if certificate is None:
        return render(request, "reports/pages/verify.html", {"number": number, **extra}, status=404)
    if certificate.number != number:
        return redirect("verify", number=certificate.number)
    status = selectors.public_status(certificate.label)
    return render(
        request,
        "reports/pages/verify.html",
        {
            **extra,
            "certificate": certificate,
            "label": certificate.label,
            "status": status,
            "status_label": selectors.PUBLIC_STATUS_LABELS[status],
            "verify_url": verify_url(certificate.number),
            "badge_url": sharing.badge_url(certificate),
            "linkedin_url": sharing.linkedin_url(certificate) if status == "valid" else "",
        },
    )


def verify_badge(request: HttpRequest, number: str) -> FileResponse:
    """The label's image (link previews, the embeddable badge): drawn once, then stored."""
    certificate = selectors.certificate_by_number(number)
    if certificate is None or certificate.number != number:
        raise Http404
    response = FileResponse(sharing.badge_file(certificate), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@accepts_upload(lambda: MAX_VERIFY_BYTES)
@throttle_page("public")
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The verification form: a number typed in, or a PDF uploaded to compare byte for byte."""
    number = request.GET.get("number", "").strip()
    if number:
        return redirect("verify", number=selectors.normalise_number(number) or number)
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    match: Certificate | None = None
    earlier_revision = None
    checked = False
    if request.method == "POST" and form.is_valid():
        checked = True
        match, earlier_revision = selectors.certificate_by_file(form.cleaned_data["file"])
    return render(
        request,
        "reports/pages/verify_lookup.html",
        {
            "form": form,
            "checked": checked,
            "match": match,
            "earlier_revision": earlier_revision,
            "status_label": selectors.PUBLIC_STATUS_LABELS[selectors.public_status(match.label)]
            if match
            else "",
        },
    )


@throttle_page("public")
def certificate_pdf(request: HttpRequest, number: str) -> FileResponse:
    """The signed certificate PDF: public, as the certificate itself is meant to be shown."""
    # While a new revision renders, the current file is still the one to show.
    certificate = get_object_or_404(Certificate.objects.exclude(pdf=""), number=number)
    return FileResponse(
        certificate.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"certificate-{certificate.number}.pdf",
    )


def registry(request: HttpRequest) -> HttpResponse:
    return public_cache.kept_page(
        request, "registry", lambda extra: _registry(request, extra), query=True
    )


def _registry(request: HttpRequest, extra: dict) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("valid_only", "true")
    label_filter = LabelFilter(data, queryset=selectors.registry_labels())
    query = data.copy()
    query.pop("page", None)
    # Counted once per choice of rows (not per page, order or visitor) until a change: with
    # 100,000 labels the count is most of the page's time.
    rows = sorted((k, v) for k, v in query.lists() if k != "ordering")
    page = KeptCountPaginator(
        label_filter.qs, REGISTRY_PAGE_SIZE, key=f"registry-count:{rows!r}"
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/pages/registry.html",
        {
            **extra,
            "filter": label_filter,
            "page": page,
            "query": query.urlencode(),
            "status_labels": selectors.PUBLIC_STATUS_LABELS,
        },
    )


class KeptCountPaginator(Paginator):
    """A paginator whose count is kept (``reports.public_cache``) under ``key``."""

    def __init__(self, object_list, per_page: int, *, key: str) -> None:
        super().__init__(object_list, per_page)
        self.key = key

    @cached_property
    def count(self) -> int:
        return public_cache.kept(self.key, lambda: Paginator.count.func(self))


def did_document(request: HttpRequest) -> JsonResponse:
    """The scheme's ``did:web`` document: who issues the labels' credentials, and its keys."""
    response = JsonResponse(did.did_document(), content_type="application/did+json")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
