"""Pages of the labelling workflow: thin views over ``labelling.services`` and selectors."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from labelling import selectors, services
from labelling.forms import ApiTokenForm, ApplicationCreateForm, OrganisationForm, TransitionForm
from labelling.models import Application, ApplicationState, Outcome, User
from labelling.rules import can
from labelling.workflow import user_transitions
from reports.selectors import label_context

# Each action a person can start from an application page, and the service that does it.
APPLICATION_ACTIONS: dict[str, Callable[..., object]] = {
    "submit": lambda app, user, data: services.application_submit(application=app, actor=user),
    "return_for_completion": lambda app, user, data: services.application_return(
        application=app, actor=user, reason=data["reason"]
    ),
    "reject": lambda app, user, data: services.application_reject(
        application=app, actor=user, reason=data["reason"]
    ),
    "accept": lambda app, user, data: services.application_accept(application=app, actor=user),
    "withdraw": lambda app, user, data: services.application_withdraw(
        application=app, actor=user, reason=data["reason"]
    ),
    "send_back_to_experts": lambda app, user, data: services.application_send_back(
        application=app, actor=user, reason=data["reason"]
    ),
    "propose_decision": lambda app, user, data: services.application_propose_decision(
        application=app, actor=user, outcome=data["outcome"], reason=data["reason"]
    ),
    "confirm_decision": lambda app, user, data: services.application_confirm_decision(
        application=app, actor=user
    ),
    "reject_proposal": lambda app, user, data: services.application_reject_proposal(
        application=app, actor=user, reason=data["reason"]
    ),
    "certify": lambda app, user, data: services.application_certify(application=app, actor=user),
    "close": lambda app, user, data: services.application_close(application=app, actor=user),
    "appeal": lambda app, user, data: services.application_appeal(
        application=app, actor=user, reason=data["reason"]
    ),
    "uphold_appeal": lambda app, user, data: services.appeal_uphold(
        application=app, actor=user, reason=data["reason"]
    ),
    "dismiss_appeal": lambda app, user, data: services.appeal_dismiss(
        application=app, actor=user, reason=data["reason"]
    ),
}


ACTION_LABELS = {
    "submit": gettext_lazy("Submit the application"),
    "return_for_completion": gettext_lazy("Return for completion"),
    "reject": gettext_lazy("Reject as ineligible"),
    "accept": gettext_lazy("Accept as eligible"),
    "withdraw": gettext_lazy("Withdraw the application"),
    "send_back_to_experts": gettext_lazy("Send back to the experts"),
    "propose_decision": gettext_lazy("Propose the decision"),
    "confirm_decision": gettext_lazy("Confirm the decision"),
    "reject_proposal": gettext_lazy("Do not confirm the proposal"),
    "certify": gettext_lazy("Issue the certificate"),
    "close": gettext_lazy("Close without label"),
    "appeal": gettext_lazy("Appeal against the decision"),
    "uphold_appeal": gettext_lazy("Uphold the appeal"),
    "dismiss_appeal": gettext_lazy("Dismiss the appeal"),
}
# Actions whose form asks for a reason (required or optional).
ACTIONS_WITH_REASON = {
    "return_for_completion",
    "reject",
    "withdraw",
    "send_back_to_experts",
    "propose_decision",
    "reject_proposal",
    "appeal",
    "uphold_appeal",
    "dismiss_appeal",
}


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state and state not in ApplicationState.values:
        state = ""
    counts = selectors.state_counts(user=request.user)
    context = {
        "applications": selectors.application_list(user=request.user, state=state),
        "organisations": selectors.organisation_list(user=request.user),
        "states": [
            (value, label, counts.get(value, 0)) for value, label in ApplicationState.choices
        ],
        "current_state": state,
    }
    return render(request, "labelling/dashboard.html", context)


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "labelling.create_organisation"):
        raise PermissionDenied(
            _("Only cluster managers and the secretariat register organisations.")
        )
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Organisation registered."))
        return redirect("organisation_detail", pk=organisation.pk)
    return render(request, "labelling/organisation_form.html", {"form": form})


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.organisation_update(organisation=organisation, actor=request.user, **data)
        messages.success(request, _("Organisation profile saved."))
        return redirect("organisation_detail", pk=organisation.pk)
    return render(
        request,
        "labelling/organisation_detail.html",
        {
            "organisation": organisation,
            "form": form,
            "application_form": ApplicationCreateForm(),
            "applications": selectors.application_list(user=request.user).filter(
                organisation=organisation
            ),
        },
    )


@login_required
@require_POST
def application_create(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=organisation_pk)
    form = ApplicationCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a level."))
        return redirect("organisation_detail", pk=organisation.pk)
    application = services.application_create(
        organisation=organisation, level=form.cleaned_data["level"], actor=request.user
    )
    messages.success(request, _("Draft application opened."))
    return redirect("application_detail", pk=application.pk)


def _recommendation_context(application: Application, user: User) -> dict:
    """The rules' recommendation, for the secretariat deciding and the experts who produced it."""
    from assessments.services import latest_recommendation

    if not (
        can(user, "labelling.review_quality", application)
        or can(user, "labelling.score_application", application)
    ):
        return {}
    recommendation = latest_recommendation(application)
    if recommendation is None:
        return {}
    return {
        "recommendation": recommendation,
        "recommendation_label": Outcome(recommendation.outcome).label,
    }


