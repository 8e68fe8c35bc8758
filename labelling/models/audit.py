"""The record of every state change, and how transitions read in histories and buttons."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


#: How each state change reads in a history, for applications, labels, certificates,
#: methodology versions, organisations and invitations alike. A manager's removal is recorded
#: on the organisation (its state unchanged), with the person removed as the reason.
HISTORY_LABELS = {
    "create": _("Opened"),
    "move_due_date": _("Due date changed"),
    "send_reminder": _("Reminder sent by the secretariat"),
    "propose_waiver": _("Waiver of a conflict of interest proposed"),
    "confirm_waiver": _("Conflict of interest waived (confirmed by a second member)"),
    "reject_waiver": _("Waiver of a conflict of interest rejected"),
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
    "rerender": _("Certificate rendered again (new revision)"),
    "publish": _("Published"),
    # Records that are not state changes: the secretariat's erasure of a person's data
    # (labelling.privacy) and the removal of evidence files (assessments.services.retention).
    "erase_personal_data": _("Personal data erased"),
    "purge_evidence": _("Evidence files removed after the retention period"),
    "confirm": _("Organisation confirmed"),
    "remove_manager": _("Manager removed"),
    "accept_invitation": _("Invitation accepted"),
    "cancel_invitation": _("Invitation cancelled"),
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
    "rerender": _("Render the certificate again"),
    "publish": _("Publish the methodology version"),
    "confirm": _("Confirm the organisation"),
    "remove_manager": _("Remove the manager"),
    "accept_invitation": _("Accept the invitation"),
    "cancel_invitation": _("Cancel the invitation"),
}

#: How the processes that run transitions on their own are recorded (``run_transition``'s
#: ``system_label``, prefixed), and how a history shows them; the record keeps the English.
SYSTEM_ACTOR_LABELS = {
    "system: certificate worker": _("system: certificate worker"),
    "system: expiry task": _("system: expiry task"),
    "system: load_methodology": _("system: methodology loader"),
    "system: publish_methodology": _("system: methodology publishing command"),
    "system: evidence retention": _("system: evidence retention"),
}
