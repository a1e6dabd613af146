"""Vietnamese text done right: normalisation, diacritic-free search keys and
the Vietnamese alphabetical order.

Why here and not in the database: SQLite has no Vietnamese collation and a
PostgreSQL server's collation is whatever the host was installed with, so the
keys are computed once in Python, stored in indexed columns and compared
bytewise, which gives the same order on every database.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters that render as nothing and let "Nguyễn" and "Ngu\u200byễn" look equal.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")

# Tone marks (as combining characters after NFD) in dictionary order:
# ngang (none), huyền, hỏi, ngã, sắc, nặng — the order of CLDR's vi collation.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a distinct letter of the alphabet (ă â ê ô ơ ư); đ is its own code point.
_LETTER_MARKS = {"\u0306": "\u0306", "\u0302": "\u0302", "\u031b": "\u031b"}

_ALPHABET = [
    "a", "a\u0306", "a\u0302", "b", "c", "d", "đ", "e", "e\u0302", "f", "g", "h", "i", "j", "k", "l",
    "m", "n", "o", "o\u0302", "o\u031b", "p", "q", "r", "s", "t", "u", "u\u031b", "v", "w", "x", "y", "z",
]  # fmt: skip
# Primary weights: separators < digits < letters < anything else. Each weight is
# written as two lowercase ASCII letters so the key sorts the same under any
# database collation (C, en_US, vi_VN all order [a-z] strings alike).
_SPACE_W = 1
_DIGIT_BASE = 2
_LETTER_BASE = _DIGIT_BASE + 10
_OTHER_W = _LETTER_BASE + len(_ALPHABET)
_LETTER_W = {letter: _LETTER_BASE + i for i, letter in enumerate(_ALPHABET)}


def clean(value: str | None, *, max_length: int | None = None) -> str:
    """NFC-normalise, drop invisible and control characters, collapse runs of
    white space and trim. Every text that enters thidua passes here, so that a
    name typed on a phone (NFD) and one pasted from Word (NFC) are one name."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if max_length is not None and len(text) > max_length:
        raise ValueError(f"dài quá {max_length} ký tự")
    return text


def fold(value: str | None) -> str:
    """Search key: lower case, no diacritics, đ → d, single spaces.

    ``fold("Nguyễn Văn Đức") == "nguyen van duc"`` so that a search typed
    without accents (as most people type on a phone) finds the name."""
    text = unicodedata.normalize("NFD", clean(value).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("đ", "d")


def _weights(text: str) -> tuple[list[int], list[int], list[int]]:
    """Primary (letter), secondary (tone) and tertiary (case) weights."""
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    decomposed = unicodedata.normalize("NFD", text)
    i = 0
    while i < len(decomposed):
        ch = decomposed[i]
        i += 1
        marks = ""
        while i < len(decomposed) and unicodedata.combining(decomposed[i]):
            marks += decomposed[i]
            i += 1
        lower = ch.lower()
        tertiary.append(1 if ch != lower else 0)
        letter = lower + "".join(m for m in marks if m in _LETTER_MARKS)
        tone = max((_TONES.get(m, 0) for m in marks), default=0)
        if lower.isspace() or lower in "-'’.,":
            primary.append(_SPACE_W)
        elif lower.isdigit() and lower.isascii():
            primary.append(_DIGIT_BASE + int(lower))
        else:
            primary.append(_LETTER_W.get(letter, _OTHER_W))
        secondary.append(tone)
    return primary, secondary, tertiary


def _encode(weights: list[int]) -> str:
    return "".join(chr(97 + w // 26) + chr(97 + w % 26) for w in weights)


def sort_key(value: str | None) -> str:
    """A string whose plain ordering is Vietnamese dictionary order: letters
    first (a ă â b c d đ e ê …), then tones (ngang, huyền, hỏi, ngã, sắc,
    nặng), then case — compared over the whole string level by level, as ICU
    does. Level separators ``aa`` sort below every weight."""
    primary, secondary, tertiary = _weights(clean(value))
    return _encode(primary) + "aa" + _encode(secondary) + "aa" + _encode(tertiary)


def split_name(full_name: str) -> tuple[str, str]:
    """Split a Vietnamese full name into (family and middle names, given name).

    The given name is the last word: "Nguyễn Thị Minh Khai" → ("Nguyễn Thị Minh", "Khai")."""
    parts = clean(full_name).split(" ")
    if len(parts) == 1:
        return "", parts[0]
    return " ".join(parts[:-1]), parts[-1]


def person_sort_key(full_name: str) -> str:
    """Sort key for people: by given name, then by the rest of the name — the
    way every Vietnamese list of people (danh sách) is ordered."""
    rest, given = split_name(full_name)
    # "ab" (> level separator "aa", < every weight) separates given from rest so
    # that "An" sorts before "Anh" whatever the family names are.
    return _cached_key(given) + "ab" + _cached_key(rest)


# Names repeat (a hundred thousand people share a few thousand given names and
# family-middle pairs): caching the parts makes bulk imports several times faster.
_cached_key = functools.lru_cache(maxsize=200_000)(sort_key)
