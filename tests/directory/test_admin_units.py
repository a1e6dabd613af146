"""The shipped administrative units, checked against their source.

Migration 0002 loads them into the test database; the ``loaded`` fixture
loads them again in case a transactional test flushed the tables (the loader
is idempotent, so normally it adds nothing). The expectations are rebuilt
here straight from ``vietnam_provinces`` (a dev dependency), independently of
scripts/build_admin_units.py, so a bug in the generator shows up as a
difference between the two.
"""

from __future__ import annotations

import datetime as dt
import gzip
import inspect
from collections import defaultdict
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from vietnam_provinces import _lookup as current
from vietnam_provinces import _province_conversion_2025 as province_conversion
from vietnam_provinces import _ward_conversion_2025 as ward_conversion
from vietnam_provinces.legacy import _lookup as legacy

from thidua.core.text import fold
from thidua.directory import admin_units
from thidua.directory import services as directory
from thidua.directory.admin_units import (
    AdminUnitData,
    AdminUnitRow,
    SuccessionRow,
    load_admin_units,
    read_data,
    unload_admin_units,
)
from thidua.directory.models import Unit, UnitSuccession
from thidua.directory.selectors import lineage, successors

LAST_OLD_DAY = dt.date(2025, 6, 30)
FIRST_NEW_DAY = dt.date(2025, 7, 1)
ADMIN = ("province", "district", "commune")

NEW_PROVINCES = {int(p.code): p for p in current.PROVINCE_MAPPING.values()}
NEW_WARDS = {int(w.code): w for w in current.WARD_MAPPING.values()}
OLD_PROVINCES = {int(p.code): p for p in legacy.PROVINCE_MAPPING.values()}
OLD_DISTRICTS = {int(d.code): d for d in legacy.DISTRICT_MAPPING.values()}
OLD_WARDS = {int(w.code): w for w in legacy.WARD_MAPPING.values()}


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker) -> None:
    with django_db_blocker.unblock():
        load_admin_units(apps)


@pytest.fixture
def shipped(db, loaded) -> dict[str, Unit]:
    """Every shipped unit by code (the conftest tree, if any, is left out)."""
    return {u.code: u for u in Unit.objects.exclude(admin_code="").filter(kind__in=ADMIN)}


def official(name: str) -> str:
    """Upstream's three slips in the type word ("Thành Phố Bắc Kạn", "xã Bắc Sơn") fixed."""
    return (name[0].upper() + name[1:]).replace("Thành Phố ", "Thành phố ", 1)


def core(name: str) -> str:
    return name.removeprefix("Tỉnh ").removeprefix("Thành phố ").removeprefix("Thành Phố ")


def continues(code: int) -> bool:
    """Same code and same name (type word aside) = the same province before and after 1/7/2025."""
    return code in NEW_PROVINCES and core(OLD_PROVINCES[code].name) == core(NEW_PROVINCES[code].name)


def old_province(code: int) -> str:
    return f"T{code:02d}-cu" if code in NEW_PROVINCES and not continues(code) else f"T{code:02d}"


def expected_units() -> dict[str, tuple[str, str, str | None, str, dt.date | None, dt.date | None]]:
    """code → (name, kind, parent code, admin code, valid_from, valid_to), from vietnam_provinces."""
    out = {}
    for code, p in OLD_PROVINCES.items():
        if continues(code):  # the same body continues under today's name
            out[f"T{code:02d}"] = (
                official(NEW_PROVINCES[code].name),
                "province",
                None,
                f"{code:02d}",
                None,
                None,
            )
            continue
        out[old_province(code)] = (official(p.name), "province", None, f"{code:02d}", None, LAST_OLD_DAY)
        if code in NEW_PROVINCES:  # another province took this code on 1/7/2025
            out[f"T{code:02d}"] = (
                official(NEW_PROVINCES[code].name),
                "province",
                None,
                f"{code:02d}",
                FIRST_NEW_DAY,
                None,
            )
    for code, d in OLD_DISTRICTS.items():
        parent = old_province(int(d.province_code))
        out[f"H{code:03d}"] = (official(d.name), "district", parent, f"{code:03d}", None, LAST_OLD_DAY)
    for code, w in OLD_WARDS.items():
        parent = f"H{int(w.district_code):03d}"
        out[f"X{code:05d}-cu"] = (official(w.name), "commune", parent, f"{code:05d}", None, LAST_OLD_DAY)
    for code, w in NEW_WARDS.items():
        parent = f"T{int(w.province_code):02d}"
        out[f"X{code:05d}"] = (official(w.name), "commune", parent, f"{code:05d}", FIRST_NEW_DAY, None)
    return out


