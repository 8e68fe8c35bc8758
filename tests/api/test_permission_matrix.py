"""Who may call which API operation, on their own objects and on another's (issue 7, point 3).

Two organisations: A is "own" and B is "other". The manager manages A; the expert assesses A's
applications (from the expert team on: applications before it have no experts) while another
expert assesses B's; the secretariat sees both; anonymous has no credentials. Every case builds
only the objects its row needs, so that each is cheap and no case sees another's changes.

``TABLE`` has one row per operation of the schema (per action for the action endpoints), with
the status each role gets on an own and on an other object; an operation on no object (a list,
a registration) has one status per role. A test keeps the table and the live schema in step, and
the leak tests check that lists never show another organisation's data.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    ClarificationQuestion,
    MethodologyVersion,
)
from assessments.services.methodology import methodology_load
from labelling.models import (
    Application,
    Level,
    Membership,
    Organisation,
    OrganisationState,
    Outcome,
    User,
)
from labelling.models import ApplicationState as S
from reports.models import Certificate, CertificateState, Label, LabelState
from tests import factories
from tests.api.clients import token_client

PROBLEM = "application/problem+json"
ROLES = ("manager", "expert", "secretariat", "anonymous")
SIDES = ("own", "other")
NAMES = {"own": "Alpha Cluster", "other": "Beta Cluster"}
COUNTRIES = {"own": "DE", "other": "FR"}
REASON = "As discussed with the organisation."
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
#: From the expert team on, the side's expert has an assignment: invited, then accepted, then
#: with the scoring submitted. Its scores are there only where a row needs them (``SCORED``).
INVITED = {"status": AssignmentStatus.INVITED}
ACCEPTED = {"status": AssignmentStatus.ACCEPTED}
SCORED = {**ACCEPTED, "scored": True}
SUBMITTED = {**ACCEPTED, "scores_submitted_at": timezone.now()}
TEAM = {
    S.EXPERTS_ASSIGNED: INVITED,
    S.IN_ASSESSMENT: ACCEPTED,
    **dict.fromkeys(
        [
            S.CONSENSUS,
            S.QUALITY_REVIEW,
            S.DECISION_PROPOSED,
            S.DECIDED,
            S.CERTIFIED,
            S.CLOSED,
            S.APPEALED,
        ],
        SUBMITTED,
    ),
}


class World:
    """The people and organisations of both sides, each created the first time a case asks."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], Any] = {}

    def _once(self, key: tuple[str, str], make: Callable[[], Any]) -> Any:
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def organisation(self, side: str) -> Organisation:
        return self._once(
            ("organisation", side), lambda: factories.OrganisationFactory(name=NAMES[side])
        )

    def manager(self, side: str) -> User:
        def make() -> User:
            user = factories.ManagerFactory(
                email=f"manager-{side}@example.org", full_name=f"Manager of {NAMES[side]}"
            )
            Membership.objects.create(user=user, organisation=self.organisation(side))
            return user

        return self._once(("manager", side), make)

    def expert(self, side: str) -> User:
        return self._once(
            ("expert", side),
            lambda: factories.ExpertFactory(
                email=f"expert-{side}@example.org",
                full_name=f"Expert of {NAMES[side]}",
                country=COUNTRIES[side],
            ),
        )

    def secretariat(self, n: int = 1) -> User:
        return self._once(
            ("secretariat", str(n)),
            lambda: factories.SecretariatFactory(email=f"secretariat{n}@example.org"),
        )

    def user(self, role: str) -> User | None:
        people = {
            "manager": lambda: self.manager("own"),
            "expert": lambda: self.expert("own"),
            "secretariat": self.secretariat,
            "anonymous": lambda: None,
        }
        return people[role]()

    def client(self, role: str) -> APIClient:
        return token_client(self.user(role))

    def application(
        self,
        side: str,
        state: str,
        *,
        team: dict | None = None,
        self_assessed: bool = False,
        consensus: bool = False,
        **fields: Any,
    ) -> Application:
        """An application of the side's organisation in ``state``; where the state has experts,
        the side's expert is its lead (``team`` overrides the assignment's fields). Its
        self-assessment (with evidence) and consensus are there only when asked for."""
        application = factories.ApplicationFactory(
            organisation=self.organisation(side),
            created_by=self.manager(side),
            state=state,
            self_assessed=self_assessed,
            consensus=consensus,
            **fields,
        )
        team = TEAM.get(state) if team is None else team
        if team:
            factories.AssignmentFactory(
                application=application,
                expert=self.expert(side),
                assigned_by=self.secretariat(),
                **team,
            )
        return application

    def decided(self, side: str, state: str = S.DECIDED, **fields: Any) -> Application:
        """An application decided by two secretariat members other than the one acting."""
        return self.application(
            side,
            state,
            proposed_outcome=Level.BRONZE,
            proposed_by=self.secretariat(2),
            decision_confirmed_by=self.secretariat(3),
            decided_at=timezone.now(),
            **fields,
        )

    def label(self, side: str, **fields: Any) -> Label:
        """A BRONZE label of the side's organisation, assessed by the side's expert."""
        label = factories.LabelFactory(
            organisation=self.organisation(side),
            application__created_by=self.manager(side),
            **fields,
        )
        factories.AssignmentFactory(
            application=label.application,
            expert=self.expert(side),
            assigned_by=self.secretariat(),
            **SUBMITTED,
        )
        return label


