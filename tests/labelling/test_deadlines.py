"""Due dates: opened and closed where the work starts and ends, reminders before and after,
capped, then escalation; idempotent reruns; nothing for finished work; moved dates recorded."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import AssignmentStatus
from labelling import deadlines, services
from labelling.exceptions import ActionForbidden, InvalidInput
from labelling.models import (
    ApplicationState,
    Deadline,
    DeadlineKind,
    Level,
    Notice,
    Outcome,
    Reminder,
)
from reports.demo import walk_application
from tests import factories

S = ApplicationState
K = DeadlineKind
DAY = datetime.timedelta(days=1)


@pytest.fixture
def bronze(organisation, manager):
    factories.small_methodology()
    return services.application_create(organisation=organisation, level=Level.BRONZE, actor=manager)


def _open_kinds(application) -> set[tuple[str, int | None]]:
    return set(
        Deadline.objects.filter(application=application, done_at__isnull=True).values_list(
            "kind", "assignee_id"
        )
    )


def _walk(application, crew, to, outcome=Outcome.BRONZE):
    return walk_application(application, to=to, crew=crew(Level.BRONZE), outcome=outcome)


def test_assigning_experts_asks_each_expert_to_answer_by_the_default_date(
    bronze, crew, lead_expert, settings
):
    _walk(bronze, crew, S.EXPERTS_ASSIGNED)

    deadline = Deadline.objects.get(application=bronze, done_at__isnull=True)
    assert (deadline.kind, deadline.assignee) == (K.RESPOND, lead_expert)
    expected = deadline.opened_at + datetime.timedelta(days=settings.DEADLINE_DAYS["respond"])
    assert deadline.due_at == expected


def test_accepting_closes_the_answer_and_opens_the_scoring(bronze, crew, lead_expert):
    _walk(bronze, crew, S.IN_ASSESSMENT)

    assert _open_kinds(bronze) == {(K.SCORE, lead_expert.pk)}
    assert Deadline.objects.get(application=bronze, kind=K.RESPOND).done_at is not None


def test_submitting_the_scoring_opens_the_lead_experts_consensus(bronze, crew, lead_expert):
    _walk(bronze, crew, S.CONSENSUS)

    assert _open_kinds(bronze) == {(K.CONSENSUS, lead_expert.pk)}


def test_quality_review_waits_for_the_secretariats_decision(bronze, crew):
    _walk(bronze, crew, S.DECISION_PROPOSED)

    assert _open_kinds(bronze) == {(K.DECIDE, None)}


def test_confirmed_decision_leaves_nothing_due(bronze, crew):
    _walk(bronze, crew, S.DECIDED)

    assert _open_kinds(bronze) == set()
    assert Deadline.objects.filter(application=bronze).count() == 4


def test_return_for_completion_gives_the_managers_a_date_and_submitting_ends_it(
    bronze, crew, secretariat, manager
):
    _walk(bronze, crew, S.SUBMITTED)
    services.application_return(application=bronze, actor=secretariat, reason="Add evidence.")
    assert _open_kinds(bronze) == {(K.COMPLETE, None)}

    services.application_submit(application=bronze, actor=manager)

    assert _open_kinds(bronze) == set()


def test_a_question_is_due_on_the_day_the_expert_gave_and_its_answer_ends_it(
    bronze, crew, lead_expert, manager
):
    _walk(bronze, crew, S.IN_ASSESSMENT)
    due = timezone.localdate() + 4 * DAY
    question = assessment_services.question_ask(
        application=bronze, actor=lead_expert, text="How many members pay fees?", due_date=due
    )
    deadline = Deadline.objects.get(application=bronze, kind=K.ANSWER, done_at__isnull=True)
    assert (deadline.subject, timezone.localtime(deadline.due_at).date()) == (question, due)

    assessment_services.question_answer(question=question, actor=manager, answer="All of them.")

    assert _open_kinds(bronze) == {(K.SCORE, lead_expert.pk)}


def test_withdrawing_closes_every_open_deadline(bronze, crew, manager):
    _walk(bronze, crew, S.IN_ASSESSMENT)

    services.application_withdraw(application=bronze, actor=manager, reason="Merged.")

    assert _open_kinds(bronze) == set()


# --- Reminders -------------------------------------------------------------------------------


@pytest.fixture
def scoring(bronze, crew):
    """An open scoring deadline of the lead expert, and the moment it is due."""
    _walk(bronze, crew, S.IN_ASSESSMENT)
    return Deadline.objects.get(application=bronze, kind=K.SCORE, done_at__isnull=True)


@pytest.fixture
def sweep_at(django_capture_on_commit_callbacks):
    """Run the reminder sweep at a moment; its e-mails leave after the commit, as they do
    outside tests."""

    def sweep(moment):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return deadlines.send_reminders()

    return sweep


def _kinds(deadline) -> list[str]:
    return list(deadline.reminders.order_by("sent_at", "pk").values_list("kind", flat=True))


def test_nothing_is_sent_long_before_the_due_date(sweep_at, scoring):
    assert sweep_at(scoring.due_at - 10 * DAY) == 0
    assert _kinds(scoring) == []


def test_a_reminder_goes_three_days_before_the_due_date(sweep_at, scoring, lead_expert):
    mail.outbox.clear()

    sweep_at(scoring.due_at - 3 * DAY + datetime.timedelta(minutes=1))

    assert _kinds(scoring) == ["before-3"]
    assert [m.to for m in mail.outbox] == [[lead_expert.email]]
    assert mail.outbox[0].subject.startswith("Reminder: Score the application")
    assert Notice.objects.filter(recipient=lead_expert, text__contains="is due on").count() == 1


def test_a_rerun_of_the_sweep_sends_nothing_twice(sweep_at, scoring):
    moment = scoring.due_at - 2 * DAY
    sweep_at(moment)
    mail.outbox.clear()

    assert sweep_at(moment + datetime.timedelta(hours=1)) == 0
    assert mail.outbox == []
    assert _kinds(scoring) == ["before-3"]


def test_reminders_after_one_and_seven_days_then_escalation(sweep_at, scoring, secretariat):
    for offset in (-2 * DAY, 1 * DAY + datetime.timedelta(hours=1), 3 * DAY):
        sweep_at(scoring.due_at + offset)
    assert _kinds(scoring) == ["before-3", "after-1"]

    sweep_at(scoring.due_at + 7 * DAY + datetime.timedelta(hours=1))

    scoring.refresh_from_db()
    assert _kinds(scoring) == ["before-3", "after-1", "after-7", "escalation"]
    assert scoring.escalated_at is not None
    assert Notice.objects.filter(recipient=secretariat, text__startswith="Overdue since").exists()


def test_at_most_the_limit_of_reminders_however_long_it_stays_overdue(sweep_at, scoring, settings):
    settings.REMINDER_DAYS_AFTER = [1, 2, 7, 14]
    for days in (-2, 1, 2, 7, 14, 30):
        sweep_at(scoring.due_at + days * DAY + datetime.timedelta(hours=1))

    automatic = [k for k in _kinds(scoring) if k != "escalation"]
    assert len(automatic) == settings.REMINDER_LIMIT == 3
    assert _kinds(scoring).count("escalation") == 1


def test_a_paused_sweep_sends_only_the_latest_reminder_due(sweep_at, scoring):
    sweep_at(scoring.due_at + 2 * DAY)

    assert _kinds(scoring) == ["after-1"]


def test_no_reminder_once_the_work_is_done(sweep_at, scoring, lead_expert):
    assignment = scoring.subject
    factories.score_everything(assignment)
    assessment_services.assessment_submit(assignment=assignment, actor=lead_expert)

    sweep_at(scoring.due_at + 2 * DAY)

    assert _kinds(scoring) == []


def test_no_reminder_after_the_application_is_withdrawn(sweep_at, scoring, manager):
    services.application_withdraw(application=scoring.application, actor=manager, reason="No.")

    assert sweep_at(scoring.due_at + 2 * DAY) == 0


def test_a_reminder_written_before_the_work_was_done_is_not_mailed(sweep_at, scoring, lead_expert):
    sweep_at(scoring.due_at + 2 * DAY)
    reminder = Reminder.objects.get(deadline=scoring)
    Deadline.objects.filter(pk=scoring.pk).update(done_at=timezone.now())

    assert (
        deadlines.deliver_deadline_mail(reminder_id=reminder.pk, recipient_id=lead_expert.pk) == 0
    )


# --- The secretariat's hand ------------------------------------------------------------------


def test_moving_a_due_date_is_recorded_with_who_and_why(sweep_at, scoring, secretariat):
    new_due = scoring.due_at + 10 * DAY

    deadlines.move_due_date(
        deadline=scoring, actor=secretariat, due_at=new_due, reason="Expert ill."
    )

    version = scoring.versions.latest()
    assert (version.due_at, version.history_user, version.history_change_reason) == (
        new_due,
        secretariat,
        "Expert ill.",
    )


def test_moving_a_due_date_restarts_its_reminders(sweep_at, scoring, secretariat):
    sweep_at(scoring.due_at + 2 * DAY)
    deadlines.move_due_date(
        deadline=scoring,
        actor=secretariat,
        due_at=timezone.now() + 10 * DAY,
        reason="Second chance.",
    )
    scoring.refresh_from_db()

    sweep_at(scoring.due_at + 2 * DAY)

    kinds = _kinds(scoring)
    assert "after-1" in kinds
    assert len(kinds) == 2


@pytest.mark.parametrize("actor", ["manager", "lead_expert"])
def test_only_the_secretariat_moves_a_due_date(sweep_at, scoring, request, actor):
    with pytest.raises(ActionForbidden):
        deadlines.move_due_date(
            deadline=scoring,
            actor=request.getfixturevalue(actor),
            due_at=scoring.due_at + DAY,
            reason="Please.",
        )


def test_moving_a_due_date_needs_a_reason(sweep_at, scoring, secretariat):
    with pytest.raises(InvalidInput):
        deadlines.move_due_date(
            deadline=scoring, actor=secretariat, due_at=scoring.due_at + DAY, reason=" "
        )


def test_a_reminder_sent_by_hand_reaches_the_expert_and_names_the_sender(
    scoring, secretariat, lead_expert, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reminder = deadlines.send_reminder_now(deadline=scoring, by=secretariat)

    assert (reminder.sent_by, reminder.kind.startswith("manual-")) == (secretariat, True)
    assert [m.to for m in mail.outbox] == [[lead_expert.email]]


def test_an_expert_who_declined_has_nothing_due(bronze, crew, lead_expert):
    _walk(bronze, crew, S.EXPERTS_ASSIGNED)
    assignment = bronze.assignments.get(expert=lead_expert)

    assessment_services.assignment_decline(
        assignment=assignment, actor=lead_expert, reason="Too busy."
    )

    assert assignment.__class__.objects.get(pk=assignment.pk).status == AssignmentStatus.DECLINED
    assert _open_kinds(bronze) == set()


# --- The application page --------------------------------------------------------------------


def test_the_application_page_shows_an_escalated_deadline(client, sweep_at, scoring, secretariat):
    sweep_at(scoring.due_at + 8 * DAY)
    client.force_login(secretariat)

    page = client.get(f"/applications/{scoring.application_id}/").content.decode()

    assert 'id="deadlines"' in page
    assert "escalated to the secretariat" in page
    assert "Send a reminder now" in page


def test_the_expert_sees_the_due_date_but_no_secretariat_controls(client, scoring, lead_expert):
    client.force_login(lead_expert)

    page = client.get(f"/applications/{scoring.application_id}/").content.decode()

    assert "Score the application" in page
    assert "Change the due date" not in page


def test_the_secretariat_moves_a_due_date_from_the_page_and_the_history_says_so(
    client, scoring, secretariat
):
    client.force_login(secretariat)
    new_date = (timezone.localdate() + 40 * DAY).isoformat()

    response = client.post(
        f"/deadlines/{scoring.pk}/move/", {"due_date": new_date, "reason": "Holidays."}
    )

    scoring.refresh_from_db()
    assert response.status_code == 302
    assert timezone.localtime(scoring.due_at).date().isoformat() == new_date
    page = client.get(f"/applications/{scoring.application_id}/").content.decode()
    assert "Due date changed" in page
    assert "Holidays." in page


def test_an_expert_cannot_move_their_own_due_date(client, scoring, lead_expert):
    client.force_login(lead_expert)
    old = scoring.due_at

    response = client.post(
        f"/deadlines/{scoring.pk}/move/",
        {"due_date": (timezone.localdate() + 40 * DAY).isoformat(), "reason": "Please."},
    )

    scoring.refresh_from_db()
    assert (response.status_code, scoring.due_at) == (403, old)


def test_an_outsider_cannot_even_find_the_deadline(client, scoring, outsider):
    client.force_login(outsider)

    assert client.post(f"/deadlines/{scoring.pk}/remind/").status_code == 404
