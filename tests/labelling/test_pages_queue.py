"""The dashboard's application list: the secretariat's work queue, filtered, ordered, paginated,
with or without HTMX."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from labelling.models import Application, Level
from labelling.models import ApplicationState as S
from tests import factories


def _application(name: str, *, days_ago: int | None = None, **fields) -> Application:
    """An application of a new organisation called ``name``, submitted ``days_ago``."""
    fields.setdefault("state", S.SUBMITTED if days_ago is not None else S.DRAFT)
    application = factories.ApplicationFactory(
        organisation__name=name, self_assessed=False, **fields
    )
    if days_ago is not None:
        # Fixture set-up only: the submission date the queue is ordered by.
        Application.objects.filter(pk=application.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    return application


def _listed(response) -> list[str]:
    return [application.organisation.name for application in response.context["applications"]]


@pytest.fixture
def queue(db):
    return {
        "recent": _application("Recent Cluster", days_ago=1),
        "draft": _application("Draft Cluster"),
        "oldest": _application("Oldest Cluster", days_ago=30, level=Level.GOLD),
        "french": _application("Pôle Français", days_ago=10, organisation__country="FR"),
    }


def test_secretariat_queue_lists_the_oldest_submission_first_and_drafts_last(
    client, secretariat, queue
):
    client.force_login(secretariat)

    response = client.get(reverse("dashboard"))

    assert _listed(response) == [
        "Oldest Cluster",
        "Pôle Français",
        "Recent Cluster",
        "Draft Cluster",
    ]


def test_manager_list_shows_the_newest_opened_first(client, manager, organisation):
    first = factories.ApplicationFactory(organisation=organisation, self_assessed=False)
    second = factories.ApplicationFactory(organisation=organisation, self_assessed=False)
    client.force_login(manager)

    response = client.get(reverse("dashboard"))

    assert [a.pk for a in response.context["applications"]] == [second.pk, first.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"level": Level.GOLD}, ["Oldest Cluster"]),
        ({"country": "FR"}, ["Pôle Français"]),
        ({"q": "  recent "}, ["Recent Cluster"]),
        ({"state": S.DRAFT}, ["Draft Cluster"]),
    ],
    ids=["level", "country", "name-search", "state"],
)
def test_queue_filter_lists_the_matching_applications(client, secretariat, queue, query, expected):
    client.force_login(secretariat)

    response = client.get(reverse("dashboard"), query)

    assert _listed(response) == expected


def test_queue_sorted_by_newest_submission_still_lists_drafts_last(client, secretariat, queue):
    client.force_login(secretariat)

    response = client.get(reverse("dashboard"), {"ordering": "-submitted"})

    assert _listed(response) == [
        "Recent Cluster",
        "Pôle Français",
        "Oldest Cluster",
        "Draft Cluster",
    ]


def test_queue_filter_ignores_an_unknown_value(client, secretariat, queue):
    client.force_login(secretariat)

    response = client.get(reverse("dashboard"), {"level": "platinum"})

    assert len(_listed(response)) == 4


def test_state_counts_count_within_the_other_filters(client, secretariat, queue):
    client.force_login(secretariat)

    response = client.get(reverse("dashboard"), {"country": "DE", "state": S.DRAFT})

    counts = {value: count for value, _label, count in response.context["states"]}
    assert (counts[S.SUBMITTED], counts[S.DRAFT], response.context["total"]) == (2, 1, 3)


def test_state_link_keeps_the_other_filters(client, secretariat, queue):
    client.force_login(secretariat)

    page = client.get(reverse("dashboard"), {"country": "DE"}).content.decode()

    assert 'href="?country=DE&amp;ordering=submitted&amp;state=submitted"' in page


def test_queue_is_paginated(client, secretariat):
    factories.ApplicationFactory.create_batch(26, self_assessed=False)
    client.force_login(secretariat)

    response = client.get(reverse("dashboard"), {"page": 2})

    assert len(response.context["applications"]) == 1
    assert "Page 2 of 2" in response.content.decode()


def test_htmx_filter_request_gets_the_list_alone(client, secretariat, queue):
    client.force_login(secretariat)

    response = client.get(reverse("dashboard"), {"country": "FR"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert "<html" not in page
    assert "Pôle Français" in page
    assert "Recent Cluster" not in page
    assert response["Vary"].count("HX-Request") == 1


def test_htmx_history_restore_gets_the_whole_page(client, secretariat, queue):
    client.force_login(secretariat)

    response = client.get(
        reverse("dashboard"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_filter_form_works_without_javascript_and_with_htmx(client, secretariat):
    client.force_login(secretariat)

    page = client.get(reverse("dashboard")).content.decode()

    assert '<form class="registry-filters" method="get" action="/dashboard/"' in page
    assert (
        'data-hx-get="/dashboard/" data-hx-target="#application-list" data-hx-push-url="true"'
        in page
    )
    assert '<div id="application-list">' in page
