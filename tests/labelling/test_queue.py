""" "Waiting for me": exactly the items whose next action is the person's, with due dates,
filters, order and a constant number of queries; the header's notices."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from labelling import queue
from labelling.models import (
    Application,
    ApplicationState,
    Deadline,
    DeadlineKind,
    Level,
    Notice,
    Outcome,
    StateChange,
)
from reports.demo import walk_application
from tests import factories

S = ApplicationState
K = DeadlineKind
DAY = datetime.timedelta(days=1)


def _actions(user, **options) -> list[tuple[str, int]]:
    return [(row.action, row.application.pk) for row in queue.waiting_for(user, **options)]


@pytest.fixture
def bronze(organisation, manager):
    factories.small_methodology()
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.BRONZE
    )


def _walked(application, crew, to, outcome=Outcome.BRONZE):
    return walk_application(application, to=to, crew=crew(Level.BRONZE), outcome=outcome)


# --- Who sees what ---------------------------------------------------------------------------


def test_a_submitted_application_waits_for_the_secretariats_screening(
    bronze, crew, secretariat, manager, lead_expert
):
    _walked(bronze, crew, S.SUBMITTED)

    assert _actions(secretariat) == [("Screen the application", bronze.pk)]
    assert _actions(manager) == []
    assert _actions(lead_expert) == []


def test_an_invited_expert_is_asked_to_answer_with_the_due_date(bronze, crew, lead_expert):
    _walked(bronze, crew, S.EXPERTS_ASSIGNED)

    [row] = queue.waiting_for(lead_expert)

    assert (row.action, row.application) == ("Answer the invitation to assess", bronze)
    assert row.due_at == Deadline.objects.get(kind=K.RESPOND).due_at
    assert not row.overdue


def test_the_expert_in_assessment_is_asked_to_score(bronze, crew, lead_expert, secretariat):
    _walked(bronze, crew, S.IN_ASSESSMENT)

    assert _actions(lead_expert) == [("Score the application", bronze.pk)]
    assert _actions(secretariat) == []


def test_a_proposal_waits_for_another_secretariat_member_not_its_proposer(
    bronze, crew, secretariat, second_secretariat
):
    _walked(bronze, crew, S.DECISION_PROPOSED)

    assert _actions(secretariat) == []
    assert _actions(second_secretariat) == [("Confirm or reject the proposed decision", bronze.pk)]


def test_the_decision_row_carries_the_due_date_of_the_decision(bronze, crew, secretariat):
    _walked(bronze, crew, S.QUALITY_REVIEW)

    [row] = queue.waiting_for(secretariat)

    assert row.due_at == Deadline.objects.get(kind=K.DECIDE).due_at


def test_a_returned_draft_waits_for_its_manager_until_the_completion_date(
    bronze, crew, secretariat, manager
):
    from labelling import services

    _walked(bronze, crew, S.SUBMITTED)
    services.application_return(application=bronze, actor=secretariat, reason="Add evidence.")

    [row] = queue.waiting_for(manager)

    assert row.action == "Complete and submit the application"
    assert row.due_at == Deadline.objects.get(kind=K.COMPLETE).due_at


def test_a_decided_application_waits_for_the_manager_while_an_appeal_is_possible(
    bronze, crew, manager
):
    _walked(bronze, crew, S.CLOSED, outcome=Outcome.NONE)

    [row] = queue.waiting_for(manager)

    assert row.action.startswith("Read the decision; an appeal is possible until")
    assert row.due_at == Application.objects.get(pk=bronze.pk).appeal_deadline


def test_another_organisations_manager_sees_nothing_of_it(bronze, crew, other_manager):
    _walked(bronze, crew, S.IN_ASSESSMENT)

    assert _actions(other_manager) == []


def test_a_withdrawn_application_leaves_every_queue(bronze, crew, manager, lead_expert):
    from labelling import services

    _walked(bronze, crew, S.IN_ASSESSMENT)
    services.application_withdraw(application=bronze, actor=manager, reason="Merged.")

    assert _actions(lead_expert) == []


def test_work_already_done_shows_only_when_asked(bronze, crew, lead_expert):
    _walked(bronze, crew, S.CONSENSUS)

    current = _actions(lead_expert)
    everything = _actions(lead_expert, include_done=True)

    assert current == [("Agree the consensus", bronze.pk)]
    assert sorted(everything) == sorted(
        [
            *current,
            ("Answer the invitation to assess", bronze.pk),
            ("Score the application", bronze.pk),
        ]
    )


def test_an_overdue_item_is_marked(bronze, crew, lead_expert):
    _walked(bronze, crew, S.IN_ASSESSMENT)
    Deadline.objects.filter(kind=K.SCORE).update(due_at=timezone.now() - DAY)

    [row] = queue.waiting_for(lead_expert)

    assert row.overdue


# --- Filters and order -----------------------------------------------------------------------


def _submitted(name: str, country: str = "DE", level: str = Level.BRONZE) -> Application:
    organisation = factories.OrganisationFactory(name=name, country=country)
    application = factories.ApplicationFactory(
        organisation=organisation, level=level, state=S.SUBMITTED
    )
    StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
        transition="submit",
        source=S.DRAFT,
        target=S.SUBMITTED,
        actor_label="test",
    )
    return application


def test_the_filters_narrow_the_queue_by_country_and_level(secretariat):
    german = _submitted("Alpha", country="DE")
    _submitted("Beta", country="FR")
    gold = _submitted("Gamma", country="DE", level=Level.GOLD)

    by_country = queue.filtered_applications(country="DE")
    by_level = queue.filtered_applications(level=Level.GOLD)

    assert {row.application for row in queue.waiting_for(secretariat, applications=by_country)} == {
        german,
        gold,
    }
    assert [row.application for row in queue.waiting_for(secretariat, applications=by_level)] == [
        gold
    ]


def test_sorting_by_organisation_is_by_name(secretariat):
    for name in ("Cedar", "alder", "Birch"):
        _submitted(name)

    rows = queue.waiting_for(secretariat, sort="organisation")

    assert [row.application.organisation.name for row in rows] == ["alder", "Birch", "Cedar"]


def test_sorting_by_due_date_puts_the_soonest_first_and_undated_last(secretariat, lead_expert):
    undated = _submitted("Undated")
    later, sooner = (
        factories.ApplicationFactory(state=S.IN_ASSESSMENT),
        factories.ApplicationFactory(state=S.IN_ASSESSMENT),
    )
    for application, days in ((later, 9), (sooner, 2)):
        factories.AssignmentFactory(application=application, expert=lead_expert)
        Deadline.objects.create(
            application=application,
            kind=K.SCORE,
            assignee=lead_expert,
            due_at=timezone.now() + days * DAY,
        )

    assert [r.application for r in queue.waiting_for(lead_expert)] == [sooner, later]
    assert [r.application for r in queue.waiting_for(secretariat)] == [undated]


# --- Cost ------------------------------------------------------------------------------------


def _bulk_queue(count: int, expert) -> None:
    organisation = factories.OrganisationFactory()
    methodology = factories.small_methodology()
    applications = Application.objects.bulk_create(
        Application(
            organisation=organisation,
            level=Level.BRONZE,
            methodology=methodology,
            state=S.IN_ASSESSMENT if i % 2 else S.SUBMITTED,
            created_by=expert,
        )
        for i in range(count)
    )
    Deadline.objects.bulk_create(
        Deadline(application=a, kind=K.SCORE, assignee=expert, due_at=timezone.now() + DAY)
        for a in applications
        if a.state == S.IN_ASSESSMENT
    )


def _queries_for_page(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("work_queue"))
    assert response.status_code == 200
    return len(captured)


def test_the_queue_page_costs_the_same_queries_for_10_and_1000_rows(client, secretariat):
    expert = factories.ExpertFactory()
    _bulk_queue(10, expert)
    few = _queries_for_page(client, secretariat)
    _bulk_queue(990, expert)

    many = _queries_for_page(client, secretariat)

    assert many == few


def test_the_experts_queue_costs_the_same_queries_for_10_and_1000_rows(client, db):
    expert = factories.ExpertFactory()
    _bulk_queue(20, expert)
    few = _queries_for_page(client, expert)
    _bulk_queue(1980, expert)

    many = _queries_for_page(client, expert)

    assert many == few


# --- The page and the notices ----------------------------------------------------------------


def test_the_queue_page_lists_the_row_with_its_overdue_mark(client, bronze, crew, lead_expert):
    _walked(bronze, crew, S.IN_ASSESSMENT)
    Deadline.objects.filter(kind=K.SCORE).update(due_at=timezone.now() - DAY)
    client.force_login(lead_expert)

    page = client.get(reverse("work_queue")).content.decode()

    assert "Score the application" in page
    assert 'class="overdue"' in page
    assert "1 overdue" in page


def test_the_queue_page_ignores_a_malformed_filter(client, secretariat):
    client.force_login(secretariat)

    response = client.get(reverse("work_queue"), {"expert": "not-a-number", "sort": "x"})

    assert response.status_code == 200


def test_the_header_counts_unread_notices(client, manager):
    Notice.objects.create(recipient=manager, text="One")
    Notice.objects.create(recipient=manager, text="Two", read_at=timezone.now())
    client.force_login(manager)

    page = client.get(reverse("dashboard")).content.decode()

    assert '<span aria-hidden="true">1</span><span class="visually-hidden">1 unread</span>' in page


def test_marking_all_notices_read_clears_the_count(client, manager):
    Notice.objects.create(recipient=manager, text="One")
    Notice.objects.create(recipient=manager, text="Two")
    client.force_login(manager)

    client.post(reverse("notices_mark_read"))

    assert not Notice.objects.filter(recipient=manager, read_at__isnull=True).exists()


def test_marking_one_notice_read_leaves_the_others(client, manager, other_manager):
    mine = Notice.objects.create(recipient=manager, text="Mine")
    other = Notice.objects.create(recipient=manager, text="Other")
    theirs = Notice.objects.create(recipient=other_manager, text="Theirs")
    client.force_login(manager)

    client.post(reverse("notices_mark_read"), {"notice": mine.pk})
    client.post(reverse("notices_mark_read"), {"notice": theirs.pk})

    mine.refresh_from_db(), other.refresh_from_db(), theirs.refresh_from_db()
    assert (bool(mine.read_at), bool(other.read_at), bool(theirs.read_at)) == (True, False, False)


def test_a_state_change_notification_is_also_a_notice(
    bronze, crew, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _walked(bronze, crew, S.SUBMITTED)

    notice = Notice.objects.get(recipient=secretariat)
    assert notice.application == bronze
    assert notice.text.startswith("Application submitted")


def test_the_dashboards_application_list_marks_overdue_work(client, bronze, crew, secretariat):
    _walked(bronze, crew, S.IN_ASSESSMENT)
    Deadline.objects.filter(kind=K.SCORE).update(due_at=timezone.now() - DAY)
    client.force_login(secretariat)

    page = client.get(reverse("dashboard")).content.decode()

    assert '<strong class="error">overdue</strong>' in page
