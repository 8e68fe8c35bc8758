"""Admin edits of a draft methodology, its dimensions and indicators: recorded per language,
and shown in the timeline of an application assessed under it."""

import pytest
from django.urls import reverse

from assessments.models import Indicator, MethodologyVersion
from assessments.services.methodology import methodology_load
from labelling import selectors
from labelling.history import ADMIN_EDIT, Edit
from tests import factories
from tests.admin_forms import change_form_data


@pytest.fixture
def draft(db) -> MethodologyVersion:
    return methodology_load(path=factories.SMALL_METHODOLOGY, publish=False)


@pytest.fixture
def application(draft, organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, methodology=draft, self_assessed=False
    )


@pytest.fixture
def admin_user(db):
    return factories.SecretariatFactory(full_name="Ada Admin", is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _edit_in_admin(client, obj, **changes: object) -> None:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    response = client.post(url, change_form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def _changes(application) -> list[tuple[str, str, str]]:
    timeline = selectors.application_timeline(application=application)
    return [
        (change.field, change.old, change.new)
        for entry in timeline
        if isinstance(entry, Edit)
        for change in entry.changes
    ]


def test_admin_edit_of_a_label_rule_is_recorded_with_the_admin(admin_client, admin_user, draft):
    _edit_in_admin(admin_client, draft, gold_min_score_pct="85")

    latest = draft.versions.latest()
    assert (latest.history_user, latest.history_change_reason) == (admin_user, ADMIN_EDIT)
    assert str(latest.gold_min_score_pct) == "85.00"


def test_admin_edit_of_a_label_rule_shows_in_the_timeline(admin_client, draft, application):
    _edit_in_admin(admin_client, draft, gold_min_score_pct="85")

    assert _changes(application) == [("GOLD: minimum score (%)", "80.00", "85.00")]


def test_admin_edit_of_a_dimension_in_the_methodology_page_shows_in_the_timeline(
    admin_client, draft, application
):
    position = list(draft.dimensions.all()).index(draft.dimensions.get(code="GOV"))

    _edit_in_admin(admin_client, draft, **{f"dimensions-{position}-title_de": "Governance"})

    assert _changes(application) == [("Title [de]", "—", "Governance")]


def test_admin_edit_of_an_indicator_title_is_recorded_in_its_language(
    admin_client, draft, application
):
    indicator = Indicator.objects.get(methodology=draft, code="STR-1")
    old_title = indicator.title_de

    _edit_in_admin(admin_client, indicator, title_de="Verbindliche Mitglieder")

    latest = indicator.versions.latest()
    assert (latest.title_en, latest.title_de) == ("Committed members", "Verbindliche Mitglieder")
    assert _changes(application) == [("Title [de]", old_title, "Verbindliche Mitglieder")]
