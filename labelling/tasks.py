"""Celery tasks of the labelling app: thin wrappers that fetch by id and call a service."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext_lazy as _

from labelling import deadlines, dispatch, services
from labelling.dispatch import MAIL_RETRY
from labelling.models import StateChange
from labelling.notifications import deliver_notifications


@shared_task(
    name="labelling.send_transition_notifications",
    label=_("E-mails about a state change"),
    **MAIL_RETRY,
)
def send_transition_notifications(*, state_change_id: int) -> int:
    """E-mail the people concerned by a state change; safe to run twice."""
    change = StateChange.objects.filter(pk=state_change_id).first()
    if change is None:
        return 0  # rolled back or deleted since it was queued: nothing to tell anyone
    return deliver_notifications(change)


@shared_task(name="labelling.sweep_effects")
def sweep_effects() -> int:
    """Periodic (every 30 seconds): send the follow-ups the broker could not take at their
    commit, and those whose message was lost."""
    return dispatch.sweep()


@shared_task(
    name="labelling.send_account_mail",
    label=_("E-mail about an account (address check, password reset)"),
    # Its arguments hold the message's link; the outbox forgets them once it is delivered.
    forget_arguments=True,
    **MAIL_RETRY,
)
def send_account_mail(*, subject: str, body: str, html: str, to: list[str]) -> int:
    """One of allauth's messages (address check, password reset), rendered when it was asked
    for; a retry after a mail server failure sends the same message."""
    message = EmailMultiAlternatives(subject, body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


@shared_task(name="labelling.send_invitation", **MAIL_RETRY)
def send_invitation(*, invitation_id: int, sending: int) -> int:
    """An invitation's mail, with a key made now (never stored, only its hash); safe to run
    twice: a mail already sent, or superseded by a later one, is not sent again."""
    return services.invitation_mail(invitation_id=invitation_id, sending=sending)


@shared_task(
    name="labelling.send_deadline_mail",
    label=_("E-mail reminding of a due date, or escalating an overdue one"),
    **MAIL_RETRY,
)
def send_deadline_mail(*, reminder_id: int, recipient_id: int) -> int:
    """One person's e-mail about a reminder or escalation; written once per person."""
    return deadlines.deliver_deadline_mail(reminder_id=reminder_id, recipient_id=recipient_id)


@shared_task(name="labelling.send_reminders")
def send_reminders() -> int:
    """Periodic (hourly): reminders before and after due dates, then escalation."""
    return deadlines.send_reminders()
