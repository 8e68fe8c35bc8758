"""Reads for pages and the API, scoped to what the person may see."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from labelling import extensions
from labelling.history import Edit, admin_edits
from labelling.models import (
    ApiToken,
    Application,
    Deadline,
    Effect,
    EffectState,
    Invitation,
    InvitationRole,
    InvitationState,
    Organisation,
    OrganisationState,
    StateChange,
    User,
)


def _scoped(user: User, queryset: QuerySet, own: Callable[[QuerySet], QuerySet]) -> QuerySet:
    """Nothing for the inactive or anonymous, everything for the secretariat, ``own`` of the
    rest: the scheme's visibility rule for every list."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_secretariat:
        return queryset
    return own(queryset)


def visible_applications(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """The applications ``user`` may open: the list form of ``labelling.view_application``."""

    def managed_or_assigned(applications: QuerySet) -> QuerySet:
        scope = Q(organisation__managers=user) | extensions.assigned_applications(user)
        return applications.filter(pk__in=Application.objects.filter(scope).values("pk"))

    return _scoped(
        user, Application.objects.all() if queryset is None else queryset, managed_or_assigned
    )


def visible_organisations(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """The organisations ``user`` may open: the list form of ``labelling.view_organisation``."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    return _scoped(user, queryset, lambda organisations: organisations.filter(managers=user))


def application_list(*, user: User, state: str = "") -> QuerySet[Application]:
    """The applications ``user`` sees, each with ``next_due``: the earliest due date of its
    open work (the lists mark it overdue)."""
    queryset = (
        visible_applications(user).select_related("organisation").annotate(next_due=next_due())
    )
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def next_due(kind: str = "") -> Subquery:
    """For an application query: the earliest due date of its open work (of ``kind`` only,
    if given)."""
    open_work = Deadline.objects.filter(application=OuterRef("pk"), done_at__isnull=True)
    if kind:
        open_work = open_work.filter(kind=kind)
    return Subquery(open_work.order_by("due_at").values("due_at")[:1])


def application_get(*, user: User, pk: int) -> Application:
    """The application, or 404 when it does not exist or ``user`` may not see it."""
    return get_object_or_404(
        visible_applications(user)
        .select_related("organisation", "created_by", "proposed_by", "decision_confirmed_by")
        .prefetch_related(*extensions.application_prefetch),
        pk=pk,
    )


def application_history(*, application: Application) -> QuerySet[StateChange]:
    return application.history.select_related("actor", "content_type").order_by("at", "pk")


def application_timeline(*, application: Application) -> list[StateChange | Edit]:
    """The state changes and, beside them, the admin's edits since the application was opened:
    of the application, its organisation, methodology and label (``labelling.history``).

    Edits of the organisation or methodology made before the application was opened are not
    its story and are left out. The workflow's own saves are state changes here, never edits.
    Costs a query per kind of row (seven), and one more for each kind that has edits.
    """
    sources = [
        Application.versions.filter(id=application.pk),
        Organisation.versions.filter(id=application.organisation_id),
        *extensions.methodology_history(application),
        *extensions.label_history(application),
    ]
    edits = [
        edit for versions in sources for edit in admin_edits(versions, since=application.created_at)
    ]
    return sorted([*application_history(application=application), *edits], key=lambda e: e.at)


def state_counts(*, applications: QuerySet[Application]) -> dict[str, int]:
    """How many of ``applications`` are in each state, in one query."""
    rows = applications.values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    return visible_organisations(user).prefetch_related("sectors")


def organisation_get(*, user: User, pk: int) -> Organisation:
    return get_object_or_404(visible_organisations(user), pk=pk)


def organisations_awaiting_confirmation() -> QuerySet[Organisation]:
    """Organisations registered by their managers that the secretariat has yet to confirm,
    oldest first, with their managers (the secretariat's list)."""
    return (
        Organisation.objects.filter(state=OrganisationState.UNCONFIRMED)
        .prefetch_related("managers")
        .order_by("created_at", "pk")
    )


def organisation_managers(*, organisation: Organisation) -> QuerySet[User]:
    return organisation.managers.order_by("full_name", "email")


def invitation_list(*, user: User) -> QuerySet[Invitation]:
    """The invitations the secretariat sends: experts and colleagues, newest first."""
    if not user.is_authenticated or not user.is_secretariat:
        return Invitation.objects.none()
    return Invitation.objects.exclude(role=InvitationRole.CO_MANAGER).select_related(
        "invited_by", "accepted_by"
    )


def organisation_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    """The co-manager invitations of an organisation still waiting for an answer."""
    return organisation.invitations.filter(state=InvitationState.PENDING).select_related(
        "invited_by"
    )


def invitation_get(*, user: User, pk: int) -> Invitation:
    """An invitation ``user`` may send again or cancel (the secretariat any, a manager their
    organisations'), or 404."""
    invitations = _scoped(
        user,
        Invitation.objects.select_related("organisation"),
        lambda queryset: queryset.filter(organisation__managers=user),
    )
    return get_object_or_404(invitations, pk=pk)


def invitation_by_key(key: str) -> Invitation | None:
    """The invitation whose latest link carries ``key`` (looked up by its hash)."""
    if not key:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(key_hash=Invitation.hash_key(key))
        .first()
    )


def api_token_by_key(key: str) -> ApiToken | None:
    """The active token whose key is ``key`` (looked up by its hash), with its user."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get(*, user: User, pk: int) -> ApiToken:
    """One of ``user``'s own tokens, or 404."""
    return get_object_or_404(api_token_list(user=user), pk=pk)


#: A follow-up still waiting this long after it was due is shown as stuck.
STUCK_AFTER = datetime.timedelta(minutes=2)


def effects_needing_attention() -> QuerySet[Effect]:
    """The follow-ups the secretariat should see: failed after their last retry, or waiting
    for the broker well past the sweep's turn."""
    stuck = Q(state=EffectState.PENDING, available_at__lt=timezone.now() - STUCK_AFTER)
    return Effect.objects.filter(Q(state=EffectState.FAILED) | stuck).order_by("-created_at")


def effect_get(*, pk) -> Effect:
    return get_object_or_404(Effect, pk=pk)
