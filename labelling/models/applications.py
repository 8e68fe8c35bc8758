"""Applications for a label: states, levels, outcomes and the django-fsm transitions."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from labelling import conditions
from labelling.history import Versions
from labelling.models.audit import StateChange
from labelling.models.organisations import Organisation
from labelling.models.people import User
from labelling.rules import transition_permission

APPEAL_WINDOW = datetime.timedelta(days=30)


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
#: States after a confirmed decision: it stands, or is under appeal (an upheld appeal sends the
#: application back to the quality review, before the decision).
DECIDED_STATES = [*APPEALABLE_STATES, S.APPEALED]
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
    versions = Versions()

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
            conditions.organisation_confirmed,
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
    def awards_label(self) -> bool:
        """Decided, and the decision awards a label."""
        return bool(self.decided_outcome) and self.decided_outcome != Outcome.NONE

    @property
    def awards_no_label(self) -> bool:
        """Decided, and the decision awards no label."""
        return self.decided_outcome == Outcome.NONE

    @property
    def appeal_deadline(self) -> datetime.datetime | None:
        return self.decided_at + APPEAL_WINDOW if self.decided_at else None
