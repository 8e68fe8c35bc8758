"""The organisation pages: register one, read and edit its profile, open an application."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from labelling import extensions, selectors, services
from labelling.forms import ApplicationCreateForm, OrganisationForm
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
    return render(
        request,
        "labelling/organisation_detail.html",
        {
            "organisation": organisation,
            "form": form,
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
    )
