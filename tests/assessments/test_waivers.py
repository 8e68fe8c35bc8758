"""Conflicts identified and waived (four eyes), and an expert withdrawing their own
declaration made by mistake."""

import pytest

from assessments import services
from assessments.models import AssignmentRole, WaiverState
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import ApplicationState as S
from tests import factories


@pytest.fixture
def ada(db):
    return factories.ExpertFactory(full_name="Ada Berger", country="DE")


@pytest.fixture
def accepted(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.ACCEPTED
    )


@pytest.fixture
def declaration(organisation, ada):
    return factories.ConflictDeclarationFactory(
        expert=ada, organisation=organisation, description="Sat on its board until 2019."
    )


@pytest.fixture
def proposed(declaration, secretariat):
    return services.waiver_propose(
        declaration=declaration, actor=secretariat, reason="The board seat ended seven years ago."
    )


def test_a_proposed_waiver_does_not_yet_lift_the_bar(accepted, proposed, ada):
    reasons = services.expert_eligibility(application=accepted, expert=ada)

    assert any("declared a conflict of interest" in reason for reason in reasons)


def test_a_confirmed_waiver_lets_the_expert_be_assigned(
    accepted, proposed, ada, second_secretariat, secretariat
):
    services.waiver_confirm(waiver=proposed, actor=second_secretariat)

    assignment = services.assignment_create(
        application=accepted, expert=ada, role=AssignmentRole.LEAD, actor=secretariat
    )
    assert assignment.expert == ada
    assert proposed.state == WaiverState.CONFIRMED


def test_the_proposer_cannot_confirm_their_own_waiver(proposed, secretariat):
    with pytest.raises(ActionForbidden):
        services.waiver_confirm(waiver=proposed, actor=secretariat)

    proposed.refresh_from_db()
    assert proposed.state == WaiverState.PROPOSED


def test_a_rejected_waiver_keeps_the_bar(accepted, proposed, ada, second_secretariat):
    services.waiver_reject(waiver=proposed, actor=second_secretariat, reason="Too close.")

    reasons = services.expert_eligibility(application=accepted, expert=ada)
    assert any("declared a conflict of interest" in reason for reason in reasons)


def test_a_rejection_needs_a_reason(proposed, second_secretariat):
    with pytest.raises(InvalidInput):
        services.waiver_reject(waiver=proposed, actor=second_secretariat, reason="")


@pytest.mark.parametrize("role", ["manager", "lead_expert"])
def test_only_the_secretariat_proposes_a_waiver(declaration, request, role):
    with pytest.raises(ActionForbidden):
        services.waiver_propose(
            declaration=declaration, actor=request.getfixturevalue(role), reason="Fine."
        )


def test_a_second_waiver_while_one_is_proposed_is_refused(proposed, declaration, secretariat):
    with pytest.raises(TransitionRefused):
        services.waiver_propose(declaration=declaration, actor=secretariat, reason="Again.")


def test_every_step_is_in_the_history_of_the_organisations_open_application(
    accepted, proposed, second_secretariat
):
    services.waiver_confirm(waiver=proposed, actor=second_secretariat)

    steps = list(accepted.history.values_list("transition", flat=True))
    assert steps[-2:] == ["propose_waiver", "confirm_waiver"]
    assert list(proposed.history.values_list("transition", "target")) == [
        ("create", "proposed"),
        ("confirm", "confirmed"),
    ]


def test_the_report_names_the_waiver_in_its_impartiality_section(
    accepted, proposed, ada, second_secretariat, secretariat
):
    from reports.documents import impartiality_lines

    services.waiver_confirm(waiver=proposed, actor=second_secretariat)
    factories.AssignmentFactory(application=accepted, expert=ada, status="accepted")

    lines = impartiality_lines(accepted)

    assert lines[1].startswith("Expert A: a declared tie (Sat on its board until 2019.)")
    assert lines[1].endswith("The board seat ended seven years ago.")


# --- The expert's own withdrawal ------------------------------------------------------------


def test_an_expert_withdraws_their_own_declaration_with_a_reason(declaration, ada):
    services.conflict_withdraw(declaration=declaration, actor=ada, reason="Wrong cluster.")

    declaration.refresh_from_db()
    assert (declaration.withdrawn_by, declaration.withdrawal_reason) == (ada, "Wrong cluster.")


def test_an_expert_cannot_withdraw_one_the_secretariat_recorded(organisation, ada, secretariat):
    recorded = factories.ConflictDeclarationFactory(
        expert=ada, organisation=organisation, declared_by=secretariat
    )

    with pytest.raises(ActionForbidden):
        services.conflict_withdraw(declaration=recorded, actor=ada, reason="Not true.")


def test_an_expert_cannot_withdraw_anothers_declaration(declaration, lead_expert):
    with pytest.raises(ActionForbidden):
        services.conflict_withdraw(declaration=declaration, actor=lead_expert, reason="No.")


def test_the_expert_withdraws_from_their_conflicts_page(client, declaration, ada):
    client.force_login(ada)
    page = client.get("/experts/conflicts/").content.decode()
    assert f"/experts/conflicts/{declaration.pk}/withdraw/" in page

    response = client.post(
        f"/experts/conflicts/{declaration.pk}/withdraw/", {"reason": "Another cluster."}
    )

    declaration.refresh_from_db()
    assert response.status_code == 302
    assert declaration.withdrawal_reason == "Another cluster."


def test_the_secretariat_proposes_and_a_colleague_confirms_on_the_page(
    client, declaration, secretariat, second_secretariat
):
    client.force_login(secretariat)
    client.post(f"/conflicts/{declaration.pk}/waive/", {"reason": "Long ago."})
    waiver = declaration.waivers.get()
    assert "A second secretariat member confirms" in client.get("/conflicts/").content.decode()

    client.force_login(second_secretariat)
    client.post(f"/waivers/{waiver.pk}/confirm/")

    waiver.refresh_from_db()
    assert (waiver.state, waiver.decided_by) == (WaiverState.CONFIRMED, second_secretariat)


def test_the_waiver_page_is_the_secretariats(client, lead_expert):
    client.force_login(lead_expert)

    assert client.get("/conflicts/").status_code == 403
