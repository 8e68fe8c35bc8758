"""List pages read in a constant number of queries: 10 rows or 500 cost the same.

The rows are inserted in bulk (the factories would take minutes for 500 applications); they
carry what the pages show, so that a missing ``select_related`` or ``prefetch_related`` shows.
"""

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assignment, AssignmentRole, AssignmentStatus, ClarificationQuestion
from labelling.models import Application, Level, Organisation, Sector
from labelling.models import ApplicationState as S
from reports.models import Certificate, CertificateState, Label
from tests import factories

STATES = [S.DRAFT, S.SUBMITTED, S.ACCEPTED, S.IN_ASSESSMENT, S.CERTIFIED]


def _organisations(n: int, start: int) -> list[Organisation]:
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bulk cluster {start + i}",
            legal_name=f"Bulk cluster {start + i} e.V.",
            country=("DE", "FR", "AT")[i % 3],
            website="https://bulk.example.org",
        )
        for i in range(n)
    )
    sector, _created = Sector.objects.get_or_create(code="energy", defaults={"name": "Energy"})
    Organisation.sectors.through.objects.bulk_create(
        Organisation.sectors.through(organisation=o, sector=sector) for o in organisations
    )
    return organisations


def _applications(n: int, start: int, *, state: str | None = None) -> list[Application]:
    manager = factories.ManagerFactory()
    methodology = factories.small_methodology()
    now = timezone.now()
    return Application.objects.bulk_create(
        Application(
            organisation=organisation,
            level=Level.BRONZE,
            methodology=methodology,
            created_by=manager,
            state=state or STATES[i % len(STATES)],
            submitted_at=now - datetime.timedelta(days=i) if i % len(STATES) else None,
        )
        for i, organisation in enumerate(_organisations(n, start))
    )


def _labels(n: int, start: int) -> None:
    today = timezone.localdate()
    labels = Label.objects.bulk_create(
        Label(
            application=application,
            organisation_id=application.organisation_id,
            level=Level.BRONZE,
            valid_from=today.replace(day=1),
            valid_until=today + datetime.timedelta(days=700),
        )
        for application in _applications(n, start, state=S.CERTIFIED)
    )
    Certificate.objects.bulk_create(
        Certificate(
            label=label,
            number=f"BULK-{label.pk}",
            year=1990,
            sequence=label.pk,
            state=CertificateState.DONE,
        )
        for label in labels
    )


def _assignments_of(expert) -> Callable[[int, int], None]:
    secretariat = factories.SecretariatFactory()

    def add(n: int, start: int) -> None:
        applications = _applications(n, start, state=S.IN_ASSESSMENT)
        Assignment.objects.bulk_create(
            Assignment(
                application=application,
                expert=expert,
                role=AssignmentRole.LEAD,
                status=AssignmentStatus.ACCEPTED,
                assigned_by=secretariat,
            )
            for application in applications
        )
        ClarificationQuestion.objects.bulk_create(
            ClarificationQuestion(
                application=application,
                asked_by=expert,
                text="Who sits on the board?",
                due_date=timezone.localdate() + datetime.timedelta(days=7),
            )
            for application in applications
        )

    return add


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def expert(db):
    return factories.ExpertFactory()


PAGES = {
    "secretariat-queue": ("secretariat", "dashboard", lambda user: _applications),
    "registry": (None, "registry", lambda user: _labels),
    "expert-assignments": ("expert", "dashboard", _assignments_of),
}


@pytest.mark.parametrize("list_page", list(PAGES))
def test_list_page_query_count_does_not_grow_with_the_rows(
    client, request, db, list_page, settings
):
    settings.PUBLIC_CACHE_SECONDS = 0  # the pages as built, never as kept for the public
    role, url_name, rows_for = PAGES[list_page]
    if role:
        user = request.getfixturevalue(role)
        client.force_login(user)
    add = rows_for(user if role else None)
    url = reverse(url_name)
    add(10, 0)
    with_ten = _queries_for(client, url)
    add(490, 10)
    with_five_hundred = _queries_for(client, url)

    assert with_ten == with_five_hundred
