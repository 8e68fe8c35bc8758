"""Celery tasks of the assessment: fetch by id, call a service, safe to run twice."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from assessments.models import ClarificationQuestion
from assessments.notifications import deliver_question_notification


@shared_task(
    name="assessments.send_question_notification",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_question_notification(*, question_id: int, event: str) -> int:
    """E-mail the managers about a new question, or the experts about an answer."""
    question = ClarificationQuestion.objects.filter(pk=question_id).first()
    if question is None:
        return 0
    return deliver_question_notification(question, event)
