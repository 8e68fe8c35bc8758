"""Decision letters: one per recorded outcome, drafted in the organisation's language, edited
by the secretariat if need be, sent once with its signed PDF (and, for an outcome without a
certificate, the assessment report)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.services.decision import latest_recommendation
from labelling import dispatch
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import Application, Level, Outcome, StateChange, User
from labelling.notifications import application_url, header_safe
from labelling.rules import can
from labelling.workflow import AFTER_TRANSITION
from reports.documents import (
    no_label_report_data,
    organisation_language,
    shortfalls_of,
)
from reports.models import DecisionLetter, LetterKind
from reports.pdf.render import html_to_pdf, printable, render_report_pdf
from reports.pdf.signing import sign_pdf

#: The length of an edit's reason: the recorded version's column (django-simple-history).
EDIT_REASON_CHARS = 100

#: The transitions that record an outcome the organisation is written to about.
LETTER_TRANSITIONS = {"confirm_decision", "reject", "uphold_appeal", "dismiss_appeal"}


def letter_kind(application: Application, change: StateChange) -> str:
    if change.transition == "reject":
        return LetterKind.REJECTED
    if change.transition == "uphold_appeal":
        return LetterKind.APPEAL_UPHELD
    if change.transition == "dismiss_appeal":
        return LetterKind.APPEAL_DISMISSED
    if application.decided_outcome == Outcome.NONE:
        return LetterKind.NO_LABEL
    if application.decided_outcome == application.level:
        return LetterKind.AWARDED
    return LetterKind.LOWER


def _draft_after_transition(obj, change: StateChange) -> None:
    if isinstance(obj, Application) and change.transition in LETTER_TRANSITIONS:
        letter_draft(application=obj, change=change)


AFTER_TRANSITION.append(_draft_after_transition)


def letter_body(application: Application, change: StateChange, kind: str, language: str) -> str:
    """The letter's text for ``kind``, in ``language``, from its template."""
    recommendation = latest_recommendation(application)
    explanation = recommendation.explanation if recommendation else {}
    with translation.override(language):
        awarded = application.decided_outcome or Outcome.NONE
        shortfalls = (
            shortfalls_of(explanation, awarded, application.level)
            if kind in (LetterKind.LOWER, LetterKind.NO_LABEL)
            else []
        )
        context = {
            "application": application,
            "organisation": application.organisation,
            "requested": str(Level(application.level).label),
            "awarded": str(Outcome(awarded).label),
            "shortfalls": shortfalls,
            "reason": change.reason,
            "override_reason": application.override_reason,
            "appeal_until": application.appeal_deadline,
            "url": application_url(application),
        }
        return render_to_string(f"reports/letters/{kind}.txt", context).strip() + "\n"


def letter_draft(*, application: Application, change: StateChange) -> DecisionLetter:
    """The draft of the letter about ``change`` (made once; asked again, the same one)."""
    existing = DecisionLetter.objects.filter(state_change=change).first()
    if existing is not None:
        return existing
    kind = letter_kind(application, change)
    language = organisation_language(application.organisation)
    return DecisionLetter.objects.create(
        application=application,
        state_change=change,
        kind=kind,
        language=language,
        body=letter_body(application, change, kind, language),
    )


def _require_secretariat(actor: User, letter: DecisionLetter) -> None:
    if not can(actor, "reports.send_decision_letter", letter.application):
        raise ActionForbidden(_("Only the secretariat edits and sends decision letters."))


