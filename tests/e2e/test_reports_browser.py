"""The reports dashboard in a real browser: log in, open the dashboard, see a
chart drawn (Chart.js from our own static files), read the generated sentence,
download the chart's data as XLSX and its picture as PNG."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from python_calamine import CalamineWorkbook

from thidua.accounts.enums import Role
from thidua.awards.models import AwardRecord, AwardType
from thidua.awards.ruledata import load_rules
from thidua.directory import services

from ..conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("THIDUA_SCREENSHOTS", "/tmp")  # noqa: S108 - screenshots for a human to look at


@pytest.fixture
def report_data(transactional_db):
    load_rules()
    root = services.unit_create(actor=None, code="RP-TINH", name="Tỉnh Thử Nghiệm", kind="province")
    district = services.unit_create(actor=None, code="RP-H", name="Huyện Thử", kind="district", parent=root)
    xa = services.unit_create(actor=None, code="RP-XA", name="Xã Một", kind="commune", parent=district)
    ldtt = AwardType.objects.get(code="LDTT")
    for i in range(12):
        person = services.person_create(
            actor=None, full_name=f"Người Thử {chr(65 + i)}", gender="male", unit=xa
        )
        AwardRecord.objects.create(
            award_type=ldtt,
            recipient_kind="individual",
            person=person,
            owner_unit=xa,
            year=2023,
            authority_level="district",
            decision_number="5/QĐ-UBND",
            decision_date=dt.date(2024, 1, 15),
        )
    make_user("thuongtruc", Role.STANDING_OFFICER, district)
    return district


def test_dashboard_draws_a_chart_and_downloads_its_data(report_data, live_server, browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("thuongtruc")
    page.get_by_label("Mật khẩu").fill("matkhau-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/bao-cao/?unit=RP-H&year=2023")
    assert page.get_by_test_id("commendation").first.inner_text() == (
        "UBND huyện tặng danh hiệu “Lao động tiên tiến” cho 12 cá nhân."
    )
    figure = page.locator("#chart-theo-nam")
    page.wait_for_function("document.querySelector('#chart-theo-nam').dataset.drawn === '1'")
    # Something was drawn on the canvas: not all pixels are blank.
    painted = page.evaluate(
        """() => {
          const c = document.querySelector('#chart-theo-nam canvas');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) n++; }
          return [c.width, n];
        }"""
    )
    assert painted[0] > 100 and painted[1] > 1000
    # The table fallback under it.
    row = figure.locator("tbody tr", has_text="2023")
    assert row.locator("td").all_inner_texts() == ["0", "12", "0"]
    page.screenshot(path=f"{SHOTS}/thidua-reports-dashboard.png", full_page=True)

    with page.expect_download() as info:
        figure.get_by_role("link", name="Tải số liệu (XLSX)").click()
    download = info.value
    assert download.suggested_filename == "theo-nam-rp-h.xlsx"
    book = CalamineWorkbook.from_filelike(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    rows = book.get_sheet_by_name("Số liệu").to_python()
    assert next(r for r in rows if r[0] == "2023")[1:] == [0, 12, 0]

    with page.expect_download() as info:
        figure.get_by_role("button", name="Tải ảnh (PNG)").click()
    png = open(info.value.path(), "rb").read()  # noqa: SIM115
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    context.close()
