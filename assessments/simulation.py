"""What a cluster would get: the decision engine on facts given as JSON (``simulate_decision``).

A scheme owner tests a methodology version, draft or published, before it decides anything:
the input is read strictly (every problem names its field), turned into the same
``engine.DecisionInput`` the decision service builds from a real application, and decided by
the same ``engine.decide``. ``input_for`` goes the other way, so that a real application's
facts can be simulated and the two compared.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.utils import translation
from django_countries import countries

from assessments import engine
from assessments.explanations import reason_text
from assessments.methodology_schema import MethodologyFileError, parse_methodology
from assessments.models import MethodologyVersion
from assessments.services.methodology import methodology_find
from labelling.exceptions import InvalidInput

REQUIRED_KEYS = (
    "methodology",
    "requested_level",
    "assessment_date",
    "organisation_country",
    "values",
)
OPTIONAL_KEYS = {"expert_countries": [], "improvement_areas_validated": 0, "prior_labels": []}
PRIOR_LABEL_KEYS = ("level", "valid_from", "state")
LEVELS = {engine.LevelCode.BRONZE, engine.LevelCode.SILVER, engine.LevelCode.GOLD}


class SimulationError(ValueError):
    """Input that cannot be simulated; ``str()`` is one line that names the field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        # One line whatever the cause says: a YAML parser's message spans several.
        message = " ".join(message.split())
        super().__init__(f"{field}: {message}" if field else message)


def methodology_spec(identifier: object) -> tuple[engine.MethodologySpec, str]:
    """The engine's view of a methodology, and its state (``draft``, ``published`` or ``file``).

    ``identifier`` is ``CODE:VERSION`` or ``VERSION`` of a version in the database, drafts
    included, or the path of a methodology file (``.yaml``, ``.yml``, ``.json``)."""
    if not isinstance(identifier, str) or not identifier.strip():
        raise SimulationError("methodology", "give a version (CODE:VERSION) or a file")
    path = Path(identifier)
    if path.suffix.lower() in {".yaml", ".yml", ".json"}:
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SimulationError("methodology", f"{path}: cannot be read ({exc})") from exc
        try:
            data = json.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
        except (ValueError, yaml.YAMLError) as exc:
            raise SimulationError(
                "methodology", f"{path}: not valid {path.suffix} ({exc})"
            ) from exc
        try:
            return parse_methodology(data).as_spec(), "file"
        except MethodologyFileError as exc:
            raise SimulationError("methodology", f"{path.name}: {exc}") from exc
    try:
        version = methodology_find(identifier)
    except InvalidInput as exc:
        raise SimulationError("methodology", exc.message) from exc
    return version.as_spec(), version.state


