"""Issuing labels and their certificates, and the label's lifecycle afterwards.

Every function is one user (or worker) action; the web UI, the API and the Celery tasks call
these and nothing else. Rendering runs in a worker, never in the request that issued.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labelling import dispatch
from labelling.exceptions import TransitionRefused
from labelling.models import OPEN_STATES, Application, ApplicationState, StateChange, User
from labelling.workflow import record_creation, run_transition
from reports.credentials import badge
from reports.models import (
    REMINDERS,
    Certificate,
    CertificateRevision,
    CertificateSequence,
    CertificateState,
    Label,
    LabelState,
    label_validity,
)
from reports.pdf.errors import PdfRenderingError
from reports.pdf.numbers import format_certificate_number

logger = logging.getLogger(__name__)

WORKER = "certificate worker"
#: Automatic attempts before a certificate is marked failed for the secretariat to retry.
MAX_RENDER_ATTEMPTS = 3
#: Pause before the second attempt; it doubles before each further one.
RETRY_PAUSE_SECONDS = 10


@transaction.atomic
def certificate_number_allocate(year: int) -> tuple[int, str]:
    """The next sequence of ``year`` (the order of issue, never shown to the public) and a
    certificate number with a random serial, drawn again while it is taken.

    The year's row stays locked until the outermost transaction ends, so a concurrent issue
    waits and then sees this certificate's number as taken (the unique number stays the last
    guard)."""
    CertificateSequence.objects.get_or_create(year=year)
    counter = CertificateSequence.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    number = format_certificate_number(year)
    while Certificate.objects.filter(number=number).exists():
        number = format_certificate_number(year)
    return counter.last, number


def _already_issued(application: Application) -> TransitionRefused:
    certificate = Certificate.objects.filter(label__application=application).first()
    number = certificate.number if certificate else "?"
    return TransitionRefused(
        _("The certificate of this application has already been issued (%(number)s).")
        % {"number": number},
        current_state=application.state,
    )


def _label_scores(recommendation) -> dict[str, Decimal | None]:
    """Both scores of the decision, kept with the label: the GOLD score (on the GOLD set) and
    the benchmarking score (on every indicator). Empty without a recommendation."""
    if recommendation is None:
        return {"gold_score_pct": None, "benchmark_score_pct": None}
    return {
        "gold_score_pct": recommendation.gold_score_pct,
        "benchmark_score_pct": recommendation.benchmark_score_pct,
    }


def label_issue(*, application: Application, actor: User) -> Certificate:
    """Issue the label a confirmed decision awards.

    In one transaction: the application becomes certified, the label starts at the first day
    of the decision month for the methodology's validity, a renewed label is superseded, and
    the certificate gets its number; after the commit a worker renders and signs the PDFs.
    A second click (or a concurrent one) is refused with the number already issued.
    """
    from assessments.services.decision import latest_recommendation

    if application.state == ApplicationState.CERTIFIED:
        raise _already_issued(application)
    with transaction.atomic():
        try:
            run_transition(application, "certify", actor=actor)
        except TransitionRefused as exc:
            application.refresh_from_db(fields=["state"])
            if application.state == ApplicationState.CERTIFIED:
                raise _already_issued(application) from exc
            raise
        decided_on = timezone.localdate(application.decided_at or timezone.now())
        valid_from, valid_until = label_validity(
            decided_on, application.methodology.validity_months
        )
        recommendation = latest_recommendation(application)
        label = Label.objects.create(
            application=application,
            organisation=application.organisation,
            level=application.decided_outcome,
            **_label_scores(recommendation),
            valid_from=valid_from,
            valid_until=valid_until,
        )
        record_creation(label, actor=actor)
        if application.renews_id:
            run_transition(
                Label.objects.get(pk=application.renews_id),
                "supersede",
                actor=actor,
                reason=_("Renewed by the application #%(pk)d.") % {"pk": application.pk},
                by=label,
            )
        sequence, number = certificate_number_allocate(valid_from.year)
        certificate = Certificate.objects.create(
            label=label, number=number, year=valid_from.year, sequence=sequence
        )
        record_creation(certificate, actor=actor)
        _queue_rendering(certificate.pk)
    return certificate


def _queue_rendering(certificate_id: int, countdown: float = 0) -> None:
    """Record the rendering in the outbox (in the caller's transaction); the claim in
    ``certificate_render`` makes a second delivery harmless."""
    dispatch.enqueue(
        "reports.render_certificate", countdown=countdown, certificate_id=certificate_id
    )


def certificate_retry(*, certificate: Certificate, actor: User) -> StateChange:
    """The secretariat asks for another attempt at a certificate whose rendering failed."""
    with transaction.atomic():
        change = run_transition(certificate, "retry", actor=actor, notify=False)
        _queue_rendering(certificate.pk)
    return change


def certificate_rerender(*, certificate: Certificate, actor: User, reason: str) -> StateChange:
    """Render a done certificate and its report again, under the same number, as its next
    revision (after a corrected name, a change of language or of signatory).

    The earlier files are kept as a ``CertificateRevision`` and still verify as that revision;
    the worker signs the credential again with the documents. A second click is refused (the
    certificate is queued by then)."""
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        earlier = {
            "revision": locked.revision,
            "pdf": locked.pdf.name,
            "pdf_sha256": locked.pdf_sha256,
            "report": locked.report.name,
            "report_sha256": locked.report_sha256,
            "completed_at": locked.completed_at,
        }
        change = run_transition(locked, "rerender", actor=actor, reason=reason, notify=False)
        CertificateRevision.objects.create(certificate=locked, **earlier)
        _queue_rendering(locked.pk)
    certificate.refresh_from_db()
    return change


def _claim(certificate_id: int) -> Certificate | None:
    """Take the certificate for rendering, or ``None`` when it is done or someone else has it.

    The row is locked while it is claimed, so of two workers reading it at once the second
    sees the first's fresh claim (and its lease) and leaves it alone.
    """
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.state not in (
            CertificateState.QUEUED,
            CertificateState.RENDERING,
        ):
            return None
        try:
            run_transition(
                certificate, "start_rendering", actor=None, system_label=WORKER, notify=False
            )
        except TransitionRefused:
            return None
    return certificate


def _store(certificate: Certificate, kind: str, content: bytes) -> tuple[str, str]:
    """Write one file under a name of this attempt; returns the stored name and its SHA-256."""
    # A later revision's attempts count from one again: the revision keeps the names apart.
    prefix = f"r{certificate.revision}-" if certificate.revision > 1 else ""
    name = f"certificates/{certificate.number}/{prefix}{certificate.attempts}-{kind}.pdf"
    if default_storage.exists(name):
        default_storage.delete(name)  # left by this same attempt before a crash
    stored = default_storage.save(name, ContentFile(content))
    return stored, hashlib.sha256(content).hexdigest()


def certificate_render(*, certificate_id: int) -> str:
    """Render, sign and store the certificate and the report of one label (the worker's step).

    Safe to run twice or after a crash: only the claimant renders; files are written under the
    attempt's own names and become the certificate's only when the attempt completes, so a
    late duplicate can never replace a file whose SHA-256 is on record. A failed attempt is
    recorded and queued again with a growing pause, up to ``MAX_RENDER_ATTEMPTS``; then the
    certificate is marked failed for the secretariat. Returns the state after.
    """
    # Imported here: WeasyPrint and pyHanko load only in the processes that render.
    from reports.documents import certificate_pdf, report_pdf

    certificate = _claim(certificate_id)
    if certificate is None:
        current = Certificate.objects.filter(pk=certificate_id).values_list("state", flat=True)
        return current.first() or "missing"
    stored: list[str] = []
    try:
        pdf_name, pdf_sha = _store(certificate, "certificate", certificate_pdf(certificate))
        stored.append(pdf_name)
        report_name, report_sha = _store(certificate, "report", report_pdf(certificate))
        stored.append(report_name)
        # The label's verifiable credential, signed once (a later attempt finds it).
        badge.issue(certificate)
    except Exception as exc:
        logger.exception("Rendering certificate %s failed", certificate.number)
        for name in stored:
            default_storage.delete(name)
        return _record_failure(certificate, exc)
    try:
        with transaction.atomic():
            run_transition(
                certificate,
                "complete",
                actor=None,
                system_label=WORKER,
                notify=False,
                pdf=pdf_name,
                pdf_sha256=pdf_sha,
                report=report_name,
                report_sha256=report_sha,
            )
    except TransitionRefused:
        # Another attempt took over meanwhile (our lease ran out) and finished first.
        for name in stored:
            default_storage.delete(name)
        return Certificate.objects.get(pk=certificate_id).state
    return CertificateState.DONE


def failure_text(exc: Exception) -> str:
    """What the secretariat reads of a failed attempt: the message of a rendering error meant
    for them, otherwise only the kind of error. Never a path or a trace: those are in the
    worker's log (``certificate_render`` logs the exception)."""
    if isinstance(exc, PdfRenderingError):
        return str(exc)[:2000]
    return f"{type(exc).__name__} while rendering; the details are in the worker's log."


def _record_failure(certificate: Certificate, exc: Exception) -> str:
    """Queue another attempt after a pause, or mark the certificate failed after the last."""
    reason = failure_text(exc)
    last = certificate.attempts >= MAX_RENDER_ATTEMPTS
    try:
        with transaction.atomic():
            run_transition(
                certificate,
                "fail" if last else "requeue",
                actor=None,
                system_label=WORKER,
                notify=False,
                reason=reason,
                failure=reason,
            )
            if not last:
                pause = RETRY_PAUSE_SECONDS * 2 ** (certificate.attempts - 1)
                _queue_rendering(certificate.pk, countdown=pause)
    except TransitionRefused:
        logger.warning("Certificate %s changed while recording a failure", certificate.number)
    return certificate.state


def certificates_requeue_stalled() -> list[int]:
    """Certificates whose worker died while rendering go back to the queue (the beat's step).

    Returns the ids queued again. A queued certificate with no attempt for a lease's time
    (its message lost) is queued again as well; a duplicate message is harmless.
    """
    from django.conf import settings

    cutoff = timezone.now() - timedelta(seconds=settings.CERTIFICATE_RENDER_LEASE_SECONDS)
    forgotten = Certificate.objects.filter(state=CertificateState.QUEUED, issued_at__lt=cutoff)
    requeued = list(forgotten.values_list("pk", flat=True))
    stalled = Certificate.objects.filter(
        state=CertificateState.RENDERING, rendering_started_at__lt=cutoff
    )
    for certificate in stalled:
        try:
            with transaction.atomic():
                run_transition(
                    certificate,
                    "requeue",
                    actor=None,
                    system_label=WORKER,
                    notify=False,
                    reason=_("The rendering worker stopped answering."),
                    failure=_("The rendering worker stopped answering."),
                )
        except TransitionRefused:
            continue
        requeued.append(certificate.pk)
    for pk in requeued:
        _queue_rendering(pk)
    return requeued


def label_suspend(*, label: Label, actor: User, reason: str) -> StateChange:
    return run_transition(label, "suspend", actor=actor, reason=reason)


def label_reinstate(*, label: Label, actor: User, reason: str) -> StateChange:
    return run_transition(label, "reinstate", actor=actor, reason=reason)


def label_revoke(*, label: Label, actor: User, reason: str) -> StateChange:
    return run_transition(label, "revoke", actor=actor, reason=reason)


def labels_expire() -> list[int]:
    """Expire every label past its validity (the periodic task's step); returns their ids.

    Each label is expired in its own transaction, so one that changed meanwhile (a revocation
    at the same moment) is skipped and the others still expire.
    """
    today = timezone.localdate()
    expired = []
    due = Label.objects.filter(
        state__in=[LabelState.ACTIVE, LabelState.SUSPENDED], valid_until__lt=today
    )
    for label in due:
        try:
            with transaction.atomic():
                run_transition(label, "expire", actor=None, system_label="expiry task")
        except TransitionRefused:
            continue
        expired.append(label.pk)
    return expired


def labels_send_reminders() -> int:
    """E-mail the managers of active labels that expire in 90 and in 30 days, each once.

    The label row is locked while its reminder goes out, so a duplicate run skips it; the
    reminder counts as sent only once the mail went. Returns how many labels were reminded.
    """
    from labelling.notifications import send_to_managers

    today = timezone.localdate()
    sent = 0
    for index, (days, field) in enumerate(REMINDERS):
        window = Label.objects.filter(
            state=LabelState.ACTIVE,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=days),
            **{f"{field}__isnull": True},
        ).exclude(
            # A renewal under way is the answer to the reminder: no need to press for it.
            renewals__state__in=OPEN_STATES
        )
        if index + 1 < len(REMINDERS):
            # Too late for this one: the next, closer reminder is due instead.
            window = window.filter(valid_until__gt=today + timedelta(days=REMINDERS[index + 1][0]))
        for pk in window.values_list("pk", flat=True):
            with transaction.atomic():
                label = (
                    Label.objects.select_for_update(skip_locked=True)
                    .select_related("organisation")
                    .filter(pk=pk, **{f"{field}__isnull": True})
                    .first()
                )
                if label is None:
                    continue
                send_to_managers(
                    label.organisation,
                    "emails/labels/reminder.txt",
                    {"label": label, "days": (label.valid_until - today).days},
                )
                setattr(label, field, timezone.now())
                label.save(update_fields=[field])
                sent += 1
    return sent
