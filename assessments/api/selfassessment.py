"""The self-assessment: the manager's answers and what is still missing."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.api.common import (
    DECIMAL,
    VALUE_INPUT,
    WRITE_PROBLEMS,
    IndicatorRefSerializer,
    OnApplication,
    validated,
)
from assessments.models import Light, ValueType
from labelling.api import PROBLEMS
from labelling.models import Application
from labelling.rules import can


class SelfAssessmentAnswerSerializer(serializers.Serializer):
    """One assessed indicator with the manager's answer (empty while unanswered)."""

    indicator = IndicatorRefSerializer()
    dimension = serializers.CharField(source="indicator.dimension.code")
    value_type = serializers.ChoiceField(source="indicator.value_type", choices=ValueType.choices)
    unit = serializers.CharField(source="indicator.unit")
    value = serializers.DecimalField(**DECIMAL, allow_null=True)
    comment = serializers.CharField()
    light = serializers.ChoiceField(
        choices=Light.choices, allow_null=True, help_text="From the indicator's bands."
    )
    points = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class DimensionProgressSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    evidence_missing = serializers.IntegerField(
        help_text="Indicators that ask for evidence and have none attached yet."
    )
    to_confirm = serializers.IntegerField(
        help_text="Values carried over from the previous cycle, not confirmed or changed yet."
    )


class SelfAssessmentSerializer(serializers.Serializer):
    editable = serializers.BooleanField(
        help_text="Whether the caller may change it now (a manager, while it is a draft)."
    )
    progress = DimensionProgressSerializer(
        many=True, help_text="Answered indicators per dimension, and what is still to do."
    )
    gaps = serializers.ListField(
        child=serializers.CharField(),
        help_text="What keeps it from being submitted, one sentence each (empty: complete).",
    )
    answers = SelfAssessmentAnswerSerializer(many=True, help_text="Every assessed indicator.")


class AnswerInputSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        **VALUE_INPUT,
        allow_null=True,
        help_text="Within the indicator's value type: yes/no as 1 or 0, a rubric 0 to 3; "
        "null clears it.",
    )
    comment = serializers.CharField(allow_blank=True, default="")


class SelfAssessmentDetail(OnApplication, generics.GenericAPIView):
    """The application's self-assessment: every assessed indicator with its answer, the
    progress per dimension and what is still missing. Everyone who may see the application
    may read it."""

    serializer_class = SelfAssessmentSerializer
    queryset = Application.objects.none()

    @extend_schema(responses={200: SelfAssessmentSerializer, **PROBLEMS})
    def get(self, request: Request, pk: int) -> Response:
        application = self.application
        document = {
            "editable": can(request.user, "assessments.edit_self_assessment", application),
            "progress": services.self_assessment_progress(application),
            "gaps": services.self_assessment_gaps(application),
            "answers": selectors.self_assessment_rows(application=application),
        }
        return Response(SelfAssessmentSerializer(document).data)


class AnswerUpdate(OnApplication, generics.GenericAPIView):
    """Save the manager's answer to one indicator (by its code) while the application is a
    draft; partial work is fine until submission."""

    serializer_class = AnswerInputSerializer
    queryset = Application.objects.none()

    @extend_schema(
        request=AnswerInputSerializer,
        responses={200: SelfAssessmentAnswerSerializer, **WRITE_PROBLEMS},
    )
    def put(self, request: Request, pk: int, indicator_code: str) -> Response:
        indicator = selectors.assessed_indicator_get(
            application=self.application, code=indicator_code
        )
        data = validated(AnswerInputSerializer, request)
        answer = services.answer_save(
            application=self.application, indicator=indicator, actor=request.user, **data
        )
        row = selectors.AnswerRow.of(indicator, answer)
        return Response(SelfAssessmentAnswerSerializer(row).data)
