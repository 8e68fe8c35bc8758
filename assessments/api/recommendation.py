"""The rules' recommendation on the consensus, explained."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import services
from assessments.api.common import DECIMAL, GUARDED_READ_PROBLEMS, OnApplication
from assessments.explanations import reason_text
from assessments.models import Light, Recommendation
from labelling.api import MethodologySerializer
from labelling.exceptions import ActionForbidden
from labelling.models import Level, Outcome
from labelling.rules import can


class ReasonField(serializers.CharField):
    """A reason of the engine's explanation, worded in the request's language."""

    def to_representation(self, value: object) -> str:
        return reason_text(value)


class IndicatorResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    dimension = serializers.CharField()
    value = serializers.DecimalField(**DECIMAL, allow_null=True, help_text="The consensus value.")
    light = serializers.ChoiceField(choices=Light.choices)
    points = serializers.IntegerField()
    max_points = serializers.IntegerField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    threshold = serializers.DecimalField(**DECIMAL)
    bronze_eligibility = serializers.BooleanField(
        default=False, help_text="A BRONZE eligibility criterion: every label needs it met."
    )
    gold_minimum = serializers.BooleanField(
        default=False, help_text="A GOLD minimum requirement: SILVER and GOLD need it met."
    )
    in_gold_set = serializers.BooleanField(
        default=False,
        help_text="Counts in the GOLD score (every indicator counts in the benchmarking score).",
    )
    passed = serializers.BooleanField(help_text="Whether the value meets the threshold.")
    reason = ReasonField()


class LevelCheckSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
    met = serializers.BooleanField()
    reasons = serializers.ListField(
        child=ReasonField(), help_text="Why the level is not met (empty: met)."
    )


class DimensionScoreSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    score_pct = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="Benchmarking score of the dimension."
    )


class RecommendationSerializer(serializers.ModelSerializer):
    """The decision engine's result on the consensus, explained indicator by indicator."""

    methodology = MethodologySerializer()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    indicators = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()
    dimension_scores = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "outcome",
            "gold_score_pct",
            "benchmark_score_pct",
            "agreement_rate",
            "computed_at",
            "methodology",
            "indicators",
            "checks",
            "dimension_scores",
        ]

    @extend_schema_field(IndicatorResultSerializer(many=True))
    def get_indicators(self, recommendation: Recommendation) -> list[dict]:
        rows = recommendation.explanation.get("indicators", [])
        return IndicatorResultSerializer(rows, many=True).data

    @extend_schema_field(LevelCheckSerializer(many=True))
    def get_checks(self, recommendation: Recommendation) -> list[dict]:
        """The rules of each level up to the one applied for."""
        return LevelCheckSerializer(recommendation.explanation.get("checks", []), many=True).data

    @extend_schema_field(DimensionScoreSerializer(many=True))
    def get_dimension_scores(self, recommendation: Recommendation) -> list[dict]:
        pairs = recommendation.explanation.get("dimension_scores", [])
        rows = [{"dimension": code, "score_pct": pct} for code, pct in pairs]
        return DimensionScoreSerializer(rows, many=True).data


class RecommendationDetail(OnApplication, generics.GenericAPIView):
    """The rules' latest recommendation, for the secretariat deciding and the experts who
    produced it (as on the application page); 404 until the consensus is completed."""

    serializer_class = RecommendationSerializer
    queryset = Recommendation.objects.none()

    @extend_schema(responses={200: RecommendationSerializer, **GUARDED_READ_PROBLEMS})
    def get(self, request: Request, pk: int) -> Response:
        application = self.application
        # The rule of the application page (labelling.views._recommendation_context).
        if not (
            can(request.user, "labelling.review_quality", application)
            or can(request.user, "labelling.score_application", application)
        ):
            raise ActionForbidden(
                _("Only the secretariat and the application's experts see the recommendation.")
            )
        recommendation = services.latest_recommendation(application)
        if recommendation is None:
            raise NotFound(_("The rules make their recommendation when the consensus is complete."))
        return Response(self.get_serializer(recommendation).data)
