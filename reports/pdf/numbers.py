"""Certificate numbers with a check digit, e.g. ``CL-2026-4817305926-3``.

The prefix is ``settings.CERTIFICATE_NUMBER_PREFIX``, then the year, a serial and the Damm check
digit of the year and serial digits (``20264817305926``). A new certificate's serial is random
(``SERIAL_DIGITS`` digits), so that one number tells nothing about the others: nobody can walk
through the verification page from their own certificate to the neighbours'. The certificates
issued before kept their sequential serials (``CL-2026-000123-8``, at least six digits), which
still verify. Damm detects every single-digit error and every transposition of two adjacent
digits, including one that involves the check digit itself, so a mistyped number is rejected
rather than pointing at another organisation's certificate.
"""

import re
import secrets

from django.conf import settings
from stdnum import damm

#: Serials are padded to this many digits (the width of the sequential ones issued before).
SEQUENCE_DIGITS = 6
#: Digits of a random serial (the first is never 0): even with 10,000 certificates in a year, one
#: guess in 900,000 finds one.
SERIAL_DIGITS = 10
_WHITESPACE = re.compile(r"\s+")


def format_certificate_number(year: int, serial: int | None = None) -> str:
    """The certificate number of ``year`` (four digits) with ``serial`` (positive), or without
    one with a new random serial of ``SERIAL_DIGITS`` digits, which may already be taken."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"year must have four digits, not {year}")
    if serial is None:
        lowest = 10 ** (SERIAL_DIGITS - 1)
        serial = lowest + secrets.randbelow(10**SERIAL_DIGITS - lowest)
    if serial < 1:
        raise ValueError(f"serial must be positive, not {serial}")
    digits = f"{year:04d}{serial:0{SEQUENCE_DIGITS}d}"
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
