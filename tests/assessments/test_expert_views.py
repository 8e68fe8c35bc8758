"""Expert pages: the ranked suggestions on an accepted application, inviting, and declaring a
conflict of interest."""

import pytest
from django.urls import reverse

from assessments.models import Assignment, ConflictDeclaration
from labelling.models import ApplicationState as S
from tests import factories


@pytest.fixture
def accepted(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.ACCEPTED
    )


@pytest.fixture
def conflicted(organisation):
    expert = factories.ExpertFactory(full_name="Carla Conflicted")
    factories.ConflictDeclarationFactory(
        expert=expert, organisation=organisation, description="Former employee."
    )
    return expert


def _option(expert) -> str:
    return f'<option value="{expert.pk}">'


def test_application_detail_shows_the_secretariat_the_ranked_experts_and_why(
    client, accepted, secretariat, lead_expert, conflicted
):
    client.force_login(secretariat)

    page = client.get(reverse("application_detail", args=[accepted.pk])).content.decode()

    assert "Suggested experts" in page
    assert "speaks de" in page
    assert "Carla Conflicted declared a conflict of interest" in page
    assert _option(lead_expert) in page
    assert _option(conflicted) not in page  # the invite form offers the eligible only


def test_application_detail_shows_no_suggestions_to_the_manager(client, accepted, manager):
    client.force_login(manager)

    page = client.get(reverse("application_detail", args=[accepted.pk])).content.decode()

    assert "Suggested experts" not in page


def test_inviting_an_ineligible_expert_answers_400_with_the_reasons(
    client, accepted, secretariat, conflicted
):
    client.force_login(secretariat)

    response = client.post(
        reverse("assignment_create", args=[accepted.pk]),
        {"expert": conflicted.pk, "role": "lead"},
    )

    assert response.status_code == 400
    assert "Carla Conflicted cannot assess this application." in response.content.decode()
    assert "Former employee." in response.content.decode()
    assert not Assignment.objects.exists()


def test_conflict_list_declares_the_expert_s_tie(client, organisation, lead_expert):
    client.force_login(lead_expert)

    response = client.post(
        reverse("conflict_list"),
        {"organisation": organisation.pk, "description": "Member of its board."},
    )

    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert (declaration.expert, declaration.organisation, declaration.description) == (
        lead_expert,
        organisation,
        "Member of its board.",
    )


def test_conflict_list_shows_the_expert_s_own_declarations_only(client, lead_expert, conflicted):
    factories.ConflictDeclarationFactory(expert=lead_expert, description="My own tie.")
    client.force_login(lead_expert)

    page = client.get(reverse("conflict_list")).content.decode()

    assert "My own tie." in page
    assert "Former employee." not in page


def test_conflict_list_without_a_description_answers_400(client, organisation, lead_expert):
    client.force_login(lead_expert)

    response = client.post(reverse("conflict_list"), {"organisation": organisation.pk})

    assert response.status_code == 400
    assert not ConflictDeclaration.objects.exists()


@pytest.mark.parametrize("role", ["manager", "outsider"])
def test_conflict_list_for_someone_who_is_not_an_expert_is_denied(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("conflict_list")).status_code == 403


def test_admin_records_a_conflict_for_an_expert_through_the_service(
    client, organisation, lead_expert
):
    admin_user = factories.SecretariatFactory(is_superuser=True)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:assessments_conflictdeclaration_add"),
        {"expert": lead_expert.pk, "organisation": organisation.pk, "description": "By phone."},
    )

    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert (declaration.expert, declaration.declared_by) == (lead_expert, admin_user)
    assert response.url == reverse("admin:assessments_conflictdeclaration_changelist")
