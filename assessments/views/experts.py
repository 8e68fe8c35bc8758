"""Pages of the assessment: experts (thin views over assessments.services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from assessments import services
from assessments.forms import ConflictDeclarationForm
from labelling.exceptions import InvalidInput


@login_required
def conflict_list(request: HttpRequest) -> HttpResponse:
    """An expert's declared ties to organisations, and the form to declare another."""
    if not request.user.is_expert:
        raise PermissionDenied(_("Only experts declare conflicts of interest here."))
    form = ConflictDeclarationForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            raise InvalidInput(_("Choose the organisation."), field="organisation")
        services.conflict_declare(expert=request.user, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Conflict of interest declared."))
        return redirect("conflict_list")
    declarations = request.user.conflict_declarations.select_related("organisation")
    return render(
        request, "assessments/conflicts.html", {"form": form, "declarations": declarations}
    )


urlpatterns = [
    path("experts/conflicts/", conflict_list, name="conflict_list"),
]
