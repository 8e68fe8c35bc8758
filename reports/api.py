"""The JSON API of labels and certificates.

Public and read-only: the registry of labels and certificate verification. For those who may
see the application (``labelling.rules``; anything else is a 404): its label with the
secretariat's actions on it, its certificate's progress, the signed PDFs and another attempt at
a failed rendering, through the services the application page calls.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import FileResponse
from django.urls import path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from labelling import selectors as labelling_selectors
from labelling.api import PROBLEMS, Authenticated, ReasonSerializer, problems
from labelling.api_errors import PROBLEM_CONTENT_TYPE, ProblemSerializer
from labelling.api_throttling import ScopedThrottle
from labelling.models import Organisation
from labelling.rules import can
from labelling.workflow import user_transitions
from reports import exports, public_cache, selectors, services
from reports.filters import LabelFilter
from reports.models import Certificate, CertificateState, Label, LabelState
from reports.views.secretariat import LABEL_ACTIONS


class OrganisationSummarySerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2")
    country_name = serializers.CharField(source="country.name")
    sectors = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["name", "legal_name", "country", "country_name", "region", "website", "sectors"]


class PublicLabelSerializer(serializers.ModelSerializer):
    certificate_number = serializers.CharField(source="certificate.number")
    organisation = OrganisationSummarySerializer()
    status = serializers.SerializerMethodField()
    certificate_pdf_url = serializers.SerializerMethodField()
    credential_url = serializers.SerializerMethodField()
    credential_image_url = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Label
        fields = [
            "certificate_number",
            "level",
            "organisation",
            "valid_from",
            "valid_until",
            "status",
            "certificate_pdf_url",
            "credential_url",
            "credential_image_url",
            "verification_url",
        ]

    def get_status(self, label: Label) -> str:
        """valid, expired, suspended, revoked or superseded."""
        return selectors.public_status(label)

    def _once_done(self, label: Label, url_name: str) -> str | None:
        """The address of one of the label's files, once the certificate is done."""
        if label.certificate.state != "done":
            return None
        url = reverse(url_name, args=[label.certificate.number])
        return self.context["request"].build_absolute_uri(url)

    def get_certificate_pdf_url(self, label: Label) -> str | None:
        return self._once_done(label, "certificate_pdf")

    def get_credential_url(self, label: Label) -> str | None:
        """The Open Badges 3.0 verifiable credential (JSON, with its proof)."""
        return self._once_done(label, "credential")

    def get_credential_image_url(self, label: Label) -> str | None:
        """The badge image (PNG) with the credential baked in."""
        return self._once_done(label, "credential_png")

    def get_verification_url(self, label: Label) -> str:
        url = reverse("verify", args=[label.certificate.number])
        return self.context["request"].build_absolute_uri(url)


class PublicThrottled:
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public"


class PublicLabelList(PublicThrottled, generics.ListAPIView):
    """Labelled organisations of the public registry, filtered like the registry page."""

    serializer_class = PublicLabelSerializer
    filterset_class = LabelFilter
    queryset = Label.objects.none()

    def get_queryset(self):
        return selectors.registry_labels()


class PublicVerify(PublicThrottled, generics.RetrieveAPIView):
    """The status of one certificate, by its number (any label state, revoked included)."""

    serializer_class = PublicLabelSerializer
    queryset = Label.objects.none()

    @extend_schema(operation_id="public_verify_certificate")
    def get(self, request, *args, **kwargs):
        # Kept per certificate, language and site address (the answer's links name it), for
        # as long as nothing it shows changes (reports.public_cache).
        number = self.kwargs["number"]
        key = f"api-verify:{number}:{get_language()}:{request.build_absolute_uri('/')}"
        payload = public_cache.kept(key, lambda: self._payload(number))
        if payload is None:
            raise NotFound(_("No certificate has this number."))
        return Response(payload)

    def _payload(self, number: str) -> dict | None:
        certificate = selectors.certificate_by_number(number)
        if certificate is None:
            return None
        return dict(self.get_serializer(certificate.label).data)


class LabelOrganisationSerializer(OrganisationSummarySerializer):
    class Meta(OrganisationSummarySerializer.Meta):
        fields = ["id", *OrganisationSummarySerializer.Meta.fields]


