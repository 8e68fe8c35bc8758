"""Admin of labels and certificates: read-only states; changes go through the services."""

from django.contrib import admin

from labelling.admin import RecordedAdmin, StateChangeInline
from reports.models import Certificate, CertificateSequence, Label


@admin.register(Label)
class LabelAdmin(RecordedAdmin):
    list_display = ["organisation", "level", "state", "valid_from", "valid_until"]
    list_filter = ["state", "level"]
    search_fields = ["organisation__name", "certificate__number"]
    list_select_related = ["organisation"]
    readonly_fields = [
        "application",
        "organisation",
        "level",
        "gold_score_pct",
        "benchmark_score_pct",
        "valid_from",
        "valid_until",
        "state",
        "superseded_by",
    ]
    inlines = [StateChangeInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(RecordedAdmin):
    list_display = ["number", "label", "state", "attempts", "issued_at", "completed_at"]
    list_filter = ["state"]
    search_fields = ["number", "label__organisation__name"]
    list_select_related = ["label__organisation"]
    readonly_fields = [
        "label",
        "number",
        "year",
        "sequence",
        "state",
        "attempts",
        "rendering_started_at",
        "failure_reason",
        "pdf",
        "pdf_sha256",
        "report",
        "report_sha256",
        "issued_at",
        "completed_at",
    ]
    inlines = [StateChangeInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CertificateSequence)
class CertificateSequenceAdmin(admin.ModelAdmin):
    list_display = ["year", "last"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