@dataclass(frozen=True)
class Target:
    """What one case sends: the path's parameters and the body."""

    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    multipart: bool = False


Build = Callable[[World, str], Target]
#: A status per role: (on an own object, on an other one), or one status where there is none.
Expected = tuple[int, int] | int


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    build: Build
    expected: dict[str, Expected]
    action: str = ""

    @property
    def operation(self) -> str:
        return f"{self.method} {self.path.replace('{action}', self.action or '{action}')}"

    def url(self, target: Target) -> str:
        return self.path.format(action=self.action, **target.params)


# --- What the rows build --------------------------------------------------------------------


def nothing(world: World, side: str) -> Target:
    return Target()


def application_in(state: str, body: dict | None = None, **options: Any) -> Build:
    def build(world: World, side: str) -> Target:
        return Target({"id": world.application(side, state, **options).pk}, body)

    return build


def decided_in(state: str, body: dict | None = None, **fields: Any) -> Build:
    def build(world: World, side: str) -> Target:
        return Target({"id": world.decided(side, state, **fields).pk}, body)

    return build


def new_application(world: World, side: str) -> Target:
    return Target(body={"organisation": world.organisation(side).pk, "level": Level.GOLD})


def organisation(body: dict | None = None) -> Build:
    def build(world: World, side: str) -> Target:
        return Target({"id": world.organisation(side).pk}, body)

    return build


def unconfirmed_organisation(world: World, side: str) -> Target:
    """The side's organisation, as registered by its manager: waiting for the confirmation."""
    organisation = world.organisation(side)
    Organisation.objects.filter(pk=organisation.pk).update(state=OrganisationState.UNCONFIRMED)
    return Target({"id": organisation.pk})


def profile(name: str = "Gamma Cluster") -> dict[str, Any]:
    """Every field a client sends to register (or replace) an organisation's profile."""
    return {
        "name": name,
        "legal_name": f"{name} e.V.",
        "country": "DE",
        "website": "https://gamma.example.org",
        "founded_year": 2011,
        "members_companies": 40,
        "members_research": 8,
        "members_public": 3,
        "management_fte": "3.5",
    }


def invitation(world: World, side: str) -> Target:
    application = world.application(side, S.ACCEPTED)
    return Target(
        {"id": application.pk},
        {"expert": world.expert(side).pk, "role": AssignmentRole.LEAD},
    )


def evidence_in(state: str) -> Build:
    def build(world: World, side: str) -> Target:
        application = world.application(side, state, self_assessed=True)
        return Target({"id": application.pk, "evidence_pk": application.evidence.first().pk})

    return build


def upload(world: World, side: str) -> Target:
    application = world.application(side, S.DRAFT)
    file = SimpleUploadedFile("members.pdf", factories.PDF_BYTES)
    return Target({"id": application.pk}, {"file": file, "indicator": "STR-1"}, multipart=True)


