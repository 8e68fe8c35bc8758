"""Behind the login: the assessment report, the label and certificate actions, the scheme's
statistics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from labelling import selectors as labelling_selectors
from labelling.forms import TransitionForm
from labelling.rules import can
from reports import letters, selectors, services, statistics
from reports.models import CertificateState, DecisionLetter


@login_required
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The assessment report: for those who may see the application (404 for anyone else)."""
    application = labelling_selectors.application_get(user=request.user, pk=pk)
    certificate = selectors.certificate_of_application(application)
    if certificate is not None and certificate.state == CertificateState.DONE:
        return FileResponse(
            certificate.report.open("rb"),
            content_type="application/pdf",
            filename=f"report-{certificate.number}.pdf",
        )
    # An outcome without a label: the report went out with its decision letter.
    letter = application.letters.filter(sent_at__isnull=False).exclude(report="").last()
    if letter is None:
        raise Http404
    return FileResponse(
        letter.report.open("rb"), content_type="application/pdf", filename=f"report-{pk}.pdf"
    )


def _letter(request: HttpRequest, pk: int) -> DecisionLetter:
    """The letter, if the person may read it: 404 otherwise (a draft is the secretariat's)."""
    letter = get_object_or_404(DecisionLetter, pk=pk)
    application = labelling_selectors.application_get(user=request.user, pk=letter.application_id)
    if letter not in letters.letters_for(application=application, user=request.user):
        raise Http404
    return letter


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> FileResponse:
    letter = _letter(request, pk)
    if not letter.pdf:
        raise Http404
    return FileResponse(
        letter.pdf.open("rb"), content_type="application/pdf", filename=f"letter-{letter.pk}.pdf"
    )


@login_required
def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as it will print (unsigned), for the secretariat before sending."""
    letter = _letter(request, pk)
    if not can(request.user, "reports.send_decision_letter", letter.application):
        raise Http404
    return HttpResponse(letters.letter_preview_pdf(letter), content_type="application/pdf")


@login_required
@require_POST
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    letters.letter_update(
        letter=letter,
        actor=request.user,
        body=request.POST.get("body", ""),
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, _("Letter saved."))
    return redirect(f"{reverse('application_detail', args=[letter.application_id])}#letters")


@login_required
@require_POST
def letter_send(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    letters.letter_send(letter=letter, actor=request.user)
    messages.success(request, _("Letter sent to the organisation's managers."))
    return redirect(f"{reverse('application_detail', args=[letter.application_id])}#letters")


# Lazy: read at import, the messages would stay in the language the process started in.
LABEL_ACTIONS = {
    "suspend": (services.label_suspend, gettext_lazy("Label suspended.")),
    "reinstate": (services.label_reinstate, gettext_lazy("Label reinstated.")),
    "revoke": (services.label_revoke, gettext_lazy("Label revoked.")),
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


def _certificate_of(request: HttpRequest, pk: int):
    """The certificate of application ``pk``, if the user may open the application."""
    application = labelling_selectors.application_get(user=request.user, pk=pk)
    certificate = selectors.certificate_of_application(application)
    if certificate is None:
        raise Http404
    return certificate


@login_required
@require_POST
def certificate_retry(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate_of(request, pk)
    services.certificate_retry(certificate=certificate, actor=request.user)
    messages.success(request, _("The certificate is queued for another attempt."))
    return redirect("application_detail", pk=pk)


@login_required
@require_POST
def certificate_rerender(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate_of(request, pk)
    form = TransitionForm(request.POST)
    form.is_valid()
    services.certificate_rerender(
        certificate=certificate, actor=request.user, reason=form.cleaned_data.get("reason", "")
    )
    messages.success(
        request,
        _("The certificate is being rendered again as revision %(revision)d, same number.")
        % {"revision": certificate.revision},
    )
    return redirect("application_detail", pk=pk)


@login_required
def scheme_statistics(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "labelling.view_statistics"):
        raise PermissionDenied(_("Only the secretariat sees the scheme's statistics."))
    return render(
        request, "labelling/statistics.html", {"statistics": statistics.scheme_statistics()}
    )
