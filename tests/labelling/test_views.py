"""Application pages: scoped to the person, refusals shown with their status and message."""

import pytest
from django.urls import reverse

from assessments.models import AssignmentRole, AssignmentStatus
from labelling import services
from labelling.models import Application, Outcome, StateChange
from labelling.models import ApplicationState as S
from tests import factories


def _action_url(application: Application, action: str) -> str:
    return reverse("application_action", args=[application.pk, action])


def _detail_url(application: Application) -> str:
    return reverse("application_detail", args=[application.pk])


def _state_in_db(application: Application) -> str:
    return Application.objects.values_list("state", flat=True).get(pk=application.pk)


@pytest.fixture
def submitted(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.SUBMITTED
    )


@pytest.fixture
def proposed(organisation, manager, second_secretariat):
    """A decision proposed by ``second_secretariat``."""
    return factories.ApplicationFactory(
        organisation=organisation,
        created_by=manager,
        state=S.DECISION_PROPOSED,
        proposed_outcome=Outcome.BRONZE,
        recommended_outcome=Outcome.BRONZE,
        proposed_by=second_secretariat,
    )


def test_action_by_the_right_person_redirects_to_the_application(client, submitted, secretariat):
    client.force_login(secretariat)

    response = client.post(_action_url(submitted, "accept"))

    assert response.status_code == 302
    assert response.url == _detail_url(submitted)
    assert _state_in_db(submitted) == S.ACCEPTED


def test_action_from_a_wrong_state_answers_409_with_the_refusal(client, application, secretariat):
    client.force_login(secretariat)

    response = client.post(_action_url(application, "accept"))

    assert response.status_code == 409
    assert "“Accept as eligible” is not possible while the application is Draft." in (
        response.content.decode()
    )
    assert _state_in_db(application) == S.DRAFT
    assert not application.history.exists()


def test_refusal_in_german_names_the_action_in_german(client, application, secretariat):
    secretariat.language = "de"
    secretariat.save(update_fields=["language"])
    client.force_login(secretariat)

    response = client.post(_action_url(application, "accept"))

    assert response.status_code == 409
    assert "„Als zulässig annehmen“ ist nicht möglich." in response.content.decode()


def test_submit_below_the_eccp_minimums_answers_409_with_the_gaps(client, manager):
    small = factories.OrganisationFactory(members_companies=5, members_research=0)
    factories.MembershipFactory(user=manager, organisation=small)
    application = factories.ApplicationFactory(organisation=small, created_by=manager)
    client.force_login(manager)

    response = client.post(_action_url(application, "submit"))

    assert response.status_code == 409
    assert "At least 15 committed members are required." in response.content.decode()
    assert _state_in_db(application) == S.DRAFT


@pytest.mark.parametrize(
    ("role", "fixture", "action", "wording"),
    [
        ("manager", "submitted", "accept", "Accept as eligible"),
        ("second_secretariat", "proposed", "confirm_decision", "Confirm the decision"),
    ],
    ids=["manager-accepting", "proposer-confirming-own-proposal"],
)
def test_action_by_a_wrong_person_who_can_see_it_answers_403(
    client, request, role, fixture, action, wording
):
    application = request.getfixturevalue(fixture)
    client.force_login(request.getfixturevalue(role))

    response = client.post(_action_url(application, action))

    assert response.status_code == 403
    assert f"You are not allowed to use “{wording}” on this application." in (
        response.content.decode()
    )
    assert _state_in_db(application) == application.state
    assert not application.history.exists()


def test_action_by_an_assigned_expert_answers_403(client, organisation, manager, lead_expert):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.QUALITY_REVIEW
    )
    factories.AssignmentFactory(
        application=application, expert=lead_expert, status=AssignmentStatus.ACCEPTED
    )
    client.force_login(lead_expert)

    response = client.post(_action_url(application, "propose_decision"), {"outcome": Outcome.GOLD})

    assert response.status_code == 403
    assert _state_in_db(application) == S.QUALITY_REVIEW


def test_action_without_a_required_reason_answers_400(client, submitted, secretariat):
    client.force_login(secretariat)

    response = client.post(_action_url(submitted, "reject"), {"reason": "  "})

    assert response.status_code == 400
    assert "A reason is required for “Reject as ineligible”." in response.content.decode()
    assert _state_in_db(submitted) == S.SUBMITTED


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", _detail_url), ("post", lambda app: _action_url(app, "withdraw"))],
    ids=["detail", "action"],
)
def test_other_organisations_manager_gets_404(client, application, other_manager, method, url):
    client.force_login(other_manager)

    response = getattr(client, method)(url(application))

    assert response.status_code == 404
    assert _state_in_db(application) == S.DRAFT


