"""The Vietnamese pages: list, launch form, the at-a-glance page with htmx
entry, registration, pledge signing, scoring sheet."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.movements import services
from thidua.movements.models import Movement, PledgeSignature, Registration

HTMX = {"HX-Request": "true"}


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


@pytest.fixture
def special(tree):
    m = services.movement_launch(
        actor=None, kind="special", name="150 ngày đêm", launching_unit=tree["XA1"],
        start_date=dt.date(2022, 8, 4), end_date=dt.date(2022, 12, 31), participants=[(tree["XA1"], True)],
    )  # fmt: skip
    return m


def _indicators(m, unit, n):
    for i in range(n):
        ind = services.indicator_create(
            actor=None, movement=m, unit=unit, code=f"CT{i}", name=f"Chỉ tiêu {i}", plan_value=100
        )
        services.indicator_report(actor=None, indicator=ind, value=150, as_of=dt.date(2022, 12, 31))


def test_launch_form_parses_directives_and_refuses_bad_period(client, tree, province_officer):
    client.force_login(province_officer)
    data = {
        "kind": "thematic",
        "name": "Tết quân - dân năm 2024",
        "launching_unit": tree["TINH"].pk,
        "start_date": "01/01/2024",
        "end_date": "15/02/2024",
        "directives": "Công điện số 280/CĐ-TTg, ngày 19/4/2023 của Thủ tướng Chính phủ",
        "goals": "Tổ chức tốt Tết quân - dân\nThăm hỏi gia đình chính sách",
        "include_subunits": "on",
    }
    r = client.post("/phong-trao/phat-dong/", {**data, "end_date": "31/12/2023"})
    assert r.status_code == 422
    assert "Ngày kết thúc (31/12/2023) phải sau hoặc bằng ngày bắt đầu (01/01/2024)." in r.content.decode()
    assert not Movement.objects.exists()
    r = client.post("/phong-trao/phat-dong/", data)
    m = Movement.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/phong-trao/{m.pk}/"
    assert [str(d) for d in m.directives.all()] == ["280/CĐ-TTg ngày 19/04/2023"]
    assert m.goals == ["Tổ chức tốt Tết quân - dân", "Thăm hỏi gia đình chính sách"]
    page = _text(client.get(f"/phong-trao/{m.pk}/").content)
    assert "280/CĐ-TTg ngày 19/04/2023" in page
    assert "01/01/2024 – 15/02/2024" in page


def test_unit_officer_cannot_open_the_launch_form(client, commune1_officer):
    client.force_login(commune1_officer)
    assert client.get("/phong-trao/phat-dong/").status_code == 404


def test_detail_page_figures_and_constant_queries(client, tree, special, commune1_officer):
    client.force_login(commune1_officer)
    _indicators(special, tree["XA1"], 1)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/phong-trao/{special.pk}/?ngay=31/12/2022")
    Movement.objects.get(pk=special.pk).indicators.all().delete()
    _indicators(special, tree["XA1"], 3)
    with CaptureQueriesContext(connection) as three:
        r = client.get(f"/phong-trao/{special.pk}/?ngay=31/12/2022")
    assert len(three) == len(one)
    page = _text(r.content)
    assert "3/3 chỉ tiêu đạt và vượt kế hoạch" in page
    assert "đạt 150% kế hoạch" in page
    # as of a day before the values: nothing reported yet
    page = _text(client.get(f"/phong-trao/{special.pk}/?ngay=30/12/2022").content)
    assert "0/3 chỉ tiêu đạt và vượt kế hoạch" in page and "chưa có số liệu" in page


def test_index_lists_with_constant_queries(client, tree, province_officer):
    client.force_login(province_officer)

    def launch(i):
        services.movement_launch(
            actor=None, kind="regular", name=f"Phong trào {i}", launching_unit=tree["TINH"],
            start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31),
        )  # fmt: skip

    launch(0)
    with CaptureQueriesContext(connection) as one:
        client.get("/phong-trao/")
    launch(1)
    launch(2)
    with CaptureQueriesContext(connection) as three:
        r = client.get("/phong-trao/")
    assert len(three) == len(one)
    assert "3 phong trào" in _text(r.content)
    assert "Phong trào 2" in _text(client.get("/phong-trao/?q=phong+trao+2", headers=HTMX).content)


def test_htmx_indicator_entry_updates_the_row_and_the_figure(client, tree, special, commune1_officer):
    ind = services.indicator_create(
        actor=None, movement=special, unit=tree["XA1"], code="CT01", name="Thu ngân sách", plan_value="202.3"
    )
    client.force_login(commune1_officer)
    r = client.post(
        f"/phong-trao/chi-tieu/{ind.pk}/ket-qua/",
        {"value": "378,3", "as_of": "31/12/2022", "source": "Báo cáo năm"},
        headers=HTMX,
    )
    html = r.content.decode()
    assert f'id="ind-{ind.pk}"' in html
    assert "đạt 187% kế hoạch" in html
    assert 'hx-swap-oob="true"' in html and "1/1 chỉ tiêu đạt và vượt kế hoạch" in html
    r = client.post(
        f"/phong-trao/chi-tieu/{ind.pk}/ket-qua/", {"value": "abc", "as_of": "31/12/2022"}, headers=HTMX
    )
    assert "Giá trị thực hiện phải là số." in r.content.decode()
    assert ind.values.count() == 1


def test_htmx_task_status(client, tree, special, commune1_officer):
    task = services.task_create(
        actor=None, movement=special, unit=tree["XA1"], title="Giải ngân vốn đầu tư công"
    )
    client.force_login(commune1_officer)
    r = client.post(f"/phong-trao/nhiem-vu/{task.pk}/trang-thai/", {"status": "done"}, headers=HTMX)
    html = _text(r.content)
    assert "Hoàn thành" in html and "1/1 nhiệm vụ hoàn thành, 0/1 đang triển khai" in html


def test_registration_page(client, tree, movement, commune1_officer):
    client.force_login(commune1_officer)
    page = client.get(f"/phong-trao/{movement.pk}/dang-ky/").content.decode()
    assert "Xã Một" in page and "Xã Hai" not in page  # only units of the officer's scope
    assert tree["XA1"].pk > 999  # ids and years are written unlocalized (no "14.141", no "2.024")
    assert f'<option value="{tree["XA1"].pk}"' in page and '<option value="2024"' in page
    r = client.post(
        f"/phong-trao/{movement.pk}/dang-ky/",
        {"unit": tree["XA2"].pk, "year": "2024", "targets": "Cờ thi đua"},
    )
    assert r.status_code == 422 and "Bạn không có quyền" in r.content.decode()
    r = client.post(
        f"/phong-trao/{movement.pk}/dang-ky/",
        {"unit": tree["XA1"].pk, "year": "2024", "targets": "Cờ thi đua\nTập thể lao động xuất sắc"},
    )
    assert r.status_code == 302
    assert Registration.objects.get().targets == ["Cờ thi đua", "Tập thể lao động xuất sắc"]


def test_pledge_page_sign(client, tree, cluster, province_officer, commune1_officer):
    pledge = services.pledge_create(
        actor=province_officer, group=cluster, year=2024, commitments=["Cam kết A"]
    )
    client.force_login(commune1_officer)
    r = client.post(
        f"/phong-trao/giao-uoc/{pledge.pk}/", {"unit": tree["XA1"].pk, "signer_name": "Nguyễn Văn Đức"}
    )
    assert r.status_code == 302
    page = _text(client.get(f"/phong-trao/giao-uoc/{pledge.pk}/").content)
    assert "Nguyễn Văn Đức" in page and "Chưa ký" in page  # Xã Hai has not signed
    r = client.post(f"/phong-trao/giao-uoc/{pledge.pk}/", {"unit": tree["XA1"].pk, "signer_name": "Lần hai"})
    assert r.status_code == 422 and "đã ký giao ước này" in r.content.decode()
    assert PledgeSignature.objects.count() == 1


def test_scoring_sheet_page_self_score_and_refusal(client, tree, cluster, province_officer, commune2_officer):
    s = services.scheme_create(
        actor=province_officer, group=cluster, year=2024, name="Bảng điểm",
        criteria=[{"code": "A1", "name": "Chỉ tiêu", "max_points": 50}],
    )  # fmt: skip
    services.scheme_open(actor=province_officer, scheme=s)
    client.force_login(commune2_officer)
    r = client.post(
        f"/phong-trao/bang-diem/{s.pk}/",
        {"action": "self", "unit": tree["XA2"].pk, "pt_A1": "60"},
        follow=True,
    )
    assert "Điểm tiêu chí A1 (60) vượt điểm tối đa 50." in r.content.decode()
    r = client.post(
        f"/phong-trao/bang-diem/{s.pk}/",
        {"action": "self", "unit": tree["XA2"].pk, "pt_A1": "45,5"},
        follow=True,
    )
    page = _text(r.content)
    assert "Đã lưu điểm tự chấm của Xã Hai." in page
    assert "Kết quả xếp hạng chưa công bố." in page
    assert "Xã Một" not in page.split("Phiếu chấm điểm")[1].split("Xếp hạng")[0]  # others' drafts hidden


def test_ratings_page_sets_unit_grades_and_shows_the_share(client, tree, movement, province_officer):
    from thidua.awards.models import Rating

    client.force_login(province_officer)
    data = {"nam": "2024", f"grade_{tree['SNV'].pk}": "HTXSNV", f"grade_{tree['XA1'].pk}": "HTTNV"}
    r = client.post(f"/phong-trao/{movement.pk}/xep-loai/", data, follow=True)
    page = _text(r.content)
    assert "Đã lưu xếp loại của 2 đơn vị." in page
    assert (
        "100% cơ quan, đơn vị hoàn thành nhiệm vụ trở lên, trong đó 50% hoàn thành xuất sắc nhiệm vụ" in page
    )
    assert "vượt mức tối đa 20%" in page
    assert (
        Rating.objects.get(unit=tree["SNV"], year=2024).grade == "HTXSNV"
    )  # what the eligibility engine reads


def test_ratings_page_read_only_for_a_viewer(client, tree, movement, viewer):
    client.force_login(viewer)
    page = client.get(f"/phong-trao/{movement.pk}/xep-loai/?nam=2024").content.decode()
    assert "<select" not in page.split('id="rating-summary"')[1]
    client.post(f"/phong-trao/{movement.pk}/xep-loai/", {"nam": "2024", f"grade_{tree['XA2'].pk}": "HTXSNV"})
    from thidua.awards.models import Rating

    assert not Rating.objects.exists()


def test_approval_from_the_movement_page(client, tree, province_officer, commune1_officer):
    from thidua.directory import services as directory

    hoi = directory.unit_create(
        actor=None, code="DTN", name="Đoàn Thanh niên tỉnh", kind="mass_org", parent=tree["TINH"]
    )
    m = services.movement_launch(
        actor=None, kind="thematic", name="Tuổi trẻ xung kích", launching_unit=hoi, approving_unit=tree["TINH"],
        start_date=dt.date(2024, 3, 1), end_date=dt.date(2024, 3, 31),
    )  # fmt: skip
    client.force_login(commune1_officer)
    client.post(f"/phong-trao/{m.pk}/phe-duyet/", {"approve": "1"})
    m.refresh_from_db()
    assert m.approval_state == "pending"  # a commune officer cannot approve for the province
    client.force_login(province_officer)
    assert "Phê duyệt</button>" in client.get(f"/phong-trao/{m.pk}/").content.decode()
    r = client.post(
        f"/phong-trao/{m.pk}/phe-duyet/", {"approve": "1", "note": "Công văn 99/UBND-NC"}, follow=True
    )
    assert "Đã được UBND phê duyệt (Công văn 99/UBND-NC)" in _text(r.content)


def test_import_page_lists_row_errors(client, tree, movement, province_officer):
    import io

    import xlsxwriter
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["Mã đơn vị", "Mã chỉ tiêu", "Thực hiện", "Số liệu đến ngày"])
    ws.write_row(1, 0, ["XA1", "KHONGCO", 5, "31/12/2024"])
    book.close()
    client.force_login(province_officer)
    r = client.post(
        f"/phong-trao/{movement.pk}/nhap-chi-tieu/", {"file": SimpleUploadedFile("a.xlsx", out.getvalue())}
    )
    assert r.status_code == 422
    page = _text(r.content)
    assert "Tệp có 1 lỗi; chưa nhập dòng nào." in page
    assert "Dòng 2, cột «Mã chỉ tiêu»: Mã chỉ tiêu «KHONGCO» chưa có trong phong trào cho Xã Một" in page
