"""The follow-ups that failed (e-mails, renderings), for the secretariat to send again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from labelling import selectors, services
from labelling.rules import can


def _require_secretariat(request: HttpRequest) -> None:
    if not can(request.user, "labelling.manage_effects"):
        raise PermissionDenied(_("Only the secretariat sees the follow-ups."))


@login_required
def effect_list(request: HttpRequest) -> HttpResponse:
    _require_secretariat(request)
    return render(
        request, "labelling/effects.html", {"effects": selectors.effects_needing_attention()}
    )


@login_required
@require_POST
def effect_retry(request: HttpRequest, pk: str) -> HttpResponse:
    _require_secretariat(request)
    effect = selectors.effect_get(pk=pk)
    if services.effect_retry(effect=effect, actor=request.user):
        messages.success(request, _("Sent to the workers again."))
    else:
        messages.error(request, _("The queue is not reachable; it will be sent when it is."))
    return redirect("effect_list")