class LabelSerializer(PublicLabelSerializer):
    """A label as the organisation's managers, its assessors and the secretariat see it."""

    organisation = LabelOrganisationSerializer()
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The actions the caller may run now (POST /labels/{id}/{action}/)."
    )
    score_pct = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=(
            "The headline score: gold_score_pct for a GOLD label, benchmark_score_pct otherwise."
        ),
    )

    class Meta(PublicLabelSerializer.Meta):
        fields = [
            "id",
            "application",
            "state",
            "score_pct",
            "gold_score_pct",
            "benchmark_score_pct",
            "superseded_by",
            *PublicLabelSerializer.Meta.fields,
            "allowed_transitions",
        ]

    def get_allowed_transitions(self, label: Label) -> list[str]:
        user = self.context["request"].user
        return [name for name in user_transitions(label, user) if name in LABEL_ACTIONS]


class LabelListFilter(LabelFilter):
    """The registry's filters, and the label's own state (e.g. the suspended ones)."""

    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=LabelState.choices)

    class Meta(LabelFilter.Meta):
        fields = [*LabelFilter.Meta.fields, "state"]


class LabelList(Authenticated, generics.ListAPIView):
    """The labels of the applications the caller may open (every label for the secretariat), in
    any state, filtered and sorted like the registry."""

    serializer_class = LabelSerializer
    filterset_class = LabelListFilter
    queryset = Label.objects.none()

    def get_queryset(self):
        return selectors.visible_labels(self.request.user)


class LabelDetail(Authenticated, generics.RetrieveAPIView):
    serializer_class = LabelSerializer
    queryset = Label.objects.none()

    def get_object(self) -> Label:
        return selectors.label_get(user=self.request.user, pk=self.kwargs["pk"])


class LabelActionSerializer(ReasonSerializer):
    """The reason, which every label action requires."""


