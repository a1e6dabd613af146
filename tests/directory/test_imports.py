"""Importing people and units: what an officer sees when the file is good or bad.

Files are built in memory with xlsxwriter (as Excel would save them) or as CSV
text. Every refusal checks the exact (row, column, message) list and that
nothing was written.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.test import Client

from tests.conftest import make_user
from thidua.accounts.enums import Role
from thidua.accounts.services import token_create
from thidua.core.errors import ImportRejected, PermissionDenied, RowError
from thidua.core.models import AuditEntry, ImportJob
from thidua.directory import imports
from thidua.directory import services as directory
from thidua.directory.models import Person, PersonPosting, Unit

HEADER = ["Họ và tên", "Giới tính", "Ngày sinh", "Mã đơn vị", "Chức vụ", "Số định danh"]
UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến"]


def xlsx(rows: list[list[Any]], header: list[str] = HEADER, *, start_row: int = 0) -> bytes:
    """An .xlsx as Excel writes it: text as text, numbers as numbers, dates as date cells."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Cá nhân")
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate([header, *rows], start=start_row):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def run(data: bytes, *, actor: Any = None, kind: str = "people", name: str = "ds.xlsx") -> ImportJob:
    return imports.import_file(actor=actor, kind=kind, file=data, name=name)


def refused(data: bytes, **kw: Any) -> ImportRejected:
    people, units, audits = Person.objects.count(), Unit.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ImportRejected) as caught:
        run(data, **kw)
    assert (Person.objects.count(), Unit.objects.count(), AuditEntry.objects.count()) == (
        people,
        units,
        audits,
    )
    assert not ImportJob.objects.exists()
    return caught.value


# --- a good file --------------------------------------------------------------------


def test_people_import_writes_every_row_like_person_create(tree):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Minh Khai")
    data = xlsx(
        [
            [f"  {nfd}  ", "Nữ", "04/08/1985", "XA1", "Chủ tịch  UBND", "001085012345"],
            ["Trần Văn Đức", "nam", dt.date(1990, 1, 2), "TH1", "", None],
        ]
    )
    job = run(data, name="danh-sach.xlsx")

    assert (job.status, job.created_count, job.total_rows, job.processed_rows) == ("done", 2, 2, 2)
    khai = Person.objects.get(identity_number="001085012345")
    reference = directory.person_create(
        actor=None, full_name="Nguyễn Thị Minh Khai", gender="female", unit=tree["SNV"]
    )
    assert khai.full_name == "Nguyễn Thị Minh Khai"
    assert unicodedata.is_normalized("NFC", khai.full_name)
    assert (khai.given_name, khai.search_key, khai.sort_key) == (
        reference.given_name,
        reference.search_key,
        reference.sort_key,
    )
    assert (khai.gender, khai.birth_date, khai.unit, khai.position) == (
        "female",
        dt.date(1985, 8, 4),
        tree["XA1"],
        "Chủ tịch UBND",
    )
    duc = Person.objects.get(full_name="Trần Văn Đức")
    assert (duc.gender, duc.birth_date, duc.identity_number, duc.unit) == (
        "male",
        dt.date(1990, 1, 2),
        None,
        tree["TH1"],
    )
    assert list(
        PersonPosting.objects.filter(person=khai).values_list("unit__code", "position", "end_date")
    ) == [("XA1", "Chủ tịch UBND", None)]
    entry = AuditEntry.objects.get(action="person.import")
    assert (entry.object_type, entry.object_id, entry.after) == (
        "core.importjob",
        str(job.pk),
        {"created": 2, "units": 2, "file": "danh-sach.xlsx"},
    )
    assert not AuditEntry.objects.filter(action="person.create").exclude(object_id=str(reference.pk)).exists()


