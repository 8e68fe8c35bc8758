"""Admin of labels and certificates: read-only states; changes go through the services."""

from django.contrib import admin

from labelling.admin import RecordedAdmin, StateChangeInline
from reports.models import (
    Certificate,
    CertificateRevision,
    CertificateSequence,
    Credential,
    Label,
    StatusList,
)


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


class RevisionInline(admin.TabularInline):
    """The earlier renderings, as they were: nothing here is edited."""

    model = CertificateRevision
    extra = 0
    can_delete = False
    fields = ["revision", "pdf", "pdf_sha256", "completed_at", "replaced_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(RecordedAdmin):
    list_display = ["number", "revision", "label", "state", "attempts", "issued_at", "completed_at"]
    list_filter = ["state"]
    search_fields = ["number", "label__organisation__name"]
    list_select_related = ["label__organisation"]
    readonly_fields = [
        "label",
        "number",
        "revision",
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
    inlines = [RevisionInline, StateChangeInline]

    def has_add_permission(self, request) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Signed documents: shown as signed, never edited (a change would break the proof)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "revision", "status_list", "status_index", "issued_at"]
    search_fields = ["certificate__number", "certificate__label__organisation__name"]
    list_select_related = ["certificate"]


@admin.register(StatusList)
class StatusListAdmin(ReadOnlyAdmin):
    list_display = ["purpose", "number", "updated_at", "bits_sha256"]


@admin.register(CertificateSequence)
class CertificateSequenceAdmin(admin.ModelAdmin):
    list_display = ["year", "last"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
