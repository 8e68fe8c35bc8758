"""How long the decision engine takes per application, next to evaluating its indicators alone
(what a decision cannot do without), and 10,000 decisions in all."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path

import yaml

from benchmarks.harness import absolute, interleaved, report

APPLICATIONS = 10_000
DEFAULT = (
    Path(__file__).resolve().parent.parent / "assessments" / "methodology" / "default-2026.yaml"
)


def _spec():
    """The shipped default methodology as the engine sees it, built without a database."""
    from assessments.methodology_schema import parse_methodology

    return parse_methodology(yaml.safe_load(DEFAULT.read_text())).as_spec()


def _inputs(spec, count: int) -> list:
    from assessments import engine

    rng = random.Random(2026)
    inputs = []
    for n in range(count):
        values = {
            i.code: Decimal(
                rng.randint(
                    0, min(int(i.bands[-1].lower * 2) or 1, engine.VALUE_RANGES[i.value_type][1])
                )
            )
            for i in spec.indicators
        }
        inputs.append(
            engine.DecisionInput(
                requested_level=("bronze", "silver", "gold")[n % 3],
                values=values,
                validated_improvement_areas=rng.randint(0, 4),
                assessment_date=datetime.date(2026, 6, 15),
                organisation_country="DE",
                expert_countries=tuple(rng.sample(["DE", "FR", "AT"], rng.randint(1, 2))),
                prior_labels=rng.choice(
                    [(), (engine.PriorLabel("bronze", datetime.date(2024, 11, 1), "active"),)]
                ),
            )
        )
    return inputs


def run() -> str:
    from assessments.engine import decide, evaluate_indicator

    spec = _spec()
    inputs = _inputs(spec, APPLICATIONS)
    levels: dict[str, int] = {}

    def engine_run(n: int) -> None:
        for data in inputs[:n]:
            decision = decide(spec, data)
            levels[decision.level] = levels.get(decision.level, 0) + 1

    def evaluations(n: int) -> None:
        for data in inputs[:n]:
            for indicator in spec.indicators:
                evaluate_indicator(indicator, data.values.get(indicator.code))

    subject, baseline = interleaved(
        ("decide() per application", engine_run),
        ("evaluating its indicators, nothing else", evaluations),
        APPLICATIONS,
        rounds=3,
    )
    rounds = max(sum(levels.values()) // APPLICATIONS, 1)
    mix = ", ".join(f"{level}: {count // rounds}" for level, count in sorted(levels.items()))
    return "\n".join(
        [
            report(
                f"Decision engine ({APPLICATIONS:,} applications; levels {mix})",
                subject,
                baseline,
                goal=5,
            ),
            absolute(f"{APPLICATIONS:,} decisions", subject.per_call * APPLICATIONS, limit=0.5),
        ]
    )
