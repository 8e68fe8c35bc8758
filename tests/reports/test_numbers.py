"""Certificate numbers: format, tolerant reading, and the errors the check digit catches."""

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.pdf.numbers import (
    SERIAL_DIGITS,
    format_certificate_number,
    is_valid_certificate_number,
    normalise,
)

EXAMPLES = settings(max_examples=300, deadline=None)
years = st.integers(min_value=2000, max_value=2099)
# The sequential serials of the certificates issued before, and the random ones of the new.
sequences = st.one_of(
    st.integers(min_value=1, max_value=999_999),
    st.integers(min_value=10 ** (SERIAL_DIGITS - 1), max_value=10**SERIAL_DIGITS - 1),
)


def _digit_positions(number: str) -> list[int]:
    """Positions of the year, sequence and check digits (the prefix has none)."""
    return [index for index, char in enumerate(number) if char.isdigit()]


def test_format_pads_the_sequence_and_appends_the_check_digit():
    assert format_certificate_number(2026, 123) == "CL-2026-000123-8"


def test_format_without_a_serial_draws_a_random_one_of_ten_digits():
    number = format_certificate_number(2026)

    assert re.fullmatch(r"CL-2026-[1-9]\d{9}-\d", number)
    assert is_valid_certificate_number(number)


def test_random_serials_differ_from_draw_to_draw():
    numbers = {format_certificate_number(2026) for _ in range(20)}

    assert len(numbers) == 20


def test_format_keeps_sequences_beyond_six_digits():
    number = format_certificate_number(2026, 1_234_567)

    assert number.startswith("CL-2026-1234567-")
    assert is_valid_certificate_number(number)


@pytest.mark.parametrize(
    ("year", "sequence"),
    [(999, 1), (10000, 1), (2026, 0), (2026, -4)],
    ids=["three-digit-year", "five-digit-year", "zero-sequence", "negative-sequence"],
)
def test_format_refuses_out_of_range_parts(year, sequence):
    with pytest.raises(ValueError, match="must"):
        format_certificate_number(year, sequence)


def test_prefix_comes_from_settings(settings):
    settings.CERTIFICATE_NUMBER_PREFIX = "EX"

    number = format_certificate_number(2026, 123)

    assert number == "EX-2026-000123-8"
    assert is_valid_certificate_number(number)
    assert not is_valid_certificate_number("CL-2026-000123-8")


def test_normalise_forgives_spacing_and_case():
    assert normalise(" cl-2026 - 000123-8\n") == "CL-2026-000123-8"


@pytest.mark.parametrize(
    "typed",
    ["CL-2026-000123-8", "cl-2026-000123-8", " CL - 2026 - 000123 - 8 "],
    ids=["canonical", "lower-case", "spaces"],
)
def test_is_valid_accepts_the_number_as_typed(typed):
    assert is_valid_certificate_number(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "CL-2026-000123",
        "CL-2026-000123-88",
        "CL-26-000123-8",
        "CL-2026-00123-8",
        "XX-2026-000123-8",
        "CL2026000123-8",
        "CL-2026-000123-9",
    ],
    ids=[
        "empty",
        "no-check-digit",
        "two-check-digits",
        "short-year",
        "short-sequence",
        "other-prefix",
        "missing-hyphens",
        "wrong-check-digit",
    ],
)
def test_is_valid_rejects_malformed_numbers(typed):
    assert not is_valid_certificate_number(typed)


@EXAMPLES
@given(years, sequences)
def test_every_formatted_number_is_valid(year, sequence):
    assert is_valid_certificate_number(format_certificate_number(year, sequence))


@EXAMPLES
@given(years, sequences, st.data())
def test_any_single_digit_error_is_detected(year, sequence, data):
    number = format_certificate_number(year, sequence)
    position = data.draw(st.sampled_from(_digit_positions(number)))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))

    mistyped = number[:position] + wrong + number[position + 1 :]

    assert not is_valid_certificate_number(mistyped)


@EXAMPLES
@given(years, sequences, st.data())
def test_any_adjacent_transposition_is_detected(year, sequence, data):
    """Adjacent as typed: digits either side of a hyphen count as neighbours too."""
    number = format_certificate_number(year, sequence)
    positions = _digit_positions(number)
    pairs = [
        (left, right)
        for left, right in itertools.pairwise(positions)
        if number[left] != number[right]
    ]
    left, right = data.draw(st.sampled_from(pairs))

    chars = list(number)
    chars[left], chars[right] = chars[right], chars[left]

    assert not is_valid_certificate_number("".join(chars))
