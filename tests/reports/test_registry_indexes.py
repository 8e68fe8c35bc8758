"""The registry's indexes match the queries Django makes (benchmarks/registry.py measures what
they bring with 100,000 organisations): on PostgreSQL the trigram indexes are on the very
expression ``icontains`` compares, ``UPPER(column::text)``."""

import pytest
from django.db import connection

from reports import selectors
from reports.filters import LabelFilter

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's"
    ),
]


def _index_definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'labelling_organisation'"
        )
        return dict(cursor.fetchall())


@pytest.mark.parametrize("column", ["name", "legal_name"])
def test_a_name_search_compares_what_a_trigram_index_holds(column):
    search = LabelFilter({"q": "photonics"}, queryset=selectors.registry_labels()).qs
    sql = str(search.query)

    definition = _index_definitions()[f"organisation_{column}_trgm"]

    assert f'UPPER("labelling_organisation"."{column}"::text) LIKE' in sql
    assert f"gin (upper(({column})::text) gin_trgm_ops)" in definition


def test_organisations_are_indexed_by_name_and_by_country_then_name():
    definitions = _index_definitions()

    assert "(name)" in definitions["organisation_name"]
    assert "(country, name)" in definitions["organisation_country_name"]
