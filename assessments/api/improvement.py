"""The improvement areas of a SILVER application."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.api.common import WRITE_PROBLEMS, OnApplication, validated
from assessments.models import ImprovementArea
from labelling.api import PROBLEMS


class ImprovementAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImprovementArea
        fields = [
            "id",
            "title",
            "description",
            "effect",
            "validated",
            "validation_note",
            "created_at",
        ]
        read_only_fields = ["validated", "validation_note"]
        # Each part is required, but the service says so (after checking who asks), so that
        # the API, the page and the service never disagree.
        extra_kwargs = {
            "title": {"allow_blank": True, "default": ""},
            "description": {"allow_blank": True, "default": ""},
            "effect": {"allow_blank": True, "default": ""},
        }


class ImprovementAreaList(OnApplication, generics.ListAPIView):
    """A SILVER application's improvement areas since its BRONZE benchmarking, with the
    expert's validation; a manager adds them while the application is a draft."""

    serializer_class = ImprovementAreaSerializer
    queryset = ImprovementArea.objects.none()

    def get_queryset(self):
        return selectors.improvement_area_list(application=self.application)

    @extend_schema(
        request=ImprovementAreaSerializer,
        responses={201: ImprovementAreaSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = validated(ImprovementAreaSerializer, request)
        area = services.improvement_area_add(
            application=self.application, actor=request.user, **data
        )
        return Response(ImprovementAreaSerializer(area).data, status=status.HTTP_201_CREATED)


class ImprovementAreaDetail(OnApplication, generics.GenericAPIView):
    """One improvement area; a manager removes it while the application is a draft."""

    serializer_class = ImprovementAreaSerializer
    queryset = ImprovementArea.objects.none()

    @extend_schema(responses={200: ImprovementAreaSerializer, **PROBLEMS})
    def get(self, request: Request, pk: int, area_pk: int) -> Response:
        area = selectors.improvement_area_get(application=self.application, pk=area_pk)
        return Response(self.get_serializer(area).data)

    @extend_schema(responses={204: None, **WRITE_PROBLEMS})
    def delete(self, request: Request, pk: int, area_pk: int) -> Response:
        area = selectors.improvement_area_get(application=self.application, pk=area_pk)
        services.improvement_area_remove(area=area, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
