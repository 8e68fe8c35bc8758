"""One full GOLD labelling cycle through the API only (issue 7, acceptance point 1).

The people are set up with factories and each gets a personal token; from the organisation's
registration to the verified certificate, everything else is an HTTP request with that person's
``Authorization: Bearer`` key: no ``force_authenticate``, no service call.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from labelling.models import ApplicationState as S
from labelling.models import Level, User
from reports.demo import evidence_pdf
from reports.models import CertificateState
from tests import factories
from tests.api.clients import token_client

ORGANISATION = "Photonics Cluster Jena"
#: The second expert reads STR-2 lower than the self-assessment; the lead settles it.
DIFFERING = "STR-2"
SECOND_READING = "45.00"


@pytest.fixture
def people(db) -> dict[str, User]:
    """Everyone the cycle needs; the two experts are from different countries (GOLD)."""
    return {
        "manager": factories.ManagerFactory(email="manager@jena.example.org"),
        "lead": factories.ExpertFactory(email="lead@experts.example.org", country="DE"),
        "second": factories.ExpertFactory(email="second@experts.example.org", country="FR"),
        "secretariat": factories.SecretariatFactory(email="one@secretariat.example.org"),
        "second_secretariat": factories.SecretariatFactory(email="two@secretariat.example.org"),
    }


@pytest.fixture
def clients(people) -> dict[str, APIClient]:
    """One client per person, each sending that person's own token."""
    factories.small_methodology()
    return {role: token_client(user) for role, user in people.items()}


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def _post(client: APIClient, url: str, body: dict | None = None, status: int = 200) -> dict:
    return _ok(client.post(url, body or {}, format="json"), status)


def _put(client: APIClient, url: str, body: dict) -> dict:
    return _ok(client.put(url, body, format="json"))


def _action(client: APIClient, application_id: int, action: str, **body: str) -> dict:
    return _post(client, reverse("api_application_action", args=[application_id, action]), body)


def _register_and_apply(manager: APIClient, secretariat: APIClient) -> int:
    """The manager registers the organisation, the secretariat confirms it (without that it
    could not submit), and the manager opens a GOLD application."""
    organisation = _post(
        manager,
        reverse("api_organisations"),
        {
            "name": ORGANISATION,
            "legal_name": f"{ORGANISATION} e.V.",
            "country": "DE",
            "website": "https://photonics-jena.example.org",
            "founded_year": 2009,
            "members_companies": 60,
            "members_research": 12,
            "members_public": 4,
            "management_fte": "4.0",
        },
        status=201,
    )
    assert organisation["state"] == "unconfirmed"
    confirmed = _post(secretariat, reverse("api_organisation_confirm", args=[organisation["id"]]))
    assert confirmed["state"] == "confirmed"
    application = _post(
        manager,
        reverse("api_applications"),
        {"organisation": organisation["id"], "level": Level.GOLD},
        status=201,
    )
    assert application["state"] == S.DRAFT
    return application["id"]


def _top_values(manager: APIClient, application_id: int) -> dict[str, dict]:
    """The GOLD indicators as the methodology describes them, each with its top band's value:
    what a manager aiming for GOLD reads before filling in the self-assessment."""
    application = _ok(manager.get(reverse("api_application", args=[application_id])))
    methodology = _ok(
        manager.get(reverse("api_methodology", args=[application["methodology"]["id"]]))
    )
    assessed = _ok(manager.get(reverse("api_self_assessment", args=[application_id])))["answers"]
    codes = {row["indicator"]["code"] for row in assessed}
    indicators = [
        indicator
        for dimension in methodology["dimensions"]
        for indicator in dimension["indicators"]
        if indicator["code"] in codes
    ]
    assert {indicator["code"] for indicator in indicators} == codes
    return {
        indicator["code"]: {
            "value": indicator["bands"][-1]["from"],
            "needs_evidence": bool(indicator["evidence_required"]),
        }
        for indicator in indicators
    }


def _self_assess(manager: APIClient, application_id: int, indicators: dict[str, dict]) -> None:
    for code, indicator in indicators.items():
        _put(
            manager,
            reverse("api_self_assessment_answer", args=[application_id, code]),
            {"value": indicator["value"], "comment": f"Reported for {code}."},
        )
        if indicator["needs_evidence"]:
            upload = SimpleUploadedFile(
                f"{code}.pdf", evidence_pdf(), content_type="application/pdf"
            )
            response = manager.post(
                reverse("api_evidence_list", args=[application_id]),
                {"file": upload, "indicator": code},
                format="multipart",
            )
            assert _ok(response, 201)["content_type"] == "application/pdf"
    progress = _ok(manager.get(reverse("api_self_assessment", args=[application_id])))
    assert progress["gaps"] == []


def _assign_team(secretariat: APIClient, application_id: int, people: dict[str, User]) -> None:
    url = reverse("api_application_assignments", args=[application_id])
    for role, expert in (("lead", people["lead"]), ("second", people["second"])):
        assignment = _post(secretariat, url, {"expert": expert.pk, "role": role}, status=201)
        assert assignment["status"] == "invited"
    team = _post(secretariat, reverse("api_assign_experts", args=[application_id]))
    assert team["state"] == S.EXPERTS_ASSIGNED


