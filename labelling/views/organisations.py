"""The organisation pages: register one, read and edit its profile, open an application; its
managers (invite, remove); the secretariat's confirmation of organisations managers registered."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from labelling import extensions, selectors, services
from labelling.forms import ApplicationCreateForm, CoManagerInvitationForm, OrganisationForm
from labelling.models import InvitationRole, Organisation
from labelling.rules import can


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "labelling.create_organisation"):
        raise PermissionDenied(
            _("Only cluster managers and the secretariat register organisations.")
        )
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Organisation registered."))
        return redirect("organisation_detail", pk=organisation.pk)
    return render(request, "labelling/organisation_form.html", {"form": form})


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.organisation_update(organisation=organisation, actor=request.user, **data)
        messages.success(request, _("Organisation profile saved."))
        return redirect("organisation_detail", pk=organisation.pk)
    return _organisation_page(request, organisation, form=form)


def _organisation_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    form: OrganisationForm | None = None,
    invitation_form: CoManagerInvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_invite = can(user, "labelling.invite_co_manager", organisation)
    return render(
        request,
        "labelling/organisation_detail.html",
        {
            "organisation": organisation,
            "form": form or OrganisationForm(instance=organisation),
            "can_confirm": can(user, "labelling.confirm_organisation"),
            "managers": selectors.organisation_managers(organisation=organisation),
            "can_remove_managers": can(user, "labelling.remove_manager", organisation),
            "can_invite": can_invite,
            "invitation_form": invitation_form or CoManagerInvitationForm(),
            "invitations": (
                selectors.organisation_invitations(organisation=organisation) if can_invite else []
            ),
            "can_apply": can(request.user, "labelling.create_application", organisation),
            "today": timezone.localdate(),
            "application_form": ApplicationCreateForm(),
            # The renewals on offer (labelling.extensions: the reports app adds them).
            **extensions.page_context(
                "organisation_detail", organisation=organisation, user=request.user
            ),
            "applications": selectors.application_list(user=request.user).filter(
                organisation=organisation
            ),
        },
        status=status,
    )


@login_required
@require_POST
def organisation_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager invites a co-manager of the organisation."""
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    form = CoManagerInvitationForm(request.POST)
    if not form.is_valid():
        return _organisation_page(request, organisation, invitation_form=form, status=400)
    invitation = services.invitation_create(
        email=form.cleaned_data["email"],
        role=InvitationRole.CO_MANAGER,
        organisation=organisation,
        actor=request.user,
    )
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("organisation_detail", pk=organisation.pk)


@login_required
@require_POST
def organisation_remove_manager(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    manager = get_object_or_404(
        selectors.organisation_managers(organisation=organisation), pk=user_pk
    )
    services.organisation_remove_manager(
        organisation=organisation, user=manager, actor=request.user
    )
    messages.success(
        request,
        _("%(person)s no longer manages %(organisation)s.")
        % {"person": manager, "organisation": organisation},
    )
    if manager.pk == request.user.pk:
        return redirect("dashboard")  # the page is no longer theirs to see
    return redirect("organisation_detail", pk=organisation.pk)


def _require_confirmer(request: HttpRequest) -> None:
    if not can(request.user, "labelling.confirm_organisation"):
        raise PermissionDenied(_("Only the secretariat confirms organisations."))


@login_required
def organisations_awaiting_confirmation(request: HttpRequest) -> HttpResponse:
    """The secretariat's list of organisations their managers registered, to confirm."""
    _require_confirmer(request)
    return render(
        request,
        "labelling/organisations_unconfirmed.html",
        {"organisations": selectors.organisations_awaiting_confirmation()},
    )


@login_required
@require_POST
def organisation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require_confirmer(request)
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    services.organisation_confirm(organisation=organisation, actor=request.user)
    messages.success(request, _("%(organisation)s is confirmed.") % {"organisation": organisation})
    if request.POST.get("from") == "list":
        return redirect("organisations_awaiting_confirmation")
    return redirect("organisation_detail", pk=organisation.pk)
