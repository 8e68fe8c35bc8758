"""The secretariat's statistics: applications per state, active labels per level and country,
decided outcomes per level, counted in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from labelling.models import ApplicationState as S
from labelling.models import Level, Outcome
from reports.models import Label, LabelState
from reports.statistics import CrossRow, Tally, scheme_statistics
from tests import factories


def _label(level: str, country: str = "DE", **fields) -> Label:
    return factories.LabelFactory(level=level, organisation__country=country, **fields)


@pytest.fixture
def labels(db):
    """Active labels (two GOLD in Germany, one BRONZE in France) and two that do not count."""
    _label(Level.GOLD)
    _label(Level.GOLD)
    _label(Level.BRONZE, "FR")
    suspended = _label(Level.SILVER)
    # Fixture set-up only: states the label services would have reached.
    Label.objects.filter(pk=suspended.pk).update(state=LabelState.SUSPENDED)
    past = timezone.localdate() - datetime.timedelta(days=1)
    _label(
        Level.SILVER,
        valid_from=past.replace(day=1) - datetime.timedelta(days=800),
        valid_until=past,
    )


def test_statistics_count_the_applications_per_state(db):
    factories.ApplicationFactory.create_batch(2, self_assessed=False)
    factories.ApplicationFactory(state=S.SUBMITTED, self_assessed=False)

    per_state = {row.label: row.count for row in scheme_statistics().applications_per_state}

    assert (per_state["Draft"], per_state["Submitted"], per_state["Accepted"]) == (2, 1, 0)


def test_statistics_count_only_active_labels_per_level(labels):
    assert scheme_statistics().labels_per_level == [
        Tally("GOLD", 2),
        Tally("SILVER", 0),
        Tally("BRONZE", 1),
    ]


def test_statistics_count_active_labels_per_country_and_level_most_first(labels):
    assert scheme_statistics().labels_per_country == [
        CrossRow("Germany", [2, 0, 0], 2),
        CrossRow("France", [0, 0, 1], 1),
    ]


def test_statistics_count_the_decided_outcomes_per_level_applied_for(db):
    for level, outcome in [
        (Level.GOLD, Outcome.GOLD),
        (Level.GOLD, Outcome.SILVER),
        (Level.GOLD, Outcome.NONE),
        (Level.BRONZE, Outcome.BRONZE),
    ]:
        factories.ApplicationFactory(
            level=level, state=S.DECIDED, decided_outcome=outcome, self_assessed=False
        )
    factories.ApplicationFactory(level=Level.BRONZE, state=S.SUBMITTED, self_assessed=False)

    assert scheme_statistics().outcomes_per_level == [
        CrossRow("GOLD", [1, 1, 0, 1], 3),
        CrossRow("BRONZE", [0, 0, 1, 0], 1),
    ]


def test_statistics_take_four_queries_whatever_the_rows(labels, django_assert_num_queries):
    with django_assert_num_queries(4):
        scheme_statistics()


def test_statistics_page_shows_the_figures_to_the_secretariat(client, secretariat, labels):
    client.force_login(secretariat)

    page = client.get(reverse("statistics")).content.decode()

    assert '<tr><th scope="row">Germany</th><td>2</td><td>0</td><td>0</td><td>2</td></tr>' in page
    assert '<meter min="0" max="3" value="2" aria-hidden="true">' in page


@pytest.mark.parametrize("role", ["manager", "lead_expert", "outsider"])
def test_statistics_page_is_forbidden_to_anyone_but_the_secretariat(client, request, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("statistics"))

    assert response.status_code == 403


def test_dashboard_links_the_statistics_for_the_secretariat(client, secretariat):
    client.force_login(secretariat)

    page = client.get(reverse("dashboard")).content.decode()

    assert f'<a href="{reverse("statistics")}">Statistics</a>' in page


def test_dashboard_does_not_link_the_statistics_for_a_manager(client, manager):
    client.force_login(manager)

    page = client.get(reverse("dashboard")).content.decode()

    assert reverse("statistics") not in page