def letter_update(*, letter: DecisionLetter, actor: User, body: str, reason: str) -> DecisionLetter:
    """The secretariat changes the draft's text; the version keeps who, when and why."""
    _require_secretariat(actor, letter)
    if letter.is_sent:
        raise TransitionRefused(_("This letter has been sent; it can no longer change."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("The letter cannot be empty."), field="body")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say what the edit changes."), field="reason")
    if len(reason) > EDIT_REASON_CHARS:
        raise InvalidInput(
            _("Say what the edit changes in at most %(count)d characters.")
            % {"count": EDIT_REASON_CHARS},
            field="reason",
        )
    with transaction.atomic():
        letter = DecisionLetter.objects.select_for_update().get(pk=letter.pk)
        if letter.is_sent:
            raise TransitionRefused(_("This letter has been sent; it can no longer change."))
        letter.body = body + "\n"
        letter._change_reason = reason
        letter._history_user = actor
        letter.save(update_fields=["body"])
    return letter


def letter_send(*, letter: DecisionLetter, actor: User) -> DecisionLetter:
    """Send the letter: recorded as sent now, mailed with its PDF after the commit. A second
    click sends nothing more."""
    _require_secretariat(actor, letter)
    with transaction.atomic():
        claimed = DecisionLetter.objects.filter(pk=letter.pk, sent_at__isnull=True).update(
            sent_at=timezone.now(), sent_by=actor
        )
        if not claimed:
            raise TransitionRefused(_("This letter has already been sent."))
        dispatch.enqueue(
            "reports.send_decision_letter", key=f"letter:{letter.pk}", letter_id=letter.pk
        )
    letter.refresh_from_db()
    return letter


def letter_html(letter: DecisionLetter) -> str:
    """The letter as HTML, as it prints (also the secretariat's preview)."""
    application = letter.application
    with translation.override(letter.language):
        return render_to_string(
            "reports/letter.html",
            {
                "letter": letter,
                "organisation_name": printable(application.organisation.name),
                "body": printable(letter.body),
                "dated": timezone.localdate(letter.sent_at or timezone.now()),
                "issuer": _("The labelling secretariat"),
                "title": letter.get_kind_display(),
            },
        )


def letter_preview_pdf(letter: DecisionLetter) -> bytes:
    """The letter as it will print, unsigned: what the secretariat checks before sending."""
    return html_to_pdf(letter_html(letter))


def _render_files(letter: DecisionLetter) -> None:
    """The signed letter, and for an outcome with no certificate its assessment report; made
    once (a retry after a mail failure sends the same files)."""
    if not letter.pdf:
        with translation.override(letter.language):
            reason = _("Decision letter to %(organisation)s") % {
                "organisation": letter.application.organisation.name
            }
        pdf = sign_pdf(
            html_to_pdf(letter_html(letter)),
            reason=reason,
            location=settings.CERTIFICATE_SIGNING_LOCATION,
        )
        letter.pdf.save(f"letter-{letter.pk}.pdf", ContentFile(pdf), save=False)
        letter.save(update_fields=["pdf"])
    if needs_own_report(letter) and not letter.report:
        report = render_report_pdf(no_label_report_data(letter.application))
        letter.report.save(f"report-{letter.application_id}.pdf", ContentFile(report), save=False)
        letter.save(update_fields=["report"])


def needs_own_report(letter: DecisionLetter) -> bool:
    """An assessed outcome without a label has no certificate to carry its report."""
    return letter.kind == LetterKind.NO_LABEL


def letter_deliver(*, letter_id: int) -> int:
    """Render (once) and mail the letter to the organisation's managers, in one message."""
    letter = (
        DecisionLetter.objects.select_related("application__organisation")
        .filter(pk=letter_id, sent_at__isnull=False)
        .first()
    )
    if letter is None:
        return 0
    _render_files(letter)
    managers = list(
        letter.application.organisation.managers.filter(is_active=True).order_by("email")
    )
    if not managers:
        return 0
    with translation.override(letter.language):
        subject = header_safe(
            _("%(outcome)s: %(organisation)s")
            % {
                "outcome": letter.get_kind_display(),
                "organisation": letter.application.organisation.name,
            }
        )
        intro = _("Please find the decision letter attached. The application: %(url)s") % {
            "url": application_url(letter.application)
        }
    message = EmailMessage(subject, f"{letter.body}\n--\n{intro}\n", to=[m.email for m in managers])
    message.attach(f"letter-{letter.pk}.pdf", letter.pdf.read(), "application/pdf")
    letter.pdf.close()
    if letter.report:
        message.attach(
            f"report-{letter.application_id}.pdf", letter.report.read(), "application/pdf"
        )
        letter.report.close()
    return message.send()


def letters_for(*, application: Application, user: User) -> list[DecisionLetter]:
    """The letters ``user`` may read: every one for the secretariat, the sent ones for the
    others who see the application."""
    letters = application.letters.select_related("sent_by").order_by("created_at", "pk")
    if not can(user, "reports.send_decision_letter", application):
        letters = letters.filter(sent_at__isnull=False)
    return list(letters)