def _my_assignment(expert: APIClient, application_id: int) -> int:
    listed = _ok(expert.get(reverse("api_assignments"), {"application": application_id}))
    (assignment,) = listed["results"]
    return assignment["id"]


def _score(expert: APIClient, application_id: int, assignment_id: int, differ: bool) -> None:
    """Validate every self-assessed value; with ``differ``, read one indicator lower."""
    claimed = _ok(expert.get(reverse("api_self_assessment", args=[application_id])))["answers"]
    for row in claimed:
        code = row["indicator"]["code"]
        body = {"value": row["value"]}
        if differ and code == DIFFERING:
            body = {"value": SECOND_READING, "justification": "Two members are large firms."}
        _put(expert, reverse("api_score", args=[assignment_id, code]), body)
    _post(expert, reverse("api_assignment_submit", args=[assignment_id]))


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_one_gold_cycle_runs_through_the_api_from_registration_to_verified_certificate(
    clients, people, django_capture_on_commit_callbacks
):
    manager, secretariat = clients["manager"], clients["secretariat"]
    lead, second = clients["lead"], clients["second"]

    # The manager registers the organisation, which the secretariat confirms; the manager
    # applies for GOLD, self-assesses and submits.
    application_id = _register_and_apply(manager, secretariat)
    indicators = _top_values(manager, application_id)
    _self_assess(manager, application_id, indicators)
    assert _action(manager, application_id, "submit")["state"] == S.SUBMITTED

    # The secretariat screens it and puts the two-country team together.
    assert _action(secretariat, application_id, "accept")["state"] == S.ACCEPTED
    _assign_team(secretariat, application_id, people)

    # Each expert declares no conflict and accepts; the second acceptance starts the assessment.
    assignments = {}
    for role in ("lead", "second"):
        assignments[role] = _my_assignment(clients[role], application_id)
        accepted = _post(
            clients[role],
            reverse("api_assignment_accept", args=[assignments[role]]),
            {"no_conflict_declared": True},
        )
        assert accepted["no_conflict_declared_at"] is not None
    assert _ok(manager.get(reverse("api_application", args=[application_id])))["state"] == (
        S.IN_ASSESSMENT
    )

    # Blind scoring: the experts agree everywhere but on one indicator.
    _score(lead, application_id, assignments["lead"], differ=False)
    _score(second, application_id, assignments["second"], differ=True)

    # The lead expert settles the difference and completes the consensus.
    rows = _ok(lead.get(reverse("api_consensus", args=[application_id])))["results"]
    differing = [row["indicator"]["code"] for row in rows if row["experts_differ"]]
    assert differing == [DIFFERING]
    _put(
        lead,
        reverse("api_consensus_value", args=[application_id, DIFFERING]),
        {"value": indicators[DIFFERING]["value"], "note": "The register counts the SMEs."},
    )
    completed = _post(lead, reverse("api_consensus_complete", args=[application_id]))
    assert completed["state"] == S.QUALITY_REVIEW

    # Four eyes: one secretariat member proposes what the rules recommend, another confirms.
    recommendation = _ok(secretariat.get(reverse("api_recommendation", args=[application_id])))
    assert recommendation["outcome"] == Level.GOLD
    proposed = _action(secretariat, application_id, "propose_decision", outcome=Level.GOLD)
    assert proposed["state"] == S.DECISION_PROPOSED
    decided = _action(clients["second_secretariat"], application_id, "confirm_decision")
    assert (decided["state"], decided["decided_outcome"]) == (S.DECIDED, Level.GOLD)

    # Issuing renders and signs the documents once the transaction has committed.
    with django_capture_on_commit_callbacks(execute=True):
        certified = _action(secretariat, application_id, "certify")
    assert certified["state"] == S.CERTIFIED

    # The manager reads the certificate and downloads the signed PDF.
    certificate = _ok(manager.get(reverse("api_certificate", args=[application_id])))
    number = certificate["number"]
    assert certificate["state"] == CertificateState.DONE
    response = manager.get(
        reverse("api_certificate_pdf", args=[application_id]), HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    text = _pdf_text(b"".join(response.streaming_content))
    assert ORGANISATION in text
    assert number in text

    # Anyone verifies the number and finds the label in the public registry.
    public = APIClient()
    verified = _ok(public.get(reverse("api_public_verify", args=[number])))
    assert (verified["status"], verified["level"]) == ("valid", Level.GOLD)
    assert verified["organisation"]["name"] == ORGANISATION
    registry = _ok(public.get(reverse("api_public_labels")))["results"]
    assert number in [label["certificate_number"] for label in registry]

    # The application's history lists every step with who took it.
    history = _ok(manager.get(reverse("api_application", args=[application_id])))["history"]
    assert [(change["transition"], change["actor"]) for change in history] == [
        ("create", people["manager"].email),
        ("submit", people["manager"].email),
        ("accept", people["secretariat"].email),
        ("assign_experts", people["secretariat"].email),
        ("start_assessment", people["second"].email),
        ("begin_consensus", people["second"].email),
        ("complete_consensus", people["lead"].email),
        ("propose_decision", people["secretariat"].email),
        ("confirm_decision", people["second_secretariat"].email),
        ("certify", people["secretariat"].email),
    ]
