"""One function per user action on organisations and applications.

The web UI, the API and Celery tasks all call these. Each runs in one transaction, checks the
actor's permission through ``labelling.rules`` and records every state change.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from labelling import dispatch, extensions
from labelling.exceptions import ActionForbidden, InvalidInput
from labelling.models import (
    ApiToken,
    Application,
    Effect,
    EffectState,
    Level,
    Membership,
    Organisation,
    StateChange,
    User,
)
from labelling.rules import can
from labelling.workflow import record_creation, run_transition

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
    organisation.full_clean(exclude=["sectors"])
    return sectors


@transaction.atomic
def organisation_create(*, actor: User, **fields: Any) -> Organisation:
    """Register an organisation; a manager who registers it becomes one of its managers."""
    _require(actor, "labelling.create_organisation")
    organisation = Organisation()
    sectors = _apply_organisation_fields(organisation, fields)
    organisation.save()
    if sectors is not None:
        organisation.sectors.set(sectors)
    if actor.is_cluster_manager:
        Membership.objects.create(user=actor, organisation=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, **fields: Any) -> Organisation:
    _require(actor, "labelling.change_organisation", organisation)
    sectors = _apply_organisation_fields(organisation, fields)
    organisation.save()
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
