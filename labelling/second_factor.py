"""Whether a person logs in with a second factor (allauth's TOTP authenticator), and whether
the scheme asks one of them: deciding, confirming, issuing and revoking labels do.

Apart from ``labelling.accounts`` because the rules ask it, and the models import the rules:
this imports no model of the labelling app, and allauth's model only when asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from labelling.models import User


def has_second_factor(user: User) -> bool:
    """The person has an authenticator app set up (asked once per request's user object)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_has_second_factor"):
        from allauth.mfa.models import Authenticator

        user._has_second_factor = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists()
    return user._has_second_factor


def second_factor_required(user: User) -> bool:
    """Deciding, confirming, issuing and revoking wait for this person's second factor."""
    return bool(
        settings.SECRETARIAT_REQUIRES_SECOND_FACTOR
        and user.is_authenticated
        and user.is_secretariat
        and not has_second_factor(user)
    )