# --- counts -------------------------------------------------------------------


def test_counts(shipped):
    units = list(shipped.values())
    current_provinces = [u for u in units if u.kind == "province" and u.valid_to is None]
    current_communes = [u for u in units if u.kind == "commune" and u.valid_to is None]
    old_provinces = [u for u in units if u.kind == "province" and u.valid_from is None]
    merged_provinces = [u for u in units if u.kind == "province" and u.valid_to == LAST_OLD_DAY]
    renumbered = [u for u in units if u.kind == "province" and u.valid_from == FIRST_NEW_DAY]
    districts = [u for u in units if u.kind == "district"]
    old_communes = [u for u in units if u.kind == "commune" and u.valid_to == LAST_OLD_DAY]
    assert len(current_provinces) == 34
    assert len(current_communes) == 3321
    assert len(old_provinces) == 63
    # 7 old provinces lost their code to a differently named new province
    # (Kiên Giang's 91 is today's An Giang): 27 continue, 36 ended on 30/6/2025.
    assert sorted(u.code for u in renumbered) == ["T15", "T24", "T44", "T52", "T80", "T82", "T91"]
    assert len(merged_provinces) == 63 - 34 + 7
    assert len(districts) == len(OLD_DISTRICTS) == 696
    assert len(old_communes) == len(OLD_WARDS) == 10051
    assert len(units) == 63 + 7 + 696 + 10051 + 3321
    assert all(u.valid_from == FIRST_NEW_DAY for u in current_communes)
    assert all(u.valid_to is None for u in current_provinces)


def test_new_province_codes_are_old_codes():
    """What makes "same code = same continuing province" possible."""
    assert set(NEW_PROVINCES) <= set(OLD_PROVINCES)


# --- every code, name and parent -------------------------------------------------


def test_codes_names_parents_and_dates_match_source(shipped):
    code_of = {u.pk: code for code, u in shipped.items()}
    actual = {
        code: (u.name, u.kind, code_of.get(u.parent_id), u.admin_code, u.valid_from, u.valid_to)
        for code, u in shipped.items()
    }
    assert actual == expected_units()


def test_names_carry_their_type(shipped):
    assert shipped["T14"].name == "Tỉnh Sơn La"
    assert shipped["T01"].name == "Thành phố Hà Nội"
    assert shipped["X00004"].name == "Phường Ba Đình"
    assert shipped["H120"].name == "Huyện Mường La"
    assert shipped["H437"].name == "Thị xã Hồng Lĩnh"
    assert shipped["X00004-cu"].name == "Phường Trúc Bạch"
    assert any(u.name == "Xã Mường La" and u.parent.code == "T14" for u in shipped.values())
    assert any(u.name == "Đặc khu Phú Quốc" and u.valid_to is None for u in shipped.values())
    prefixes = {"province": ("Tỉnh ", "Thành phố "), "district": ("Huyện ", "Quận ", "Thị xã ", "Thành phố ")}
    prefixes["commune"] = ("Xã ", "Phường ", "Thị trấn ", "Đặc khu ")
    assert all(u.name.startswith(prefixes[u.kind]) for u in shipped.values())
    # Upstream slips in the type word, fixed by the generator.
    assert shipped["H058"].name == "Thành phố Bắc Kạn"
    assert shipped["H450"].name == "Thành phố Đồng Hới"
    assert shipped["X06325"].name == "Xã Bắc Sơn"


def test_search_key_and_admin_code(shipped):
    for u in shipped.values():
        assert u.search_key == fold(f"{u.name} {u.code}")
        assert u.code.removesuffix("-cu")[1:] == u.admin_code
    found = Unit.objects.filter(search_key__contains="muong la", kind="district").values_list(
        "code", flat=True
    )
    assert "H120" in found


def test_codes_unique(shipped):
    codes = [row.code for row in read_data().units]
    assert len(codes) == len(set(codes)) == len(shipped)
    assert Unit.objects.filter(code__in=codes).count() == len(codes)


