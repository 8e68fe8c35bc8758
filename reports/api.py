"""The public read-only JSON API: the registry of labels and certificate verification."""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle

from labelling.models import Organisation
from reports import selectors
from reports.filters import LabelFilter
from reports.models import Label


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
            "verification_url",
        ]

    def get_status(self, label: Label) -> str:
        """valid, expired, suspended, revoked or superseded."""
        return selectors.public_status(label)

    def get_certificate_pdf_url(self, label: Label) -> str | None:
        if label.certificate.state != "done":
            return None
        url = reverse("certificate_pdf", args=[label.certificate.number])
        return self.context["request"].build_absolute_uri(url)

    def get_verification_url(self, label: Label) -> str:
        url = reverse("verify", args=[label.certificate.number])
        return self.context["request"].build_absolute_uri(url)


class PublicThrottled:
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
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
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Label:
        certificate = selectors.certificate_by_number(self.kwargs["number"])
        if certificate is None:
            raise NotFound("No certificate has this number.")
        return certificate.label


urlpatterns = [
    path("api/v1/public/labels/", PublicLabelList.as_view(), name="api_public_labels"),
    path("api/v1/public/verify/<str:number>/", PublicVerify.as_view(), name="api_public_verify"),
]
