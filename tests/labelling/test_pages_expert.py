"""The expert's dashboard: their assignments, the answers they wait for, and the next step."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssignmentRole, AssignmentStatus, ClarificationQuestion
from labelling.models import ApplicationState as S
from labelling.services import application_withdraw
from tests import factories


def _ask(assignment, *, due_in_days: int, answered: bool = False) -> ClarificationQuestion:
    return ClarificationQuestion.objects.create(
        application=assignment.application,
        asked_by=assignment.expert,
        text="Who sits on the board?",
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
        answer="The members' assembly elects it." if answered else "",
        answered_at=timezone.now() if answered else None,
    )


def _assignment(expert, *, state=S.IN_ASSESSMENT, **fields):
    return factories.AssignmentFactory(
        application=factories.ApplicationFactory(
            state=state, self_assessed=False, organisation__name=fields.pop("name", "Cluster")
        ),
        expert=expert,
        **fields,
    )


def _assignments_section(client) -> str:
    page = client.get(reverse("dashboard")).content.decode()
    return page[
        page.index('id="assignments"') : page.index("</section>", page.index('id="assignments"'))
    ]


@pytest.fixture
def accepted(lead_expert):
    return _assignment(lead_expert, name="Mobility Cluster", status=AssignmentStatus.ACCEPTED)


def test_assignment_list_shows_the_expert_their_assignments_with_role_and_status(
    client, lead_expert, accepted
):
    client.force_login(lead_expert)

    section = _assignments_section(client)

    assert "Mobility Cluster" in section
    assert "Lead expert" in section
    assert "Accepted" in section


def test_assignment_list_leaves_out_declined_and_other_experts_assignments(
    client, lead_expert, second_expert, accepted
):
    _assignment(lead_expert, name="Declined Cluster", status=AssignmentStatus.DECLINED)
    _assignment(second_expert, name="Someone Else's Cluster", role=AssignmentRole.LEAD)
    client.force_login(lead_expert)

    response = client.get(reverse("dashboard"))

    assert list(response.context["assignments"]) == [accepted]


def test_assignment_list_shows_the_earliest_answer_due_of_the_open_questions(
    client, lead_expert, accepted
):
    _ask(accepted, due_in_days=3, answered=True)
    sooner = _ask(accepted, due_in_days=5)
    _ask(accepted, due_in_days=9)
    client.force_login(lead_expert)

    assignment = client.get(reverse("dashboard")).context["assignments"][0]

    assert (assignment.next_answer_due, assignment.open_questions) == (sooner.due_date, 2)


def test_assignment_list_marks_an_overdue_answer(client, lead_expert, accepted):
    _ask(accepted, due_in_days=-1)
    client.force_login(lead_expert)

    section = _assignments_section(client)

    assert '<tr class="overdue">' in section
    assert "overdue</strong>" in section


def test_assignment_list_does_not_mark_an_answer_due_later(client, lead_expert, accepted):
    _ask(accepted, due_in_days=2)
    client.force_login(lead_expert)

    section = _assignments_section(client)

    assert "overdue" not in section


def test_invited_expert_is_sent_to_accept_or_decline(client, lead_expert):
    invited = _assignment(lead_expert, state=S.EXPERTS_ASSIGNED)
    client.force_login(lead_expert)

    section = _assignments_section(client)

    url = reverse("application_detail", args=[invited.application_id])
    assert f'<a href="{url}#respond">Accept or decline</a>' in section


def test_application_page_has_the_accept_and_decline_forms_where_the_link_points(
    client, lead_expert
):
    invited = _assignment(lead_expert, state=S.EXPERTS_ASSIGNED)
    client.force_login(lead_expert)

    page = client.get(reverse("application_detail", args=[invited.application_id]))

    respond = page.content.decode().split('<div id="respond">', 1)[1]
    assert reverse("assignment_accept", args=[invited.pk]) in respond
    assert reverse("assignment_decline", args=[invited.pk]) in respond


def test_accepted_expert_is_sent_to_the_scoring(client, lead_expert, accepted):
    client.force_login(lead_expert)

    section = _assignments_section(client)

    assert f'<a href="{reverse("scoring", args=[accepted.pk])}">My scoring</a>' in section


def test_expert_only_dashboard_has_no_application_filters(client, lead_expert, accepted):
    client.force_login(lead_expert)

    page = client.get(reverse("dashboard")).content.decode()

    assert 'id="application-list"' not in page


@pytest.fixture
def invitation_withdrawn(organisation, manager, lead_expert):
    """The manager withdrew the application while the expert's invitation was unanswered."""
    application = factories.ApplicationFactory(
        organisation=organisation,
        created_by=manager,
        state=S.EXPERTS_ASSIGNED,
        self_assessed=False,
    )
    invited = factories.AssignmentFactory(application=application, expert=lead_expert)
    application_withdraw(application=application, actor=manager)
    return invited


def test_withdrawal_leaves_the_invitation_as_it_was(invitation_withdrawn):
    invitation_withdrawn.refresh_from_db()

    assert invitation_withdrawn.status == AssignmentStatus.INVITED


def test_assignment_list_shows_an_invitation_to_a_withdrawn_application_as_ended(
    client, lead_expert, invitation_withdrawn
):
    client.force_login(lead_expert)

    section = _assignments_section(client)

    assert "Invitation ended: the application was withdrawn" in section
    assert ">Invited<" not in section
    assert "Accept or decline" not in section
    assert "Nothing to do" in section


def test_application_page_shows_an_invitation_to_a_withdrawn_application_as_ended(
    client, lead_expert, invitation_withdrawn
):
    client.force_login(lead_expert)

    page = client.get(reverse("application_detail", args=[invitation_withdrawn.application_id]))

    html = page.content.decode()
    assert "Lead expert, Invitation ended: the application was withdrawn" in html
    assert "Lead expert, Invited" not in html
