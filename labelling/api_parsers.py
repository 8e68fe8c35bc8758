"""The API's parsers: JSON as RFC 8259 defines it, and no body the database cannot store.

DRF's parser already refuses the constants ``NaN`` and ``Infinity`` (``STRICT_JSON``). It still
reads a number too large for a float (``1E+400``) as infinity, a string holding ``\\u0000``
(which PostgreSQL cannot store in any text) as it is, whatever field it is meant for, and
answers a body nested too deeply for Python's parser with a server error. Here the first two
are refused as bad input naming the field they were sent in (400, like any invalid field), the
last as a body that cannot be read (400).

A form body (urlencoded or multipart) is checked for NUL characters the same way. The
middleware (``labelling.middleware.BadInputMiddleware``) sees only a POST's form, as Django
parses no other; a PUT or PATCH reached the database with one, e.g. a sector looked up by a
slug holding it (a server error on PostgreSQL).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.settings import api_settings


def _problem_in(data: Any) -> str | None:
    """What of ``data`` cannot be taken, for a person to read (``None``: nothing). Walked
    without recursion, as the body may be as deep as the parser allowed."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return _("Null characters are not allowed.")
        elif isinstance(value, float):
            if not math.isfinite(value):
                return _("The number is too large.")
        elif isinstance(value, Mapping):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return None


def _field_problems(data: Any) -> dict[str, list[str]]:
    """The problems by the field of the body they were sent in; those in a field's name, or in
    a body that is not an object, under ``non_field_errors``."""
    if not isinstance(data, Mapping):
        problem = _problem_in(data)
        return {api_settings.NON_FIELD_ERRORS_KEY: [problem]} if problem else {}
    problems: dict[str, list[str]] = {}
    for name, value in data.items():
        if (problem := _problem_in(name)) is not None:
            problems.setdefault(api_settings.NON_FIELD_ERRORS_KEY, []).append(problem)
        elif (problem := _problem_in(value)) is not None:
            problems[name] = [problem]
    return problems


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON body is nested too deeply.")) from exc
        problems = _field_problems(data)
        if problems:
            raise ValidationError(problems)
        return data


def _refuse_nul_in_form(data) -> None:
    """Refuses a NUL character in a parsed form's field names or values, by field."""
    problems = _field_problems(dict(data.lists()))
    if problems:
        raise ValidationError(problems)


class StrictFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul_in_form(data)
        return data


class StrictMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_nul_in_form(parsed.data)
        return parsed
