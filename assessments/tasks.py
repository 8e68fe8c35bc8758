"""Celery tasks of the assessment: fetch by id, call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from assessments.models import ClarificationQuestion
from assessments.notifications import deliver_question_notification
from assessments.services.retention import evidence_purge_expired
from labelling.dispatch import MAIL_RETRY


@shared_task(
    name="assessments.send_question_notification",
    label=_("E-mail about an experts' question"),
    **MAIL_RETRY,
)
def send_question_notification(*, question_id: int, event: str) -> int:
    """E-mail the managers about a new question, or the experts about an answer."""
    question = ClarificationQuestion.objects.filter(pk=question_id).first()
    if question is None:
        return 0
    return deliver_question_notification(question, event)


@shared_task(name="assessments.purge_expired_evidence")
def purge_expired_evidence() -> int:
    """Periodic (daily): the evidence files of applications closed longer ago than
    ``EVIDENCE_RETENTION_DAYS`` are removed, their records kept; a rerun removes nothing."""
    return len(evidence_purge_expired())