def _self_assessment_context(application: Application, user: User) -> dict:
    """What keeps the draft from being submitted, for the manager who can still complete it."""
    from assessments.services import self_assessment_gaps

    if not can(user, "assessments.edit_self_assessment", application):
        return {}
    return {"self_assessment_gaps": self_assessment_gaps(application)}


def _expert_suggestions_context(application: Application, user: User) -> dict:
    """The experts ranked for the secretariat building the team, and the eligible ones to
    invite; nothing once the team is confirmed or for anyone else."""
    from assessments.services import expert_suggestions

    if application.state != ApplicationState.ACCEPTED or not can(
        user, "labelling.assign_experts", application
    ):
        return {}
    suggestions = expert_suggestions(application=application, actor=user)
    return {
        "suggestions": suggestions,
        "eligible_experts": [s.expert for s in suggestions if s.eligible],
    }


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    actions = [
        (name, ACTION_LABELS[name], name in ACTIONS_WITH_REASON)
        for name in user_transitions(application, request.user)
        if name in APPLICATION_ACTIONS
    ]
    return render(
        request,
        "labelling/application_detail.html",
        {
            "application": application,
            "history": selectors.application_history(application=application),
            "actions": actions,
            "form": TransitionForm(),
            **_recommendation_context(application, request.user),
            **_self_assessment_context(application, request.user),
            **label_context(application, request.user),
            **_expert_suggestions_context(application, request.user),
            "my_assignment": next(
                (a for a in application.assignments.all() if a.expert_id == request.user.pk), None
            ),
        },
    )


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    perform = APPLICATION_ACTIONS.get(action)
    if perform is None:
        raise Http404
    application: Application = selectors.application_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    form.is_valid()
    data = {
        "reason": form.cleaned_data.get("reason", ""),
        "outcome": form.cleaned_data.get("outcome", ""),
    }
    perform(application, request.user, data)
    messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("application_detail", pk=application.pk)


@login_required
def api_token_list(request: HttpRequest) -> HttpResponse:
    """The person's API tokens; a new one's key is shown on this answer only, never again."""
    form = ApiTokenForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        _token, new_key = services.api_token_create(user=request.user, name=name)
        form = ApiTokenForm()
    return render(
        request,
        "labelling/api_tokens.html",
        {"tokens": selectors.api_token_list(user=request.user), "form": form, "new_key": new_key},
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get(user=request.user, pk=pk)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens")
