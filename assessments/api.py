"""The authenticated API of the assessment: methodology, self-assessment, evidence, improvement
areas, expert assignments, conflicts of interest, blind scoring, clarification questions,
consensus and the rules' recommendation.

Thin views, as in ``labelling.api``: the object is scoped to the caller first (``labelling``'s and
``assessments.selectors``, a 404 for what they may not see), then one service does the work and
its refusal becomes a problem detail (``labelling.api_errors``). What a person may read of the
scores is the services' decision (``scores_visible_to``, ``other_expert_scores``,
``consensus_rows``), so the API can never show a scoring the web page would hide.
"""

from __future__ import annotations

from functools import cached_property

import django_filters
from django.http import FileResponse
from django.urls import path, register_converter, reverse
from django.urls.converters import StringConverter
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import selectors, services
from assessments.explanations import reason_text
from assessments.methodology_schema import CODE_PATTERN
from assessments.models import (
    Assignment,
    AssignmentRole,
    ClarificationQuestion,
    ConflictDeclaration,
    ConsensusValue,
    Dimension,
    Evidence,
    ExpertScore,
    ImprovementArea,
    Indicator,
    Light,
    MethodologyVersion,
    Recommendation,
    ValueType,
)
from assessments.services.evidence import ACCEPTED_TYPES
from assessments.services.selfassessment import required_indicators
from labelling import selectors as labelling_selectors
from labelling.api import (
    PROBLEMS,
    ApplicationDetailSerializer,
    Authenticated,
    IdFilter,
    MethodologySerializer,
    application_detail,
)
from labelling.api_errors import ProblemSerializer
from labelling.exceptions import ActionForbidden
from labelling.models import Application, ApplicationState, Level, Organisation, Outcome, User
from labelling.rules import can

#: What a write may be refused with: bad input, no credentials, the role, not visible, the state.
WRITE_PROBLEMS = dict.fromkeys((400, 401, 403, 404, 409), ProblemSerializer)
#: Refusals of a read that the services guard (e.g. the blind scores).
GUARDED_READ_PROBLEMS = dict.fromkeys((401, 403, 404), ProblemSerializer)
DECIMAL = {"max_digits": 14, "decimal_places": 2}


class IndicatorCodeConverter(StringConverter):
    """An indicator's code in a URL: only what a methodology accepts as a code reaches the
    database."""

    regex = CODE_PATTERN


register_converter(IndicatorCodeConverter, "indicator_code")


# --- Shared parts ----------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__")
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2")

    class Meta:
        model = User
        fields = ["id", "name", "country"]


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class IndicatorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["code", "title"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, default="", help_text="Why; required.")


class OnApplication(Authenticated):
    """A resource of one application: the application is scoped to the caller first."""

    @cached_property
    def application(self) -> Application:
        return labelling_selectors.application_get(user=self.request.user, pk=self.kwargs["pk"])

    def application_detail(self) -> Response:
        """The application as ``GET /applications/{id}/`` gives it, read again after a
        transition."""
        return Response(application_detail(self.request, self.kwargs["pk"]))


class ListWithFilters:
    filter_backends = [DjangoFilterBackend, OrderingFilter]


