"""Certificate numbers with a check digit, e.g. ``CL-2026-000123-8``.

The prefix is ``settings.CERTIFICATE_NUMBER_PREFIX``. The check digit is the Damm check digit of
the year and sequence digits (``2026000123``). Damm detects every single-digit error and every
transposition of two adjacent digits, including one that involves the check digit itself, so a
mistyped number is rejected rather than pointing at another organisation's certificate.
"""

import re

from django.conf import settings
from stdnum import damm

SEQUENCE_DIGITS = 6
_WHITESPACE = re.compile(r"\s+")


def format_certificate_number(year: int, sequence: int) -> str:
    """The number of the ``sequence``-th certificate of ``year`` (four digits, positive)."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"year must have four digits, not {year}")
    if sequence < 1:
        raise ValueError(f"sequence must be positive, not {sequence}")
    digits = f"{year:04d}{sequence:0{SEQUENCE_DIGITS}d}"
    check = damm.calc_check_digit(digits)
    return f"{_prefix()}-{digits[:4]}-{digits[4:]}-{check}"


def normalise(text: str) -> str:
    """The canonical spelling of a typed number: upper case, no white space.

    ``" cl-2026 - 000123-8 "`` becomes ``"CL-2026-000123-8"``; the result need not be valid.
    """
    return _WHITESPACE.sub("", text).upper()


def is_valid_certificate_number(text: str) -> bool:
    """Whether ``text`` (after ``normalise``) is well formed and its check digit matches."""
    pattern = rf"{re.escape(_prefix())}-(\d{{4}})-(\d{{{SEQUENCE_DIGITS},}})-(\d)"
    match = re.fullmatch(pattern, normalise(text))
    return match is not None and damm.is_valid("".join(match.groups()))


def _prefix() -> str:
    return settings.CERTIFICATE_NUMBER_PREFIX.upper()