def improvement_area_in(state: str) -> Build:
    def build(world: World, side: str) -> Target:
        application = world.application(side, state, level=Level.SILVER, self_assessed=True)
        area = application.improvement_areas.first()
        return Target({"id": application.pk, "area_pk": area.pk})

    return build


def indicator_of(state: str, body: dict, **options: Any) -> Build:
    def build(world: World, side: str) -> Target:
        application = world.application(side, state, **options)
        return Target({"id": application.pk, "indicator_code": "STR-1"}, body)

    return build


def assignment_in(state: str, body: dict | None = None, code: str = "", **options: Any) -> Build:
    """The side's expert's assignment on an application in ``state``."""

    def build(world: World, side: str) -> Target:
        assignment = world.application(side, state, **options).assignments.get()
        params = {"id": assignment.pk}
        if code:
            params["indicator_code"] = code
        return Target(params, body)

    return build


def question(world: World, side: str) -> Target:
    application = world.application(side, S.IN_ASSESSMENT)
    asked = ClarificationQuestion.objects.create(
        application=application,
        asked_by=world.expert(side),
        text="Please send the member list.",
        due_date=TOMORROW,
    )
    return Target({"id": asked.pk}, {"answer": "Attached to STR-1."})


def conflict_of_the_sides_expert(world: World, side: str) -> Target:
    """The side's expert declares a tie (the own expert their own; another expert's otherwise)."""
    return Target(
        body={
            "organisation": world.organisation("other").pk,
            "expert": world.expert(side).pk,
            "description": "Sat on its board until last year.",
        }
    )


def declared_conflict(world: World, side: str) -> Target:
    declaration = factories.ConflictDeclarationFactory(
        expert=world.expert(side), organisation=world.organisation("other")
    )
    return Target({"id": declaration.pk}, {"reason": "Recorded for the wrong cluster."})


def label(body: dict | None = None, **fields: Any) -> Build:
    def build(world: World, side: str) -> Target:
        return Target({"id": world.label(side, **fields).pk}, body)

    return build


def certificate_of(body: dict | None = None, **fields: Any) -> Build:
    def build(world: World, side: str) -> Target:
        return Target({"id": world.label(side, **fields).application_id}, body)

    return build


def rendered_certificate(world: World, side: str) -> Target:
    """A certificate whose signed files are stored (placeholders: who may download them is
    the question here; the full cycle renders real ones)."""
    label = world.label(side)
    Certificate.objects.filter(label=label).update(
        pdf=default_storage.save(f"matrix/{side}/certificate.pdf", ContentFile(b"%PDF cert")),
        report=default_storage.save(f"matrix/{side}/report.pdf", ContentFile(b"%PDF report")),
    )
    return Target({"id": label.application_id})


def certificate_number(world: World, side: str) -> Target:
    return Target({"number": world.label(side).certificate.number})


def methodology(world: World, side: str) -> Target:
    """Own: the published version; other: a draft, which only the secretariat may read."""
    published = factories.small_methodology()
    if side == "own":
        return Target({"id": published.pk})
    draft = MethodologyVersion.objects.create(code="test-next", version="2", name="Next draft")
    return Target({"id": draft.pk})


# --- The table ------------------------------------------------------------------------------

