from django.contrib import admin

from assessments.models import Assignment


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
