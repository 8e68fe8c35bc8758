""" "Waiting for me": the items whose next action is the person's, with their due dates.

Two sources, each one query whatever the number of rows:

- the open ``Deadline`` rows the person owes (an expert's answer, scoring or consensus; the
  managers' answers to questions and their completion of a returned application);
- the applications whose state waits for the person's role (the secretariat screens, assigns,
  reviews, confirms another member's proposal, issues, decides appeals; a manager completes a
  draft and may appeal a decision while the window is open), each with the due date of the
  deadline that runs on it, if any.

Days in state come from the application's latest state change (a subquery, not a query per
row).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from labelling import extensions, selectors
from labelling.models import (
    APPEAL_WINDOW,
    APPEALABLE_STATES,
    OPEN_STATES,
    Application,
    ApplicationState,
    Deadline,
    DeadlineKind,
    Notice,
    StateChange,
    User,
)

S = ApplicationState
K = DeadlineKind

#: What the secretariat does next in each state that waits for it.
SECRETARIAT_ACTIONS: dict[str, Promise] = {
    S.SUBMITTED: _("Screen the application"),
    S.ACCEPTED: _("Assign the experts"),
    S.QUALITY_REVIEW: _("Review the assessment and propose a decision"),
    S.DECISION_PROPOSED: _("Confirm or reject the proposed decision"),
    S.DECIDED: _("Issue the certificate or close the application"),
    S.APPEALED: _("Decide the appeal"),
}

#: Deadlines whose work is already a state row (the secretariat's decision, the managers'
#: completion of a draft): their due date shows on that row instead.
STATE_DEADLINES = {K.DECIDE, K.COMPLETE}


@dataclass(frozen=True)
class QueueRow:
    action: str
    application: Application
    state_label: str
    entered_state_at: datetime.datetime | None
    due_at: datetime.datetime | None
    url: str
    done_at: datetime.datetime | None = None
    #: The deadline the row is about, for a reminder sent now (the secretariat's rows of
    #: escalated work).
    deadline_id: int | None = None

    @property
    def days_in_state(self) -> int | None:
        if self.entered_state_at is None:
            return None
        return (timezone.now() - self.entered_state_at).days

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_at is not None and self.due_at < timezone.now()


def _entered_state(application_field: str = "pk") -> Subquery:
    """When the application (``application_field`` of the outer row) entered its state."""
    application_type = ContentType.objects.get_for_model(Application)
    return Subquery(
        StateChange.objects.filter(
            content_type=application_type, object_id=OuterRef(application_field)
        )
        .order_by("-at", "-pk")
        .values("at")[:1]
    )


def _owed_by(user: User) -> Q:
    """The deadlines ``user`` owes: their own, and the managers' of their organisations."""
    owed = Q(assignee=user)
    if user.is_cluster_manager:
        owed |= Q(
            assignee__isnull=True,
            kind__in=[K.ANSWER, K.COMPLETE],
            application__organisation__managers=user,
        )
    return owed


def _state_rows_q(user: User) -> Q:
    """The applications whose state waits for ``user``'s role."""
    waiting = Q(pk__in=[])
    if user.is_secretariat:
        waiting |= Q(state__in=list(SECRETARIAT_ACTIONS)) & ~Q(
            state=S.DECISION_PROPOSED, proposed_by=user
        )
    if user.is_cluster_manager:
        mine = Q(organisation__managers=user)
        appeal_open = Q(state__in=APPEALABLE_STATES, decided_at__gt=timezone.now() - APPEAL_WINDOW)
        waiting |= mine & (Q(state=S.DRAFT) | appeal_open)
    return waiting


def _manager_action(application: Application) -> str:
    if application.state == S.DRAFT:
        return str(_("Complete and submit the application"))
    return str(_("Read the decision; an appeal is possible until %(date)s")) % {
        "date": timezone.localdate(application.appeal_deadline).isoformat()
    }


def _row_url(application: Application) -> str:
    return reverse("application_detail", args=[application.pk])


