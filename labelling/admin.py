"""Admin for every model. States are read-only here: they change only through the services."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from labelling import services
from labelling.accounts import follow_changed_address
from labelling.admin_actions import act_on_each
from labelling.admin_privacy import ErasePersonalDataAdmin
from labelling.exceptions import ActionForbidden
from labelling.history import ADMIN_EDIT
from labelling.models import (
    DECIDED_STATES,
    ApiToken,
    Application,
    Effect,
    EffectState,
    Invitation,
    Membership,
    Notification,
    Organisation,
    OrganisationState,
    Sector,
    StateChange,
    User,
)
from labelling.rules import can


class RecordedAdmin(SimpleHistoryAdmin):
    """An admin whose saves are recorded as edits (``labelling.history``): who (the request's
    user), when and, on the object's history page, what changed field by field.

    Its saves, and those of its inlines, carry ``ADMIN_EDIT`` as the version's change reason:
    the application's timeline shows them, and not the workflow's own saves. A version's page
    only shows it: django-simple-history would revert the object to it on a POST, states and
    read-only fields included, past the workflow.
    """

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        self._mark_edit(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change) -> None:
        for inline_form in formset.forms:
            self._mark_edit(inline_form.instance)
        super().save_formset(request, form, formset, change)

    def history_form_view(
        self, request: HttpRequest, object_id, version_id, extra_context=None
    ) -> HttpResponse:
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    @staticmethod
    def _mark_edit(obj) -> None:
        """Mark the save as an edit; a row saved before versions were kept (or in bulk) first
        gets one as it is stored, so that the edit has something to be compared with."""
        versions = getattr(obj._meta, "simple_history_manager_attribute", None)
        if versions is None:
            return  # an inline row whose versions are not kept
        obj._change_reason = ADMIN_EDIT
        if obj.pk is not None and not getattr(obj, versions).exists():
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                stored._history_user = None  # not the admin's: it was there before
                getattr(type(obj), versions).bulk_history_create([stored], update=True)


@admin.register(User)
class UserAdmin(ErasePersonalDataAdmin, RecordedAdmin, BaseUserAdmin):
    """People, their roles and access; never deleted: erased (``ErasePersonalDataAdmin``)."""

    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "is_cluster_manager",
        "is_expert",
        "is_secretariat",
        "is_active",
    ]
    list_filter = ["is_cluster_manager", "is_expert", "is_secretariat", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "country", "language"]}),
        (_("Roles"), {"fields": ["is_cluster_manager", "is_expert", "is_secretariat"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            # The log-in (allauth) goes by the proved address: the new one is it.
            follow_changed_address(obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Sector)
class SectorAdmin(TranslationAdmin):
    """A field per language for the name (django-modeltranslation)."""

    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(RecordedAdmin):
    list_display = ["name", "country", "region", "member_count", "management_fte", "state"]
    list_filter = ["state", "country", "sectors"]
    search_fields = ["name", "legal_name"]
    filter_horizontal = ["sectors"]
    readonly_fields = ["state"]
    inlines = [MembershipInline]
    actions = ["confirm"]
    # As in the site's own form; Django 6 makes https the default for a URL without a scheme.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change and can(request.user, "labelling.confirm_organisation"):
            # As registering through the site: what the secretariat registers is confirmed.
            services.confirm_registered_by_secretariat(organisation=obj, actor=request.user)

    @admin.action(description=_("Confirm the selected organisations"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        act_on_each(
            self,
            request,
            queryset.filter(state=OrganisationState.UNCONFIRMED),
            lambda organisation: services.organisation_confirm(
                organisation=organisation, actor=request.user
            ),
            lambda count: (
                ngettext(
                    "%(count)d organisation confirmed.", "%(count)d organisations confirmed.", count
                )
                % {"count": count}
            ),
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations as sent, read-only: they are made, sent again and cancelled on the site's
    pages (through the services), and no key is ever stored to show."""

    list_display = ["email", "role", "organisation", "invited_by", "state", "expires_at"]
    list_filter = ["state", "role"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]
    readonly_fields = [field.name for field in Invitation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "created_at"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class StateChangeInline(GenericTabularInline):
    model = StateChange
    extra = 0
    can_delete = False
    fields = ["at", "transition", "source", "target", "actor_label", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(RecordedAdmin):
    list_display = ["__str__", "organisation", "level", "state", "decided_outcome", "created_at"]
    list_filter = ["state", "level", "decided_outcome"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation"]
    readonly_fields = [
        "state",
        "submitted_at",
        "proposed_outcome",
        "recommended_outcome",
        "override_reason",
        "proposed_by",
        "decided_outcome",
        "decision_confirmed_by",
        "decided_at",
        "state_before_appeal",
        "created_by",
    ]
    #: What the decision was taken on: fixed once it is.
    decided_on = ["organisation", "level", "methodology"]
    # The assessment app puts its experts' assignments first (assessments.admin).
    inlines = [StateChangeInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Application | None = None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.state in DECIDED_STATES:
            return [*readonly, *self.decided_on]
        return readonly


@admin.register(Effect)
class EffectAdmin(admin.ModelAdmin):
    """The outbox, read-only: follow-ups change only through labelling.dispatch."""

    list_display = ["task", "state", "created_at", "dispatches", "finished_at", "last_error"]
    list_filter = ["state", "task"]
    readonly_fields = [field.name for field in Effect._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Send the failed follow-ups again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        sent = 0
        for effect in queryset.filter(state=EffectState.FAILED):
            sent += services.effect_retry(effect=effect, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d follow-up sent again.", "%(count)d follow-ups sent again.", sent)
            % {"count": sent},
            messages.SUCCESS,
        )


@admin.register(StateChange)
class StateChangeAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "content_type",
        "object_id",
        "transition",
        "source",
        "target",
        "actor_label",
    ]
    list_filter = ["transition", "content_type"]
    search_fields = ["actor_label", "reason"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "subject", "sent_at"]
    search_fields = ["recipient__email", "subject"]
    readonly_fields = ["state_change", "recipient", "subject", "sent_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens as their owners made them: nothing to edit, and no key, which is never stored.

    A token is made by its owner on their token page, the only place its key is ever shown;
    here it can only be revoked (``services.api_token_revoke``), never deleted, so that the
    record stays.
    """

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(boolean=True, description=_("revoked"), ordering="revoked_at")
    def revoked(self, token: ApiToken) -> bool:
        return not token.is_active

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        act_on_each(
            self,
            request,
            queryset.filter(revoked_at__isnull=True),
            lambda token: services.api_token_revoke(token=token, actor=request.user),
            lambda count: (
                ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
                % {"count": count}
            ),
            refusals=ActionForbidden,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # A token's own page only shows it; revoking, from the list, is the one change.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False
