"""The experts' declared conflicts of interest and their withdrawal."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.api.common import (
    WRITE_PROBLEMS,
    ListWithFilters,
    OrganisationRefSerializer,
    PersonSerializer,
    ReasonSerializer,
    validated,
)
from assessments.models import ConflictDeclaration
from labelling.api import Authenticated
from labelling.models import Organisation, User


class ConflictSerializer(serializers.ModelSerializer):
    expert = PersonSerializer()
    organisation = OrganisationRefSerializer()

    class Meta:
        model = ConflictDeclaration
        fields = [
            "id",
            "expert",
            "organisation",
            "description",
            "declared_at",
            "declared_by",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
        ]


class ConflictDeclareSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    # Required, but the service says so, so that the API and the service never disagree.
    description = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="The nature of the tie (employment, membership, consultancy, personal).",
    )
    expert = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_expert=True),
        required=False,
        help_text="Whose tie: the caller by default; only the secretariat records another "
        "expert's.",
    )


class ConflictFilter(django_filters.FilterSet):
    in_force = django_filters.BooleanFilter(
        field_name="withdrawn_at",
        lookup_expr="isnull",
        label="Not withdrawn",
    )

    class Meta:
        model = ConflictDeclaration
        fields = ["organisation", "in_force"]


class ConflictList(ListWithFilters, Authenticated, generics.ListAPIView):
    """The caller's declared ties to organisations (every declaration for the secretariat),
    newest first; while one is in force its expert is not assigned to the organisation."""

    serializer_class = ConflictSerializer
    queryset = ConflictDeclaration.objects.none()
    filterset_class = ConflictFilter
    ordering_fields = ["declared_at", "withdrawn_at"]

    def get_queryset(self):
        return selectors.conflict_list(user=self.request.user).order_by("-declared_at", "-pk")

    @extend_schema(
        request=ConflictDeclareSerializer,
        responses={201: ConflictSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request: Request) -> Response:
        data = validated(ConflictDeclareSerializer, request)
        declaration = services.conflict_declare(
            expert=data.pop("expert", request.user), actor=request.user, **data
        )
        return Response(ConflictSerializer(declaration).data, status=status.HTTP_201_CREATED)


class ConflictWithdraw(Authenticated, generics.GenericAPIView):
    """Withdraw a declaration recorded by mistake (the secretariat only); it stays on record
    with who withdrew it, when and why."""

    serializer_class = ReasonSerializer
    queryset = ConflictDeclaration.objects.none()

    @extend_schema(request=ReasonSerializer, responses={200: ConflictSerializer, **WRITE_PROBLEMS})
    def post(self, request: Request, pk: int) -> Response:
        declaration = selectors.conflict_get(user=request.user, pk=pk)
        data = validated(ReasonSerializer, request)
        declaration = services.conflict_withdraw(
            declaration=declaration, actor=request.user, **data
        )
        return Response(ConflictSerializer(declaration).data)
