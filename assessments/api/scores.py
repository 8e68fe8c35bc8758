"""The experts' blind scores."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.api.assignments import OwnAssignmentAction
from assessments.api.common import (
    GUARDED_READ_PROBLEMS,
    VALUE_INPUT,
    WRITE_PROBLEMS,
    IndicatorRefSerializer,
    ListWithFilters,
    PersonSerializer,
    validated,
)
from assessments.models import AssignmentRole, ExpertScore
from labelling.api import Authenticated


class ExpertScoreSerializer(serializers.ModelSerializer):
    indicator = IndicatorRefSerializer()
    expert = PersonSerializer(source="assignment.expert")
    role = serializers.ChoiceField(source="assignment.role", choices=AssignmentRole.choices)

    class Meta:
        model = ExpertScore
        fields = [
            "id",
            "assignment",
            "indicator",
            "expert",
            "role",
            "value",
            "light",
            "points",
            "justification",
            "updated_at",
        ]


class ScoreInputSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        **VALUE_INPUT, allow_null=True, help_text="The validated value."
    )
    justification = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="Required where the value differs from the self-assessed one.",
    )


class ScoreFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code", label="Indicator code")

    class Meta:
        model = ExpertScore
        fields = ["indicator", "light"]


class ScoreList(ListWithFilters, Authenticated, generics.ListAPIView):
    """One assignment's scores, in the methodology's order. Blind: an expert sees another
    expert's scores only once every expert has submitted (403 before); the secretariat sees
    them all; the organisation's managers none."""

    serializer_class = ExpertScoreSerializer
    queryset = ExpertScore.objects.none()
    filterset_class = ScoreFilter
    ordering_fields = ["updated_at", "points"]

    def get_queryset(self):
        user = self.request.user
        assignment = selectors.assignment_get_visible(user=user, pk=self.kwargs["pk"])
        application = assignment.application
        if assignment.expert_id == user.pk:
            scores = services.scores_visible_to(application=application, viewer=user)
        else:
            scores = services.other_expert_scores(application=application, viewer=user)
        return scores.filter(assignment=assignment).order_by("indicator__order", "pk")

    @extend_schema(responses={200: ExpertScoreSerializer(many=True), **GUARDED_READ_PROBLEMS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ScoreUpdate(OwnAssignmentAction):
    """The expert's validated value for one indicator (by its code) of their own assignment,
    while the application is in assessment and before they submit; light and points follow
    from the bands."""

    serializer_class = ScoreInputSerializer

    @extend_schema(
        request=ScoreInputSerializer, responses={200: ExpertScoreSerializer, **WRITE_PROBLEMS}
    )
    def put(self, request: Request, pk: int, indicator_code: str) -> Response:
        assignment = self.assignment
        indicator = selectors.assessed_indicator_get(
            application=assignment.application, code=indicator_code
        )
        data = validated(ScoreInputSerializer, request)
        score = services.score_save(
            assignment=assignment, indicator=indicator, actor=request.user, **data
        )
        return Response(ExpertScoreSerializer(score).data)
