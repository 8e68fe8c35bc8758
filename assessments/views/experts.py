"""Pages of the assessment: experts (thin views over assessments.services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.forms import ConflictDeclarationForm
from assessments.models import ConflictDeclaration, ConflictWaiver, WaiverState
from labelling.exceptions import InvalidInput
from labelling.rules import can


@login_required
def conflict_list(request: HttpRequest) -> HttpResponse:
    """An expert's declared ties to organisations, and the form to declare another."""
    if not request.user.is_expert:
        raise PermissionDenied(_("Only experts declare conflicts of interest here."))
    form = ConflictDeclarationForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            raise InvalidInput(_("Choose the organisation."), field="organisation")
        services.conflict_declare(expert=request.user, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Conflict of interest declared."))
        return redirect("conflict_list")
    declarations = request.user.conflict_declarations.select_related("organisation")
    return render(
        request, "assessments/conflicts.html", {"form": form, "declarations": declarations}
    )


@login_required
@require_POST
def conflict_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a declaration made by mistake, with the reason (the expert's own, or any for
    the secretariat)."""
    declaration = get_object_or_404(ConflictDeclaration, pk=pk)
    services.conflict_withdraw(
        declaration=declaration, actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Declaration withdrawn."))
    return redirect("conflict_list" if declaration.expert_id == request.user.pk else "waiver_list")


@login_required
def waiver_list(request: HttpRequest) -> HttpResponse:
    """The secretariat's view of declared conflicts: waive one (proposed by one member,
    confirmed by another), and the waivers awaiting a second member."""
    if not request.user.is_secretariat:
        raise PermissionDenied(_("Only the secretariat waives conflicts of interest."))
    declarations = (
        ConflictDeclaration.objects.in_force()
        .select_related("expert", "organisation")
        .prefetch_related("waivers")
        .order_by("organisation__name", "expert__full_name")
    )
    pending = ConflictWaiver.objects.filter(state=WaiverState.PROPOSED).select_related(
        "declaration__expert", "declaration__organisation", "proposed_by"
    )
    return render(
        request,
        "assessments/waivers.html",
        {
            "declarations": declarations,
            "pending": [(w, can(request.user, "assessments.decide_waiver", w)) for w in pending],
        },
    )


@login_required
@require_POST
def waiver_propose(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = get_object_or_404(ConflictDeclaration, pk=pk)
    services.waiver_propose(
        declaration=declaration, actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Waiver proposed; a second secretariat member confirms it."))
    return redirect("waiver_list")


@login_required
@require_POST
def waiver_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("confirm", "reject"):
        raise Http404
    waiver = get_object_or_404(ConflictWaiver, pk=pk)
    if decision == "confirm":
        services.waiver_confirm(waiver=waiver, actor=request.user)
        messages.success(request, _("Conflict waived."))
    else:
        services.waiver_reject(
            waiver=waiver, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Waiver rejected."))
    return redirect("waiver_list")


urlpatterns = [
    path("experts/conflicts/", conflict_list, name="conflict_list"),
    path("experts/conflicts/<int:pk>/withdraw/", conflict_withdraw, name="conflict_withdraw"),
    path("conflicts/", waiver_list, name="waiver_list"),
    path("conflicts/<int:pk>/waive/", waiver_propose, name="waiver_propose"),
    path(
        "waivers/<int:pk>/<str:decision>/",
        waiver_decide,
        name="waiver_decide",
    ),
]