def test_paths_follow_parent_chain(shipped):
    by_id = {u.pk: u for u in Unit.objects.all()}
    for u in by_id.values():
        parent = by_id.get(u.parent_id)
        assert u.path == (parent.path if parent else "/") + f"{u.pk}/", u.code
        assert u.depth == (parent.depth + 1 if parent else 0), u.code
    assert {u.depth for u in shipped.values() if u.kind == "province"} == {0}
    assert {u.depth for u in shipped.values() if u.kind == "district"} == {1}
    assert {u.depth for u in shipped.values() if u.kind == "commune"} == {1, 2}


# --- succession links ------------------------------------------------------------


def _links() -> dict[tuple[str, str], UnitSuccession]:
    rows = UnitSuccession.objects.select_related("predecessor", "successor")
    return {(s.predecessor.code, s.successor.code): s for s in rows if s.predecessor.admin_code}


def test_commune_successions_from_conversion_table(shipped):
    expected = {}
    for old_code, entry in ward_conversion.OLD_TO_NEW.items():
        if old_code not in OLD_WARDS:  # missing from the legacy list: no old commune to link
            continue
        for ref in entry.new_wards:
            kind = "partial" if entry.old_ward.is_partly_merged else "merge"
            expected[(f"X{old_code:05d}-cu", f"X{ref.code:05d}")] = kind
    links = _links()
    actual = {pair: s.kind for pair, s in links.items() if pair[0].startswith("X")}
    assert actual == expected
    assert {s.effective_date for s in links.values()} == {FIRST_NEW_DAY}


def test_district_successions_from_conversion_table(shipped):
    targets: dict[str, set[str]] = defaultdict(set)
    for old_code, entry in ward_conversion.OLD_TO_NEW.items():
        district = (
            int(OLD_WARDS[old_code].district_code) if old_code in OLD_WARDS else entry.old_ward.district_code
        )
        targets[f"H{district:03d}"].update(f"X{ref.code:05d}" for ref in entry.new_wards)
    # Island districts without communes became special zones of the same name.
    for code, d in OLD_DISTRICTS.items():
        if f"H{code:03d}" not in targets:
            (zone,) = [c for c, w in NEW_WARDS.items() if w.name == d.name.replace("Huyện ", "Đặc khu ")]
            targets[f"H{code:03d}"] = {f"X{zone:05d}"}
    assert len(targets) == len(OLD_DISTRICTS)
    expected = {(d, t): ("split" if len(ts) > 1 else "merge") for d, ts in targets.items() for t in ts}
    actual = {pair: s.kind for pair, s in _links().items() if pair[0].startswith("H")}
    assert actual == expected


def test_province_successions(shipped):
    actual = {pair: s.kind for pair, s in _links().items() if pair[0].startswith("T")}
    merged_away = {code for code in OLD_PROVINCES if not continues(code)}
    assert {int(p[1:3]) for p, _ in actual} == merged_away
    for (old, new), kind in actual.items():
        assert kind == "merge"
        official = {ref.code for ref in province_conversion.OLD_TO_NEW[int(old[1:3])].new_provinces}
        assert int(new[1:]) in official
    assert ("T17", "T25") in actual  # Hòa Bình → Phú Thọ
    assert ("T10", "T15") in actual  # Lào Cai (cũ) → Lào Cai (trụ sở tại Yên Bái cũ, mã 15)
    assert ("T15-cu", "T15") in actual  # Yên Bái → Lào Cai, which took its code
    assert ("T91-cu", "T91") in actual  # Kiên Giang → An Giang, which took its code


# --- the seed localities -----------------------------------------------------------

SEED_DISTRICTS = [
    ("Huyện Lương Sơn", "T17", "Tỉnh Hoà Bình"),
    ("Thị xã Hồng Lĩnh", "T42", "Tỉnh Hà Tĩnh"),
    ("Huyện Kiên Lương", "T91-cu", "Tỉnh Kiên Giang"),
    ("Huyện Minh Long", "T51", "Tỉnh Quảng Ngãi"),
    ("Huyện Mường La", "T14", "Tỉnh Sơn La"),
]


@pytest.mark.parametrize(("name", "province", "province_then"), SEED_DISTRICTS)
def test_seed_localities_and_lineage(shipped, name, province, province_then):
    district = Unit.objects.get(kind="district", name=name)
    assert district.parent.code == province
    assert district.valid_to == LAST_OLD_DAY
    assert OLD_PROVINCES[int(province[1:3])].name == province_then
    assert district.parent.name == province_then
    assert district.path.startswith(district.parent.path)
    today = list(successors(district))
    assert today
    for commune in today:
        assert commune.valid_to is None and commune.valid_from == FIRST_NEW_DAY
        assert district in lineage(commune)
    old_commune = Unit.objects.filter(parent=district).first()
    assert old_commune is not None
    assert any(old_commune in lineage(c) for c in successors(old_commune))


