"""``manage.py simulate_decision``: the engine of the decision service, on facts given as JSON."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.models import MethodologyVersion
from assessments.services.decision import decision_input_for, latest_recommendation
from assessments.services.methodology import methodology_load
from assessments.simulation import input_for
from labelling.demo import DEFAULT_METHODOLOGY, seed_demo
from labelling.models import Application

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assessments" / "methodology" / "examples"
GOLD_TO_BRONZE = EXAMPLES / "gold-request-ends-in-bronze.json"
SILVER = EXAMPLES / "silver-with-prior-bronze.json"


@pytest.fixture
def default_methodology(db) -> MethodologyVersion:
    existing = MethodologyVersion.objects.filter(code="ecl-default", version="2026.1").first()
    return existing or methodology_load(path=DEFAULT_METHODOLOGY)


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("simulate_decision", *args, stdout=out)
    return json.loads(out.getvalue())


def _simulate(data: dict, tmp_path: Path, *args: str) -> dict:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data))
    return _run(str(path), *args)


def _example(path: Path) -> dict:
    return json.loads(path.read_text())


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
    assert described["label_rules"]["gold_min_score_pct"] == "80.00"


def test_the_gold_request_example_ends_in_bronze_with_both_scores(default_methodology):
    result = _run(str(GOLD_TO_BRONZE))

    assert result["level"] == "BRONZE"
    assert (result["gold_score_percent"], result["benchmark_score_percent"]) == ("74.32", "71.42")
    assert "gold.score_below_minimum" in [reason["code"] for reason in result["reasons"]]
    assert len(result["indicators"]) == 36


def test_the_silver_example_with_a_valid_prior_bronze_is_silver(default_methodology):
    result = _run(str(SILVER))

    assert (result["level"], result["reasons"]) == ("SILVER", [])


def test_the_same_rules_in_german_give_the_same_codes_in_german_words(default_methodology):
    english = _run(str(GOLD_TO_BRONZE))
    german = _run(str(GOLD_TO_BRONZE), "--language", "de")

    assert [r["code"] for r in german["reasons"]] == [r["code"] for r in english["reasons"]]
    score = next(r for r in german["reasons"] if r["code"] == "gold.score_below_minimum")
    assert score["text"] == "GOLD-Punktzahl 74,32 % liegt unter 80,00 %"


def test_identical_input_gives_identical_output(default_methodology):
    assert _run(str(GOLD_TO_BRONZE)) == _run(str(GOLD_TO_BRONZE))


def test_a_suspended_prior_bronze_does_not_make_a_silver(default_methodology, tmp_path):
    data = _example(SILVER)
    data["prior_labels"][0]["state"] = "suspended"

    result = _simulate(data, tmp_path)

    assert result["level"] == "BRONZE"
    assert [r["code"] for r in result["reasons"]] == ["silver.no_valid_prior_bronze"]


def _broken(change) -> dict:
    data = copy.deepcopy(_example(GOLD_TO_BRONZE))
    change(data)
    return data


MALFORMED = [
    (lambda d: d.update(colour="gold"), "colour: unknown key"),
    (lambda d: d.pop("values"), "values: missing"),
    (lambda d: d["values"].update({"NOPE-1": 1}), "values.NOPE-1: unknown indicator"),
    (
        lambda d: d.update(methodology="ecl-default:1999.9"),
        "methodology: There is no methodology version",
    ),
    (lambda d: d["values"].pop("STR-1"), "values.STR-1: missing value"),
    (lambda d: d["values"].update({"STR-3": 101}), "values.STR-3: 101 is outside the range"),
    (lambda d: d["values"].update({"STR-1": -1}), "values.STR-1: -1 is outside the range"),
    (lambda d: d["values"].update({"GOV-2": 3.5}), "values.GOV-2: 3.5 is outside the range"),
    (lambda d: d["values"].update({"STR-1": True}), "values.STR-1: true/false is only for"),
    (lambda d: d.update(assessment_date="2026-13-01"), "assessment_date: '2026-13-01' is not"),
    (lambda d: d.update(requested_level="PLATINUM"), "requested_level: 'PLATINUM' is not"),
    (lambda d: d.update(organisation_country="XX"), "organisation_country: 'XX' is not"),
    (
        lambda d: d.update(prior_labels=[{"level": "BRONZE", "valid_from": "2025-01-01"}]),
        "prior_labels[0].state: missing",
    ),
    (
        lambda d: d.update(
            prior_labels=[{"level": "BRONZE", "valid_from": "2025-01-01", "state": "lost"}]
        ),
        "prior_labels[0].state: 'lost' is not one of",
    ),
]
MALFORMED_IDS = [
    "unknown-key", "missing-key", "unknown-indicator", "unknown-methodology", "missing-value",
    "101-percent", "negative-count", "rubric-3.5", "bool-on-a-count", "bad-date", "bad-level",
    "bad-country", "prior-label-without-state", "prior-label-bad-state",
]  # fmt: skip


@pytest.mark.parametrize(("change", "message"), MALFORMED, ids=MALFORMED_IDS)
def test_malformed_input_is_refused_naming_the_field(
    default_methodology, tmp_path, change, message
):
    path = tmp_path / "input.json"
    path.write_text(json.dumps(_broken(change)))
    out = StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("simulate_decision", str(path), stdout=out)

    assert str(refused.value).startswith(message)
    assert refused.value.returncode == 2
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("NaN", "values.STR-1: not a finite number"),
        ("Infinity", "values.STR-1: not a finite number"),
        ("1e400", "values.STR-1: 1E+400 is outside the range"),
    ],
    ids=["nan", "infinity", "1e400"],
)
def test_a_number_json_cannot_hold_exactly_is_refused_naming_the_field(
    default_methodology, tmp_path, literal, message
):
    text = json.dumps(_example(GOLD_TO_BRONZE)).replace('"STR-1": 60', f'"STR-1": {literal}')
    path = tmp_path / "input.json"
    path.write_text(text)

    with pytest.raises(CommandError, match=message.replace("+", r"\+")):
        call_command("simulate_decision", str(path), stdout=StringIO())


def test_malformed_input_exits_2_with_one_line_on_stderr_and_nothing_on_stdout(tmp_path):
    path = tmp_path / "input.json"
    path.write_text("{not json")

    finished = subprocess.run(
        [sys.executable, "manage.py", "simulate_decision", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 2
    assert finished.stdout == ""
    assert len(finished.stderr.strip().splitlines()) == 1
    assert "not valid JSON" in finished.stderr


def test_the_simulation_agrees_with_the_decision_service_on_every_seeded_application(db, tmp_path):
    seed_demo()
    decided = [
        application
        for application in Application.objects.select_related("methodology", "organisation")
        if latest_recommendation(application) is not None
    ]
    assert len(decided) >= 10

    for application in decided:
        recommendation = latest_recommendation(application)
        data = input_for(application.methodology, decision_input_for(application))

        result = _simulate(data, tmp_path)

        expected = None if recommendation.outcome == "none" else recommendation.outcome.upper()
        assert (result["level"], result["gold_score_percent"]) == (
            expected,
            str(recommendation.gold_score_pct),
        ), application
        assert result["benchmark_score_percent"] == str(recommendation.benchmark_score_pct)
