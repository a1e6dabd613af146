"""The one reader of numbers typed by people (forms, import, API, services)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from thidua.core.numbers import NotANumber, parse_decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,5", "1234.5"),  # Vietnamese: "." thousands, "," decimals
        ("1234,5", "1234.5"),
        ("1234.5", "1234.5"),  # typed on an English keyboard / exported by a program
        ("98,6", "98.6"),
        ("1.234", "1234"),  # the ambiguous case: Vietnamese convention, one thousand two hundred …
        ("26.461.000", "26461000"),
        ("0.125", "0.125"),  # a lone 0 cannot lead a thousands group
        ("1234.567", "1234.567"),  # four digits before the dot: not a thousands group
        ("16.78", "16.78"),
        ("1,234.5", "1234.5"),  # both marks: the last one is the decimal mark
        ("-1.234,5", "-1234.5"),
        ("+7", "7"),
        (" 1 234,5 ", "1234.5"),
        ("1\u00a0234", "1234"),
        (378.3, "378.3"),  # numbers that arrive as numbers are not re-read as text
        (1234, "1234"),
        (Decimal("1.234"), "1.234"),
    ],
)
def test_reads_vietnamese_and_program_numbers(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["abc", "1,2,3", "12,34,5", "1.23,4", "1.2.3", "--1", "-", ",5", "1e5", True]
)
def test_refuses_what_is_not_a_number(text):
    with pytest.raises(NotANumber):
        parse_decimal(text)


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_is_none(text):
    assert parse_decimal(text) is None