def _validated(
    serializer_class: type[serializers.Serializer], request: Request, **context: object
) -> dict:
    """The request's body checked by ``serializer_class`` (400 naming the fields otherwise)."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Methodology -----------------------------------------------------------------------------


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


# --- Self-assessment -------------------------------------------------------------------------


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


class SelfAssessmentSerializer(serializers.Serializer):
    editable = serializers.BooleanField(
        help_text="Whether the caller may change it now (a manager, while it is a draft)."
    )
    progress = DimensionProgressSerializer(
        many=True, help_text="Answered indicators per dimension."
    )
    gaps = serializers.ListField(
        child=serializers.CharField(),
        help_text="What keeps it from being submitted, one sentence each (empty: complete).",
    )
    answers = SelfAssessmentAnswerSerializer(many=True, help_text="Every assessed indicator.")


class AnswerInputSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        **DECIMAL,
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
        data = _validated(AnswerInputSerializer, request)
        answer = services.answer_save(
            application=self.application, indicator=indicator, actor=request.user, **data
        )
        row = selectors.AnswerRow.of(indicator, answer)
        return Response(SelfAssessmentAnswerSerializer(row).data)


# --- Evidence --------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    uploaded_by = PersonSerializer()
    file_url = serializers.SerializerMethodField(help_text="Where to download the file.")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "indicator",
            "question",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "file_url",
        ]

    def get_file_url(self, evidence: Evidence) -> str:
        url = reverse("api_evidence_file", args=[evidence.application_id, evidence.pk])
        return self.context["request"].build_absolute_uri(url)


class EvidenceUploadSerializer(serializers.Serializer):
    # An empty file reaches the service, which refuses it with the same message everywhere.
    file = serializers.FileField(
        allow_empty_file=True, help_text="PDF, PNG, JPEG, XLSX, DOCX, ODT or CSV, by content."
    )
    indicator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.none(),
        required=False,
        allow_null=True,
        help_text="The assessed indicator it supports (its code).",
    )
    question = serializers.PrimaryKeyRelatedField(
        queryset=ClarificationQuestion.objects.none(),
        required=False,
        allow_null=True,
        help_text="The clarification question it answers.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        application = self.context.get("application")
        if application is not None:
            self.fields["indicator"].queryset = required_indicators(application)
            self.fields["question"].queryset = application.questions.all()


class EvidenceFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code", label="Indicator code")

    class Meta:
        model = Evidence
        fields = ["indicator"]


class EvidenceList(ListWithFilters, OnApplication, generics.ListAPIView):
    """The application's evidence files; a manager adds one to the draft's self-assessment (or
    to answer a clarification question during the assessment)."""

    serializer_class = EvidenceSerializer
    queryset = Evidence.objects.none()
    parser_classes = [MultiPartParser]
    filterset_class = EvidenceFilter
    ordering_fields = ["uploaded_at", "original_name", "size"]

    def get_queryset(self):
        return selectors.evidence_list(application=self.application)

    @extend_schema(
        request=EvidenceUploadSerializer,
        responses={
            201: EvidenceSerializer,
            **WRITE_PROBLEMS,
            413: ProblemSerializer,
        },
        description=(
            "Upload one file (multipart). Its kind is read from its content, not its name; a "
            "file over the size limit (EVIDENCE_MAX_BYTES) is refused with 413."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _validated(EvidenceUploadSerializer, request, application=self.application)
        upload = data["file"]
        evidence = services.evidence_upload(
            application=self.application,
            actor=request.user,
            upload=upload,
            name=upload.name,
            indicator=data.get("indicator"),
            question=data.get("question"),
            declared_size=upload.size,
        )
        evidence = selectors.evidence_get(application=self.application, pk=evidence.pk)
        return Response(
            EvidenceSerializer(evidence, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class EvidenceDetail(OnApplication, generics.GenericAPIView):
    """One evidence file's record; a manager removes it while the application is a draft."""

    serializer_class = EvidenceSerializer
    queryset = Evidence.objects.none()

    @extend_schema(responses={200: EvidenceSerializer, **PROBLEMS})
    def get(self, request: Request, pk: int, evidence_pk: int) -> Response:
        evidence = selectors.evidence_get(application=self.application, pk=evidence_pk)
        return Response(self.get_serializer(evidence).data)

    @extend_schema(responses={204: None, **WRITE_PROBLEMS})
    def delete(self, request: Request, pk: int, evidence_pk: int) -> Response:
        evidence = selectors.evidence_get(application=self.application, pk=evidence_pk)
        services.evidence_delete(evidence=evidence, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceFile(OnApplication, generics.GenericAPIView):
    """The file itself, as an attachment under the name it was uploaded with."""

    queryset = Evidence.objects.none()

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # The file goes out as it is, whatever the client accepts; only a refusal is rendered.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for content_type in ACCEPTED_TYPES},
            **PROBLEMS,
        },
    )
    def get(self, request: Request, pk: int, evidence_pk: int) -> FileResponse:
        evidence = selectors.evidence_get(application=self.application, pk=evidence_pk)
        return FileResponse(
            services.evidence_open(evidence=evidence, viewer=request.user),
            as_attachment=True,
            filename=evidence.original_name,
            content_type=evidence.content_type,
        )


