"""The methodology versions: their dimensions, indicators and bands."""

from __future__ import annotations

import django_filters
from rest_framework import generics, serializers

from assessments import selectors
from assessments.api.common import DECIMAL, ListWithFilters
from assessments.models import Dimension, Indicator, Light, MethodologyVersion
from labelling.api import Authenticated, MethodologySerializer


class BandSerializer(serializers.Serializer):
    light = serializers.ChoiceField(choices=Light.choices)
    points = serializers.IntegerField()

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from", as in the methodology file, is a Python keyword: it cannot be declared.
        return {
            "from": serializers.DecimalField(
                **DECIMAL, help_text="Values from this one up to the next band's get this light."
            ),
            **super().get_fields(),
        }


class IndicatorSerializer(serializers.ModelSerializer):
    bands = BandSerializer(many=True, help_text="Rising traffic-light bands.")
    rubric = serializers.ListField(
        child=serializers.CharField(), help_text="Rubric level descriptions, 0 to 3."
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "title",
            "guidance",
            "evidence_required",
            "value_type",
            "unit",
            "bands",
            "threshold",
            "weight",
            "in_gold_set",
            "bronze_eligibility",
            "gold_minimum",
            "rubric",
            "source",
            "order",
        ]


class DimensionSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True)

    class Meta:
        model = Dimension
        fields = ["id", "code", "title", "description", "order", "indicators"]


class MethodologyVersionSerializer(MethodologySerializer):
    """A methodology version with its label rules."""

    published = serializers.BooleanField(
        source="is_published", help_text="False for a draft (listed to the secretariat only)."
    )

    class Meta(MethodologySerializer.Meta):
        fields = [
            *MethodologySerializer.Meta.fields,
            "description",
            "published",
            "published_at",
            "validity_months",
            "gold_min_score_pct",
            "gold_min_expert_countries",
            "silver_min_improvement_areas",
            "silver_prior_bronze_min_months",
            "silver_prior_bronze_max_months",
        ]


class MethodologyDetailSerializer(MethodologyVersionSerializer):
    dimensions = DimensionSerializer(many=True)

    class Meta(MethodologyVersionSerializer.Meta):
        fields = [*MethodologyVersionSerializer.Meta.fields, "dimensions"]


class MethodologyFilter(django_filters.FilterSet):
    class Meta:
        model = MethodologyVersion
        fields = ["code", "state"]


class MethodologyList(ListWithFilters, Authenticated, generics.ListAPIView):
    """The published methodology versions (drafts too for the secretariat), newest first."""

    serializer_class = MethodologyVersionSerializer
    queryset = MethodologyVersion.objects.none()
    filterset_class = MethodologyFilter
    ordering_fields = ["published_at", "created_at", "code", "version"]

    def get_queryset(self):
        return selectors.methodology_list(user=self.request.user).order_by(
            "-published_at", "-created_at", "-pk"
        )


class MethodologyDetail(Authenticated, generics.RetrieveAPIView):
    """One methodology version: its dimensions, each with its indicators and their bands."""

    serializer_class = MethodologyDetailSerializer
    queryset = MethodologyVersion.objects.none()

    def get_object(self) -> MethodologyVersion:
        return selectors.methodology_get(user=self.request.user, pk=self.kwargs["pk"])
