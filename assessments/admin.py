from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from assessments.models import (
    Assignment,
    ConflictDeclaration,
    Dimension,
    ExpertProfile,
    Indicator,
    MethodologyVersion,
)
from assessments.services import conflict_declare
from labelling.admin import ApplicationAdmin, RecordedAdmin


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "application"
    extra = 0
    can_delete = False
    fields = ["expert", "role", "status", "no_conflict_declared_at", "scores_submitted_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


# The application's page in the admin lists its experts first (labelling does not know them).
ApplicationAdmin.inlines = [AssignmentInline, *ApplicationAdmin.inlines]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["application", "expert", "role", "status", "assigned_at", "scores_submitted_at"]
    list_filter = ["role", "status"]
    search_fields = ["expert__email", "application__organisation__name"]
    readonly_fields = [
        "application",
        "expert",
        "role",
        "status",
        "assigned_by",
        "responded_at",
        "no_conflict_declared_at",
        "decline_reason",
        "scores_submitted_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "accredited_from",
        "accredited_until",
        "may_assess_bronze",
        "may_assess_silver",
        "may_assess_gold",
    ]
    list_filter = ["may_assess_bronze", "may_assess_silver", "may_assess_gold"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["sectors"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    """The secretariat records a declaration here through the service; once recorded it is
    read-only (``conflict_withdraw`` withdraws it, keeping it on record)."""

    list_display = ["expert", "organisation", "declared_at", "declared_by", "withdrawn_at"]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["expert__email", "expert__full_name", "organisation__name"]
    list_select_related = ["expert", "organisation", "declared_by"]
    autocomplete_fields = ["expert", "organisation"]
    fields = [
        "expert",
        "organisation",
        "description",
        "declared_at",
        "declared_by",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason",
    ]

    def get_fields(self, request, obj=None):
        return self.fields if obj else ["expert", "organisation", "description"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else []

    def save_model(self, request, obj, form, change) -> None:
        declared = conflict_declare(
            expert=obj.expert,
            organisation=obj.organisation,
            description=obj.description,
            actor=request.user,
        )
        # The admin goes on with ``obj`` (its log entry, the redirect): make it the stored row.
        obj.pk, obj.declared_at, obj.declared_by = declared.pk, declared.declared_at, request.user


class DimensionInline(TranslationTabularInline):
    model = Dimension
    fields = ["code", "title", "order"]
    extra = 0


@admin.register(MethodologyVersion)
class MethodologyVersionAdmin(RecordedAdmin, TranslationAdmin):
    """A draft's texts and label rules can be corrected here before ``publish_methodology``
    checks and publishes it; a published version refuses every change (409)."""

    list_display = ["code", "version", "name", "state", "published_at"]
    list_filter = ["state"]
    readonly_fields = ["state", "published_at", "source_sha256"]
    inlines = [DimensionInline]


@admin.register(Indicator)
class IndicatorAdmin(RecordedAdmin, TranslationAdmin):
    """One indicator of a version, its texts in every language (django-modeltranslation)."""

    list_display = ["code", "title", "methodology", "in_gold_set", "bronze_eligibility"]
    list_filter = ["methodology", "in_gold_set", "bronze_eligibility", "gold_minimum"]
    search_fields = ["code", "title_en", "title_de"]
    list_select_related = ["methodology"]
    raw_id_fields = ["methodology", "dimension"]
