"""Due dates on an application's work, reminders before and after them, and escalation.

Which work is due follows from where the application stands: ``follow(application)`` compares
the work due now (``work_due``) with the open ``Deadline`` rows, opens what is missing (due
after the scheme's ``DEADLINE_DAYS``) and closes what is done or can no longer be done. It runs
after every transition of an application (``labelling.workflow``) and after each piece of
expert work that is no transition (an acceptance, a submitted scoring, a question), so no code
path has to remember which deadline it ends.

``send_reminders`` (Celery beat) reminds before and after the due date, at most
``REMINDER_LIMIT`` times, then escalates to the secretariat; a ``Reminder`` row per deadline and
kind is written in the same transaction as its e-mails (outbox), so a rerun sends nothing twice.
"""

from __future__ import annotations

import copy
import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from labelling import dispatch, extensions
from labelling.exceptions import ActionForbidden, InvalidInput
from labelling.extensions import Work
from labelling.models import (
    OPEN_STATES,
    Application,
    ApplicationState,
    Deadline,
    DeadlineKind,
    Reminder,
    StateChange,
    User,
)
from labelling.notifications import application_url, notify, render_mail
from labelling.rules import can
from labelling.workflow import AFTER_TRANSITION, record_event

S = ApplicationState
K = DeadlineKind
ESCALATION = "escalation"
#: What a recorded version keeps of its reason (django-simple-history's column).
CHANGE_REASON_CHARS = 100
MANUAL = "manual"


def work_due(application: Application) -> list[Work]:
    """The work due on ``application`` now: the lifecycle's own (completing a returned draft,
    deciding) and the assessment's (``labelling.extensions.expert_work``)."""
    work: list[Work] = []
    if (
        application.state == S.DRAFT
        and application.history.filter(transition="return_for_completion").exists()
    ):
        work.append(Work(K.COMPLETE))
    if application.state in (S.QUALITY_REVIEW, S.DECISION_PROPOSED):
        work.append(Work(K.DECIDE))
    if application.state in OPEN_STATES:
        work.extend(extensions.expert_work(application))
    return work


def _key(kind: str, assignee_id: int | None, content_type_id: int | None, object_id: int | None):
    return (kind, assignee_id or 0, content_type_id or 0, object_id or 0)


def default_due(kind: str, start: datetime.datetime | None = None) -> datetime.datetime:
    return (start or timezone.now()) + datetime.timedelta(days=settings.DEADLINE_DAYS[kind])


@transaction.atomic(savepoint=False)
def follow(application: Application, *, saved: bool = False) -> None:
    """Open the deadlines of the work now due on ``application``, close the others.
    ``saved``: the caller's instance is the row as just saved (a transition's), so it is not
    read again; only what it may have prefetched before its change is forgotten."""
    now = timezone.now()
    if saved:
        application = copy.copy(application)
        application.__dict__.pop("_prefetched_objects_cache", None)
    else:
        # The caller's instance may be stale, or hold assignments prefetched before its change.
        application = Application.objects.get(pk=application.pk)
    due: dict[tuple, tuple[Work, ContentType | None]] = {}
    for work in work_due(application):
        content_type = (
            ContentType.objects.get_for_model(work.subject) if work.subject is not None else None
        )
        key = _key(
            work.kind,
            work.assignee.pk if work.assignee else None,
            content_type.pk if content_type else None,
            work.subject.pk if work.subject is not None else None,
        )
        due[key] = (work, content_type)
    open_rows = {
        _key(d.kind, d.assignee_id, d.content_type_id, d.object_id): d
        for d in Deadline.objects.select_for_update().filter(
            application=application, done_at__isnull=True
        )
    }
    finished = [d.pk for key, d in open_rows.items() if key not in due]
    if finished:
        Deadline.objects.filter(pk__in=finished).update(done_at=now)
    for key, (work, content_type) in due.items():
        if key in open_rows:
            continue
        Deadline.objects.create(
            application=application,
            kind=work.kind,
            assignee=work.assignee,
            content_type=content_type,
            object_id=work.subject.pk if work.subject is not None else None,
            due_at=work.due_at or default_due(work.kind, now),
            opened_at=now,
        )


def _after_transition(obj: models.Model, change: StateChange) -> None:
    if isinstance(obj, Application):
        follow(obj, saved=True)


AFTER_TRANSITION.append(_after_transition)