def test_dates_as_excel_serials_date_cells_and_text(tree):
    data = xlsx(
        [
            ["Lê Văn An", "Nam", 31263.0, "XA1", "", None],  # a serial number typed without date format
            ["Lê Văn Bình", "Nam", dt.date(1985, 8, 4), "XA1", "", None],
            ["Lê Văn Cường", "Nam", "4/8/1985", "XA1", "", None],
            ["Lê Văn Dũng", "Nam", " 04/08/1985 ", "XA1", "", None],
            ["Lê Văn Em", "Nam", "", "XA1", "", None],
        ]
    )
    run(data)
    assert dict(Person.objects.values_list("given_name", "birth_date")) == {
        "An": dt.date(1985, 8, 4),
        "Bình": dt.date(1985, 8, 4),
        "Cường": dt.date(1985, 8, 4),
        "Dũng": dt.date(1985, 8, 4),
        "Em": None,
    }


def test_headers_in_any_order_any_case_without_accents_and_blank_lines_skipped(tree):
    header = ["ma don vi", "  HỌ VÀ TÊN ", "GIOI TINH", "Ghi chú", "chuc vu", "Ngày sinh"]
    data = xlsx(
        [
            ["XA1", "Phạm Thị Hoa", "Nữ", "bỏ qua cột này", "Kế toán", "01/01/1980"],
            [],
            [None, "   ", None],
            ["XA2", "Phạm Văn Nam", "Nam", "", "", "02/02/1981"],
            ["XA2", "Phạm Văn", "Nam", "", "", "31/02/1981"],
        ],
        header,
        start_row=2,  # two empty lines above the header
    )
    exc = refused(data)
    # The header is on sheet row 3, so the data rows are 4, 5 (blank), 6 (blank), 7, 8.
    assert exc.errors == [RowError(8, "Ngày sinh", "Ngày «31/02/1981» không tồn tại.")]


def test_csv_with_bom_and_semicolons(tree):
    text = (
        "\ufeffHọ và tên;Giới tính;Ngày sinh;Mã đơn vị;Chức vụ\r\nĐỗ Thị Lan;Nữ;05/06/1977;SNV;Giám đốc\r\n"
    )
    job = run(text.encode(), name="ds.csv")
    assert job.created_count == 1
    assert Person.objects.get().full_name == "Đỗ Thị Lan"


def test_csv_with_commas_without_bom(tree):
    text = (
        'Họ và tên,Giới tính,Ngày sinh,Mã đơn vị,Chức vụ\n"Đỗ Văn Hải",Nam,,SNV,"Phó Giám đốc, phụ trách"\n'
    )
    run(text.encode(), name="ds.csv")
    assert Person.objects.get().position == "Phó Giám đốc, phụ trách"


def test_numbers_in_code_and_identity_columns_are_read_as_text(tree):
    directory.unit_create(actor=None, code="001", name="Tổ dân phố 1", kind="village", parent=tree["XA1"])
    data = xlsx(
        [
            [
                "Vũ Văn Tú",
                "Nam",
                "",
                1.0,
                "",
                1085012345.0,
            ],  # Excel turned "001" into 1, "001085012345" into a number
            ["Vũ Thị Mai", "Nữ", "", "XA1", "", 123456789.0],
        ]
    )
    run(data)
    assert sorted(Person.objects.values_list("unit__code", "identity_number")) == [
        ("001", "001085012345"),
        ("XA1", "123456789"),
    ]


# --- bad files: every problem, with its row and column, and nothing written ----


