"""Outcomes and work queues in the browser, in English and German: a no-label decision read by
the manager (letter and report) and appealed; an expert who misses a scoring deadline is
reminded twice and the escalation reaches the secretariat's queue."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from labelling import deadlines
from labelling.models import ApplicationState, Deadline, DeadlineKind, Level, Outcome
from reports.demo import walk_application
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = ApplicationState
DAY = datetime.timedelta(days=1)


def _speaking(language: str, *people) -> None:
    """Letters, e-mails and notices are written in the reader's language when they are made,
    before anyone opens a page: set it first."""
    for someone in people:
        someone.language = language
        someone.save(update_fields=["language"])


def test_no_label_the_manager_reads_letter_and_report_and_appeals(
    person, language, application, crew, secretariat, manager, lead_expert
):
    _speaking(language, secretariat, manager, lead_expert)
    factories.small_methodology()
    walk_application(application, to=S.DECIDED, crew=crew(Level.BRONZE), outcome=Outcome.NONE)

    office = person(secretariat)
    office.page.goto(f"/applications/{application.pk}/")
    letters = office.page.locator("#letters")
    expect(letters).to_contain_text(office.t("No label awarded"))
    letters.locator("[data-action=send-letter]").click()
    expect(office.page.locator(".messages")).to_contain_text(
        office.t("Letter sent to the organisation's managers.")
    )
    office.screenshot(f"outcome-letter-sent-{language}")

    manager_at = person(manager)
    page = manager_at.page
    page.goto(f"/applications/{application.pk}/")
    letter = page.locator("#letters")
    expect(letter).to_contain_text(manager_at.t("Yours sincerely,"))
    for link_text in ("Letter (PDF)", "Assessment report (PDF)"):
        href = letter.get_by_role("link", name=manager_at.t(link_text)).get_attribute("href")
        document = page.request.get(href)
        assert document.ok, link_text
        assert document.headers["content-type"] == "application/pdf"
        assert document.body().startswith(b"%PDF")
    manager_at.screenshot(f"outcome-no-label-manager-{language}")

    manager_at.act("appeal", reason="The member count was read from last year's register.")

    application.refresh_from_db()
    assert application.state == S.APPEALED


def _sweep_at(moment: datetime.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        deadlines.send_reminders()


def test_a_missed_scoring_deadline_is_reminded_twice_then_escalated(
    person, language, application, crew, secretariat, manager, lead_expert
):
    _speaking(language, secretariat, manager, lead_expert)
    factories.small_methodology()
    walk_application(application, to=S.IN_ASSESSMENT, crew=crew(Level.BRONZE))
    due = Deadline.objects.get(application=application, kind=DeadlineKind.SCORE).due_at

    _sweep_at(due - 2 * DAY)  # three days before: the first reminder
    _sweep_at(due + DAY + datetime.timedelta(hours=1))  # a day late: the second
    expert = person(lead_expert)
    expert.page.goto("/notices/")
    reminders = expert.page.locator(".notices li", has_text=expert.t("Score the application"))
    expect(reminders).to_have_count(2)
    expect(expert.page.locator("#notices-link .badge")).to_be_visible()
    expert.screenshot(f"deadline-reminders-expert-{language}")

    _sweep_at(due + 7 * DAY + datetime.timedelta(hours=1))  # a week late: the last, escalated
    office = person(secretariat)
    office.page.goto("/waiting-for-me/")
    escalated = office.page.locator("tbody tr", has_text=lead_expert.full_name)
    expect(escalated).to_contain_text(office.t("Score the application"))
    office.screenshot(f"deadline-escalated-queue-{language}")

    escalated.locator("input[name=deadline]").check()
    office.page.get_by_role(
        "button", name=office.t("Send a reminder now for the chosen overdue work")
    ).click()
    expect(office.page.locator(".messages")).to_be_visible()
    assert (
        Deadline.objects.get(application=application, kind=DeadlineKind.SCORE)
        .reminders.filter(sent_by=secretariat)
        .exists()
    )


def test_the_new_pages_fit_a_phone_screen(
    person, language, application, crew, secretariat, manager, lead_expert
):
    """At 390 px nothing scrolls sideways: the queue, notices, conflicts and letters."""
    _speaking(language, secretariat, manager, lead_expert)
    factories.small_methodology()
    walk_application(application, to=S.DECIDED, crew=crew(Level.BRONZE), outcome=Outcome.NONE)
    factories.ConflictDeclarationFactory(expert=lead_expert)
    office = person(secretariat)
    office.page.set_viewport_size({"width": 390, "height": 800})
    for path in [
        "/waiting-for-me/",
        "/notices/",
        "/conflicts/",
        f"/applications/{application.pk}/",
    ]:
        office.page.goto(path)
        assert office.page.evaluate("document.documentElement.scrollWidth") == 390, path
    office.screenshot(f"queue-phone-{language}")