def waiting_for(
    user: User,
    *,
    applications: QuerySet[Application] | None = None,
    include_done: bool = False,
    sort: str = "due",
) -> list[QueueRow]:
    """The person's queue. ``applications`` narrows it (the page's filters);
    ``include_done`` adds the deadlines they already met."""
    scope = selectors.visible_applications(user, applications)
    rows: list[QueueRow] = []

    deadlines = (
        Deadline.objects.filter(_owed_by(user), application__in=scope)
        .exclude(kind__in=STATE_DEADLINES, done_at__isnull=True)
        .select_related("application__organisation")
        .annotate(entered_state_at=_entered_state("application_id"))
    )
    if not include_done:
        deadlines = deadlines.filter(done_at__isnull=True, application__state__in=OPEN_STATES)
    rows.extend(
        _deadline_row(deadline, deadline.get_kind_display(), done_at=deadline.done_at)
        for deadline in deadlines
    )

    if user.is_secretariat:
        rows.extend(_escalated_rows(scope))
    if user.is_secretariat or user.is_cluster_manager:
        waiting = (
            scope.filter(_state_rows_q(user))
            .distinct()
            .select_related("organisation")
            .annotate(
                entered_state_at=_entered_state(),
                decide_due=selectors.next_due(K.DECIDE),
                complete_due=selectors.next_due(K.COMPLETE),
            )
        )
        for application in waiting:
            if application.state in SECRETARIAT_ACTIONS and user.is_secretariat:
                action = str(SECRETARIAT_ACTIONS[application.state])
            else:
                action = _manager_action(application)
            due = application.decide_due or application.complete_due
            if application.state in APPEALABLE_STATES and not due:
                due = application.appeal_deadline
            rows.append(
                QueueRow(
                    action=action,
                    application=application,
                    state_label=application.get_state_display(),
                    entered_state_at=application.entered_state_at,
                    due_at=due,
                    url=_row_url(application),
                )
            )
    return sort_rows(rows, sort)


def _escalated_rows(scope: QuerySet[Application]) -> list[QueueRow]:
    """Others' overdue work escalated to the secretariat: to chase, or to send a reminder."""
    escalated = (
        Deadline.objects.filter(
            application__in=scope,
            done_at__isnull=True,
            escalated_at__isnull=False,
            application__state__in=OPEN_STATES,
        )
        .select_related("application__organisation", "assignee")
        .annotate(entered_state_at=_entered_state("application_id"))
    )
    return [
        _deadline_row(
            deadline,
            str(_("Overdue: %(what)s (%(who)s)"))
            % {
                "what": deadline.get_kind_display(),
                "who": deadline.assignee or _("the organisation's managers"),
            },
            deadline_id=deadline.pk,
        )
        for deadline in escalated
    ]


def _deadline_row(deadline: Deadline, action: str, **extra) -> QueueRow:
    """A row about a deadline (annotated with ``entered_state_at``) and its application."""
    return QueueRow(
        action=action,
        application=deadline.application,
        state_label=deadline.application.get_state_display(),
        entered_state_at=deadline.entered_state_at,
        due_at=deadline.due_at,
        url=_row_url(deadline.application),
        **extra,
    )


FAR = datetime.datetime.max.replace(tzinfo=datetime.UTC)
SORTS = {
    "due": lambda row: (row.due_at or FAR, row.application.pk),
    "-due": lambda row: (-(row.due_at or FAR).timestamp(), row.application.pk),
    "days": lambda row: (-(row.days_in_state or 0), row.application.pk),
    "organisation": lambda row: (row.application.organisation.name.casefold(), row.application.pk),
}


def sort_rows(rows: list[QueueRow], sort: str) -> list[QueueRow]:
    """Sorted by due date (soonest first, none last), days in state (longest first) or
    organisation name."""
    return sorted(rows, key=SORTS.get(sort, SORTS["due"]))


def filtered_applications(
    *, state: str = "", level: str = "", country: str = "", expert: User | None = None
) -> QuerySet[Application]:
    """The applications the queue's filters leave."""
    applications = Application.objects.all()
    if state:
        applications = applications.filter(state=state)
    if level:
        applications = applications.filter(level=level)
    if country:
        applications = applications.filter(organisation__country=country)
    if expert is not None:
        applications = applications.filter(extensions.assigned_applications(expert))
    return applications


def unread_notices_context(request) -> dict:
    """The header's count of unread notices: one query, and only on a page that shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notices": SimpleLazyObject(
            lambda: Notice.objects.filter(recipient=user, read_at__isnull=True).count()
        )
    }
