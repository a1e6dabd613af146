"""One set of figures, three outputs; empty periods; bad input; scope; jobs; templates; CLI."""

from __future__ import annotations

import datetime as dt
import io
import json

import docx
import pytest
from django.core.management import call_command
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.conftest import Api, make_user
from tests.reports.conftest import SEED_003, as_catalogue
from tests.reports.test_seed_sentences import docx_text
from thidua.accounts.enums import Role
from thidua.core.models import AuditEntry
from thidua.directory import services as directory
from thidua.directory.models import UnitSuccession
from thidua.reports.models import ReportJob, ReportTemplate


def xlsx_sheets(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_json_docx_and_xlsx_agree(api, minh_long):
    q = {"year": 2023, "unit": "ML"}
    data = api.get("/api/v1/reports/summary", q).json()
    text = docx_text(api.get("/api/v1/reports/annual.docx", q).content)
    sheets = xlsx_sheets(api.get("/api/v1/reports/tables.xlsx", q).content)
    awards = sheets["Khen thưởng"]
    header = awards[3]
    assert header == [
        "STT",
        "Mã",
        "Hình thức, danh hiệu",
        "Cấp quyết định",
        "Tập thể",
        "Cá nhân",
        "Hộ gia đình",
        "Tổng",
    ]
    rows = {(r[1], r[3]): r[4:8] for r in awards[4:] if r[1]}
    assert len(rows) == len(data["awards"]) == 5
    for a in data["awards"]:
        expected = [a["collective"], a["individual"], a["household"], a["total"]]
        # XLSX: the same numbers (the total a formula with its cached value) …
        assert [int(v) for v in rows[(a["award_type"], a["authority_label"])]] == expected
        # … and the DOCX table row.
        cells = " | ".join([a["name"], a["authority_label"], *[str(v) for v in expected]])
        assert cells in text
    total_row = next(r for r in awards if r[2] == "Tổng cộng")
    t = data["award_totals"]
    assert [int(v) for v in total_row[4:8]] == [t["collective"], t["individual"], t["household"], 311]
    assert "Tổng cộng |  | 63 | 248 | 0 | 311" in text
    # Per unit (lượt khen thưởng): the communes' lines add up to the registry's valid lines.
    by_unit = sheets["Khen thưởng theo đơn vị"]
    assert by_unit[3][-1] == "Tổng" and next(r for r in by_unit if r[1] == "Tổng cộng")[-1] == 311
    # Prize money: JSON = XLSX.
    money = sheets["Tiền thưởng"]
    assert next(r for r in money if r[1] == "Tổng cộng")[3] == data["prize_total"] > 0


def test_totals_are_formulas_and_header_frozen(api, minh_long):
    import zipfile

    content = api.get("/api/v1/reports/tables.xlsx", {"year": 2023, "unit": "ML"}).content
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>SUM(E5:E9)</f>" in sheet1
    assert 'ySplit="4"' in sheet1 and 'state="frozen"' in sheet1
    assert "<col " in sheet1  # fitted widths


def test_charts_are_in_the_docx(api, minh_long):
    content = api.get("/api/v1/reports/annual.docx", {"year": 2023, "unit": "ML"}).content
    doc = docx.Document(io.BytesIO(content))
    assert len(doc.inline_shapes) == 2
    images = [p for p in doc.part.package.parts if p.partname.startswith("/word/media/")]
    assert len(images) == 2 and all(p.blob[:8] == b"\x89PNG\r\n\x1a\n" for p in images)


def test_empty_period_says_no_data(api, minh_long):
    q = {"year": 2019, "unit": "ML"}
    data = api.get("/api/v1/reports/summary", q).json()
    assert data["is_empty"] is True and data["awards"] == []
    assert data["text"]["commendation"] == ["Không có số liệu."]
    text = docx_text(api.get("/api/v1/reports/annual.docx", q).content)
    assert "Không có số liệu." in text
    assert "Tổng kết công tác thi đua, khen thưởng năm 2019" in text
    sheets = xlsx_sheets(api.get("/api/v1/reports/tables.xlsx", q).content)
    assert "Không có số liệu" in [r[2] for r in sheets["Khen thưởng"]]


def test_bad_input(api, minh_long):
    r = api.get("/api/v1/reports/summary", {"from": "2023-12-31", "to": "2023-01-01", "unit": "ML"})
    assert r.status_code == 422
    assert r.json()["detail"] == "Kỳ báo cáo không hợp lệ: ngày kết thúc trước ngày bắt đầu."
    r = api.get("/api/v1/reports/summary", {"from": "2023-02-30", "to": "2023-03-01", "unit": "ML"})
    assert r.status_code == 422 and "ngày không hợp lệ" in r.json()["detail"]
    r = api.get("/api/v1/reports/summary", {"year": 2023, "unit": "ML", "movement": 987654})
    assert (r.status_code, r.json()["detail"]) == (422, "Phong trào thi đua không tồn tại.")
    r = api.get("/api/v1/reports/annual.docx", {"year": 2023, "unit": "KHONG-CO"})
    assert (r.status_code, r.json()["detail"]) == (404, "Không tìm thấy đơn vị.")
    r = api.get("/api/v1/reports/summary", {"unit": "ML"})
    assert r.status_code == 422 and r.json()["detail"].startswith("Cần chọn năm báo cáo")


def test_outside_scope_is_refused_and_leaks_nothing(tree, minh_long):
    district, _communes, _people = minh_long
    outsider = make_user("canboxa1", Role.UNIT_OFFICER, tree["XA1"])
    api = Api(outsider)
    for url in ("/api/v1/reports/summary", "/api/v1/reports/annual.docx", "/api/v1/reports/tables.xlsx"):
        r = api.get(url, {"year": 2023, "unit": district.pk})
        assert r.status_code == 403, url
        assert r.json() == {"detail": "Bạn không có quyền xem báo cáo của đơn vị này.", "code": "forbidden"}
    # Background jobs are refused too, and nothing is written.
    r = api.post("/api/v1/reports/jobs", {"kind": "annual", "unit": "ML", "year": 2023})
    assert r.status_code == 403 and not ReportJob.objects.exists()
    # Their own commune's report: none of Minh Long's figures in totals, charts or files.
    data = api.get("/api/v1/reports/summary", {"year": 2023, "unit": "XA1"}).json()
    assert data["awards"] == [] and data["award_totals"] == {"collective": 0, "individual": 0, "household": 0}
    assert all(y["total"] == 0 for y in data["awards_by_year"])
    assert "Minh Long" not in json.dumps(data, ensure_ascii=False)
    text = docx_text(api.get("/api/v1/reports/annual.docx", {"year": 2023, "unit": "XA1"}).content)
    assert "118" not in text and "MINH LONG" not in text.upper()
    # The web pages refuse the same way.
    web = Client()
    web.force_login(outsider)
    r = web.get("/bao-cao/", {"unit": "ML", "year": 2023})
    assert r.status_code == 403 and "Bạn không có quyền xem báo cáo của đơn vị này." in r.content.decode()
    assert web.get("/bao-cao/bieu-do/theo-nam.xlsx", {"unit": "ML", "year": 2023}).status_code == 403


def test_successor_reports_on_its_predecessors_history(tree, api, minh_long):
    """Minh Long is abolished on 1/7/2025 and merged into a new commune: the new commune's
    report of 2023 is the district's, and the district's own 2023 report still works."""
    district, _c, _p = minh_long
    new = directory.unit_create(
        actor=None, code="XA-ML-MOI", name="Xã Minh Long", kind="commune", parent=tree["TINH"]
    )
    district.valid_to = dt.date(2025, 6, 30)
    district.save(update_fields=["valid_to"])
    UnitSuccession.objects.create(
        predecessor=district, successor=new, effective_date=dt.date(2025, 7, 1), kind="merge"
    )
    data = api.get("/api/v1/reports/summary", {"year": 2023, "unit": "XA-ML-MOI"}).json()
    assert sorted(data["lineage"]) == ["ML", "XA-ML-MOI"]
    assert data["award_totals"] == {"collective": 63, "individual": 248, "household": 0}
    assert (
        api.get("/api/v1/reports/summary", {"year": 2023, "unit": "ML"}).json()["award_totals"]["individual"]
        == 248
    )


def test_background_job_keeps_the_file_with_who_and_when(
    api, officer, minh_long, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post("/api/v1/reports/jobs", {"kind": "tables", "unit": "ML", "year": 2023})
    assert r.status_code == 202, r.json()
    job = ReportJob.objects.get()
    assert (job.state, job.progress, job.requested_by) == ("ready", 100, officer)
    assert job.filename == "bieu-thong-ke-ml-2023.xlsx"
    listed = api.get("/api/v1/reports/jobs").json()
    assert [j["code"] for j in listed] == [job.public_code.hex]
    assert listed[0]["requested_by"] == "thuongtruc" and listed[0]["state_label"] == "Đã xong"
    content = b"".join(api.get(listed[0]["download"]).streaming_content)
    assert xlsx_sheets(content)["Khen thưởng"][3][0] == "STT"
    assert AuditEntry.objects.filter(action="report.request", object_id=str(job.pk)).exists()
    # Another unit's officer cannot fetch it.
    other = Api(
        make_user("khac", Role.UNIT_OFFICER, job.unit.parent.children.exclude(pk=job.unit.pk).first())
    )
    assert other.get(f"/api/v1/reports/jobs/{job.public_code.hex}").status_code == 404


def test_background_annual_report_uses_the_organisations_template(
    officer, minh_long, django_capture_on_commit_callbacks
):
    """The kept file is rendered like the download: with the unit's own template."""
    from thidua.reports import services
    from thidua.reports.selectors import report_params

    district, _c, _p = minh_long
    doc = docx.Document()
    doc.add_paragraph("MẪU RIÊNG CỦA {{ issuer }}")
    buf = io.BytesIO()
    doc.save(buf)
    services.template_upload(actor=officer, unit=district, data=buf.getvalue(), original_name="rieng.docx")
    params = report_params(officer, unit="ML", year=2023)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(actor=officer, kind="annual", params=params)
    job.refresh_from_db()
    assert (job.state, job.progress) == ("ready", 100)
    with job.file.open("rb") as f:
        kept = docx_text(f.read())
    assert kept == "MẪU RIÊNG CỦA ỦY BAN NHÂN DÂN HUYỆN MINH LONG"
    assert docx_text(services.annual_docx(params)) == kept


def test_broken_template_is_refused_and_default_kept(officer, minh_long, tmp_path):
    web = Client()
    web.force_login(officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A Word file whose field is broken Jinja.
    doc = docx.Document()
    doc.add_paragraph("{{ issuer }")
    buf = io.BytesIO()
    doc.save(buf)
    r = web.post("/bao-cao/mau/", {"unit": "ML", "file": SimpleUploadedFile("mau.docx", buf.getvalue())})
    assert r.status_code == 422
    assert (
        "Mẫu báo cáo không dùng được" in r.content.decode()
        and "Mẫu đang dùng được giữ nguyên" in r.content.decode()
    )
    r = web.post("/bao-cao/mau/", {"unit": "ML", "file": SimpleUploadedFile("mau.docx", b"not a zip")})
    assert "Tệp mẫu không phải tài liệu Word (.docx)." in r.content.decode()
    assert not ReportTemplate.objects.exists()
    # A working one is used for the next report.
    doc = docx.Document()
    doc.add_paragraph("BÁO CÁO RIÊNG {{ issuer }} NĂM {{ year }}")
    doc.add_paragraph("{%p for s in commendation %}")
    doc.add_paragraph("{{ s }}")
    doc.add_paragraph("{%p endfor %}")
    buf = io.BytesIO()
    doc.save(buf)
    r = web.post("/bao-cao/mau/", {"unit": "ML", "file": SimpleUploadedFile("rieng.docx", buf.getvalue())})
    assert r.status_code == 302
    content = Api(officer).get("/api/v1/reports/annual.docx", {"year": 2023, "unit": "ML"}).content
    text = docx_text(content)
    assert "BÁO CÁO RIÊNG ỦY BAN NHÂN DÂN HUYỆN MINH LONG NĂM 2023" in text
    assert as_catalogue(SEED_003) + "." in text


def test_cli_report_annual(minh_long, tmp_path, capsys):
    out = tmp_path / "bao-cao.docx"
    call_command("report", "annual", "--year", "2023", "--unit", "ML", "-o", str(out))
    assert as_catalogue(SEED_003) + "." in docx_text(out.read_bytes())
    assert "Đã lập" in capsys.readouterr().out
    with pytest.raises(Exception, match="ngày kết thúc trước ngày bắt đầu"):
        call_command("report", "summary", "--from", "2023-12-31", "--to", "2023-01-01", "--unit", "ML")


def test_dashboard_page_shows_figures_and_charts(officer, minh_long):
    web = Client()
    web.force_login(officer)
    r = web.get("/bao-cao/", {"unit": "ML", "year": 2023})
    assert r.status_code == 200
    html = r.content.decode()
    assert as_catalogue(SEED_003) + "." in html
    assert 'src="/static/reports/vendor/chart-4.6.1.umd.min.js"' in html
    assert html.count('<figure class="card rp-chart"') == 5
    # The chart's XLSX holds the numbers of its table.
    r = web.get("/bao-cao/bieu-do/theo-nam.xlsx", {"unit": "ML", "year": 2023})
    rows = xlsx_sheets(r.content)["Số liệu"]
    assert rows[2] == ["", "Tập thể", "Cá nhân", "Hộ gia đình"]
    assert next(r for r in rows if r[0] == "2023")[1:] == [63, 248, 0]


def test_unit_officer_without_subunits_gets_the_unit_alone(tree, minh_long):
    """A role on the district only (not its communes): the report is the district's own
    lines; asking explicitly for the subtree is refused."""
    district, _communes, _people = minh_long
    own = Api(make_user("canbohuyen", Role.UNIT_OFFICER, district, include_subunits=False))
    data = own.get("/api/v1/reports/summary", {"year": 2023, "unit": "ML"}).json()
    assert data["include_subunits"] is False and data["awards"] == []
    r = own.get("/api/v1/reports/summary", {"year": 2023, "unit": "ML", "include_subunits": "true"})
    assert r.status_code == 403
    assert r.json()["detail"] == "Bạn chỉ được xem báo cáo của riêng đơn vị này, không gồm đơn vị trực thuộc."
