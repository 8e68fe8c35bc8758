"""Who hears about a state change, and the e-mail they get (in their own language)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from labelling import extensions
from labelling.models import (
    Application,
    Notice,
    Notification,
    Organisation,
    StateChange,
    User,
)

MANAGERS, EXPERTS, SECRETARIAT = "managers", "experts", "secretariat"

AUDIENCES: dict[str, set[str]] = {
    "submit": {MANAGERS, SECRETARIAT},
    "return_for_completion": {MANAGERS},
    "reject": {MANAGERS},
    "accept": {MANAGERS},
    "assign_experts": {MANAGERS, EXPERTS},
    "reopen_assignment": {SECRETARIAT},
    "start_assessment": {MANAGERS, EXPERTS, SECRETARIAT},
    "begin_consensus": {EXPERTS},
    "complete_consensus": {SECRETARIAT},
    "send_back_to_experts": {EXPERTS},
    "propose_decision": {SECRETARIAT},
    "confirm_decision": {MANAGERS, SECRETARIAT},
    "reject_proposal": {SECRETARIAT},
    "certify": {MANAGERS},
    "close": {MANAGERS},
    "withdraw": {EXPERTS, SECRETARIAT},
    "appeal": {SECRETARIAT},
    "uphold_appeal": {MANAGERS, SECRETARIAT},
    "dismiss_appeal": {MANAGERS, SECRETARIAT},
}


#: An organisation's own changes (not its applications'): who hears of them.
ORGANISATION_AUDIENCES: dict[str, set[str]] = {"confirm": {MANAGERS}}


@dataclass(frozen=True)
class Concern:
    """What a state change is about, for its e-mails: the organisation, the application (none
    for a change of the organisation itself), who hears of it and the folder of its e-mails."""

    organisation: Organisation
    application: Application | None
    audiences: set[str]
    folder: str

    @property
    def url(self) -> str:
        if self.application is not None:
            return application_url(self.application)
        return organisation_url(self.organisation)


def _concern_of(change: StateChange) -> Concern | None:
    """The change's concern, or ``None`` when nobody hears of it; the apps above say it of
    their own objects (``labelling.extensions.notification_subjects``)."""
    subject = change.subject
    if isinstance(subject, Application):
        audiences = AUDIENCES.get(change.transition, set())
        return Concern(subject.organisation, subject, audiences, "transitions")
    if isinstance(subject, Organisation):
        audiences = ORGANISATION_AUDIENCES.get(change.transition, set())
        return Concern(subject, None, audiences, "organisations")
    for resolve in extensions.notification_subjects:
        found = resolve(change)
        if found is not None:
            application, audiences, folder = found
            return Concern(application.organisation, application, audiences, folder)
    return None


def recipients_for(change: StateChange) -> list[User]:
    """The people concerned by ``change``, without the person who made it."""
    concern = _concern_of(change)
    if concern is None:
        return []
    people: dict[int, User] = {}
    if MANAGERS in concern.audiences:
        people.update((u.pk, u) for u in concern.organisation.managers.filter(is_active=True))
    if EXPERTS in concern.audiences and concern.application is not None:
        people.update((u.pk, u) for u in extensions.application_experts(concern.application))
    if SECRETARIAT in concern.audiences:
        people.update((u.pk, u) for u in User.objects.filter(is_secretariat=True, is_active=True))
    people.pop(change.actor_id, None)
    return sorted(people.values(), key=lambda u: u.email)


def site_url(path: str) -> str:
    """``path`` as an absolute address on the site (``SITE_URL``), for mail, documents and
    anything read away from the site."""
    return settings.SITE_URL.rstrip("/") + path


def application_url(application: Application) -> str:
    return site_url(reverse("application_detail", args=[application.pk]))


def organisation_url(organisation: Organisation) -> str:
    return site_url(reverse("organisation_detail", args=[organisation.pk]))


def render_mail(template: str, recipient: User, context: dict) -> tuple[str, str]:
    """Subject (the first line) and body of an e-mail template, in the recipient's language."""
    return render_mail_in(recipient.language, template, {"recipient": recipient, **context})


def render_mail_in(language: str, template: str, context: dict) -> tuple[str, str]:
    """Subject (the first line) and body of an e-mail template, in ``language`` (for a reader
    who has no account yet)."""
    with translation.override(language):
        text = render_to_string(template, context)
    subject, _sep, body = text.strip().partition("\n")
    return header_safe(subject), body.strip() + "\n"


def header_safe(text: str) -> str:
    """``text`` on one line for a mail header: a carriage return, tab or other control
    character a name may hold becomes a space, so it can neither add a header nor make Django
    refuse the message (``BadHeaderError``) and lose it."""
    return " ".join(
        "".join(" " if ord(char) < 32 or 127 <= ord(char) < 160 else char for char in text).split()
    )


def render_notification(change: StateChange, recipient: User) -> tuple[str, str]:
    """Subject and body of the e-mail about ``change`` for ``recipient``."""
    concern = _concern_of(change)
    with translation.override(recipient.language):
        state_label = str(change.subject.get_state_display())
    return render_mail(
        f"emails/{concern.folder}/{change.transition}.txt",
        recipient,
        {
            "change": change,
            "organisation": concern.organisation,
            "application": concern.application,
            "subject": change.subject,
            "state_label": state_label,
            "url": concern.url,
        },
    )


def send_to_managers(organisation, template: str, context: dict) -> int:
    """E-mail every active manager of ``organisation``, each in their own language (for mail
    that is no state change, e.g. an expiry reminder). Returns how many were sent."""
    managers = list(organisation.managers.filter(is_active=True).order_by("email"))
    for manager in managers:
        subject, body = render_mail(template, manager, {"organisation": organisation, **context})
        EmailMessage(subject, body, to=[manager.email]).send()
    return len(managers)


def notify(
    person: User, text: str, *, url: str = "", application: Application | None = None
) -> Notice:
    """Write an in-app notice for ``person`` (the header counts the unread ones); ``text`` and
    ``url`` are cut to their columns."""
    return Notice.objects.create(
        recipient=person, text=text[:500], url=url[:500], application=application
    )


def deliver_notifications(change: StateChange) -> int:
    """Send the e-mails for ``change`` that were not sent yet; returns how many were sent now.

    Each recipient's row is locked while its mail goes out, so a duplicate task running at the
    same time skips it, and a retry after a failure sends only what is still unsent.
    """
    sent = 0
    for recipient in recipients_for(change):
        try:
            with transaction.atomic():
                Notification.objects.get_or_create(state_change=change, recipient=recipient)
        except IntegrityError:
            pass  # a concurrent run created it; the lock below decides who sends
        with transaction.atomic():
            pending = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(state_change=change, recipient=recipient, sent_at__isnull=True)
                .first()
            )
            if pending is None:
                continue
            subject, body = render_notification(change, recipient)
            # The same news in the site (the header counts it), written with the e-mail so a
            # failed send leaves neither.
            concern = _concern_of(change)
            notify(recipient, subject, url=concern.url, application=concern.application)
            EmailMessage(subject, body, to=[recipient.email]).send()
            pending.subject = subject[:255]
            pending.sent_at = timezone.now()
            pending.save(update_fields=["subject", "sent_at"])
            sent += 1
    return sent
