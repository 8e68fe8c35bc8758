"""The engine's reasons as stored with a recommendation, shown in the reader's language."""

import json
from decimal import Decimal

from django.utils import translation

from assessments.engine import (
    Band,
    DecisionInput,
    IndicatorSpec,
    Light,
    MethodologySpec,
    Reason,
    ValueType,
    decide,
)
from assessments.explanations import reason_text

BANDS = (Band(Decimal(0), Light.RED, 0), Band(Decimal(15), Light.GREEN, 2))


def _stored(reason: Reason) -> dict:
    """``reason`` as it comes back from the recommendation's JSON field."""
    return json.loads(json.dumps(reason.as_json()))


def _unmet_minimum(code: str = "STR-1", value: str = "12.50") -> Reason:
    """Why BRONZE is refused when eligibility criterion ``code`` (threshold 15.00) has
    ``value``."""
    spec = IndicatorSpec(
        code, "STR", ValueType.AMOUNT, BANDS, Decimal("15.00"), bronze_eligibility=True
    )
    decision = decide(
        MethodologySpec("m", "1", (spec,)), DecisionInput("bronze", {code: Decimal(value)})
    )
    (reason,) = decision.checks[0].reasons
    return reason


def test_reason_text_in_english_reads_as_the_engine_wrote_it():
    reason = _unmet_minimum()

    with translation.override("en"):
        text = reason_text(_stored(reason))

    assert text == str(reason)
    assert text == "eligibility criterion STR-1 not met (12.50 is below the threshold 15.00)"


def test_reason_text_in_german_is_translated_with_localised_numbers():
    with translation.override("de"):
        text = reason_text(_stored(_unmet_minimum()))

    assert text == (
        "Eignungskriterium STR-1 nicht erfüllt (12,50 liegt unter dem Schwellenwert 15,00)"
    )


def test_reason_text_leaves_an_indicator_code_that_looks_like_a_number_alone():
    with translation.override("de"):
        text = reason_text(_stored(_unmet_minimum(code="1.5")))

    assert text.startswith("Eignungskriterium 1.5 nicht erfüllt")


def test_stored_reason_keeps_its_decimals_exactly():
    stored = _stored(_unmet_minimum(value="12.50"))

    assert stored["params"]["reason"]["params"] == {
        "value": {"decimal": "12.50"},
        "threshold": {"decimal": "15.00"},
    }


def test_reason_text_shows_a_reason_stored_as_plain_text_as_it_is():
    with translation.override("de"):
        text = reason_text("0.00 is below the threshold 15.00")

    assert text == "0.00 is below the threshold 15.00"