class LabelAction(Authenticated, generics.GenericAPIView):
    """Suspend, reinstate or revoke the label, with a reason, through the same service as the
    application page (the secretariat's)."""

    serializer_class = LabelActionSerializer
    queryset = Label.objects.none()

    @extend_schema(
        operation_id="labels_action",
        parameters=[
            OpenApiParameter(
                "action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(LABEL_ACTIONS)
            )
        ],
        request=LabelActionSerializer,
        responses={200: LabelSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        if action not in LABEL_ACTIONS:
            raise NotFound()
        label = selectors.label_get(user=request.user, pk=pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        perform, _message = LABEL_ACTIONS[action]
        perform(label=label, actor=request.user, reason=serializer.validated_data["reason"])
        # Read again: the state field is protected.
        label = selectors.label_get(user=request.user, pk=pk)
        return Response(LabelSerializer(label, context=self.get_serializer_context()).data)


def certificate_for(request: Request, pk: int) -> Certificate:
    """The certificate of application ``pk``, or 404 when there is none or the caller may not
    see the application."""
    application = labelling_selectors.application_get(user=request.user, pk=pk)
    certificate = selectors.certificate_of_application(application)
    if certificate is None:
        raise NotFound(_("This application has no certificate."))
    return certificate


class CertificateSerializer(serializers.ModelSerializer):
    """An application's certificate: its number, how its rendering goes and, once rendered, its
    signed files with their SHA-256."""

    certificate_pdf_url = serializers.SerializerMethodField(
        help_text="The signed certificate, once rendered (null before)."
    )
    report_pdf_url = serializers.SerializerMethodField(
        help_text="The signed assessment report, once rendered (null before)."
    )
    verification_url = serializers.SerializerMethodField(
        help_text="The public verification page of the number."
    )
    allowed_transitions = serializers.SerializerMethodField(
        help_text='["retry"] when the rendering failed and the caller may ask for another '
        'attempt (POST /applications/{id}/certificate/retry/); ["rerender"] when it is done and '
        "the caller may have it rendered again as the next revision "
        "(POST /applications/{id}/certificate/rerender/)."
    )

    class Meta:
        model = Certificate
        fields = [
            "number",
            "revision",
            "state",
            "attempts",
            "failure_reason",
            "issued_at",
            "completed_at",
            "pdf_sha256",
            "report_sha256",
            "certificate_pdf_url",
            "report_pdf_url",
            "verification_url",
            "allowed_transitions",
        ]

    def _url(self, url_name: str, *args: Any) -> str:
        return self.context["request"].build_absolute_uri(reverse(url_name, args=args))

    def _document_url(self, certificate: Certificate, url_name: str) -> str | None:
        if certificate.state != CertificateState.DONE:
            return None
        return self._url(url_name, certificate.label.application_id)

    def get_certificate_pdf_url(self, certificate: Certificate) -> str | None:
        return self._document_url(certificate, "api_certificate_pdf")

    def get_report_pdf_url(self, certificate: Certificate) -> str | None:
        return self._document_url(certificate, "api_report_pdf")

    def get_verification_url(self, certificate: Certificate) -> str:
        return self._url("verify", certificate.number)

    def get_allowed_transitions(self, certificate: Certificate) -> list[str]:
        user = self.context["request"].user
        # The rendering steps are the worker's: the ones a person runs are these.
        return [n for n in user_transitions(certificate, user) if n in ("retry", "rerender")]


class ApplicationCertificate(Authenticated, generics.RetrieveAPIView):
    serializer_class = CertificateSerializer
    queryset = Certificate.objects.none()

    @extend_schema(
        operation_id="applications_certificate_retrieve",
        responses={200: CertificateSerializer, **PROBLEMS},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Certificate:
        return certificate_for(self.request, self.kwargs["pk"])


class CertificateRetry(Authenticated, generics.GenericAPIView):
    """Queue another attempt at a certificate whose rendering failed (the secretariat's)."""

    serializer_class = CertificateSerializer
    queryset = Certificate.objects.none()

    @extend_schema(
        operation_id="applications_certificate_retry",
        request=None,
        responses={200: CertificateSerializer, **problems(401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        services.certificate_retry(certificate=certificate_for(request, pk), actor=request.user)
        # Read again: the state field is protected, and the rendering may have moved it on.
        return Response(self.get_serializer(certificate_for(request, pk)).data)


class CertificateRerenderSerializer(ReasonSerializer):
    """Why the certificate is rendered again; required, kept with the state change."""


class CertificateRerender(Authenticated, generics.GenericAPIView):
    """Render a done certificate again as its next revision, same number, with a reason (the
    secretariat's); the earlier files stay on record and keep verifying."""

    serializer_class = CertificateRerenderSerializer
    queryset = Certificate.objects.none()

    @extend_schema(
        operation_id="applications_certificate_rerender",
        request=CertificateRerenderSerializer,
        responses={200: CertificateSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.certificate_rerender(
            certificate=certificate_for(request, pk),
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        certificate = certificate_for(request, pk)
        return Response(CertificateSerializer(certificate, context={"request": request}).data)


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``application/pdf``; the views answer with the file itself."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


#: A signed PDF, or a problem detail.
PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The signed PDF."),
    **{(code, PROBLEM_CONTENT_TYPE): ProblemSerializer for code in (401, 403, 404, 406)},
}


class CertificateDocument(Authenticated, generics.GenericAPIView):
    """A signed PDF of the application's certificate, for those who may see the application,
    once rendered (404 before)."""

    renderer_classes = [PdfRenderer]
    queryset = Certificate.objects.none()
    #: The certificate's file field, and the start of the downloaded file's name.
    field = ""
    download_name = ""

    @extend_schema(responses=PDF_RESPONSES)
    def get(self, request: Request, pk: int) -> FileResponse:
        certificate = certificate_for(request, pk)
        if certificate.state != CertificateState.DONE:
            raise NotFound(_("The documents are not ready yet."))
        return FileResponse(
            getattr(certificate, self.field).open("rb"),
            content_type="application/pdf",
            filename=f"{self.download_name}-{certificate.number}.pdf",
        )

    def handle_exception(self, exc: Exception) -> Response:
        # An error is a problem detail in JSON, whatever the client asked the file as.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


@extend_schema_view(get=extend_schema(operation_id="applications_certificate_pdf"))
class CertificatePdf(CertificateDocument):
    """The signed certificate (public as well, under its number, once rendered)."""

    field = "pdf"
    download_name = "certificate"


@extend_schema_view(get=extend_schema(operation_id="applications_report_pdf"))
class ReportPdf(CertificateDocument):
    """The signed assessment report."""

    field = "report"
    download_name = "report"


class CsvRenderer(PdfRenderer):
    """Lets a client ask for an export as CSV (``Accept`` or ``?format=csv``)."""

    media_type = "text/csv"
    format = "csv"


class XlsxRenderer(PdfRenderer):
    """Lets a client ask for an export as XLSX (``Accept`` or ``?format=xlsx``)."""

    media_type = exports.FORMATS["xlsx"]
    format = "xlsx"


EXPORT_RESPONSES = {
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV, UTF-8."),
    (200, exports.FORMATS["xlsx"]): OpenApiResponse(OpenApiTypes.BINARY, description="XLSX."),
    **{(code, PROBLEM_CONTENT_TYPE): ProblemSerializer for code in (401, 403, 404, 406)},
}


class ExportView(generics.GenericAPIView):
    """An export as CSV (the default) or XLSX, chosen by ``Accept`` or ``?format=``."""

    renderer_classes = [CsvRenderer, XlsxRenderer]
    queryset = Label.objects.none()
    pagination_class = None
    filter_backends: list = []
    #: The downloaded file's name, without its extension.
    download_name = ""

    def dataset(self, request: Request, **kwargs: Any):
        raise NotImplementedError

    def get(self, request: Request, **kwargs: Any):
        return exports.response(
            self.dataset(request, **kwargs),
            self.download_name.format(**kwargs),
            request.accepted_renderer.format,
        )

    def handle_exception(self, exc: Exception) -> Response:
        # An error is a problem detail in JSON, whatever format the client asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class SecretariatExport(Authenticated, ExportView):
    def dataset(self, request: Request, **kwargs: Any):
        if not can(request.user, "reports.export"):
            raise PermissionDenied(_("Only the secretariat exports these lists."))
        return self.secretariat_dataset(request, **kwargs)


@extend_schema_view(get=extend_schema(responses=EXPORT_RESPONSES))
class ApplicationsExport(SecretariatExport):
    """Every application: state, levels, dates and who proposed and confirmed the decision."""

    download_name = "applications"

    def secretariat_dataset(self, request: Request):
        return exports.applications_dataset(labelling_selectors.visible_applications(request.user))


@extend_schema_view(get=extend_schema(responses=EXPORT_RESPONSES))
class WorkloadExport(SecretariatExport):
    """Per expert: assignments, open ones, overdue work, median days to score."""

    download_name = "expert-workload"

    def secretariat_dataset(self, request: Request):
        return exports.workload_dataset()


@extend_schema_view(get=extend_schema(responses=EXPORT_RESPONSES))
class AuditExport(SecretariatExport):
    """One application's audit trail: its state changes and recorded edits."""

    download_name = "audit-{pk}"

    def secretariat_dataset(self, request: Request, pk: int):
        return exports.audit_dataset(labelling_selectors.application_get(user=request.user, pk=pk))


@extend_schema_view(get=extend_schema(responses=EXPORT_RESPONSES))
class RegistryExport(PublicThrottled, ExportView):
    """The public registry (valid labels), filtered like the registry page and
    ``/api/v1/public/labels/`` (the same query parameters)."""

    download_name = "registry"

    def dataset(self, request: Request):
        data = request.query_params.copy()
        data.setdefault("valid_only", "true")
        return exports.registry_dataset(LabelFilter(data, queryset=selectors.registry_labels()).qs)


urlpatterns = [
    path("api/v1/public/labels/", PublicLabelList.as_view(), name="api_public_labels"),
    path("api/v1/public/verify/<str:number>/", PublicVerify.as_view(), name="api_public_verify"),
    path("api/v1/labels/", LabelList.as_view(), name="api_labels"),
    path("api/v1/labels/<int:pk>/", LabelDetail.as_view(), name="api_label"),
    path("api/v1/labels/<int:pk>/<slug:action>/", LabelAction.as_view(), name="api_label_action"),
    # config.urls includes these before labelling.api, whose applications/<pk>/<action>/ would
    # otherwise take "certificate" for an action.
    path(
        "api/v1/applications/<int:pk>/certificate/",
        ApplicationCertificate.as_view(),
        name="api_certificate",
    ),
    path(
        "api/v1/applications/<int:pk>/certificate/retry/",
        CertificateRetry.as_view(),
        name="api_certificate_retry",
    ),
    path(
        "api/v1/applications/<int:pk>/certificate/rerender/",
        CertificateRerender.as_view(),
        name="api_certificate_rerender",
    ),
    path(
        "api/v1/applications/<int:pk>/certificate.pdf",
        CertificatePdf.as_view(),
        name="api_certificate_pdf",
    ),
    path("api/v1/applications/<int:pk>/report.pdf", ReportPdf.as_view(), name="api_report_pdf"),
    path("api/v1/applications/<int:pk>/audit/", AuditExport.as_view(), name="api_audit_export"),
    path(
        "api/v1/exports/applications/",
        ApplicationsExport.as_view(),
        name="api_applications_export",
    ),
    path("api/v1/exports/workload/", WorkloadExport.as_view(), name="api_workload_export"),
    path("api/v1/public/registry/export/", RegistryExport.as_view(), name="api_registry_export"),
]
