"""The unit officer's path in a real browser: open the movement, register the
unit's targets, report an indicator result inline (htmx) and see the
"x/y chỉ tiêu" figure change. Screenshots go to /tmp for a human to look at."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from thidua.accounts.enums import Role
from thidua.directory import services as directory
from thidua.movements import services
from thidua.movements.models import Registration

from ..conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("THIDUA_SCREENSHOTS", "/tmp")  # noqa: S108 - screenshots for a human to look at


@pytest.fixture
def movement_data(transactional_db):
    root = directory.unit_create(actor=None, code="E2E-TINH", name="Tỉnh Thử Nghiệm", kind="province")
    xa1 = directory.unit_create(actor=None, code="E2E-XA1", name="Xã Một", kind="commune", parent=root)
    m = services.movement_launch(
        actor=None,
        kind="special",
        name="150 ngày đêm phấn đấu hoàn thành các chỉ tiêu KT-XH",
        launching_unit=root,
        start_date=dt.date(2022, 8, 4),
        end_date=dt.date(2022, 12, 31),
        participants=[(root, True)],
    )
    done = services.indicator_create(
        actor=None, movement=m, unit=xa1, code="CT01", name="Số xã đạt chuẩn nông thôn mới", plan_value=3
    )
    services.indicator_report(actor=None, indicator=done, value=3, as_of=dt.date(2022, 12, 31))
    services.indicator_create(
        actor=None,
        movement=m,
        unit=xa1,
        code="CT02",
        name="Tổng thu ngân sách",
        measure="tỷ đồng",
        plan_value="202.3",
    )
    make_user("canboxa1", Role.UNIT_OFFICER, xa1)
    return {"movement": m, "xa1": xa1}


def _login(page, base_url: str) -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("canboxa1")
    page.get_by_label("Mật khẩu").fill("matkhau-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def test_register_and_report_an_indicator(browser, live_server, movement_data):
    m = movement_data["movement"]
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="vi-VN")
    page = context.new_page()
    try:
        _login(page, live_server.url)
        page.goto(f"{live_server.url}/phong-trao/")
        page.get_by_role("link", name=m.name).click()
        page.wait_for_url(f"{live_server.url}/phong-trao/{m.pk}/")
        figure = page.locator("#indicator-figure")
        assert figure.inner_text() == "1/2 chỉ tiêu đạt và vượt kế hoạch"

        page.get_by_role("link", name="Đăng ký thi đua").click()
        page.get_by_label("Đơn vị").select_option(label="Xã Một")
        page.get_by_label("Chỉ tiêu, danh hiệu đăng ký").fill(
            "Tập thể lao động xuất sắc\nHoàn thành 100% chỉ tiêu"
        )
        page.get_by_role("button", name="Gửi đăng ký").click()
        page.wait_for_url(f"{live_server.url}/phong-trao/{m.pk}/")
        assert "Đã đăng ký thi đua cho Xã Một." in page.locator(".messages").inner_text()
        assert (
            "Tập thể lao động xuất sắc; Hoàn thành 100% chỉ tiêu"
            in page.locator("#registration-list").inner_text()
        )

        row = page.locator("#indicator-table tbody tr", has_text="CT02")
        row.get_by_label("Kết quả CT02").fill("378,3")
        row.get_by_label("Ngày số liệu CT02").fill("31/12/2022")
        row.get_by_role("button", name="Ghi").click()
        page.wait_for_function(
            "document.querySelector('#indicator-figure').innerText.startsWith('2/2')", timeout=10_000
        )
        assert figure.inner_text() == "2/2 chỉ tiêu đạt và vượt kế hoạch"
        assert "đạt 187% kế hoạch" in page.locator("#indicator-table tbody tr", has_text="CT02").inner_text()
        page.screenshot(path=f"{SHOTS}/thidua-movement-detail.png", full_page=True)
    except Exception:
        page.screenshot(path=f"{SHOTS}/thidua-movement-failure.png", full_page=True)
        print(page.url)
        raise
    finally:
        context.close()
    assert Registration.objects.get().targets == ["Tập thể lao động xuất sắc", "Hoàn thành 100% chỉ tiêu"]