def move_due_date(
    *, deadline: Deadline, actor: User, due_at: datetime.datetime, reason: str
) -> Deadline:
    """The secretariat gives one case another due date; the version records who and why."""
    if not can(actor, "labelling.change_deadline", deadline.application):
        raise ActionForbidden(_("Only the secretariat changes due dates."))
    if not deadline.is_open:
        raise InvalidInput(_("This work is done; its due date can no longer change."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the due date changes."), field="reason")
    if due_at <= timezone.now():
        raise InvalidInput(_("The new due date must be in the future."), field="due_at")
    with transaction.atomic():
        deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
        deadline.due_at = due_at
        # The version keeps the first 100 characters (its column); the history line the rest.
        deadline._change_reason = reason[:CHANGE_REASON_CHARS]
        deadline._history_user = actor
        deadline.save(update_fields=["due_at"])
        # Reminders count from the new date: those sent for the old one stay on record.
        _retire_automatic_reminders(deadline)
        record_event(
            deadline.application,
            "move_due_date",
            actor=actor,
            reason=_("%(what)s: due %(date)s. %(reason)s")
            % {
                "what": deadline.get_kind_display(),
                "date": timezone.localtime(due_at).strftime("%Y-%m-%d"),
                "reason": reason,
            },
        )
    return deadline


def _retire_automatic_reminders(deadline: Deadline) -> None:
    """Rename the automatic reminders sent for the old date, so the new date's schedule starts
    afresh while the record of what was sent stays."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    for reminder in deadline.reminders.filter(kind__in=_automatic_kinds()):
        reminder.kind = f"{reminder.kind}@{stamp}"
        reminder.save(update_fields=["kind"])


# --- Who is waiting, and when ---------------------------------------------------------------


def _still_due(deadline: Deadline) -> bool:
    """Open, on an application still under way (what ``open_deadlines`` selects)."""
    return deadline.is_open and deadline.application.state in OPEN_STATES


def open_deadlines() -> QuerySet[Deadline]:
    return Deadline.objects.filter(done_at__isnull=True, application__state__in=OPEN_STATES)


def overdue(now: datetime.datetime | None = None) -> QuerySet[Deadline]:
    return open_deadlines().filter(due_at__lt=now or timezone.now())


def responsible_people(deadline: Deadline) -> list[User]:
    """Who owes the work: the assignee; else the organisation's managers (completing,
    answering) or the secretariat (deciding)."""
    if deadline.assignee_id:
        return [deadline.assignee] if deadline.assignee.is_active else []
    if deadline.kind == K.DECIDE:
        return list(User.objects.filter(is_secretariat=True, is_active=True).order_by("email"))
    return list(deadline.application.organisation.managers.filter(is_active=True).order_by("email"))


# --- Reminders and escalation ---------------------------------------------------------------


def _schedule(deadline: Deadline) -> list[tuple[str, datetime.datetime]]:
    """The automatic reminders of a deadline, in order: (kind, not before)."""
    before = [
        (f"before-{days}", deadline.due_at - datetime.timedelta(days=days))
        for days in sorted(settings.REMINDER_DAYS_BEFORE, reverse=True)
    ]
    after = [
        (f"after-{days}", deadline.due_at + datetime.timedelta(days=days))
        for days in sorted(settings.REMINDER_DAYS_AFTER)
    ]
    return [*before, *after]


def _automatic_kinds() -> list[str]:
    return [f"before-{d}" for d in settings.REMINDER_DAYS_BEFORE] + [
        f"after-{d}" for d in settings.REMINDER_DAYS_AFTER
    ]


def escalation_time(deadline: Deadline) -> datetime.datetime:
    """When an overdue deadline goes to the secretariat: with its last reminder."""
    last_after = max(settings.REMINDER_DAYS_AFTER, default=0)
    return deadline.due_at + datetime.timedelta(days=last_after)


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Remind and escalate what is due now; returns how many reminders and escalations were
    written. Safe to run again: each (deadline, kind) is written once."""
    now = now or timezone.now()
    written = 0
    # Only what could need a reminder: due within the longest "before" window, or past due.
    horizon = now + datetime.timedelta(days=max(settings.REMINDER_DAYS_BEFORE, default=0))
    candidates = (
        open_deadlines()
        .filter(due_at__lte=horizon)
        .select_related("application__organisation", "assignee")
        .prefetch_related("reminders")
    )
    for deadline in candidates:
        written += _remind(deadline, now)
        if _should_escalate(deadline, now):
            written += _escalate(deadline, now)
    return written


def _remind(deadline: Deadline, now: datetime.datetime) -> int:
    sent = {r.kind for r in deadline.reminders.all()}
    automatic = set(_automatic_kinds())
    if len(sent & automatic) >= settings.REMINDER_LIMIT:
        return 0
    passed = [kind for kind, not_before in _schedule(deadline) if not_before <= now]
    # After a pause of the sweep, the latest reminder due goes out, not every one missed.
    if not passed or passed[-1] in sent:
        return 0
    return _write_reminder(deadline, passed[-1], now, by=None)


def _should_escalate(deadline: Deadline, now: datetime.datetime) -> bool:
    if deadline.escalated_at is not None or deadline.due_at >= now:
        return False
    return now >= escalation_time(deadline)


def _write_reminder(deadline: Deadline, kind: str, now: datetime.datetime, by: User | None) -> int:
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                deadline=deadline, kind=kind, sent_at=now, sent_by=by
            )
            for person in responsible_people(deadline):
                _tell(person, deadline, "reminder", reminder)
    except IntegrityError:
        return 0  # another sweep wrote it first
    return 1


