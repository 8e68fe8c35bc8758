"""Celery tasks of certificates and labels: fetch by id, call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from labelling.dispatch import MAIL_RETRY
from reports import letters, services
from reports.credentials import status


@shared_task(name="reports.render_certificate", label=_("Certificate and report (PDF)"))
def render_certificate(*, certificate_id: int) -> str:
    """Render, sign and store a certificate and its report. A failed attempt is recorded on the
    certificate, which queues the next attempt itself (see ``certificate_render``)."""
    return services.certificate_render(certificate_id=certificate_id)


@shared_task(name="reports.requeue_stalled_certificates")
def requeue_stalled_certificates() -> int:
    """Periodic: certificates whose worker died mid-rendering are queued again."""
    return len(services.certificates_requeue_stalled())


@shared_task(name="reports.expire_labels")
def expire_labels() -> int:
    """Periodic (daily): labels past their validity become expired."""
    return len(services.labels_expire())


@shared_task(name="reports.send_expiry_reminders", **MAIL_RETRY)
def send_expiry_reminders() -> int:
    """Periodic (daily): reminders 90 and 30 days before a label expires, each sent once."""
    return services.labels_send_reminders()


@shared_task(
    name="reports.send_decision_letter",
    label=_("Decision letter (PDF) to the organisation's managers"),
    **MAIL_RETRY,
)
def send_decision_letter(*, letter_id: int) -> int:
    return letters.letter_deliver(letter_id=letter_id)


@shared_task(name="reports.publish_status_lists", label=_("Credential status lists"))
def publish_status_lists() -> int:
    """Sign and publish the status lists whose bits changed (after a label's suspension,
    reinstatement or revocation, and every minute). Safe to run twice: unchanged bits are left."""
    return status.publish_all()
