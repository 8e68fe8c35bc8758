"""CSV and XLSX exports: the applications, the experts' workload, the public registry and one
application's audit trail, as tablib datasets (tablib writes both formats).

Every text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is prefixed with an apostrophe in ``cell``, the one place
every value passes through, so an organisation called ``=HYPERLINK(...)`` stays text.
Each export costs a fixed number of queries whatever its number of rows.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable, Sequence
from decimal import Decimal

import tablib
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assessments.models import Assignment, AssignmentStatus
from labelling import selectors as labelling_selectors
from labelling.models import OPEN_STATES, Application, ApplicationState, DeadlineKind, User
from reports.models import Label
from reports.selectors import PUBLIC_STATUS_LABELS, public_status

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPERT_WORK = [DeadlineKind.RESPOND, DeadlineKind.SCORE, DeadlineKind.CONSENSUS]
#: Where an application still needs its experts: invited, scoring, agreeing the consensus.
EXPERT_STATES = [
    ApplicationState.EXPERTS_ASSIGNED,
    ApplicationState.IN_ASSESSMENT,
    ApplicationState.CONSENSUS,
]


def cell(value: object) -> object:
    """A value as a cell: dates and times as ISO text in the site's time zone, decimals as
    numbers, text that could start a formula made inert."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool | int | float | Decimal):
        return value
    # Control characters (a pasted form feed, a vertical tab) cannot be stored in XLSX's XML:
    # shown as the replacement character rather than failing the whole export.
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def dataset(headers: Sequence[str], rows: Iterable[Sequence[object]], title: str) -> tablib.Dataset:
    data = tablib.Dataset(headers=[str(h) for h in headers], title=title[:31])
    for row in rows:
        data.append([cell(value) for value in row])
    return data


def response(data: tablib.Dataset, name: str, fmt: str) -> HttpResponse:
    """The dataset as a download in ``fmt`` (csv or xlsx)."""
    content = data.export(fmt)
    if fmt == "csv":
        # A byte-order mark, so that spreadsheet programs read the UTF-8 (accents, umlauts).
        content = "\ufeff" + content
    result = HttpResponse(content, content_type=FORMATS[fmt])
    result["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return result


# --- The exports ----------------------------------------------------------------------------


def applications_dataset(applications: QuerySet[Application]) -> tablib.Dataset:
    rows = applications.select_related(
        "organisation", "proposed_by", "decision_confirmed_by"
    ).order_by("pk")
    return dataset(
        [
            _("Application"),
            _("Organisation"),
            _("Country"),
            _("State"),
            _("Level applied for"),
            _("Decided outcome"),
            _("Opened"),
            _("Submitted"),
            _("Decided"),
            _("Proposed by"),
            _("Confirmed by"),
        ],
        (
            [
                a.pk,
                a.organisation.name,
                a.organisation.country.code,
                a.get_state_display(),
                a.get_level_display(),
                a.get_decided_outcome_display() if a.decided_outcome else "",
                a.created_at,
                a.submitted_at,
                a.decided_at,
                a.proposed_by.email if a.proposed_by else "",
                a.decision_confirmed_by.email if a.decision_confirmed_by else "",
            ]
            for a in rows
        ),
        _("Applications"),
    )


def _median_days(spans: list[datetime.timedelta]) -> Decimal | str:
    if not spans:
        return ""
    days = statistics.median(span.total_seconds() / 86400 for span in spans)
    return Decimal(str(round(days, 1)))


def workload_dataset() -> tablib.Dataset:
    """Per expert: assignments, open ones (the application still needs its experts), overdue
    work, median days from accepting to submitting the scoring."""
    now = timezone.now()
    experts = (
        User.objects.filter(is_expert=True)
        .annotate(
            assignments_total=Count("assignments", distinct=True),
            assignments_open=Count(
                "assignments",
                filter=Q(assignments__application__state__in=EXPERT_STATES)
                & ~Q(assignments__status=AssignmentStatus.DECLINED),
                distinct=True,
            ),
            overdue=Count(
                "deadlines",
                filter=Q(
                    deadlines__done_at__isnull=True,
                    deadlines__due_at__lt=now,
                    deadlines__kind__in=[
                        DeadlineKind.RESPOND,
                        DeadlineKind.SCORE,
                        DeadlineKind.CONSENSUS,
                    ],
                    deadlines__application__state__in=OPEN_STATES,
                ),
                distinct=True,
            ),
        )
        .order_by("full_name", "email")
    )
    spans: dict[int, list[datetime.timedelta]] = {}
    for expert_id, responded, submitted in Assignment.objects.filter(
        scores_submitted_at__isnull=False, responded_at__isnull=False
    ).values_list("expert_id", "responded_at", "scores_submitted_at"):
        spans.setdefault(expert_id, []).append(submitted - responded)
    return dataset(
        [
            _("Expert"),
            _("E-mail address"),
            _("Country"),
            _("Assignments"),
            _("Open"),
            _("Overdue"),
            _("Median days to score"),
        ],
        (
            [
                e.full_name,
                e.email,
                e.country.code if e.country else "",
                e.assignments_total,
                e.assignments_open,
                e.overdue,
                _median_days(spans.get(e.pk, [])),
            ]
            for e in experts
        ),
        _("Expert workload"),
    )


def registry_dataset(labels: QuerySet[Label]) -> tablib.Dataset:
    return dataset(
        [
            _("Organisation"),
            _("Country"),
            _("Region"),
            _("Level"),
            _("Status"),
            _("Valid from"),
            _("Valid until"),
            _("Certificate number"),
        ],
        (
            [
                label.organisation.name,
                label.organisation.country.code,
                label.organisation.region,
                label.get_level_display(),
                PUBLIC_STATUS_LABELS[public_status(label)],
                label.valid_from,
                label.valid_until,
                label.certificate.number,
            ]
            for label in labels
        ),
        _("Registry"),
    )


def audit_dataset(application: Application) -> tablib.Dataset:
    """The application's timeline: every state change and every recorded edit."""
    rows = []
    for entry in labelling_selectors.application_timeline(application=application):
        if getattr(entry, "is_edit", False):
            changes = "; ".join(f"{c.field}: {c.old} → {c.new}" for c in entry.changes)
            rows.append(
                [
                    entry.at,
                    _("Edited in the admin"),
                    "",
                    "",
                    str(entry.actor),
                    f"{entry.subject}: {changes}",
                ]
            )
        else:
            rows.append(
                [
                    entry.at,
                    entry.transition_label,
                    entry.source_label if entry.source else "",
                    entry.target_label,
                    entry.actor_display,
                    entry.reason,
                ]
            )
    return dataset(
        [_("When"), _("What"), _("From"), _("To"), _("By"), _("Reason or change")],
        rows,
        _("Audit trail"),
    )
