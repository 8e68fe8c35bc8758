"""The decision engine's explanation, as kept with a recommendation, in the reader's language.

The engine writes its reasons as message ids with parameters (``engine.Reason.as_json``); they
are translated and their numbers localised only here, when shown, so that the decision card, the
report and the API read in the language of whoever reads them. Explanations stored before that
hold their reasons as English text, which is shown as it is.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext


def reason_text(reason: str | Mapping[str, object]) -> str:
    """``reason`` (``{"message": ..., "params": {...}}``, or plain text from an older
    explanation) in the active language, its numbers localised (``15,00`` in German)."""
    if isinstance(reason, str):
        return reason
    params = reason.get("params") or {}
    return gettext(reason["message"]) % {name: _param_text(v) for name, v in params.items()}


def explanation_decimal(value: object) -> Decimal | None:
    """A number of the explanation (kept as text so that it reads back exactly), or ``None``."""
    return None if value in (None, "") else Decimal(str(value))


def _param_text(value: object) -> object:
    if isinstance(value, Mapping):
        if "decimal" in value:
            return number_format(explanation_decimal(value["decimal"]))
        if "date" in value:
            return date_format(datetime.date.fromisoformat(value["date"]))
        return reason_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return number_format(value)
    return value
