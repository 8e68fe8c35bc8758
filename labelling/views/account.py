"""The person's own settings: API tokens and the language of their pages and e-mails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from labelling import selectors, services
from labelling.forms import ApiTokenForm


@login_required
def api_token_list(request: HttpRequest) -> HttpResponse:
    """The person's API tokens; a new one's key is shown on this answer only, never again."""
    form = ApiTokenForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        _token, new_key = services.api_token_create(user=request.user, name=name)
        form = ApiTokenForm()
    return render(
        request,
        "labelling/api_tokens.html",
        {"tokens": selectors.api_token_list(user=request.user), "form": form, "new_key": new_key},
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get(user=request.user, pk=pk)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a logged-in person's choice is also kept as their language,
    which their pages (``UserLanguageMiddleware``) and e-mails use from then on."""
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=request.POST.get("language", ""))
    return i18n.set_language(request)