def test_unknown_action_gets_404(client, application, manager):
    client.force_login(manager)

    response = client.post(_action_url(application, "approve_everything"))

    assert response.status_code == 404


def test_detail_shows_the_history(client, application, manager, secretariat):
    services.application_submit(application=application, actor=manager)
    services.application_return(
        application=application, actor=secretariat, reason="Add the member list."
    )
    client.force_login(manager)

    response = client.get(_detail_url(application))

    assert response.status_code == 200
    assert [(c.transition, c.source, c.target, c.actor) for c in response.context["history"]] == [
        ("submit", S.DRAFT, S.SUBMITTED, manager),
        ("return_for_completion", S.SUBMITTED, S.DRAFT, secretariat),
    ]
    content = response.content.decode()
    for line in (
        f"<strong>Submitted</strong>: Draft → Submitted, by {manager.full_name}",
        f"<strong>Returned for completion</strong>: Submitted → Draft, by {secretariat.full_name}",
        "<q>Add the member list.</q>",
    ):
        assert line in content


def test_history_shows_a_system_process_in_the_readers_language(client, application, manager):
    StateChange.objects.create(
        subject=application,
        transition="withdraw",
        source=S.DRAFT,
        target=S.WITHDRAWN,
        actor=None,
        actor_label="system: expiry task",
    )
    manager.language = "de"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    content = client.get(_detail_url(application)).content.decode()

    assert "Zurückgezogen, von System: Ablaufprüfung" in content


def test_detail_does_not_offer_the_proposer_to_confirm_the_own_proposal(
    client, proposed, second_secretariat, secretariat
):
    client.force_login(second_secretariat)
    offered_to_proposer = client.get(_detail_url(proposed)).context["actions"]
    client.force_login(secretariat)
    offered_to_colleague = client.get(_detail_url(proposed)).context["actions"]

    assert [name for name, *_ in offered_to_proposer] == []
    assert [name for name, *_ in offered_to_colleague] == ["confirm_decision", "reject_proposal"]


@pytest.fixture
def applications(organisation, manager, other_manager, lead_expert):
    """One application per way of being related to it."""
    assigned, declined = factories.ApplicationFactory(), factories.ApplicationFactory()
    factories.AssignmentFactory(application=assigned, expert=lead_expert)
    factories.AssignmentFactory(
        application=declined, expert=lead_expert, status=AssignmentStatus.DECLINED
    )
    factories.AssignmentFactory(
        application=declined, role=AssignmentRole.LEAD, status=AssignmentStatus.ACCEPTED
    )
    return {
        "own": factories.ApplicationFactory(organisation=organisation, created_by=manager),
        "other": factories.ApplicationFactory(
            organisation=other_manager.organisations.get(), created_by=other_manager
        ),
        "assigned": assigned,
        "declined": declined,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("manager", {"own"}),
        ("other_manager", {"other"}),
        ("lead_expert", {"assigned"}),
        ("secretariat", {"own", "other", "assigned", "declined"}),
        ("outsider", set()),
    ],
    ids=["manager", "other-manager", "expert", "secretariat", "outsider"],
)
def test_dashboard_lists_only_the_applications_the_user_may_see(
    client, request, applications, role, expected
):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert {a.pk for a in response.context["applications"]} == {
        applications[name].pk for name in expected
    }


def test_history_names_every_transition_of_every_workflow_in_words():
    from assessments.models import MethodologyVersion
    from labelling.models import HISTORY_LABELS, Application
    from reports.models import Certificate, Label

    for model in (Application, Label, Certificate, MethodologyVersion):
        names = {t.name for t in model._meta.get_field("state").get_all_transitions(model)}
        assert names <= set(HISTORY_LABELS), (model.__name__, names - set(HISTORY_LABELS))


def test_every_transition_of_every_workflow_has_an_action_label():
    from assessments.models import MethodologyVersion
    from labelling.models import ACTION_LABELS
    from reports.models import Certificate, Label

    for model in (Application, Label, Certificate, MethodologyVersion):
        names = {t.name for t in model._meta.get_field("state").get_all_transitions(model)}
        assert names <= set(ACTION_LABELS), (model.__name__, names - set(ACTION_LABELS))
