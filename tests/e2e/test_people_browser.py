"""The people list in a real browser: log in, live search, open a person,
and the same list on a phone-sized screen without sideways scrolling."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from thidua.accounts.enums import Role
from thidua.directory import services

from ..conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("THIDUA_SCREENSHOTS", "/tmp")  # noqa: S108 - screenshots for a human to look at


@pytest.fixture
def directory_data(transactional_db):
    """A province with two communes, an officer of the province, and people."""
    root = services.unit_create(actor=None, code="E2E-TINH", name="Tỉnh Thử Nghiệm", kind="province")
    xa1 = services.unit_create(actor=None, code="E2E-XA1", name="Xã Một", kind="commune", parent=root)
    xa2 = services.unit_create(
        actor=None, code="E2E-XA2", name="Phường Hai Bà Trưng", kind="commune", parent=root
    )
    school = services.unit_create(
        actor=None, code="E2E-TH1", name="Trường Tiểu học Xã Một", kind="school", parent=xa1
    )
    people = [
        ("Nguyễn Văn Đức", "male", dt.date(1982, 8, 4), "Chủ tịch UBND xã", xa1),
        ("Đặng Thị Hoa", "female", dt.date(1990, 12, 1), "Giáo viên", school),
        ("Trần Thị Lan", "female", dt.date(1985, 3, 9), "Công chức văn hoá – xã hội", xa2),
        ("Lê Minh Tuấn", "male", dt.date(1978, 1, 23), "Phó Chủ tịch UBND phường", xa2),
        ("Phạm Ngọc Ánh", "female", dt.date(1995, 6, 15), "Hiệu trưởng", school),
        ("Hoàng Văn Đức", "male", dt.date(1988, 11, 2), "Công an xã", xa1),
        ("Vũ Thị Thu Hằng", "female", None, "Kế toán", xa1),
    ]
    for name, gender, born, position, unit in people:
        services.person_create(
            actor=None, full_name=name, gender=gender, birth_date=born, position=position, unit=unit
        )
    user = make_user("thuongtruc", Role.STANDING_OFFICER, root)
    user.full_name = "Nguyễn Thị Thường Trực"
    user.save(update_fields=["full_name"])
    return {"user": user}


def _login(page, base_url: str) -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("thuongtruc")
    page.get_by_label("Mật khẩu").fill("matkhau-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def test_search_a_person_and_open_their_page(browser, live_server, directory_data):
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="vi-VN")
    page = context.new_page()
    try:
        _login(page, live_server.url)
        assert "Nguyễn Thị Thường Trực" in page.locator(".user-box").inner_text()
        assert page.locator("#stat-people .stat__value").inner_text() == "7"
        page.screenshot(path=f"{SHOTS}/thidua-home-laptop.png", full_page=True)
        page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Cá nhân").click()
        page.wait_for_url(f"{live_server.url}/ca-nhan/")
        assert "Trang 1/1 — 7 người" in page.locator(".result-count").inner_text()
        page.screenshot(path=f"{SHOTS}/thidua-people-laptop.png", full_page=True)

        # Typing without diacritics: htmx swaps only the results, the page stays.
        page.evaluate("window.__notReloaded = true")
        page.get_by_label("Tìm theo tên").press_sequentially("nguyen van duc", delay=20)
        page.wait_for_function(
            "document.querySelector('.result-count').innerText.includes('1 người')", timeout=10_000
        )
        rows = page.locator("#people-table tbody tr")
        assert rows.count() == 1
        assert rows.first.locator("td").first.inner_text().strip() == "Nguyễn Văn Đức"
        assert page.evaluate("window.__notReloaded") is True
        assert "/ca-nhan/?q=nguyen%20van%20duc" in page.url  # the address can be bookmarked

        rows.first.get_by_role("link", name="Nguyễn Văn Đức").click()
        page.wait_for_selector("#person-name")
        assert page.locator("h1").inner_text() == "Nguyễn Văn Đức"
        assert page.locator("#person-birth").inner_text() == "04/08/1982"
        page.screenshot(path=f"{SHOTS}/thidua-person-laptop.png", full_page=True)

        # The unit tree opens level by level: children arrive when a node is opened.
        page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Đơn vị").click()
        tree = page.locator("#unit-tree")
        assert tree.locator("[data-code]").count() == 1
        tree.locator('[data-code="E2E-TINH"] > details > summary .tree-toggle').click()
        page.wait_for_selector('[data-code="E2E-XA1"]')
        assert tree.locator("[data-code]").count() == 3
        page.screenshot(path=f"{SHOTS}/thidua-units-laptop.png", full_page=True)
    finally:
        context.close()


def test_people_list_on_a_phone(browser, live_server, directory_data):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        _login(page, live_server.url)
        page.goto(f"{live_server.url}/ca-nhan/")
        nav = page.get_by_role("navigation", name="Điều hướng chính")
        for label in ["Trang chủ", "Đơn vị", "Cá nhân"]:
            assert nav.get_by_role("link", name=label).is_visible()
        assert page.get_by_role("button", name="Đăng xuất").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        first = page.locator("#people-table tbody tr").first
        assert first.is_visible()
        box = first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        # Each row is a small card: the label is shown beside the value.
        label = first.locator("td.date").evaluate("td => getComputedStyle(td, '::before').content")
        assert label == '"Ngày sinh"'
        assert first.locator("td.date").inner_text() == "15/06/1995"
        page.screenshot(path=f"{SHOTS}/thidua-people-phone.png", full_page=True)

        page.get_by_label("Tìm theo tên").press_sequentially("dang thi hoa", delay=20)
        page.wait_for_function(
            "document.querySelector('.result-count').innerText.includes('1 người')", timeout=10_000
        )
        page.get_by_role("link", name="Đặng Thị Hoa").tap()
        page.wait_for_selector("#person-name")
        assert page.locator("#person-birth").inner_text() == "01/12/1990"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