APPLICATIONS = "/api/v1/applications/{id}"
ASSIGNMENTS = "/api/v1/assignments/{id}"
ACTION = f"{APPLICATIONS}/{{action}}/"
LABEL_ACTION = "/api/v1/labels/{id}/{action}/"
#: The expected statuses of the common shapes, (own, other) per role.
ANONYMOUS = {"anonymous": (401, 401)}
READ_BY_WHO_SEES_IT = {
    "manager": (200, 404),
    "expert": (200, 404),
    "secretariat": (200, 200),
    **ANONYMOUS,
}
MANAGERS_DRAFT = {
    "manager": (200, 404),
    "expert": (404, 404),
    "secretariat": (403, 403),
    **ANONYMOUS,
}
SECRETARIATS_STEP = {
    "manager": (403, 404),
    "expert": (403, 404),
    "secretariat": (200, 200),
    **ANONYMOUS,
}
SCREENING = {**SECRETARIATS_STEP, "expert": (404, 404)}
#: An organisation's profile is its managers' and the secretariat's, not its experts'.
PROFILE = {**READ_BY_WHO_SEES_IT, "expert": (404, 404)}
LEAD_EXPERTS_STEP = {
    "manager": (403, 404),
    "expert": (200, 404),
    "secretariat": (403, 403),
    **ANONYMOUS,
}
MANAGERS_LATER_STEP = {
    "manager": (200, 404),
    "expert": (403, 404),
    "secretariat": (403, 403),
    **ANONYMOUS,
}
EXPERTS_OWN_ASSIGNMENT = {
    "manager": (404, 404),
    "expert": (200, 404),
    "secretariat": (404, 404),
    **ANONYMOUS,
}
LIST = {"manager": 200, "expert": 200, "secretariat": 200, "anonymous": 401}
PUBLIC = {"manager": 200, "expert": 200, "secretariat": 200, "anonymous": 200}
#: The secretariat's exports: refused to anyone else, whatever they can see.
EXPORTS = {"manager": 403, "expert": 403, "secretariat": 200, "anonymous": 401}


def succeeding_with(success: int, expected: dict[str, tuple[int, int]]) -> dict[str, Expected]:
    """``expected`` with ``success`` where it says 200, e.g. 201 for what creates something."""
    return {
        role: (*(success if status == 200 else status for status in pair),)
        for role, pair in expected.items()
    }


def action(name: str, build: Build, expected: dict[str, Expected]) -> Row:
    return Row("POST", ACTION, build, expected, action=name)


