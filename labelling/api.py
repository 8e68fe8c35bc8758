"""The authenticated API: organisations and applications as their caller may see them, and the
application's transitions as explicit actions.

Thin views over ``labelling.selectors`` (scoped through ``labelling.rules``: what the caller may
not see is a 404) and over the services the web pages call (``APPLICATION_ACTIONS``). Errors are
problem details (``labelling.api_errors``).
"""

from __future__ import annotations

from django.urls import path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.models import MethodologyVersion
from labelling import selectors
from labelling.api_errors import ProblemSerializer
from labelling.models import Application, Organisation, Outcome, StateChange
from labelling.views import APPLICATION_ACTIONS
from labelling.workflow import user_transitions

PROBLEMS = dict.fromkeys((401, 403, 404), ProblemSerializer)


class OrganisationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2")
    sectors = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "legal_name",
            "country",
            "region",
            "website",
            "sectors",
            "founded_year",
            "members_companies",
            "members_research",
            "members_public",
            "management_fte",
            "created_at",
        ]


class MethodologySerializer(serializers.ModelSerializer):
    class Meta:
        model = MethodologyVersion
        fields = ["id", "code", "version", "name"]


class StateChangeSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor_label", help_text="Who, as recorded (a person's e-mail or the system)."
    )

    class Meta:
        model = StateChange
        fields = ["at", "transition", "source", "target", "actor", "reason"]


class ApplicationSerializer(serializers.ModelSerializer):
    """An application in a list."""

    methodology = MethodologySerializer()

    class Meta:
        model = Application
        fields = [
            "id",
            "organisation",
            "level",
            "state",
            "methodology",
            "decided_outcome",
            "created_at",
            "submitted_at",
            "decided_at",
        ]


class ApplicationDetailSerializer(ApplicationSerializer):
    """One application, with what its caller may do next and its audit trail."""

    allowed_transitions = serializers.SerializerMethodField(
        help_text="The actions the caller may run now (POST /applications/{id}/{action}/)."
    )
    history = serializers.SerializerMethodField(help_text="Every state change, oldest first.")

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "allowed_transitions", "history"]

    def get_allowed_transitions(self, application: Application) -> list[str]:
        user = self.context["request"].user
        return [name for name in user_transitions(application, user) if name in APPLICATION_ACTIONS]

    @extend_schema_field(StateChangeSerializer(many=True))
    def get_history(self, application: Application) -> list[dict]:
        history = selectors.application_history(application=application)
        return StateChangeSerializer(history, many=True).data


class TransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why; required by some actions (e.g. reject, withdraw, appeal).",
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Only for propose_decision.",
    )


class Authenticated:
    permission_classes = [IsAuthenticated]


class OrganisationList(Authenticated, generics.ListAPIView):
    """The organisations the caller manages (all of them for the secretariat)."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()

    @extend_schema(responses={200: OrganisationSerializer(many=True), **PROBLEMS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)


class OrganisationDetail(Authenticated, generics.RetrieveAPIView):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()

    @extend_schema(responses={200: OrganisationSerializer, **PROBLEMS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)


class ApplicationList(Authenticated, generics.ListAPIView):
    """The applications the caller may open: their organisations', those they assess, or all
    of them for the secretariat."""

    serializer_class = ApplicationSerializer
    queryset = Application.objects.none()
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_fields = ["state", "level"]
    ordering_fields = ["created_at", "submitted_at", "decided_at", "state", "level"]

    @extend_schema(responses={200: ApplicationSerializer(many=True), **PROBLEMS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.application_list(user=self.request.user).select_related("methodology")


class ApplicationDetail(Authenticated, generics.RetrieveAPIView):
    serializer_class = ApplicationDetailSerializer
    queryset = Application.objects.none()

    @extend_schema(responses={200: ApplicationDetailSerializer, **PROBLEMS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Application:
        return selectors.application_get(user=self.request.user, pk=self.kwargs["pk"])


class ApplicationAction(Authenticated, generics.GenericAPIView):
    """Run one action on the application through the same service as the web page."""

    serializer_class = TransitionSerializer
    queryset = Application.objects.none()

    @extend_schema(
        operation_id="applications_action",
        parameters=[
            OpenApiParameter(
                "action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(APPLICATION_ACTIONS)
            )
        ],
        request=TransitionSerializer,
        responses={
            200: ApplicationDetailSerializer,
            **dict.fromkeys((400, 401, 403, 404, 409), ProblemSerializer),
        },
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        perform = APPLICATION_ACTIONS.get(action)
        if perform is None:
            raise NotFound()
        application = selectors.application_get(user=request.user, pk=pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        perform(application, request.user, serializer.validated_data)
        # Read again: the state field is protected, and the action may have changed relations.
        application = selectors.application_get(user=request.user, pk=pk)
        return Response(ApplicationDetailSerializer(application, context={"request": request}).data)


urlpatterns = [
    path("organisations/", OrganisationList.as_view(), name="api_organisations"),
    path("organisations/<int:pk>/", OrganisationDetail.as_view(), name="api_organisation"),
    path("applications/", ApplicationList.as_view(), name="api_applications"),
    path("applications/<int:pk>/", ApplicationDetail.as_view(), name="api_application"),
    path(
        "applications/<int:pk>/<slug:action>/",
        ApplicationAction.as_view(),
        name="api_application_action",
    ),
]