def test_province_lineage_reaches_merged_province(shipped):
    assert shipped["T17"] in lineage(shipped["T25"])
    assert shipped["T17"].valid_to == LAST_OLD_DAY
    assert shipped["T25"].valid_to is None


# --- loader behaviour --------------------------------------------------------------


def test_reload_adds_only_what_is_missing(shipped):
    renamed = shipped["H120"]
    Unit.objects.filter(pk=renamed.pk).update(name="Huyện Mường La (sửa tay)")
    gone = shipped["X32248-cu"]
    UnitSuccession.objects.filter(predecessor=gone).delete()
    gone.delete()
    UnitSuccession.objects.filter(predecessor=shipped["T17"]).delete()

    result = load_admin_units(apps)
    assert result.units_created == 1
    assert result.units_existing == len(shipped) - 1
    assert (
        result.successions_created == 1 + UnitSuccession.objects.filter(predecessor__code="X32248-cu").count()
    )
    assert Unit.objects.get(pk=renamed.pk).name == "Huyện Mường La (sửa tay)"
    back = Unit.objects.get(code="X32248-cu")
    assert back.path == f"{back.parent.path}{back.pk}/"
    assert load_admin_units(apps).units_created == 0


def test_units_created_after_load_get_fresh_ids(shipped):
    top = Unit.objects.order_by("-pk").first()
    unit = directory.unit_create(
        actor=None, code="SNV-SL", name="Sở Nội vụ tỉnh Sơn La", kind="agency", parent=shipped["T14"]
    )
    assert unit.pk > top.pk
    assert unit.path == f"{shipped['T14'].path}{unit.pk}/"


def test_fallback_without_reserved_ids(db, monkeypatch):
    """A database whose ids cannot be reserved gets its paths by UPDATE."""
    small = AdminUnitData(
        source={"effective_date": "2025-07-01"},
        units=(
            AdminUnitRow("TQA", "Tỉnh Thử A", "province", None, "QA", None, LAST_OLD_DAY),
            AdminUnitRow("TQB", "Tỉnh Thử B", "province", None, "QB", FIRST_NEW_DAY, None),
            AdminUnitRow("HQA", "Huyện Thử", "district", "TQA", "QAH", None, LAST_OLD_DAY),
            AdminUnitRow("XQA", "Xã Thử", "commune", "HQA", "QAX", None, LAST_OLD_DAY),
        ),
        successions=(SuccessionRow("TQA", "TQB", "merge", ""), SuccessionRow("HQA", "TQB", "merge", "")),
    )
    monkeypatch.setattr(admin_units, "read_data", lambda: small)
    monkeypatch.setattr(admin_units, "_reserve_ids", lambda *a: None)
    result = load_admin_units(apps)
    assert (result.units_created, result.successions_created) == (4, 2)
    a, h, x = (Unit.objects.get(code=c) for c in ("TQA", "HQA", "XQA"))
    assert (a.path, h.path, x.path) == (f"/{a.pk}/", f"/{a.pk}/{h.pk}/", f"/{a.pk}/{h.pk}/{x.pk}/")
    assert x.depth == 2
    assert load_admin_units(apps) == admin_units.LoadResult(0, 4, 0)


def test_unload_deletes_admin_units_only(shipped, tree):
    assert unload_admin_units(apps) >= len(shipped)
    assert not Unit.objects.filter(code__in=list(shipped)).exists()
    assert Unit.objects.filter(code="SNV").exists()  # an agency of the conftest tree stays


def test_management_command(shipped):
    out = StringIO()
    call_command("load_admin_units", stdout=out)
    text = out.getvalue()
    assert "vietnam-provinces 2026.9.0" in text
    assert "Đã thêm 0 đơn vị và 0 liên kết kế thừa" in text


def test_runtime_does_not_need_vietnam_provinces():
    assert "vietnam_provinces" not in inspect.getsource(admin_units)
    data = admin_units.resources.files("thidua.directory").joinpath("data", admin_units.DATA_FILE)
    raw = data.read_bytes()
    assert len(raw) < 1_000_000
    assert gzip.decompress(raw)  # a valid gzip file
