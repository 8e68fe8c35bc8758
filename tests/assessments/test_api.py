"""The assessment API: each endpoint's happy path and its main refusal (scoped to the caller,
the services' 403/409, bad input as 400 naming the field, the 413), and lists whose number of
queries does not grow with their rows."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments import services
from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    ClarificationQuestion,
    ConflictDeclaration,
    ConsensusValue,
    Evidence,
    ExpertScore,
    ImprovementArea,
    MethodologyVersion,
    SelfAssessmentAnswer,
)
from assessments.services.methodology import methodology_load
from labelling import services as labelling_services
from labelling.models import Application, Level
from labelling.models import ApplicationState as S
from tests import factories

PROBLEM = "application/problem+json"
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
#: The second expert's reading of STR-2: what the blind rule hides from the lead expert.
SECOND_VALUE = "43.21"


@pytest.fixture
def api():
    return APIClient()


def _as(api: APIClient, user) -> APIClient:
    api.force_authenticate(user)
    return api


def _application(organisation, manager, **kwargs) -> Application:
    return factories.ApplicationFactory(organisation=organisation, created_by=manager, **kwargs)


@pytest.fixture
def submitted(organisation, manager):
    return _application(organisation, manager, state=S.SUBMITTED)


@pytest.fixture
def accepted(organisation, manager):
    return _application(organisation, manager, state=S.ACCEPTED)


@pytest.fixture
def invitation(organisation, manager, lead_expert):
    """The lead expert's open invitation to an application whose team is confirmed."""
    application = _application(organisation, manager, state=S.EXPERTS_ASSIGNED)
    return factories.AssignmentFactory(application=application, expert=lead_expert)


@pytest.fixture
def gold(organisation, manager):
    """A GOLD application in assessment (GOLD set: STR-1, STR-2, GOV-1, GOV-2)."""
    return _application(organisation, manager, level=Level.GOLD, state=S.IN_ASSESSMENT)


@pytest.fixture
def team(gold, lead_expert, second_expert):
    """Both experts have scored every indicator; the second differs on STR-2."""
    lead = factories.AssignmentFactory(
        application=gold, expert=lead_expert, status=AssignmentStatus.ACCEPTED, scored=True
    )
    second = factories.AssignmentFactory(
        application=gold,
        expert=second_expert,
        role=AssignmentRole.SECOND,
        status=AssignmentStatus.ACCEPTED,
        scored=True,
        scored__values={"STR-2": SECOND_VALUE},
    )
    return lead, second


@pytest.fixture
def in_consensus(gold, team, lead_expert, second_expert):
    """Both scorings submitted: in consensus, the agreed values prefilled (all but STR-2)."""
    lead, second = team
    services.assessment_submit(assignment=lead, actor=lead_expert)
    services.assessment_submit(assignment=second, actor=second_expert)
    gold.refresh_from_db()
    return gold


@pytest.fixture
def question(gold, team, lead_expert):
    return services.question_ask(
        application=gold, actor=lead_expert, text="Please send the member list.", due_date=TOMORROW
    )


