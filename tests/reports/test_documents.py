"""What the report shows, read from the models in the language of the organisation's manager."""

from assessments.services.decision import recommendation_compute
from reports.documents import report_data
from tests import factories


def test_report_gives_the_rules_reasons_in_the_managers_language(organisation, manager):
    manager.language = "de"
    manager.save(update_fields=["language"])
    label = factories.LabelFactory(organisation=organisation)
    factories.settle_consensus(label.application, {"STR-2": "12.5"})
    recommendation_compute(label.application)

    data = report_data(label.certificate)

    reasons = {row.code: row.reason for row in data.indicators}
    assert reasons["STR-2"] == "12,50 liegt unter dem Schwellenwert 30,00"
