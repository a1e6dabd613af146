"""Importing initiatives and disciplines: the same all-or-nothing machinery as
the award history — stored values, authors, NFD names, every refusal with its
row and column, scope, the API and the templates."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

import pytest
import python_calamine
import xlsxwriter

from tests.awards.test_api import Api
from thidua.awards import imports, services
from thidua.awards.models import Discipline, Initiative
from thidua.core.errors import ImportRejected
from thidua.core.models import AuditEntry, ImportJob
from thidua.directory import services as directory

I_HEADER = [
    "Tên sáng kiến",
    "Tác giả",
    "Mã đơn vị",
    "Năm công nhận",
    "Phạm vi",
    "Cơ quan công nhận",
    "Số quyết định",
    "Ngày quyết định",
    "Đề tài khoa học",
]
D_HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Mã đơn vị",
    "Hình thức kỷ luật",
    "Từ ngày",
    "Đến ngày",
    "Số quyết định",
]


def xlsx(rows: list[list[Any]], header: list[str]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Dữ liệu")
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
    book.close()
    return out.getvalue()


@pytest.fixture
def people(tree):
    def person(name, unit, birth=None):
        return directory.person_create(
            actor=None, full_name=name, gender="male", unit=tree[unit], birth_date=birth
        )

    return {
        "an": person("Nguyễn Văn An", "TH1", dt.date(1980, 3, 2)),
        "an2": person("Nguyễn Văn An", "TH1", dt.date(1985, 4, 3)),
        "binh": person("Trần Thị Bình", "TH1", dt.date(1990, 5, 6)),
        "cuong": person("Lê Văn Cường", "TH2"),
    }


def refused(data: bytes, kind: str, *, actor: Any = None) -> list[tuple[int, str, str]]:
    before = (
        Initiative.objects.count(),
        Discipline.objects.count(),
        AuditEntry.objects.count(),
        ImportJob.objects.count(),
    )
    with pytest.raises(ImportRejected) as info:
        imports.import_file(actor=actor, file=data, name="tep.xlsx", kind=kind)
    after = (
        Initiative.objects.count(),
        Discipline.objects.count(),
        AuditEntry.objects.count(),
        ImportJob.objects.count(),
    )
    assert after == before
    return [(e.row, e.column, e.message) for e in info.value.errors]


# --- initiatives --------------------------------------------------------------------------


def test_good_initiatives_file(people, tree):
    nfd = unicodedata.normalize("NFD", "Trần Thị Bình")
    data = xlsx(
        [
            [
                "Ứng dụng bản đồ số trong dạy học",
                f"Nguyễn Văn An (02/03/1980); {nfd}",
                "TH1",
                2023,
                "Cơ sở",
                "Hội đồng sáng kiến huyện",
                "12/QĐ-UBND",
                dt.date(2023, 12, 20),
                "Không",
            ],
            [],
            [
                "Đề tài nước sạch",
                "le van cuong",
                "TH2",
                "2022",
                "toan quoc",
                "",
                "",
                None,
                "Có",
            ],
            ["Sáng kiến ba", "Trần Thị Bình", "TH1", 2024, "Tinh", None, None, "05/01/2024", None],
        ],
        I_HEADER,
    )
    result = imports.import_file(actor=None, file=data, name="sk.xlsx", kind="initiatives")
    assert (result.kind, result.created_count) == ("initiatives", 3)
    first = Initiative.objects.get(title="Ứng dụng bản đồ số trong dạy học")
    assert (
        first.year,
        first.scope,
        first.recognised_by_name,
        first.decision_number,
        first.decision_date,
        first.is_research,
        first.owner_unit,
    ) == (2023, "base", "Hội đồng sáng kiến huyện", "12/QĐ-UBND", dt.date(2023, 12, 20), False, tree["TH1"])
    assert set(first.authors.all()) == {people["an"], people["binh"]}
    second = Initiative.objects.get(title="Đề tài nước sạch")
    assert (second.year, second.scope, second.is_research, second.decision_date, second.owner_unit) == (
        2022,
        "national",
        True,
        None,
        tree["TH2"],
    )
    assert list(second.authors.all()) == [people["cuong"]]
    third = Initiative.objects.get(title="Sáng kiến ba")
    assert (third.scope, third.decision_date) == ("province", dt.date(2024, 1, 5))
    job = ImportJob.objects.get(kind="initiatives")
    assert (job.status, job.created_count, job.total_rows) == ("done", 3, 3)
    assert AuditEntry.objects.get(action="initiative.import").after == {"created": 3, "file": "sk.xlsx"}


def test_initiative_errors_each_with_row_and_column(people):
    services.initiative_create(
        actor=None, title="Sáng kiến cũ", authors=[people["cuong"]], year=2021, scope="base"
    )
    future = dt.date.today().year + 1
    data = xlsx(
        [
            ["SK 1", "Nguyễn Văn An; Không Có Ai", "TH1", 2023, "Cơ sở", "", "", None, ""],
            ["SK 2", "Trần Thị Bình", "TH1", 2023, "Quận", "", "", None, ""],
            ["SK 3", "Trần Thị Bình", "TH1", future, "Cơ sở", "", "", None, ""],
            ["SK 4", "Trần Thị Bình", "TH1", 2023, "Cơ sở", "", "", None, "x"],
            ["sk 4", "Trần Thị Bình", "TH1", 2023, "Tỉnh", "", "", None, ""],
            ["SK 6", "Trần Thị Bình (31/02/1990)", "TH1", 2023, "Cơ sở", "", "", None, ""],
            ["SK 7", "Lê Văn Cường", "ZZ9", 2023, "Cơ sở", "", "", None, ""],
            ["Sáng kiến cũ", "Lê Văn Cường", "TH2", 2021, "Cơ sở", "", "", None, ""],
            ["", "Lê Văn Cường", "TH2", 2021, "Cơ sở", "", "", None, ""],
            ["SK 11", "Trần Thị Bình", "TH1", 2023, "Cơ sở", "", "", None, "Có lẽ"],
        ],
        I_HEADER,
    )
    assert refused(data, "initiatives") == [
        (
            2,
            "Tác giả",
            "Có 2 người tên «Nguyễn Văn An» trong đơn vị «TH1»: ngày sinh 02/03/1980, 03/04/1985 — "
            "thêm ngày sinh để phân biệt.",
        ),
        (2, "Tác giả", "Không tìm thấy «Không Có Ai» trong đơn vị «TH1»."),
        (3, "Phạm vi", "Phạm vi «Quận» không hợp lệ: chọn Cơ sở, Tỉnh hoặc Toàn quốc."),
        (4, "Năm công nhận", f"Năm công nhận {future} không hợp lệ: phải từ 1945 đến {future - 1}."),
        (6, "Tên sáng kiến", "Trùng với dòng 5 (cùng tên sáng kiến, năm công nhận)."),
        (7, "Tác giả", "Ngày sinh của «Trần Thị Bình»: Ngày «31/02/1990» không tồn tại."),
        (8, "Mã đơn vị", "Mã đơn vị «ZZ9» không có trong hệ thống."),
        (9, "Tên sáng kiến", "Sáng kiến «Sáng kiến cũ» năm 2021 của đơn vị «TH2» đã có trong hệ thống."),
        (10, "Tên sáng kiến", "Không được để trống."),
        (11, "Đề tài khoa học", "«Có lẽ» không hợp lệ: ghi Có hoặc Không."),
    ]


def test_initiative_scope_of_the_importer(people, commune1_officer):
    # Xã Một's officer: TH2 (Xã Hai) is outside, as unit and as author's unit.
    data = xlsx(
        [
            ["SK 1", "Lê Văn Cường", "TH2", 2023, "Cơ sở", "", "", None, ""],
            ["SK 2", "Nguyễn Văn An (02/03/1980)", "TH1", 2023, "Cơ sở", "", "", None, ""],
        ],
        I_HEADER,
    )
    assert refused(data, "initiatives", actor=commune1_officer) == [
        (2, "Mã đơn vị", "Bạn không có quyền nhập sáng kiến cho đơn vị «TH2».")
    ]
    mine = xlsx([["SK 2", "Trần Thị Bình", "TH1", 2023, "cơ sở"]], I_HEADER[:5])
    result = imports.import_file(actor=commune1_officer, file=mine, name="a.xlsx", kind="initiatives")
    assert result.created_count == 1
    assert Initiative.objects.get(title="SK 2").authors.get() == people["binh"]


def test_initiative_missing_column_refused(people):
    data = xlsx([["SK", "Trần Thị Bình", 2023, "Cơ sở"]], ["Tên sáng kiến", "Tác giả", "Năm", "Phạm vi"])
    assert refused(data, "initiatives") == [(1, "Mã đơn vị", "Thiếu cột bắt buộc.")]


# --- disciplines --------------------------------------------------------------------------


def test_good_disciplines_file(people):
    nfd = unicodedata.normalize("NFD", "Lê Văn Cường")
    data = xlsx(
        [
            [
                "Nguyễn Văn An",
                "03/04/1985",
                "TH1",
                "Khiển trách",
                dt.date(2023, 5, 1),
                dt.date(2024, 5, 1),
                "7/QĐ",
            ],
            [nfd, None, "TH2", "canh cao", "01/02/2024", None, ""],
            ["Trần Thị Bình", None, "TH1", "ĐANG XEM XÉT KỶ LUẬT, THANH TRA, ĐIỀU TRA", "10/10/2024", "", ""],
        ],
        D_HEADER,
    )
    result = imports.import_file(actor=None, file=data, name="kl.xlsx", kind="disciplines")
    assert (result.kind, result.created_count) == ("disciplines", 3)
    an = Discipline.objects.get(person=people["an2"])
    assert (an.measure, an.start_date, an.end_date, an.decision_number, an.owner_unit) == (
        "khien_trach",
        dt.date(2023, 5, 1),
        dt.date(2024, 5, 1),
        "7/QĐ",
        people["an2"].unit,
    )
    cuong = Discipline.objects.get(person=people["cuong"])
    assert (cuong.measure, cuong.start_date, cuong.end_date) == ("canh_cao", dt.date(2024, 2, 1), None)
    assert Discipline.objects.get(person=people["binh"]).measure == "dang_xem_xet"
    assert ImportJob.objects.get(kind="disciplines").created_count == 3
    assert AuditEntry.objects.get(action="discipline.import").after == {"created": 3, "file": "kl.xlsx"}


def test_discipline_errors_each_with_row_and_column(people):
    services.discipline_create(
        actor=None, person=people["cuong"], measure="khien_trach", start_date=dt.date(2022, 1, 1)
    )
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    data = xlsx(
        [
            ["Nguyễn Văn An", None, "TH1", "Khiển trách", "01/01/2023", None, ""],
            ["Trần Thị Bình", None, "TH1", "Phạt tiền", "01/01/2023", None, ""],
            ["Trần Thị Bình", None, "TH1", "Cảnh cáo", "01/06/2023", "01/01/2023", ""],
            ["Trần Thị Bình", None, "TH1", "Khiển trách", tomorrow, None, ""],
            ["Trần Thị Bình", None, "TH1", "Khiển trách", "01/01/2023", None, ""],
            ["Trần Thị Bình", None, "TH1", "khien trach", "01/01/2023", None, ""],
            ["Lê Văn Cường", None, "TH2", "Khiển trách", "01/01/2022", None, ""],
            ["Trần Thị Bình", None, "TH1", "Cảnh cáo", "", None, ""],
            ["Trần Thị Bình", "1990", "TH1", "Cảnh cáo", "01/01/2020", None, ""],
        ],
        D_HEADER,
    )
    assert refused(data, "disciplines") == [
        (
            2,
            "Họ và tên",
            "Có 2 người tên «Nguyễn Văn An» trong đơn vị «TH1»: ngày sinh 02/03/1980, 03/04/1985 — "
            "thêm ngày sinh để phân biệt.",
        ),
        (
            3,
            "Hình thức kỷ luật",
            "Hình thức kỷ luật «Phạt tiền» không hợp lệ: chọn Khiển trách, Cảnh cáo, Hạ bậc lương, "
            "Cách chức, Bãi nhiệm, Buộc thôi việc, Giải tán (tập thể), Đang xem xét kỷ luật, thanh tra, "
            "điều tra.",
        ),
        (4, "Đến ngày", "Ngày kết thúc kỷ luật phải sau ngày bắt đầu."),
        (5, "Từ ngày", f"Ngày bắt đầu {tomorrow:%d/%m/%Y} ở tương lai."),
        (7, "Hình thức kỷ luật", "Trùng với dòng 6 (cùng người, hình thức kỷ luật, từ ngày)."),
        (8, "Hình thức kỷ luật", "Lê Văn Cường đã có kỷ luật Khiển trách từ ngày 01/01/2022 trong hệ thống."),
        (9, "Từ ngày", "Không được để trống."),
        (10, "Ngày sinh", "«1990» không phải ngày dạng dd/mm/yyyy."),
    ]


def test_discipline_scope_of_the_importer(people, commune1_officer):
    data = xlsx([["Lê Văn Cường", None, "TH2", "Khiển trách", "01/01/2023", None, ""]], D_HEADER)
    assert refused(data, "disciplines", actor=commune1_officer) == [
        (2, "Mã đơn vị", "Bạn không có quyền nhập kỷ luật cho đơn vị «TH2».")
    ]


# --- templates, API, web page ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sheet", "first"),
    [
        ("initiatives", "Sáng kiến", ["Tên sáng kiến", "Tác giả", "Mã đơn vị"]),
        ("disciplines", "Kỷ luật", ["Họ và tên", "Ngày sinh", "Mã đơn vị"]),
    ],
)
def test_templates_read_back(people, kind, sheet, first):
    content = imports.template_xlsx(kind)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    header = book.get_sheet_by_name(sheet).to_python()[0]
    assert header[:3] == first
    assert header == [c.label for c in imports._COLUMNS[kind]]
    assert "Hướng dẫn" in book.sheet_names


def _upload(api: Api, path: str, data: bytes) -> Any:
    upload = io.BytesIO(data)
    upload.name = "tep.xlsx"
    return api.client.post(path, {"file": upload}, headers=api.headers)


def test_api_initiatives_and_disciplines(people, commune1_officer):
    api = Api(commune1_officer)
    good = xlsx([["SK API", "Trần Thị Bình", "TH1", 2023, "Cơ sở", "", "", None, ""]], I_HEADER)
    r = _upload(api, "/api/v1/initiatives/import", good)
    assert (r.status_code, r.json()) == (201, {"created": 1, "updated": 0, "missing_basis": 0})
    r = _upload(api, "/api/v1/initiatives/import", good)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "row": 2,
            "column": "Tên sáng kiến",
            "message": "Sáng kiến «SK API» năm 2023 của đơn vị «TH1» đã có trong hệ thống.",
        }
    ]
    assert r.json()["detail"].startswith("Tệp có 1 lỗi; chưa nhập dòng nào.")
    good = xlsx([["Trần Thị Bình", None, "TH1", "Cảnh cáo", "01/01/2023", None, "1/QĐ"]], D_HEADER)
    r = _upload(api, "/api/v1/disciplines/import", good)
    assert (r.status_code, r.json()["created"]) == (201, 1)
    bad = xlsx([["Lê Văn Cường", None, "TH2", "Cảnh cáo", "01/01/2023", None, ""]], D_HEADER)
    r = _upload(api, "/api/v1/disciplines/import", bad)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"row": 2, "column": "Mã đơn vị", "message": "Bạn không có quyền nhập kỷ luật cho đơn vị «TH2»."}
    ]
    for kind in ("initiatives", "disciplines"):
        r = api.client.get(f"/api/v1/{kind}/import/template", headers=api.headers)
        assert r.status_code == 200
        assert r["Content-Type"].startswith("application/vnd.openxmlformats")
        assert r.content[:2] == b"PK"


def test_api_viewer_refused(people, viewer):
    data = xlsx([["Trần Thị Bình", None, "TH1", "Cảnh cáo", "01/01/2023", None, ""]], D_HEADER)
    assert _upload(Api(viewer), "/api/v1/disciplines/import", data).status_code == 403
    assert Discipline.objects.count() == 0


def test_web_page_kind_selector(people, client, province_officer):
    client.force_login(province_officer)
    page = client.get("/khen-thuong/so/nhap/")
    assert page.status_code == 200
    for value in ("initiatives", "disciplines"):
        assert f'value="{value}"'.encode() in page.content
    upload = io.BytesIO(xlsx([["Trần Thị Bình", None, "TH1", "Cảnh cáo", "01/01/2023", None, ""]], D_HEADER))
    upload.name = "kl.xlsx"
    r = client.post("/khen-thuong/so/nhap/", {"kind": "disciplines", "file": upload})
    assert r.status_code == 200
    assert "Đã nhập 1 dòng" in r.content.decode()
    assert Discipline.objects.get().person == people["binh"]
    r = client.get("/khen-thuong/so/nhap/mau/?kind=initiatives")
    assert r["Content-Disposition"] == 'attachment; filename="mau-nhap-sang-kien.xlsx"'
