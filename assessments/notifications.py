"""E-mails about clarification questions: a question to the managers, an answer to the experts."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from assessments.models import AssignmentStatus, ClarificationQuestion
from labelling.notifications import application_url, render_mail

#: For each event: who is told, and the field that records that they were.
EVENTS = {"asked": "asked_notified_at", "answered": "answered_notified_at"}


def question_recipients(question: ClarificationQuestion, event: str) -> list:
    application = question.application
    if event == "asked":
        people = application.organisation.managers.filter(is_active=True)
    else:
        people = [
            a.expert
            for a in application.assignments.exclude(
                status=AssignmentStatus.DECLINED
            ).select_related("expert")
        ]
    return sorted(people, key=lambda u: u.email)


def deliver_question_notification(question: ClarificationQuestion, event: str) -> int:
    """Send the event's e-mails once: the claim on the question row makes a duplicate a no-op,
    and a failure gives the claim back so that the retry sends them."""
    marker = EVENTS[event]
    with transaction.atomic():
        claimed = ClarificationQuestion.objects.filter(
            pk=question.pk, **{f"{marker}__isnull": True}
        ).update(**{marker: timezone.now()})
        if not claimed:
            return 0
        messages = [
            EmailMessage(
                *render_mail(
                    f"emails/questions/{event}.txt",
                    recipient,
                    {
                        "question": question,
                        "application": question.application,
                        "url": application_url(question.application),
                    },
                ),
                to=[recipient.email],
            )
            for recipient in question_recipients(question, event)
        ]
        # Sending inside the transaction: if it fails, the claim is rolled back with it.
        for message in messages:
            message.send()
    return len(messages)
