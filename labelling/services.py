"""One function per user action on organisations, applications and invitations.

The web UI, the API and Celery tasks all call these. Each runs in one transaction, checks the
actor's permission through ``labelling.rules`` and records every state change.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from labelling import dispatch, extensions
from labelling.exceptions import ActionForbidden, Gone, InvalidInput, TransitionRefused
from labelling.models import (
    ApiToken,
    Application,
    Effect,
    EffectState,
    Invitation,
    InvitationRole,
    InvitationState,
    Level,
    Membership,
    Organisation,
    StateChange,
    User,
)
from labelling.notifications import render_mail_in, site_url
from labelling.rules import can
from labelling.workflow import record_creation, record_event, run_transition

ORGANISATION_FIELDS = {
    "name",
    "legal_name",
    "country",
    "region",
    "website",
    "founded_year",
    "members_companies",
    "members_research",
    "members_public",
    "management_fte",
    "language",
}


def _require(actor: User, perm: str, obj: Any = None) -> None:
    if not can(actor, perm, obj):
        raise ActionForbidden(_("You are not allowed to do this."))


def _apply_organisation_fields(organisation: Organisation, fields: dict[str, Any]) -> list:
    unknown = set(fields) - ORGANISATION_FIELDS - {"sectors"}
    if unknown:
        raise InvalidInput(
            _("Unknown organisation field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    sectors = fields.pop("sectors", None)
    for name, value in fields.items():
        setattr(organisation, name, value)
    # The state is the transitions' to change (a protected field refuses even a cleaned value).
    organisation.full_clean(exclude=["sectors", "state"])
    return sectors


@transaction.atomic
def organisation_create(*, actor: User, **fields: Any) -> Organisation:
    """Register an organisation; a manager who registers it becomes one of its managers.

    One the secretariat registers (here or in the admin) is confirmed at once, recorded as the
    secretariat's confirmation; one a manager registers waits for it (``organisation_confirm``).
    """
    _require(actor, "labelling.create_organisation")
    organisation = Organisation()
    sectors = _apply_organisation_fields(organisation, fields)
    organisation.save()
    if sectors is not None:
        organisation.sectors.set(sectors)
    if actor.is_cluster_manager:
        Membership.objects.create(user=actor, organisation=organisation)
    if can(actor, "labelling.confirm_organisation"):
        confirm_registered_by_secretariat(organisation=organisation, actor=actor)
    return organisation


def confirm_registered_by_secretariat(*, organisation: Organisation, actor: User) -> StateChange:
    """The confirmation of an organisation the secretariat has just registered: recorded like
    any other, without a mail (nobody waited for it)."""
    return run_transition(organisation, "confirm", actor=actor, notify=False)


def organisation_confirm(*, organisation: Organisation, actor: User) -> StateChange:
    """The secretariat confirms an organisation a manager registered: its applications can be
    submitted from now on.

    Side effects: one ``StateChange``; after the commit, the e-mail to its managers (outbox).
    """
    with transaction.atomic():
        # Read again under a lock: two members confirming at once make one change, not two.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        organisation.refresh_from_db(fields=["state"])
        return run_transition(organisation, "confirm", actor=actor)


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, **fields: Any) -> Organisation:
    _require(actor, "labelling.change_organisation", organisation)
    sectors = _apply_organisation_fields(organisation, fields)
    # The profile's fields only: a page loaded before the secretariat's confirmation must not
    # write the old state back.
    organisation.save(update_fields=sorted(ORGANISATION_FIELDS))
    if sectors is not None:
        organisation.sectors.set(sectors)
    return organisation


@transaction.atomic
def organisation_add_manager(*, organisation: Organisation, user: User, actor: User) -> Membership:
    _require(actor, "labelling.change_organisation", organisation)
    if not user.is_cluster_manager:
        raise InvalidInput(_("Only cluster managers can manage an organisation."), field="user")
    membership, _created = Membership.objects.get_or_create(user=user, organisation=organisation)
    return membership


@transaction.atomic
def organisation_remove_manager(
    *, organisation: Organisation, user: User, actor: User
) -> StateChange:
    """A manager removes a co-manager (or themselves) from the organisation; never its last
    active manager, who would leave it without anyone to act for it.

    Side effects: the membership goes; one ``StateChange`` on the organisation, whose reason
    names the person removed. The person keeps their account and their other organisations.
    """
    _require(actor, "labelling.remove_manager", organisation)
    # Locked: two managers removing each other at once must not leave the organisation with none.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    memberships = Membership.objects.filter(organisation=organisation)
    membership = memberships.filter(user=user).first()
    if membership is None:
        raise InvalidInput(
            _("%(person)s does not manage this organisation.") % {"person": user}, field="user"
        )
    if not memberships.exclude(user=user).filter(user__is_active=True).exists():
        raise TransitionRefused(
            _(
                "An organisation keeps at least one manager: invite another one before you "
                "remove this one."
            ),
            current_state=organisation.state,
        )
    membership.delete()
    return record_event(organisation, "remove_manager", actor=actor, reason=user.email)


@transaction.atomic
def application_create(
    *, organisation: Organisation, level: str, actor: User, renews: Model | None = None
) -> Application:
    """Open a draft application; refused while another application of the organisation is open.

    ``renews`` is the organisation's label this application renews: its label will supersede
    that one. A label can be renewed until a year after it expired, unless it was revoked.
    """
    _require(actor, "labelling.create_application", organisation)
    if level not in Level.values:
        raise InvalidInput(_("Choose GOLD, SILVER or BRONZE."), field="level")
    if renews is not None:
        extensions.check_renewable(renews, organisation)
    from labelling.models import OPEN_STATES

    # Lock the organisation so two concurrent "new application" clicks cannot both pass.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if organisation.applications.filter(state__in=OPEN_STATES).exists():
        raise InvalidInput(
            _("This organisation already has an open application; finish or withdraw it first."),
            field="level",
        )
    methodology = extensions.current_methodology()
    if methodology is None:
        raise InvalidInput(
            _("No methodology has been published yet; the secretariat must load one first."),
            field="level",
        )
    application = Application.objects.create(
        organisation=organisation,
        level=level,
        created_by=actor,
        methodology=methodology,
        renews=renews,
    )
    record_creation(application, actor=actor)
    for follow_up in extensions.on_application_created:
        follow_up(application, actor)
    return application


def application_submit(*, application: Application, actor: User) -> StateChange:
    return run_transition(application, "submit", actor=actor)


def application_return(*, application: Application, actor: User, reason: str) -> StateChange:
    return run_transition(application, "return_for_completion", actor=actor, reason=reason)


def application_reject(*, application: Application, actor: User, reason: str) -> StateChange:
    return run_transition(application, "reject", actor=actor, reason=reason)


def application_accept(*, application: Application, actor: User) -> StateChange:
    return run_transition(application, "accept", actor=actor)


def application_withdraw(*, application: Application, actor: User, reason: str = "") -> StateChange:
    return run_transition(application, "withdraw", actor=actor, reason=reason)


def application_send_back(*, application: Application, actor: User, reason: str) -> StateChange:
    return run_transition(application, "send_back_to_experts", actor=actor, reason=reason)


def application_reject_proposal(
    *, application: Application, actor: User, reason: str
) -> StateChange:
    return run_transition(application, "reject_proposal", actor=actor, reason=reason)


def application_close(*, application: Application, actor: User) -> StateChange:
    return run_transition(application, "close", actor=actor)


def application_appeal(*, application: Application, actor: User, reason: str) -> StateChange:
    return run_transition(application, "appeal", actor=actor, reason=reason)


def appeal_uphold(*, application: Application, actor: User, reason: str) -> StateChange:
    return run_transition(application, "uphold_appeal", actor=actor, reason=reason)


def appeal_dismiss(*, application: Application, actor: User, reason: str) -> StateChange:
    return run_transition(application, "dismiss_appeal", actor=actor, reason=reason)


API_TOKEN_KEY_PREFIX = "cl_"


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token for ``user``. Returns the token and its key: the key is shown
    this once and only its SHA-256 is kept."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the token a name."), field="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise InvalidInput(_("The name is too long."), field="name")
    if not user.is_active:
        raise ActionForbidden(_("You are not allowed to do this."))
    key = API_TOKEN_KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        # Enough of the key for its owner to tell tokens apart, far too little to guess it.
        prefix=key[: len(API_TOKEN_KEY_PREFIX) + 6],
        key_hash=ApiToken.hash_key(key),
    )
    return token, key


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke ``token`` (its owner, or the secretariat); revoking it again changes nothing."""
    _require(actor, "labelling.revoke_api_token", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def effect_retry(*, effect: Effect, actor: User) -> bool:
    """Send a failed follow-up again (the secretariat, after fixing its cause)."""
    _require(actor, "labelling.manage_effects")
    if effect.state != EffectState.FAILED:
        raise InvalidInput(_("Only a failed follow-up can be retried."), field="effect")
    return dispatch.retry(effect)


def user_set_language(*, user: User, language: str) -> User:
    """The language of ``user``'s pages and e-mails from now on (one of ``LANGUAGES``)."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Choose one of the offered languages."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


# --- Invitations ------------------------------------------------------------------------------

#: Who may invite to each role: the secretariat its colleagues and experts, a manager the
#: co-managers of their own organisation.
INVITE_PERMISSIONS = {
    InvitationRole.EXPERT: "labelling.invite_expert",
    InvitationRole.SECRETARIAT: "labelling.invite_secretariat",
    InvitationRole.CO_MANAGER: "labelling.invite_co_manager",
}


def _holds_role(user: User, role: str, organisation: Organisation | None) -> bool:
    if role == InvitationRole.EXPERT:
        return user.is_expert
    if role == InvitationRole.SECRETARIAT:
        return user.is_secretariat
    return organisation is not None and organisation.managers.filter(pk=user.pk).exists()


def _invitation_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS)


def _queue_invitation_mail(invitation: Invitation) -> None:
    """Ask for one more mail of the invitation: it goes after the commit, with a new key."""
    invitation.sends += 1
    invitation.save(update_fields=["sends"])
    dispatch.enqueue(
        "labelling.send_invitation",
        key=f"invitation:{invitation.pk}:{invitation.sends}",
        invitation_id=invitation.pk,
        sending=invitation.sends,
    )


@transaction.atomic
def invitation_create(
    *, email: str, role: str, actor: User, organisation: Organisation | None = None
) -> Invitation:
    """Invite ``email`` to ``role`` (a co-manager: of ``organisation``), for
    ``INVITATION_DAYS`` days.

    Refused for someone who holds the role already, or who has an invitation to it waiting.
    Side effects: the invitation; after the commit, its mail with the link (outbox).
    """
    if role not in InvitationRole.values:
        raise InvalidInput(_("Choose one of the offered roles."), field="role")
    if (role == InvitationRole.CO_MANAGER) != (organisation is not None):
        raise InvalidInput(
            _("A co-manager is invited to one organisation; the other roles to none."),
            field="organisation",
        )
    _require(actor, INVITE_PERMISSIONS[role], organisation)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(_("Enter a valid e-mail address."), field="email") from exc
    if len(email) > User._meta.get_field("email").max_length:
        raise InvalidInput(_("Enter a valid e-mail address."), field="email")
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and _holds_role(existing, role, organisation):
        raise InvalidInput(_("%(email)s has this role already.") % {"email": email}, field="email")
    waiting = Invitation.objects.filter(
        email=email,
        role=role,
        organisation=organisation,
        state=InvitationState.PENDING,
        expires_at__gt=timezone.now(),
    )
    if waiting.exists():
        raise InvalidInput(
            _("%(email)s has an invitation to this role waiting already; send it again instead.")
            % {"email": email},
            field="email",
        )
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        organisation=organisation,
        invited_by=actor,
        expires_at=_invitation_expiry(),
    )
    _queue_invitation_mail(invitation)
    return invitation


def _lock_invitation(invitation: Invitation) -> Invitation:
    """``invitation`` read again under a lock, so that two clicks at once act once."""
    # Only the invitation's row: PostgreSQL locks no nullable side of a join (its organisation).
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """Send a waiting invitation again, expired or not: a new link, valid ``INVITATION_DAYS``
    days from now. The earlier link stops working at once.

    Side effects: after the commit, the mail with the new link (outbox).
    """
    invitation = _lock_invitation(invitation)
    _require(actor, "labelling.manage_invitation", invitation)
    if invitation.state != InvitationState.PENDING:
        raise TransitionRefused(
            _("Only an invitation waiting for an answer can be sent again."),
            current_state=invitation.state,
        )
    invitation.expires_at = _invitation_expiry()
    invitation.key_hash = ""
    invitation.save(update_fields=["expires_at", "key_hash"])
    _queue_invitation_mail(invitation)
    return invitation


def invitation_cancel(*, invitation: Invitation, actor: User) -> StateChange:
    """Withdraw a waiting invitation: its link answers that it was cancelled. Side effects: one
    ``StateChange``."""
    with transaction.atomic():
        locked = _lock_invitation(invitation)
        return run_transition(locked, "cancel_invitation", actor=actor, notify=False)


def invitation_mail(*, invitation_id: int, sending: int) -> int:
    """Send the mail of the invitation's ``sending``-th request (the task's work): a new key,
    of which only the hash is stored, in a link to the acceptance page; in the invitee's
    language when they have an account, else in the inviter's. Returns how many were sent.

    Does nothing for an invitation gone, answered, asked to be sent again meanwhile (the later
    mail goes instead), or sent already: safe to run twice.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("invited_by", "organisation")
            .filter(pk=invitation_id)
            .first()
        )
        if (
            invitation is None
            or invitation.state != InvitationState.PENDING
            or invitation.sends != sending
            or invitation.sent_count >= sending
        ):
            return 0
        key = secrets.token_urlsafe(32)
        invitation.key_hash = Invitation.hash_key(key)
        invitation.sent_count = sending
        invitation.save(update_fields=["key_hash", "sent_count"])
        invitee = User.objects.filter(email__iexact=invitation.email).first()
        language = (invitee or invitation.invited_by).language
        url = site_url(reverse("invitation_accept", args=[key]))
        subject, body = render_mail_in(
            language,
            "emails/invitations/invitation.txt",
            {"invitation": invitation, "url": url},
        )
        # Sent inside the transaction: if sending fails, the key is rolled back with it and
        # the retry makes another; the key itself is never stored.
        EmailMessage(subject, body, to=[invitation.email]).send()
    return 1


