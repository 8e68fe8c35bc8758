"""Reads of labels and certificates: the public registry and verification, and staff views."""

from __future__ import annotations

import datetime
from typing import IO

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.services.evidence import digest_and_size
from labelling.models import ACTION_LABELS, OPEN_STATES, Organisation, Sector, User
from labelling.selectors import visible_applications
from reports.models import (
    REMINDERS,
    RENEWABLE_STATES,
    RENEWAL_GRACE,
    Certificate,
    CertificateRevision,
    CertificateState,
    Label,
    LabelState,
)

#: What the public is told about a certificate, by the state of its label.
PUBLIC_STATUS_LABELS = {
    "valid": _("Valid"),
    "expired": _("Expired"),
    "suspended": _("Suspended"),
    "revoked": _("Revoked"),
    "superseded": _("Superseded by a renewal"),
}
#: Labels the registry lists: revoked and replaced ones are not in the directory.
REGISTRY_STATES = [LabelState.ACTIVE, LabelState.SUSPENDED, LabelState.EXPIRED]


def public_status(label: Label) -> str:
    """valid, expired, suspended, revoked or superseded, as of today.

    An active label past its validity already counts as expired before the daily task has
    recorded the expiry, so the public never sees a stale "valid".
    """
    if label.state == LabelState.ACTIVE:
        return "valid" if label.valid_until >= timezone.localdate() else "expired"
    return str(label.state)


def _listed(queryset: QuerySet[Label]) -> QuerySet[Label]:
    """``queryset`` with what a list of labels shows, in a constant number of queries."""
    return queryset.select_related("organisation", "certificate").prefetch_related(
        Prefetch("organisation__sectors", queryset=Sector.objects.order_by("name"))
    )


def registry_labels() -> QuerySet[Label]:
    """Labels of the public registry with what a page shows."""
    return _listed(Label.objects.filter(state__in=REGISTRY_STATES, certificate__isnull=False))


def visible_labels(user: User) -> QuerySet[Label]:
    """The labels of the applications ``user`` may open (every label for the secretariat),
    in any state, with what a list shows."""
    return _listed(Label.objects.filter(application__in=visible_applications(user)))


def label_get(*, user: User, pk: int) -> Label:
    """The label, or 404 when it does not exist or ``user`` may not see it."""
    return get_object_or_404(visible_labels(user), pk=pk)


def valid_labels(queryset: QuerySet[Label]) -> QuerySet[Label]:
    today = timezone.localdate()
    return queryset.filter(state=LabelState.ACTIVE, valid_from__lte=today, valid_until__gte=today)


def normalise_number(text: str) -> str:
    from reports.pdf.numbers import normalise

    return normalise(text or "")


def certificate_by_number(number: str) -> Certificate | None:
    """The certificate with that number (spacing and case forgiven), or ``None``."""
    return (
        Certificate.objects.select_related("label__organisation")
        .filter(number=normalise_number(number))
        .first()
    )


def certificate_by_file(upload: IO[bytes]) -> tuple[Certificate | None, int | None]:
    """The issued certificate whose PDF is byte for byte this file, and the earlier revision
    the file is when it is not the current one; ``(None, None)`` when no PDF issued is."""
    digest, _size = digest_and_size(upload)
    current = (
        Certificate.objects.select_related("label__organisation")
        .filter(pdf_sha256=digest)
        .exclude(pdf="")
        .first()
    )
    if current is not None:
        return current, None
    earlier = (
        CertificateRevision.objects.select_related("certificate__label__organisation")
        .filter(pdf_sha256=digest)
        .first()
    )
    if earlier is None:
        return None, None
    return earlier.certificate, earlier.revision


def certificate_of_application(application) -> Certificate | None:
    return (
        Certificate.objects.select_related("label").filter(label__application=application).first()
    )


#: What the label card offers, worded as ``labelling.models.ACTION_LABELS`` has it.
LABEL_CARD_ACTIONS = ("suspend", "reinstate", "revoke")


def label_context(application, user) -> dict:
    """The label card of an application page: label, certificate and what ``user`` may do."""
    from labelling.rules import can
    from labelling.workflow import user_transitions

    certificate = certificate_of_application(application)
    if certificate is None:
        return {}
    label = certificate.label
    return {
        "label": label,
        "certificate": certificate,
        "label_actions": [
            (name, ACTION_LABELS[name])
            for name in user_transitions(label, user)
            if name in LABEL_CARD_ACTIONS
        ],
        "can_retry": certificate.state == CertificateState.FAILED
        and can(user, "labelling.issue_certificate", application),
        "can_rerender": "rerender" in user_transitions(certificate, user),
        "revisions": certificate.revisions.all(),
    }


def renewable_labels(*, organisation: Organisation) -> QuerySet[Label]:
    """The organisation's labels to offer a renewal for: from the first expiry reminder until
    renewal is no longer possible (a year after expiry), unless a renewal is already open."""
    today = timezone.localdate()
    first_reminder = datetime.timedelta(days=max(days for days, _field in REMINDERS))
    return organisation.labels.filter(
        state__in=RENEWABLE_STATES,
        valid_until__lte=today + first_reminder,
        valid_until__gte=today - RENEWAL_GRACE,
    ).exclude(renewals__state__in=OPEN_STATES)
