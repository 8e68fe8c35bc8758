"""Organisations a manager registers wait for the secretariat's confirmation; until then their
applications cannot be submitted, by any path."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django_fsm import can_proceed
from rest_framework.test import APIClient

from labelling import services
from labelling.exceptions import ActionForbidden, TransitionRefused
from labelling.models import (
    Application,
    ApplicationState,
    Effect,
    EffectState,
    Membership,
    Organisation,
    OrganisationState,
    StateChange,
)
from labelling.rules import can
from tests import factories
from tests.assertions import nothing_written

pytestmark = pytest.mark.django_db

UNCONFIRMED_MESSAGE = "The labelling secretariat has not confirmed your organisation yet."
PROFILE = {
    "name": "Elbe Logistics Cluster",
    "legal_name": "Elbe Logistics Cluster e.V.",
    "country": "DE",
    "website": "https://elbe-logistics.example.org",
    "founded_year": 2014,
    "members_companies": 30,
    "members_research": 5,
    "members_public": 2,
    "management_fte": "2.0",
}


@pytest.fixture
def unconfirmed(manager) -> Organisation:
    """An organisation its manager registered alone, with their draft ready to submit."""
    organisation = factories.OrganisationFactory(state=OrganisationState.UNCONFIRMED)
    Membership.objects.create(user=manager, organisation=organisation)
    return organisation


@pytest.fixture
def draft(unconfirmed, manager) -> Application:
    return factories.ApplicationFactory(organisation=unconfirmed, created_by=manager)


def _changes(organisation: Organisation):
    return StateChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Organisation), object_id=organisation.pk
    )


def test_an_organisation_a_manager_registers_waits_for_confirmation(manager):
    organisation = services.organisation_create(actor=manager, **PROFILE)

    assert organisation.state == OrganisationState.UNCONFIRMED
    assert not _changes(organisation).exists()


def test_an_organisation_the_secretariat_registers_is_confirmed_at_once(secretariat):
    organisation = services.organisation_create(actor=secretariat, **PROFILE)

    assert organisation.state == OrganisationState.CONFIRMED
    change = _changes(organisation).get()
    assert (change.transition, change.actor) == ("confirm", secretariat)


def test_an_organisation_the_secretariat_adds_in_the_admin_is_confirmed(client):
    member = factories.SecretariatFactory(is_superuser=True)
    client.force_login(member)
    form = {**PROFILE, "region": "", "membership_set-TOTAL_FORMS": "0"}
    form.update({"membership_set-INITIAL_FORMS": "0", "membership_set-MAX_NUM_FORMS": "1000"})

    response = client.post(reverse("admin:labelling_organisation_add"), form)

    assert response.status_code == 302
    organisation = Organisation.objects.get(name=PROFILE["name"])
    assert organisation.state == OrganisationState.CONFIRMED
    assert _changes(organisation).get().actor == member


def test_the_secretariat_confirms_and_the_change_is_recorded(unconfirmed, secretariat):
    change = services.organisation_confirm(organisation=unconfirmed, actor=secretariat)

    unconfirmed.refresh_from_db()
    assert unconfirmed.state == OrganisationState.CONFIRMED
    assert (change.transition, change.source, change.target, change.actor) == (
        "confirm",
        OrganisationState.UNCONFIRMED,
        OrganisationState.CONFIRMED,
        secretariat,
    )
    assert change.transition_label == "Organisation confirmed"


def test_the_confirmation_is_mailed_to_the_managers_through_the_outbox(
    unconfirmed, manager, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    manager.language = "de"
    manager.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        change = services.organisation_confirm(organisation=unconfirmed, actor=secretariat)

    assert Effect.objects.get(key=f"notify:{change.pk}").state == EffectState.DONE
    [mail] = mailoutbox
    assert mail.to == [manager.email]
    assert mail.subject == f"Organisation bestätigt: {unconfirmed.name}"
    assert reverse("organisation_detail", args=[unconfirmed.pk]) in mail.body


def test_confirm_by_a_manager_is_denied(unconfirmed, manager):
    with pytest.raises(ActionForbidden):
        services.organisation_confirm(organisation=unconfirmed, actor=manager)

    unconfirmed.refresh_from_db()
    assert unconfirmed.state == OrganisationState.UNCONFIRMED
    assert not _changes(unconfirmed).exists()


def test_confirming_a_confirmed_organisation_is_refused(organisation, secretariat):
    with pytest.raises(TransitionRefused):
        services.organisation_confirm(organisation=organisation, actor=secretariat)

    assert not _changes(organisation).exists()


def test_a_profile_saved_from_a_page_loaded_before_the_confirmation_keeps_it(
    unconfirmed, manager, secretariat
):
    stale = Organisation.objects.get(pk=unconfirmed.pk)
    services.organisation_confirm(organisation=unconfirmed, actor=secretariat)

    services.organisation_update(organisation=stale, actor=manager, website="https://new.example")

    assert Organisation.objects.get(pk=unconfirmed.pk).state == OrganisationState.CONFIRMED


# Submitting an unconfirmed organisation's application


def test_the_submit_service_refuses_with_the_message(draft, manager):
    with nothing_written(draft), pytest.raises(TransitionRefused) as refused:
        services.application_submit(application=draft, actor=manager)

    assert refused.value.status_code == 409
    assert refused.value.details == [UNCONFIRMED_MESSAGE]


def test_the_rules_refuse_the_submission(draft, manager):
    assert not can(manager, "labelling.submit_application", draft)


def test_the_transition_itself_refuses_the_submission(draft):
    assert not can_proceed(draft.submit)


def test_the_web_page_answers_the_message(client, draft, manager):
    client.force_login(manager)

    response = client.post(reverse("application_action", args=[draft.pk, "submit"]))

    assert response.status_code == 409
    assert UNCONFIRMED_MESSAGE in response.content.decode()
    assert Application.objects.get(pk=draft.pk).state == ApplicationState.DRAFT


def test_the_api_answers_the_message(draft, manager):
    api = APIClient()
    api.force_authenticate(manager)

    response = api.post(reverse("api_application_action", args=[draft.pk, "submit"]))

    assert response.status_code == 409
    assert response.json()["details"] == [UNCONFIRMED_MESSAGE]
    assert (
        "submit"
        not in api.get(reverse("api_application", args=[draft.pk])).json()["allowed_transitions"]
    )


def test_once_confirmed_the_application_is_submitted(draft, manager, secretariat):
    services.organisation_confirm(organisation=draft.organisation, actor=secretariat)

    services.application_submit(application=draft, actor=manager)

    assert Application.objects.get(pk=draft.pk).state == ApplicationState.SUBMITTED


# Pages


@pytest.mark.parametrize("page_name", ["organisation_detail", "application_detail"])
def test_the_manager_reads_the_notice_and_gets_no_submit_button(client, draft, manager, page_name):
    client.force_login(manager)
    pk = draft.organisation_id if page_name == "organisation_detail" else draft.pk

    html = client.get(reverse(page_name, args=[pk])).content.decode()

    assert UNCONFIRMED_MESSAGE in html
    assert 'data-action="submit"' not in html


def test_a_confirmed_organisations_pages_show_no_notice(client, application, manager):
    client.force_login(manager)

    html = client.get(reverse("application_detail", args=[application.pk])).content.decode()

    assert UNCONFIRMED_MESSAGE not in html


def test_the_dashboard_links_the_waiting_organisations_with_their_count(
    client, unconfirmed, secretariat
):
    factories.OrganisationFactory(state=OrganisationState.UNCONFIRMED)
    client.force_login(secretariat)

    html = client.get(reverse("dashboard")).content.decode()

    assert "2 organisations wait for confirmation" in html
    assert reverse("organisations_awaiting_confirmation") in html


def test_the_secretariats_list_shows_the_waiting_organisations_with_their_managers(
    client, unconfirmed, organisation, manager, secretariat
):
    client.force_login(secretariat)

    response = client.get(reverse("organisations_awaiting_confirmation"))

    assert list(response.context["organisations"]) == [unconfirmed]
    assert manager.email in response.content.decode()
    assert reverse("organisation_confirm", args=[unconfirmed.pk]) in response.content.decode()


def test_the_confirm_button_confirms_and_returns_to_the_list(client, unconfirmed, secretariat):
    client.force_login(secretariat)

    response = client.post(reverse("organisation_confirm", args=[unconfirmed.pk]), {"from": "list"})

    assert response.url == reverse("organisations_awaiting_confirmation")
    unconfirmed.refresh_from_db()
    assert unconfirmed.state == OrganisationState.CONFIRMED


@pytest.mark.parametrize("url_name", ["organisations_awaiting_confirmation", "dashboard"])
def test_a_manager_neither_sees_the_list_nor_its_link(client, unconfirmed, manager, url_name):
    client.force_login(manager)

    response = client.get(reverse(url_name))

    if url_name == "dashboard":
        assert reverse("organisations_awaiting_confirmation") not in response.content.decode()
    else:
        assert response.status_code == 403


def test_a_manager_posting_the_confirm_button_is_denied(client, unconfirmed, manager):
    client.force_login(manager)

    response = client.post(reverse("organisation_confirm", args=[unconfirmed.pk]))

    assert response.status_code == 403
    unconfirmed.refresh_from_db()
    assert unconfirmed.state == OrganisationState.UNCONFIRMED


# The migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_confirms_every_organisation_that_existed():
    before, after = (
        [("labelling", "0012_history")],
        [("labelling", "0013_organisation_confirmation")],
    )
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model("labelling", "Organisation")
        old.objects.create(name="Known Cluster", legal_name="Known Cluster e.V.", country="DE")
        executor.loader.build_graph()
        executor.migrate(after)
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    assert Organisation.objects.get(name="Known Cluster").state == OrganisationState.CONFIRMED


def test_the_admin_confirms_the_selected_unconfirmed_organisations(client, unconfirmed):
    member = factories.SecretariatFactory(is_superuser=True)
    client.force_login(member)

    response = client.post(
        reverse("admin:labelling_organisation_changelist"),
        {"action": "confirm", "_selected_action": [unconfirmed.pk]},
        follow=True,
    )

    assert Organisation.objects.get(pk=unconfirmed.pk).state == OrganisationState.CONFIRMED
    assert "1 organisation confirmed." in [str(m) for m in response.context["messages"]]
