"""Checking a value entered for an indicator against its value type.

The rules are the engine's (``engine.value_problem``), so that a form, the API and the decision
refuse the same values; this module turns a refusal into the field error a person reads.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from assessments.engine import VALUE_RANGES, ValueType, value_problem
from labelling.exceptions import InvalidInput


def _message(value_type: ValueType, code: str) -> str:
    if code == "value.whole":
        return _("Enter a whole number.")
    if code == "value.places":
        return _("Use at most two decimal places.")
    if code == "value.out_of_range":
        low, high = VALUE_RANGES[value_type]
        return _("Enter a value from %(low)s to %(high)s.") % {
            "low": number_format(low),
            "high": number_format(high, force_grouping=True),
        }
    return _("Enter a number.")


def clean_value(value_type: str, raw: object, *, field: str = "value") -> Decimal | None:
    """The value as a Decimal within the type's range, ``None`` for empty; else ``InvalidInput``
    naming ``field`` (NaN, infinities, ``1e400``, negative numbers, a percentage above 100, a
    fraction on a whole-number type are each refused)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raw = int(raw)
    if isinstance(raw, list | dict | tuple):
        raise InvalidInput(_("Enter a number."), field=field)
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise InvalidInput(_("Enter a number."), field=field) from exc
    kind = ValueType(value_type)
    problem = value_problem(kind, value)
    if problem is not None:
        raise InvalidInput(_message(kind, problem.code), field=field)
    return value