WITH_REASON = {"reason": REASON}
TABLE = [
    # Organisations.
    Row("GET", "/api/v1/organisations/", nothing, LIST),
    Row(
        "POST",
        "/api/v1/organisations/",
        lambda world, side: Target(body=profile()),
        {"manager": 201, "expert": 403, "secretariat": 201, "anonymous": 401},
    ),
    Row("GET", "/api/v1/organisations/{id}/", organisation(), PROFILE),
    Row("PUT", "/api/v1/organisations/{id}/", organisation(profile("Renamed Cluster")), PROFILE),
    Row(
        "PATCH",
        "/api/v1/organisations/{id}/",
        organisation({"website": "https://renamed.example.org"}),
        PROFILE,
    ),
    Row(
        "POST",
        "/api/v1/organisations/{id}/confirm/",
        unconfirmed_organisation,
        {**PROFILE, "manager": (403, 404)},
    ),
    # Applications: an organisation the caller may not see is no valid choice (400).
    Row("GET", "/api/v1/applications/", nothing, LIST),
    Row(
        "POST",
        "/api/v1/applications/",
        new_application,
        {
            "manager": (201, 400),
            "expert": (400, 400),
            "secretariat": (403, 403),
            **ANONYMOUS,
        },
    ),
    Row("GET", f"{APPLICATIONS}/", application_in(S.IN_ASSESSMENT), READ_BY_WHO_SEES_IT),
    # Each action, in a state that allows it, with what it needs.
    action("submit", application_in(S.DRAFT, self_assessed=True), MANAGERS_DRAFT),
    action("return_for_completion", application_in(S.SUBMITTED, WITH_REASON), SCREENING),
    action("reject", application_in(S.SUBMITTED, WITH_REASON), SCREENING),
    action("accept", application_in(S.SUBMITTED), SCREENING),
    action("withdraw", application_in(S.IN_ASSESSMENT, WITH_REASON), MANAGERS_LATER_STEP),
    action(
        "send_back_to_experts", application_in(S.QUALITY_REVIEW, WITH_REASON), SECRETARIATS_STEP
    ),
    action(
        "propose_decision",
        # The rules decide again on the consensus: BRONZE at the thresholds.
        application_in(S.QUALITY_REVIEW, {"outcome": Outcome.BRONZE}, consensus=True),
        SECRETARIATS_STEP,
    ),
    action("confirm_decision", decided_in(S.DECISION_PROPOSED, consensus=True), SECRETARIATS_STEP),
    action("reject_proposal", decided_in(S.DECISION_PROPOSED, WITH_REASON), SECRETARIATS_STEP),
    action("certify", decided_in(S.DECIDED, decided_outcome=Outcome.BRONZE), SECRETARIATS_STEP),
    action("close", decided_in(S.DECIDED, decided_outcome=Outcome.NONE), SECRETARIATS_STEP),
    action(
        "appeal",
        decided_in(S.DECIDED, WITH_REASON, decided_outcome=Outcome.BRONZE),
        MANAGERS_LATER_STEP,
    ),
    action(
        "uphold_appeal",
        decided_in(S.APPEALED, WITH_REASON, state_before_appeal=S.DECIDED),
        SECRETARIATS_STEP,
    ),
    action(
        "dismiss_appeal",
        decided_in(S.APPEALED, WITH_REASON, state_before_appeal=S.DECIDED),
        SECRETARIATS_STEP,
    ),
    # The expert team.
    Row(
        "GET",
        f"{APPLICATIONS}/assignments/",
        application_in(S.IN_ASSESSMENT),
        READ_BY_WHO_SEES_IT,
    ),
    Row("POST", f"{APPLICATIONS}/assignments/", invitation, succeeding_with(201, SCREENING)),
    Row(
        "POST",
        f"{APPLICATIONS}/assign-experts/",
        application_in(S.ACCEPTED, team=INVITED),
        SECRETARIATS_STEP,
    ),
    Row("GET", "/api/v1/assignments/", nothing, LIST),
    Row(
        "GET",
        f"{ASSIGNMENTS}/",
        assignment_in(S.IN_ASSESSMENT),
        {**EXPERTS_OWN_ASSIGNMENT, "secretariat": (200, 200)},
    ),
    Row(
        "POST",
        f"{ASSIGNMENTS}/accept/",
        assignment_in(S.EXPERTS_ASSIGNED, {"no_conflict_declared": True}),
        EXPERTS_OWN_ASSIGNMENT,
    ),
    Row(
        "POST",
        f"{ASSIGNMENTS}/decline/",
        assignment_in(S.EXPERTS_ASSIGNED, {"reason": "On leave that month."}),
        EXPERTS_OWN_ASSIGNMENT,
    ),
    # Blind scoring: only the expert writes; the manager reads no score.
    Row(
        "GET",
        f"{ASSIGNMENTS}/scores/",
        assignment_in(S.IN_ASSESSMENT, team=SCORED),
        {**READ_BY_WHO_SEES_IT, "manager": (403, 404)},
    ),
    Row(
        "PUT",
        f"{ASSIGNMENTS}/scores/{{indicator_code}}/",
        assignment_in(S.IN_ASSESSMENT, {"value": "15", "justification": "Counted."}, "STR-1"),
        EXPERTS_OWN_ASSIGNMENT,
    ),
    Row(
        "POST",
        f"{ASSIGNMENTS}/submit/",
        assignment_in(S.IN_ASSESSMENT, team=SCORED),
        EXPERTS_OWN_ASSIGNMENT,
    ),
    # Conflicts of interest: own is the expert's own tie, other another expert's.
    Row("GET", "/api/v1/conflicts/", nothing, LIST),
    Row(
        "POST",
        "/api/v1/conflicts/",
        conflict_of_the_sides_expert,
        {
            "manager": (403, 403),
            "expert": (201, 403),
            "secretariat": (201, 201),
            **ANONYMOUS,
        },
    ),
    Row(
        "POST",
        "/api/v1/conflicts/{id}/withdraw/",
        declared_conflict,
        {
            "manager": (404, 404),
            # An expert withdraws a declaration they made themselves (by mistake).
            "expert": (200, 404),
            "secretariat": (200, 200),
            **ANONYMOUS,
        },
    ),
    # Self-assessment, evidence and improvement areas: the manager's, while a draft.
    Row(
        "GET",
        f"{APPLICATIONS}/self-assessment/",
        application_in(S.IN_ASSESSMENT, self_assessed=True),
        READ_BY_WHO_SEES_IT,
    ),
    Row(
        "PUT",
        f"{APPLICATIONS}/self-assessment/{{indicator_code}}/",
        indicator_of(S.DRAFT, {"value": "20", "comment": "Counted again."}),
        MANAGERS_DRAFT,
    ),
    Row("GET", f"{APPLICATIONS}/evidence/", application_in(S.IN_ASSESSMENT), READ_BY_WHO_SEES_IT),
    Row("POST", f"{APPLICATIONS}/evidence/", upload, succeeding_with(201, MANAGERS_DRAFT)),
    Row(
        "GET",
        f"{APPLICATIONS}/evidence/{{evidence_pk}}/",
        evidence_in(S.IN_ASSESSMENT),
        READ_BY_WHO_SEES_IT,
    ),
    Row(
        "DELETE",
        f"{APPLICATIONS}/evidence/{{evidence_pk}}/",
        evidence_in(S.DRAFT),
        succeeding_with(204, MANAGERS_DRAFT),
    ),
    Row(
        "GET",
        f"{APPLICATIONS}/evidence/{{evidence_pk}}/file/",
        evidence_in(S.IN_ASSESSMENT),
        READ_BY_WHO_SEES_IT,
    ),
    Row(
        "GET",
        f"{APPLICATIONS}/improvement-areas/",
        application_in(S.IN_ASSESSMENT, level=Level.SILVER),
        READ_BY_WHO_SEES_IT,
    ),
    Row(
        "POST",
        f"{APPLICATIONS}/improvement-areas/",
        application_in(
            S.DRAFT,
            {"title": "Shared lab", "description": "Opened a lab", "effect": "12 projects"},
            level=Level.SILVER,
        ),
        succeeding_with(201, MANAGERS_DRAFT),
    ),
    Row(
        "GET",
        f"{APPLICATIONS}/improvement-areas/{{area_pk}}/",
        improvement_area_in(S.IN_ASSESSMENT),
        READ_BY_WHO_SEES_IT,
    ),
    Row(
        "DELETE",
        f"{APPLICATIONS}/improvement-areas/{{area_pk}}/",
        improvement_area_in(S.DRAFT),
        succeeding_with(204, MANAGERS_DRAFT),
    ),
    # Clarification questions: the experts ask, the managers answer.
    Row("GET", f"{APPLICATIONS}/questions/", application_in(S.IN_ASSESSMENT), READ_BY_WHO_SEES_IT),
    Row(
        "POST",
        f"{APPLICATIONS}/questions/",
        application_in(
            S.IN_ASSESSMENT, {"text": "Please send the list.", "due_date": TOMORROW.isoformat()}
        ),
        succeeding_with(201, LEAD_EXPERTS_STEP),
    ),
    Row("POST", "/api/v1/questions/{id}/answer/", question, MANAGERS_LATER_STEP),
    # Consensus and the rules' recommendation: the experts' and the secretariat's.
    Row(
        "GET",
        f"{APPLICATIONS}/consensus/",
        application_in(S.CONSENSUS),
        {**READ_BY_WHO_SEES_IT, "manager": (403, 404)},
    ),
    Row(
        "PUT",
        f"{APPLICATIONS}/consensus/{{indicator_code}}/",
        indicator_of(S.CONSENSUS, {"value": "40", "note": "Agreed on the register."}),
        LEAD_EXPERTS_STEP,
    ),
    Row(
        "POST",
        f"{APPLICATIONS}/consensus/complete/",
        application_in(S.CONSENSUS, consensus=True),
        LEAD_EXPERTS_STEP,
    ),
    Row(
        "GET",
        f"{APPLICATIONS}/recommendation/",
        application_in(S.QUALITY_REVIEW),
        {**READ_BY_WHO_SEES_IT, "manager": (403, 404)},
    ),
    # Certificates and labels.
    Row("GET", f"{APPLICATIONS}/certificate/", certificate_of(), READ_BY_WHO_SEES_IT),
    Row("GET", f"{APPLICATIONS}/certificate.pdf", rendered_certificate, READ_BY_WHO_SEES_IT),
    Row("GET", f"{APPLICATIONS}/report.pdf", rendered_certificate, READ_BY_WHO_SEES_IT),
    # Exports: the secretariat's, but the public registry.
    Row(
        "GET",
        f"{APPLICATIONS}/audit/",
        application_in(S.IN_ASSESSMENT),
        {
            "manager": (403, 403),
            "expert": (403, 403),
            "secretariat": (200, 200),
            **ANONYMOUS,
        },
    ),
    Row("GET", "/api/v1/exports/applications/", nothing, EXPORTS),
    Row("GET", "/api/v1/exports/workload/", nothing, EXPORTS),
    Row("GET", "/api/v1/public/registry/export/", nothing, PUBLIC),
    Row(
        "POST",
        f"{APPLICATIONS}/certificate/retry/",
        certificate_of(certificate__state=CertificateState.FAILED),
        SECRETARIATS_STEP,
    ),
    Row(
        "POST",
        f"{APPLICATIONS}/certificate/rerender/",
        certificate_of(WITH_REASON, certificate__state=CertificateState.DONE),
        SECRETARIATS_STEP,
    ),
    Row("GET", "/api/v1/labels/", nothing, LIST),
    Row("GET", "/api/v1/labels/{id}/", label(), READ_BY_WHO_SEES_IT),
    *[
        Row("POST", LABEL_ACTION, label(WITH_REASON, state=before), SECRETARIATS_STEP, name)
        for name, before in [
            ("suspend", LabelState.ACTIVE),
            ("reinstate", LabelState.SUSPENDED),
            ("revoke", LabelState.ACTIVE),
        ]
    ],
    # The methodology: own is the published version, other a draft.
    Row("GET", "/api/v1/methodologies/", nothing, LIST),
    Row("GET", "/api/v1/methodologies/{id}/", methodology, READ_BY_WHO_SEES_IT),
    # Public: the registry and the verification, for everyone.
    Row("GET", "/api/v1/public/labels/", nothing, PUBLIC),
    Row(
        "GET",
        "/api/v1/public/verify/{number}/",
        certificate_number,
        dict.fromkeys(ROLES, (200, 200)),
    ),
]