def invitation_check_open(invitation: Invitation) -> None:
    """Raise ``Gone`` (410) unless the invitation's link can still be accepted, saying why."""
    if invitation.state == InvitationState.ACCEPTED:
        raise Gone(_("This invitation has been accepted already: its link works only once."))
    if invitation.state == InvitationState.CANCELLED:
        raise Gone(_("This invitation has been cancelled."))
    if invitation.is_expired:
        raise Gone(
            _("This invitation expired on %(date)s.")
            % {"date": formats.date_format(timezone.localtime(invitation.expires_at))}
        )


def _grant_role(invitation: Invitation, user: User) -> None:
    """What the invitation offers and nothing more. An expert's accreditation is still the
    secretariat's to record (the assessments app); a secretariat member is staff, as every
    secretariat account is, with no admin permission beyond what a superuser grants."""
    if invitation.role == InvitationRole.EXPERT:
        user.is_expert = True
        fields = ["is_expert"]
    elif invitation.role == InvitationRole.SECRETARIAT:
        user.is_secretariat = True
        user.is_staff = True
        fields = ["is_secretariat", "is_staff"]
    else:
        user.is_cluster_manager = True
        fields = ["is_cluster_manager"]
        Membership.objects.get_or_create(user=user, organisation=invitation.organisation)
    user.save(update_fields=fields)


