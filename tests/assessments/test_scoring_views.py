"""Scoring, consensus and question pages: scoped to the person, blind until both experts have
submitted, refusals shown with their status."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    ClarificationQuestion,
    ConsensusValue,
    Evidence,
    ExpertScore,
)
from labelling import deadlines
from labelling.models import ApplicationState as S
from labelling.models import DeadlineKind, Level
from tests import factories

#: The second expert's reading of STR-2, and their justification: what the blind rule hides.
SECOND_VALUE = "43.21"
SECOND_NOTE = "Counted the SMEs in the register myself"


@pytest.fixture
def gold(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.GOLD, state=S.IN_ASSESSMENT
    )


@pytest.fixture
def team(gold, lead_expert, second_expert):
    """Both experts have scored; the second differs on STR-1 and STR-2, with a justification."""
    lead = factories.AssignmentFactory(
        application=gold, expert=lead_expert, status=AssignmentStatus.ACCEPTED, scored=True
    )
    second = factories.AssignmentFactory(
        application=gold,
        expert=second_expert,
        role=AssignmentRole.SECOND,
        status=AssignmentStatus.ACCEPTED,
        scored=True,
        scored__values={"STR-1": 20, "STR-2": SECOND_VALUE},
    )
    second.scores.filter(indicator__code="STR-2").update(justification=SECOND_NOTE)
    return lead, second


@pytest.fixture
def in_consensus(gold, team, lead_expert, second_expert):
    lead, second = team
    services.assessment_submit(assignment=lead, actor=lead_expert)
    services.assessment_submit(assignment=second, actor=second_expert)
    gold.refresh_from_db()
    return gold


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def unassigned_expert(db):
    """An accredited expert with no part in the application."""
    return factories.ExpertFactory(email="unassigned@example.org")


# --- Scoring page --------------------------------------------------------------------------


def test_scoring_page_lists_each_indicator_with_its_bands_and_self_assessment(
    client, team, lead_expert
):
    lead, _second = team
    client.force_login(lead_expert)

    response = client.get(reverse("scoring", args=[lead.pk]))

    html = _html(response)
    assert response.status_code == 200
    assert "STR Structure of the cluster" in html
    assert "STR-1 Committed members" in html
    assert "15–49" in html  # the yellow band of STR-1
    assert 'for="value-' in html
    assert reverse("assessment_submit", args=[lead.pk]) in html


@pytest.mark.parametrize(
    "viewer",
    ["second_expert", "unassigned_expert", "manager", "secretariat", "outsider"],
    ids=["other-expert", "unassigned-expert", "manager", "secretariat", "outsider"],
)
def test_scoring_page_of_someone_elses_assignment_is_not_found(client, team, request, viewer):
    lead, _second = team
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("scoring", args=[lead.pk]))

    assert response.status_code == 404


def test_scoring_page_of_an_assignment_not_yet_accepted_is_forbidden(
    client, organisation, manager, lead_expert
):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.EXPERTS_ASSIGNED
    )
    invited = factories.AssignmentFactory(application=application, expert=lead_expert)
    client.force_login(lead_expert)

    response = client.get(reverse("scoring", args=[invited.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize("lead_submitted", [False, True], ids=["nobody", "lead-only"])
def test_scoring_page_hides_the_other_experts_values_before_both_submitted(
    client, team, lead_expert, lead_submitted
):
    lead, _second = team
    if lead_submitted:
        services.assessment_submit(assignment=lead, actor=lead_expert)
    client.force_login(lead_expert)

    html = _html(client.get(reverse("scoring", args=[lead.pk])))

    assert SECOND_VALUE not in html
    assert SECOND_NOTE not in html


def test_scoring_page_shows_the_other_experts_values_after_both_submitted(
    client, in_consensus, team, lead_expert
):
    lead, _second = team
    client.force_login(lead_expert)

    html = _html(client.get(reverse("scoring", args=[lead.pk])))

    assert SECOND_VALUE in html
    assert SECOND_NOTE in html


def _save_url(assignment, code):
    indicator = assignment.application.methodology.indicators.get(code=code)
    return reverse("score_save", args=[assignment.pk, indicator.pk])


def test_score_save_stores_the_light_and_points_from_the_bands(client, team, lead_expert):
    lead, _second = team
    client.force_login(lead_expert)

    response = client.post(
        _save_url(lead, "STR-1"), {"value": "50", "justification": "Letters for 50 members."}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("scoring", args=[lead.pk]) + "#indicator-")
    score = ExpertScore.objects.get(assignment=lead, indicator__code="STR-1")
    assert (score.value, score.light, score.points) == (Decimal(50), "green", 2)
    assert "STR-1 saved: Green, 2 points." in _html(client.get(response.url))


def test_score_save_with_an_invalid_value_shows_the_refusal(client, team, lead_expert):
    lead, _second = team
    client.force_login(lead_expert)

    response = client.post(_save_url(lead, "STR-1"), {"value": "1.5"}, follow=True)

    assert "STR-1: Enter a whole number." in _html(response)
    assert ExpertScore.objects.get(assignment=lead, indicator__code="STR-1").value == 15


def test_score_save_with_a_nul_character_in_the_justification_answers_400(
    client, team, lead_expert
):
    lead, _second = team
    client.force_login(lead_expert)

    response = client.post(_save_url(lead, "STR-1"), {"value": "50", "justification": "\x00"})

    assert response.status_code == 400
    assert ExpertScore.objects.get(assignment=lead, indicator__code="STR-1").value == 15


def test_score_save_on_the_other_experts_assignment_is_not_found(client, team, second_expert):
    lead, _second = team
    client.force_login(second_expert)

    response = client.post(_save_url(lead, "STR-1"), {"value": "50", "justification": "x"})

    assert response.status_code == 404
    assert ExpertScore.objects.get(assignment=lead, indicator__code="STR-1").value == 15


def test_score_save_after_submitting_answers_409(client, team, lead_expert):
    lead, _second = team
    services.assessment_submit(assignment=lead, actor=lead_expert)
    client.force_login(lead_expert)

    response = client.post(_save_url(lead, "STR-1"), {"value": "50", "justification": "x"})

    assert response.status_code == 409
    assert "can no longer be changed" in _html(response)


# --- Scoring autosave (htmx) ---------------------------------------------------------------

HTMX = {"HX-Request": "true"}


def _indicator_pk(application, code) -> int:
    return application.methodology.indicators.get(code=code).pk


def _stored_score(assignment, code) -> Decimal:
    return ExpertScore.objects.get(assignment=assignment, indicator__code=code).value


def test_scoring_page_fields_save_themselves_on_change(client, team, lead_expert):
    lead, _second = team
    client.force_login(lead_expert)
    pk = _indicator_pk(lead.application, "STR-1")

    html = _html(client.get(reverse("scoring", args=[lead.pk])))

    save = f'data-hx-post="{_save_url(lead, "STR-1")}"'
    assert (
        f'<div class="answer" id="answer-{pk}" data-hx-target="this" data-hx-swap="outerHTML"'
        in html
    )
    assert f'value="15" {save} data-hx-trigger="change"' in html
    assert f'{save} data-hx-trigger="keyup changed delay:800ms, change"' in html
    assert f'<p class="save-status" id="save-status-{pk}" aria-live="polite"></p>' in html


def test_score_autosave_answers_with_the_block_and_the_light_from_the_bands(
    client, team, lead_expert
):
    lead, _second = team
    client.force_login(lead_expert)
    pk = _indicator_pk(lead.application, "STR-1")

    response = client.post(
        _save_url(lead, "STR-1"),
        {"value": "50", "justification": "Letters for 50 members."},
        headers=HTMX,
    )

    html = _html(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith(f'<div class="answer" id="answer-{pk}"')
    assert '<span class="light light-green">Green</span>, 2 points' in html
    assert f'id="save-status-{pk}" aria-live="polite" data-hx-swap-oob="innerHTML">Saved at' in html
    assert _stored_score(lead, "STR-1") == 50


def test_score_autosave_of_an_invalid_value_keeps_it_next_to_the_error(client, team, lead_expert):
    lead, _second = team
    client.force_login(lead_expert)
    pk = _indicator_pk(lead.application, "STR-1")

    response = client.post(
        _save_url(lead, "STR-1"), {"value": "1.5", "justification": "Half"}, headers=HTMX
    )

    html = _html(response)
    assert response.status_code == 200  # htmx swaps only successful answers
    assert (
        f'value="1.5" data-hx-post="{_save_url(lead, "STR-1")}" data-hx-trigger="change" '
        f'aria-invalid="true" aria-describedby="value-{pk}-error">'
    ) in html
    assert f'<p class="error" role="alert" id="value-{pk}-error">Enter a whole number.</p>' in html
    assert "Half</textarea>" in html
    assert '<span class="error">Not saved</span>' in html
    assert '<span class="light light-yellow">Yellow</span>, 1 point' in html  # the stored 15
    assert _stored_score(lead, "STR-1") == 15


def test_score_autosave_of_a_changed_value_without_justification_marks_the_justification(
    client, team, lead_expert
):
    lead, _second = team
    client.force_login(lead_expert)
    pk = _indicator_pk(lead.application, "STR-1")

    response = client.post(
        _save_url(lead, "STR-1"), {"value": "50", "justification": ""}, headers=HTMX
    )

    html = _html(response)
    assert f'aria-invalid="true" aria-describedby="justification-{pk}-error"></textarea>' in html
    assert f'<p class="error" role="alert" id="justification-{pk}-error">Explain why' in html
    assert 'value="50"' in html
    assert 'aria-describedby="value-' not in html
    assert _stored_score(lead, "STR-1") == 15


def test_score_autosave_leaves_no_message_for_the_next_page(client, team, lead_expert):
    lead, _second = team
    client.force_login(lead_expert)
    client.post(_save_url(lead, "STR-1"), {"value": "15"}, headers=HTMX)

    html = _html(client.get(reverse("scoring", args=[lead.pk])))

    assert "STR-1 saved" not in html


@pytest.mark.parametrize("viewer", ["second_expert", "unassigned_expert"])
def test_score_autosave_on_someone_elses_assignment_is_not_found(client, team, request, viewer):
    lead, _second = team
    client.force_login(request.getfixturevalue(viewer))

    response = client.post(
        _save_url(lead, "STR-1"), {"value": "50", "justification": "x"}, headers=HTMX
    )

    assert response.status_code == 404
    assert _stored_score(lead, "STR-1") == 15


# --- Consensus page ------------------------------------------------------------------------


def test_consensus_page_shows_both_scorings_side_by_side_to_the_lead(
    client, in_consensus, lead_expert
):
    client.force_login(lead_expert)

    response = client.get(reverse("consensus", args=[in_consensus.pk]))

    html = _html(response)
    assert response.status_code == 200
    assert SECOND_VALUE in html
    assert SECOND_NOTE in html
    assert html.count('class="differs"') == 2  # STR-1 and STR-2
    assert reverse("consensus_complete", args=[in_consensus.pk]) in html
    assert 'for="consensus-' in html


@pytest.mark.parametrize("viewer", ["second_expert", "secretariat"])
def test_consensus_page_is_read_only_for_the_second_expert_and_secretariat(
    client, in_consensus, request, viewer
):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("consensus", args=[in_consensus.pk]))

    assert response.status_code == 200
    assert SECOND_VALUE in _html(response)
    assert 'for="consensus-' not in _html(response)


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("manager", 403), ("outsider", 404), ("other_manager", 404), ("unassigned_expert", 404)],
)
def test_consensus_page_for_anyone_else_is_refused(client, in_consensus, request, viewer, status):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("consensus", args=[in_consensus.pk]))

    assert response.status_code == status
    assert SECOND_VALUE not in _html(response)


def test_consensus_page_before_both_submitted_is_forbidden(client, gold, team, lead_expert):
    client.force_login(lead_expert)

    response = client.get(reverse("consensus", args=[gold.pk]))

    assert response.status_code == 403
    assert SECOND_VALUE not in _html(response)


def _consensus_url(application, code):
    indicator = application.methodology.indicators.get(code=code)
    return reverse("consensus_value_save", args=[application.pk, indicator.pk])


def test_consensus_value_save_by_the_lead_stores_light_and_points(
    client, in_consensus, lead_expert
):
    client.force_login(lead_expert)

    response = client.post(_consensus_url(in_consensus, "STR-1"), {"value": "20", "note": "Ok"})

    assert response.status_code == 302
    value = ConsensusValue.objects.get(application=in_consensus, indicator__code="STR-1")
    assert (value.value, value.light, value.points, value.settled_by) == (
        Decimal(20),
        "yellow",
        1,
        lead_expert,
    )


def test_consensus_value_save_by_the_second_expert_is_forbidden(
    client, in_consensus, second_expert
):
    client.force_login(second_expert)

    response = client.post(_consensus_url(in_consensus, "STR-1"), {"value": "20"})

    assert response.status_code == 403
    assert not ConsensusValue.objects.filter(indicator__code="STR-1").exists()


def test_consensus_page_marks_the_indicators_the_experts_differ_on(
    client, in_consensus, lead_expert
):
    client.force_login(lead_expert)

    html = _html(client.get(reverse("consensus", args=[in_consensus.pk])))

    marked = re.findall(
        r'<tr id="indicator-\d+" class="differs">\s*<th scope="row">([A-Z]+-\d) [^<]*'
        r'<strong class="error">\(experts differ\)</strong>',
        html,
    )
    assert marked == ["STR-1", "STR-2"]
    assert html.count("(experts differ)") == 2


def test_consensus_page_fields_save_themselves_on_change(client, in_consensus, lead_expert):
    client.force_login(lead_expert)
    pk = _indicator_pk(in_consensus, "STR-1")

    html = _html(client.get(reverse("consensus", args=[in_consensus.pk])))

    save = f'data-hx-post="{_consensus_url(in_consensus, "STR-1")}"'
    assert (
        f'<div class="answer" id="answer-{pk}" data-hx-target="this" data-hx-swap="outerHTML"'
        in html
    )
    assert f'id="consensus-{pk}" name="value" inputmode="decimal" required value="" {save}' in html
    assert f'{save} data-hx-trigger="keyup changed delay:800ms, change"' in html
    assert f'<p class="save-status" id="save-status-{pk}" aria-live="polite"></p>' in html


def test_consensus_autosave_answers_with_the_cell_and_the_light_from_the_bands(
    client, in_consensus, lead_expert
):
    client.force_login(lead_expert)
    pk = _indicator_pk(in_consensus, "STR-1")

    response = client.post(
        _consensus_url(in_consensus, "STR-1"), {"value": "20", "note": "Ok"}, headers=HTMX
    )

    html = _html(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith(f'<div class="answer" id="answer-{pk}"')
    assert '<span class="light light-yellow">Yellow</span>, 1 point' in html
    assert f'id="save-status-{pk}" aria-live="polite" data-hx-swap-oob="innerHTML">Saved at' in html
    value = ConsensusValue.objects.get(application=in_consensus, indicator__code="STR-1")
    assert (value.value, value.note) == (Decimal(20), "Ok")


def test_consensus_autosave_of_an_invalid_value_keeps_it_next_to_the_error(
    client, in_consensus, lead_expert
):
    client.force_login(lead_expert)
    pk = _indicator_pk(in_consensus, "STR-1")

    response = client.post(
        _consensus_url(in_consensus, "STR-1"), {"value": "twenty", "note": "Ok"}, headers=HTMX
    )

    html = _html(response)
    assert response.status_code == 200
    assert f'value="twenty" data-hx-post="{_consensus_url(in_consensus, "STR-1")}"' in html
    assert f'aria-invalid="true" aria-describedby="consensus-{pk}-error">' in html
    assert f'<p class="error" role="alert" id="consensus-{pk}-error">Enter a number.</p>' in html
    assert "Ok</textarea>" in html
    assert not ConsensusValue.objects.filter(indicator__code="STR-1").exists()


@pytest.mark.parametrize("viewer", ["outsider", "other_manager", "unassigned_expert"])
def test_consensus_autosave_by_anyone_else_is_not_found(client, in_consensus, request, viewer):
    client.force_login(request.getfixturevalue(viewer))

    response = client.post(_consensus_url(in_consensus, "STR-1"), {"value": "20"}, headers=HTMX)

    assert response.status_code == 404
    assert not ConsensusValue.objects.filter(indicator__code="STR-1").exists()


# --- Clarification questions ---------------------------------------------------------------


@pytest.fixture
def question(gold, team, lead_expert):
    return services.question_ask(
        application=gold,
        actor=lead_expert,
        text="Please send the signed member list.",
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )


@pytest.mark.parametrize("viewer", ["manager", "lead_expert", "second_expert", "secretariat"])
def test_question_list_is_shown_to_the_applications_people(client, question, request, viewer):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("question_list", args=[question.application_id]))

    assert response.status_code == 200
    assert "Please send the signed member list." in _html(response)


@pytest.mark.parametrize("viewer", ["outsider", "other_manager", "unassigned_expert"])
def test_question_list_for_anyone_else_is_not_found(client, question, request, viewer):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("question_list", args=[question.application_id]))

    assert response.status_code == 404


def test_question_ask_by_an_expert_sends_the_question(
    client, gold, team, lead_expert, manager, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(lead_expert)
    due = timezone.localdate() + datetime.timedelta(days=7)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("question_ask", args=[gold.pk]),
            {"text": "Who sits on the board?", "due_date": due.isoformat()},
        )

    assert response.status_code == 302
    assert response.url == reverse("question_list", args=[gold.pk])
    question = ClarificationQuestion.objects.get()
    assert (question.text, question.due_date, question.asked_by) == (
        "Who sits on the board?",
        due,
        lead_expert,
    )
    assert [m.to for m in mailoutbox] == [[manager.email]]


def test_question_ask_with_a_due_date_in_the_past_shows_the_refusal(
    client, gold, team, lead_expert
):
    client.force_login(lead_expert)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = client.post(
        reverse("question_ask", args=[gold.pk]),
        {"text": "Who sits on the board?", "due_date": yesterday.isoformat()},
    )

    assert response.status_code == 400
    assert "The due date cannot be in the past." in _html(response)
    assert not ClarificationQuestion.objects.exists()


@pytest.mark.parametrize(("viewer", "status"), [("manager", 403), ("outsider", 404)])
def test_question_ask_page_for_anyone_but_an_expert_is_refused(
    client, gold, team, request, viewer, status
):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("question_ask", args=[gold.pk]))

    assert response.status_code == status


def test_question_answer_by_the_manager_is_stored(client, question, manager):
    client.force_login(manager)

    response = client.post(
        reverse("question_answer", args=[question.pk]), {"answer": "Attached as evidence."}
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Attached as evidence.", manager)


@pytest.mark.parametrize(
    ("viewer", "status"), [("lead_expert", 403), ("secretariat", 403), ("other_manager", 404)]
)
def test_question_answer_page_for_anyone_but_the_manager_is_refused(
    client, question, request, viewer, status
):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("question_answer", args=[question.pk]))

    assert response.status_code == status


# --- Links from the application page -------------------------------------------------------


def test_application_page_links_the_expert_to_scoring_and_questions(
    client, gold, team, lead_expert
):
    lead, _second = team
    client.force_login(lead_expert)

    html = _html(client.get(reverse("application_detail", args=[gold.pk])))

    assert reverse("scoring", args=[lead.pk]) in html
    assert reverse("question_ask", args=[gold.pk]) in html
    assert reverse("question_list", args=[gold.pk]) in html


def test_score_autosave_sends_what_is_still_to_score_out_of_band(client, gold, lead_expert):
    lead = factories.AssignmentFactory(
        application=gold, expert=lead_expert, status=AssignmentStatus.ACCEPTED
    )
    client.force_login(lead_expert)

    response = client.post(
        _save_url(lead, "STR-1"),
        {"value": "50", "justification": "Letters for 50 members."},
        headers=HTMX,
    )

    html = _html(response)
    gaps = html[html.index('<div id="scoring-gaps" data-hx-swap-oob="true">') :]
    assert "STR-1" not in gaps
    assert "STR-2" in gaps


# --- Scoring page: dimensions, evidence, what is still to score, due date ------------------


@pytest.fixture
def started(gold, lead_expert):
    """The lead expert has accepted and scored STR-1 alone (as self-assessed, so no
    justification is needed); the other four indicators are still to score."""
    lead = factories.AssignmentFactory(
        application=gold, expert=lead_expert, status=AssignmentStatus.ACCEPTED
    )
    indicator = gold.methodology.indicators.get(code="STR-1")
    services.score_save(
        assignment=lead, indicator=indicator, actor=lead_expert, value="15", justification=""
    )
    return lead


def _dimension_pk(application, code) -> int:
    return application.methodology.dimensions.get(code=code).pk


def _block(html: str, start: str, end: str) -> str:
    """The part of ``html`` from ``start`` to the next ``end``."""
    first = html.index(start)
    return html[first : html.index(end, first)]


def _attach(application, code: str, name: str):
    """An evidence file of the organisation's on indicator ``code`` (no stored file: the page
    only links to it)."""
    return Evidence.objects.create(
        application=application,
        indicator=application.methodology.indicators.get(code=code),
        file=f"evidence/{name}",
        original_name=name,
        content_type="application/pdf",
        size=1234,
        sha256="0" * 64,
        uploaded_by=application.created_by,
    )


def test_scoring_page_puts_each_indicator_in_its_dimensions_section(client, started, lead_expert):
    application = started.application
    client.force_login(lead_expert)

    html = _html(client.get(reverse("scoring", args=[started.pk])))

    governance = _block(
        html,
        f'<section class="card" id="dimension-{_dimension_pk(application, "GOV")}"',
        "</section>",
    )
    assert f'id="indicator-{_indicator_pk(application, "GOV-1")}"' in governance
    assert f'id="indicator-{_indicator_pk(application, "STR-1")}"' not in governance


def test_scoring_page_navigation_counts_what_this_expert_scored_per_dimension(
    client, started, lead_expert, second_expert
):
    application = started.application
    factories.AssignmentFactory(
        application=application,
        expert=second_expert,
        role=AssignmentRole.SECOND,
        status=AssignmentStatus.ACCEPTED,
        scored=True,
    )
    client.force_login(lead_expert)

    html = _html(client.get(reverse("scoring", args=[started.pk])))

    nav = _block(html, '<nav class="card" id="scoring-progress"', "</nav>")
    structure = _block(nav, f'<a href="#dimension-{_dimension_pk(application, "STR")}">', "</li>")
    governance = _block(nav, f'<a href="#dimension-{_dimension_pk(application, "GOV")}">', "</li>")
    assert "1 of 2 scored" in structure
    assert "0 of 3 scored" in governance


def test_scoring_page_links_each_evidence_file_beside_its_indicator(client, started, lead_expert):
    application = started.application
    strategy = application.evidence.get(indicator__code="GOV-1")
    client.force_login(lead_expert)

    html = _html(client.get(reverse("scoring", args=[started.pk])))

    download = reverse("evidence_download", args=[application.pk, strategy.pk])
    link = f'<a href="{download}">GOV-1.pdf</a>'
    gov_1 = _block(html, f'id="indicator-{_indicator_pk(application, "GOV-1")}"', "</article>")
    gov_2 = _block(html, f'id="indicator-{_indicator_pk(application, "GOV-2")}"', "</article>")
    assert link in gov_1
    assert "GOV-1.pdf" not in gov_2


def test_scoring_page_reads_every_evidence_file_in_one_query(client, started, lead_expert):
    client.force_login(lead_expert)
    url = reverse("scoring", args=[started.pk])
    client.get(url)  # the session and the content types are read once
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for code in ("STR-2", "GOV-2", "GOV-3"):
        _attach(started.application, code, f"{code}-annex.pdf")

    with CaptureQueriesContext(connection) as after:
        html = _html(client.get(url))

    assert "GOV-3-annex.pdf" in html
    assert len(after) == len(before)


def test_scoring_page_with_todo_shows_only_the_indicators_still_to_score(
    client, started, lead_expert
):
    application = started.application
    client.force_login(lead_expert)

    html = _html(client.get(reverse("scoring", args=[started.pk]), {"todo": "1"}))

    assert f'id="indicator-{_indicator_pk(application, "STR-1")}"' not in html
    assert f'id="indicator-{_indicator_pk(application, "STR-2")}"' in html
    assert "1 of 2 scored" in html
    assert f'<a href="{reverse("scoring", args=[started.pk])}">Show all indicators</a>' in html


def test_scoring_page_links_to_the_indicators_still_to_score(client, started, lead_expert):
    client.force_login(lead_expert)

    html = _html(client.get(reverse("scoring", args=[started.pk])))

    url = reverse("scoring", args=[started.pk])
    assert f'<a href="{url}?todo=1">Show only the 4 indicators still to score</a>' in html


def test_score_save_from_the_todo_view_goes_back_to_it(client, started, lead_expert):
    application = started.application
    client.force_login(lead_expert)

    response = client.post(
        _save_url(started, "STR-2"), {"value": "30", "justification": "", "todo": "1"}
    )

    assert response.status_code == 302
    structure = _dimension_pk(application, "STR")
    assert response.url == reverse("scoring", args=[started.pk]) + f"?todo=1#dimension-{structure}"


def test_score_autosave_sends_the_navigation_counts_out_of_band(client, started, lead_expert):
    client.force_login(lead_expert)

    response = client.post(
        _save_url(started, "STR-2"), {"value": "30", "justification": ""}, headers=HTMX
    )

    nav = _block(
        _html(response), '<nav class="card" id="scoring-progress" aria-labelledby', "</nav>"
    )
    assert 'data-hx-swap-oob="true"' in nav
    assert "2 of 2 scored" in nav
    assert "Show only the 3 indicators still to score" in nav


def test_scoring_page_shows_the_experts_scoring_due_date(
    client, started, lead_expert, second_expert
):
    application = started.application
    second = factories.AssignmentFactory(
        application=application,
        expert=second_expert,
        role=AssignmentRole.SECOND,
        status=AssignmentStatus.ACCEPTED,
    )
    deadlines.follow(application)
    due = timezone.now() + datetime.timedelta(days=10)
    application.deadlines.filter(assignee=lead_expert).update(due_at=due)
    application.deadlines.filter(assignee=second.expert).update(
        due_at=due + datetime.timedelta(days=3)
    )
    client.force_login(lead_expert)

    html = _html(client.get(reverse("scoring", args=[started.pk])))

    shown = _block(html, '<p id="scoring-deadline">', "</p>")
    assert "Your scoring is due on" in shown
    assert f'datetime="{timezone.localtime(due):%Y-%m-%dT%H:%M:%S%z}"' in shown
    assert "overdue" not in shown


def test_scoring_page_marks_an_overdue_scoring(client, started, lead_expert):
    application = started.application
    deadlines.follow(application)
    application.deadlines.filter(kind=DeadlineKind.SCORE).update(
        due_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(lead_expert)

    html = _html(client.get(reverse("scoring", args=[started.pk])))

    assert '<strong class="error">overdue</strong>' in _block(
        html, '<p id="scoring-deadline">', "</p>"
    )
