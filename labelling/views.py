"""Pages of the labelling workflow: thin views over ``labelling.services`` and selectors."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from labelling import selectors, services
from labelling.filters import ApplicationFilter
from labelling.forms import ApiTokenForm, ApplicationCreateForm, OrganisationForm, TransitionForm
from labelling.models import ACTION_LABELS, Application, ApplicationState, Outcome, User
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

# Actions whose form asks for a reason (required or optional), and the question it answers:
# several forms can be on one page, and each field must say what it is for.
REASON_LABELS = {
    "return_for_completion": gettext_lazy("What must the organisation complete?"),
    "reject": gettext_lazy("Why is the application ineligible?"),
    "withdraw": gettext_lazy("Why do you withdraw the application? (optional)"),
    "send_back_to_experts": gettext_lazy("What must the experts revisit?"),
    "propose_decision": gettext_lazy(
        "Why does the decision depart from the rules' recommendation? (only if it does)"
    ),
    "reject_proposal": gettext_lazy("Why is the proposal not confirmed?"),
    "appeal": gettext_lazy("On what grounds do you appeal?"),
    "uphold_appeal": gettext_lazy("Why is the appeal upheld?"),
    "dismiss_appeal": gettext_lazy("Why is the appeal dismissed?"),
}
#: Rows per page of the application list.
DASHBOARD_PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html", {"label_counts": selectors.active_label_counts()})


def _query_without(data: QueryDict, *names: str) -> str:
    """The query string of ``data`` without ``names``: what a link that sets them starts from."""
    query = data.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
@vary_on_headers("HX-Request")
def dashboard(request: HttpRequest) -> HttpResponse:
    """The person's applications, filtered and paginated (the secretariat's work queue, oldest
    submission first); an HTMX request from the filter form gets the list alone."""
    data = request.GET.copy()
    data.setdefault("ordering", "submitted" if request.user.is_secretariat else "-opened")
    application_filter = ApplicationFilter(
        data, queryset=selectors.application_list(user=request.user)
    )
    counts = selectors.state_counts(applications=application_filter.qs_without_state)
    context = {
        "filter": application_filter,
        "applications": Paginator(application_filter.qs, DASHBOARD_PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "states": [
            (value, label, counts.get(value, 0)) for value, label in ApplicationState.choices
        ],
        "current_state": application_filter.form.cleaned_data.get("state", ""),
        "total": sum(counts.values()),
        "query": _query_without(data, "page"),
        "state_query": _query_without(data, "page", "state"),
        "can_view_statistics": can(request.user, "labelling.view_statistics"),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "labelling/_application_list.html", context)
    if request.user.is_expert:
        context["assignments"] = Paginator(
            selectors.assignment_list(user=request.user), DASHBOARD_PAGE_SIZE
        ).get_page(request.GET.get("assignments_page"))
        context["today"] = timezone.localdate()
    context["organisations"] = selectors.organisation_list(user=request.user)
    return render(request, "labelling/dashboard.html", context)


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "labelling.view_statistics"):
        raise PermissionDenied(_("Only the secretariat sees the scheme's statistics."))
    return render(
        request, "labelling/statistics.html", {"statistics": selectors.scheme_statistics()}
    )


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
            "can_apply": can(request.user, "labelling.create_application", organisation),
            "today": timezone.localdate(),
            "application_form": ApplicationCreateForm(),
            "renewal_forms": [
                (
                    label,
                    ApplicationCreateForm(
                        initial={"level": label.level, "renews": label.pk},
                        auto_id=f"id_renewal_{label.pk}_%s",
                    ),
                )
                for label in selectors.renewable_labels(organisation=organisation)
            ],
            "applications": selectors.application_list(user=request.user).filter(
                organisation=organisation
            ),
        },
    )


@login_required
@require_POST
def application_create(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=organisation_pk)
    form = ApplicationCreateForm(request.POST, organisation=organisation)
    if not form.is_valid():
        if "renews" in form.errors:
            messages.error(request, _("Choose a label of this organisation to renew."))
        else:
            messages.error(request, _("Choose a level."))
        return redirect("organisation_detail", pk=organisation.pk)
    application = services.application_create(
        organisation=organisation,
        level=form.cleaned_data["level"],
        actor=request.user,
        renews=form.cleaned_data["renews"],
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
    explanation = recommendation.explanation or {}
    rows = explanation.get("indicators", [])
    # The level applied for is the ceiling: a different recommendation is a lower one, and the
    # requested level's own check says why (its reasons are shown first).
    requested_check = next(
        (c for c in explanation.get("checks", []) if c.get("level") == application.level), {}
    )
    return {
        "recommendation": recommendation,
        "recommendation_label": Outcome(recommendation.outcome).label,
        "requested_label": application.get_level_display(),
        "below_request": recommendation.outcome != application.level,
        "request_reasons": [] if requested_check.get("met") else requested_check.get("reasons", []),
        "indicator_count": len(rows),
        # Explanations kept before the GOLD set was marked per row do not say its size.
        "gold_set_size": (
            sum(1 for row in rows if row.get("in_gold_set"))
            if any("in_gold_set" in row for row in rows)
            else None
        ),
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
        (name, ACTION_LABELS[name], REASON_LABELS.get(name, ""))
        for name in user_transitions(application, request.user)
        if name in APPLICATION_ACTIONS
    ]
    recommendation_context = _recommendation_context(application, request.user)
    recommendation = recommendation_context.get("recommendation")
    return render(
        request,
        "labelling/application_detail.html",
        {
            "application": application,
            "history": selectors.application_history(application=application),
            "actions": actions,
            # The proposal starts from what the rules recommend.
            "form": TransitionForm(
                ceiling=application.level,
                initial={"outcome": recommendation.outcome if recommendation else ""},
            ),
            **recommendation_context,
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


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a logged-in person's choice is also kept as their language,
    which their pages (``UserLanguageMiddleware``) and e-mails use from then on."""
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=request.POST.get("language", ""))
    return i18n.set_language(request)
