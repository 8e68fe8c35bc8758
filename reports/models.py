"""Labels, their certificates and the numbers those carry.

A ``Label`` is what a decision awards: a level, for an organisation, valid for the methodology's
period; it has its own lifecycle (active, suspended, revoked, expired, superseded). Its
``Certificate`` is the signed PDF (with the assessment report) that a worker renders after the
decision commits; the certificate's generation is a small state machine of its own so that the
secretariat sees its progress and a crashed or repeated task still ends with one file.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from labelling.history import Versions
from labelling.models import Level, reason_required
from labelling.rules import transition_permission


class LabelState(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded by a renewal")


L = LabelState
#: States a renewal may replace: a label is renewable up to a year after it expired.
RENEWABLE_STATES = [L.ACTIVE, L.SUSPENDED, L.EXPIRED]
RENEWAL_GRACE = datetime.timedelta(days=365)
#: Reminders before a label expires: days before, and the field that makes each go out once.
REMINDERS = ((90, "reminder_90_sent_at"), (30, "reminder_30_sent_at"))


def is_past_validity(label: Label) -> bool:
    return label.valid_until < timezone.localdate()


is_past_validity.message = _("The label is still within its validity.")  # type: ignore[attr-defined]


class Label(ConcurrentTransitionMixin, models.Model):
    """A label awarded by a decision: one per application that earned one."""

    application = models.OneToOneField(
        "labelling.Application",
        on_delete=models.PROTECT,
        related_name="label",
        verbose_name=_("application"),
    )
    organisation = models.ForeignKey(
        "labelling.Organisation",
        on_delete=models.PROTECT,
        related_name="labels",
        verbose_name=_("organisation"),
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, db_index=True)
    gold_score_pct = models.DecimalField(
        _("GOLD score (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("On the GOLD set, rounded down to two decimals."),
    )
    benchmark_score_pct = models.DecimalField(
        _("benchmarking score (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("On every indicator, rounded down to two decimals."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    state = FSMField(_("state"), default=L.ACTIVE, choices=L.choices, protected=True, db_index=True)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("superseded by"),
    )
    reminder_90_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_30_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = GenericRelation("labelling.StateChange")
    # Not the reminders' dates: sending one is no edit.
    versions = Versions(excluded_fields=["reminder_90_sent_at", "reminder_30_sent_at"])

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["-valid_from", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} – {self.organisation} ({self.valid_until:%m/%Y})"

    @property
    def score_pct(self) -> Decimal | None:
        """The headline score: the GOLD score of a GOLD label, the benchmarking score of a
        SILVER or BRONZE one (empty for a SILVER label issued before both were kept)."""
        return self.gold_score_pct if self.level == Level.GOLD else self.benchmark_score_pct

    @transition(
        field=state,
        source=L.ACTIVE,
        target=L.SUSPENDED,
        permission=transition_permission("reports.manage_label"),
        custom=reason_required(),
    )
    def suspend(self) -> None:
        """The label stops counting as valid until it is reinstated or revoked."""

    @transition(
        field=state,
        source=L.SUSPENDED,
        target=L.ACTIVE,
        permission=transition_permission("reports.manage_label"),
        custom=reason_required(),
    )
    def reinstate(self) -> None:
        """What caused the suspension is resolved."""

    @transition(
        field=state,
        source=[L.ACTIVE, L.SUSPENDED],
        target=L.REVOKED,
        permission=transition_permission("reports.manage_label"),
        custom=reason_required(),
    )
    def revoke(self) -> None:
        """Withdrawn for good (ISO/IEC 17065 withdrawal)."""

    @transition(
        field=state,
        source=[L.ACTIVE, L.SUSPENDED],
        target=L.EXPIRED,
        permission=transition_permission("reports.manage_label"),
        conditions=[is_past_validity],
    )
    def expire(self) -> None:
        """Past its validity; the periodic task runs this."""

    @transition(
        field=state,
        source=RENEWABLE_STATES,
        target=L.SUPERSEDED,
        permission=transition_permission("labelling.issue_certificate"),
    )
    def supersede(self, *, by: Label) -> None:
        self.superseded_by = by


def label_validity(decided_on: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """From the first day of the decision month, for ``months`` months (to the day before)."""
    start = decided_on.replace(day=1)
    year, month = divmod(start.month - 1 + months, 12)
    end = start.replace(year=start.year + year, month=month + 1) - datetime.timedelta(days=1)
    return start, end


class CertificateState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


C = CertificateState


def certificate_path(instance: Certificate, filename: str) -> str:
    return f"certificates/{instance.number}/{filename}"


def is_claimable(certificate: Certificate) -> bool:
    """Queued, or left rendering by a worker that died (its lease ran out)."""
    if certificate.state == C.QUEUED:
        return True
    started = certificate.rendering_started_at
    lease = datetime.timedelta(seconds=settings.CERTIFICATE_RENDER_LEASE_SECONDS)
    return started is None or timezone.now() - started > lease


is_claimable.message = _("Another worker is rendering this certificate.")  # type: ignore[attr-defined]


class Certificate(ConcurrentTransitionMixin, models.Model):
    """The signed certificate PDF of a label and its assessment report, with their progress."""

    label = models.OneToOneField(
        Label, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("label")
    )
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    state = FSMField(
        _("generation"), default=C.QUEUED, choices=C.choices, protected=True, db_index=True
    )
    revision = models.PositiveSmallIntegerField(
        _("revision"),
        default=1,
        help_text=_("Raised each time the certificate is rendered again under the same number."),
    )
    attempts = models.PositiveSmallIntegerField(_("rendering attempts"), default=0)
    rendering_started_at = models.DateTimeField(_("rendering started"), null=True, blank=True)
    failure_reason = models.TextField(_("reason of the failure"), blank=True)
    pdf = models.FileField(_("certificate PDF"), upload_to=certificate_path, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the certificate"), max_length=64, blank=True)
    report = models.FileField(_("assessment report PDF"), upload_to=certificate_path, blank=True)
    report_sha256 = models.CharField(_("SHA-256 of the report"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    completed_at = models.DateTimeField(_("files ready"), null=True, blank=True)
    history = GenericRelation("labelling.StateChange")
    versions = Versions()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="unique_certificate_sequence")
        ]

    def __str__(self) -> str:
        return self.number

    # The generation steps are the worker's (no person runs them), hence no permission.
    @transition(
        field=state, source=[C.QUEUED, C.RENDERING], target=C.RENDERING, conditions=[is_claimable]
    )
    def start_rendering(self) -> None:
        self.attempts += 1
        self.rendering_started_at = timezone.now()
        self.failure_reason = ""

    @transition(field=state, source=C.RENDERING, target=C.DONE)
    def complete(self, *, pdf: str, pdf_sha256: str, report: str, report_sha256: str) -> None:
        self.pdf.name = pdf
        self.pdf_sha256 = pdf_sha256
        self.report.name = report
        self.report_sha256 = report_sha256
        self.completed_at = timezone.now()

    @transition(field=state, source=C.RENDERING, target=C.QUEUED)
    def requeue(self, *, failure: str) -> None:
        """An attempt failed or its worker died; another attempt follows."""
        self.failure_reason = failure

    @transition(field=state, source=C.RENDERING, target=C.FAILED)
    def fail(self, *, failure: str) -> None:
        """The last automatic attempt failed: the secretariat decides on a retry."""
        self.failure_reason = failure

    @transition(
        field=state,
        source=C.FAILED,
        target=C.QUEUED,
        permission=transition_permission("labelling.issue_certificate"),
    )
    def retry(self) -> None:
        """The secretariat asks for another attempt after a failure."""

    @transition(
        field=state,
        source=C.DONE,
        target=C.QUEUED,
        permission=transition_permission("labelling.issue_certificate"),
        custom=reason_required(),
    )
    def rerender(self) -> None:
        """The secretariat has the documents rendered again (a corrected name, the language,
        a new signatory): same number, next revision; the files stay until the new ones are
        done (``CertificateRevision`` keeps the earlier ones on record)."""
        self.revision += 1
        self.attempts = 0
        self.failure_reason = ""
        self.rendering_started_at = None


class CertificateRevision(models.Model):
    """An earlier rendering of a certificate, kept when it was rendered again: its files and
    digests still prove what was issued then, and the verification recognises them."""

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        related_name="revisions",
        verbose_name=_("certificate"),
    )
    revision = models.PositiveSmallIntegerField(_("revision"))
    pdf = models.FileField(_("certificate PDF"), upload_to=certificate_path, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the certificate"), max_length=64, db_index=True)
    report = models.FileField(_("assessment report PDF"), upload_to=certificate_path, blank=True)
    report_sha256 = models.CharField(_("SHA-256 of the report"), max_length=64, blank=True)
    completed_at = models.DateTimeField(_("files ready"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier revision of a certificate")
        verbose_name_plural = _("earlier revisions of certificates")
        ordering = ["certificate", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "revision"], name="unique_certificate_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate.number} r{self.revision}"


class CertificateSequence(models.Model):
    """The last certificate sequence number handed out in a year (locked while incremented)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate sequence")
        verbose_name_plural = _("certificate sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class LetterKind(models.TextChoices):
    AWARDED = "awarded", _("Label awarded as applied for")
    LOWER = "lower", _("Label awarded at a lower level than applied for")
    NO_LABEL = "no_label", _("No label awarded")
    REJECTED = "rejected", _("Rejected at screening")
    APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld")
    APPEAL_DISMISSED = "appeal_dismissed", _("Appeal dismissed")


class DecisionLetter(models.Model):
    """The letter that tells the organisation an outcome, drafted when the outcome is recorded
    (one per such state change), edited by the secretariat if need be, then sent: e-mailed to
    the managers with its signed PDF, and kept on the application page. An edit is a recorded
    version (who, when, why)."""

    application = models.ForeignKey(
        "labelling.Application",
        on_delete=models.PROTECT,
        related_name="letters",
        verbose_name=_("application"),
    )
    state_change = models.OneToOneField(
        "labelling.StateChange",
        on_delete=models.PROTECT,
        related_name="letter",
        verbose_name=_("outcome recorded"),
    )
    kind = models.CharField(_("outcome"), max_length=20, choices=LetterKind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    pdf = models.FileField(_("letter (PDF)"), upload_to="letters/", blank=True)
    # The assessment report of an outcome that has no certificate to carry one (no label).
    report = models.FileField(_("assessment report (PDF)"), upload_to="letters/", blank=True)
    versions = Versions(excluded_fields=["pdf", "report", "created_at"])

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.application}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class StatusPurpose(models.TextChoices):
    """What a bit of a status list says when it is set (W3C Bitstring Status List)."""

    REVOCATION = "revocation", _("Revocation")
    SUSPENSION = "suspension", _("Suspension")


class Credential(models.Model):
    """A label's Open Badges 3.0 credential, as signed: one per certificate.

    Its place in the status lists (``status_list``, ``status_index``) is the same in the
    revocation and the suspension list; drawn at random within a list, so that the position
    says nothing about the order of issue.
    """

    certificate = models.OneToOneField(
        Certificate,
        on_delete=models.PROTECT,
        related_name="credential",
        verbose_name=_("certificate"),
    )
    status_list = models.PositiveIntegerField(_("status list"))
    status_index = models.PositiveIntegerField(_("index in the status list"))
    #: The certificate revision it was signed for: signed again when the certificate is.
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    document = models.JSONField(_("signed credential"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="unique_credential_status_entry"
            )
        ]

    def __str__(self) -> str:
        return self.document.get("id", str(self.pk))


class StatusList(models.Model):
    """A published status list credential (signed), as served to verifiers; written anew by
    ``reports.publish_status_lists`` whenever a bit changes."""

    purpose = models.CharField(_("purpose"), max_length=16, choices=StatusPurpose.choices)
    number = models.PositiveIntegerField(_("number"))
    document = models.JSONField(_("signed status list credential"))
    bits_sha256 = models.CharField(_("SHA-256 of the bits"), max_length=64)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "number"], name="unique_status_list")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.number}"
