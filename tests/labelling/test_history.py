"""Every edit is recorded: who, when and what changed; the admin's edits in the timeline."""

import pytest
from django.contrib.auth.models import update_last_login
from django.urls import reverse

from labelling import selectors, services
from labelling.history import ADMIN_EDIT, Edit
from labelling.models import Application, ApplicationState, Level, StateChange, User
from tests import factories
from tests.admin_forms import change_form_data


@pytest.fixture
def admin(db):
    return factories.SecretariatFactory(
        email="admin@example.org", full_name="Ada Admin", is_superuser=True
    )


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def _admin_change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _edit_in_admin(client, obj, **changes: object) -> None:
    url = _admin_change_url(obj)
    response = client.post(url, change_form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def _edits(application: Application) -> list[Edit]:
    timeline = selectors.application_timeline(application=application)
    return [entry for entry in timeline if isinstance(entry, Edit)]


def test_admin_edit_of_an_organisation_is_recorded_with_the_admin_and_the_old_name(
    admin_client, admin, organisation
):
    old_name = organisation.name

    _edit_in_admin(admin_client, organisation, name="Renamed cluster")

    edit, before = organisation.versions.order_by("-history_date", "-history_id")[:2]
    assert (edit.history_user, edit.history_change_reason) == (admin, ADMIN_EDIT)
    assert (before.name, edit.name) == (old_name, "Renamed cluster")


def test_admin_edit_of_an_organisation_shows_in_its_applications_timeline(
    admin_client, client, application, manager
):
    old_name = application.organisation.name
    _edit_in_admin(admin_client, application.organisation, name="Renamed cluster")
    client.force_login(manager)

    content = client.get(reverse("application_detail", args=[application.pk])).content.decode()

    assert "<strong>Edited in the admin</strong>: Organisation “Renamed cluster”, by Ada Admin" in (
        content
    )
    assert f"<li>Name: {old_name} → Renamed cluster</li>" in content


def test_admin_edit_of_the_level_shows_the_levels_by_name(admin_client, application):
    _edit_in_admin(admin_client, application, level=Level.GOLD)

    [edit] = _edits(application)
    assert [(c.field, c.old, c.new) for c in edit.changes] == [
        ("Level applied for", "BRONZE", "GOLD")
    ]


def test_admin_save_that_changes_nothing_adds_no_timeline_entry(admin_client, application):
    _edit_in_admin(admin_client, application)

    assert application.versions.filter(history_change_reason=ADMIN_EDIT).exists()
    assert _edits(application) == []


def test_admin_edit_of_a_row_stored_before_versions_were_kept_shows_the_old_value(
    admin_client, application
):
    application.organisation.versions.all().delete()  # as if stored before the upgrade

    _edit_in_admin(admin_client, application.organisation, website="https://new.example.org")

    [edit] = _edits(application)
    assert [(c.field, c.new) for c in edit.changes] == [("Website", "https://new.example.org")]
    assert edit.changes[0].old == application.organisation.website


def test_workflow_transitions_add_no_edit_to_the_timeline(application, manager, secretariat):
    services.application_submit(application=application, actor=manager)
    services.application_return(application=application, actor=secretariat, reason="Members?")

    timeline = selectors.application_timeline(application=application)

    assert application.versions.count() == 3  # created, submitted, returned: each recorded
    assert [type(entry) for entry in timeline] == [StateChange, StateChange]


def test_transition_on_the_page_records_the_protected_state_with_the_person(client, db):
    application, manager = factories.managed_draft("Recorded cluster")
    client.force_login(manager)

    client.post(reverse("application_action", args=[application.pk, "submit"]))

    latest = application.versions.latest()
    assert (latest.state, latest.history_user) == (ApplicationState.SUBMITTED, manager)
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED


def test_admin_version_page_does_not_revert_on_post(admin_client, application, manager):
    created = application.versions.earliest()
    services.application_submit(application=application, actor=manager)
    url = reverse(
        "admin:labelling_application_simple_history", args=[application.pk, created.history_id]
    )

    response = admin_client.post(url, {"level": Level.BRONZE})

    assert response.status_code == 405
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED


def test_admin_edit_of_a_user_is_recorded_without_the_password(admin_client, admin, manager):
    _edit_in_admin(admin_client, manager, full_name="Manuela Manager")

    latest = manager.versions.latest()
    assert (latest.full_name, latest.history_user) == ("Manuela Manager", admin)
    assert not hasattr(latest, "password")


def test_log_in_records_no_version_of_the_user(manager):
    recorded = manager.versions.count()

    update_last_login(User, manager)

    assert manager.versions.count() == recorded


def test_organisation_edit_outside_the_admin_is_recorded_but_not_shown_as_an_admin_edit(
    application, manager
):
    services.organisation_update(organisation=application.organisation, actor=manager, name="X")

    assert application.organisation.versions.latest().history_change_reason is None
    assert _edits(application) == []


def test_admin_history_page_lists_the_versions_with_what_changed(admin_client, organisation):
    _edit_in_admin(admin_client, organisation, name="Renamed cluster")
    url = reverse("admin:labelling_organisation_history", args=[organisation.pk])

    response = admin_client.get(url)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Name:</strong>" in content


def test_admin_version_page_offers_no_revert(admin_client, organisation):
    version = organisation.versions.latest()
    url = reverse("admin:labelling_organisation_simple_history", args=[organisation.pk, version.pk])

    response = admin_client.get(url)

    assert response.status_code == 200
    assert 'value="Revert"' not in response.content.decode()
