"""The evidence files: listing, upload, removal and download."""

from __future__ import annotations

import django_filters
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.api.common import (
    WRITE_PROBLEMS,
    ListWithFilters,
    OnApplication,
    PersonSerializer,
    validated,
)
from assessments.models import ClarificationQuestion, Evidence, Indicator
from assessments.services.evidence import ACCEPTED_TYPES, max_upload_bytes
from assessments.services.selfassessment import required_indicators
from labelling.api import PROBLEMS
from labelling.api_errors import ProblemSerializer
from labelling.middleware import accepts_upload


class EvidenceSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    uploaded_by = PersonSerializer()
    file_url = serializers.SerializerMethodField(
        help_text="Where to download the file; null once it was removed (``purged_at``)."
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "indicator",
            "question",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "purged_at",
            "file_url",
        ]

    def get_file_url(self, evidence: Evidence) -> str | None:
        if evidence.purged_at is not None:
            return None  # removed after the retention period; the record stays
        url = reverse("api_evidence_file", args=[evidence.application_id, evidence.pk])
        return self.context["request"].build_absolute_uri(url)


class EvidenceUploadSerializer(serializers.Serializer):
    # An empty file reaches the service, which refuses it with the same message everywhere.
    file = serializers.FileField(
        allow_empty_file=True, help_text="PDF, PNG, JPEG, XLSX, DOCX, ODT or CSV, by content."
    )
    indicator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.none(),
        required=False,
        allow_null=True,
        help_text="The assessed indicator it supports (its code).",
    )
    question = serializers.PrimaryKeyRelatedField(
        queryset=ClarificationQuestion.objects.none(),
        required=False,
        allow_null=True,
        help_text="The clarification question it answers.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        application = self.context.get("application")
        if application is not None:
            self.fields["indicator"].queryset = required_indicators(application)
            self.fields["question"].queryset = application.questions.all()


class EvidenceFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code", label="Indicator code")

    class Meta:
        model = Evidence
        fields = ["indicator"]


@accepts_upload(max_upload_bytes)
class EvidenceList(ListWithFilters, OnApplication, generics.ListAPIView):
    """The application's evidence files; a manager adds one to the draft's self-assessment (or
    to answer a clarification question during the assessment)."""

    serializer_class = EvidenceSerializer
    queryset = Evidence.objects.none()
    parser_classes = [MultiPartParser]
    filterset_class = EvidenceFilter
    ordering_fields = ["uploaded_at", "original_name", "size"]

    def get_queryset(self):
        return selectors.evidence_list(application=self.application)

    @extend_schema(
        request=EvidenceUploadSerializer,
        responses={
            201: EvidenceSerializer,
            **WRITE_PROBLEMS,
            413: ProblemSerializer,
        },
        description=(
            "Upload one file (multipart). Its kind is read from its content, not its name; a "
            "file over the size limit (EVIDENCE_MAX_BYTES) is refused with 413."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        data = validated(EvidenceUploadSerializer, request, application=self.application)
        upload = data["file"]
        evidence = services.evidence_upload(
            application=self.application,
            actor=request.user,
            upload=upload,
            name=upload.name,
            indicator=data.get("indicator"),
            question=data.get("question"),
            declared_size=upload.size,
        )
        evidence = selectors.evidence_get(application=self.application, pk=evidence.pk)
        return Response(
            EvidenceSerializer(evidence, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class EvidenceDetail(OnApplication, generics.GenericAPIView):
    """One evidence file's record; a manager removes it while the application is a draft."""

    serializer_class = EvidenceSerializer
    queryset = Evidence.objects.none()

    @extend_schema(responses={200: EvidenceSerializer, **PROBLEMS})
    def get(self, request: Request, pk: int, evidence_pk: int) -> Response:
        evidence = selectors.evidence_get(application=self.application, pk=evidence_pk)
        return Response(self.get_serializer(evidence).data)

    @extend_schema(responses={204: None, **WRITE_PROBLEMS})
    def delete(self, request: Request, pk: int, evidence_pk: int) -> Response:
        evidence = selectors.evidence_get(application=self.application, pk=evidence_pk)
        services.evidence_delete(evidence=evidence, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceFile(OnApplication, generics.GenericAPIView):
    """The file itself, as an attachment under the name it was uploaded with."""

    queryset = Evidence.objects.none()

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # The file goes out as it is, whatever the client accepts; only a refusal is rendered.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for content_type in ACCEPTED_TYPES},
            **PROBLEMS,
        },
    )
    def get(self, request: Request, pk: int, evidence_pk: int) -> FileResponse:
        evidence = selectors.evidence_get(application=self.application, pk=evidence_pk)
        return FileResponse(
            services.evidence_open(evidence=evidence, viewer=request.user),
            as_attachment=True,
            filename=evidence.original_name,
            content_type=evidence.content_type,
        )
