"""Exporting people and units, and the import templates: what the user downloads."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from thidua.accounts.services import token_create
from thidua.directory import exports, imports
from thidua.directory import services as directory
from thidua.directory.models import Person, Unit

PEOPLE_HEADER = ["Họ và tên", "Giới tính", "Ngày sinh", "Mã đơn vị", "Chức vụ", "Số định danh"]
UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến"]


@pytest.fixture
def people(tree) -> list[Person]:
    return [
        directory.person_create(
            actor=None,
            full_name="Nguyễn Văn An",
            gender="male",
            unit=tree["XA1"],
            birth_date=dt.date(1985, 8, 4),
            position="Chủ tịch",
            identity_number="001085012345",
        ),
        directory.person_create(
            actor=None, full_name="Trần Thị Bình", gender="female", unit=tree["TH1"], position="=1+1"
        ),
        directory.person_create(
            actor=None,
            full_name="Lê Văn Cường",
            gender="male",
            unit=tree["XA2"],
            birth_date=dt.date(1990, 1, 2),
            identity_number="079090000002",
        ),
    ]


def sheet_values(data: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_people_xlsx_has_the_template_columns_in_vietnamese_order(people):
    data = exports.export_people(None)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert book.sheetnames == ["Cá nhân", "Hướng dẫn"]
    assert sheet.freeze_panes == "A2"
    assert list(sheet.iter_rows(values_only=True)) == [
        tuple(PEOPLE_HEADER),
        ("Nguyễn Văn An", "Nam", dt.datetime(1985, 8, 4), "XA1", "Chủ tịch", "001085012345"),
        ("Trần Thị Bình", "Nữ", None, "TH1", "=1+1", None),
        ("Lê Văn Cường", "Nam", dt.datetime(1990, 1, 2), "XA2", None, "079090000002"),
    ]
    assert sheet["C2"].number_format == "dd/mm/yyyy"
    assert sheet["B3"].data_type == "s" and sheet["E3"].data_type == "s"  # text, never a formula


def test_people_export_is_scoped_and_hides_identity_from_viewers(people, commune1_officer, viewer):
    assert [r[0] for r in sheet_values(exports.export_people(commune1_officer))[1:]] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    assert sheet_values(exports.export_people(commune1_officer))[1][5] == "001085012345"
    assert sheet_values(exports.export_people(viewer))[1:] == [
        ("Lê Văn Cường", "Nam", dt.datetime(1990, 1, 2), "XA2", None, None)
    ]


def test_people_export_filters(people, tree):
    assert [r[0] for r in sheet_values(exports.export_people(None, unit=tree["XA1"]))[1:]] == [
        "Nguyễn Văn An"
    ]
    rows = sheet_values(exports.export_people(None, unit=tree["XA1"], include_subunits=True))[1:]
    assert [r[0] for r in rows] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert [r[0] for r in sheet_values(exports.export_people(None, q="cuong"))[1:]] == ["Lê Văn Cường"]


def test_people_csv(people):
    text = exports.export_people(None, fmt="csv").decode("utf-8")
    assert text.splitlines() == [
        "\ufeffHọ và tên,Giới tính,Ngày sinh,Mã đơn vị,Chức vụ,Số định danh",
        "Nguyễn Văn An,Nam,04/08/1985,XA1,Chủ tịch,001085012345",
        "Trần Thị Bình,Nữ,,TH1,'=1+1,",
        "Lê Văn Cường,Nam,02/01/1990,XA2,,079090000002",
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_reimport_gives_the_same_people(people, fmt):
    def snapshot() -> list[tuple]:
        return sorted(
            Person.objects.values_list(
                "full_name",
                "given_name",
                "gender",
                "birth_date",
                "unit__code",
                "position",
                "identity_number",
                "sort_key",
            )
        )

    before = snapshot()
    data = exports.export_people(None, fmt=fmt)
    Person.objects.all().delete()
    job = imports.import_file(actor=None, kind="people", file=data, name=f"xuat.{fmt}")
    assert job.created_count == 3
    assert snapshot() == before


def test_units_export_in_tree_order_and_reimport(tree):
    directory.unit_update(actor=None, unit=tree["TH2"], valid_from=dt.date(2020, 9, 5))
    data = exports.export_units(None, unit=tree["XA2"], include_subunits=True)
    assert sheet_values(data) == [
        tuple(UNIT_HEADER),
        ("XA2", "Xã Hai", "Xã, phường, đặc khu", "TINH", None, None),
        ("TH2", "Trường Tiểu học Xã Hai", "Trường học", "XA2", dt.datetime(2020, 9, 5), None),
    ]
    # Re-import under new codes: the parent defined in the file comes first.
    csv_text = exports.export_units(None, fmt="csv", unit=tree["XA2"], include_subunits=True).decode()
    renamed = csv_text.replace("XA2,", "XA9,").replace("TH2,", "TH9,").replace(",XA2,", ",XA9,")
    imports.import_file(actor=None, kind="units", file=renamed.encode(), name="dv.csv")
    th9 = Unit.objects.get(code="TH9")
    assert (th9.parent.code, th9.kind, th9.valid_from, th9.depth) == ("XA9", "school", dt.date(2020, 9, 5), 2)


def test_template_has_header_style_dropdowns_and_instructions(db):
    book = openpyxl.load_workbook(io.BytesIO(exports.template_xlsx("people")))
    sheet = book["Cá nhân"]
    assert book.sheetnames == ["Cá nhân", "Hướng dẫn"]
    assert [c.value for c in sheet[1]] == PEOPLE_HEADER
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb == "FF1F4E78"
    assert sheet.column_dimensions["A"].width > 20
    (gender,) = sheet.data_validations.dataValidation
    assert (str(gender.sqref), gender.formula1) == ("B2:B100001", '"Nam,Nữ,Khác"')
    units = openpyxl.load_workbook(io.BytesIO(exports.template_xlsx("units")))
    assert [c.value for c in units["Đơn vị"][1]] == UNIT_HEADER
    (kind,) = units["Đơn vị"].data_validations.dataValidation
    assert str(kind.sqref) == "C2:C100001"
    first, last = kind.formula1.split("!")[1].replace("$", "").split(":")
    listed = [c.value for (c,) in units["Hướng dẫn"][first:last]]
    assert listed[:3] == [
        "Tỉnh, thành phố",
        "Huyện, quận, thị xã, thành phố thuộc tỉnh",
        "Xã, phường, đặc khu",
    ]
    assert len(listed) == 11


def test_api_people_export(people, commune1_officer):
    client = Client(HTTP_AUTHORIZATION="Bearer " + token_create(actor=None, user=commune1_officer))
    response = client.get(
        "/api/v1/people/export", {"format": "csv", "unit": "XA1", "include_subunits": "true"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ca-nhan-')
    assert [line.split(",")[0] for line in response.content.decode("utf-8-sig").splitlines()] == [
        "Họ và tên",
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    xlsx = client.get("/api/v1/people/export", {"q": "nguyen van"})
    assert [r[0] for r in sheet_values(xlsx.content)[1:]] == ["Nguyễn Văn An"]
    # A unit outside the officer's scope is not found, and leaks nothing.
    assert client.get("/api/v1/people/export", {"unit": "XA2"}).status_code == 404
    assert client.get("/api/v1/people/export", {"format": "pdf"}).status_code == 422


def test_web_export_download(people, commune1_officer):
    client = Client()
    client.force_login(commune1_officer)
    response = client.get("/xuat-du-lieu/people/", {"format": "csv"})
    assert response.status_code == 200
    assert len(response.content.decode("utf-8-sig").splitlines()) == 3
    assert client.get("/xuat-du-lieu/khac/").status_code == 404


def test_cli_export(people, tmp_path):
    target = tmp_path / "ds.xlsx"
    call_command(
        "export", "people", "-o", str(target), "--unit", "XA1", "--include-subunits", stdout=io.StringIO()
    )
    assert [r[0] for r in sheet_values(target.read_bytes())] == [
        "Họ và tên",
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    units = tmp_path / "dv.csv"
    call_command("export", "units", "-o", str(units), stdout=io.StringIO())
    lines = units.read_text("utf-8-sig").splitlines()
    assert lines[0] == ",".join(UNIT_HEADER)
    assert 'TINH,Tỉnh Thử Nghiệm,"Tỉnh, thành phố",,,' in lines
    assert lines.index('SNV,Sở Nội vụ,"Cơ quan, sở, ban, ngành",TINH,,') > lines.index(
        'TINH,Tỉnh Thử Nghiệm,"Tỉnh, thành phố",,,'
    )
