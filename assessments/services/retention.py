"""Evidence files are kept for a retention period after their application closed, then removed.

An application is closed in a state it never leaves on its own: certified, closed without label,
rejected or withdrawn (every state outside ``OPEN_STATES``). The period
(``EVIDENCE_RETENTION_DAYS``) counts from its last state change, and is never shorter than the
appeal window: a decision that can still be appealed keeps its evidence.

What is removed is the stored file only. The evidence row keeps its name, kind, size and
SHA-256, with ``purged_at``, so the pages say "file removed after the retention period"; and
the application's audit trail gets one row per purge listing the files removed, next to its
state changes (who: the system, when, and what). A row of the audit trail rather than a model
of its own: the record is read where the application's history is read (its timeline, the
API's history), and the evidence rows already hold each file's details in structured form.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Evidence
from labelling.exceptions import ServiceError
from labelling.models import APPEAL_WINDOW, OPEN_STATES, Application, ApplicationState, StateChange

#: The audit row of a purge (a record on the application, not a state change).
PURGE = "purge_evidence"
#: How the purge is named in the audit trail (``SYSTEM_ACTOR_LABELS`` translates it).
SYSTEM_ACTOR = "system: evidence retention"
CLOSED_STATES = [state for state in ApplicationState if state not in OPEN_STATES]


class EvidencePurged(ServiceError):
    """The evidence's file was removed after the retention period; its record stays."""

    status_code = 410
    code = "purged"


def retention_period() -> datetime.timedelta:
    return max(datetime.timedelta(days=settings.EVIDENCE_RETENTION_DAYS), APPEAL_WINDOW)


def applications_past_retention(*, now: datetime.datetime) -> QuerySet[Application]:
    """Closed applications whose last state change is older than the retention period and
    that still have a stored evidence file."""
    return (
        Application.objects.filter(state__in=CLOSED_STATES)
        .filter(Exists(Evidence.objects.filter(application=OuterRef("pk"), purged_at__isnull=True)))
        .annotate(closed_at=Max("history__at", filter=~Q(history__transition=PURGE)))
        .filter(closed_at__lte=now - retention_period())
        .order_by("pk")
    )


def _described(evidence: Evidence) -> str:
    return _("%(name)s (%(size)d bytes, SHA-256 %(digest)s)") % {
        "name": evidence.original_name,
        "size": evidence.size,
        "digest": evidence.sha256,
    }


def evidence_purge(*, application_id: int, now: datetime.datetime) -> list[Evidence]:
    """Remove the stored evidence files of one closed application and record it; returns the
    evidence whose files were removed (none when another run got there first).

    The files are deleted before the rows are marked, inside the transaction: a failure leaves
    rows unmarked, and the next run deletes again (deleting a missing file is no error) and
    records. A row is never marked for a file still stored.
    """
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .filter(pk=application_id, state__in=CLOSED_STATES)
            .first()
        )
        if application is None:
            return []
        removed = list(
            application.evidence.select_for_update().filter(purged_at__isnull=True).order_by("pk")
        )
        if not removed:
            return []
        for evidence in removed:
            if evidence.file.name:
                evidence.file.storage.delete(evidence.file.name)
        Evidence.objects.filter(pk__in=[evidence.pk for evidence in removed]).update(purged_at=now)
        StateChange.objects.create(
            content_type=ContentType.objects.get_for_model(Application),
            object_id=application.pk,
            transition=PURGE,
            source="",
            target=application.state,
            actor=None,
            actor_label=SYSTEM_ACTOR,
            reason="; ".join(_described(evidence) for evidence in removed),
            at=now,
        )
    return removed


def evidence_purge_expired() -> list[Evidence]:
    """Periodic: remove the evidence files of every application closed longer ago than the
    retention period. Safe to run again: a second run finds nothing left to remove."""
    now = timezone.now()
    application_ids = list(applications_past_retention(now=now).values_list("pk", flat=True))
    return [
        evidence
        for application_id in application_ids
        for evidence in evidence_purge(application_id=application_id, now=now)
    ]
