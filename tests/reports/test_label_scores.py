"""A label keeps both scores of its decision; the API's ``score_pct`` is the headline one."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from rest_framework.test import APIClient

from labelling.models import ApplicationState, Level, Outcome
from reports import services as report_services
from reports.models import Label
from tests import factories

BEFORE = [("reports", "0001_initial")]
AFTER = [("reports", "0002_label_two_scores")]


def _label(organisation, level: str, gold: str | None, benchmark: str | None) -> Label:
    label = factories.LabelFactory(organisation=organisation, level=level)
    Label.objects.filter(pk=label.pk).update(
        gold_score_pct=gold and Decimal(gold), benchmark_score_pct=benchmark and Decimal(benchmark)
    )
    label.refresh_from_db()
    return label


def test_label_issue_keeps_both_scores_of_the_recommendation(organisation, manager, secretariat):
    application = factories.ApplicationFactory(
        organisation=organisation,
        created_by=manager,
        level=Level.GOLD,
        state=ApplicationState.DECIDED,
        decided_outcome=Outcome.BRONZE,
        recommended=Outcome.BRONZE,
    )
    application.recommendations.update(
        gold_score_pct=Decimal("79.99"), benchmark_score_pct=Decimal("74.50")
    )

    label = report_services.label_issue(application=application, actor=secretariat).label

    label.refresh_from_db()
    assert (label.level, label.gold_score_pct, label.benchmark_score_pct) == (
        Level.BRONZE,
        Decimal("79.99"),
        Decimal("74.50"),
    )


@pytest.mark.parametrize(
    ("level", "headline"),
    [(Level.GOLD, "81.25"), (Level.SILVER, "79.99"), (Level.BRONZE, "79.99")],
    ids=["gold", "silver", "bronze"],
)
def test_api_gives_both_scores_and_the_headline_score_of_the_level(
    organisation, secretariat, level, headline
):
    label = _label(organisation, level, "81.25", "79.99")
    api = APIClient()
    api.force_authenticate(secretariat)

    row = api.get(reverse("api_label", args=[label.pk])).json()

    assert (row["score_pct"], row["gold_score_pct"], row["benchmark_score_pct"]) == (
        headline,
        "81.25",
        "79.99",
    )


@pytest.mark.django_db(transaction=True)
def test_migration_moves_the_old_score_into_the_score_of_its_set(organisation):
    """GOLD and SILVER labels were scored on the GOLD set, BRONZE labels on every indicator."""
    labels = {
        level: _label(organisation, level, gold, benchmark)
        for level, gold, benchmark in [
            (Level.GOLD, "91.2", None),
            (Level.SILVER, "70.5", None),
            (Level.BRONZE, None, "60.1"),
        ]
    }
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old_label = executor.loader.project_state(BEFORE).apps.get_model("reports", "Label")
        old_scores = dict(old_label.objects.values_list("level", "score_pct"))
        executor.loader.build_graph()
        executor.migrate(AFTER)
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    assert old_scores == {
        Level.GOLD: Decimal("91.2"),
        Level.SILVER: Decimal("70.5"),
        Level.BRONZE: Decimal("60.1"),
    }
    moved = {
        label.level: (label.gold_score_pct, label.benchmark_score_pct)
        for label in Label.objects.filter(pk__in=[label.pk for label in labels.values()])
    }
    assert moved == {
        Level.GOLD: (Decimal("91.20"), None),
        Level.SILVER: (Decimal("70.50"), None),
        Level.BRONZE: (None, Decimal("60.10")),
    }
