"""The User admin's part in privacy: people are erased, never deleted (``labelling.privacy``).

Deleting a person cannot work (applications, scores and the audit trail protect their rows) and
must not (the records would lose who did what). So the admin offers no delete, and instead an
action that erases the selected people's personal data, after a page that asks for the reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from labelling.admin_actions import act_on_each
from labelling.privacy import erase_person
from labelling.rules import can

ERASE_ACTION = "erase_personal_data"


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail with your name and the date."),
    )


class ErasePersonalDataAdmin:
    """Mixed into the User admin: no delete, an "Erase personal data" action instead."""

    actions = [ERASE_ACTION]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return can(request.user, "labelling.erase_person")

    @admin.action(description=_("Erase personal data"), permissions=["erase"])
    def erase_personal_data(
        self, request: HttpRequest, queryset: QuerySet
    ) -> TemplateResponse | None:
        """First the confirmation page, with the people and a reason to give; then, posted
        from it with a reason, the erasure of each (a refusal is shown per person)."""
        form = ErasureForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._erase(request, queryset, form.cleaned_data["reason"])
            return None
        return TemplateResponse(
            request,
            "admin/labelling/user/erase_personal_data.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Erase personal data"),
                "opts": self.model._meta,
                "people": queryset,
                "form": form,
                "action": ERASE_ACTION,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
            status=400 if form.is_bound else 200,
        )

    def _erase(self, request: HttpRequest, queryset: QuerySet, reason: str) -> None:
        act_on_each(
            self,
            request,
            queryset,
            lambda person: erase_person(actor=request.user, person=person, reason=reason),
            lambda count: (
                ngettext(
                    "The personal data of %(count)d person was erased.",
                    "The personal data of %(count)d people was erased.",
                    count,
                )
                % {"count": count}
            ),
        )
