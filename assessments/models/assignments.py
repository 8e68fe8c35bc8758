"""Expert assignments. Methodology, scoring and consensus build on these."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from labelling.models import ApplicationState

#: Where an invitation is still pending: the team being built, or waiting for the experts.
INVITATION_PENDING_STATES = frozenset(
    {ApplicationState.ACCEPTED, ApplicationState.EXPERTS_ASSIGNED}
)


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead expert")
    SECOND = "second", _("Second expert")


class AssignmentStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Assignment(models.Model):
    """An expert asked to assess one application; they accept only after declaring no conflict."""

    application = models.ForeignKey(
        "labelling.Application",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("expert"),
    )
    role = models.CharField(_("role"), max_length=8, choices=AssignmentRole.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.INVITED,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    no_conflict_declared_at = models.DateTimeField(
        _("declared no conflict of interest"), null=True, blank=True
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    scores_submitted_at = models.DateTimeField(_("scoring submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["application", "role", "assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], name="unique_expert_per_application"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(role="lead") & ~models.Q(status="declined"),
                name="one_active_lead_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} ({self.get_role_display()}) – {self.application}"

    @property
    def is_active(self) -> bool:
        return self.status != AssignmentStatus.DECLINED

    @property
    def invitation_ended(self) -> bool:
        """Invited, but the application has gone on without an answer (it was withdrawn, or
        left the stage where experts answer): nothing is asked of the expert any more.
        Withdrawing changes only the application, so the row keeps its status."""
        return (
            self.status == AssignmentStatus.INVITED
            and self.application.state not in INVITATION_PENDING_STATES
        )

    @property
    def status_label(self) -> str:
        """The status as people should read it: an ended invitation says why, instead of the
        "Invited" of its row."""
        if not self.invitation_ended:
            return self.get_status_display()
        if self.application.state == ApplicationState.WITHDRAWN:
            return str(_("Invitation ended: the application was withdrawn"))
        return str(_("Invitation ended: the application has moved on"))
