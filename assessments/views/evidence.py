"""Pages of the assessment: evidence files (thin views over assessments.services).

Files are reached through their application, scoped to the person first: someone who may not
see the application gets 404, as everywhere else on the site. The file itself is checked and
stored by ``evidence_upload`` and served by ``evidence_open``, never from a public media URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.forms import EvidenceUploadForm
from assessments.models import Evidence, Indicator
from assessments.services.evidence import max_upload_bytes
from assessments.services.selfassessment import required_indicators
from labelling import selectors
from labelling.exceptions import InvalidInput
from labelling.middleware import accepts_upload
from labelling.models import Application
from labelling.rules import can


def _evidence_of(application: Application, pk: int) -> Evidence:
    return get_object_or_404(application.evidence, pk=pk)


def _indicator_url(application: Application, indicator_pk: int | None) -> str:
    url = reverse("self_assessment", args=[application.pk])
    return f"{url}#indicator-{indicator_pk}" if indicator_pk else url


def _render_upload(
    request: HttpRequest,
    application: Application,
    indicator: Indicator,
    form: EvidenceUploadForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "assessments/evidence_form.html",
        {
            "application": application,
            "indicator": indicator,
            "evidence": application.evidence.filter(indicator=indicator),
            "form": form,
            "max_bytes": max_upload_bytes(),
            "editable": can(request.user, "assessments.edit_self_assessment", application),
        },
        status=status,
    )


@accepts_upload(max_upload_bytes)
@login_required
def evidence_upload(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    """Add a file to one indicator of the self-assessment; a refused file is named next to the
    field, with the status the service gives (400, or 413 when it is too large; a body far
    larger is refused before it is read)."""
    application = selectors.application_get(user=request.user, pk=pk)
    indicator = get_object_or_404(required_indicators(application), pk=indicator_pk)
    if request.method != "POST":
        return _render_upload(request, application, indicator, EvidenceUploadForm())
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_upload(request, application, indicator, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        services.evidence_upload(
            application=application,
            actor=request.user,
            upload=upload,
            name=upload.name,
            indicator=indicator,
            declared_size=upload.size,
        )
    except InvalidInput as invalid:
        form.add_error("file", invalid.message)
        return _render_upload(request, application, indicator, form, status=invalid.status_code)
    messages.success(
        request, _("%(name)s added to %(code)s.") % {"name": upload.name, "code": indicator.code}
    )
    return redirect(_indicator_url(application, indicator.pk))


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """The file as an attachment, under the name it was uploaded with."""
    application = selectors.application_get(user=request.user, pk=pk)
    evidence = _evidence_of(application, evidence_pk)
    return FileResponse(
        services.evidence_open(evidence=evidence, viewer=request.user),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    evidence = _evidence_of(application, evidence_pk)
    services.evidence_delete(evidence=evidence, actor=request.user)
    messages.success(request, _("%(name)s removed.") % {"name": evidence.original_name})
    return redirect(_indicator_url(application, evidence.indicator_id))


urlpatterns = [
    path(
        "applications/<int:pk>/indicators/<int:indicator_pk>/evidence/",
        evidence_upload,
        name="evidence_upload",
    ),
    path(
        "applications/<int:pk>/evidence/<int:evidence_pk>/",
        evidence_download,
        name="evidence_download",
    ),
    path(
        "applications/<int:pk>/evidence/<int:evidence_pk>/delete/",
        evidence_delete,
        name="evidence_delete",
    ),
]
