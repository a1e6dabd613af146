"""Numbers as Vietnamese people write them: "26.461" is twenty-six thousand,
"98,6" is ninety-eight point six.

Why one parser: forms, the XLSX import, the API and the services each read
numbers typed by people, and three copies had drifted apart (the service
refused "1.234,5" that the form accepted). Every place that turns text into a
number calls :func:`parse_decimal`.

The convention (Vietnamese first, tolerant of what spreadsheets paste):

* "," alone is the decimal mark: "1234,5" → 1234.5, "98,6" → 98.6.
* "." and "," together: the one written last is the decimal mark and the
  other groups thousands: "1.234,5" → 1234.5, "1,234.5" → 1234.5.
* "." alone groups thousands when every group after it has exactly three
  digits and the first has one to three (not a lone 0): "1.234" → 1234,
  "26.461.000" → 26461000. Otherwise it is a decimal point, as in a number
  typed on an English keyboard or exported by a program: "1234.5", "378.3",
  "16.78", "0.125" keep their decimal value. The ambiguous "1.234" is 1234
  because that is how a Vietnamese document writes one thousand two hundred
  and thirty-four; write "1,234" for one point two three four.
* Spaces (also non-breaking) between digit groups are ignored; a leading
  "+" or "-" is kept.

Numbers that arrive as numbers (``int``, ``float``, ``Decimal`` from JSON or
from a spreadsheet cell) are taken as they are, never re-read as text.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:[.]\d{3})+$")
_GROUPED_COMMA = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+$")
_PLAIN = re.compile(r"^\d+(?:[.,]\d+)?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class NotANumber(ValueError):
    """The text is not a number in any accepted writing."""


def _digits(text: str) -> str:
    """``text`` (no sign, no spaces) as "1234.5", or raise NotANumber."""
    if "." in text and "," in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        whole, _, fraction = text.rpartition(decimal_mark)
        grouped = _GROUPED if thousands == "." else _GROUPED_COMMA
        if not fraction.isdigit() or not (grouped.match(whole) or whole.isdigit()):
            raise NotANumber(text)
        return whole.replace(thousands, "") + "." + fraction
    if "." in text and _GROUPED.match(text):
        return text.replace(".", "")
    if not _PLAIN.match(text):
        raise NotANumber(text)
    return text.replace(",", ".")


def parse_decimal(value: Any) -> Decimal | None:
    """The number in ``value`` (see the module's convention), ``None`` for an
    empty value; raises :class:`NotANumber` for anything else (the caller
    words the message, e.g. "Kế hoạch phải là số.")."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        try:
            return Decimal(str(value))
        except InvalidOperation as exc:  # pragma: no cover - str(float) is always valid
            raise NotANumber(str(value)) from exc
    text = _SPACES.sub("", str(value))
    if not text:
        return None
    sign = ""
    if text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    if not text:
        raise NotANumber(str(value))
    return Decimal(sign + _digits(text))
