"""``manage.py simulate_decision``: the engine of the decision service, on facts given as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.models import MethodologyVersion
from assessments.services.decision import decision_input_for, recommendation_compute
from assessments.services.methodology import methodology_load
from assessments.simulation import input_for
from labelling.models import Application, ApplicationState, Level, Outcome
from labelling.services import application_create
from reports.demo import DEFAULT_METHODOLOGY, seed_demo, walk_application
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assessments" / "methodology" / "examples"
GOLD_TO_BRONZE = EXAMPLES / "gold-request-ends-in-bronze.json"
SILVER = EXAMPLES / "silver-with-prior-bronze.json"
INDICATOR_KEYS = ("code", "value", "light", "points", "passed")


@pytest.fixture
def default_methodology(db) -> MethodologyVersion:
    """The shipped default, loaded once per test database as ``factories.small_methodology``
    does (each test's transaction is rolled back, so every test loads it again)."""
    existing = MethodologyVersion.objects.filter(code="ecl-default", version="2026.1").first()
    return existing or methodology_load(path=DEFAULT_METHODOLOGY)


def _output(*args: str) -> str:
    out = StringIO()
    call_command("simulate_decision", *args, stdout=out)
    return out.getvalue()


def _run(*args: str) -> dict:
    return json.loads(_output(*args))


def _write(text: str, tmp_path: Path) -> Path:
    path = tmp_path / "input.json"
    path.write_text(text, encoding="utf-8")
    return path


def _simulate(data: dict, tmp_path: Path, *args: str) -> dict:
    return _run(str(_write(json.dumps(data), tmp_path)), *args)


def _example(path: Path = GOLD_TO_BRONZE, **changes) -> dict:
    return {**json.loads(path.read_text()), **changes}


def _level_name(outcome: str) -> str | None:
    return None if outcome == Outcome.NONE else outcome.upper()


def test_describe_lists_every_indicator_with_its_flags_and_bands(default_methodology):
    described = _run("--describe", "ecl-default:2026.1")

    indicators = {row["code"]: row for row in described["indicators"]}
    assert len(indicators) == 36
    assert sum(row["in_gold_set"] for row in indicators.values()) == 31
    assert [c for c, row in indicators.items() if row["bronze_eligibility"]] == [
        "STR-1",
        "STR-2",
        "GOV-1",
        "GOV-7",
        "COO-1",
    ]
    assert sum(row["gold_minimum"] for row in indicators.values()) == 9
    assert indicators["STR-1"]["bands"] == [
        {"min": "0", "max": "15", "light": "red", "points": 0},
        {"min": "15", "max": "60", "light": "yellow", "points": 1},
        {"min": "60", "max": "1000000", "light": "green", "points": 2},
    ]
    assert indicators["STR-1"]["max_points"] == 2


def test_describe_gives_the_version_and_its_label_rules(default_methodology):
    described = _run("--describe", "ecl-default:2026.1")

    assert (described["code"], described["version"], described["state"]) == (
        "ecl-default",
        "2026.1",
        "published",
    )
    assert described["label_rules"] == {
        "gold_min_score_pct": "80.00",
        "gold_min_expert_countries": 2,
        "silver_min_improvement_areas": 3,
        "silver_prior_bronze_min_months": 18,
        "silver_prior_bronze_max_months": 24,
    }


def test_describe_reads_a_methodology_file_without_the_database():
    described = _run("--describe", str(ROOT / "tests" / "fixtures" / "methodology-small.yaml"))

    assert (described["code"], described["state"]) == ("test-small", "file")
    assert [row["code"] for row in described["indicators"]] == [
        "STR-1",
        "STR-2",
        "GOV-1",
        "GOV-2",
        "GOV-3",
    ]


def test_the_gold_request_example_ends_in_bronze_with_both_scores(default_methodology):
    result = _run(str(GOLD_TO_BRONZE))

    assert result["level"] == "BRONZE"
    assert (result["gold_score_percent"], result["benchmark_score_percent"]) == ("74.32", "71.42")
    assert "gold.score_below_minimum" in [reason["code"] for reason in result["reasons"]]
    assert len(result["indicators"]) == 36


def test_the_silver_example_with_a_valid_prior_bronze_is_silver(default_methodology):
    result = _run(str(SILVER))

    assert (result["level"], result["reasons"]) == ("SILVER", [])


def test_a_methodology_file_decides_as_its_loaded_version(default_methodology, tmp_path):
    from_file = _example(methodology=str(DEFAULT_METHODOLOGY))

    assert _simulate(from_file, tmp_path) == _run(str(GOLD_TO_BRONZE))


def test_levels_and_countries_are_read_in_any_case(default_methodology, tmp_path):
    lower = _example(
        requested_level="gold", organisation_country="fr", expert_countries=["fr", "de"]
    )

    assert _simulate(lower, tmp_path) == _run(str(GOLD_TO_BRONZE))


def test_values_may_be_numeric_strings_and_yes_no_values_true_or_false(
    default_methodology, tmp_path
):
    data = _example()
    data["values"].update({"STR-1": "60", "GOV-1": 2.0, "GOV-7": True, "COO-1": True})

    result = _simulate(data, tmp_path)

    # Each value is echoed as written (2.0 stays 2.0); the decision is the example's.
    values = {row["code"]: row["value"] for row in result["indicators"]}
    assert [values[code] for code in ("STR-1", "GOV-1", "GOV-7", "COO-1")] == [
        "60",
        "2.0",
        "1",
        "1",
    ]
    assert _without_values(result) == _without_values(_run(str(GOLD_TO_BRONZE)))


def _without_values(result: dict) -> dict:
    rows = [{k: v for k, v in row.items() if k != "value"} for row in result["indicators"]]
    return {**result, "indicators": rows}


def test_a_value_written_with_an_exponent_is_shown_in_plain_digits(default_methodology, tmp_path):
    data = _example()
    data["values"]["STR-1"] = "6E+1"

    row = _simulate(data, tmp_path)["indicators"][0]

    assert (row["code"], row["value"], row["light"]) == ("STR-1", "60", "green")


def test_the_same_rules_in_german_give_the_same_codes_in_german_words(default_methodology):
    english = _run(str(GOLD_TO_BRONZE))
    german = _run(str(GOLD_TO_BRONZE), "--language", "de")

    assert [r["code"] for r in german["reasons"]] == [r["code"] for r in english["reasons"]]
    score = next(r for r in german["reasons"] if r["code"] == "gold.score_below_minimum")
    assert score["text"] == "GOLD-Punktzahl 74,32 % liegt unter 80,00 %"


def test_identical_input_gives_identical_output(default_methodology):
    assert _output(str(GOLD_TO_BRONZE)) == _output(str(GOLD_TO_BRONZE))


def test_a_suspended_prior_bronze_does_not_make_a_silver(default_methodology, tmp_path):
    data = _example(SILVER)
    data["prior_labels"][0]["state"] = "suspended"

    result = _simulate(data, tmp_path)

    assert result["level"] == "BRONZE"
    assert [r["code"] for r in result["reasons"]] == ["silver.no_valid_prior_bronze"]


def _changed(**changes) -> str:
    return json.dumps(_example(**changes))


def _value(code: str, value: object) -> str:
    data = _example()
    data["values"][code] = value
    return json.dumps(data)


def _without(key: str) -> str:
    data = _example()
    data.pop(key)
    return json.dumps(data)


def _without_value(code: str) -> str:
    data = _example()
    data["values"].pop(code)
    return json.dumps(data)


def _literal(code: str, literal: str) -> str:
    """The example with a number JSON has no exact value for (Python's json reads these)."""
    return _value(code, "MARK").replace('"MARK"', literal)


def _prior(**label) -> str:
    return _changed(prior_labels=[label])


def _broken_methodology_file(tmp_path: Path) -> str:
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: [unclosed\n", encoding="utf-8")
    return _changed(methodology=str(broken))


#: (input text, or a function of tmp_path giving it; the start of the message on stderr, where
#: ``{tmp}`` stands for tmp_path)
MALFORMED = {
    "invalid-json": ("{not json", "not valid JSON"),
    "not-an-object": ("[1, 2]", "the input must be a JSON object"),
    "unknown-key": (_changed(colour="gold"), "colour: unknown key"),
    "missing-key": (_without("values"), "values: missing"),
    "unknown-indicator": (_value("NOPE-1", 1), "values.NOPE-1: unknown indicator"),
    "unknown-methodology": (
        _changed(methodology="ecl-default:1999.9"),
        "methodology: There is no methodology version",
    ),
    "broken-methodology-file": (
        _broken_methodology_file,
        "methodology: {tmp}/broken.yaml: not valid .yaml",
    ),
    "missing-value": (_without_value("STR-1"), "values.STR-1: missing value"),
    "null-value": (_value("STR-1", None), "values.STR-1: not a number"),
    "text-value": (_value("STR-1", "many"), "values.STR-1: 'many' is not a number"),
    "101-percent": (_value("STR-3", 101), "values.STR-3: 101 is outside the range 0 to 100"),
    "negative-count": (_value("STR-1", -1), "values.STR-1: -1 is outside the range"),
    "rubric-3.5": (_value("GOV-2", 3.5), "values.GOV-2: 3.5 is outside the range 0 to 3"),
    "three-decimals": (_value("STR-3", 50.125), "values.STR-3: 50.125 has more than two"),
    "bool-on-a-count": (_value("STR-1", True), "values.STR-1: true/false is only for"),
    "nan": (_literal("STR-1", "NaN"), "values.STR-1: not a finite number"),
    "infinity": (_literal("STR-1", "Infinity"), "values.STR-1: not a finite number"),
    "1e400": (_literal("STR-1", "1e400"), "values.STR-1: 1E+400 is outside the range"),
    "bad-date": (_changed(assessment_date="2026-13-01"), "assessment_date: '2026-13-01' is not"),
    "bad-level": (_changed(requested_level="PLATINUM"), "requested_level: 'PLATINUM' is not"),
    "bad-country": (_changed(organisation_country="XX"), "organisation_country: 'XX' is not"),
    "bad-expert-country": (
        _changed(expert_countries=["FR", "Germany"]),
        "expert_countries[1]: 'Germany' is not",
    ),
    "negative-improvement-areas": (
        _changed(improvement_areas_validated=-1),
        "improvement_areas_validated: give a whole number",
    ),
    "prior-label-without-state": (
        _prior(level="BRONZE", valid_from="2025-01-01"),
        "prior_labels[0].state: missing",
    ),
    "prior-label-bad-state": (
        _prior(level="BRONZE", valid_from="2025-01-01", state="lost"),
        "prior_labels[0].state: 'lost' is not one of",
    ),
    "prior-label-bad-date": (
        _prior(level="BRONZE", valid_from="1 Feb 2025", state="active"),
        "prior_labels[0].valid_from: '1 Feb 2025' is not a date",
    ),
    "prior-label-bad-level": (
        _prior(level="PLATINUM", valid_from="2025-01-01", state="active"),
        "prior_labels[0].level: 'PLATINUM' is not",
    ),
}


@pytest.mark.parametrize(("text", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_input_is_refused_with_status_2_naming_the_field(
    default_methodology, tmp_path, text, message
):
    path = _write(text(tmp_path) if callable(text) else text, tmp_path)
    out = StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("simulate_decision", str(path), stdout=out)

    assert refused.value.returncode == 2
    assert str(refused.value).startswith(message.format(tmp=tmp_path))
    assert "\n" not in str(refused.value)
    assert out.getvalue() == ""


def _command(*args: str, stdin: str) -> subprocess.CompletedProcess:
    """The command as a person runs it, in its own process (no test database: these inputs
    name the methodology by its file)."""
    return subprocess.run(
        [sys.executable, "manage.py", "simulate_decision", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_reads_standard_input_and_exits_0():
    data = _example(methodology=str(DEFAULT_METHODOLOGY))

    finished = _command("-", stdin=json.dumps(data))

    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["level"] == "BRONZE"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        (
            json.dumps(_example(methodology=str(DEFAULT_METHODOLOGY))).replace(
                '"STR-3": 50', '"STR-3": 101'
            ),
            "values.STR-3: 101 is outside the range 0 to 100",
        ),
    ],
    ids=["invalid-json", "out-of-range"],
)
def test_malformed_input_exits_2_with_one_line_on_stderr_and_nothing_on_stdout(text, message):
    finished = _command("-", stdin=text)

    assert finished.returncode == 2
    assert finished.stdout == ""
    assert len(finished.stderr.strip().splitlines()) == 1
    assert message in finished.stderr


def _simulated_summary(result: dict) -> dict:
    return {
        "level": result["level"],
        "gold": result["gold_score_percent"],
        "benchmark": result["benchmark_score_percent"],
        "indicators": result["indicators"],
        "reasons": [reason["code"] for reason in result["reasons"]],
    }


def _service_summary(application: Application) -> dict:
    recommendation = recommendation_compute(application)
    explanation = recommendation.explanation
    return {
        "level": _level_name(recommendation.outcome),
        "gold": str(recommendation.gold_score_pct),
        "benchmark": str(recommendation.benchmark_score_pct),
        "indicators": [
            {key: row[key] for key in INDICATOR_KEYS} for row in explanation["indicators"]
        ],
        "reasons": [
            reason["code"]
            for check in explanation["checks"]
            if not check["met"]
            for reason in check["reasons"]
        ],
    }


def _simulation_of(application: Application, tmp_path: Path) -> dict:
    """What the command prints for the facts ``decision_input_for`` reads from ``application``,
    written as the input JSON a secretariat would give."""
    data = input_for(application.methodology, decision_input_for(application))
    return _simulated_summary(_simulate(data, tmp_path))


@pytest.mark.parametrize(
    ("level", "outcome"),
    [
        (Level.GOLD, Outcome.GOLD),
        (Level.GOLD, Outcome.BRONZE),
        (Level.SILVER, Outcome.BRONZE),
        (Level.BRONZE, Outcome.BRONZE),
        (Level.BRONZE, Outcome.NONE),
    ],
    ids=["gold", "gold-request-ends-in-bronze", "silver-without-prior-bronze", "bronze", "none"],
)
def test_the_simulation_agrees_with_the_decision_service_on_an_assessed_application(
    organisation, manager, crew, tmp_path, level, outcome
):
    factories.small_methodology()
    application = application_create(organisation=organisation, level=level, actor=manager)
    walk_application(
        application, to=ApplicationState.QUALITY_REVIEW, crew=crew(level), outcome=outcome
    )

    simulated = _simulation_of(application, tmp_path)

    assert simulated == _service_summary(application)
    assert simulated["level"] == _level_name(outcome)


AFTER_CONSENSUS = {
    ApplicationState.QUALITY_REVIEW,
    ApplicationState.DECISION_PROPOSED,
    ApplicationState.DECIDED,
    ApplicationState.CERTIFIED,
    ApplicationState.CLOSED,
    ApplicationState.APPEALED,
}


def test_the_simulation_agrees_with_the_decision_service_on_every_seeded_application(db, tmp_path):
    seed_demo()
    assessed = [
        application
        for application in Application.objects.select_related("methodology", "organisation")
        if application.state in AFTER_CONSENSUS and application.recommendations.exists()
    ]
    assert len(assessed) >= 10
    # The seed holds the two cases the shipped examples describe.
    assert {(a.level, a.decided_outcome) for a in assessed} >= {
        (Level.GOLD.value, Outcome.BRONZE.value),
        (Level.SILVER.value, Outcome.SILVER.value),
    }

    simulated = {a.pk: _simulation_of(a, tmp_path) for a in assessed}

    assert simulated == {a.pk: _service_summary(a) for a in assessed}
