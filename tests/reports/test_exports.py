"""CSV and XLSX exports: columns and values, formula neutralisation in both formats, who may
download them (the registry is public), the API, and a constant number of queries."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import AssignmentStatus
from labelling import services
from labelling.models import ApplicationState, Deadline, DeadlineKind, Level, Outcome
from reports.demo import walk_application
from reports.exports import cell
from tests import factories

S = ApplicationState
HOSTILE = '=HYPERLINK("http://evil.example","x")'


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx(response) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def decided(organisation, manager, crew):
    factories.small_methodology()
    application = services.application_create(
        organisation=organisation, level=Level.BRONZE, actor=manager
    )
    return walk_application(
        application, to=S.DECIDED, crew=crew(Level.BRONZE), outcome=Outcome.BRONZE
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Plain name", "Plain name"),
        (3, 3),
    ],
)
def test_a_cell_that_could_start_a_formula_is_made_text(value, expected):
    assert cell(value) == expected


def test_the_applications_csv_has_its_columns_and_the_decision_makers(
    client, decided, secretariat, second_secretariat
):
    client.force_login(secretariat)

    header, row = _csv(client.get("/exports/applications.csv"))

    assert header == [
        "Application",
        "Organisation",
        "Country",
        "State",
        "Level applied for",
        "Decided outcome",
        "Opened",
        "Submitted",
        "Decided",
        "Proposed by",
        "Confirmed by",
    ]
    assert row[0] == str(decided.pk)
    assert row[3:6] == ["Decided", "BRONZE", "BRONZE"]
    assert row[9:] == [secretariat.email, second_secretariat.email]


def test_a_hostile_name_is_neutralised_in_csv_and_xlsx(client, secretariat):
    organisation = factories.OrganisationFactory(name=HOSTILE)
    factories.ApplicationFactory(organisation=organisation)
    client.force_login(secretariat)

    csv_rows = _csv(client.get("/exports/applications.csv"))
    xlsx_rows = _xlsx(client.get("/exports/applications.xlsx"))

    assert csv_rows[1][1] == "'" + HOSTILE
    assert xlsx_rows[1][1] == "'" + HOSTILE


def test_a_control_character_in_a_name_does_not_break_the_xlsx(client, secretariat):
    organisation = factories.OrganisationFactory(name="Cluster\x0bNord\x1f")
    factories.ApplicationFactory(organisation=organisation)
    client.force_login(secretariat)

    rows = _xlsx(client.get("/exports/applications.xlsx"))

    assert rows[1][1] == "Cluster\ufffdNord\ufffd"


def test_the_workload_counts_open_and_overdue_work(client, secretariat, lead_expert, decided):
    open_application = factories.ApplicationFactory(state=S.IN_ASSESSMENT)
    factories.AssignmentFactory(
        application=open_application, expert=lead_expert, status=AssignmentStatus.ACCEPTED
    )
    Deadline.objects.create(
        application=open_application,
        kind=DeadlineKind.SCORE,
        assignee=lead_expert,
        due_at=timezone.now() - timezone.timedelta(days=2),
    )
    client.force_login(secretariat)

    rows = _xlsx(client.get("/exports/workload.xlsx"))

    assert rows[0] == [
        "Expert",
        "E-mail address",
        "Country",
        "Assignments",
        "Open",
        "Overdue",
        "Median days to score",
    ]
    [lead_row] = [r for r in rows[1:] if r[1] == lead_expert.email]
    assert lead_row[3:6] == [2, 1, 1]
    assert lead_row[6] != ""


def test_the_registry_export_is_public_and_lists_the_labels(client, organisation):
    label = factories.LabelFactory(organisation=organisation)

    header, row = _csv(client.get("/registry/export.csv"))

    assert header[0] == "Organisation"
    assert row[0] == organisation.name
    assert row[-1] == label.certificate.number


def test_the_audit_trail_lists_every_state_change(client, decided, secretariat):
    client.force_login(secretariat)

    rows = _csv(client.get(f"/applications/{decided.pk}/audit.csv"))

    assert rows[0] == ["When", "What", "From", "To", "By", "Reason or change"]
    assert [r[1] for r in rows[1:3]] == ["Opened", "Submitted"]
    assert rows[-1][1] == "Decision confirmed"


@pytest.mark.parametrize("role", ["manager", "lead_expert"])
@pytest.mark.parametrize("url", ["/exports/applications.csv", "/exports/workload.xlsx"])
def test_only_the_secretariat_exports_the_internal_lists(client, request, role, url):
    client.force_login(request.getfixturevalue(role))

    assert client.get(url).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/exports/applications.csv")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_format_is_not_found(client, secretariat):
    client.force_login(secretariat)

    assert client.get("/exports/applications.pdf").status_code == 404


def test_the_api_gives_xlsx_when_asked_and_csv_by_default(client, decided, secretariat):
    client.force_login(secretariat)

    as_csv = client.get("/api/v1/exports/applications/")
    as_xlsx = client.get("/api/v1/exports/applications/", {"format": "xlsx"})

    assert as_csv["Content-Type"].startswith("text/csv")
    assert _xlsx(as_xlsx)[1][0] == decided.pk


def test_the_api_refuses_an_expert_with_a_problem(client, lead_expert):
    client.force_login(lead_expert)

    response = client.get("/api/v1/exports/workload/")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_public_registry_export_in_the_api(client, organisation):
    factories.LabelFactory(organisation=organisation)

    response = client.get("/api/v1/public/registry/export/", {"format": "xlsx"})

    assert _xlsx(response)[1][0] == organisation.name


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/exports/applications.csv", "/exports/workload.csv", "/registry/export.csv"]
)
def test_an_export_costs_the_same_queries_for_few_and_many_rows(client, secretariat, url):
    client.force_login(secretariat)
    for _ in range(2):
        factories.LabelFactory()
        factories.AssignmentFactory()
    few = _queries(client, url)
    for _ in range(10):
        factories.LabelFactory()
        factories.AssignmentFactory()

    assert _queries(client, url) == few
