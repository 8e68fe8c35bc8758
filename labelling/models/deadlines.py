"""Due dates on the work of an application, the reminders they send, and in-app notices.

A ``Deadline`` is one piece of work somebody owes by a date: an expert's answer to an
invitation, a scoring, the manager's answers or completion, the consensus, the decision. It is
opened when the work becomes due and closed (``done_at``) when it is done or can no longer be
done (the application was closed or withdrawn). A ``Reminder`` row exists once per deadline and
kind, so a rerun of the reminder sweep sends nothing twice. A ``Notice`` is what a person sees
in the site's header (e-mail is the other channel).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labelling.history import Versions


class DeadlineKind(models.TextChoices):
    RESPOND = "respond", _("Answer the invitation to assess")
    SCORE = "score", _("Score the application")
    ANSWER = "answer", _("Answer the experts' questions")
    COMPLETE = "complete", _("Complete the returned application")
    CONSENSUS = "consensus", _("Agree the consensus")
    DECIDE = "decide", _("Decide the label")


class Deadline(models.Model):
    """Work owed on an application by a date. ``assignee`` is the person who owes it; none
    means the secretariat as a body (any member may act). ``subject`` is the row the work is
    about where it is narrower than the application (an assignment, a question)."""

    application = models.ForeignKey(
        "labelling.Application",
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("what is due"), max_length=16, choices=DeadlineKind.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name=_("due from"),
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    due_at = models.DateTimeField(_("due"), db_index=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the secretariat"), null=True, blank=True)
    # A changed due date is recorded with who changed it and why (the version's reason).
    versions = Versions(excluded_fields=["opened_at"])

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["done_at", "due_at"], name="deadline_open_due")]
        constraints = [
            # One open deadline per piece of work; a reopened piece (a second return for
            # completion) opens a new row after the first was closed.
            # (NULLs are folded to 0: a database counts two NULLs as different.)
            models.UniqueConstraint(
                "application",
                "kind",
                Coalesce("assignee", 0),
                Coalesce("object_id", 0),
                condition=Q(done_at__isnull=True),
                name="one_open_deadline_per_work",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.application} ({self.due_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()


class Reminder(models.Model):
    """A reminder (or the escalation) sent for a deadline; one row per deadline and kind makes
    the sweep idempotent. ``kind`` names the offset, e.g. ``before-3``, ``after-1``,
    ``after-7``, ``escalation``, ``manual-<timestamp>`` for one sent by hand."""

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("deadline")
    )
    kind = models.CharField(_("kind"), max_length=40)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} – {self.deadline}"


class Notice(models.Model):
    """A message to one person shown in the site (the header's unread count, the notices
    page). ``text`` is stored in the recipient's language at the time it was written."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    application = models.ForeignKey(
        "labelling.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("application"),
    )
    text = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]

    def __str__(self) -> str:
        return self.text
