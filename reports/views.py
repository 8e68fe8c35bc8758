"""Public pages (verification, registry) and the secretariat's certificate and label actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from labelling import selectors as labelling_selectors
from labelling.forms import TransitionForm
from reports import selectors, services
from reports.filters import LabelFilter
from reports.forms import VerifyUploadForm
from reports.models import Certificate, CertificateState

REGISTRY_PAGE_SIZE = 25


def verify(request: HttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate_by_number(number)
    if certificate is None:
        return render(request, "reports/pages/verify.html", {"number": number}, status=404)
    if certificate.number != number:
        return redirect("verify", number=certificate.number)
    status = selectors.public_status(certificate.label)
    return render(
        request,
        "reports/pages/verify.html",
        {
            "certificate": certificate,
            "label": certificate.label,
            "status": status,
            "status_label": selectors.PUBLIC_STATUS_LABELS[status],
        },
    )


def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The verification form: a number typed in, or a PDF uploaded to compare byte for byte."""
    number = request.GET.get("number", "").strip()
    if number:
        return redirect("verify", number=selectors.normalise_number(number) or number)
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    match: Certificate | None = None
    checked = False
    if request.method == "POST" and form.is_valid():
        checked = True
        match = selectors.certificate_by_file(form.cleaned_data["file"])
    return render(
        request,
        "reports/pages/verify_lookup.html",
        {
            "form": form,
            "checked": checked,
            "match": match,
            "status_label": selectors.PUBLIC_STATUS_LABELS[selectors.public_status(match.label)]
            if match
            else "",
        },
    )


def certificate_pdf(request: HttpRequest, number: str) -> FileResponse:
    """The signed certificate PDF: public, as the certificate itself is meant to be shown."""
    certificate = get_object_or_404(Certificate, number=number, state=CertificateState.DONE)
    return FileResponse(
        certificate.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"certificate-{certificate.number}.pdf",
    )


def registry(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("valid_only", "true")
    label_filter = LabelFilter(data, queryset=selectors.registry_labels())
    page = Paginator(label_filter.qs, REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/pages/registry.html",
        {
            "filter": label_filter,
            "page": page,
            "query": query.urlencode(),
            "status_labels": selectors.PUBLIC_STATUS_LABELS,
        },
    )


@login_required
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The assessment report: for those who may see the application (404 for anyone else)."""
    application = labelling_selectors.application_get(user=request.user, pk=pk)
    certificate = selectors.certificate_of_application(application)
    if certificate is None or certificate.state != CertificateState.DONE:
        raise Http404
    return FileResponse(
        certificate.report.open("rb"),
        content_type="application/pdf",
        filename=f"report-{certificate.number}.pdf",
    )


LABEL_ACTIONS = {
    "suspend": (services.label_suspend, _("Label suspended.")),
    "reinstate": (services.label_reinstate, _("Label reinstated.")),
    "revoke": (services.label_revoke, _("Label revoked.")),
}


@login_required
@require_POST
def label_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in LABEL_ACTIONS:
        raise Http404
    label = selectors.label_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    form.is_valid()
    perform, done = LABEL_ACTIONS[action]
    perform(label=label, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    messages.success(request, done)
    return redirect("application_detail", pk=label.application_id)


@login_required
@require_POST
def certificate_retry(request: HttpRequest, pk: int) -> HttpResponse:
    application = labelling_selectors.application_get(user=request.user, pk=pk)
    certificate = selectors.certificate_of_application(application)
    if certificate is None:
        raise Http404
    services.certificate_retry(certificate=certificate, actor=request.user)
    messages.success(request, _("The certificate is queued for another attempt."))
    return redirect("application_detail", pk=application.pk)
