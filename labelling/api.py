"""The authenticated API: organisations and applications as their caller may see them, and the
application's transitions as explicit actions.

Thin views over ``labelling.selectors`` (scoped through ``labelling.rules``: what the caller may
not see is a 404) and over the services the web pages call (``APPLICATION_ACTIONS``). Errors are
problem details (``labelling.api_errors``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.serializer_fields import CountryField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from labelling import extensions, selectors, services
from labelling.api_errors import ProblemSerializer
from labelling.forms import OrganisationForm
from labelling.models import Application, Level, Organisation, Outcome, Sector, StateChange, User
from labelling.rules import can
from labelling.selectors import visible_organisations
from labelling.views.applications import APPLICATION_ACTIONS
from labelling.workflow import user_transitions


def problems(*statuses: int) -> dict[int, type[ProblemSerializer]]:
    """The problem-detail answers of an operation, for ``extend_schema(responses=...)``."""
    return dict.fromkeys(statuses, ProblemSerializer)


PROBLEMS = problems(401, 403, 404)


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
            "state",
            "created_at",
        ]
        extra_kwargs = {
            "state": {
                "help_text": "unconfirmed: registered by its manager, waiting for the "
                "secretariat's confirmation; its applications cannot be submitted until then."
            }
        }


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class SectorField(serializers.RelatedField):
    """A sector by its id, code or name when writing (a name only where no other sector has it:
    names are not unique); its name when reading, as in ``OrganisationSerializer``."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("No sector is “{value}”."),
        "ambiguous": gettext_lazy("Several sectors are named “{value}”: give its code or id."),
        "incorrect_type": gettext_lazy("Give a sector by its id, code or name."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Sector.objects.all(), **kwargs)

    def to_representation(self, sector: Sector) -> str:
        return sector.name

    def to_internal_value(self, data: object) -> Sector:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type")
        sectors = self.get_queryset()
        if isinstance(data, int) or data.isdecimal():
            matches = sectors.filter(pk=int(data))
        else:
            # By its name in any language, whichever the request is read in.
            name = data.strip()
            matches = sectors.filter(code=data) or sectors.filter(
                Q(name_en__iexact=name) | Q(name_de__iexact=name)
            )
        found = list(matches[:2])
        if not found:
            self.fail("does_not_exist", value=data)
        if len(found) > 1:
            self.fail("ambiguous", value=data)
        return found[0]


class OrganisationInputSerializer(serializers.ModelSerializer):
    """An organisation's profile as a client writes it: the fields of the web form."""

    country = CountryField(help_text="ISO 3166-1 alpha-2")
    sectors = SectorField(many=True, required=False)

    class Meta:
        model = Organisation
        fields = OrganisationForm.Meta.fields


# The methodology an application is assessed under, by the application's own foreign key:
# labelling does not import the assessment app (docs/architecture.md). No docstring: it would
# become the schema component's description.
class MethodologySerializer(serializers.ModelSerializer):
    class Meta:
        model = Application.methodology.field.related_model
        fields = ["id", "code", "version", "name"]


class StateChangeSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor_label", help_text="Who, as recorded (a person's e-mail or the system)."
    )

    class Meta:
        model = StateChange
        fields = ["at", "transition", "source", "target", "actor", "reason"]


class ApplicationSerializer(serializers.ModelSerializer):
    """An application in a list.

    Without ``allowed_transitions``: what a person may do is decided per application by the
    transitions' conditions and permissions, which query the database, so a list with it would
    cost queries per row (it is on the application itself).
    """

    methodology = MethodologySerializer()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "renews",
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


@extend_schema_field(OpenApiTypes.INT)
class VisibleObjectField(serializers.PrimaryKeyRelatedField):
    """An object by its id, among those the caller may see: any other id reads as one that does
    not exist, so that the answer never tells whether it does."""

    def __init__(self, *, scope: Callable[[User], QuerySet], **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.scope(self.context["request"].user)


class ApplicationCreateSerializer(serializers.Serializer):
    organisation = VisibleObjectField(
        scope=visible_organisations, help_text="One of the organisations the caller manages."
    )
    level = serializers.ChoiceField(choices=Level.choices)
    renews = VisibleObjectField(
        scope=extensions.visible_labels,
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of the organisation's label that this application renews.",
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why; kept with the state change. Some actions require it "
        "(e.g. reject, withdraw, appeal, and every label action).",
    )


class TransitionSerializer(ReasonSerializer):
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Only for propose_decision.",
    )


class Authenticated:
    permission_classes = [IsAuthenticated]