def test_every_bad_row_is_reported_and_nothing_written(tree):
    directory.person_create(
        actor=None, full_name="Người Có Sẵn", gender="male", unit=tree["SNV"], identity_number="079090000001"
    )
    data = xlsx(
        [
            ["Hoàng Văn Một", "Nam", "31/02/2020", "XA1", "", None],  # 2
            ["Hoàng Văn Hai", "Nam", "01/01/2999", "XA1", "", None],  # 3
            ["Hoàng Văn Ba", "Nam", "01/01/1990", "KHONGCO", "", None],  # 4
            ["", "Nam giới", "1990-13-01", "", "", None],  # 5
            ["Hoàng\x07Văn Năm", "Nữ", "", "XA1", "", "12345"],  # 6
            ["H" * 121, "Nữ", "", "XA1", "", "07909000000A"],  # 7
            ["Hoàng Văn 7", "Nữ", "", "XA1", "x" * 256, None],  # 8
            ["Hoàng Văn Tám", "Nam", "01/01/1990", "XA1", "", "079090000002"],  # 9
            ["Hoàng Văn Chín", "Nam", "01/01/1991", "XA1", "", "079090000002"],  # 10
            ["hoàng văn tám", "Nam", dt.date(1990, 1, 1), "XA1", "", None],  # 11: same as row 9
            ["Hoàng Văn Mười", "Nam", "", "XA1", "", "079090000001"],  # 12: in the database
            ["Hoàng Văn Xưa", "Nam", "01/01/1899", "XA1", "", None],  # 13
        ]
    )
    exc = refused(data)
    assert exc.detail == "Tệp có 17 lỗi; chưa nhập dòng nào. Hãy sửa các lỗi dưới đây rồi tải lên lại."
    assert [e.as_dict() for e in exc.errors] == [
        {"row": 2, "column": "Ngày sinh", "message": "Ngày «31/02/2020» không tồn tại."},
        {"row": 3, "column": "Ngày sinh", "message": "Ngày sinh 01/01/2999 ở tương lai."},
        {"row": 4, "column": "Mã đơn vị", "message": "Mã đơn vị «KHONGCO» không có trong hệ thống."},
        {"row": 5, "column": "Họ và tên", "message": "Không được để trống."},
        {"row": 5, "column": "Giới tính", "message": "«Nam giới» không hợp lệ: chọn Nam hoặc Nữ."},
        {"row": 5, "column": "Ngày sinh", "message": "Ngày «1990-13-01» không tồn tại."},
        {"row": 5, "column": "Mã đơn vị", "message": "Không được để trống."},
        {"row": 6, "column": "Họ và tên", "message": "Có ký tự điều khiển không được phép."},
        {
            "row": 6,
            "column": "Số định danh",
            "message": "Số định danh phải có 12 chữ số (CCCD) hoặc 9 chữ số (CMND).",
        },
        {"row": 7, "column": "Họ và tên", "message": "Dài quá 120 ký tự."},
        {"row": 7, "column": "Số định danh", "message": "Số định danh chỉ gồm chữ số."},
        {
            "row": 8,
            "column": "Họ và tên",
            "message": "Họ và tên chỉ được chứa chữ cái, dấu cách và dấu gạch nối.",
        },
        {"row": 8, "column": "Chức vụ", "message": "Dài quá 255 ký tự."},
        {"row": 10, "column": "Số định danh", "message": "Số định danh trùng với dòng 9."},
        {
            "row": 11,
            "column": "Họ và tên",
            "message": "Trùng với dòng 9 (cùng họ và tên, ngày sinh và đơn vị).",
        },
        {"row": 12, "column": "Số định danh", "message": "Số định danh cá nhân này đã có trong hệ thống."},
        {"row": 13, "column": "Ngày sinh", "message": "Ngày sinh 01/01/1899 trước năm 1900."},
    ]


def test_a_person_already_in_the_unit_is_refused(tree):
    directory.person_create(
        actor=None, full_name="Ngô Thị Hà", gender="female", unit=tree["XA1"], birth_date=dt.date(1980, 5, 5)
    )
    exc = refused(xlsx([["Ngô Thị Hà", "Nữ", "05/05/1980", "XA1", "", None]]))
    assert exc.errors == [
        RowError(2, "Họ và tên", "Đơn vị đã có người cùng họ và tên, ngày sinh trong hệ thống.")
    ]


