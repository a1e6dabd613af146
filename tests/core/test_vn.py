"""The place-date line shared by the minutes, the decisions and the certificates."""

from __future__ import annotations

import datetime as dt

from thidua.core import vn
from thidua.directory.enums import ADMINISTRATIVE_KINDS


def test_vn_date_pads_days_and_the_first_two_months():
    assert vn.vn_date(dt.date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert vn.vn_date(dt.date(2026, 2, 14)) == "ngày 14 tháng 02 năm 2026"
    assert vn.vn_date(dt.date(2025, 12, 31)) == "ngày 31 tháng 12 năm 2025"


def test_place_is_the_administrative_unit_without_its_kind_word(tree):
    assert vn.place_name(tree["TINH"]) == "Thử Nghiệm"
    assert vn.place_name(tree["XA1"]) == "Một"
    assert vn.place_name(tree["TH1"]) == "Một"  # a school writes its commune's name
    assert vn.place_name(tree["SNV"]) == "Thử Nghiệm"  # a department, its province's
    assert vn.place_date(tree["TH2"], dt.date(2025, 1, 9)) == "Hai, ngày 09 tháng 01 năm 2025"


def test_core_knows_the_same_administrative_kinds_as_the_directory():
    assert {str(k) for k in ADMINISTRATIVE_KINDS} == vn.ADMINISTRATIVE_KINDS


def test_a_place_named_by_a_number_keeps_its_kind_word():
    """Decree 30, App. I: "Quận 1, ngày …", "Phường 12, ngày …" — never a bare number."""
    from types import SimpleNamespace

    assert vn.place_name(SimpleNamespace(name="Phường 12", kind="commune", parent=None)) == "Phường 12"
    assert vn.place_name(SimpleNamespace(name="Quận 1", kind="district", parent=None)) == "Quận 1"
    assert vn.place_name(SimpleNamespace(name="Phường Bến Thành", kind="commune", parent=None)) == "Bến Thành"
