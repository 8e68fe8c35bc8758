"""The manager's self-assessment: answers saved and resumed, values checked by their type, editing
only by the organisation's managers while it is a draft, progress per dimension, and the list of
what is missing that keeps it from being submitted."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from assessments import services
from assessments.models import ImprovementArea, SelfAssessmentAnswer
from assessments.services.methodology import methodology_load
from labelling import services as labelling_services
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import ApplicationState as S
from labelling.models import Level
from tests import factories
from tests.assertions import nothing_written

DENIED = "Only the organisation's managers can edit the self-assessment, while it is a draft."
STR_1 = "STR-1 Committed members"
STR_2 = "STR-2 Share of SMEs among members"
GOV_1 = "GOV-1 Written strategy with an action plan"
GOV_2 = "GOV-2 Involvement of members in governance"
GOV_3 = "GOV-3 Dedicated cluster management staff"


@pytest.fixture
def draft(organisation, manager):
    """A BRONZE draft with nothing self-assessed yet."""
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, self_assessed=False
    )


@pytest.fixture
def silver(organisation, manager):
    """A SILVER draft whose values and evidence are complete, without improvement areas."""
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.SILVER
    )
    application.improvement_areas.all().delete()
    return application


def _indicator(application, code):
    return application.methodology.indicators.get(code=code)


def _save(application, actor, code, value, comment=""):
    return services.answer_save(
        application=application,
        indicator=_indicator(application, code),
        actor=actor,
        value=value,
        comment=comment,
    )


def _stored(application, code):
    return SelfAssessmentAnswer.objects.get(application=application, indicator__code=code)


def _add_area(application, actor, title="Shared lab", description="Opened", effect="More R&D"):
    return services.improvement_area_add(
        application=application, actor=actor, title=title, description=description, effect=effect
    )


# --- answer_save ---------------------------------------------------------------------------


def test_answer_save_stores_the_value_the_comment_and_who_saved_it(draft, manager):
    _save(draft, manager, "STR-1", "42", comment="  Letters from 42 members.  ")

    answer = _stored(draft, "STR-1")
    assert (answer.value, answer.comment, answer.updated_by) == (
        Decimal(42),
        "Letters from 42 members.",
        manager,
    )


def test_answer_save_again_overwrites_the_earlier_answer(draft, manager):
    _save(draft, manager, "STR-1", "42", comment="First count")

    _save(draft, manager, "STR-1", "55", comment="Recounted")

    answer = _stored(draft, "STR-1")
    assert (answer.value, answer.comment) == (Decimal(55), "Recounted")
    assert draft.answers.count() == 1


def test_answer_save_keeps_earlier_answers_so_the_work_can_be_resumed(draft, manager):
    _save(draft, manager, "STR-1", "42")
    resumed = type(draft).objects.get(pk=draft.pk)

    _save(resumed, manager, "GOV-1", "1")

    assert dict(resumed.answers.values_list("indicator__code", "value")) == {
        "STR-1": Decimal(42),
        "GOV-1": Decimal(1),
    }


def test_answer_save_with_an_empty_value_clears_it_and_keeps_the_comment(draft, manager):
    _save(draft, manager, "STR-1", "42")

    _save(draft, manager, "STR-1", "  ", comment="Still counting")

    answer = _stored(draft, "STR-1")
    assert (answer.value, answer.comment) == (None, "Still counting")


@pytest.mark.parametrize(
    ("code", "raw", "expected"),
    [
        ("STR-2", "33,5", Decimal("33.5")),
        ("GOV-1", True, Decimal(1)),
        ("GOV-2", 3, Decimal(3)),
        ("GOV-3", " 0.75 ", Decimal("0.75")),
    ],
    ids=["decimal-comma", "yes-as-true", "rubric-top-level", "amount-with-spaces"],
)
def test_answer_save_accepts_each_value_type_in_its_range(draft, manager, code, raw, expected):
    _save(draft, manager, code, raw)

    assert _stored(draft, code).value == expected


@pytest.mark.parametrize(
    ("code", "raw", "message"),
    [
        ("STR-1", "1.5", "Enter a whole number."),
        ("STR-1", "-1", "Enter a value from 0 to 1,000,000."),
        ("STR-2", "100.5", "Enter a value from 0 to 100."),
        ("STR-2", "33.333", "Use at most two decimal places."),
        ("GOV-1", "2", "Enter a value from 0 to 1."),
        ("GOV-2", "4", "Enter a value from 0 to 3."),
        ("GOV-2", "2.5", "Enter a whole number."),
        ("GOV-3", "two", "Enter a number."),
        ("GOV-3", "NaN", "Enter a number."),
    ],
    ids=[
        "count-fraction",
        "count-negative",
        "percentage-above-100",
        "percentage-three-decimals",
        "yes-no-two",
        "rubric-four",
        "rubric-fraction",
        "amount-words",
        "amount-nan",
    ],
)
def test_answer_save_of_an_invalid_value_is_refused_and_keeps_the_earlier_answer(
    draft, manager, code, raw, message
):
    _save(draft, manager, code, "1", comment="Earlier")

    with pytest.raises(InvalidInput) as refused:
        _save(draft, manager, code, raw, comment="Replaced?")

    assert (refused.value.message, refused.value.field) == (message, "value")
    answer = _stored(draft, code)
    assert (answer.value, answer.comment) == (Decimal(1), "Earlier")


@pytest.mark.parametrize(
    "value", [Decimal("1000000000.01"), Decimal(-1)], ids=["above-any-type", "negative"]
)
def test_answer_model_refuses_a_value_outside_every_value_types_range(draft, manager, value):
    answer = SelfAssessmentAnswer(
        application=draft, indicator=_indicator(draft, "STR-1"), updated_by=manager, value=value
    )

    with pytest.raises(ValidationError) as refused:
        answer.full_clean()

    assert list(refused.value.message_dict) == ["value"]


def test_answer_save_after_submission_is_denied(organisation, manager):
    submitted = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.SUBMITTED
    )

    with pytest.raises(ActionForbidden) as refused:
        _save(submitted, manager, "STR-1", "99")

    assert refused.value.message == DENIED
    assert _stored(submitted, "STR-1").value == Decimal(15)


@pytest.mark.parametrize("actor", ["other_manager", "secretariat", "lead_expert", "outsider"])
def test_answer_save_by_anyone_but_the_organisations_manager_is_denied(draft, request, actor):
    with pytest.raises(ActionForbidden) as refused:
        _save(draft, request.getfixturevalue(actor), "STR-1", "42")

    assert refused.value.message == DENIED
    assert not draft.answers.exists()


def test_answer_save_for_an_indicator_of_another_methodology_is_invalid(draft, manager, tmp_path):
    source = factories.SMALL_METHODOLOGY.read_text().replace('version: "1"', 'version: "2"')
    (tmp_path / "v2.yaml").write_text(source)
    other = methodology_load(path=tmp_path / "v2.yaml").indicators.get(code="STR-1")

    with pytest.raises(InvalidInput) as refused:
        services.answer_save(application=draft, indicator=other, actor=manager, value="42")

    assert refused.value.field == "indicator"
    assert not draft.answers.exists()


# --- answers_save (one dimension of the form) ----------------------------------------------


def test_answers_save_keeps_the_valid_answers_and_returns_the_refused_ones(draft, manager):
    str_1, str_2 = _indicator(draft, "STR-1"), _indicator(draft, "STR-2")

    refused = services.answers_save(
        application=draft,
        actor=manager,
        answers={str_1: ("42", "Counted"), str_2: ("150", "Too many")},
    )

    assert refused == {str_2.pk: "Enter a value from 0 to 100."}
    assert dict(draft.answers.values_list("indicator__code", "value")) == {"STR-1": Decimal(42)}


def test_answers_save_by_someone_who_may_not_edit_saves_nothing(draft, other_manager):
    with pytest.raises(ActionForbidden):
        services.answers_save(
            application=draft,
            actor=other_manager,
            answers={_indicator(draft, "STR-1"): ("42", "")},
        )

    assert not draft.answers.exists()


# --- Improvement areas -----------------------------------------------------------------------


def test_improvement_area_add_stores_title_description_and_effect(silver, manager):
    area = _add_area(silver, manager, title=" Shared lab ", description="Opened", effect="R&D")

    area.refresh_from_db()
    assert (area.application, area.title, area.description, area.effect, area.validated) == (
        silver,
        "Shared lab",
        "Opened",
        "R&D",
        None,
    )


@pytest.mark.parametrize("missing", ["title", "description", "effect"])
def test_improvement_area_add_without_each_part_is_refused_naming_the_field(
    silver, manager, missing
):
    parts = {"title": "Shared lab", "description": "Opened", "effect": "R&D", missing: "  "}

    with pytest.raises(InvalidInput) as refused:
        services.improvement_area_add(application=silver, actor=manager, **parts)

    assert (refused.value.message, refused.value.field) == ("This field is required.", missing)
    assert not silver.improvement_areas.exists()


def test_improvement_area_add_to_an_application_for_another_level_is_invalid(draft, manager):
    with pytest.raises(InvalidInput) as refused:
        _add_area(draft, manager)

    assert refused.value.message == "Improvement areas belong to SILVER applications only."
    assert not draft.improvement_areas.exists()


def test_improvement_area_add_after_submission_is_denied(organisation, manager):
    submitted = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.SILVER, state=S.SUBMITTED
    )

    with pytest.raises(ActionForbidden):
        _add_area(submitted, manager)

    assert submitted.improvement_areas.count() == 3


def test_improvement_area_add_by_another_organisations_manager_is_denied(silver, other_manager):
    with pytest.raises(ActionForbidden):
        _add_area(silver, other_manager)

    assert not silver.improvement_areas.exists()


def test_improvement_area_remove_deletes_it(silver, manager):
    area = _add_area(silver, manager)

    services.improvement_area_remove(area=area, actor=manager)

    assert not ImprovementArea.objects.filter(pk=area.pk).exists()


def test_improvement_area_remove_by_another_organisations_manager_is_denied(
    silver, manager, other_manager
):
    area = _add_area(silver, manager)

    with pytest.raises(ActionForbidden):
        services.improvement_area_remove(area=area, actor=other_manager)

    assert ImprovementArea.objects.filter(pk=area.pk).exists()


# --- Progress ----------------------------------------------------------------------------


def _progress(application):
    return [
        (p.code, p.answered, p.total, p.percent)
        for p in services.self_assessment_progress(application)
    ]


def test_self_assessment_progress_counts_the_answered_indicators_per_dimension(draft, manager):
    _save(draft, manager, "STR-1", "42")
    _save(draft, manager, "GOV-2", "3")

    assert _progress(draft) == [("STR", 1, 2, 50), ("GOV", 1, 3, 33)]


def test_self_assessment_progress_does_not_count_an_answer_without_a_value(draft, manager):
    _save(draft, manager, "STR-1", "", comment="Still counting")

    assert _progress(draft) == [("STR", 0, 2, 0), ("GOV", 0, 3, 0)]


def test_self_assessment_progress_of_a_gold_application_counts_every_indicator(
    organisation, manager
):
    gold = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.GOLD, self_assessed=False
    )

    assert _progress(gold) == [("STR", 0, 2, 0), ("GOV", 0, 3, 0)]


def test_self_assessment_status_counts_the_evidence_still_missing_per_dimension(draft, manager):
    _save(draft, manager, "STR-1", "42")

    status = services.self_assessment_status(draft)

    assert [(d.code, d.evidence_missing) for d in status.dimensions] == [("STR", 1), ("GOV", 1)]
    assert status.evidence_missing == 2


def test_self_assessment_status_points_each_dimension_at_its_first_indicator_with_work_left(
    draft, manager
):
    _save(draft, manager, "GOV-1", "1")

    status = services.self_assessment_status(draft)

    assert [d.next_indicator_id for d in status.dimensions] == [
        _indicator(draft, "STR-1").pk,
        _indicator(draft, "GOV-1").pk,  # answered, but its evidence is missing
    ]
    assert status.next_dimension.code == "STR"


def test_self_assessment_status_of_a_complete_self_assessment_has_no_next_dimension(application):
    status = services.self_assessment_status(application)

    assert status.next_dimension is None
    assert all(d.complete for d in status.dimensions)


def test_self_assessment_summary_counts_what_is_missing_in_a_few_lines(draft, manager):
    _save(draft, manager, "STR-1", "42")

    assert services.self_assessment_summary(draft) == [
        "4 indicators have no value yet.",
        "2 indicators need their evidence.",
    ]


def test_self_assessment_summary_says_one_missing_item_in_the_singular(silver, manager):
    for n in range(2):
        _add_area(silver, manager, title=f"Area {n}")

    assert services.self_assessment_summary(silver) == ["SILVER needs 1 more improvement area."]


# --- What is missing ---------------------------------------------------------------------


def test_self_assessment_gaps_list_each_missing_value_and_evidence(draft):
    assert services.self_assessment_gaps(draft) == [
        f"{STR_1}: no value yet.",
        f"{STR_1}: evidence missing (Member list with commitment letters).",
        f"{STR_2}: no value yet.",
        f"{GOV_1}: no value yet.",
        f"{GOV_1}: evidence missing (Strategy document).",
        f"{GOV_2}: no value yet.",
        f"{GOV_3}: no value yet.",
    ]


def test_self_assessment_gaps_name_only_the_evidence_once_every_value_is_given(draft, manager):
    for code, value in [("STR-1", 42), ("STR-2", 40), ("GOV-1", 1), ("GOV-2", 2), ("GOV-3", 1)]:
        _save(draft, manager, code, value)

    assert services.self_assessment_gaps(draft) == [
        f"{STR_1}: evidence missing (Member list with commitment letters).",
        f"{GOV_1}: evidence missing (Strategy document).",
    ]


@pytest.mark.parametrize("given", [0, 2])
def test_self_assessment_gaps_of_silver_ask_for_three_improvement_areas(silver, manager, given):
    for n in range(given):
        _add_area(silver, manager, title=f"Area {n}")

    assert services.self_assessment_gaps(silver) == [
        f"SILVER needs at least 3 improvement areas; {given} given."
    ]


def test_self_assessment_gaps_of_silver_with_three_improvement_areas_are_empty(silver, manager):
    for n in range(3):
        _add_area(silver, manager, title=f"Area {n}")

    assert services.self_assessment_gaps(silver) == []


def test_self_assessment_gaps_of_a_complete_self_assessment_are_empty(application):
    assert services.self_assessment_gaps(application) == []


# --- Submitting ----------------------------------------------------------------------------


def test_submit_with_an_incomplete_self_assessment_is_refused_with_what_is_missing(draft, manager):
    _save(draft, manager, "STR-1", "42")

    with nothing_written(draft), pytest.raises(TransitionRefused) as refused:
        labelling_services.application_submit(application=draft, actor=manager)

    assert refused.value.status_code == 409
    assert refused.value.message == "“Submit the application” is not possible yet."
    assert refused.value.details == [
        f"{STR_1}: evidence missing (Member list with commitment letters).",
        f"{STR_2}: no value yet.",
        f"{GOV_1}: no value yet.",
        f"{GOV_1}: evidence missing (Strategy document).",
        f"{GOV_2}: no value yet.",
        f"{GOV_3}: no value yet.",
    ]


def test_submit_of_silver_without_improvement_areas_is_refused_naming_them(silver, manager):
    with nothing_written(silver), pytest.raises(TransitionRefused) as refused:
        labelling_services.application_submit(application=silver, actor=manager)

    assert refused.value.details == ["SILVER needs at least 3 improvement areas; 0 given."]


def test_submit_after_completing_the_self_assessment_through_the_services_succeeds(draft, manager):
    for code, value in [("STR-1", 42), ("STR-2", 40), ("GOV-1", 1), ("GOV-2", 2), ("GOV-3", 1)]:
        _save(draft, manager, code, value)
    for code in ("STR-1", "GOV-1"):
        services.evidence_upload(
            application=draft,
            actor=manager,
            upload=ContentFile(factories.PDF_BYTES),
            name=f"{code}.pdf",
            indicator=_indicator(draft, code),
        )

    labelling_services.application_submit(application=draft, actor=manager)

    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED
