"""Pages for assigning experts and for the experts' own steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.forms import AcceptAssignmentForm, AssignmentForm, DeclineAssignmentForm
from assessments.models import Assignment, AssignmentRole
from labelling import selectors
from labelling.exceptions import InvalidInput
from labelling.models import ApplicationState, User
from labelling.rules import can


def _own_assignment(request: HttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("application"), pk=pk, expert=request.user
    )


@login_required
@require_POST
def assignment_create(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=application_pk)
    form = AssignmentForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(_("Choose an expert and a role."), field="expert")
    services.assignment_create(application=application, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Expert invited."))
    return redirect("application_detail", pk=application.pk)


@login_required
@require_POST
def assign_experts(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=application_pk)
    services.application_assign_experts(application=application, actor=request.user)
    messages.success(request, _("The experts have been asked to accept."))
    return redirect("application_detail", pk=application.pk)


@login_required
@require_POST
def assignment_accept(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    form = AcceptAssignmentForm(request.POST)
    form.is_valid()
    services.assignment_accept(
        assignment=assignment,
        actor=request.user,
        no_conflict_declared=form.cleaned_data.get("no_conflict_declared", False),
    )
    messages.success(request, _("Assignment accepted."))
    return redirect("application_detail", pk=assignment.application_id)


@login_required
@require_POST
def assignment_decline(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    form = DeclineAssignmentForm(request.POST)
    form.is_valid()
    services.assignment_decline(
        assignment=assignment, actor=request.user, reason=form.cleaned_data.get("reason", "")
    )
    messages.success(request, _("Assignment declined."))
    return redirect("dashboard")


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    services.assessment_submit(assignment=assignment, actor=request.user)
    messages.success(request, _("Scoring submitted."))
    return redirect("application_detail", pk=assignment.application_id)


@login_required
@require_POST
def consensus_complete(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=application_pk)
    services.consensus_complete(application=application, actor=request.user)
    messages.success(request, _("Consensus handed to the quality review."))
    return redirect("application_detail", pk=application.pk)


#: How many suggestions the bulk page offers per application and role (eligible first).
BULK_SUGGESTIONS = 8


def _chosen_applications(request: HttpRequest, data) -> list:
    ids = [int(pk) for pk in data.getlist("application") if pk.isdigit()]
    return list(
        selectors.visible_applications(request.user)
        .filter(pk__in=ids, state=ApplicationState.ACCEPTED)
        .select_related("organisation")
        .order_by("pk")
    )


@login_required
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Experts for several accepted applications at once: per application a lead expert (and
    for GOLD a second), suggestions first; each pair is checked on its own."""
    if not can(request.user, "labelling.assign_experts"):
        raise PermissionDenied(_("Only the secretariat assigns experts."))
    if request.method == "POST":
        applications = {a.pk: a for a in _chosen_applications(request, request.POST)}
        experts = {
            u.pk: u
            for u in User.objects.filter(
                is_expert=True,
                pk__in=[
                    int(v)
                    for k, v in request.POST.items()
                    if k.startswith(("lead-", "second-")) and v.isdigit()
                ],
            )
        }
        pairs = []
        for pk, application in applications.items():
            for role in (AssignmentRole.LEAD, AssignmentRole.SECOND):
                chosen = request.POST.get(f"{role}-{pk}", "")
                if chosen.isdigit() and int(chosen) in experts:
                    pairs.append((application, experts[int(chosen)], role))
        outcomes = services.assign_in_bulk(actor=request.user, pairs=pairs)
        return render(request, "assessments/bulk_assign_done.html", {"outcomes": outcomes})
    applications = _chosen_applications(request, request.GET)
    rows = []
    for application in applications:
        suggestions = services.expert_suggestions(application=application, actor=request.user)
        rows.append(
            {
                "application": application,
                "suggestions": suggestions[:BULK_SUGGESTIONS],
                "needs_second": services.required_expert_count(application) > 1,
            }
        )
    return render(request, "assessments/bulk_assign.html", {"rows": rows})
