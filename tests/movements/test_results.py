"""XLSX import of indicators (all or nothing), export, reviews and awards linked
to a movement, annual ratings with the HTXSNV share, and proposals from a ranking."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from thidua.accounts.enums import Role
from thidua.awards.models import AwardRecord, AwardType, Rating
from thidua.core.errors import DomainError, ImportRejected, PermissionDenied
from thidua.directory import services as directory
from thidua.movements import imports, selectors, services
from thidua.movements.models import Indicator, IndicatorValue, MovementAward

from ..conftest import Api, make_user

HEADER = [
    "Mã đơn vị",
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Kế hoạch",
    "Chiều đánh giá",
    "Thực hiện",
    "Số liệu đến ngày",
    "Nguồn số liệu",
]


def _xlsx(rows) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet("Chỉ tiêu")
    for r, row in enumerate([HEADER, *rows]):
        ws.write_row(r, 0, row)
    book.close()
    return out.getvalue()


def test_import_creates_indicators_and_values(movement, tree, province_officer):
    data = _xlsx(
        [
            ["XA1", "CT01", "Thu ngân sách", "tỷ đồng", 202.3, "cao", 378.3, "31/12/2024", "Báo cáo"],
            ["XA1", "CT02", "Tỷ lệ hộ nghèo", "%", "18", "thấp", "16,78", "31/12/2024", ""],
            ["XA2", "CT01", "Thu ngân sách", "tỷ đồng", 100, "", None, None, ""],
        ]
    )
    assert imports.import_indicators(actor=province_officer, movement=movement, file=data, name="a.xlsx") == {
        "created": 3,
        "values": 2,
    }
    prog = selectors.progress(movement, dt.date(2024, 12, 31))
    assert prog.indicators_text == "2/3 chỉ tiêu đạt và vượt kế hoạch"
    # a second file reports a result for an existing code without a plan
    data = _xlsx([["XA2", "CT01", "", "", None, "", "120", "30/06/2024", ""]])
    assert (
        imports.import_indicators(actor=province_officer, movement=movement, file=data, name="b.xlsx")[
            "values"
        ]
        == 1
    )
    assert (
        selectors.progress(movement, dt.date(2024, 12, 31)).indicators_text
        == "3/3 chỉ tiêu đạt và vượt kế hoạch"
    )


def test_import_with_unknown_codes_refused_and_nothing_written(tree, province_officer):
    m = services.movement_launch(
        actor=None, kind="thematic", name="Chuyên đề Xã Một", launching_unit=tree["TINH"],
        start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31), participants=[(tree["XA1"], True)],
    )  # fmt: skip
    data = _xlsx(
        [
            ["XA1", "CT01", "Thu ngân sách", "tỷ đồng", 200, "cao", 210, "31/12/2024", ""],
            ["XA1", "CT99", "", "", None, "", 5, "31/12/2024", ""],
            ["XA2", "CT01", "Thu ngân sách", "tỷ đồng", 200, "cao", None, None, ""],
            ["XA1", "CT03", "Giá trị", "", "nhiều", "", None, None, ""],
            ["XA1", "CT04", "Giá trị", "", 10, "ngang", None, None, ""],
        ]
    )
    with pytest.raises(ImportRejected) as info:
        imports.import_indicators(actor=province_officer, movement=m, file=data, name="a.xlsx")
    errors = [(e.row, e.column, e.message) for e in info.value.errors]
    assert info.value.detail.startswith("Tệp có 4 lỗi; chưa nhập dòng nào.")
    assert errors == [
        (
            3,
            "Mã chỉ tiêu",
            "Mã chỉ tiêu «CT99» chưa có trong phong trào cho Xã Một (điền cột Kế hoạch để tạo chỉ tiêu mới).",
        ),
        (4, "Mã đơn vị", "Đơn vị «Xã Hai» không tham gia phong trào «Chuyên đề Xã Một»."),
        (5, "Kế hoạch", "«nhiều» không phải là số."),
        (6, "Chiều đánh giá", "Chiều đánh giá ghi «cao» hoặc «thấp»."),
    ]
    assert Indicator.objects.count() == 0 and IndicatorValue.objects.count() == 0


def test_import_through_the_api_and_template(movement, province_officer):
    api = Api(province_officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bad.xlsx", _xlsx([["XA1", "CT99", "", "", None, "", 5, "31/12/2024", ""]]))
    r = api.client.post(
        f"/api/v1/movements/{movement.pk}/indicators/import", {"file": upload}, headers=api.headers
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["column"] == "Mã chỉ tiêu"
    template = api.get("/api/v1/movements/indicators/template.xlsx").content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(template)).get_sheet_by_index(0).to_python()
    assert rows[0] == HEADER


def test_export_xlsx_has_the_figures(movement, tree, province_officer):
    ind = services.indicator_create(
        actor=None, movement=movement, unit=tree["XA1"], code="CT01", name="Thu", plan_value=100
    )
    services.indicator_report(actor=None, indicator=ind, value=187, as_of=dt.date(2024, 6, 30))
    content = (
        Api(province_officer)
        .get(f"/api/v1/movements/{movement.pk}/export.xlsx", {"as_of": "2024-12-31"})
        .content
    )
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "1/1 chỉ tiêu đạt và vượt kế hoạch"
    assert rows[4][1] == "CT01" and rows[4][8] == "187%"


def test_link_awards_and_count_by_form(movement, tree, province_officer, commune1_officer):
    gk = AwardType.objects.get(code="GK")
    records = [
        AwardRecord.objects.create(
            award_type=gk, recipient_kind="collective", unit=tree[c], owner_unit=tree[c], year=2024
        )
        for c in ("XA1", "XA2", "TH1")
    ]
    person = directory.person_create(actor=None, full_name="Lò Thị Hoa", gender="female", unit=tree["XA1"])
    records.append(
        AwardRecord.objects.create(
            award_type=gk, recipient_kind="individual", person=person, owner_unit=tree["XA1"], year=2024
        )
    )
    records[2].status = "revoked"
    records[2].save()
    with pytest.raises(PermissionDenied):
        services.movement_link_awards(actor=commune1_officer, movement=movement, records=records)
    assert services.movement_link_awards(actor=province_officer, movement=movement, records=records) == 4
    assert services.movement_link_awards(actor=province_officer, movement=movement, records=records) == 0
    assert MovementAward.objects.count() == 4
    assert (
        selectors.awards_text(selectors.awards_by_kind(movement)) == "2 tập thể, 1 cá nhân"
    )  # revoked not counted
    review = services.review_create(
        actor=province_officer, movement=movement, kind="midterm", held_on=dt.date(2024, 7, 1),
        title="Sơ kết 6 tháng", figures={"Đơn vị đăng ký": 3},
    )  # fmt: skip
    assert review.get_kind_display() == "Sơ kết"
    with pytest.raises(DomainError, match="trước khi phong trào bắt đầu"):
        services.review_create(
            actor=province_officer, movement=movement, kind="final", held_on=dt.date(2023, 1, 1), title="x"
        )


def test_ratings_share_and_cap(tree, province_officer):
    m = services.movement_launch(
        actor=None, kind="regular", name="Năm 2024", launching_unit=tree["TINH"],
        start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31),
    )  # fmt: skip
    units = [
        directory.unit_create(
            actor=None, code=f"CQ{i}", name=f"Cơ quan {i}", kind="agency", parent=tree["TINH"]
        )
        for i in range(6)
    ]
    grades = ["HTXSNV", "HTXSNV", "HTTNV", "HTTNV", "HTNV", "KHTNV"]
    for u, g in zip(units, grades, strict=True):
        Rating.objects.create(unit=u, owner_unit=u, year=2024, grade=g)
    s = selectors.rating_summary(m, 2024)
    assert (
        s.rated == 6
        and s.text
        == "83,3% cơ quan, đơn vị hoàn thành nhiệm vụ trở lên, trong đó 33,3% hoàn thành xuất sắc nhiệm vụ"
    )
    assert s.exceeded  # 2 of 6 > 20 %
    assert [u.code for u in s.unrated] == ["TINH", "SNV", "XA1", "XA2"]
    r = Api(province_officer).get(f"/api/v1/movements/{m.pk}/ratings", {"year": 2024})
    assert r.json()["exceeded"] is True and r.json()["excellent"] == 2


def test_propose_leader_for_flag_and_next_for_merit(cluster, tree, province_officer):
    from thidua.nominations.models import Candidate

    nominator = make_user("thuongtruc2", Role.STANDING_OFFICER, tree["TINH"])
    from thidua.accounts.services import role_assign

    role_assign(actor=None, user=nominator, role=Role.UNIT_OFFICER, unit=tree["TINH"])
    s = services.scheme_create(
        actor=nominator, group=cluster, year=2024, name="Bảng điểm",
        criteria=[{"code": "A1", "name": "Chỉ tiêu", "max_points": 100}],
    )  # fmt: skip
    services.scheme_open(actor=nominator, scheme=s)
    services.score_review(actor=nominator, scheme=s, unit=tree["XA1"], scores={"A1": 90})
    services.score_review(actor=nominator, scheme=s, unit=tree["XA2"], scores={"A1": 85})
    with pytest.raises(DomainError, match="sau khi đã công bố"):
        services.propose_awards(actor=nominator, scheme=s, deciding_unit=tree["TINH"])
    services.scheme_publish(actor=nominator, scheme=s)
    r = Api(nominator).post(
        f"/api/v1/movements/scoring-schemes/{s.pk}/propose", {"deciding_unit": tree["TINH"].pk}
    )
    assert r.status_code == 201, r.json()
    got = sorted(
        (c.unit.code, c.award_type.code) for c in Candidate.objects.select_related("unit", "award_type")
    )
    assert got == [("XA1", "CTD_TINH"), ("XA2", "BK_TINH")]


def test_propose_refused_when_tied_at_the_top(cluster, tree, province_officer):
    s = services.scheme_create(
        actor=province_officer, group=cluster, year=2024, name="Bảng điểm",
        criteria=[{"code": "A1", "name": "Chỉ tiêu", "max_points": 100}],
    )  # fmt: skip
    services.scheme_open(actor=province_officer, scheme=s)
    for u in ("XA1", "XA2"):
        services.score_review(actor=province_officer, scheme=s, unit=tree[u], scores={"A1": 90})
    services.scheme_publish(actor=province_officer, scheme=s)
    with pytest.raises(DomainError, match="Có 2 đơn vị đồng hạng nhất \\(Xã Hai, Xã Một\\)"):
        services.propose_awards(actor=province_officer, scheme=s, deciding_unit=tree["TINH"])


def test_value_dates_are_days_in_ho_chi_minh_time(movement, tree, commune1_officer, monkeypatch):
    """00:30 on 01/01/2025 in Hà Nội is still 31/12/2024 in UTC: a value dated
    01/01/2025 is not "in the future" then, but is at 23:59 on 31/12/2024."""
    from django.utils import timezone

    ind = services.indicator_create(
        actor=None, movement=movement, unit=tree["XA1"], code="CT01", name="Thu", plan_value=1
    )
    utc = dt.UTC
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2024, 12, 31, 16, 59, tzinfo=utc))  # 23:59 local
    with pytest.raises(DomainError, match=r"Ngày số liệu 01/01/2025 ở tương lai\."):
        services.indicator_report(actor=commune1_officer, indicator=ind, value=2, as_of=dt.date(2025, 1, 1))
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2024, 12, 31, 17, 30, tzinfo=utc))  # 00:30 local
    services.indicator_report(actor=commune1_officer, indicator=ind, value=2, as_of=dt.date(2025, 1, 1))
    # the day is inclusive: a value dated 31/12 counts as of 31/12, not as of 30/12
    services.indicator_report(actor=None, indicator=ind, value=1, as_of=dt.date(2024, 12, 31))
    assert selectors.progress(movement, dt.date(2024, 12, 31)).indicators_met == 1
    assert selectors.progress(movement, dt.date(2024, 12, 30)).indicators_met == 0


def test_plan_upload_and_download_through_the_api(
    movement, province_officer, commune1_officer, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    api = Api(province_officer)
    upload = SimpleUploadedFile("Kế hoạch số 91.docx", b"PK\x03\x04 docx")
    r = api.client.post(f"/api/v1/movements/{movement.pk}/plan", {"file": upload}, headers=api.headers)
    assert r.status_code == 200 and r.json()["has_plan"] is True
    r = Api(commune1_officer).get(f"/api/v1/movements/{movement.pk}/plan")
    assert b"".join(r.streaming_content) == b"PK\x03\x04 docx"
    assert "filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2091.docx" in r["Content-Disposition"]
    upload = SimpleUploadedFile("x.docx", b"x")
    r = Api(commune1_officer).client.post(
        f"/api/v1/movements/{movement.pk}/plan", {"file": upload}, headers=Api(commune1_officer).headers
    )
    assert r.status_code == 403


def test_a_role_without_subunits_sees_only_its_own_units_movements(tree):
    """A scope anchored at a commune without its sub-units does not reach the
    movements its school launches."""
    import datetime as dt

    from tests.conftest import make_user
    from thidua.accounts.enums import Role
    from thidua.movements import selectors, services

    def launch(name, unit):
        return services.movement_launch(
            actor=None, kind="thematic", name=name, launching_unit=unit,
            start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31), participants=[(unit, False)],
        )  # fmt: skip

    school = launch("Phong trào của trường", tree["TH1"])
    commune = launch("Phong trào của xã", tree["XA1"])
    officer = make_user("chixa", Role.VIEWER, tree["XA1"], include_subunits=False)
    seen = set(selectors.movements_for(officer))
    assert commune in seen and school not in seen