# --- Improvement areas (SILVER) --------------------------------------------------------------


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
        data = _validated(ImprovementAreaSerializer, request)
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


# --- Assignments -----------------------------------------------------------------------------


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
        data = _validated(AssignmentCreateSerializer, request)
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
        data = _validated(AcceptSerializer, request)
        services.assignment_accept(assignment=self.assignment, actor=request.user, **data)
        return self.assignment_detail()


class AssignmentDecline(OwnAssignmentAction):
    """The expert declines, saying why; the application goes back to the secretariat."""

    serializer_class = ReasonSerializer

    @extend_schema(
        request=ReasonSerializer, responses={200: MyAssignmentSerializer, **WRITE_PROBLEMS}
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _validated(ReasonSerializer, request)
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


# --- Conflicts of interest -------------------------------------------------------------------


class ConflictSerializer(serializers.ModelSerializer):
    expert = PersonSerializer()
    organisation = OrganisationRefSerializer()

    class Meta:
        model = ConflictDeclaration
        fields = [
            "id",
            "expert",
            "organisation",
            "description",
            "declared_at",
            "declared_by",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
        ]


class ConflictDeclareSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    # Required, but the service says so, so that the API and the service never disagree.
    description = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="The nature of the tie (employment, membership, consultancy, personal).",
    )
    expert = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_expert=True),
        required=False,
        help_text="Whose tie: the caller by default; only the secretariat records another "
        "expert's.",
    )


class ConflictFilter(django_filters.FilterSet):
    in_force = django_filters.BooleanFilter(
        field_name="withdrawn_at",
        lookup_expr="isnull",
        label="Not withdrawn",
    )

    class Meta:
        model = ConflictDeclaration
        fields = ["organisation", "in_force"]


