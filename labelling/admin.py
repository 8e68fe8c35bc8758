"""Admin for every model. States are read-only here: they change only through the services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Assignment
from labelling.models import (
    Application,
    Membership,
    Notification,
    Organisation,
    Sector,
    StateChange,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region", "member_count", "management_fte"]
    list_filter = ["country", "sectors"]
    search_fields = ["name", "legal_name"]
    filter_horizontal = ["sectors"]
    inlines = [MembershipInline]
    # As in the site's own form; Django 6 makes https the default for a URL without a scheme.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


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


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "application"
    extra = 0
    can_delete = False
    fields = ["expert", "role", "status", "no_conflict_declared_at", "scores_submitted_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
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
    inlines = [AssignmentInline, StateChangeInline]


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
