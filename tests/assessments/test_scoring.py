"""Expert scoring (blind until every expert has submitted), clarification questions, consensus
and the agreement rate kept with the rules' recommendation.

The application transitions these services run (begin_consensus, complete_consensus) are
covered in ``tests/labelling/test_transitions.py``; here: what the services compute, store and
refuse.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    ClarificationQuestion,
    ConsensusValue,
    ExpertScore,
)
from assessments.notifications import deliver_question_notification
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import ApplicationState as S
from labelling.models import Level
from tests import factories

TOMORROW = datetime.timedelta(days=1)


def _indicator(application, code):
    return application.methodology.indicators.get(code=code)


@pytest.fixture
def unassigned_expert(db):
    """An accredited expert with no part in the application."""
    return factories.ExpertFactory(email="unassigned@example.org")


def _gold(organisation, manager, state=S.IN_ASSESSMENT):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.GOLD, state=state
    )


def _team(application, lead_expert, second_expert, *, scored=False, second_values=None):
    """The lead's and the second expert's accepted assignments (scored at the thresholds, the
    self-assessed values, unless ``second_values`` says otherwise)."""
    lead = factories.AssignmentFactory(
        application=application,
        expert=lead_expert,
        status=AssignmentStatus.ACCEPTED,
        scored=scored,
    )
    second = factories.AssignmentFactory(
        application=application,
        expert=second_expert,
        role=AssignmentRole.SECOND,
        status=AssignmentStatus.ACCEPTED,
        scored=scored,
        scored__values=second_values,
    )
    return lead, second


@pytest.fixture
def gold(organisation, manager):
    """A GOLD application in assessment: the test methodology's GOLD set has 4 indicators,
    self-assessed at their thresholds (STR-1 15, STR-2 30, GOV-1 1, GOV-2 2)."""
    return _gold(organisation, manager)


@pytest.fixture
def team(gold, lead_expert, second_expert):
    return _team(gold, lead_expert, second_expert)


@pytest.fixture
def lead_assignment(team):
    return team[0]


@pytest.fixture
def scored_team(gold, lead_expert, second_expert):
    """Both experts have scored; they differ on STR-1 only (lead 15, second 20)."""
    return _team(gold, lead_expert, second_expert, scored=True, second_values={"STR-1": 20})


@pytest.fixture
def in_consensus(gold, scored_team, lead_expert, second_expert):
    """Both scorings submitted: the application is in consensus, the agreed values prefilled."""
    lead, second = scored_team
    services.assessment_submit(assignment=lead, actor=lead_expert)
    services.assessment_submit(assignment=second, actor=second_expert)
    gold.refresh_from_db()
    return gold


def _score(assignment, code, value, justification="Checked on site."):
    return services.score_save(
        assignment=assignment,
        indicator=_indicator(assignment.application, code),
        actor=assignment.expert,
        value=value,
        justification=justification,
    )


# --- Scoring -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "value", "light", "points"),
    [
        ("STR-1", "0", "red", 0),
        ("STR-1", "14", "red", 0),
        ("STR-1", "15", "yellow", 1),
        ("STR-1", "49", "yellow", 1),
        ("STR-1", "50", "green", 2),
        ("GOV-2", "1", "red", 0),
        ("GOV-2", "2", "yellow", 1),
        ("GOV-2", "3", "green", 2),
        ("STR-2", "29.99", "red", 0),
        ("STR-2", "30", "yellow", 1),
    ],
    ids=[
        "count-lowest",
        "count-just-below-yellow",
        "count-at-yellow",
        "count-just-below-green",
        "count-at-green",
        "rubric-red",
        "rubric-at-yellow",
        "rubric-at-green",
        "percentage-just-below-yellow",
        "percentage-at-yellow",
    ],
)
def test_score_save_computes_light_and_points_from_the_bands(
    lead_assignment, code, value, light, points
):
    score = _score(lead_assignment, code, value)

    stored = ExpertScore.objects.get(pk=score.pk)
    assert (stored.value, stored.light, stored.points) == (Decimal(value), light, points)


def test_score_save_recomputes_light_and_points_when_the_value_changes(lead_assignment):
    _score(lead_assignment, "STR-1", "50")

    score = _score(lead_assignment, "STR-1", "14")

    assert (score.light, score.points) == ("red", 0)
    assert ExpertScore.objects.filter(assignment=lead_assignment).count() == 1


def test_score_save_differing_from_the_self_assessment_needs_a_justification(lead_assignment):
    with pytest.raises(InvalidInput) as invalid:
        _score(lead_assignment, "STR-1", "20", justification="  ")

    assert invalid.value.field == "justification"
    assert "(15.00)" in invalid.value.message
    assert not ExpertScore.objects.exists()


@pytest.mark.parametrize("value", ["15", "15.00", 15], ids=["text", "text-decimals", "number"])
def test_score_save_equal_to_the_self_assessment_needs_no_justification(lead_assignment, value):
    score = _score(lead_assignment, "STR-1", value, justification="")

    assert (score.value, score.justification) == (Decimal(15), "")


@pytest.mark.parametrize(
    ("code", "value"),
    [("STR-1", "-1"), ("GOV-2", "4"), ("STR-2", "101"), ("STR-1", "1.5"), ("STR-1", "")],
    ids=["negative-count", "rubric-4", "percentage-101", "half-a-member", "empty"],
)
def test_score_save_with_an_impossible_value_is_invalid(lead_assignment, code, value):
    with pytest.raises(InvalidInput) as invalid:
        _score(lead_assignment, code, value)

    assert invalid.value.field == "value"
    assert not ExpertScore.objects.exists()


def test_score_save_for_an_indicator_outside_the_gold_set_is_part_of_a_gold_benchmarking(
    lead_assignment,
):
    score = _score(lead_assignment, "GOV-3", "1")  # not in the GOLD set

    assert score.value == Decimal(1)


def test_score_save_for_an_indicator_of_another_methodology_is_invalid(lead_assignment):
    other = services.methodology_load(
        path=factories.SMALL_METHODOLOGY.with_name("methodology-rounding.yaml")
    )
    indicator = other.indicators.get(code="A")

    with pytest.raises(InvalidInput) as invalid:
        services.score_save(
            assignment=lead_assignment, indicator=indicator, actor=lead_assignment.expert, value=1
        )

    assert invalid.value.field == "indicator"


@pytest.mark.parametrize("state", [S.EXPERTS_ASSIGNED, S.CONSENSUS, S.QUALITY_REVIEW])
def test_score_save_outside_the_assessment_is_refused(
    organisation, manager, lead_expert, second_expert, state
):
    application = _gold(organisation, manager, state=state)
    lead, _second = _team(application, lead_expert, second_expert)

    with pytest.raises(TransitionRefused) as refused:
        _score(lead, "STR-1", "15")

    assert refused.value.current_state == state
    assert not ExpertScore.objects.exists()


def test_score_save_after_submitting_is_refused(gold, scored_team, lead_expert):
    lead, _second = scored_team
    services.assessment_submit(assignment=lead, actor=lead_expert)

    with pytest.raises(TransitionRefused, match="can no longer be changed"):
        _score(lead, "STR-1", "50")

    assert ExpertScore.objects.get(assignment=lead, indicator__code="STR-1").value == 15


@pytest.mark.parametrize(
    "actor",
    ["second_expert", "unassigned_expert", "manager", "secretariat"],
    ids=["other-expert-of-the-application", "unassigned-expert", "manager", "secretariat"],
)
def test_score_save_on_someone_elses_assignment_is_denied(lead_assignment, request, actor):
    person = request.getfixturevalue(actor)

    with pytest.raises(ActionForbidden):
        services.score_save(
            assignment=lead_assignment,
            indicator=_indicator(lead_assignment.application, "STR-1"),
            actor=person,
            value="15",
        )

    assert not ExpertScore.objects.exists()


def test_assessment_submit_with_missing_scores_lists_the_indicators(lead_assignment, lead_expert):
    _score(lead_assignment, "STR-1", "15")

    with pytest.raises(TransitionRefused) as refused:
        services.assessment_submit(assignment=lead_assignment, actor=lead_expert)

    assert refused.value.message == "Your scoring is not complete."
    assert refused.value.details == [
        "STR-2 Share of SMEs among members: no validated value yet.",
        "GOV-1 Written strategy with an action plan: no validated value yet.",
        "GOV-2 Involvement of members in governance: no validated value yet.",
        "GOV-3 Dedicated cluster management staff: no validated value yet.",
    ]
    lead_assignment.refresh_from_db()
    assert lead_assignment.scores_submitted_at is None


# --- Blind assessment ----------------------------------------------------------------------


@pytest.mark.parametrize("viewer_submitted", [False, True], ids=["nobody", "viewer-only"])
def test_other_expert_scores_before_every_expert_submitted_is_denied(
    scored_team, lead_expert, viewer_submitted
):
    lead, _second = scored_team
    if viewer_submitted:
        services.assessment_submit(assignment=lead, actor=lead_expert)

    with pytest.raises(ActionForbidden) as denied:
        services.other_expert_scores(application=lead.application, viewer=lead_expert)

    assert "hidden until every expert has submitted" in denied.value.message


@pytest.mark.parametrize("viewer", ["lead_expert", "second_expert"])
def test_scores_visible_to_an_expert_before_every_expert_submitted_are_their_own(
    gold, scored_team, request, viewer
):
    expert = request.getfixturevalue(viewer)

    scores = services.scores_visible_to(application=gold, viewer=expert)

    assert {s.assignment.expert for s in scores} == {expert}
    assert scores.count() == 5


@pytest.mark.parametrize(
    ("viewer", "other"),
    [("lead_expert", "second_expert"), ("second_expert", "lead_expert")],
    ids=["lead", "second"],
)
def test_scores_after_every_expert_submitted_are_visible_to_both(
    in_consensus, request, viewer, other
):
    expert, other_expert = request.getfixturevalue(viewer), request.getfixturevalue(other)

    others = services.other_expert_scores(application=in_consensus, viewer=expert)
    everything = services.scores_visible_to(application=in_consensus, viewer=expert)

    assert {s.assignment.expert for s in others} == {other_expert}
    assert everything.count() == 10


def test_scores_visible_to_the_secretariat_are_all_before_submission(
    gold, scored_team, secretariat
):
    scores = services.scores_visible_to(application=gold, viewer=secretariat)

    assert scores.count() == 10


@pytest.mark.parametrize("viewer", ["manager", "outsider", "unassigned_expert"])
def test_scores_visible_to_anyone_but_the_experts_and_secretariat_is_denied(
    in_consensus, request, viewer
):
    person = request.getfixturevalue(viewer)

    with pytest.raises(ActionForbidden):
        services.scores_visible_to(application=in_consensus, viewer=person)


# --- Consensus -----------------------------------------------------------------------------


def test_consensus_begins_with_the_agreed_values_prefilled(in_consensus):
    settled = {
        c.indicator.code: (c.value, c.note)
        for c in ConsensusValue.objects.filter(application=in_consensus)
    }

    assert in_consensus.state == S.CONSENSUS
    assert settled == {
        "STR-2": (Decimal(30), "Agreed by all experts."),
        "GOV-1": (Decimal(1), "Agreed by all experts."),
        "GOV-2": (Decimal(2), "Agreed by all experts."),
        "GOV-3": (Decimal("0.5"), "Agreed by all experts."),
    }


def test_consensus_rows_mark_the_indicators_the_experts_differ_on(in_consensus, lead_expert):
    rows = services.consensus_rows(application=in_consensus, viewer=lead_expert)

    assert [r.indicator.code for r in rows] == ["STR-1", "STR-2", "GOV-1", "GOV-2", "GOV-3"]
    assert [r.indicator.code for r in rows if r.experts_differ] == ["STR-1"]
    str_1 = rows[0]
    assert str_1.self_assessed == Decimal(15)
    assert [(s.assignment.role, s.value) for s in str_1.scores] == [
        (AssignmentRole.LEAD, Decimal(15)),
        (AssignmentRole.SECOND, Decimal(20)),
    ]
    assert str_1.consensus is None


def test_consensus_rows_before_every_expert_submitted_is_denied(gold, scored_team, lead_expert):
    with pytest.raises(ActionForbidden):
        services.consensus_rows(application=gold, viewer=lead_expert)


def test_consensus_value_save_by_the_lead_computes_light_and_points(in_consensus, lead_expert):
    consensus = services.consensus_value_save(
        application=in_consensus,
        indicator=_indicator(in_consensus, "STR-1"),
        actor=lead_expert,
        value="50",
        note="Member list re-checked together.",
    )

    stored = ConsensusValue.objects.get(pk=consensus.pk)
    assert (stored.value, stored.light, stored.points, stored.settled_by) == (
        Decimal(50),
        "green",
        2,
        lead_expert,
    )


@pytest.mark.parametrize("actor", ["second_expert", "manager", "secretariat"])
def test_consensus_value_save_by_anyone_but_the_lead_is_denied(in_consensus, request, actor):
    with pytest.raises(ActionForbidden, match="Only the lead expert"):
        services.consensus_value_save(
            application=in_consensus,
            indicator=_indicator(in_consensus, "STR-1"),
            actor=request.getfixturevalue(actor),
            value="20",
        )

    assert not ConsensusValue.objects.filter(indicator__code="STR-1").exists()


def test_consensus_value_save_outside_the_consensus_is_refused(gold, team, lead_expert):
    with pytest.raises(TransitionRefused):
        services.consensus_value_save(
            application=gold, indicator=_indicator(gold, "STR-1"), actor=lead_expert, value="20"
        )


def test_consensus_complete_without_every_value_lists_the_missing_indicators(
    in_consensus, lead_expert
):
    with pytest.raises(TransitionRefused) as refused:
        services.consensus_complete(application=in_consensus, actor=lead_expert)

    assert refused.value.details == ["STR-1 Committed members: no consensus value yet."]
    in_consensus.refresh_from_db()
    assert in_consensus.state == S.CONSENSUS
    assert not in_consensus.recommendations.exists()


@pytest.mark.parametrize(
    ("second_values", "rate"),
    [
        ({}, Decimal("100.0")),
        ({"STR-1": 20}, Decimal("80.0")),
        ({"STR-1": 20, "GOV-2": 3}, Decimal("60.0")),
    ],
    ids=["all-agreed", "4-of-5-agreed", "3-of-5-agreed"],
)
def test_consensus_complete_stores_the_agreement_rate_on_the_recommendation(
    gold, lead_expert, second_expert, second_values, rate
):
    lead, second = _team(gold, lead_expert, second_expert, scored=True, second_values=second_values)
    services.assessment_submit(assignment=lead, actor=lead_expert)
    services.assessment_submit(assignment=second, actor=second_expert)
    gold.refresh_from_db()
    factories.settle_consensus(gold)

    services.consensus_complete(application=gold, actor=lead_expert)

    assert gold.recommendations.get().agreement_rate == rate


# --- Clarification questions ---------------------------------------------------------------


def _ask(application, expert, **kwargs):
    return services.question_ask(
        application=application,
        actor=expert,
        text=kwargs.pop("text", "Please send the signed member list."),
        due_date=kwargs.pop("due_date", timezone.localdate() + TOMORROW),
        **kwargs,
    )


def test_question_ask_emails_the_managers(
    gold, team, lead_expert, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = _ask(gold, lead_expert, indicator=_indicator(gold, "STR-1"))

    assert [m.to for m in mailoutbox] == [[manager.email]]
    assert "signed member list" in mailoutbox[0].body
    question.refresh_from_db()
    assert question.asked_notified_at is not None


def test_question_ask_with_a_due_date_in_the_past_is_invalid(gold, team, lead_expert):
    with pytest.raises(InvalidInput) as invalid:
        _ask(gold, lead_expert, due_date=timezone.localdate() - TOMORROW)

    assert invalid.value.field == "due_date"
    assert not ClarificationQuestion.objects.exists()


@pytest.mark.parametrize("actor", ["manager", "secretariat", "outsider", "unassigned_expert"])
def test_question_ask_by_anyone_but_an_expert_of_the_application_is_denied(
    gold, team, request, actor, django_capture_on_commit_callbacks
):
    person = request.getfixturevalue(actor)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ActionForbidden):
        _ask(gold, person)

    assert callbacks == []
    assert not ClarificationQuestion.objects.exists()


@pytest.fixture
def question(gold, team, lead_expert):
    return _ask(gold, lead_expert)


def test_question_answer_emails_both_experts(
    question, manager, lead_expert, second_expert, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(question=question, actor=manager, answer="Attached.")

    assert sorted(m.to[0] for m in mailoutbox) == sorted([lead_expert.email, second_expert.email])
    assert all("Attached." in m.body for m in mailoutbox)
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("Attached.", manager)


@pytest.mark.parametrize("actor", ["lead_expert", "secretariat", "other_manager"])
def test_question_answer_by_anyone_but_a_manager_of_the_organisation_is_denied(
    question, request, actor
):
    with pytest.raises(ActionForbidden):
        services.question_answer(
            question=question, actor=request.getfixturevalue(actor), answer="Attached."
        )

    question.refresh_from_db()
    assert question.answer == ""


def test_question_answered_twice_is_refused(question, manager):
    services.question_answer(question=question, actor=manager, answer="Attached.")

    with pytest.raises(TransitionRefused, match="already been answered"):
        services.question_answer(question=question, actor=manager, answer="Something else.")

    question.refresh_from_db()
    assert question.answer == "Attached."


def test_question_notification_delivered_twice_sends_nothing_the_second_time(
    question, manager, mailoutbox
):
    services.question_answer(question=question, actor=manager, answer="Attached.")

    first = deliver_question_notification(question, "answered")
    second = deliver_question_notification(question, "answered")

    assert (first, second) == (2, 0)
    assert len(mailoutbox) == 2


# --- Improvement areas ---------------------------------------------------------------------


@pytest.fixture
def silver_area(organisation, manager, lead_expert):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.SILVER, state=S.IN_ASSESSMENT
    )
    factories.AssignmentFactory(
        application=application, expert=lead_expert, status=AssignmentStatus.ACCEPTED
    )
    return application.improvement_areas.first()


def test_improvement_area_not_validated_without_a_note_is_invalid(silver_area, lead_expert):
    with pytest.raises(InvalidInput) as invalid:
        services.improvement_area_validate(
            area=silver_area, actor=lead_expert, validated=False, note=" "
        )

    assert invalid.value.field == "note"
    silver_area.refresh_from_db()
    assert silver_area.validated is True


@pytest.mark.parametrize(
    ("validated", "note"),
    [(True, ""), (False, "No effect could be shown on site.")],
    ids=["validated", "not-validated-with-a-note"],
)
def test_improvement_area_validate_records_the_experts_verdict(
    silver_area, lead_expert, validated, note
):
    services.improvement_area_validate(
        area=silver_area, actor=lead_expert, validated=validated, note=note
    )

    silver_area.refresh_from_db()
    assert (silver_area.validated, silver_area.validation_note, silver_area.validated_by) == (
        validated,
        note,
        lead_expert,
    )


@pytest.mark.parametrize("actor", ["manager", "secretariat"])
def test_improvement_area_validate_by_anyone_but_an_expert_is_denied(silver_area, request, actor):
    with pytest.raises(ActionForbidden):
        services.improvement_area_validate(
            area=silver_area, actor=request.getfixturevalue(actor), validated=True
        )
