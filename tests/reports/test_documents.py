"""What the report shows, read from the models in the language of the organisation's manager."""

from decimal import Decimal

import pytest

from assessments.models import ConsensusValue, ImprovementArea
from assessments.services.decision import recommendation_compute
from labelling.models import Level
from reports.documents import certificate_data, report_data
from reports.models import Label
from tests import factories


@pytest.fixture
def bronze_for_gold(organisation):
    """A BRONZE label of a GOLD request: every value at its threshold, a GOLD score of 60 %
    (6 of 10 weighted points on the GOLD set), no experts on record."""
    label = factories.LabelFactory(
        organisation=organisation, level=Level.BRONZE, application__level=Level.GOLD
    )
    factories.settle_consensus(label.application)
    recommendation_compute(label.application)
    return label


def test_report_gives_the_rules_reasons_in_the_managers_language(organisation, manager):
    manager.language = "de"
    manager.save(update_fields=["language"])
    label = factories.LabelFactory(organisation=organisation)
    factories.settle_consensus(label.application, {"STR-2": "12.5"})
    recommendation_compute(label.application)

    data = report_data(label.certificate)

    reasons = {row.code: row.reason for row in data.indicators}
    assert reasons["STR-2"] == "12,50 liegt unter dem Schwellenwert 30,00"


def test_report_gives_the_methodologys_own_texts_in_the_managers_language(organisation, manager):
    manager.language = "de"
    manager.save(update_fields=["language"])
    label = factories.LabelFactory(organisation=organisation)
    factories.settle_consensus(label.application)
    recommendation_compute(label.application)

    data = report_data(label.certificate)

    titles = {row.code: (row.title, row.unit) for row in data.indicators}
    assert titles["STR-1"] == ("Verbindlich engagierte Mitglieder", "Mitglieder")
    assert titles["STR-2"][0] == "Share of SMEs among members"  # no German in the file
    assert data.methodology_name == "Kleine Testmethodik"  # its title once, no version number
    assert {d.code: d.title for d in data.dimensions}["STR"] == "Struktur des Clusters"


def test_report_of_a_gold_request_decided_bronze_gives_the_level_applied_for_and_why(
    bronze_for_gold,
):
    data = report_data(bronze_for_gold.certificate)

    assert (data.requested_level, data.requested_level_label, data.level) == (
        "gold",
        "GOLD",
        "bronze",
    )
    assert data.below_request
    assert [shortfall.level for shortfall in data.shortfalls] == ["gold", "silver"]
    gold_reasons = data.shortfalls[0].reasons
    assert gold_reasons[0].startswith("GOLD score 60.00 % is below 80")
    assert "needs a scoring expert from the organisation's country (DE)" in gold_reasons


def test_report_of_the_level_applied_for_gives_no_shortfall(organisation):
    label = factories.LabelFactory(organisation=organisation, level=Level.BRONZE)
    factories.settle_consensus(label.application)
    recommendation_compute(label.application)

    data = report_data(label.certificate)

    assert not data.below_request
    assert data.shortfalls == []


def test_report_gives_the_departure_from_the_rules_with_its_reason(bronze_for_gold):
    application = bronze_for_gold.application
    application.recommended_outcome = Level.GOLD
    application.override_reason = "Evidence for FIN-2 could not be verified on site."
    application.save(update_fields=["recommended_outcome", "override_reason"])

    data = report_data(bronze_for_gold.certificate)

    assert data.departure_reason == "Evidence for FIN-2 could not be verified on site."


def _label_with_scores(organisation, level: str):
    label = factories.LabelFactory(organisation=organisation, level=level)
    # Set after creation: the factory gives its labels a headline score (``Label.score_pct``).
    Label.objects.filter(pk=label.pk).update(
        gold_score_pct=Decimal("81.25"), benchmark_score_pct=Decimal("79.99")
    )
    label.refresh_from_db()
    return label


def test_report_gives_both_scores_of_the_label(organisation):
    label = _label_with_scores(organisation, Level.GOLD)

    data = report_data(label.certificate)

    assert (data.gold_score_pct, data.benchmark_score_pct) == (Decimal("81.25"), Decimal("79.99"))
    assert data.score_pct == Decimal("81.25")


def test_report_marks_eligibility_criteria_gold_minimums_and_the_gold_set(bronze_for_gold):
    data = report_data(bronze_for_gold.certificate)

    marks = {
        row.code: (row.bronze_eligibility, row.gold_minimum, row.in_gold_set)
        for row in data.indicators
    }
    assert marks == {
        "STR-1": (True, True, True),
        "STR-2": (False, False, True),
        "GOV-1": (False, True, True),
        "GOV-2": (False, False, True),
        "GOV-3": (True, False, False),
    }


@pytest.mark.parametrize(
    ("level", "headline"),
    [(Level.GOLD, Decimal("81.25")), (Level.SILVER, Decimal("79.99"))],
    ids=["gold-score", "benchmarking-score"],
)
def test_certificate_shows_the_headline_score_of_the_level(organisation, level, headline):
    label = _label_with_scores(organisation, level)

    assert certificate_data(label.certificate).score_pct == headline


def test_report_recommendations_hold_the_consensus_notes_of_the_indicators_with_one(
    organisation,
):
    label = factories.LabelFactory(organisation=organisation)
    factories.settle_consensus(label.application)
    ConsensusValue.objects.filter(application=label.application, indicator__code="STR-2").update(
        note="The experts differed; the member list was counted again."
    )
    recommendation_compute(label.application)

    data = report_data(label.certificate)

    assert data.recommendations == [
        "STR-2 Share of SMEs among members: The experts differed; the member list was "
        "counted again."
    ]


def test_report_counts_the_improvement_areas_the_expert_validated(organisation):
    label = factories.LabelFactory(organisation=organisation)
    for title, validated in (("Services", True), ("Members", True), ("Funding", False)):
        ImprovementArea.objects.create(
            application=label.application,
            title=title,
            description="What changed.",
            effect="What it did.",
            validated=validated,
        )

    data = report_data(label.certificate)

    assert (data.improvement_areas_declared, data.improvement_areas_validated) == (3, 2)