def _cases() -> list:
    cases = []
    for row in TABLE:
        for role in ROLES:
            expected = row.expected[role]
            if isinstance(expected, int):
                cases.append(pytest.param(row, role, None, id=f"{row.operation} {role}"))
                continue
            for side in SIDES:
                cases.append(pytest.param(row, role, side, id=f"{row.operation} {role} {side}"))
    return cases


@pytest.fixture(scope="session")
def small_methodology_json(tmp_path_factory) -> Path:
    """The small test methodology as JSON: the same data, without YAML's parser, which takes
    longer than all the rest of a case."""
    path = tmp_path_factory.mktemp("methodology") / "methodology-small.json"
    path.write_text(json.dumps(yaml.safe_load(factories.SMALL_METHODOLOGY.read_bytes())))
    return path


@pytest.fixture
def world(db, no_rendering, small_methodology_json) -> World:
    # Loaded under the small methodology's code and version, so the factories find it.
    methodology_load(path=small_methodology_json)
    return World()


def _call(client: APIClient, row: Row, target: Target):
    send = getattr(client, row.method.lower())
    if target.body is None:
        return send(row.url(target))
    return send(row.url(target), target.body, format="multipart" if target.multipart else "json")


@pytest.mark.parametrize(("row", "role", "side"), _cases())
def test_role_gets_the_expected_status(world, row, role, side):
    target = row.build(world, side or "own")
    expected = row.expected[role]
    if side is not None:
        expected = expected[SIDES.index(side)]

    response = _call(world.client(role), row, target)

    assert response.status_code == expected, response.content[:500]
    if expected >= 400:
        assert response["Content-Type"] == PROBLEM


# --- The table covers the schema ------------------------------------------------------------


def _schema_operations(client: APIClient) -> set[str]:
    """Every operation of the live schema; the action endpoints once per action."""
    schema = client.get(reverse("api_schema"), {"format": "json"}).json()
    operations = set()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            actions = [
                parameter["schema"]["enum"]
                for parameter in operation.get("parameters", [])
                if parameter["name"] == "action"
            ]
            for name in actions[0] if actions else [""]:
                operations.add(f"{method.upper()} {path.replace('{action}', name or '{action}')}")
    return operations


def test_every_schema_operation_has_exactly_one_row(db):
    in_schema = _schema_operations(APIClient())

    assert sorted(row.operation for row in TABLE) == sorted(in_schema)


def test_every_row_says_what_each_role_gets():
    assert [row.operation for row in TABLE if set(row.expected) != set(ROLES)] == []


# --- Lists never show another organisation's data -------------------------------------------


@dataclass(frozen=True)
class Traces:
    """What of organisation A a list could show: its ids by kind, and the ids a filter names."""

    ids: dict[str, set[int]]
    organisation: int
    assessed_application: int


@pytest.fixture
def organisation_a(world) -> Traces:
    """Organisation A at several stages, with its expert's assignments, a question, a conflict
    declaration and a label."""
    assessed = world.application("own", S.IN_ASSESSMENT)
    label = world.label("own")
    applications = [world.application("own", S.DRAFT), assessed, label.application]
    ClarificationQuestion.objects.create(
        application=assessed,
        asked_by=world.expert("own"),
        text="Please send the member list.",
        due_date=TOMORROW,
    )
    conflict = factories.ConflictDeclarationFactory(
        expert=world.expert("own"), organisation=world.organisation("own")
    )
    return Traces(
        ids={
            "organisations": {world.organisation("own").pk},
            "applications": {application.pk for application in applications},
            "assignments": {a.pk for a in world.expert("own").assignments.all()},
            "labels": {label.pk},
            "conflicts": {conflict.pk},
        },
        organisation=world.organisation("own").pk,
        assessed_application=assessed.pk,
    )


