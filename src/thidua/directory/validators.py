"""Field rules shared by the services (one record) and the imports (a sheet of
a hundred thousand): one definition, so a name refused on the form is refused
in the spreadsheet too."""

from __future__ import annotations

from typing import Any

from thidua.core.text import clean, fold, person_sort_key, split_name

NAME_MAX_LENGTH = 120
_NAME_FORBIDDEN = frozenset("<>{}[]@#$%^*=|\\/;")


def person_name_fields(value: Any) -> dict[str, str]:
    """The stored name fields of a person (NFC name, given name, search and
    sort keys), or ``ValueError`` with a Vietnamese message.

    Digits and markup characters are refused: no Vietnamese name has them, and
    refusing them keeps HTML/SQL fragments out of the register."""
    try:
        name = clean(value, max_length=NAME_MAX_LENGTH)
    except ValueError as exc:
        raise ValueError(f"Họ và tên: {exc}.") from exc
    if not name:
        raise ValueError("Họ và tên không được để trống.")
    if any(ch.isdigit() or ch in _NAME_FORBIDDEN for ch in name):
        raise ValueError("Họ và tên chỉ được chứa chữ cái, dấu cách và dấu gạch nối.")
    return {
        "full_name": name,
        "given_name": split_name(name)[1][:40],
        "search_key": fold(name),
        "sort_key": person_sort_key(name),
    }