def _errors(response) -> list[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    return list(response.json()["errors"])


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Authentication ----------------------------------------------------------------------------


def test_token_authenticates_on_the_assessment_api(api, manager, application):
    _token, key = labelling_services.api_token_create(user=manager, name="CRM sync")

    response = api.get(
        reverse("api_self_assessment", args=[application.pk]), HTTP_AUTHORIZATION=f"Bearer {key}"
    )

    assert response.status_code == 200
    assert response.json()["editable"] is True


@pytest.mark.parametrize(
    "url_name", ["api_methodologies", "api_assignments", "api_conflicts"], ids=str
)
def test_request_without_credentials_is_refused_with_401_problem(api, db, url_name):
    response = api.get(reverse(url_name))

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


# --- Methodology -------------------------------------------------------------------------------


@pytest.fixture
def draft_methodology(db):
    factories.small_methodology()
    return MethodologyVersion.objects.create(code="test-next", version="2", name="Next draft")


def test_methodology_list_shows_the_published_versions_only(api, manager, draft_methodology):
    listed = _ids(_as(api, manager).get(reverse("api_methodologies")))

    assert listed == [factories.small_methodology().pk]


def test_methodology_list_shows_drafts_to_the_secretariat(api, secretariat, draft_methodology):
    listed = _ids(_as(api, secretariat).get(reverse("api_methodologies")))

    assert set(listed) == {factories.small_methodology().pk, draft_methodology.pk}


def test_methodology_detail_gives_dimensions_with_their_indicators_and_bands(api, manager):
    methodology = factories.small_methodology()

    body = _as(api, manager).get(reverse("api_methodology", args=[methodology.pk])).json()

    assert [d["code"] for d in body["dimensions"]] == ["STR", "GOV"]
    str_1 = body["dimensions"][0]["indicators"][0]
    assert str_1["code"] == "STR-1"
    assert str_1["bands"][1] == {"from": "15.00", "light": "yellow", "points": 1}


def test_draft_methodology_is_not_found_for_a_manager(api, manager, draft_methodology):
    response = _as(api, manager).get(reverse("api_methodology", args=[draft_methodology.pk]))

    assert response.status_code == 404


# --- Self-assessment ---------------------------------------------------------------------------


def test_self_assessment_gives_every_assessed_indicator_with_progress_and_gaps(
    api, organisation, manager
):
    application = _application(organisation, manager, self_assessed=False)

    body = _as(api, manager).get(reverse("api_self_assessment", args=[application.pk])).json()

    assert [row["indicator"]["code"] for row in body["answers"]] == [
        "STR-1",
        "STR-2",
        "GOV-1",
        "GOV-2",
        "GOV-3",
    ]
    assert body["answers"][0]["value"] is None
    assert [
        (p["code"], p["answered"], p["total"], p["evidence_missing"], p["to_confirm"])
        for p in body["progress"]
    ] == [("STR", 0, 2, 1, 0), ("GOV", 0, 3, 1, 0)]
    assert "STR-1 Committed members: no value yet." in body["gaps"]


def test_self_assessment_of_another_organisation_is_not_found(api, other_manager, application):
    response = _as(api, other_manager).get(reverse("api_self_assessment", args=[application.pk]))

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def _answer_url(application: Application, code: str) -> str:
    return reverse("api_self_assessment_answer", args=[application.pk, code])


def test_answer_put_saves_the_value_with_its_light_and_points(api, manager, application):
    response = _as(api, manager).put(
        _answer_url(application, "STR-1"), {"value": "60", "comment": "Signed"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["value"], body["light"], body["points"]) == ("60.00", "green", 2)
    answer = SelfAssessmentAnswer.objects.get(application=application, indicator__code="STR-1")
    assert (str(answer.value), answer.comment, answer.updated_by) == ("60.00", "Signed", manager)


def test_answer_put_out_of_the_value_range_answers_400_with_errors_value(api, manager, application):
    response = _as(api, manager).put(
        _answer_url(application, "STR-2"), {"value": "150"}, format="json"
    )

    assert _errors(response) == ["value"]


def test_answer_put_of_a_json_number_too_large_for_a_float_answers_400_naming_the_field(
    api, manager, application
):
    response = _as(api, manager).put(
        _answer_url(application, "STR-1"),
        '{"value": 1, "comment": 1E+400}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"comment": ["The number is too large."]}


def test_answer_put_above_every_value_types_range_is_refused_by_the_serializer(
    api, manager, application
):
    response = _as(api, manager).put(
        _answer_url(application, "STR-1"), {"value": "1000000000.01"}, format="json"
    )

    assert response.json()["errors"] == {
        "value": ["Ensure this value is less than or equal to 1000000000."]
    }


def test_answer_put_after_submission_is_forbidden(api, manager, submitted):
    response = _as(api, manager).put(_answer_url(submitted, "STR-1"), {"value": 60}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_answer_put_for_an_indicator_outside_the_gold_set_is_part_of_a_gold_benchmarking(
    api, organisation, manager
):
    gold_draft = _application(organisation, manager, level=Level.GOLD)

    # GOV-3 is not in the GOLD set: a GOLD application is benchmarked on it all the same.
    response = _as(api, manager).put(_answer_url(gold_draft, "GOV-3"), {"value": 1}, format="json")

    assert response.status_code == 200


def test_answer_put_for_an_indicator_of_no_methodology_is_not_found(api, organisation, manager):
    gold_draft = _application(organisation, manager, level=Level.GOLD)

    response = _as(api, manager).put(_answer_url(gold_draft, "NOPE-1"), {"value": 1}, format="json")

    assert response.status_code == 404


# --- Evidence ----------------------------------------------------------------------------------


def _upload(api, application, name="members.pdf", content=factories.PDF_BYTES, **fields):
    return api.post(
        reverse("api_evidence_list", args=[application.pk]),
        {"file": SimpleUploadedFile(name, content), **fields},
        format="multipart",
    )


def test_evidence_upload_stores_the_file_for_the_indicator(api, manager, application):
    response = _upload(_as(api, manager), application, indicator="STR-1")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["indicator"], body["original_name"], body["content_type"]) == (
        "STR-1",
        "members.pdf",
        "application/pdf",
    )
    evidence = Evidence.objects.get(pk=body["id"])
    assert evidence.file.read() == factories.PDF_BYTES


def test_evidence_upload_over_the_limit_answers_413_problem(api, manager, application, settings):
    settings.EVIDENCE_MAX_BYTES = len(factories.PDF_BYTES) - 1
    before = Evidence.objects.count()

    response = _upload(_as(api, manager), application)

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == ["file"]
    assert Evidence.objects.count() == before


def test_evidence_upload_of_a_refused_kind_answers_400_with_errors_file(api, manager, application):
    response = _upload(_as(api, manager), application, name="notes.txt", content=b"plain notes\n")

    assert _errors(response) == ["file"]


def test_evidence_upload_for_an_unknown_indicator_answers_400_with_errors_indicator(
    api, manager, application
):
    response = _upload(_as(api, manager), application, indicator="XYZ-9")

    assert _errors(response) == ["indicator"]


def test_evidence_upload_by_the_secretariat_is_forbidden(api, secretariat, application):
    response = _upload(_as(api, secretariat), application)

    assert response.status_code == 403


def test_evidence_list_gives_the_applications_files(api, manager, application):
    response = _as(api, manager).get(reverse("api_evidence_list", args=[application.pk]))

    rows = response.json()["results"]
    # The factory's self-assessment has evidence where the indicator asks for it.
    assert sorted(row["indicator"] for row in rows) == ["GOV-1", "STR-1"]
    assert rows[0]["file_url"].endswith(
        reverse("api_evidence_file", args=[application.pk, rows[0]["id"]])
    )


def test_evidence_file_is_downloaded_as_an_attachment(api, manager, application):
    evidence = application.evidence.get(indicator__code="STR-1")

    response = _as(api, manager).get(
        reverse("api_evidence_file", args=[application.pk, evidence.pk]),
        HTTP_ACCEPT="application/pdf",
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="STR-1.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == factories.PDF_BYTES


def test_evidence_file_of_another_organisation_is_not_found(api, other_manager, application):
    evidence = application.evidence.first()

    response = _as(api, other_manager).get(
        reverse("api_evidence_file", args=[application.pk, evidence.pk])
    )

    assert response.status_code == 404


def test_evidence_delete_removes_it_from_the_draft(api, manager, application):
    evidence = application.evidence.first()

    response = _as(api, manager).delete(reverse("api_evidence", args=[application.pk, evidence.pk]))

    assert response.status_code == 204
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_evidence_delete_after_submission_is_forbidden(api, manager, submitted):
    evidence = submitted.evidence.first()

    response = _as(api, manager).delete(reverse("api_evidence", args=[submitted.pk, evidence.pk]))

    assert response.status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# --- Improvement areas -------------------------------------------------------------------------

AREA = {"title": "Shared lab", "description": "Opened a shared lab", "effect": "12 new projects"}


@pytest.fixture
def silver_draft(organisation, manager):
    return _application(organisation, manager, level=Level.SILVER, self_assessed=False)


def test_improvement_area_is_added_to_a_silver_draft(api, manager, silver_draft):
    response = _as(api, manager).post(
        reverse("api_improvement_areas", args=[silver_draft.pk]), AREA, format="json"
    )

    assert response.status_code == 201
    assert response.json()["validated"] is None
    assert silver_draft.improvement_areas.get().title == "Shared lab"


def test_improvement_area_without_its_effect_answers_400_with_errors_effect(
    api, manager, silver_draft
):
    response = _as(api, manager).post(
        reverse("api_improvement_areas", args=[silver_draft.pk]),
        {**AREA, "effect": ""},
        format="json",
    )

    assert _errors(response) == ["effect"]


def test_improvement_area_on_a_bronze_application_answers_400(api, manager, application):
    response = _as(api, manager).post(
        reverse("api_improvement_areas", args=[application.pk]), AREA, format="json"
    )

    assert response.status_code == 400
    assert not application.improvement_areas.exists()


def test_improvement_area_by_the_secretariat_is_forbidden(api, secretariat, silver_draft):
    response = _as(api, secretariat).post(
        reverse("api_improvement_areas", args=[silver_draft.pk]), AREA, format="json"
    )

    assert response.status_code == 403


def test_improvement_areas_are_listed(api, manager, silver_draft):
    area = ImprovementArea.objects.create(application=silver_draft, **AREA)

    listed = _ids(_as(api, manager).get(reverse("api_improvement_areas", args=[silver_draft.pk])))

    assert listed == [area.pk]


def test_improvement_area_is_removed_from_the_draft(api, manager, silver_draft):
    area = ImprovementArea.objects.create(application=silver_draft, **AREA)

    response = _as(api, manager).delete(
        reverse("api_improvement_area", args=[silver_draft.pk, area.pk])
    )

    assert response.status_code == 204
    assert not silver_draft.improvement_areas.exists()


# --- Assignments -------------------------------------------------------------------------------


def _invite(api, application, expert, role=AssignmentRole.LEAD):
    return api.post(
        reverse("api_application_assignments", args=[application.pk]),
        {"expert": expert.pk, "role": role},
        format="json",
    )


def test_secretariat_invites_an_eligible_expert(api, secretariat, accepted, lead_expert):
    response = _invite(_as(api, secretariat), accepted, lead_expert)

    assert response.status_code == 201
    body = response.json()
    assert (body["expert"]["id"], body["role"], body["status"]) == (
        lead_expert.pk,
        AssignmentRole.LEAD,
        AssignmentStatus.INVITED,
    )


def test_inviting_an_ineligible_expert_answers_400_with_errors_expert(
    api, secretariat, accepted, lead_expert
):
    factories.ConflictDeclarationFactory(expert=lead_expert, organisation=accepted.organisation)

    response = _invite(_as(api, secretariat), accepted, lead_expert)

    assert _errors(response) == ["expert"]
    assert response.json()["details"]
    assert not accepted.assignments.exists()


def test_manager_cannot_invite_an_expert(api, manager, accepted, lead_expert):
    response = _invite(_as(api, manager), accepted, lead_expert)

    assert response.status_code == 403
    assert not accepted.assignments.exists()


def test_application_assignments_are_listed_to_its_manager(api, manager, invitation):
    response = _as(api, manager).get(
        reverse("api_application_assignments", args=[invitation.application_id])
    )

    assert _ids(response) == [invitation.pk]


def test_secretariat_confirms_the_expert_team(api, secretariat, accepted, lead_expert):
    factories.AssignmentFactory(application=accepted, expert=lead_expert)

    response = _as(api, secretariat).post(reverse("api_assign_experts", args=[accepted.pk]))

    assert response.status_code == 200
    assert response.json()["state"] == S.EXPERTS_ASSIGNED


def test_confirming_a_team_without_experts_answers_409(api, secretariat, accepted):
    response = _as(api, secretariat).post(reverse("api_assign_experts", args=[accepted.pk]))

    assert response.status_code == 409
    assert Application.objects.get(pk=accepted.pk).state == S.ACCEPTED


def test_my_assignments_are_the_experts_own(api, invitation, lead_expert, second_expert):
    factories.AssignmentFactory(expert=second_expert, application__self_assessed=False)

    response = _as(api, lead_expert).get(reverse("api_assignments"))

    assert _ids(response) == [invitation.pk]
    assert response.json()["results"][0]["application"]["id"] == invitation.application_id


def test_my_assignments_are_every_assignment_for_the_secretariat(
    api, secretariat, invitation, second_expert
):
    other = factories.AssignmentFactory(expert=second_expert, application__self_assessed=False)

    listed = _ids(_as(api, secretariat).get(reverse("api_assignments")))

    assert set(listed) == {invitation.pk, other.pk}


def test_expert_accepts_with_the_no_conflict_declaration(api, lead_expert, invitation):
    response = _as(api, lead_expert).post(
        reverse("api_assignment_accept", args=[invitation.pk]),
        {"no_conflict_declared": True},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == AssignmentStatus.ACCEPTED
    assert body["no_conflict_declared_at"] is not None


def test_accepting_without_the_declaration_answers_400_with_its_field(api, lead_expert, invitation):
    response = _as(api, lead_expert).post(
        reverse("api_assignment_accept", args=[invitation.pk]), {}, format="json"
    )

    assert _errors(response) == ["no_conflict_declared"]


def test_accepting_someone_elses_assignment_is_not_found(api, second_expert, invitation):
    response = _as(api, second_expert).post(
        reverse("api_assignment_accept", args=[invitation.pk]),
        {"no_conflict_declared": True},
        format="json",
    )

    assert response.status_code == 404


def test_expert_declines_with_a_reason(api, lead_expert, invitation):
    response = _as(api, lead_expert).post(
        reverse("api_assignment_decline", args=[invitation.pk]),
        {"reason": "On leave that month"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["decline_reason"] == "On leave that month"
    assert Application.objects.get(pk=invitation.application_id).state == S.ACCEPTED


def test_declining_without_a_reason_answers_400_with_errors_reason(api, lead_expert, invitation):
    response = _as(api, lead_expert).post(
        reverse("api_assignment_decline", args=[invitation.pk]), {"reason": " "}, format="json"
    )

    assert _errors(response) == ["reason"]


def test_expert_submits_a_complete_scoring(api, lead_expert, team):
    lead, _second = team

    response = _as(api, lead_expert).post(reverse("api_assignment_submit", args=[lead.pk]))

    assert response.status_code == 200
    assert response.json()["scores_submitted_at"] is not None


def test_submitting_an_incomplete_scoring_answers_409_with_the_gaps(api, gold, lead_expert):
    lead = factories.AssignmentFactory(
        application=gold, expert=lead_expert, status=AssignmentStatus.ACCEPTED
    )

    response = _as(api, lead_expert).post(reverse("api_assignment_submit", args=[lead.pk]))

    assert response.status_code == 409
    assert "STR-1 Committed members: no validated value yet." in response.json()["details"]


# --- Conflicts of interest ---------------------------------------------------------------------


def test_expert_declares_a_conflict_of_interest(api, lead_expert, organisation):
    response = _as(api, lead_expert).post(
        reverse("api_conflicts"),
        {"organisation": organisation.pk, "description": "Board member until 2025"},
        format="json",
    )

    assert response.status_code == 201
    declaration = ConflictDeclaration.objects.get(pk=response.json()["id"])
    assert (declaration.expert, declaration.declared_by) == (lead_expert, lead_expert)


def test_declaring_without_a_description_answers_400_with_errors_description(
    api, lead_expert, organisation
):
    response = _as(api, lead_expert).post(
        reverse("api_conflicts"), {"organisation": organisation.pk}, format="json"
    )

    assert _errors(response) == ["description"]


def test_manager_cannot_declare_a_conflict_of_interest(api, manager, organisation):
    response = _as(api, manager).post(
        reverse("api_conflicts"),
        {"organisation": organisation.pk, "description": "Friend of the director"},
        format="json",
    )

    assert response.status_code == 403


def test_conflict_list_is_the_experts_own(api, lead_expert, second_expert):
    own = factories.ConflictDeclarationFactory(expert=lead_expert)
    factories.ConflictDeclarationFactory(expert=second_expert)

    assert _ids(_as(api, lead_expert).get(reverse("api_conflicts"))) == [own.pk]


def test_secretariat_withdraws_a_declaration(api, secretariat, lead_expert):
    declaration = factories.ConflictDeclarationFactory(expert=lead_expert)

    response = _as(api, secretariat).post(
        reverse("api_conflict_withdraw", args=[declaration.pk]),
        {"reason": "Recorded for the wrong cluster"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["withdrawn_at"] is not None


def test_expert_withdraws_a_declaration_they_made_by_mistake(api, lead_expert):
    declaration = factories.ConflictDeclarationFactory(expert=lead_expert)

    response = _as(api, lead_expert).post(
        reverse("api_conflict_withdraw", args=[declaration.pk]),
        {"reason": "Not true any more"},
        format="json",
    )

    assert response.status_code == 200
    declaration.refresh_from_db()
    assert declaration.withdrawal_reason == "Not true any more"


def test_expert_cannot_withdraw_a_declaration_the_secretariat_recorded(
    api, lead_expert, secretariat
):
    declaration = factories.ConflictDeclarationFactory(expert=lead_expert, declared_by=secretariat)

    response = _as(api, lead_expert).post(
        reverse("api_conflict_withdraw", args=[declaration.pk]),
        {"reason": "Not true any more"},
        format="json",
    )

    assert response.status_code == 403
    declaration.refresh_from_db()
    assert declaration.withdrawn_at is None


# --- Expert scores -----------------------------------------------------------------------------


def _score_url(assignment, code: str) -> str:
    return reverse("api_score", args=[assignment.pk, code])


def test_expert_saves_a_validated_value_with_its_light_and_points(api, lead_expert, team):
    lead, _second = team

    response = _as(api, lead_expert).put(
        _score_url(lead, "STR-1"), {"value": "50", "justification": "Counted"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["light"], response.json()["points"]) == ("green", 2)
    assert lead.scores.get(indicator__code="STR-1").value == 50


def test_a_differing_value_without_justification_answers_400_with_errors_justification(
    api, lead_expert, team
):
    lead, _second = team

    response = _as(api, lead_expert).put(_score_url(lead, "STR-1"), {"value": 50}, format="json")

    assert _errors(response) == ["justification"]


def test_scoring_someone_elses_assignment_is_not_found(api, second_expert, team):
    lead, _second = team

    response = _as(api, second_expert).put(_score_url(lead, "STR-1"), {"value": 15}, format="json")

    assert response.status_code == 404


def test_own_scores_are_listed_in_the_methodologys_order(api, lead_expert, team):
    lead, _second = team

    response = _as(api, lead_expert).get(reverse("api_scores", args=[lead.pk]))

    codes = [row["indicator"]["code"] for row in response.json()["results"]]
    assert codes == ["STR-1", "STR-2", "GOV-1", "GOV-2", "GOV-3"]


def test_other_experts_scores_are_forbidden_before_every_expert_submitted(api, lead_expert, team):
    _lead, second = team

    response = _as(api, lead_expert).get(reverse("api_scores", args=[second.pk]))

    assert response.status_code == 403
    assert SECOND_VALUE not in response.content.decode()


def test_other_experts_scores_are_listed_once_every_expert_submitted(
    api, lead_expert, team, in_consensus
):
    _lead, second = team

    response = _as(api, lead_expert).get(reverse("api_scores", args=[second.pk]))

    values = {row["indicator"]["code"]: row["value"] for row in response.json()["results"]}
    assert values["STR-2"] == SECOND_VALUE


def test_secretariat_reads_any_experts_scores(api, secretariat, team):
    _lead, second = team

    response = _as(api, secretariat).get(reverse("api_scores", args=[second.pk]))

    assert len(_ids(response)) == 5


def test_manager_cannot_read_the_scores(api, manager, team):
    lead, _second = team

    response = _as(api, manager).get(reverse("api_scores", args=[lead.pk]))

    assert response.status_code == 403


# --- Clarification questions -------------------------------------------------------------------


def _ask(api, application, **fields):
    body = {"text": "Please send the member list.", "due_date": TOMORROW.isoformat(), **fields}
    return api.post(reverse("api_questions", args=[application.pk]), body, format="json")


def test_expert_asks_a_question_about_an_indicator(api, lead_expert, gold, team):
    response = _ask(_as(api, lead_expert), gold, indicator="STR-1")

    assert response.status_code == 201
    question = ClarificationQuestion.objects.get(pk=response.json()["id"])
    assert (question.asked_by, question.indicator.code) == (lead_expert, "STR-1")


def test_a_question_due_in_the_past_answers_400_with_errors_due_date(api, lead_expert, gold, team):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = _ask(_as(api, lead_expert), gold, due_date=yesterday.isoformat())

    assert _errors(response) == ["due_date"]


def test_manager_cannot_ask_a_question(api, manager, gold, team):
    response = _ask(_as(api, manager), gold)

    assert response.status_code == 403
    assert not gold.questions.exists()


def test_questions_are_listed_to_the_manager(api, manager, gold, question):
    listed = _ids(_as(api, manager).get(reverse("api_questions", args=[gold.pk])))

    assert listed == [question.pk]


def test_manager_answers_a_question(api, manager, question):
    response = _as(api, manager).post(
        reverse("api_question_answer", args=[question.pk]),
        {"answer": "Attached to STR-1."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["answered_by"]["id"] == manager.pk


def test_expert_cannot_answer_a_question(api, lead_expert, question):
    response = _as(api, lead_expert).post(
        reverse("api_question_answer", args=[question.pk]), {"answer": "Myself."}, format="json"
    )

    assert response.status_code == 403


def test_question_of_another_organisation_is_not_found(api, other_manager, question):
    response = _as(api, other_manager).post(
        reverse("api_question_answer", args=[question.pk]), {"answer": "Hm."}, format="json"
    )

    assert response.status_code == 404


# --- Consensus ---------------------------------------------------------------------------------


def test_consensus_gives_the_scorings_side_by_side(api, lead_expert, in_consensus):
    response = _as(api, lead_expert).get(reverse("api_consensus", args=[in_consensus.pk]))

    assert response.status_code == 200
    rows = {row["indicator"]["code"]: row for row in response.json()["results"]}
    assert [s["role"] for s in rows["STR-2"]["scores"]] == ["lead", "second"]
    assert rows["STR-2"]["experts_differ"] is True
    assert rows["STR-2"]["consensus"] is None
    assert rows["STR-1"]["consensus"]["value"] == "15.00"


def test_consensus_is_forbidden_before_every_expert_submitted(api, lead_expert, gold, team):
    response = _as(api, lead_expert).get(reverse("api_consensus", args=[gold.pk]))

    assert response.status_code == 403
    assert SECOND_VALUE not in response.content.decode()


def test_lead_expert_records_the_consensus_value(api, lead_expert, in_consensus):
    response = _as(api, lead_expert).put(
        reverse("api_consensus_value", args=[in_consensus.pk, "STR-2"]),
        {"value": "40", "note": "Agreed on the register count"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["light"], response.json()["settled_by"]) == ("yellow", lead_expert.pk)
    assert ConsensusValue.objects.get(application=in_consensus, indicator__code="STR-2").value == 40


def test_second_expert_cannot_record_the_consensus(api, second_expert, in_consensus):
    response = _as(api, second_expert).put(
        reverse("api_consensus_value", args=[in_consensus.pk, "STR-2"]),
        {"value": "40"},
        format="json",
    )

    assert response.status_code == 403


def test_completing_the_consensus_moves_to_quality_review(api, lead_expert, in_consensus):
    factories.settle_consensus(in_consensus)

    response = _as(api, lead_expert).post(reverse("api_consensus_complete", args=[in_consensus.pk]))

    assert response.status_code == 200
    assert response.json()["state"] == S.QUALITY_REVIEW


def test_completing_an_unsettled_consensus_answers_409_with_the_gaps(
    api, lead_expert, in_consensus
):
    response = _as(api, lead_expert).post(reverse("api_consensus_complete", args=[in_consensus.pk]))

    assert response.status_code == 409
    assert response.json()["details"] == [
        "STR-2 Share of SMEs among members: no consensus value yet."
    ]


# --- Recommendation ----------------------------------------------------------------------------


def test_recommendation_explains_the_rules_indicator_by_indicator(
    api, secretariat, lead_expert, in_consensus
):
    factories.settle_consensus(in_consensus)
    services.consensus_complete(application=in_consensus, actor=lead_expert)

    response = _as(api, secretariat).get(reverse("api_recommendation", args=[in_consensus.pk]))

    assert response.status_code == 200
    body = response.json()
    str_1 = next(row for row in body["indicators"] if row["code"] == "STR-1")
    assert (str_1["value"], str_1["light"], str_1["passed"]) == ("15.00", "yellow", True)
    # Every value at its threshold scores below GOLD's 80 %: the GOLD request falls back to the
    # BRONZE it merits, and the GOLD check says why.
    assert body["outcome"] == "bronze"
    assert (body["gold_score_pct"], body["benchmark_score_pct"]) == ("60.00", "58.33")
    gold_check = body["checks"][-1]
    assert (gold_check["level"], gold_check["met"]) == (Level.GOLD, False)
    assert any(reason.startswith("GOLD score 60.00 %") for reason in gold_check["reasons"])


def test_recommendation_is_forbidden_for_the_manager(api, organisation, manager):
    application = _application(organisation, manager, state=S.QUALITY_REVIEW)

    response = _as(api, manager).get(reverse("api_recommendation", args=[application.pk]))

    assert response.status_code == 403


def test_recommendation_before_the_consensus_is_not_found(api, secretariat, gold):
    response = _as(api, secretariat).get(reverse("api_recommendation", args=[gold.pk]))

    assert response.status_code == 404


# --- Number of queries -------------------------------------------------------------------------


def _queries(api: APIClient, url: str, expected_rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.json()["count"] == expected_rows
    return len(queries)


def test_my_assignment_list_query_count_does_not_grow(api, lead_expert):
    url = reverse("api_assignments")
    factories.AssignmentFactory.create_batch(
        2, expert=lead_expert, application__self_assessed=False
    )
    with_two = _queries(_as(api, lead_expert), url, 2)
    factories.AssignmentFactory.create_batch(
        18, expert=lead_expert, application__self_assessed=False
    )

    assert _queries(api, url, 20) == with_two


def test_score_list_query_count_does_not_grow(api, organisation, manager, lead_expert):
    """On the shipped methodology, whose GOLD set has enough indicators for 20 scores."""
    methodology = methodology_load(
        path=Path(settings.BASE_DIR) / "assessments" / "methodology" / "default-2026.yaml"
    )
    application = _application(
        organisation,
        manager,
        level=Level.GOLD,
        state=S.IN_ASSESSMENT,
        methodology=methodology,
        self_assessed=False,
    )
    assignment = factories.AssignmentFactory(
        application=application, expert=lead_expert, status=AssignmentStatus.ACCEPTED
    )
    indicators = list(methodology.indicators.filter(in_gold_set=True).order_by("order")[:20])

    def score(chosen) -> None:
        ExpertScore.objects.bulk_create(
            ExpertScore(assignment=assignment, indicator=i, value=0, light="red", points=0)
            for i in chosen
        )

    url = reverse("api_scores", args=[assignment.pk])
    score(indicators[:2])
    with_two = _queries(_as(api, lead_expert), url, 2)
    score(indicators[2:])

    assert _queries(api, url, 20) == with_two
