"""Vietnamese text functions, with PyICU's Vietnamese collator as the oracle."""

from __future__ import annotations

import random
import unicodedata

import icu
import pytest

from thidua.core.text import clean, fold, person_sort_key, sort_key, split_name

COLLATOR = icu.Collator.createInstance(icu.Locale("vi"))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Ưng", "Ông", "Âu"]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Xuân", "Quốc", "Thanh", "Bảo", "Ánh"]
GIVEN = [
    "An", "Anh", "Ánh", "Ảnh", "Ân", "Ăn", "Bình", "Cường", "Dũng", "Dung", "Đức", "Đông", "Giang", "Hà", "Hạ",
    "Hải", "Hoa", "Hòa", "Hoà", "Hóa", "Hưng", "Hương", "Khai", "Lan", "Linh", "Lĩnh", "Mai", "Nga", "Ngà",
    "Ngã", "Ơn", "Ôn", "Phúc", "Quân", "Sơn", "Tâm", "Thủy", "Thuỷ", "Thuý", "Trang", "Uyên", "Ước", "Vân",
    "Yến", "Y",
]  # fmt: skip


def icu_key(s: str) -> bytes:
    return COLLATOR.getSortKey(s)


def test_clean_normalises_nfd_zero_width_and_spaces():
    nfd = unicodedata.normalize("NFD", "Nguyễn  Văn\u200b Đức ")
    assert clean(nfd) == "Nguyễn Văn Đức"
    assert unicodedata.is_normalized("NFC", clean(nfd))


def test_clean_refuses_over_long_text():
    with pytest.raises(ValueError):
        clean("a" * 11, max_length=10)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("Đặng", "dang"),
        ("ĐẶNG THỊ ÚT", "dang thi ut"),
        ("Lưu Hữu Phước", "luu huu phuoc"),
    ],
)
def test_fold_removes_diacritics_and_case(text, key):
    assert fold(text) == key
    assert fold(unicodedata.normalize("NFD", text)) == key


def test_sort_key_matches_icu_vietnamese_collation_on_single_words():
    words = sorted({unicodedata.normalize("NFC", w) for w in FAMILY + MIDDLE + GIVEN})
    random.Random(1).shuffle(words)
    assert sorted(words, key=sort_key) == sorted(words, key=icu_key)


def test_sort_key_matches_icu_on_random_full_names():
    rnd = random.Random(7)
    names = [f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}" for _ in range(2000)]
    assert sorted(names, key=sort_key) == sorted(names, key=icu_key)


def test_person_order_is_given_name_then_rest_in_vietnamese_alphabet():
    rnd = random.Random(3)
    names = list({f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}" for _ in range(1500)})

    def oracle(name: str) -> tuple[bytes, bytes]:
        rest, given = split_name(name)
        return icu_key(given), icu_key(rest)

    assert sorted(names, key=person_sort_key) == sorted(names, key=oracle)


def test_letters_order_a_breve_circumflex_and_d_stroke():
    assert sorted(["đa", "da", "ăn", "ân", "an", "ơn", "ôn", "on"], key=sort_key) == [
        "an", "ăn", "ân", "da", "đa", "on", "ôn", "ơn",
    ]  # fmt: skip


def test_tones_order_ngang_huyen_hoi_nga_sac_nang():
    assert sorted(["Hạ", "Há", "Hã", "Hả", "Hà", "Ha"], key=sort_key) == ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]


def test_split_name_takes_last_word_as_given_name():
    assert split_name("Nguyễn Thị Minh Khai") == ("Nguyễn Thị Minh", "Khai")
    assert split_name("Khai") == ("", "Khai")
