"""The experts' assignments: invitation, acceptance, declining and submission."""

from __future__ import annotations

from functools import cached_property

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.api.common import (
    WRITE_PROBLEMS,
    ListWithFilters,
    OnApplication,
    OrganisationRefSerializer,
    PersonSerializer,
    ReasonSerializer,
    validated,
)
from assessments.models import Assignment, AssignmentRole
from labelling.api import ApplicationDetailSerializer, Authenticated, IdFilter
from labelling.models import Application, ApplicationState, User


class AssignmentSerializer(serializers.ModelSerializer):
    expert = PersonSerializer()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "application",
            "expert",
            "role",
            "status",
            "assigned_at",
            "responded_at",
            "no_conflict_declared_at",
            "decline_reason",
            "scores_submitted_at",
        ]


class AssignedApplicationSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer()

    class Meta:
        model = Application
        fields = ["id", "organisation", "level", "state"]


class MyAssignmentSerializer(AssignmentSerializer):
    """An assignment in the caller's list, with the application it is about."""

    application = AssignedApplicationSerializer()


class AssignmentCreateSerializer(serializers.Serializer):
    expert = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_expert=True, is_active=True),
        help_text="An active expert; they must be eligible (accreditation, conflicts, previous "
        "cycle, GOLD countries).",
    )
    role = serializers.ChoiceField(choices=AssignmentRole.choices)


class AcceptSerializer(serializers.Serializer):
    no_conflict_declared = serializers.BooleanField(
        default=False,
        help_text="Required true: the expert declares no conflict of interest with the "
        "organisation (no employment, membership, consultancy or personal tie, and did not "
        "assess its previous cycle).",
    )


class AssignmentFilter(django_filters.FilterSet):
    application = IdFilter(field_name="application_id")
    state = django_filters.ChoiceFilter(
        field_name="application__state",
        choices=ApplicationState.choices,
        label="The application's state",
    )

    class Meta:
        model = Assignment
        fields = ["application", "status", "role", "state"]


class ApplicationAssignmentList(OnApplication, generics.ListAPIView):
    """The application's experts (everyone who may see the application sees who assesses it);
    the secretariat invites one, who must be eligible on the day."""

    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()

    def get_queryset(self):
        return self.application.assignments.select_related("expert").order_by(
            "role", "assigned_at", "pk"
        )

    @extend_schema(
        request=AssignmentCreateSerializer,
        responses={201: AssignmentSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = validated(AssignmentCreateSerializer, request)
        assignment = services.assignment_create(
            application=self.application, actor=request.user, **data
        )
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AssignExperts(OnApplication, generics.GenericAPIView):
    """The secretariat confirms the invited team: the experts are asked to accept."""

    serializer_class = ApplicationDetailSerializer
    queryset = Application.objects.none()

    @extend_schema(request=None, responses={200: ApplicationDetailSerializer, **WRITE_PROBLEMS})
    def post(self, request: Request, pk: int) -> Response:
        services.application_assign_experts(application=self.application, actor=request.user)
        return self.application_detail()


class MyAssignmentList(ListWithFilters, Authenticated, generics.ListAPIView):
    """The caller's assignments (every assignment for the secretariat), newest first."""

    serializer_class = MyAssignmentSerializer
    queryset = Assignment.objects.none()
    filterset_class = AssignmentFilter
    ordering_fields = ["assigned_at", "responded_at", "scores_submitted_at"]

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user).order_by("-assigned_at", "-pk")


class AssignmentDetail(Authenticated, generics.RetrieveAPIView):
    """One of the caller's assignments (any, for the secretariat)."""

    serializer_class = MyAssignmentSerializer
    queryset = Assignment.objects.none()

    def get_object(self) -> Assignment:
        return selectors.assignment_get(user=self.request.user, pk=self.kwargs["pk"])


class OwnAssignmentAction(Authenticated, generics.GenericAPIView):
    """An expert's step on their own assignment (anyone else's is a 404)."""

    queryset = Assignment.objects.none()

    @cached_property
    def assignment(self) -> Assignment:
        return selectors.assignment_get_own(user=self.request.user, pk=self.kwargs["pk"])

    def assignment_detail(self) -> Response:
        assignment = selectors.assignment_get(user=self.request.user, pk=self.kwargs["pk"])
        return Response(MyAssignmentSerializer(assignment).data)


class AssignmentAccept(OwnAssignmentAction):
    """The expert accepts, declaring no conflict of interest; the last acceptance starts the
    assessment."""

    serializer_class = AcceptSerializer

    @extend_schema(
        request=AcceptSerializer, responses={200: MyAssignmentSerializer, **WRITE_PROBLEMS}
    )
    def post(self, request: Request, pk: int) -> Response:
        data = validated(AcceptSerializer, request)
        services.assignment_accept(assignment=self.assignment, actor=request.user, **data)
        return self.assignment_detail()


class AssignmentDecline(OwnAssignmentAction):
    """The expert declines, saying why; the application goes back to the secretariat."""

    serializer_class = ReasonSerializer

    @extend_schema(
        request=ReasonSerializer, responses={200: MyAssignmentSerializer, **WRITE_PROBLEMS}
    )
    def post(self, request: Request, pk: int) -> Response:
        data = validated(ReasonSerializer, request)
        services.assignment_decline(assignment=self.assignment, actor=request.user, **data)
        return self.assignment_detail()


class AssessmentSubmit(OwnAssignmentAction):
    """The expert hands in their complete scoring; the last one moves the application to the
    consensus."""

    serializer_class = MyAssignmentSerializer

    @extend_schema(request=None, responses={200: MyAssignmentSerializer, **WRITE_PROBLEMS})
    def post(self, request: Request, pk: int) -> Response:
        services.assessment_submit(assignment=self.assignment, actor=request.user)
        return self.assignment_detail()
