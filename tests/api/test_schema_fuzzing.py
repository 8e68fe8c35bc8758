"""Schemathesis against the live schema: every operation, as every role, never a server error
and never an answer the schema does not describe.

The schema is fetched from the live server (``/api/v1/schema/``), so what is tested is what a
client downloads. One run per role, each with that role's personal API token, over data in
which the role has something of its own to read and act on: an application at each stage, a
label with its certificate, an assignment. The figures (operations, test cases) are printed so
that CI's log shows them.
"""

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from assessments import services as assessment_services
from labelling import services
from labelling.models import Application, Level
from labelling.models import ApplicationState as S
from reports.demo import evidence_pdf, walk_application
from reports.models import Label
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
#: Each role's run report is kept beside the screenshots, for the figures and any failure.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Enough cases per operation to reach its error paths; few enough for every role to run in
# half a minute on two cores (``make test-nightly`` runs 25). SCHEMATHESIS_PHASES=examples,
# coverage,fuzzing adds the coverage phase (boundary and negative cases for every parameter:
# some 6,000 cases a role, minutes each).
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "6"))
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing")
ROLES = ["anonymous", "manager", "expert", "secretariat"]


@pytest.fixture
def unthrottled(monkeypatch):
    """Fuzzing sends thousands of requests a minute: throttling is tested on its own."""
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)


@pytest.fixture
def world(crew, organisation, manager, lead_expert, second_expert, secretariat, no_rendering):
    """An application at each stage of the manager's organisation, and for each role the ids
    its requests should name: fuzzing random ids would only ever meet 404s."""
    gold = crew(Level.GOLD)
    at: dict[str, Application] = {}
    for stage in (S.DRAFT, S.IN_ASSESSMENT, S.QUALITY_REVIEW, S.CERTIFIED):
        application = factories.ApplicationFactory(
            organisation=organisation, created_by=manager, level=Level.GOLD
        )
        at[stage] = walk_application(application, to=stage, crew=gold)
    draft, assessed = at[S.DRAFT], at[S.IN_ASSESSMENT]
    evidence = assessment_services.evidence_upload(
        application=draft, actor=manager, upload=io.BytesIO(evidence_pdf()), name="members.pdf"
    )
    question = assessment_services.question_ask(
        application=assessed,
        actor=lead_expert,
        text="Who signed the letters?",
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    conflict = assessment_services.conflict_declare(
        expert=lead_expert,
        organisation=factories.OrganisationFactory(),
        description="Former board member.",
        actor=lead_expert,
    )
    label = Label.objects.get(application=at[S.CERTIFIED])
    common = {
        "organisations": organisation.pk,
        "labels": label.pk,
        "questions": question.pk,
        "verify": label.certificate.number,
        "evidence_pk": evidence.pk,
        "indicator_code": "STR-1",
    }
    return {
        "manager": (manager, {**common, "applications": draft.pk}),
        "expert": (
            lead_expert,
            {
                **common,
                "applications": assessed.pk,
                "assignments": assessed.assignments.get(expert=lead_expert).pk,
                "conflicts": conflict.pk,
            },
        ),
        "secretariat": (secretariat, {**common, "applications": at[S.QUALITY_REVIEW].pk}),
        "anonymous": (None, common),
    }


def _config(ids: dict[str, object]) -> str:
    """A schemathesis.toml naming the role's own objects in every path that takes an id."""
    blocks = []
    for resource in (
        "applications",
        "assignments",
        "labels",
        "organisations",
        "conflicts",
        "questions",
        "verify",
    ):
        if resource not in ids:
            continue
        parameters = {"path.indicator_code": ids["indicator_code"]}
        parameters["path.number" if resource == "verify" else "path.id"] = ids[resource]
        if resource == "applications":
            parameters["path.evidence_pk"] = ids["evidence_pk"]
        inline = ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in parameters.items())
        blocks.append(
            f'[[operations]]\ninclude-path-regex = "^/api/v1/(public/)?{resource}/\\\\{{"\n'
            f"parameters = {{ {inline} }}\n"
        )
    return "\n".join(blocks)


def _run(live_server, tmp_path: Path, role: str, key: str | None, ids: dict) -> dict:
    report = tmp_path / f"schemathesis-{role}.json"
    config = tmp_path / f"schemathesis-{role}.toml"
    config.write_text(_config(ids))
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        f"{live_server.url}/api/v1/schema/",
        "--checks",
        CHECKS,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--phases",
        PHASES,
        "--seed",
        "20261123",
        "--workers",
        "2",
        "--no-shrink",
        "--request-timeout",
        "20",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    if key:
        command += ["--header", f"Authorization: Bearer {key}"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout[-8000:] + completed.stderr[-2000:]
    return json.loads(report.read_text())


@pytest.mark.parametrize("role", ROLES)
def test_no_operation_errs_or_breaks_its_schema(role, world, live_server, tmp_path, unthrottled):
    user, ids = world[role]
    key = None
    if user is not None:
        _token, key = services.api_token_create(user=user, name="fuzzing")

    report = _run(live_server, tmp_path, role, key, ids)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"schemathesis-{role}.json").write_text(json.dumps(report, indent=2))
    operations, cases = report["operations"], report["test_cases"]
    print(
        f"\nschemathesis as {role}: {operations['tested']} of {operations['total']} operations, "
        f"{cases['generated']} test cases, {cases['with_failures']} with failures"
    )
    skipped = operations["skipped"]
    assert operations["tested"] + skipped == operations["total"] > 0, json.dumps(report)[:3000]
    assert skipped <= 1, operations["skip_reasons"]
    assert operations["errored"] == cases["errored"] == cases["with_failures"] == 0
