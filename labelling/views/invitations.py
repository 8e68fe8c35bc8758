"""Invitations: the secretariat's list, sending again and cancelling, and the page a link
opens, where the invitee accepts (never on a GET: mail scanners open links)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from labelling import selectors, services
from labelling.exceptions import Gone, InvalidInput
from labelling.forms import InvitationAccountForm, InvitationForm
from labelling.models import Invitation, User
from labelling.rules import can

#: The back end that logs in a person whose account an invitation has just made.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    """The secretariat's invitations of experts and colleagues, and the form for a new one."""
    if not can(request.user, "labelling.invite_expert"):
        raise PermissionDenied(_("Only the secretariat invites experts and its members."))
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = services.invitation_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("invitation_list")
    return render(
        request,
        "labelling/invitations.html",
        {
            "invitations": selectors.invitation_list(user=request.user),
            "form": form,
            "invitation_days": settings.INVITATION_DAYS,
        },
    )


def _back_to(invitation: Invitation) -> HttpResponse:
    """Where the invitation is listed: its organisation's page, or the secretariat's list."""
    if invitation.organisation_id is not None:
        return redirect("organisation_detail", pk=invitation.organisation_id)
    return redirect("invitation_list")


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    services.invitation_resend(invitation=invitation, actor=request.user)
    messages.success(
        request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
    )
    return _back_to(invitation)


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    services.invitation_cancel(invitation=invitation, actor=request.user)
    messages.success(request, _("Invitation to %(email)s cancelled.") % {"email": invitation.email})
    return _back_to(invitation)


def _log_in_first(request: HttpRequest) -> HttpResponse:
    """To the log-in page, and back here after it."""
    messages.info(request, _("Log in to accept the invitation."))
    return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.path})}")


@never_cache
def invitation_accept(request: HttpRequest, key: str) -> HttpResponse:
    """What the invitation offers, and the button that accepts it (a POST).

    The invited address with an account: its owner accepts logged in as that account (others
    are sent to log in, and anyone logged in as someone else is refused). Without an account:
    the page asks for a name and a password and makes the account, then logs it in.
    """
    invitation = selectors.invitation_by_key(key)
    if invitation is None:
        raise Gone(
            _(
                "This invitation link is not valid (any more): a newer mail may have replaced "
                "it. Ask whoever invited you to send it again."
            )
        )
    services.invitation_check_open(invitation)
    account = User.objects.filter(email__iexact=invitation.email).first()
    if account is not None and not request.user.is_authenticated:
        return _log_in_first(request)
    form = None
    if account is None and not request.user.is_authenticated:
        form = InvitationAccountForm(request.POST or None)
    if request.method == "POST":
        if form is None:
            services.invitation_accept(invitation=invitation, actor=request.user)
            messages.success(request, _("Invitation accepted: your new role is active."))
            return redirect("dashboard")
        if form.is_valid():
            try:
                user = services.invitation_accept_with_new_account(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    language=translation.get_language(),
                )
            except InvalidInput as refused:
                # Shown at the field it concerns, with the form kept.
                form.add_error(refused.field or None, [refused.message, *refused.details])
            else:
                login(request, user, backend=LOGIN_BACKEND)
                messages.success(request, _("Welcome: your account is ready."))
                return redirect("dashboard")
    # Logged in, but not as the invited address: refused before any button is pressed.
    someone_else = request.user.is_authenticated and request.user.email.lower() != invitation.email
    return render(
        request,
        "labelling/invitation_accept.html",
        {"invitation": invitation, "form": form, "someone_else": someone_else},
        status=403 if someone_else else 200,
    )
