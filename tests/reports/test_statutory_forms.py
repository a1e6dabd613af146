"""The sector's statutory forms (Biểu số 0601–0603.N/BNV-TĐKT) filled from the registry
and the movements of a province's year: counts by form, recipient kind and occasion;
rows the registry cannot fill left blank; the citation and its caveat on every sheet."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from python_calamine import CalamineWorkbook

from thidua.directory import services as directory

movements = pytest.importorskip("thidua.movements.services")

HEAD, FIRST = 7, 10  # the heading row and the first data row of each sheet (0-based)


@pytest.fixture(scope="module")
def _province_year(world, unblocked):
    from thidua.awards import services as awards

    tree, officer = world.tree, world.officer
    people = [
        directory.person_create(actor=None, full_name=f"Hà Văn {c}", gender="male", unit=tree["SNV"])
        for c in "ABCDEFG"
    ]

    def award(code: str, level: str, occasion: str = "regular", **who) -> None:
        awards.award_record_create(
            actor=officer, award_type=code, year=2023, authority_level=level, occasion=occasion,
            decision_number=f"{code}/QĐ", decision_date=dt.date(2024, 1, 20), **who,
        )  # fmt: skip

    award("BK_TINH", "province", person=people[0])
    award("BK_TINH", "province", person=people[1])
    award("BK_TINH", "province", "sudden", unit=tree["XA1"])
    award("CSTD_TINH", "province", person=people[2])
    award("CTD_TINH", "province", unit=tree["XA2"])
    award("TTLDXS", "province", unit=tree["SNV"])  # a provincial title the form has no column for
    award("HCLD3", "state", person=people[3])
    award("BK_TTG", "government", unit=tree["XA1"])
    award("BK_TTG", "government", person=people[4])
    award("BK_TTG", "government", person=people[5])
    award("CSTD_TQ", "government", person=people[6])
    movements.movement_launch(
        actor=officer, kind="regular", name="Thi đua yêu nước năm 2023", launching_unit=tree["TINH"],
        start_date=dt.date(2023, 1, 1), end_date=dt.date(2023, 12, 31), participants=[(tree["TINH"], True)],
    )  # fmt: skip
    movements.movement_launch(
        actor=officer, kind="thematic", name="Ba tháng cao điểm", launching_unit=tree["XA1"],
        start_date=dt.date(2023, 9, 1), end_date=dt.date(2023, 11, 30), participants=[(tree["XA1"], True)],
    )  # fmt: skip


def _sheet(rows: list[list]) -> tuple[list[str], dict[str, list]]:
    """(column headings, {mã số: the row's cells from "Tổng số" on})."""
    heads = [str(h) for h in rows[HEAD]]
    by_code = {str(r[1]): r[3:] for r in rows[FIRST:] if len(r) > 3 and r[1]}
    return heads, by_code


def test_forms_filled_from_the_registry_and_movements(api, _province_year):
    r = api.get("/api/v1/reports/forms.xlsx", {"year": 2023, "unit": "TINH"})
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="bieu-mau-tdkt-tinh-2023.xlsx"'
    book = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    assert book.sheet_names == ["0601", "0602", "0603"]
    sheets = {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}
    for name, rows in sheets.items():
        assert rows[0][0] == f"Biểu số: {name}.N/BNV-TĐKT"
        assert rows[1][0] == "Ban hành theo Thông tư số 02/2023/TT-BNV ngày 23/3/2023 của Bộ Nội vụ"
        assert any("Thông tư 18/2025/TT-BNV" in str(row[0]) for row in rows)

    # 0603: Bằng khen 3 (2 people, 1 collective, that one "đột xuất"), CSTĐ 1, Cờ 1; TTLĐXS not in the form.
    heads, rows = _sheet(sheets["0603"])
    assert heads[3:8] == [
        "Tổng số",
        "Bằng khen",
        "Chiến sĩ thi đua cấp bộ, cấp tỉnh",
        "Cờ thi đua của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
        "Huy hiệu (kỷ niệm chương) của bộ, ban, ngành, đoàn thể Trung ương, tỉnh",
    ]
    assert rows["01"][:5] == [5, 3, 1, 1, 0]
    assert rows["02"][:5] == [2, 1, 0, 1, 0]  # tập thể
    assert rows["05"][:5] == [3, 2, 1, 0, 0]  # cá nhân
    assert rows["11"][:5] == [4, 2, 1, 1, 0]  # thường xuyên
    assert rows["13"][:5] == [1, 1, 0, 0, 0]  # đột xuất
    # Not in the registry: left blank for the officer, never 0.
    assert rows["03"][:5] == ["", "", "", "", ""] and rows["15"][:5] == ["", "", "", "", ""]

    # 0602: one column per Huân chương of the catalogue, each split tập thể / cá nhân.
    heads, rows = _sheet(sheets["0602"])
    sub = [str(h) for h in sheets["0602"][HEAD + 1]]
    col = {(heads[i], sub[i]): i - 3 for i in range(4, len(heads))}
    total = rows["01"]
    assert total[0] == 5
    assert total[col[("Huân chương Lao động hạng Ba", "Cá nhân")]] == 1
    assert total[col[("Bằng khen của Thủ tướng Chính phủ", "Tập thể")]] == 1
    assert total[col[("Bằng khen của Thủ tướng Chính phủ", "Cá nhân")]] == 2
    assert total[col[("Danh hiệu “Chiến sĩ thi đua toàn quốc”", "")]] == 1
    assert rows["06"][0] == 1 and rows["09"][0] == 4  # tập thể, cá nhân

    # 0601: the province's yearly movement and a commune's three-month thematic one.
    _heads, rows = _sheet(sheets["0601"])
    assert rows["01"][:4] == [2, 0, 1, 1]
    assert rows["03"][:4] == [1, 0, 1, 0] and rows["05"][:4] == [1, 0, 0, 1]
    assert rows["07"][:4] == [1, 0, 1, 0] and rows["06"][:4] == [1, 0, 0, 1]
    assert rows["12"][:4] == [1, 0, 1, 0] and rows["11"][:4] == [1, 0, 0, 1]


def test_forms_follow_the_report_scope(tree, _province_year):
    from tests.conftest import Api, make_user
    from thidua.accounts.enums import Role

    own = Api(make_user("canboxa2", Role.UNIT_OFFICER, tree["XA2"]))
    r = own.get("/api/v1/reports/forms.xlsx", {"year": 2023, "unit": "TINH"})
    assert (r.status_code, r.json()["detail"]) == (403, "Bạn không có quyền xem báo cáo của đơn vị này.")
    rows = (
        CalamineWorkbook.from_filelike(
            io.BytesIO(own.get("/api/v1/reports/forms.xlsx", {"year": 2023, "unit": "XA2"}).content)
        )
        .get_sheet_by_name("0603")
        .to_python()
    )
    _heads, by_code = _sheet(rows)
    assert by_code["01"][:5] == [1, 0, 0, 1, 0]  # its own flag, nothing of the province's other lines
