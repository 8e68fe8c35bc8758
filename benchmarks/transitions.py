"""What a recorded, permission-checked transition costs next to a bare save of the same row."""

from __future__ import annotations

from benchmarks.harness import report, time_per_call

CALLS = 200


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

    subject = time_per_call(
        "application_accept (checks, transition, audit row, e-mail)", transition, CALLS
    )
    baseline = time_per_call("bare save of the same row in a transaction", bare_save, CALLS)
    return report(f"Transition cost ({CALLS} applications a round)", subject, baseline)
