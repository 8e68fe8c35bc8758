"""Checking a value entered for an indicator against its value type."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from assessments.engine import ValueType
from assessments.methodology_schema import VALUE_RANGES
from labelling.exceptions import InvalidInput

WHOLE_NUMBER_TYPES = {ValueType.COUNT, ValueType.RUBRIC, ValueType.YES_NO}


def clean_value(value_type: str, raw: object, *, field: str = "value") -> Decimal | None:
    """The value as a Decimal within the type's range, ``None`` for empty; else ``InvalidInput``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raw = int(raw)
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise InvalidInput(_("Enter a number."), field=field) from exc
    if not value.is_finite():
        raise InvalidInput(_("Enter a number."), field=field)
    kind = ValueType(value_type)
    low, high = VALUE_RANGES[kind]
    if kind in WHOLE_NUMBER_TYPES and value != value.to_integral_value():
        raise InvalidInput(_("Enter a whole number."), field=field)
    if value < low or (high is not None and value > high):
        if high is None:
            message = _("Enter a value of at least %(low)s.") % {"low": low}
        else:
            message = _("Enter a value from %(low)s to %(high)s.") % {"low": low, "high": high}
        raise InvalidInput(message, field=field)
    if value.as_tuple().exponent < -2:
        raise InvalidInput(_("Use at most two decimal places."), field=field)
    return value
