"""Invitations: how experts, secretariat members and co-managers get their role.

A small model of our own rather than django-invitations (README, "Sign-up, confirmation and
invitations"): its model allows one invitation per address for ever, and it accepts on a GET,
which the link checkers of mail scanners trigger. Here a link is single-use, expires, is
accepted only by a POST, and only the SHA-256 of its key is stored: the key itself exists only
in the mail (``labelling.services.invitation_mail``).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from labelling import conditions
from labelling.models.organisations import Organisation
from labelling.models.people import User
from labelling.rules import transition_permission


class InvitationRole(models.TextChoices):
    EXPERT = "expert", _("Expert")
    SECRETARIAT = "secretariat", _("Secretariat member")
    CO_MANAGER = "co_manager", _("Co-manager of an organisation")


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


class Invitation(ConcurrentTransitionMixin, models.Model):
    """An offer of one role to one e-mail address (and, for a co-manager, one organisation).

    Its transitions carry the model's name (``accept_invitation``): the audit trail words a
    transition by its name, whatever the object, and an application has an ``accept`` too.

    Pending until accepted or cancelled; a pending invitation past ``expires_at`` is expired
    (a matter of time, not a state: sending it again renews it). ``sends`` counts the mails
    asked for: each one carries a new key, and the last one's is the only one that works.
    """

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=InvitationRole.choices)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    state = FSMField(
        _("state"),
        default=InvitationState.PENDING,
        choices=InvitationState.choices,
        protected=True,
        db_index=True,
    )
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, blank=True, db_index=True)
    sends = models.PositiveSmallIntegerField(_("mails asked for"), default=0)
    sent_count = models.PositiveSmallIntegerField(_("mails sent"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="co_manager", organisation__isnull=False)
                | (~models.Q(role="co_manager") & models.Q(organisation__isnull=True)),
                name="invitation_organisation_only_for_co_managers",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_role_display()}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        return self.state == InvitationState.PENDING and self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        """Its link can still be accepted."""
        return self.state == InvitationState.PENDING and not self.is_expired

    @property
    def status_label(self) -> str:
        """The state as a person reads it, expiry included."""
        return str(_("Expired")) if self.is_expired else str(self.get_state_display())

    @transition(
        field=state,
        source=InvitationState.PENDING,
        target=InvitationState.ACCEPTED,
        permission=transition_permission("labelling.accept_invitation"),
        conditions=[conditions.invitation_not_expired],
    )
    def accept_invitation(self, *, person: User) -> None:
        self.accepted_at = timezone.now()
        self.accepted_by = person

    @transition(
        field=state,
        source=InvitationState.PENDING,
        target=InvitationState.CANCELLED,
        permission=transition_permission("labelling.manage_invitation"),
    )
    def cancel_invitation(self) -> None:
        """The link stops working at once."""
