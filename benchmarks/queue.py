"""The secretariat's "waiting for me" page at 1,000 applications, next to a trivial page
(the same client, session and middleware, a view that renders one line)."""

from __future__ import annotations

import datetime

from benchmarks.harness import report, time_per_call

APPLICATIONS = 1_000
CALLS = 10


def run() -> str:
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import path
    from django.utils import timezone

    from assessments.services import current_methodology, methodology_load
    from benchmarks.engine import DEFAULT
    from labelling.models import Application, Deadline, Membership, Organisation, User

    # The benchmarks share one database: the methodology an earlier one loaded, if any.
    methodology = current_methodology() or methodology_load(path=DEFAULT)
    secretariat = User.objects.create_user("queue-desk@example.org", "x", is_secretariat=True)
    manager = User.objects.create_user("queue-manager@example.org", "x", is_cluster_manager=True)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Queue Cluster {n}",
            legal_name=f"Queue Cluster {n} e.V.",
            country=("DE", "FR", "IT", "ES")[n % 4],
            website="https://queue.example.org",
            members_companies=30,
            members_research=5,
            management_fte=2,
        )
        for n in range(100)
    )
    Membership.objects.bulk_create(Membership(user=manager, organisation=o) for o in organisations)
    states = ("submitted", "accepted", "in_assessment", "quality_review", "closed")
    applications = Application.objects.bulk_create(
        Application(
            organisation=organisations[n % 100],
            level=("bronze", "silver", "gold")[n % 3],
            created_by=manager,
            methodology=methodology,
            state=states[n % len(states)],
        )
        for n in range(APPLICATIONS)
    )
    due = timezone.now() + datetime.timedelta(days=3)
    Deadline.objects.bulk_create(
        Deadline(application=a, kind="decide", due_at=due)
        for a in applications
        if a.state == "quality_review"
    )

    client = Client()
    client.force_login(secretariat)

    def trivial(request):
        return HttpResponse("ok")

    import config.urls

    urls = type("urls", (), {"urlpatterns": [path("trivial/", trivial), *config.urls.urlpatterns]})
    waiting = Application.objects.count()
    with override_settings(ROOT_URLCONF=urls):
        # Earlier benchmarks filled the connection's capped query log: start it empty.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/waiting-for-me/").status_code == 200
        queries = len(captured)
        subject = time_per_call(
            f"GET /waiting-for-me/ (secretariat, {waiting:,} applications in the database, "
            f"{queries} queries)",
            lambda n: [client.get("/waiting-for-me/") for _ in range(n)],
            CALLS,
        )
        baseline = time_per_call(
            "GET of a trivial view (same client and middleware)",
            lambda n: [client.get("/trivial/") for _ in range(n)],
            CALLS,
        )
    return report("Work queue page", subject, baseline)