def _date(field: str, value: object) -> datetime.date:
    if not isinstance(value, str):
        raise SimulationError(field, "give the date as YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise SimulationError(field, f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _country(field: str, value: object) -> str:
    if not isinstance(value, str) or value.upper() not in countries:
        raise SimulationError(field, f"{value!r} is not an ISO 3166 country code")
    return value.upper()


def _level(field: str, value: object) -> str:
    level = value.lower() if isinstance(value, str) else None
    if level not in LEVELS:
        raise SimulationError(field, f"{value!r} is not GOLD, SILVER or BRONZE")
    return level


def _number(spec: engine.IndicatorSpec, value: object) -> Decimal:
    field = f"values.{spec.code}"
    if isinstance(value, bool):
        if spec.value_type != engine.ValueType.YES_NO:
            raise SimulationError(field, "true/false is only for yes/no indicators")
        return Decimal(int(value))
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation as exc:
            raise SimulationError(field, f"{value!r} is not a number") from exc
    if isinstance(value, int):
        value = Decimal(value)
    problem = engine.value_problem(spec.value_type, value)
    if problem is not None:
        raise SimulationError(field, str(problem))
    # "1E+2" is the whole number 100: shown as plain digits, as the database would keep it.
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def _values(methodology: engine.MethodologySpec, raw: object) -> dict[str, Decimal]:
    if not isinstance(raw, Mapping):
        raise SimulationError("values", "give an object of indicator code → value")
    specs = {spec.code: spec for spec in methodology.indicators}
    unknown = sorted(set(raw) - set(specs))
    if unknown:
        raise SimulationError(f"values.{unknown[0]}", "unknown indicator")
    missing = [code for code in specs if code not in raw]
    if missing:
        raise SimulationError(f"values.{missing[0]}", "missing value")
    return {code: _number(spec, raw[code]) for code, spec in specs.items()}


def _prior_labels(raw: object) -> tuple[engine.PriorLabel, ...]:
    if not isinstance(raw, list):
        raise SimulationError("prior_labels", "give a list of labels")
    labels = []
    for n, item in enumerate(raw):
        where = f"prior_labels[{n}]"
        if not isinstance(item, Mapping):
            raise SimulationError(where, "give an object with level, valid_from and state")
        unknown = sorted(set(item) - set(PRIOR_LABEL_KEYS))
        if unknown:
            raise SimulationError(f"{where}.{unknown[0]}", "unknown key")
        for key in PRIOR_LABEL_KEYS:
            if key not in item:
                raise SimulationError(f"{where}.{key}", "missing")
        state = item["state"]
        if state not in set(engine.PriorLabelState):
            raise SimulationError(
                f"{where}.state",
                f"{state!r} is not one of {', '.join(s.value for s in engine.PriorLabelState)}",
            )
        labels.append(
            engine.PriorLabel(
                level=_level(f"{where}.level", item["level"]),
                valid_from=_date(f"{where}.valid_from", item["valid_from"]),
                state=state,
            )
        )
    return tuple(labels)


def parse_input(data: object) -> tuple[engine.MethodologySpec, engine.DecisionInput]:
    """The methodology and the decision input ``data`` (parsed JSON) describes; raises
    ``SimulationError`` naming the first field that is wrong."""
    if not isinstance(data, Mapping):
        raise SimulationError("", "the input must be a JSON object")
    unknown = sorted(set(data) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise SimulationError(unknown[0], "unknown key")
    for key in REQUIRED_KEYS:
        if key not in data:
            raise SimulationError(key, "missing")
    fields = {**OPTIONAL_KEYS, **data}
    methodology, _state = methodology_spec(fields["methodology"])
    experts = fields["expert_countries"]
    if not isinstance(experts, list):
        raise SimulationError("expert_countries", "give a list of country codes")
    areas = fields["improvement_areas_validated"]
    if isinstance(areas, bool) or not isinstance(areas, int) or areas < 0:
        raise SimulationError("improvement_areas_validated", "give a whole number of 0 or more")
    return methodology, engine.DecisionInput(
        requested_level=_level("requested_level", fields["requested_level"]),
        values=_values(methodology, fields["values"]),
        validated_improvement_areas=areas,
        assessment_date=_date("assessment_date", fields["assessment_date"]),
        organisation_country=_country("organisation_country", fields["organisation_country"]),
        expert_countries=tuple(
            _country(f"expert_countries[{n}]", c) for n, c in enumerate(experts)
        ),
        prior_labels=_prior_labels(fields["prior_labels"]),
    )


def loads(text: str) -> object:
    """JSON as the simulation reads it: numbers exactly (Decimal), NaN and the infinities kept
    as numbers so that they are refused with the field they are in."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=Decimal)
    except json.JSONDecodeError as exc:
        raise SimulationError("", f"not valid JSON: {exc}") from exc


def result(decision: engine.Decision, *, language: str = "en") -> dict:
    """The decision as ``simulate_decision`` prints it, its reasons in ``language``."""
    with translation.override(language):
        reasons = [
            {"code": reason.code, "text": reason_text(reason.as_json())}
            for reason in decision.reasons
        ]
    level = None if decision.level == engine.LevelCode.NONE else decision.level.upper()
    return {
        "level": level,
        "gold_score_percent": str(decision.gold_score_pct),
        "benchmark_score_percent": str(decision.benchmark_score_pct),
        "indicators": [
            {
                "code": row.code,
                "value": None if row.value is None else str(row.value),
                "light": row.light.value,
                "points": row.points,
                "passed": row.passed,
            }
            for row in decision.indicators
        ],
        "reasons": reasons,
    }


def simulate(data: object, *, language: str = "en") -> dict:
    """Decide on ``data`` (parsed JSON input) with the engine the decision service uses."""
    methodology, decision_input = parse_input(data)
    return result(engine.decide(methodology, decision_input), language=language)


def _band_rows(spec: engine.IndicatorSpec) -> list[dict]:
    top = engine.VALUE_RANGES[spec.value_type][1]
    uppers = [band.lower for band in spec.bands[1:]] + [top]
    return [
        {
            "min": str(band.lower),
            "max": str(upper),
            "light": band.light.value,
            "points": band.points,
        }
        for band, upper in zip(spec.bands, uppers, strict=True)
    ]


def describe(identifier: str) -> dict:
    """The methodology as the rules see it: each indicator's flags and bands, and the rules."""
    methodology, state = methodology_spec(identifier)
    rules = methodology.rules
    return {
        "code": methodology.code,
        "version": methodology.version,
        "state": state,
        "label_rules": {
            "gold_min_score_pct": str(rules.gold_min_score_pct),
            "gold_min_expert_countries": rules.gold_min_expert_countries,
            "silver_min_improvement_areas": rules.silver_min_improvement_areas,
            "silver_prior_bronze_min_months": rules.silver_prior_bronze_min_months,
            "silver_prior_bronze_max_months": rules.silver_prior_bronze_max_months,
        },
        "indicators": [
            {
                "code": spec.code,
                "dimension": spec.dimension,
                "value_type": spec.value_type.value,
                "in_gold_set": spec.in_gold_set,
                "bronze_eligibility": spec.bronze_eligibility,
                "gold_minimum": spec.gold_minimum,
                "threshold": str(spec.threshold),
                "weight": str(spec.weight),
                "bands": _band_rows(spec),
                "max_points": spec.max_points,
            }
            for spec in methodology.indicators
        ],
    }


def input_for(methodology: MethodologyVersion, decision_input: engine.DecisionInput) -> dict:
    """The simulation input that describes ``decision_input`` on ``methodology``: what a
    secretariat would write to ask what a real application gets."""
    return {
        "methodology": f"{methodology.code}:{methodology.version}",
        "requested_level": decision_input.requested_level.upper(),
        "assessment_date": decision_input.assessment_date.isoformat(),
        "organisation_country": decision_input.organisation_country,
        # An expert without a country is ignored by the engine's team rule; the simulation
        # refuses an empty code, so it is left out rather than written as "".
        "expert_countries": [code for code in decision_input.expert_countries if code],
        "improvement_areas_validated": decision_input.validated_improvement_areas,
        "prior_labels": [
            {"level": p.level.upper(), "valid_from": p.valid_from.isoformat(), "state": p.state}
            for p in decision_input.prior_labels
        ],
        "values": {
            code: None if value is None else str(value)
            for code, value in decision_input.values.items()
        },
    }