def invitation_accept(*, invitation: Invitation, actor: User) -> StateChange:
    """The invitee, logged in to the account of the invited address, accepts: the role is
    added to that account.

    Side effects: the role (and for a co-manager the membership); one ``StateChange``.
    """
    with transaction.atomic():
        invitation = _lock_invitation(invitation)
        invitation_check_open(invitation)
        if actor.email.lower() != invitation.email:
            raise ActionForbidden(
                _(
                    "This invitation is for %(email)s, and you are logged in as %(you)s. Log "
                    "out, open the link again and log in as %(email)s to accept it."
                )
                % {"email": invitation.email, "you": actor.email}
            )
        change = run_transition(
            invitation, "accept_invitation", actor=actor, notify=False, person=actor
        )
        _grant_role(invitation, actor)
        return change


def invitation_accept_with_new_account(
    *, invitation: Invitation, full_name: str, password: str, language: str
) -> User:
    """Someone without an account accepts: the account of the invited address is made with
    the offered role and nothing more. The address counts as proved: the link reached it.

    Side effects: the account with its proved address (``labelling.accounts``), the role, one
    ``StateChange``.
    """
    with transaction.atomic():
        invitation = _lock_invitation(invitation)
        invitation_check_open(invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise TransitionRefused(
                _("An account with this address exists: log in to it to accept the invitation.")
            )
        full_name = (full_name or "").strip()
        if not full_name:
            raise InvalidInput(_("Give your full name."), field="full_name")
        person = User(email=invitation.email, full_name=full_name)
        try:
            password_validation.validate_password(password, user=person)
        except ValidationError as exc:
            raise InvalidInput(
                _("Choose another password."), field="password1", details=exc.messages
            ) from exc
        if language not in dict(settings.LANGUAGES):
            language = invitation.invited_by.language
        user = User.objects.create_user(
            invitation.email, password, full_name=full_name, language=language
        )
        run_transition(invitation, "accept_invitation", actor=user, notify=False, person=user)
        _grant_role(invitation, user)
        return user
