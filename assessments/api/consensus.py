"""The consensus: the scorings side by side, the agreed values, completion."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.api.common import (
    DECIMAL,
    GUARDED_READ_PROBLEMS,
    VALUE_INPUT,
    WRITE_PROBLEMS,
    IndicatorRefSerializer,
    OnApplication,
    validated,
)
from assessments.api.scores import ExpertScoreSerializer
from assessments.models import ConsensusValue
from labelling.api import ApplicationDetailSerializer
from labelling.models import Application


class ConsensusValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsensusValue
        fields = ["value", "light", "points", "note", "settled_by", "settled_at"]


class ConsensusRowSerializer(serializers.Serializer):
    """One assessed indicator: the self-assessed value, every expert's score, the consensus."""

    indicator = IndicatorRefSerializer()
    self_assessed = serializers.DecimalField(**DECIMAL, allow_null=True)
    scores = ExpertScoreSerializer(many=True)
    consensus = ConsensusValueSerializer(allow_null=True)
    experts_differ = serializers.BooleanField()


class ConsensusInputSerializer(serializers.Serializer):
    value = serializers.DecimalField(**VALUE_INPUT, allow_null=True, help_text="The agreed value.")
    note = serializers.CharField(allow_blank=True, default="")


class ConsensusRowList(OnApplication, generics.GenericAPIView):
    """The scorings side by side, indicator by indicator, once every expert has submitted
    (403 before): for the application's experts and the secretariat."""

    serializer_class = ConsensusRowSerializer
    queryset = Application.objects.none()
    filter_backends: list = []

    @extend_schema(responses={200: ConsensusRowSerializer(many=True), **GUARDED_READ_PROBLEMS})
    def get(self, request: Request, pk: int) -> Response:
        rows = services.consensus_rows(application=self.application, viewer=request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ConsensusValueUpdate(OnApplication, generics.GenericAPIView):
    """The lead expert records the agreed value for one indicator (by its code) during the
    consensus step."""

    serializer_class = ConsensusInputSerializer
    queryset = Application.objects.none()

    @extend_schema(
        request=ConsensusInputSerializer,
        responses={200: ConsensusValueSerializer, **WRITE_PROBLEMS},
    )
    def put(self, request: Request, pk: int, indicator_code: str) -> Response:
        indicator = selectors.assessed_indicator_get(
            application=self.application, code=indicator_code
        )
        data = validated(ConsensusInputSerializer, request)
        value = services.consensus_value_save(
            application=self.application, indicator=indicator, actor=request.user, **data
        )
        return Response(ConsensusValueSerializer(value).data)


class ConsensusComplete(OnApplication, generics.GenericAPIView):
    """The lead expert hands the settled consensus to the quality review; the rules'
    recommendation is computed and kept with it."""

    serializer_class = ApplicationDetailSerializer
    queryset = Application.objects.none()

    @extend_schema(request=None, responses={200: ApplicationDetailSerializer, **WRITE_PROBLEMS})
    def post(self, request: Request, pk: int) -> Response:
        services.consensus_complete(application=self.application, actor=request.user)
        return self.application_detail()
