"""A person's export lists the issued assessment reports that name them as an expert (they
stay as signed when the person is erased)."""

from __future__ import annotations

import pytest

from assessments.models import AssignmentStatus
from reports.models import Certificate
from reports.privacy import personal_data
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    """An issued certificate whose assessment report is stored."""
    label = factories.LabelFactory()
    Certificate.objects.filter(label=label).update(report="certificates/1/report.pdf")
    return label.certificate


@pytest.mark.parametrize(
    ("status", "listed"),
    [(AssignmentStatus.ACCEPTED, True), (AssignmentStatus.DECLINED, False)],
    ids=["accepted", "declined"],
)
def test_export_lists_the_reports_naming_the_expert(report, lead_expert, status, listed):
    factories.AssignmentFactory(
        application=report.label.application, expert=lead_expert, status=status
    )

    rows = personal_data(lead_expert)["reports_naming_you"].rows

    assert [row["certificate"] for row in rows] == ([report.number] if listed else [])