def _escalate(deadline: Deadline, now: datetime.datetime) -> int:
    with transaction.atomic():
        claimed = Deadline.objects.filter(pk=deadline.pk, escalated_at__isnull=True).update(
            escalated_at=now
        )
        if not claimed:
            return 0
        deadline.escalated_at = now
        reminder = Reminder.objects.create(deadline=deadline, kind=ESCALATION, sent_at=now)
        for person in User.objects.filter(is_secretariat=True, is_active=True).order_by("email"):
            _tell(person, deadline, ESCALATION, reminder)
    return 1


def send_reminder_now(*, deadline: Deadline, by: User) -> Reminder:
    """A reminder the secretariat sends by hand (counted apart from the automatic ones)."""
    if not can(by, "labelling.change_deadline", deadline.application):
        raise ActionForbidden(_("Only the secretariat sends reminders."))
    if not _still_due(deadline):
        raise InvalidInput(_("This work is done; there is nothing to remind anyone of."))
    now = timezone.now()
    kind = f"{MANUAL}-{now:%Y%m%d%H%M%S%f}"
    with transaction.atomic():
        _write_reminder(deadline, kind, now, by=by)
        record_event(
            deadline.application, "send_reminder", actor=by, reason=deadline.get_kind_display()
        )
    return Reminder.objects.get(deadline=deadline, kind=kind)


def _tell(person: User, deadline: Deadline, event: str, reminder: Reminder) -> None:
    """A notice now and an e-mail after the commit, both in the person's language."""
    url = deadline_url(deadline)
    with translation.override(person.language):
        text = notice_text(deadline, event)
    notify(person, text, url=url, application=deadline.application)
    dispatch.enqueue(
        "labelling.send_deadline_mail",
        key=f"deadline:{reminder.pk}:{person.pk}",
        reminder_id=reminder.pk,
        recipient_id=person.pk,
    )


def deadline_url(deadline: Deadline) -> str:
    return application_url(deadline.application)


def notice_text(deadline: Deadline, event: str) -> str:
    """A reminder or escalation in one line, in the active language."""
    due = timezone.localtime(deadline.due_at).strftime("%Y-%m-%d")
    what = deadline.get_kind_display()
    organisation = deadline.application.organisation.name
    if event == ESCALATION:
        return _("Overdue since %(due)s: “%(what)s” for %(organisation)s.") % {
            "due": due,
            "what": what,
            "organisation": organisation,
        }
    if deadline.due_at < timezone.now():
        return _("Reminder: “%(what)s” for %(organisation)s was due on %(due)s.") % {
            "due": due,
            "what": what,
            "organisation": organisation,
        }
    return _("Reminder: “%(what)s” for %(organisation)s is due on %(due)s.") % {
        "due": due,
        "what": what,
        "organisation": organisation,
    }


def deliver_deadline_mail(*, reminder_id: int, recipient_id: int) -> int:
    """The e-mail of a reminder or escalation; ``Reminder`` rows are written once, and the
    effect's key is unique per recipient, so it goes out once."""
    reminder = (
        Reminder.objects.select_related("deadline__application__organisation")
        .filter(pk=reminder_id)
        .first()
    )
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if reminder is None or recipient is None:
        return 0
    deadline = reminder.deadline
    if reminder.kind != ESCALATION and not _still_due(deadline):
        return 0  # done since the reminder was written: nobody is reminded of finished work
    event = ESCALATION if reminder.kind == ESCALATION else "reminder"
    with translation.override(recipient.language):
        line = notice_text(deadline, event)
    subject, body = render_mail(
        f"emails/deadlines/{event}.txt",
        recipient,
        {"deadline": deadline, "line": line, "url": deadline_url(deadline)},
    )
    return EmailMessage(subject, body, to=[recipient.email]).send()
