"""The dashboard: the person's applications (the secretariat's work queue) and more."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from labelling import extensions, selectors
from labelling.filters import ApplicationFilter
from labelling.models import ApplicationState
from labelling.rules import can

#: Rows per page of the application list.
DASHBOARD_PAGE_SIZE = 25


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
        "can_export": can(request.user, "reports.export"),
        "now": timezone.now(),
        "effects_needing_attention": (
            selectors.effects_needing_attention().count()
            if can(request.user, "labelling.manage_effects")
            else None
        ),
        "organisations_awaiting_confirmation": (
            selectors.organisations_awaiting_confirmation().count()
            if can(request.user, "labelling.confirm_organisation")
            else None
        ),
        "can_invite": can(request.user, "labelling.invite_expert"),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "labelling/_application_list.html", context)
    # An expert's assignments (labelling.extensions: the assessment app adds them).
    context.update(
        extensions.page_context(
            "dashboard",
            user=request.user,
            page=request.GET.get("assignments_page"),
            page_size=DASHBOARD_PAGE_SIZE,
        )
    )
    context["organisations"] = selectors.organisation_list(user=request.user)
    return render(request, "labelling/dashboard.html", context)