def test_missing_required_columns(tree):
    exc = refused(xlsx([["Lý Văn A", "XA1"]], ["Họ và tên", "Mã đơn vị"]))
    assert exc.detail == "Tệp thiếu cột bắt buộc: Giới tính, Ngày sinh, Chức vụ."
    assert exc.errors == [
        RowError(1, "Giới tính", "Thiếu cột bắt buộc."),
        RowError(1, "Ngày sinh", "Thiếu cột bắt buộc."),
        RowError(1, "Chức vụ", "Thiếu cột bắt buộc."),
    ]


def test_text_file_renamed_xlsx_is_refused(tree):
    exc = refused(b"Ho va ten,Gioi tinh\nA,Nam\n", name="ds.xlsx")
    assert exc.detail == "Tệp không phải tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng."


def test_truncated_xlsx_is_refused(tree):
    data = xlsx([["Lý Văn A", "Nam", "", "XA1", "", None]])
    exc = refused(data[: len(data) // 2])
    assert exc.detail == "Tệp không phải tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng."


def test_zip_that_is_not_a_workbook_is_refused(tree):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "xin chào")
    assert refused(out.getvalue()).detail == "Tệp không phải tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng."


def test_other_formats_are_refused(tree):
    assert refused(b"abc", name="ds.pdf").detail == "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."


def test_csv_not_in_utf8_is_refused(tree):
    data = "Ho và tên,Giới tính\n".encode("utf-16")  # what "Unicode text" from Excel gives
    assert refused(data, name="ds.csv").detail == "Tệp CSV phải dùng bảng mã UTF-8."


def test_oversized_file_is_refused(tree, settings):
    settings.THIDUA_IMPORT_MAX_BYTES = 2048
    data = xlsx([["Lý Văn A", "Nam", "", "XA1", "", None]])
    assert len(data) > 2048
    assert refused(data).detail == "Tệp quá lớn: chỉ nhận tệp đến 2 KB."
    with pytest.raises(ImportRejected):
        imports.import_file(actor=None, kind="people", file=io.BytesIO(data), name="ds.xlsx")


def test_empty_file_is_refused(tree):
    assert refused(xlsx([])).detail == "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."


# --- scope ---------------------------------------------------------------------------------


def test_officer_of_xa1_cannot_import_into_xa2(tree, commune1_officer):
    data = xlsx(
        [
            ["Đinh Văn Một", "Nam", "", "XA1", "", None],
            ["Đinh Văn Hai", "Nam", "", "TH1", "", None],
            ["Đinh Văn Ba", "Nam", "", "XA2", "", None],
            ["Đinh Văn Bốn", "Nam", "", "TH2", "", None],
        ]
    )
    exc = refused(data, actor=commune1_officer)
    assert exc.errors == [
        RowError(4, "Mã đơn vị", "Bạn không có quyền nhập dữ liệu cho đơn vị «XA2»."),
        RowError(5, "Mã đơn vị", "Bạn không có quyền nhập dữ liệu cho đơn vị «TH2»."),
    ]
    job = run(xlsx([["Đinh Văn Một", "Nam", "", "XA1", "", None]]), actor=commune1_officer)
    assert (job.created_by, job.created_count) == (commune1_officer, 1)
    assert AuditEntry.objects.get(action="person.import").actor == commune1_officer


def test_a_viewer_may_not_import_at_all(tree, viewer):
    with pytest.raises(PermissionDenied):
        run(xlsx([["Đinh Văn Hai", "Nam", "", "XA2", "", None]]), actor=viewer)
    assert not Person.objects.exists()


# --- background --------------------------------------------------------------------------


def test_large_file_runs_in_the_background_with_progress(
    tree, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.THIDUA_IMPORT_BACKGROUND_ROWS = 2
    rows = [
        [f"Bùi Văn {name}", "Nam", "", "XA1", "", None] for name in ["An", "Bảo", "Cảnh", "Dương", "Giang"]
    ]
    with django_capture_on_commit_callbacks(execute=True):
        job = run(xlsx(rows), actor=admin_user)
        assert job.status == "pending"
        assert job.file.name.startswith("imports/")
        stored = Path(job.file.path)
        assert stored.exists()
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.processed_rows, job.created_count, job.percent) == (
        "done",
        5,
        5,
        5,
        100,
    )
    assert job.finished_at is not None
    assert job.detail == "Đã nhập 5 dòng."
    assert Person.objects.count() == 5
    assert not stored.exists() and not job.file
    entry = AuditEntry.objects.get(action="person.import")
    assert (entry.origin, entry.actor) == ("task", admin_user)


def test_background_refusal_is_kept_on_the_job(
    tree, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.THIDUA_IMPORT_BACKGROUND_ROWS = 1
    rows = [["Bùi Văn An", "Nam", "", "XA1", "", None], ["Bùi Văn Bảo", "Nam", "30/02/2000", "XA1", "", None]]
    with django_capture_on_commit_callbacks(execute=True):
        job = run(xlsx(rows), actor=admin_user)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == ("failed", 2, 0)
    assert job.errors == [{"row": 3, "column": "Ngày sinh", "message": "Ngày «30/02/2000» không tồn tại."}]
    assert not Person.objects.exists()


# --- units ----------------------------------------------------------------------------------


def test_units_import_with_parents_defined_earlier(tree, province_officer):
    data = xlsx(
        [
            ["PGD", "Phòng Giáo dục", "Phòng, ban chuyên môn", "TINH", "01/07/2025", ""],
            ["THCS1", "Trường THCS Một", "school", "PGD", "", ""],
            ["TDP1", "Tổ dân phố 1", "thon, ban, to dan pho", "XA1", dt.date(2025, 7, 1), "31/12/2030"],
        ],
        UNIT_HEADER,
    )
    job = run(data, actor=province_officer, kind="units")
    assert job.created_count == 3
    pgd, thcs = Unit.objects.get(code="PGD"), Unit.objects.get(code="THCS1")
    assert (pgd.kind, pgd.parent, pgd.depth, pgd.path, pgd.valid_from) == (
        "department",
        tree["TINH"],
        1,
        f"{tree['TINH'].path}{pgd.pk}/",
        dt.date(2025, 7, 1),
    )
    assert (thcs.parent, thcs.depth, thcs.path) == (pgd, 2, f"{pgd.path}{thcs.pk}/")
    assert Unit.objects.get(code="TDP1").valid_to == dt.date(2030, 12, 31)
    assert AuditEntry.objects.get(action="unit.import").after == {"created": 3, "file": "ds.xlsx"}
    assert AuditEntry.objects.filter(action="unit.create", actor=province_officer).count() == 3


def test_units_import_errors(tree, commune1_officer):
    data = xlsx(
        [
            ["CON", "Đơn vị con", "other", "CHA", "", ""],  # 2: parent comes later
            ["CHA", "Đơn vị cha", "other", "XA1", "", ""],  # 3: unit officer has no unit-editing right
            ["XA2", "Trùng mã", "commune", "TINH", "", ""],  # 4
            ["MOI", "", "loại lạ", "", "01/01/2025", "01/01/2024"],  # 5
            ["MOI", "Mới", "other", "KHONGCO", "", "31/04/2025"],  # 6
        ],
        UNIT_HEADER,
    )
    exc = refused(data, actor=commune1_officer, kind="units")
    assert [(e.row, e.column, e.message) for e in exc.errors] == [
        (
            2,
            "Mã đơn vị cấp trên",
            "Mã đơn vị cấp trên «CHA» không có trong hệ thống hay ở các dòng phía trên.",
        ),
        (3, "Mã đơn vị cấp trên", "Bạn không có quyền thêm đơn vị vào «XA1»."),
        (4, "Mã đơn vị", "Mã đơn vị «XA2» đã có trong hệ thống."),
        (4, "Mã đơn vị cấp trên", "Bạn không có quyền thêm đơn vị vào «TINH»."),
        (5, "Tên đơn vị", "Không được để trống."),
        (5, "Loại", "Loại «loại lạ» không hợp lệ."),
        (
            5,
            "Mã đơn vị cấp trên",
            "Chỉ quản trị hệ thống mới được thêm đơn vị gốc; hãy ghi mã đơn vị cấp trên.",
        ),
        (6, "Mã đơn vị", "Mã đơn vị «MOI» trùng với dòng 5."),
        (
            6,
            "Mã đơn vị cấp trên",
            "Mã đơn vị cấp trên «KHONGCO» không có trong hệ thống hay ở các dòng phía trên.",
        ),
        (6, "Hiệu lực đến", "Ngày «31/04/2025» không tồn tại."),
    ]


def test_units_dates_out_of_order(tree):
    data = xlsx([["MOI", "Mới", "other", "TINH", "01/01/2025", "01/01/2024"]], UNIT_HEADER)
    assert refused(data, kind="units").errors == [
        RowError(2, "Hiệu lực đến", "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
    ]


# --- API, web, CLI -------------------------------------------------------------------------


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION="Bearer " + token_create(actor=None, user=user))


def upload(data: bytes, name: str = "ds.xlsx") -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def test_api_people_import_created(tree, commune1_officer):
    data = xlsx([["Mai Văn An", "Nam", "", "XA1", "", None]])
    response = api(commune1_officer).post("/api/v1/people/import", {"file": upload(data)})
    job = ImportJob.objects.get()
    assert (response.status_code, response.json()) == (201, {"created": 1, "job": job.pk})


def test_api_people_import_refused(tree, commune1_officer):
    data = xlsx([["Mai Văn An", "Nam", "", "XA2", "", None]])
    response = api(commune1_officer).post("/api/v1/people/import", {"file": upload(data)})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Tệp có 1 lỗi; chưa nhập dòng nào. Hãy sửa các lỗi dưới đây rồi tải lên lại.",
        "errors": [
            {"row": 2, "column": "Mã đơn vị", "message": "Bạn không có quyền nhập dữ liệu cho đơn vị «XA2»."}
        ],
    }
    assert not Person.objects.exists()


def test_api_import_forbidden_for_a_viewer(tree, viewer):
    data = xlsx([["Mai Văn An", "Nam", "", "XA2", "", None]])
    response = api(viewer).post("/api/v1/people/import", {"file": upload(data)})
    assert (response.status_code, response.json()["detail"]) == (
        403,
        "Bạn không có quyền thực hiện thao tác này.",
    )


def test_api_queued_import_and_its_progress(
    tree, province_officer, commune1_officer, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.THIDUA_IMPORT_BACKGROUND_ROWS = 1
    data = xlsx([["Mai Văn An", "Nam", "", "XA1", "", None], ["Mai Văn Bình", "Nam", "", "XA2", "", None]])
    client = api(province_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/people/import", {"file": upload(data)})
    job = ImportJob.objects.get()
    assert (response.status_code, response.json()) == (202, {"job": job.pk, "status": "pending"})
    status = client.get(f"/api/v1/imports/{job.pk}")
    assert status.status_code == 200
    assert status.json() == {
        "id": job.pk,
        "kind": "people",
        "status": "done",
        "original_name": "ds.xlsx",
        "total_rows": 2,
        "processed_rows": 2,
        "created_count": 2,
        "percent": 100,
        "detail": "Đã nhập 2 dòng.",
        "errors": [],
    }
    assert api(commune1_officer).get(f"/api/v1/imports/{job.pk}").status_code == 403
    assert api(admin_user).get(f"/api/v1/imports/{job.pk}").status_code == 200
    assert client.get("/api/v1/imports/999999").status_code == 404


def test_api_units_import_and_templates(tree, admin_user):
    client = api(admin_user)
    data = xlsx([["MOI", "Đơn vị mới", "Khác", "", "", ""]], UNIT_HEADER)
    response = client.post("/api/v1/units/import", {"file": upload(data)})
    assert response.status_code == 201
    assert Unit.objects.get(code="MOI").parent is None
    for path, name in [
        ("/api/v1/people/import/template", "mau-nhap-ca-nhan.xlsx"),
        ("/api/v1/units/import/template", "mau-nhap-don-vi.xlsx"),
    ]:
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response.content[:2] == b"PK"


def test_api_import_paths_are_not_shadowed_by_person_routes(tree, admin_user):
    # "/people/{id}" belongs to the directory router; "import" is not an id.
    assert api(admin_user).get("/api/v1/people/import/template").status_code == 200
    assert api(admin_user).get("/api/v1/people/export").status_code == 200


def test_web_import_page_shows_the_error_table(tree, commune1_officer):
    client = Client()
    client.force_login(commune1_officer)
    page = client.get("/nhap-du-lieu/")
    assert page.status_code == 200
    assert "Mẫu nhập cá nhân" in page.content.decode()
    data = xlsx([["Mai Văn An", "Nam", "31/02/2020", "XA1", "", None]])
    response = client.post("/nhap-du-lieu/", {"kind": "people", "file": upload(data)})
    html = response.content.decode()
    assert response.status_code == 422
    assert '<div class="alert alert-error" role="alert">Tệp có 1 lỗi;' in html
    assert "<tr><td>2</td><td>Ngày sinh</td><td>Ngày «31/02/2020» không tồn tại.</td></tr>" in html
    ok = client.post(
        "/nhap-du-lieu/",
        {"kind": "people", "file": upload(xlsx([["Mai Văn An", "Nam", "", "XA1", "", None]]))},
    )
    assert "Đã nhập 1 cá nhân từ tệp «ds.xlsx»." in ok.content.decode()


def test_web_job_page_polls_until_done(tree, admin_user, settings):
    settings.THIDUA_IMPORT_BACKGROUND_ROWS = 1
    client = Client()
    client.force_login(admin_user)
    data = xlsx([["Mai Văn An", "Nam", "", "XA1", "", None], ["Mai Văn Bình", "Nam", "", "XA1", "", None]])
    # Not executing on_commit callbacks: the job stays pending, as while the worker is busy.
    response = client.post("/nhap-du-lieu/", {"kind": "people", "file": upload(data)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/nhap-du-lieu/{job.pk}/"
    page = client.get(f"/nhap-du-lieu/{job.pk}/").content.decode()
    assert f'hx-get="/nhap-du-lieu/{job.pk}/" hx-trigger="every 1s"' in page
    assert '<progress class="progress" max="100" value="0"' in page
    imports.run_job(job.pk)
    fragment = client.get(f"/nhap-du-lieu/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "<html" not in fragment
    assert "Đã nhập 2 dòng." in fragment
    other = make_user("khac", Role.STANDING_OFFICER, tree["TINH"])
    client.force_login(other)
    assert client.get(f"/nhap-du-lieu/{job.pk}/").status_code == 404


def test_web_import_needs_login(db):
    assert Client().get("/nhap-du-lieu/").status_code == 302


def test_cli_import(tree, tmp_path):
    good = tmp_path / "ds.xlsx"
    good.write_bytes(xlsx([["Mai Văn An", "Nam", "", "XA1", "", None]]))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "people", str(good), stdout=out, stderr=err)
    assert out.getvalue().startswith("Đã nhập 1 cá nhân (lần nhập số ")
    assert AuditEntry.objects.get(action="person.import").origin == "cli"
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(xlsx([["Mai Văn Bình", "Nam", "31/02/2020", "XA1", "", None]]))
    with pytest.raises(CommandError) as caught:
        call_command("import", "people", str(bad), stdout=out, stderr=err)
    assert str(caught.value).startswith("Tệp có 1 lỗi;")
    assert "Dòng 2, cột «Ngày sinh»: Ngày «31/02/2020» không tồn tại." in err.getvalue()
    assert Person.objects.count() == 1
