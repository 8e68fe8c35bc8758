"""Methodology texts and sector names in English and German, read in the reader's language."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils import translation

from assessments.methodology_schema import MethodologyFileError, parse_methodology
from assessments.models import Indicator
from assessments.services.methodology import methodology_load
from labelling.models import Sector
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def methodology():
    return factories.small_methodology()


def _indicator(methodology, code: str) -> Indicator:
    return Indicator.objects.get(methodology=methodology, code=code)


def test_the_loader_stores_english_and_the_translations_of_the_file(methodology):
    row = Indicator.objects.filter(methodology=methodology, code="STR-1").values(
        "title_en", "title_de", "unit_en", "unit_de"
    )[0]

    assert row == {
        "title_en": "Committed members",
        "title_de": "Verbindlich engagierte Mitglieder",
        "unit_en": "members",
        "unit_de": "Mitglieder",
    }


def test_indicator_texts_read_in_german_where_the_reader_reads_german(methodology):
    with translation.override("de"):
        indicator = _indicator(methodology, "GOV-2")

        assert indicator.title == "Beteiligung der Mitglieder an der Governance"
        assert indicator.rubric[3] == "gewählter Vorstand mit Entscheidungsrechten"
        assert indicator.dimension.title == "Cluster management and governance"  # no German


def test_a_text_without_german_reads_in_english(methodology):
    with translation.override("de"):
        assert _indicator(methodology, "STR-2").title == "Share of SMEs among members"


def test_methodology_texts_read_in_english_for_an_english_reader(methodology):
    with translation.override("en"):
        assert _indicator(methodology, "STR-1").title == "Committed members"
        assert methodology.name == "Small test methodology"


def test_a_sector_name_reads_in_the_readers_language():
    sector = Sector.objects.create(code="energy", name_en="Energy", name_de="Energie")

    with translation.override("de"):
        assert Sector.objects.get(pk=sector.pk).name == "Energie"
    with translation.override("en"):
        assert Sector.objects.get(pk=sector.pk).name == "Energy"


def _file(**translations) -> dict:
    return {
        "code": "t",
        "version": "1",
        "name": "T",
        "dimensions": [{"code": "STR", "title": "Structure"}],
        "indicators": [
            {
                "code": "R",
                "dimension": "STR",
                "title": "Rubric",
                "value_type": "rubric",
                "rubric": ["a", "b", "c", "d"],
                "bands": [{"from": 0, "light": "red", "points": 0}],
                "threshold": 0,
                "source": "illustrative",
            }
        ],
        "translations": translations,
    }


@pytest.mark.parametrize(
    ("translations", "message"),
    [
        ({"de": {"indicators": {"NOPE": {"title": "x"}}}}, "unknown indicator(s) NOPE"),
        ({"de": {"dimensions": {"NOPE": {"title": "x"}}}}, "unknown dimension(s) NOPE"),
        ({"de": {"indicators": {"R": {"rubric": ["a", "b"]}}}}, "R.rubric: 2 levels"),
        ({"de": {"indicators": {"R": {"colour": "x"}}}}, "colour"),
        ({"German": {}}, "translations"),
    ],
    ids=["unknown-indicator", "unknown-dimension", "rubric-levels", "unknown-field", "language"],
)
def test_a_translation_that_does_not_fit_the_file_is_refused_naming_it(translations, message):
    with pytest.raises(MethodologyFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_methodology(_file(**translations))


def test_the_self_assessment_page_in_german_shows_the_german_indicator_titles(
    client, organisation, manager, methodology
):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, methodology=methodology
    )
    manager.language = "de"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    page = client.get(f"/applications/{application.pk}/self-assessment/").content.decode()

    assert "Verbindlich engagierte Mitglieder" in page
    assert "Committed members" not in page


def test_the_methodology_api_in_german_gives_german_titles(client, secretariat, methodology):
    secretariat.language = "de"
    secretariat.save(update_fields=["language"])
    client.force_login(secretariat)

    body = client.get(f"/api/v1/methodologies/{methodology.pk}/", HTTP_ACCEPT_LANGUAGE="de").json()

    titles = {i["code"]: i["title"] for d in body["dimensions"] for i in d["indicators"]}
    assert titles["STR-1"] == "Verbindlich engagierte Mitglieder"
    assert titles["STR-2"] == "Share of SMEs among members"


DEFAULT_METHODOLOGY = Path(settings.BASE_DIR) / "assessments" / "methodology" / "default-2026.yaml"


def test_the_default_methodology_has_german_for_every_text():
    spec = parse_methodology(yaml.safe_load(DEFAULT_METHODOLOGY.read_bytes()))
    german = spec.translations["de"]
    parts = [(spec, german.methodology, ("name", "description"))]
    parts += [(d, german.dimensions.get(d.code), ("title", "description")) for d in spec.dimensions]
    parts += [
        (i, german.indicators.get(i.code), ("title", "guidance", "evidence", "unit", "rubric"))
        for i in spec.indicators
    ]

    missing = [
        f"{getattr(part, 'code', 'methodology')}.{name}"
        for part, texts, names in parts
        for name in names
        if getattr(part, name) and not getattr(texts, name, None)
    ]
    assert not missing


def test_the_self_assessment_page_in_german_shows_the_default_methodology_in_german(
    client, organisation, manager
):
    methodology = methodology_load(path=DEFAULT_METHODOLOGY)
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, methodology=methodology
    )
    manager.language = "de"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    page = client.get(f"/applications/{application.pk}/self-assessment/").content.decode()

    assert "Verbindlich engagierte Clustermitglieder" in page
    assert "Committed cluster members" not in page
