"""The application pages: open one, read it with its history, and act on it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from labelling import deadlines, extensions, selectors, services
from labelling.exceptions import InvalidInput
from labelling.forms import ApplicationCreateForm, DeadlineMoveForm, TransitionForm
from labelling.models import ACTION_LABELS, Application, Deadline
from labelling.rules import can
from labelling.workflow import next_steps

# Each action a person can start from an application page, and the service that does it.
# Actions of the apps above labelling (proposing a decision, issuing the certificate) are added
# by them to the same mapping (labelling.extensions.application_actions).
APPLICATION_ACTIONS: dict[str, Callable[..., object]] = extensions.application_actions
APPLICATION_ACTIONS.update(
    {
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
        "reject_proposal": lambda app, user, data: services.application_reject_proposal(
            application=app, actor=user, reason=data["reason"]
        ),
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
)

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


@dataclass(frozen=True)
class Refused:
    """An action refused for its input, shown beside its form with what was typed."""

    action: str
    error: InvalidInput
    reason: str
    outcome: str


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    return _application_page(request, application)


def _application_page(
    request: HttpRequest, application: Application, refused: Refused | None = None
) -> HttpResponse:
    steps = next_steps(application, request.user)
    actions = [
        (name, ACTION_LABELS[name], REASON_LABELS.get(name, ""))
        for name in steps.ready
        if name in APPLICATION_ACTIONS
    ]
    # The person's next steps that wait on a condition, shown with what is still missing.
    waiting = [
        (name, ACTION_LABELS[name], missing)
        for name, missing in steps.waiting
        if name in APPLICATION_ACTIONS
    ]
    # What the apps above add: the rules' recommendation, the self-assessment's gaps, the
    # experts to invite, the label card, the person's own assignment.
    added = extensions.page_context(
        "application_detail", application=application, user=request.user
    )
    recommendation = added.get("recommendation")
    # The proposal starts from what the rules recommend, or from what was just refused.
    outcome = recommendation.outcome if recommendation else ""
    if refused and refused.outcome:
        outcome = refused.outcome
    return render(
        request,
        "labelling/application_detail.html",
        {
            "application": application,
            "history": selectors.application_timeline(application=application),
            "deadlines": application.deadlines.select_related("assignee")
            .prefetch_related("reminders")
            .order_by(F("done_at").desc(nulls_first=True), "due_at"),
            "can_change_deadlines": can(request.user, "labelling.change_deadline", application),
            "can_export": can(request.user, "reports.export"),
            "deadline_form": DeadlineMoveForm(),
            "actions": actions,
            "waiting": waiting,
            "refused": refused,
            "form": TransitionForm(
                ceiling=application.level,
                refused={value for value, _label, _facts in added.get("refused_outcomes", ())},
                initial={"outcome": outcome},
            ),
            **added,
        },
        status=refused.error.status_code if refused else 200,
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
    try:
        perform(application, request.user, data)
    except InvalidInput as error:
        # Said on the application's own page, beside the action's form, with what was typed
        # kept: a page of its own would leave the person to find their way back and type again.
        application = selectors.application_get(user=request.user, pk=pk)
        return _application_page(
            request, application, Refused(action, error, data["reason"], data["outcome"])
        )
    messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("application_detail", pk=application.pk)


def _deadline_of(request: HttpRequest, pk: int) -> Deadline:
    """The deadline, if the person may see its application (else 404)."""
    deadline = get_object_or_404(Deadline.objects.select_related("application"), pk=pk)
    selectors.application_get(user=request.user, pk=deadline.application_id)
    return deadline


@login_required
@require_POST
def deadline_move(request: HttpRequest, pk: int) -> HttpResponse:
    deadline = _deadline_of(request, pk)
    form = DeadlineMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new due date and the reason."))
        return redirect("application_detail", pk=deadline.application_id)
    due_at = timezone.make_aware(
        datetime.datetime.combine(form.cleaned_data["due_date"], datetime.time(23, 59))
    )
    deadlines.move_due_date(
        deadline=deadline, actor=request.user, due_at=due_at, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Due date changed."))
    return redirect("application_detail", pk=deadline.application_id)


@login_required
@require_POST
def deadline_remind(request: HttpRequest, pk: int) -> HttpResponse:
    deadline = _deadline_of(request, pk)
    deadlines.send_reminder_now(deadline=deadline, by=request.user)
    messages.success(request, _("Reminder sent."))
    return redirect("application_detail", pk=deadline.application_id)
