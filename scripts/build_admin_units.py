"""Build ``src/thidua/directory/data/admin_units.json.gz`` from ``vietnam-provinces``.

Run after upgrading the dev dependency ``vietnam-provinces``::

    .venv/bin/python scripts/build_admin_units.py

Why a generated file rather than importing the package at run time: the
package is a development dependency only (GPL, ~5 MB of Python modules), while
the running system needs just the rows it puts in the database. The file is
small, deterministic (same input → same bytes) and reviewed in git like code.

What it writes (see docs/data-sources.md for the whole story):

* the 34 provinces and 3,321 communes in force since 1/7/2025;
* the 63 provinces, 696 districts and ~10,000 communes of before, with
  ``valid_to`` 30/6/2025, where an old province that kept its code is the same
  continuing unit as the new one;
* succession links (effective 1/7/2025) from the official conversion table.

The checks at the end stop the build when the upstream data breaks an
assumption the loader relies on (parents first, unique codes, no orphan).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import vietnam_provinces
from vietnam_provinces import _lookup as current
from vietnam_provinces import _province_conversion_2025 as province_conversion
from vietnam_provinces import _ward_conversion_2025 as ward_conversion
from vietnam_provinces.legacy import _lookup as legacy

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "thidua" / "directory" / "data" / "admin_units.json.gz"

EFFECTIVE = dt.date.fromisoformat(ward_conversion.EFFECTIVE_DATE)  # 2025-07-01
LAST_OLD_DAY = (EFFECTIVE - dt.timedelta(days=1)).isoformat()  # 2025-06-30
FIRST_NEW_DAY = EFFECTIVE.isoformat()

UNIT_COLUMNS = ["code", "name", "kind", "parent", "admin_code", "valid_from", "valid_to"]
SUCCESSION_COLUMNS = ["predecessor", "successor", "kind", "note"]

ISLAND_NOTE = "Huyện đảo không có đơn vị cấp xã, chuyển thành đặc khu"


# The type words as the legal texts write them: capital first letter only.
TYPE_PREFIXES = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Huyện", "Phường", "Quận", "Tỉnh", "Xã")


def official_name(name: str, notes: list[str]) -> str:
    """``name`` with its type word spelt as in the legal texts.

    Upstream has a few slips ("Thành Phố Bắc Kạn", "xã Bắc Sơn"); everything
    else is kept exactly as upstream writes it, including the older tone
    placement ("Hoà", "Thuỷ") some names still carry."""
    for prefix in TYPE_PREFIXES:
        head = name[: len(prefix)]
        if head.lower() == prefix.lower() and name[len(prefix) : len(prefix) + 1] == " ":
            if head != prefix:
                fixed = prefix + name[len(prefix) :]
                notes.append(f"Viết hoa sai loại đơn vị: «{name}» → «{fixed}»")
                return fixed
            return name
    sys.exit(f"name without a known type word: {name!r}")


def province_code(code: int) -> str:
    return f"T{code:02d}"


def core_name(name: str) -> str:
    """A province's name without its type word: "Tỉnh Kiên Giang" → "Kiên Giang"."""
    for prefix in ("Tỉnh ", "Thành phố ", "Thành Phố "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def continuing(code: int, old_provinces: dict, new_provinces: dict) -> bool:
    """Is the old province ``code`` the same body as the new province of that code?

    Only when the name is the same (its type word aside: a province that became
    a "thành phố" is still the same body). New An Giang took Kiên Giang's code
    91 but is not the old Tỉnh Kiên Giang: an award given in 2022 by "UBND tỉnh
    Kiên Giang" must keep that name."""
    return code in new_provinces and core_name(old_provinces[code].name) == core_name(
        new_provinces[code].name
    )


def old_province_code(code: int, old_provinces: dict, new_provinces: dict) -> str:
    """Code of the pre-2025 province: shared when it continues, ``T91-cu`` when a
    different new province took its code, plain ``T89`` when the code is free."""
    if code in new_provinces and not continuing(code, old_provinces, new_provinces):
        return f"T{code:02d}-cu"
    return province_code(code)


def district_code(code: int) -> str:
    return f"H{code:03d}"


def commune_code(code: int) -> str:
    return f"X{code:05d}"


def old_commune_code(code: int) -> str:
    return f"X{code:05d}-cu"


def bare(name: str) -> str:
    """Name without its type word, for matching an island district to its special zone."""
    for prefix in ("Huyện ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def build() -> tuple[dict, list[str]]:
    """Return the payload and the list of upstream inconsistencies worked around."""
    notes: list[str] = []
    units: list[list] = []
    successions: list[list] = []

    new_provinces = {int(p.code): p for p in current.PROVINCE_MAPPING.values()}
    new_wards = {int(w.code): w for w in current.WARD_MAPPING.values()}
    old_provinces = {int(p.code): p for p in legacy.PROVINCE_MAPPING.values()}
    old_districts = {int(d.code): d for d in legacy.DISTRICT_MAPPING.values()}
    old_wards = {int(w.code): w for w in legacy.WARD_MAPPING.values()}

    # New province codes are a subset of old ones (each new province kept the
    # code of the old province that hosts its seat): that is what makes
    # "same code = same continuing body" possible without code clashes.
    missing = sorted(set(new_provinces) - set(old_provinces))
    if missing:
        sys.exit(f"new province codes absent from the legacy list: {missing}")

    # --- provinces (depth 0) -------------------------------------------------
    for code in sorted(old_provinces):
        old_name = old_provinces[code].name
        if continuing(code, old_provinces, new_provinces):
            p = new_provinces[code]
            if p.name != old_name:
                notes.append(
                    f"{province_code(code)}: trước 1/7/2025 là «{old_name}», nay «{p.name}» (cùng một tỉnh)"
                )
            units.append([province_code(code), p.name, "province", None, f"{code:02d}", None, None])
            continue
        units.append(
            [
                old_province_code(code, old_provinces, new_provinces),
                old_name,
                "province",
                None,
                f"{code:02d}",
                None,
                LAST_OLD_DAY,
            ]
        )
        if code in new_provinces:
            p = new_provinces[code]
            notes.append(
                f"Mã {code:02d}: «{old_name}» (đến 30/6/2025, mã T{code:02d}-cu) và «{p.name}» (từ 1/7/2025)"
            )
            units.append([province_code(code), p.name, "province", None, f"{code:02d}", FIRST_NEW_DAY, None])

    # --- districts and new communes (depth 1) -------------------------------
    for code in sorted(old_districts):
        d = old_districts[code]
        units.append(
            [
                district_code(code),
                d.name,
                "district",
                old_province_code(int(d.province_code), old_provinces, new_provinces),
                f"{code:03d}",
                None,
                LAST_OLD_DAY,
            ]
        )
    for code in sorted(new_wards):
        w = new_wards[code]
        units.append(
            [
                commune_code(code),
                w.name,
                "commune",
                province_code(int(w.province_code)),
                f"{code:05d}",
                FIRST_NEW_DAY,
                None,
            ]
        )

    # --- old communes (depth 2) ---------------------------------------------
    for code in sorted(old_wards):
        w = old_wards[code]
        units.append(
            [
                old_commune_code(code),
                w.name,
                "commune",
                district_code(int(w.district_code)),
                f"{code:05d}",
                None,
                LAST_OLD_DAY,
            ]
        )

    for row in units:
        row[1] = official_name(row[1], notes)

    # --- successions ----------------------------------------------------------
    # The district and province of an old commune are taken from the legacy
    # tree, not from the conversion table, which has a few wrong province codes.
    new_provinces_of_old: dict[int, set[int]] = defaultdict(set)
    successors_of_district: dict[int, set[int]] = defaultdict(set)
    commune_links: list[list] = []
    for old_code, entry in sorted(ward_conversion.OLD_TO_NEW.items()):
        w = old_wards.get(old_code)
        if w is None:
            # Formed shortly before 1/7/2025 and absent from the legacy list:
            # no old commune to attach, but its district still gets the link.
            dcode = entry.old_ward.district_code
            notes.append(
                f"Xã/phường cũ mã {old_code:05d} (thuộc {old_districts[dcode].name}) có trong bảng chuyển đổi "
                "nhưng không có trong danh mục cũ: chỉ giữ liên kết từ huyện"
            )
        else:
            dcode = int(w.district_code)
            if dcode != entry.old_ward.district_code:
                sys.exit(f"district of old ward {old_code} differs between tables")
            legacy_province = int(old_districts[dcode].province_code)
            if legacy_province != entry.old_ward.province_code:
                notes.append(
                    f"Bảng chuyển đổi ghi {w.name} (mã {old_code:05d}, {old_districts[dcode].name}) thuộc tỉnh mã "
                    f"{entry.old_ward.province_code:02d}; danh mục cũ: tỉnh mã {legacy_province:02d} (dùng danh mục cũ)"
                )
        for ref in entry.new_wards:
            if ref.code not in new_wards:
                sys.exit(f"conversion table names unknown new ward {ref.code}")
            successors_of_district[dcode].add(ref.code)
            new_provinces_of_old[int(old_districts[dcode].province_code)].add(
                int(new_wards[ref.code].province_code)
            )
            if w is not None:
                kind = "partial" if entry.old_ward.is_partly_merged else "merge"
                commune_links.append([old_commune_code(old_code), commune_code(ref.code), kind, ""])

    unconverted = sorted(set(old_wards) - set(ward_conversion.OLD_TO_NEW))
    for code in unconverted:
        w = old_wards[code]
        notes.append(
            f"{w.name} (mã {code:05d}, {old_districts[int(w.district_code)].name}) có trong danh mục cũ nhưng "
            "không có trong bảng chuyển đổi: không có đơn vị kế thừa"
        )

    # Island districts without communes became special zones of the same name;
    # the conversion table (commune to commune) cannot say so.
    island_links: list[list] = []
    for code in sorted(old_districts):
        if successors_of_district.get(code):
            continue
        d = old_districts[code]
        official = {ref.code for ref in province_conversion.OLD_TO_NEW[int(d.province_code)].new_provinces}
        matches = [
            wc
            for wc, w in new_wards.items()
            if w.name.startswith("Đặc khu ")
            and bare(w.name) == bare(d.name)
            and int(w.province_code) in official
        ]
        if len(matches) != 1:
            sys.exit(f"no successor for district {d.name}")
        successors_of_district[code].add(matches[0])
        new_provinces_of_old[int(d.province_code)].add(int(new_wards[matches[0]].province_code))
        island_links.append([district_code(code), commune_code(matches[0]), "merge", ISLAND_NOTE])
        notes.append(f"{d.name} không có xã trong danh mục cũ: nối sang {new_wards[matches[0]].name}")

    for code in sorted(old_provinces):
        targets = new_provinces_of_old[code]
        official = {ref.code for ref in province_conversion.OLD_TO_NEW[code].new_provinces}
        if targets != official:
            notes.append(
                f"Bảng chuyển đổi tỉnh ghi tỉnh mã {code:02d} chuyển sang {sorted(official)}; theo danh mục cũ "
                f"chỉ sang {sorted(targets)} (dùng danh mục cũ)"
            )
        if len(targets) != 1:
            sys.exit(f"old province {code} goes to {sorted(targets)}")
        (target,) = targets
        if continuing(code, old_provinces, new_provinces):
            if target != code:
                sys.exit(f"continuing province {code} goes to {target}")
            continue
        successions.append(
            [old_province_code(code, old_provinces, new_provinces), province_code(target), "merge", ""]
        )

    for code in sorted(successors_of_district):
        targets = sorted(successors_of_district[code])
        if any(link[0] == district_code(code) for link in island_links):
            continue
        kind = "split" if len(targets) > 1 else "merge"
        successions.extend([district_code(code), commune_code(t), kind, ""] for t in targets)
    successions.extend(island_links)
    successions.extend(commune_links)

    check(units, successions)
    payload = {
        "format": 1,
        "source": {
            "package": "vietnam-provinces",
            "version": vietnam_provinces.__version__,
            "data_version": vietnam_provinces.__data_version__,
            "conversion_table": ward_conversion.SOURCE,
            "effective_date": FIRST_NEW_DAY,
        },
        "unit_columns": UNIT_COLUMNS,
        "units": units,
        "succession_columns": SUCCESSION_COLUMNS,
        "successions": successions,
    }
    return payload, notes


def check(units: list[list], successions: list[list]) -> None:
    """Stop on anything the loader could not load as is."""
    seen: set[str] = set()
    for code, name, _kind, parent, _admin, _vf, _vt in units:
        if code in seen:
            sys.exit(f"duplicate code {code}")
        if parent is not None and parent not in seen:
            sys.exit(f"{code} listed before its parent {parent}")
        if unicodedata.normalize("NFC", name) != name or name != " ".join(name.split()):
            sys.exit(f"name of {code} is not clean: {name!r}")
        seen.add(code)
    pairs: set[tuple[str, str]] = set()
    for pred, succ, _kind, _note in successions:
        if pred not in seen or succ not in seen:
            sys.exit(f"succession {pred} → {succ} names an unknown unit")
        if (pred, succ) in pairs:
            sys.exit(f"duplicate succession {pred} → {succ}")
        pairs.add((pred, succ))


def main() -> None:
    payload, notes = build()
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no file name in the header: the same data gives the same bytes.
    with (
        OUTPUT.open("wb") as fh,
        gzip.GzipFile(filename="", mode="wb", fileobj=fh, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(raw)
    kinds: dict[str, int] = defaultdict(int)
    for row in payload["units"]:
        kinds[f"{row[2]}{'' if row[6] else ' (current)'}"] += 1
    print(f"{OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size:,} bytes ({len(raw):,} uncompressed)")
    print(f"units: {len(payload['units']):,} {dict(sorted(kinds.items()))}")
    print(f"successions: {len(payload['successions']):,}")
    print(f"upstream inconsistencies worked around: {len(notes)}")
    for note in notes:
        print(f"  - {note}")


if __name__ == "__main__":
    main()