def created(data: dict, url_name: str, pk: int) -> Response:
    """201 with the new object and its address."""
    return Response(
        data, status=status.HTTP_201_CREATED, headers={"Location": reverse(url_name, args=[pk])}
    )


class OrganisationList(Authenticated, generics.ListAPIView):
    """The organisations the caller manages (all of them for the secretariat)."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_fields = ["country"]
    search_fields = ["name", "legal_name"]
    ordering_fields = ["name", "country", "created_at"]
    ordering = ["name", "pk"]

    @extend_schema(
        request=OrganisationInputSerializer,
        responses={201: OrganisationSerializer, **problems(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        """Register an organisation; a cluster manager who registers it becomes its manager."""
        # Asked before the input, as the web page does: a person who may not is told so.
        if not can(request.user, "labelling.create_organisation"):
            raise PermissionDenied(
                _("Only cluster managers and the secretariat register organisations.")
            )
        serializer = OrganisationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = services.organisation_create(actor=request.user, **serializer.validated_data)
        return created(
            OrganisationSerializer(organisation).data, "api_organisation", organisation.pk
        )

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)


class OrganisationDetail(Authenticated, generics.RetrieveAPIView):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()

    @extend_schema(
        request=OrganisationInputSerializer,
        responses={200: OrganisationSerializer, **problems(400, 401, 403, 404)},
    )
    def put(self, request: Request, pk: int) -> Response:
        """Replace the organisation's profile: every required field, sectors left out are kept."""
        return self._update(request, partial=False)

    @extend_schema(
        request=OrganisationInputSerializer,
        responses={200: OrganisationSerializer, **problems(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Change the fields sent, and only those."""
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        organisation = self.get_object()
        serializer = OrganisationInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        organisation = services.organisation_update(
            organisation=organisation, actor=request.user, **serializer.validated_data
        )
        return Response(OrganisationSerializer(organisation).data)

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)


class OrganisationConfirm(Authenticated, generics.GenericAPIView):
    """The secretariat confirms an organisation its manager registered: its applications can be
    submitted from now on (its managers are told by e-mail)."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()

    @extend_schema(
        request=None,
        responses={200: OrganisationSerializer, **problems(401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        organisation = selectors.organisation_get(user=request.user, pk=pk)
        services.organisation_confirm(organisation=organisation, actor=request.user)
        return Response(OrganisationSerializer(organisation).data)


def application_detail(request: Request, pk: int) -> dict:
    """The application as the caller sees it, read again after a change: the state field is
    protected, and an action may have changed relations."""
    application = selectors.application_get(user=request.user, pk=pk)
    return ApplicationDetailSerializer(application, context={"request": request}).data


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id: a whole number within the database's range (a larger one would crash the query
    on a foreign key, where Django does not guard against it)."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=2**63 - 1, **kwargs)


class ApplicationListFilter(django_filters.FilterSet):
    # By id, without looking the organisation up: one the caller may not see just lists nothing.
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Application
        fields = ["state", "level", "organisation"]


class ApplicationList(Authenticated, generics.ListAPIView):
    """The applications the caller may open: their organisations', those they assess, or all
    of them for the secretariat."""

    serializer_class = ApplicationSerializer
    queryset = Application.objects.none()
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ApplicationListFilter
    ordering_fields = ["created_at", "submitted_at", "decided_at", "state", "level"]

    @extend_schema(
        request=ApplicationCreateSerializer,
        responses={201: ApplicationDetailSerializer, **problems(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        """Open a draft application for one of the caller's organisations (refused while another
        of its applications is open); ``renews`` names the label it is to renew."""
        serializer = ApplicationCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        application = services.application_create(actor=request.user, **serializer.validated_data)
        return created(
            application_detail(request, application.pk), "api_application", application.pk
        )

    def get_queryset(self):
        return selectors.application_list(user=self.request.user).select_related("methodology")


class ApplicationDetail(Authenticated, generics.RetrieveAPIView):
    serializer_class = ApplicationDetailSerializer
    queryset = Application.objects.none()

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
        return Response(application_detail(request, pk))


urlpatterns = [
    path("organisations/", OrganisationList.as_view(), name="api_organisations"),
    path("organisations/<int:pk>/", OrganisationDetail.as_view(), name="api_organisation"),
    path(
        "organisations/<int:pk>/confirm/",
        OrganisationConfirm.as_view(),
        name="api_organisation_confirm",
    ),
    path("applications/", ApplicationList.as_view(), name="api_applications"),
    path("applications/<int:pk>/", ApplicationDetail.as_view(), name="api_application"),
    path(
        "applications/<int:pk>/<slug:action>/",
        ApplicationAction.as_view(),
        name="api_application_action",
    ),
]