@pytest.fixture
def outsiders(world) -> dict[str, User]:
    """Manager B and B's expert, each with something of their own to list."""
    world.application("other", S.IN_ASSESSMENT)
    world.label("other")
    factories.ConflictDeclarationFactory(
        expert=world.expert("other"), organisation=world.organisation("other")
    )
    return {"manager B": world.manager("other"), "expert B": world.expert("other")}


#: Each list, with the filters that could name A's objects, and the kind of id it lists.
LISTS = [
    ("api_organisations", {}, "organisations"),
    ("api_organisations", {"search": "Alpha"}, "organisations"),
    ("api_applications", {}, "applications"),
    ("api_applications", {"organisation": "{organisation}"}, "applications"),
    ("api_assignments", {}, "assignments"),
    ("api_assignments", {"application": "{application}"}, "assignments"),
    ("api_conflicts", {}, "conflicts"),
    ("api_conflicts", {"organisation": "{organisation}"}, "conflicts"),
    ("api_labels", {}, "labels"),
    ("api_labels", {"q": "Alpha"}, "labels"),
]


@pytest.mark.parametrize("viewer", ["manager B", "expert B"])
@pytest.mark.parametrize(
    ("url_name", "params", "kind"),
    LISTS,
    ids=[f"{name}-{'-'.join(params) or 'all'}" for name, params, _kind in LISTS],
)
def test_lists_show_nothing_of_another_organisation(
    world, organisation_a, outsiders, viewer, url_name, params, kind
):
    filters = {
        "organisation": organisation_a.organisation,
        "application": organisation_a.assessed_application,
    }
    query = {name: value.format(**filters) for name, value in params.items()}
    response = token_client(outsiders[viewer]).get(reverse(url_name), query)

    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    assert listed.isdisjoint(organisation_a.ids[kind])
    text = response.content.decode()
    for trace in (NAMES["own"], world.manager("own").email, world.expert("own").email):
        assert trace not in text


@pytest.mark.parametrize(
    ("url_name", "child"),
    [("api_evidence", "evidence"), ("api_improvement_area", "improvement_areas")],
    ids=["evidence", "improvement-area"],
)
def test_a_part_of_one_application_is_not_found_under_another(world, url_name, child):
    """Even for the secretariat, who may see both applications."""
    first = world.application("own", S.DRAFT, level=Level.SILVER, self_assessed=True)
    second = world.application("other", S.DRAFT, level=Level.SILVER, self_assessed=True)
    part = getattr(second, child).first()

    response = world.client("secretariat").get(reverse(url_name, args=[first.pk, part.pk]))

    assert response.status_code == 404
