"""Organisations, people, applications and the record of every state change."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from labelling import conditions
from labelling.rules import transition_permission

# ECCP validates a cluster profile only above these figures (public, see shared/domain.md).
ECCP_MIN_MEMBERS = 15
ECCP_MIN_MEMBER_TYPES = 2
ECCP_MIN_MANAGEMENT_FTE = Decimal("0.5")
APPEAL_WINDOW = datetime.timedelta(days=30)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True, is_secretariat=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person; logs in with the e-mail address. One person may hold several roles."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_cluster_manager = models.BooleanField(_("cluster manager"), default=False)
    is_expert = models.BooleanField(_("accredited expert"), default=False)
    is_secretariat = models.BooleanField(_("secretariat member"), default=False)
    country = CountryField(_("country"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Sector(models.Model):
    """A sector of a cluster's comparative portfolio (e.g. "Health", "Mobility")."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


nuts_code_validator = RegexValidator(
    r"^[A-Z]{2}[0-9A-Z]{0,3}$", _("Enter a NUTS code such as DE3 or FR101.")
)


class Organisation(models.Model):
    """A cluster management organisation: the applicant for a label."""

    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=250)
    country = CountryField(_("country"))
    region = models.CharField(
        _("region (NUTS code)"), max_length=5, blank=True, validators=[nuts_code_validator]
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    website = models.URLField(_("website"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    members_companies = models.PositiveIntegerField(_("member companies"), default=0)
    members_research = models.PositiveIntegerField(
        _("member research and education organisations"), default=0
    )
    members_public = models.PositiveIntegerField(_("member public bodies and others"), default=0)
    management_fte = models.DecimalField(
        _("dedicated cluster management staff (FTE)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("managers"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def member_count(self) -> int:
        return self.members_companies + self.members_research + self.members_public

    @property
    def member_type_count(self) -> int:
        counts = (self.members_companies, self.members_research, self.members_public)
        return sum(1 for count in counts if count)

    def eccp_gaps(self) -> list[str]:
        """What keeps the profile from the ECCP minimums a label requires (empty when none)."""
        gaps = []
        if self.management_fte < ECCP_MIN_MANAGEMENT_FTE:
            gaps.append(
                str(_("At least %(fte)s FTE of dedicated cluster management is required."))
                % {"fte": ECCP_MIN_MANAGEMENT_FTE}
            )
        if self.member_count < ECCP_MIN_MEMBERS:
            gaps.append(
                str(_("At least %(count)d committed members are required."))
                % {"count": ECCP_MIN_MEMBERS}
            )
        if self.member_type_count < ECCP_MIN_MEMBER_TYPES:
            gaps.append(
                str(
                    _(
                        "Members of at least %(count)d types (companies, research, public) "
                        "are required."
                    )
                )
                % {"count": ECCP_MIN_MEMBER_TYPES}
            )
        if not self.website:
            gaps.append(str(_("A website showing the cluster's activity is required.")))
        return gaps


class Membership(models.Model):
    """Links a cluster manager to the organisation they act for."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class StateChange(models.Model):
    """One row per state change of any workflow object: who, when, from, to, which, why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("transition"), max_length=64)
    source = models.CharField(_("from"), max_length=32)
    target = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept as text so that the record still names the person after their account is deleted.
    actor_label = models.CharField(_("by (as recorded)"), max_length=254)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.transition}: {self.source} → {self.target} by {self.actor_label}"

    @property
    def transition_label(self) -> str:
        """What happened, in words (the transition's name where no wording is on record)."""
        return str(HISTORY_LABELS.get(self.transition, self.transition.replace("_", " ")))

    @property
    def actor_display(self) -> str:
        """Who, for a history: the person, or the system process in the reader's language (the
        record keeps what was written at the time)."""
        if self.actor is not None:
            return str(self.actor)
        return str(SYSTEM_ACTOR_LABELS.get(self.actor_label, self.actor_label))

    @property
    def source_label(self) -> str:
        return self._state_label(self.source)

    @property
    def target_label(self) -> str:
        return self._state_label(self.target)

    def _state_label(self, value: str) -> str:
        model = self.content_type.model_class()
        if not value or model is None:
            return value
        return str(dict(model._meta.get_field("state").flatchoices).get(value, value))


#: How each state change reads in a history, for applications, labels, certificates and
#: methodology versions alike.
HISTORY_LABELS = {
    "create": _("Opened"),
    "submit": _("Submitted"),
    "return_for_completion": _("Returned for completion"),
    "reject": _("Rejected as ineligible"),
    "accept": _("Accepted as eligible"),
    "assign_experts": _("Expert team confirmed"),
    "reopen_assignment": _("An expert declined"),
    "start_assessment": _("Assessment started"),
    "begin_consensus": _("Both scorings in: consensus"),
    "complete_consensus": _("Consensus handed to quality review"),
    "send_back_to_experts": _("Sent back to the experts"),
    "propose_decision": _("Decision proposed"),
    "confirm_decision": _("Decision confirmed"),
    "reject_proposal": _("Proposal not confirmed"),
    "certify": _("Certificate issued"),
    "close": _("Closed without label"),
    "withdraw": _("Withdrawn"),
    "appeal": _("Appealed"),
    "uphold_appeal": _("Appeal upheld"),
    "dismiss_appeal": _("Appeal dismissed"),
    "suspend": _("Label suspended"),
    "reinstate": _("Label reinstated"),
    "revoke": _("Label revoked"),
    "expire": _("Label expired"),
    "supersede": _("Label superseded by its renewal"),
    "start_rendering": _("Rendering started"),
    "complete": _("Documents ready"),
    "requeue": _("Queued again"),
    "fail": _("Rendering failed"),
    "retry": _("Another attempt requested"),
    "publish": _("Published"),
}

#: Each transition as the action someone takes: the wording of its button, and how a refusal
#: names what was refused.
ACTION_LABELS = {
    "submit": _("Submit the application"),
    "return_for_completion": _("Return for completion"),
    "reject": _("Reject as ineligible"),
    "accept": _("Accept as eligible"),
    "assign_experts": _("Confirm the expert team"),
    "reopen_assignment": _("Decline the assignment"),
    "start_assessment": _("Start the assessment"),
    "begin_consensus": _("Begin the consensus"),
    "complete_consensus": _("Hand the consensus to quality review"),
    "send_back_to_experts": _("Send back to the experts"),
    "propose_decision": _("Propose the decision"),
    "confirm_decision": _("Confirm the decision"),
    "reject_proposal": _("Do not confirm the proposal"),
    "certify": _("Issue the certificate"),
    "close": _("Close without label"),
    "withdraw": _("Withdraw the application"),
    "appeal": _("Appeal against the decision"),
    "uphold_appeal": _("Uphold the appeal"),
    "dismiss_appeal": _("Dismiss the appeal"),
    "suspend": _("Suspend the label"),
    "reinstate": _("Reinstate the label"),
    "revoke": _("Revoke the label"),
    "expire": _("Let the label expire"),
    "supersede": _("Supersede the label by its renewal"),
    "start_rendering": _("Start rendering the documents"),
    "complete": _("Store the rendered documents"),
    "requeue": _("Queue the rendering again"),
    "fail": _("Record the rendering as failed"),
    "retry": _("Try again"),
    "publish": _("Publish the methodology version"),
}

#: How the processes that run transitions on their own are recorded (``run_transition``'s
#: ``system_label``, prefixed), and how a history shows them; the record keeps the English.
SYSTEM_ACTOR_LABELS = {
    "system: certificate worker": _("system: certificate worker"),
    "system: expiry task": _("system: expiry task"),
    "system: load_methodology": _("system: methodology loader"),
    "system: publish_methodology": _("system: methodology publishing command"),
}


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REJECTED = "rejected", _("Rejected as ineligible")
    ACCEPTED = "accepted", _("Accepted")
    EXPERTS_ASSIGNED = "experts_assigned", _("Experts assigned")
    IN_ASSESSMENT = "in_assessment", _("In assessment")
    CONSENSUS = "consensus", _("Consensus")
    QUALITY_REVIEW = "quality_review", _("Quality review")
    DECISION_PROPOSED = "decision_proposed", _("Decision proposed")
    DECIDED = "decided", _("Decided")
    CERTIFIED = "certified", _("Certified")
    CLOSED = "closed", _("Closed without label")
    APPEALED = "appealed", _("Under appeal")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationState
#: States in which the manager may still withdraw: everything before the decision.
WITHDRAWABLE_STATES = [
    S.DRAFT,
    S.SUBMITTED,
    S.ACCEPTED,
    S.EXPERTS_ASSIGNED,
    S.IN_ASSESSMENT,
    S.CONSENSUS,
    S.QUALITY_REVIEW,
    S.DECISION_PROPOSED,
]
APPEALABLE_STATES = [S.DECIDED, S.CERTIFIED, S.CLOSED]
OPEN_STATES = [*WITHDRAWABLE_STATES, S.DECIDED, S.APPEALED]


class Level(models.TextChoices):
    GOLD = "gold", _("GOLD")
    SILVER = "silver", _("SILVER")
    BRONZE = "bronze", _("BRONZE")


class Outcome(models.TextChoices):
    """A decision's result: a label level or none."""

    GOLD = "gold", _("GOLD")
    SILVER = "silver", _("SILVER")
    BRONZE = "bronze", _("BRONZE")
    NONE = "none", _("No label")


def reason_required(**custom: object) -> dict[str, object]:
    return {"reason_required": True, **custom}


#: The impartiality rules (ISO/IEC 17065), said to whoever they keep from acting.
DECIDERS = _("A decision is proposed by a secretariat member who did not assess the application.")
CONFIRMERS = _(
    "A decision is confirmed by a second secretariat member who neither proposed it nor "
    "assessed the application."
)
APPEAL_DECIDERS = _(
    "An appeal is decided by a secretariat member who took no part in the decision and did not "
    "assess the application."
)


class Application(ConcurrentTransitionMixin, models.Model):
    """An organisation's application for one label level, from draft to certificate.

    Transitions change fields in memory only; ``labelling.services`` runs them, saves, records
    the state change and queues notifications. ``ConcurrentTransitionMixin`` makes a save from
    a stale state fail, so two concurrent transitions have exactly one winner.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("organisation"),
    )
    level = models.CharField(_("level applied for"), max_length=8, choices=Level.choices)
    methodology = models.ForeignKey(
        "assessments.MethodologyVersion",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("methodology"),
        help_text=_("The version current when the application was opened; it never changes."),
    )
    state = FSMField(_("state"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    proposed_outcome = models.CharField(
        _("proposed outcome"), max_length=8, choices=Outcome.choices, blank=True
    )
    recommended_outcome = models.CharField(
        _("outcome recommended by the rules"), max_length=8, choices=Outcome.choices, blank=True
    )
    override_reason = models.TextField(_("reason for departing from the rules"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    decided_outcome = models.CharField(
        _("decided outcome"), max_length=8, choices=Outcome.choices, blank=True
    )
    decision_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decision confirmed by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    state_before_appeal = models.CharField(max_length=32, choices=S.choices, blank=True)
    renews = models.ForeignKey(
        "reports.Label",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
        verbose_name=_("renews label"),
        help_text=_("The label this application renews; a new label supersedes it."),
    )
    history = GenericRelation(StateChange)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_level_display()} #{self.pk}"

    # Predicates used as transition conditions live in labelling.conditions (pure, no writes).

    @transition(
        field=state,
        source=S.DRAFT,
        target=S.SUBMITTED,
        permission=transition_permission("labelling.submit_application"),
        conditions=[
            conditions.organisation_meets_eccp_minimums,
            conditions.self_assessment_complete,
        ],
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.DRAFT,
        permission=transition_permission("labelling.screen_application"),
        custom=reason_required(),
    )
    def return_for_completion(self) -> None:
        self.submitted_at = None

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.REJECTED,
        permission=transition_permission("labelling.screen_application"),
        custom=reason_required(),
    )
    def reject(self) -> None:
        """Refused as ineligible."""

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.ACCEPTED,
        permission=transition_permission("labelling.screen_application"),
    )
    def accept(self) -> None:
        """Eligible: experts can now be assigned."""

    @transition(
        field=state,
        source=S.ACCEPTED,
        target=S.EXPERTS_ASSIGNED,
        permission=transition_permission("labelling.assign_experts"),
        conditions=[conditions.has_required_experts],
    )
    def assign_experts(self) -> None:
        """The assigned experts are asked to declare conflicts and accept."""

    @transition(
        field=state,
        source=S.EXPERTS_ASSIGNED,
        target=S.ACCEPTED,
        permission=transition_permission("labelling.respond_to_assignment"),
        custom=reason_required(),
    )
    def reopen_assignment(self) -> None:
        """An expert declined: the secretariat has to assign someone else."""

    @transition(
        field=state,
        source=S.EXPERTS_ASSIGNED,
        target=S.IN_ASSESSMENT,
        permission=transition_permission("labelling.respond_to_assignment"),
        conditions=[conditions.has_required_experts, conditions.all_experts_accepted],
    )
    def start_assessment(self) -> None:
        """Every assigned expert accepted after declaring no conflict."""

    @transition(
        field=state,
        source=S.IN_ASSESSMENT,
        target=S.CONSENSUS,
        permission=transition_permission("labelling.score_application"),
        conditions=[conditions.all_assessments_submitted],
    )
    def begin_consensus(self) -> None:
        """Both scorings are in: the lead expert settles the differences."""

    @transition(
        field=state,
        source=S.CONSENSUS,
        target=S.QUALITY_REVIEW,
        permission=transition_permission("labelling.settle_consensus"),
        conditions=[conditions.consensus_settled],
    )
    def complete_consensus(self) -> None:
        """The lead expert hands the consensus to the secretariat."""

    @transition(
        field=state,
        source=S.QUALITY_REVIEW,
        target=S.CONSENSUS,
        permission=transition_permission("labelling.review_quality"),
        custom=reason_required(),
    )
    def send_back_to_experts(self) -> None:
        """The quality review found something the experts must revisit."""

    @transition(
        field=state,
        source=S.QUALITY_REVIEW,
        target=S.DECISION_PROPOSED,
        permission=transition_permission("labelling.decide_application"),
        custom={"who_may": DECIDERS},
    )
    def propose_decision(
        self, *, outcome: str, recommended: str, override_reason: str, proposer: User
    ) -> None:
        self.proposed_outcome = outcome
        self.recommended_outcome = recommended
        self.override_reason = override_reason
        self.proposed_by = proposer

    @transition(
        field=state,
        source=S.DECISION_PROPOSED,
        target=S.DECIDED,
        permission=transition_permission("labelling.confirm_decision"),
        custom={"who_may": CONFIRMERS},
    )
    def confirm_decision(self, *, confirmer: User) -> None:
        self.decided_outcome = self.proposed_outcome
        self.decision_confirmed_by = confirmer
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.DECISION_PROPOSED,
        target=S.QUALITY_REVIEW,
        permission=transition_permission("labelling.confirm_decision"),
        custom=reason_required(who_may=CONFIRMERS),
    )
    def reject_proposal(self) -> None:
        self.proposed_outcome = ""
        self.recommended_outcome = ""
        self.override_reason = ""
        self.proposed_by = None

    @transition(
        field=state,
        source=S.DECIDED,
        target=S.CERTIFIED,
        permission=transition_permission("labelling.issue_certificate"),
        conditions=[conditions.decided_with_label],
    )
    def certify(self) -> None:
        """A label was awarded: certificate and report are issued."""

    @transition(
        field=state,
        source=S.DECIDED,
        target=S.CLOSED,
        permission=transition_permission("labelling.issue_certificate"),
        conditions=[conditions.decided_without_label],
    )
    def close(self) -> None:
        """No label was awarded: the application ends here."""

    @transition(
        field=state,
        source=WITHDRAWABLE_STATES,
        target=S.WITHDRAWN,
        permission=transition_permission("labelling.withdraw_application"),
    )
    def withdraw(self) -> None:
        """The manager ends the application before a decision."""

    @transition(
        field=state,
        source=APPEALABLE_STATES,
        target=S.APPEALED,
        permission=transition_permission("labelling.appeal_decision"),
        conditions=[conditions.within_appeal_window],
        custom=reason_required(),
    )
    def appeal(self) -> None:
        self.state_before_appeal = self.state

    @transition(
        field=state,
        source=S.APPEALED,
        target=S.QUALITY_REVIEW,
        permission=transition_permission("labelling.decide_appeal"),
        custom=reason_required(who_may=APPEAL_DECIDERS),
    )
    def uphold_appeal(self) -> None:
        """The decision is taken again, from the quality review on."""
        self.state_before_appeal = ""
        self.decided_outcome = ""
        self.proposed_outcome = ""
        self.recommended_outcome = ""
        self.override_reason = ""
        self.proposed_by = None
        self.decision_confirmed_by = None
        self.decided_at = None

    @transition(
        field=state,
        source=S.APPEALED,
        target=RETURN_VALUE(*APPEALABLE_STATES),
        permission=transition_permission("labelling.decide_appeal"),
        custom=reason_required(who_may=APPEAL_DECIDERS),
    )
    def dismiss_appeal(self) -> str:
        """The decision stands: back to where the application was before the appeal."""
        previous = self.state_before_appeal
        self.state_before_appeal = ""
        return previous

    @property
    def appeal_deadline(self) -> datetime.datetime | None:
        return self.decided_at + APPEAL_WINDOW if self.decided_at else None


class Notification(models.Model):
    """An e-mail about a state change to one person; ``sent_at`` makes delivery idempotent."""

    state_change = models.ForeignKey(
        StateChange, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["state_change", "recipient"], name="one_notification_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"


class ApiToken(models.Model):
    """A personal key for the API, sent as ``Authorization: Bearer <key>``.

    Only the SHA-256 of the key is kept (``labelling.services.api_token_create`` shows the key
    once); the prefix lets its owner recognise it in the list. A revoked token stays as a record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=16)
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