class ConflictList(ListWithFilters, Authenticated, generics.ListAPIView):
    """The caller's declared ties to organisations (every declaration for the secretariat),
    newest first; while one is in force its expert is not assigned to the organisation."""

    serializer_class = ConflictSerializer
    queryset = ConflictDeclaration.objects.none()
    filterset_class = ConflictFilter
    ordering_fields = ["declared_at", "withdrawn_at"]

    def get_queryset(self):
        return selectors.conflict_list(user=self.request.user).order_by("-declared_at", "-pk")

    @extend_schema(
        request=ConflictDeclareSerializer,
        responses={201: ConflictSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request: Request) -> Response:
        data = _validated(ConflictDeclareSerializer, request)
        declaration = services.conflict_declare(
            expert=data.pop("expert", request.user), actor=request.user, **data
        )
        return Response(ConflictSerializer(declaration).data, status=status.HTTP_201_CREATED)


class ConflictWithdraw(Authenticated, generics.GenericAPIView):
    """Withdraw a declaration recorded by mistake (the secretariat only); it stays on record
    with who withdrew it, when and why."""

    serializer_class = ReasonSerializer
    queryset = ConflictDeclaration.objects.none()

    @extend_schema(request=ReasonSerializer, responses={200: ConflictSerializer, **WRITE_PROBLEMS})
    def post(self, request: Request, pk: int) -> Response:
        declaration = selectors.conflict_get(user=request.user, pk=pk)
        data = _validated(ReasonSerializer, request)
        declaration = services.conflict_withdraw(
            declaration=declaration, actor=request.user, **data
        )
        return Response(ConflictSerializer(declaration).data)


# --- Expert scores ---------------------------------------------------------------------------


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
    value = serializers.DecimalField(**DECIMAL, allow_null=True, help_text="The validated value.")
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
        data = _validated(ScoreInputSerializer, request)
        score = services.score_save(
            assignment=assignment, indicator=indicator, actor=request.user, **data
        )
        return Response(ExpertScoreSerializer(score).data)


# --- Clarification questions -----------------------------------------------------------------


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
        data = _validated(QuestionAskSerializer, request, application=self.application)
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
        data = _validated(QuestionReplySerializer, request)
        question = services.question_answer(question=question, actor=request.user, **data)
        return Response(QuestionSerializer(question).data)


# --- Consensus -------------------------------------------------------------------------------


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
    value = serializers.DecimalField(**DECIMAL, allow_null=True, help_text="The agreed value.")
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
        data = _validated(ConsensusInputSerializer, request)
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


# --- Recommendation --------------------------------------------------------------------------


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


urlpatterns = [
    path("methodologies/", MethodologyList.as_view(), name="api_methodologies"),
    path("methodologies/<int:pk>/", MethodologyDetail.as_view(), name="api_methodology"),
    path(
        "applications/<int:pk>/self-assessment/",
        SelfAssessmentDetail.as_view(),
        name="api_self_assessment",
    ),
    path(
        "applications/<int:pk>/self-assessment/<indicator_code:indicator_code>/",
        AnswerUpdate.as_view(),
        name="api_self_assessment_answer",
    ),
    path("applications/<int:pk>/evidence/", EvidenceList.as_view(), name="api_evidence_list"),
    path(
        "applications/<int:pk>/evidence/<int:evidence_pk>/",
        EvidenceDetail.as_view(),
        name="api_evidence",
    ),
    path(
        "applications/<int:pk>/evidence/<int:evidence_pk>/file/",
        EvidenceFile.as_view(),
        name="api_evidence_file",
    ),
    path(
        "applications/<int:pk>/improvement-areas/",
        ImprovementAreaList.as_view(),
        name="api_improvement_areas",
    ),
    path(
        "applications/<int:pk>/improvement-areas/<int:area_pk>/",
        ImprovementAreaDetail.as_view(),
        name="api_improvement_area",
    ),
    path(
        "applications/<int:pk>/assignments/",
        ApplicationAssignmentList.as_view(),
        name="api_application_assignments",
    ),
    path(
        "applications/<int:pk>/assign-experts/",
        AssignExperts.as_view(),
        name="api_assign_experts",
    ),
    path("applications/<int:pk>/questions/", QuestionList.as_view(), name="api_questions"),
    path("applications/<int:pk>/consensus/", ConsensusRowList.as_view(), name="api_consensus"),
    # Before the indicator codes: "complete" is the action, never an indicator.
    path(
        "applications/<int:pk>/consensus/complete/",
        ConsensusComplete.as_view(),
        name="api_consensus_complete",
    ),
    path(
        "applications/<int:pk>/consensus/<indicator_code:indicator_code>/",
        ConsensusValueUpdate.as_view(),
        name="api_consensus_value",
    ),
    path(
        "applications/<int:pk>/recommendation/",
        RecommendationDetail.as_view(),
        name="api_recommendation",
    ),
    path("assignments/", MyAssignmentList.as_view(), name="api_assignments"),
    path("assignments/<int:pk>/", AssignmentDetail.as_view(), name="api_assignment"),
    path("assignments/<int:pk>/accept/", AssignmentAccept.as_view(), name="api_assignment_accept"),
    path(
        "assignments/<int:pk>/decline/",
        AssignmentDecline.as_view(),
        name="api_assignment_decline",
    ),
    path("assignments/<int:pk>/submit/", AssessmentSubmit.as_view(), name="api_assignment_submit"),
    path("assignments/<int:pk>/scores/", ScoreList.as_view(), name="api_scores"),
    path(
        "assignments/<int:pk>/scores/<indicator_code:indicator_code>/",
        ScoreUpdate.as_view(),
        name="api_score",
    ),
    path("questions/<int:pk>/answer/", QuestionAnswer.as_view(), name="api_question_answer"),
    path("conflicts/", ConflictList.as_view(), name="api_conflicts"),
    path("conflicts/<int:pk>/withdraw/", ConflictWithdraw.as_view(), name="api_conflict_withdraw"),
]
