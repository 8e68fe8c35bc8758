"""Reads for pages and the API, scoped to what the person may see."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from labelling.models import ApiToken, Application, Organisation, StateChange, User
from labelling.rules import visible_applications, visible_organisations


def application_list(*, user: User, state: str = "") -> QuerySet[Application]:
    queryset = visible_applications(user).select_related("organisation")
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def application_get(*, user: User, pk: int) -> Application:
    """The application, or 404 when it does not exist or ``user`` may not see it."""
    return get_object_or_404(
        visible_applications(user)
        .select_related("organisation", "created_by", "proposed_by", "decision_confirmed_by")
        .prefetch_related("assignments__expert"),
        pk=pk,
    )


def application_history(*, application: Application) -> QuerySet[StateChange]:
    return application.history.select_related("actor", "content_type").order_by("at", "pk")


def state_counts(*, user: User) -> dict[str, int]:
    rows = visible_applications(user).values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    return visible_organisations(user).prefetch_related("sectors")


def organisation_get(*, user: User, pk: int) -> Organisation:
    return get_object_or_404(visible_organisations(user), pk=pk)


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
