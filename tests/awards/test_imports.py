"""Importing the award history and ratings: all or nothing, every error with
its row and column, merged cells, blank lines, NFD names, duplicates, namesakes."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

import pytest
import xlsxwriter

from thidua.awards import imports, services
from thidua.awards.models import AwardRecord, Rating
from thidua.core.errors import ImportRejected, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.directory import services as directory

HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Mã đơn vị",
    "Mã tập thể",
    "Loại khen thưởng",
    "Năm",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan quyết định",
    "Số giấy chứng nhận",
]


def xlsx(
    rows: list[list[Any]], header: list[str] = HEADER, merge: tuple[int, int, int, int] | None = None
) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Sổ khen thưởng")
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    if merge:
        r1, c1, r2, c2 = merge
        sheet.merge_range(r1, c1, r2, c2, rows[r1 - 1][c1])
    book.close()
    return out.getvalue()


@pytest.fixture
def people(tree):
    def person(name, unit, birth=None):
        return directory.person_create(
            actor=None, full_name=name, gender="male", unit=tree[unit], birth_date=birth
        )

    return {
        "an": person("Nguyễn Văn An", "TH1", dt.date(1980, 2, 1)),
        "an2": person("Nguyễn Văn An", "TH1", dt.date(1985, 4, 3)),
        "binh": person("Trần Thị Bình", "TH1", dt.date(1990, 5, 6)),
        "cuong": person("Lê Văn Cường", "TH2"),
    }


def refused(data: bytes, *, actor: Any = None, kind: str = "awards") -> list[tuple[int, str, str]]:
    records, ratings, audits = AwardRecord.objects.count(), Rating.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ImportRejected) as info:
        imports.import_file(actor=actor, file=data, name="so.xlsx", kind=kind)
    assert (AwardRecord.objects.count(), Rating.objects.count(), AuditEntry.objects.count()) == (
        records,
        ratings,
        audits,
    )
    return [(e.row, e.column, e.message) for e in info.value.errors]


def test_good_file_with_blank_lines_names_and_nfd(people):
    nfd = unicodedata.normalize("NFD", "Trần Thị Bình")
    data = xlsx(
        [
            [
                "Nguyễn Văn An",
                dt.date(1980, 2, 1),
                "TH1",
                None,
                "LDTT",
                2023,
                "5/QĐ-UBND",
                dt.date(2024, 1, 15),
                "UBND huyện",
                "GCN-1",
            ],
            [],
            [
                nfd,
                None,
                "TH1",
                None,
                "chien sy thi dua co so",
                2023,
                "6/QĐ-UBND",
                "15/01/2024",
                "UBND huyện",
                "",
            ],
            [
                None,
                None,
                None,
                "TH1",
                "Tập thể lao động tiên tiến",
                2023,
                "7/QĐ",
                dt.date(2024, 1, 15),
                "",
                "",
            ],
        ]
    )
    result = imports.import_file(actor=None, file=data, name="so.xlsx")
    assert result.created_count == 3
    rows = {r.award_type.code: r for r in AwardRecord.objects.select_related("award_type", "person", "unit")}
    assert rows["LDTT"].person == people["an"]
    assert (rows["LDTT"].prize_amount, rows["LDTT"].certificate_number, rows["LDTT"].source) == (
        540_000,
        "GCN-1",
        "import",
    )
    assert rows["CSTD_CS"].person == people["binh"]
    assert rows["TTLDTT"].unit.code == "TH1"
    # A CSTĐ cơ sở with no rating or initiative in the system: accepted, flagged thiếu căn cứ.
    assert rows["CSTD_CS"].missing_basis is True
    assert any("sáng kiến" in note for note in rows["CSTD_CS"].basis_notes)
    assert result.flagged_count >= 1
    assert AuditEntry.objects.get(action="award.import").after["created"] == 3


def test_every_error_reported_with_row_and_column(people):
    future = dt.date.today().year + 1
    data = xlsx(
        [
            ["Nguyễn Văn An", None, "TH1", None, "LDTT", 2023, "", None, "", ""],
            ["Không Có Ai", None, "TH1", None, "LDTT", 2023, "", None, "", ""],
            ["Lê Văn Cường", None, "TH2", None, "XYZ", 2023, "", None, "", ""],
            ["Lê Văn Cường", None, "TH2", None, "LDTT", future, "", None, "", ""],
            ["Lê Văn Cường", None, "ZZ9", None, "LDTT", 2023, "", None, "", ""],
            [None, None, None, "TH2", "LDTT", 2023, "", None, "", ""],
        ]
    )
    assert refused(data) == [
        (
            2,
            "Họ và tên",
            "Có 2 người tên «Nguyễn Văn An» trong đơn vị «TH1»: ngày sinh 01/02/1980, 03/04/1985 — "
            "thêm ngày sinh để phân biệt.",
        ),
        (3, "Họ và tên", "Không tìm thấy «Không Có Ai» trong đơn vị «TH1»."),
        (4, "Loại khen thưởng", "Loại khen thưởng «XYZ» không có trong danh mục."),
        (5, "Năm", f"Năm thành tích {future} không hợp lệ: phải từ 1945 đến {future - 1}."),
        (6, "Mã đơn vị", "Mã đơn vị «ZZ9» không có trong hệ thống."),
        (7, "Họ và tên", "Danh hiệu Lao động tiên tiến chỉ dành cho cá nhân."),
    ]


def test_duplicates_in_the_file_and_in_the_register(people):
    services.award_record_create(actor=None, award_type="LDTT", year=2022, person=people["cuong"])
    data = xlsx(
        [
            ["Lê Văn Cường", None, "TH2", None, "LDTT", 2023, "", None, "", ""],
            ["Lê Văn Cường", None, "TH2", None, "Lao động tiên tiến", 2023, "", None, "", ""],
            ["Lê Văn Cường", None, "TH2", None, "LDTT", 2022, "", None, "", ""],
        ]
    )
    assert refused(data) == [
        (3, "Loại khen thưởng", "Trùng với dòng 2 (cùng khen thưởng, đối tượng, năm)."),
        (4, "Loại khen thưởng", "Lê Văn Cường đã có Lao động tiên tiến năm 2022 trong sổ."),
    ]


def test_merged_name_cell_is_reported(people):
    rows = [
        ["Lê Văn Cường", None, "TH2", None, "LDTT", 2023, "", None, "", ""],
        ["", None, "TH2", None, "GK", 2023, "", None, "", ""],
    ]
    errors = refused(xlsx(rows, merge=(1, 0, 2, 0)))
    assert errors[0] == (
        3,
        "Họ và tên",
        "Ô gộp (merge) với ô phía trên: hãy bỏ gộp ô và ghi đủ giá trị ở từng dòng.",
    )


def test_authority_and_dates_checked_like_the_service(people):
    data = xlsx(
        [
            [
                "Lê Văn Cường",
                None,
                "TH2",
                None,
                "CSTD_CS",
                2024,
                "1/QĐ",
                dt.date(2025, 3, 10),
                "UBND xã",
                "Chủ tịch UBND cấp xã",
            ]
        ],
        header=[*HEADER[:-1], "Cấp quyết định"],
    )
    [(row, column, message)] = refused(data)
    assert (row, column) == (2, "Cấp quyết định")
    assert message.startswith(
        "Chủ tịch UBND cấp xã không có thẩm quyền tặng Chiến sĩ thi đua cơ sở vào ngày 10/03/2025"
    )
    data = xlsx([["Lê Văn Cường", None, "TH2", None, "LDTT", 2024, "1/QĐ", dt.date(2023, 3, 10), "", ""]])
    assert refused(data) == [(2, "Ngày quyết định", "Ngày quyết định 10/03/2023 trước năm thành tích 2024.")]


def test_scope_of_the_importing_officer(people, commune1_officer):
    data = xlsx([["Lê Văn Cường", None, "TH2", None, "LDTT", 2023, "", None, "", ""]])
    assert refused(data, actor=commune1_officer) == [
        (2, "Mã đơn vị", "Bạn không có quyền nhập khen thưởng cho đơn vị «TH2».")
    ]


def test_viewer_may_not_import(people, viewer):
    with pytest.raises(PermissionDenied):
        imports.import_file(actor=viewer, file=b"", name="x.xlsx")


def test_ratings_import_upserts(people):
    services.rating_set(actor=None, year=2023, grade="HTNV", person=people["cuong"])
    header = ["Họ và tên", "Ngày sinh", "Mã đơn vị", "Mã tập thể", "Năm", "Xếp loại"]
    data = xlsx(
        [
            ["Lê Văn Cường", None, "TH2", None, 2023, "Hoàn thành tốt nhiệm vụ"],
            ["Nguyễn Văn An", "03/04/1985", "TH1", None, 2023, "htxsnv"],
            [None, None, None, "TH1", 2023, "HTXSNV"],
        ],
        header=header,
    )
    result = imports.import_file(actor=None, file=data, name="xl.xlsx", kind="ratings")
    assert (result.created_count, result.updated_count) == (2, 1)
    assert Rating.objects.get(person=people["cuong"]).grade == "HTTNV"
    assert Rating.objects.get(person=people["an2"]).grade == "HTXSNV"
    bad = xlsx(
        [
            ["Lê Văn Cường", None, "TH2", None, 2023, "Giỏi"],
            ["Lê Văn Cường", None, "TH2", None, 2024, "HTNV"],
            ["Lê Văn Cường", None, "TH2", None, 2024, "HTNV"],
        ],
        header=header,
    )
    assert refused(bad, kind="ratings") == [
        (2, "Xếp loại", "Xếp loại «Giỏi» không hợp lệ: chọn HTXSNV, HTTNV, HTNV hoặc KHTNV."),
        (4, "Họ và tên", "Trùng với dòng 3."),
    ]


def test_template_has_our_headers(db):
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(imports.template_xlsx()))
    first = book.get_sheet_by_name("Sổ khen thưởng").to_python()[0]
    assert first[:3] == ["Họ và tên", "Ngày sinh", "Mã đơn vị"]
    assert "Loại khen thưởng" in first
