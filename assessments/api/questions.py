"""The experts' clarification questions and the managers' answers."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.api.common import (
    WRITE_PROBLEMS,
    IndicatorRefSerializer,
    ListWithFilters,
    OnApplication,
    PersonSerializer,
    validated,
)
from assessments.models import ClarificationQuestion, Indicator
from assessments.services.selfassessment import required_indicators
from labelling.api import Authenticated


class QuestionSerializer(serializers.ModelSerializer):
    indicator = IndicatorRefSerializer(allow_null=True)
    asked_by = PersonSerializer()
    answered_by = PersonSerializer(allow_null=True)

    class Meta:
        model = ClarificationQuestion
        fields = [
            "id",
            "application",
            "indicator",
            "text",
            "due_date",
            "asked_by",
            "created_at",
            "answer",
            "answered_by",
            "answered_at",
        ]


class QuestionAskSerializer(serializers.Serializer):
    # Text and due date are required, but the service says so after checking who asks.
    text = serializers.CharField(allow_blank=True, default="")
    due_date = serializers.DateField(allow_null=True, default=None, help_text="Not in the past.")
    indicator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.none(),
        allow_null=True,
        default=None,
        help_text="The assessed indicator it is about (its code), if any.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        application = self.context.get("application")
        if application is not None:
            self.fields["indicator"].queryset = required_indicators(application)


class QuestionReplySerializer(serializers.Serializer):
    answer = serializers.CharField(allow_blank=True, default="", help_text="Required.")


class QuestionFilter(django_filters.FilterSet):
    answered = django_filters.BooleanFilter(
        field_name="answered_at", lookup_expr="isnull", exclude=True, label="Answered"
    )

    class Meta:
        model = ClarificationQuestion
        fields = ["answered"]


class QuestionList(ListWithFilters, OnApplication, generics.ListAPIView):
    """The experts' clarification questions and the managers' answers, for everyone who may
    see the application; an expert of the application asks one during the assessment (the
    managers are e-mailed)."""

    serializer_class = QuestionSerializer
    queryset = ClarificationQuestion.objects.none()
    filterset_class = QuestionFilter
    ordering_fields = ["created_at", "due_date"]

    def get_queryset(self):
        return selectors.question_list(application=self.application)

    @extend_schema(
        request=QuestionAskSerializer, responses={201: QuestionSerializer, **WRITE_PROBLEMS}
    )
    def post(self, request: Request, pk: int) -> Response:
        data = validated(QuestionAskSerializer, request, application=self.application)
        question = services.question_ask(application=self.application, actor=request.user, **data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionAnswer(Authenticated, generics.GenericAPIView):
    """A manager of the organisation answers an expert's question, once (the experts are
    e-mailed)."""

    serializer_class = QuestionReplySerializer
    queryset = ClarificationQuestion.objects.none()

    @extend_schema(
        request=QuestionReplySerializer, responses={200: QuestionSerializer, **WRITE_PROBLEMS}
    )
    def post(self, request: Request, pk: int) -> Response:
        question = selectors.question_get(user=request.user, pk=pk)
        data = validated(QuestionReplySerializer, request)
        question = services.question_answer(question=question, actor=request.user, **data)
        return Response(QuestionSerializer(question).data)
