"""What a recorded, permission-checked transition costs next to a bare save of the same row,
and how many queries it makes (goal: at most 6; no e-mail rendered or sent in the request)."""

from __future__ import annotations

from benchmarks.harness import interleaved, report

#: Queries a typical transition may make (issue 19).
QUERY_GOAL = 6

CALLS = 200

#: What Django logs beside the statements: a transaction's bounds and its savepoints.
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def run() -> str:
    from django.db import transaction

    from assessments.services import methodology_load
    from benchmarks.engine import DEFAULT
    from labelling import services
    from labelling.models import Application, Membership, Organisation, User

    methodology = methodology_load(path=DEFAULT)

    organisation = Organisation.objects.create(
        name="Bench Cluster",
        legal_name="Bench Cluster e.V.",
        country="DE",
        website="https://bench.example.org",
        members_companies=30,
        members_research=5,
        management_fte=2,
    )
    manager = User.objects.create_user("bench@example.org", "x", is_cluster_manager=True)
    Membership.objects.create(user=manager, organisation=organisation)
    secretariat = User.objects.create_user("desk@example.org", "x", is_secretariat=True)

    def submitted(n: int) -> list[Application]:
        return Application.objects.bulk_create(
            Application(
                organisation=organisation,
                level="bronze",
                created_by=manager,
                methodology=methodology,
                state="submitted",
            )
            for _ in range(n)
        )

    def transition(n: int) -> None:
        for application in submitted(n):
            services.application_accept(application=application, actor=secretariat)

    def bare_save(n: int) -> None:
        for application in submitted(n):
            with transaction.atomic():
                application.save(update_fields=["submitted_at"])

    subject, baseline = interleaved(
        ("application_accept (checks, transition, audit row, queued e-mail)", transition),
        ("bare save of the same row in a transaction", bare_save),
        CALLS,
    )
    return "\n".join(
        [
            report(f"Transition cost ({CALLS} applications a round)", subject, baseline),
            _queries(submitted, secretariat),
        ]
    )


def _queries(submitted, secretariat) -> str:
    """The queries of one acceptance, counted with the e-mails' delivery left to the workers
    (as in production): what the person's request itself costs."""
    from celery import current_app
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from labelling import services

    (application,) = submitted(1)
    outbox_before = len(getattr(mail, "outbox", []))
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False  # the follow-ups go to the broker, as deployed
    # The rounds above filled the query log to its limit, where a count would read 0.
    connection.queries_log.clear()
    try:
        with CaptureQueriesContext(connection) as queries:
            services.application_accept(application=application, actor=secretariat)
    finally:
        current_app.conf.task_always_eager = eager
    sent = len(getattr(mail, "outbox", [])) - outbox_before
    control = [q for q in queries if q["sql"].split(" ", 1)[0].upper() in TRANSACTION_CONTROL]
    statements = len(queries) - len(control)
    verdict = "PASS" if statements <= QUERY_GOAL else "FAIL"
    return (
        f"  queries of one transition: {statements} statements (and {len(control)} of "
        f"transaction control: BEGIN, COMMIT, savepoints); goal ≤ {QUERY_GOAL}: {verdict} "
        f"(mails sent in the request: {sent})"
    )
