"""Accounts with django-allauth: how it fits the scheme.

- Mail: allauth's messages (verification, password reset) go through the outbox like every
  other follow-up (``labelling.dispatch``), so a mail server that is down delays them instead
  of losing them or failing the page.
- Sign-up: a cluster manager signs up alone (``SIGNUP_OPEN``) and is a cluster manager and
  nothing more; the organisation they register waits for the secretariat's confirmation.
  Every other role comes from the secretariat's invitation (``labelling.services``).
- Proved addresses: an account the secretariat creates (the admin, the demo, a test's factory)
  or an invitation creates starts with its e-mail address proved, as the person got its
  credentials or the link through it; only an account someone signs up for proves its
  address by the link allauth sends.
- Second factor: deciding, confirming, issuing and revoking need a TOTP authenticator
  (``labelling.second_factor``, asked by ``labelling.rules``); pages remind a secretariat member
  without one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from labelling import dispatch
from labelling.second_factor import second_factor_required

if TYPE_CHECKING:
    from labelling.models import User

#: Set on a user whose account allauth's sign-up is creating: its address is not proved yet.
SIGNING_UP = "_signing_up"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Safe to leave open: an organisation registered after a sign-up cannot submit before
        # the secretariat confirms it.
        return settings.SIGNUP_OPEN

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        """A sign-up makes a cluster manager, and nothing more, who reads the site (and gets
        the address check) in the language they signed up in."""
        setattr(user, SIGNING_UP, True)
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        user.is_cluster_manager = True
        language = translation.get_language()
        user.language = language if language in dict(settings.LANGUAGES) else "en"
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Renders the message now (in the reader's language, with the request's links) and
        hands it to the outbox: sent after the commit, retried while the mail server fails."""
        message = self.render_mail(template_prefix, email, {"email": email, **context})
        html = [body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"]
        dispatch.enqueue(
            "labelling.send_account_mail",
            subject=message.subject,
            body=message.body,
            html=html[0] if html else "",
            to=list(message.to),
        )


def prove_address_of_new_account(sender, instance: User, created: bool, **kwargs: Any) -> None:
    """``post_save`` of the user model: an account created other than by signing up has its
    address proved (see the module's docstring)."""
    if not created or getattr(instance, SIGNING_UP, False) or not instance.email:
        return
    EmailAddress.objects.get_or_create(
        user=instance, email=instance.email, defaults={"primary": True, "verified": True}
    )


def follow_changed_address(user: User) -> None:
    """After the secretariat changed someone's address (the admin): that address is the proved,
    primary one, and the old ones go."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )


def second_factor_context(request: HttpRequest) -> dict[str, bool]:
    """Template context: whether to remind the person to set up their second factor."""
    user = getattr(request, "user", None)
    return {"needs_second_factor": bool(user is not None and second_factor_required(user))}


def signup_context(request: HttpRequest) -> dict[str, bool]:
    """Template context: whether the log-in page offers the cluster managers' sign-up."""
    return {"signup_open": settings.SIGNUP_OPEN}
