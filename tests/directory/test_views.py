"""The directory's web pages through the Django test client.

Assertions are on what a user reads (names, dd/mm/yyyy dates, 26.461 counts,
Vietnamese messages); every refusal uses data that would leak if the scope
check were missing (a person of Xã Hai asked for by Xã Một's officer)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from thidua.accounts.enums import Role
from thidua.core.models import AuditEntry
from thidua.directory import services
from thidua.directory.models import Person, Unit
from thidua.directory.views import PEOPLE_PER_PAGE

from ..conftest import make_user

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The visible text of a page: tags dropped, white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def people(tree) -> dict[str, Person]:
    return {
        "duc": services.person_create(
            actor=None,
            full_name="Nguyễn Văn Đức",
            gender="male",
            unit=tree["XA1"],
            birth_date=dt.date(2022 - 40, 8, 4),
            position="Chủ tịch UBND xã",
            identity_number="001080000123",
        ),
        "hoa": services.person_create(
            actor=None,
            full_name="Đặng Thị Hoa",
            gender="female",
            unit=tree["TH1"],
            birth_date=dt.date(1990, 12, 1),
            position="Giáo viên",
        ),
        "lan": services.person_create(
            actor=None,
            full_name="Trần Thị Lan",
            gender="female",
            unit=tree["XA2"],
            birth_date=dt.date(1985, 3, 9),
            position="Công chức văn hoá – xã hội",
            identity_number="001185000999",
        ),
    }


# --- formats ------------------------------------------------------------------


def test_project_formats_write_dates_and_numbers_the_vietnamese_way():
    rendered = Template("{% load humanize %}{{ n|intcomma }} {{ n }} {{ d }} {{ d|date }}").render(
        Context({"n": 26461, "d": dt.date(2022, 8, 4)})
    )
    assert rendered == "26.461 26.461 04/08/2022 04/08/2022"


def test_home_shows_counts_with_dot_thousands(tree, province_officer):
    request = RequestFactory().get("/")
    request.user = province_officer
    html = render_to_string(
        "core/home.html",
        {"modules": [], "unit_count": 26461, "people_count": 1204, "user": province_officer},
        request=request,
    )
    assert '<span class="stat__value">26.461</span>' in html
    assert '<span class="stat__value">1.204</span>' in html


def test_home_page_lists_modules_and_scoped_counts(client, people, commune1_officer):
    page = text_of(login(client, commune1_officer).get(reverse("home")))
    # Xã Một and its school; Nguyễn Văn Đức and Đặng Thị Hoa.
    assert "2 đơn vị trong phạm vi của bạn" in page
    assert "2 cá nhân trong phạm vi của bạn" in page
    for module in [
        "Đơn vị và cá nhân",
        "Khen thưởng",
        "Phong trào thi đua",
        "Hồ sơ đề nghị",
        "Hội đồng TĐKT",
        "Quyết định khen thưởng",
        "Cuộc thi trực tuyến",
        "Báo cáo",
    ]:
        assert module in page
    assert "Sắp có" not in page  # every module of the plan is in use
    assert "Canboxa1 Cán bộ TĐKT đơn vị" in page
    assert "thidua — Thi đua, Khen thưởng" in page


# --- login -------------------------------------------------------------------------


def test_login_page_is_vietnamese_and_refuses_a_wrong_password(client, commune1_officer):
    page = text_of(client.get(reverse("login")))
    assert "Tên đăng nhập" in page and "Mật khẩu" in page
    response = client.post(reverse("login"), {"username": "canboxa1", "password": "sai-mat-khau"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in text_of(response)
    response = client.post(reverse("login"), {"username": "canboxa1", "password": "matkhau-123"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_pages_need_login(client, people):
    response = client.get(reverse("directory:people"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post(client, commune1_officer):
    login(client, commune1_officer)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


# --- people list ------------------------------------------------------------------


def test_people_list_shows_rows_in_vietnamese_order(client, people, province_officer):
    page = text_of(login(client, province_officer).get(reverse("directory:people")))
    assert "Trang 1/1 — 3 người" in page
    # Vietnamese order is by given name: Đức, Hoa, Lan.
    assert page.index("Nguyễn Văn Đức") < page.index("Đặng Thị Hoa") < page.index("Trần Thị Lan")
    assert "Nguyễn Văn Đức Nam 04/08/1982 Chủ tịch UBND xã Xã Một" in page
    assert "Đặng Thị Hoa Nữ 01/12/1990 Giáo viên Trường Tiểu học Xã Một" in page


def test_people_search_without_diacritics_returns_only_the_table_to_htmx(client, people, province_officer):
    response = login(client, province_officer).get(
        reverse("directory:people"), {"q": "nguyen van duc"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="people-results">')
    assert "<html" not in html and "site-header" not in html and 'name="q"' not in html
    assert "Trang 1/1 — 1 người" in text_of(response)
    assert "Nguyễn Văn Đức" in html and "Đặng Thị Hoa" not in html
    assert "HX-Request" in response["Vary"]


def test_people_list_full_page_on_history_restore(client, people, province_officer):
    response = login(client, province_officer).get(
        reverse("directory:people"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_people_list_filters_by_unit_and_subunits(client, people, province_officer):
    login(client, province_officer)
    only = text_of(client.get(reverse("directory:people"), {"unit": "XA1"}))
    assert "Nguyễn Văn Đức" in only and "Đặng Thị Hoa" not in only
    sub = text_of(client.get(reverse("directory:people"), {"unit": "XA1", "sub": "on"}))
    assert "Trang 1/1 — 2 người" in sub
    assert "Nguyễn Văn Đức" in sub and "Đặng Thị Hoa" in sub and "Trần Thị Lan" not in sub


def test_people_list_pages_fifty_a_page(client, tree, province_officer):
    for i in range(PEOPLE_PER_PAGE + 1):
        services.person_create(
            actor=None, full_name=f"Lê Văn An {chr(65 + i % 26)}", gender="male", unit=tree["XA1"]
        )
    login(client, province_officer)
    assert "Trang 1/2 — 51 người" in text_of(client.get(reverse("directory:people")))
    assert "Trang 2/2 — 51 người" in text_of(client.get(reverse("directory:people"), {"page": "2"}))


def test_people_list_query_count_does_not_grow_with_rows(client, tree, province_officer):
    login(client, province_officer)
    url = reverse("directory:people")
    client.get(url)  # warm the session
    services.person_create(actor=None, full_name="Nguyễn Văn Một", gender="male", unit=tree["XA1"])
    with CaptureQueriesContext(connection) as one:
        assert "1 người" in text_of(client.get(url))
    services.person_create(actor=None, full_name="Nguyễn Văn Hai", gender="male", unit=tree["TH1"])
    services.person_create(actor=None, full_name="Nguyễn Văn Ba", gender="male", unit=tree["XA2"])
    with CaptureQueriesContext(connection) as three:
        assert "3 người" in text_of(client.get(url))
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]


# --- scope --------------------------------------------------------------------------


def test_commune_officer_never_sees_the_other_commune(client, people, commune1_officer, tree):
    login(client, commune1_officer)
    page = text_of(client.get(reverse("directory:people")))
    assert "Nguyễn Văn Đức" in page and "Trần Thị Lan" not in page
    searched = text_of(client.get(reverse("directory:people"), {"q": "tran thi lan"}))
    assert "Trần Thị Lan" not in searched and "Không có ai khớp" in searched
    # Asking for Xã Hai by code is the same as asking for a unit that does not exist.
    other = text_of(client.get(reverse("directory:people"), {"unit": "XA2"}))
    assert "Trần Thị Lan" not in other
    assert "Không tìm thấy đơn vị có mã này trong phạm vi bạn được phép." in other
    assert client.get(reverse("directory:person", args=[people["lan"].pk])).status_code == 404
    assert client.get(reverse("directory:unit", args=[tree["XA2"].pk])).status_code == 404
    assert client.get(reverse("directory:unit_children", args=[tree["XA2"].pk])).status_code == 404
    suggestions = client.get(reverse("directory:unit_suggest"), {"q": "xa"}).content.decode()
    assert "Xã Một" in suggestions and "Xã Hai" not in suggestions
    response = client.post(
        reverse("directory:person_edit", args=[people["lan"].pk]),
        {"full_name": "Bị Sửa", "gender": "female", "version": 1},
    )
    assert response.status_code == 404
    assert Person.objects.get(pk=people["lan"].pk).full_name == "Trần Thị Lan"


def test_viewer_gets_no_forms_and_posts_are_refused(client, people, viewer):
    login(client, viewer)
    lan = people["lan"]
    page = text_of(client.get(reverse("directory:person", args=[lan.pk])))
    assert "Trần Thị Lan" in page and "09/03/1985" in page
    assert "Sửa thông tin" not in page and "Chuyển công tác" not in page.split("Quá trình công tác")[0]
    assert "001185000999" not in page and "Số định danh" not in page
    assert "Lịch sử thay đổi" not in page
    edit = client.post(
        reverse("directory:person_edit", args=[lan.pk]),
        {"full_name": "Bị Sửa", "gender": "female", "version": 1},
    )
    assert edit.status_code == 403
    assert "Bạn không có quyền thực hiện thao tác này" in text_of(edit)
    move = client.post(
        reverse("directory:person_move", args=[lan.pk]), {"unit": "TH2", "on": "01/09/2025", "version": 1}
    )
    assert move.status_code == 403
    assert client.get(reverse("directory:person_create")).status_code == 403
    lan.refresh_from_db()
    assert (lan.full_name, lan.unit.code, lan.version) == ("Trần Thị Lan", "XA2", 1)


def test_unit_edit_form_only_for_unit_editors(client, tree, commune1_officer):
    login(client, commune1_officer)
    page = text_of(client.get(reverse("directory:unit", args=[tree["XA1"].pk])))
    assert "Sửa thông tin đơn vị" not in page
    response = client.post(
        reverse("directory:unit", args=[tree["XA1"].pk]),
        {"code": "XA1", "name": "Đổi Tên", "kind": "commune", "version": 1},
    )
    assert response.status_code == 403
    assert Unit.objects.get(pk=tree["XA1"].pk).name == "Xã Một"


def test_audit_history_masks_identity_for_readers_without_that_right(client, people, tree):
    approver = make_user("lanhdao", Role.APPROVER, tree["XA2"])
    services.person_update(actor=None, person=people["lan"], identity_number="001185000777")
    page = text_of(login(client, approver).get(reverse("directory:person", args=[people["lan"].pk])))
    assert "Lịch sử thay đổi" in page
    assert "Số định danh cá nhân: •••• (bạn không có quyền xem) → •••• (bạn không có quyền xem)" in page
    assert "001185000" not in page


# --- person page and edits ----------------------------------------------------------


def test_person_page_shows_particulars_postings_and_history(client, people, commune1_officer):
    duc = people["duc"]
    page = text_of(login(client, commune1_officer).get(reverse("directory:person", args=[duc.pk])))
    assert "Ngày sinh 04/08/1982" in page
    assert "Số định danh cá nhân 001080000123" in page
    assert "Quá trình công tác" in page and "Hiện nay Xã Một Chủ tịch UBND xã" in page
    assert "Thêm cá nhân — hệ thống" in page
    assert "Tỉnh Thử Nghiệm › Xã Một" not in page  # breadcrumb separators are CSS, names are listed
    assert "Đơn vị Tỉnh Thử Nghiệm Xã Một Nguyễn Văn Đức" in page


def test_edit_person_saves_a_dd_mm_yyyy_date_and_audits(client, people, commune1_officer):
    duc = people["duc"]
    login(client, commune1_officer)
    response = client.post(
        reverse("directory:person_edit", args=[duc.pk]),
        {
            "full_name": "Nguyễn Văn Đức",
            "gender": "male",
            "birth_date": "04/08/2022",
            "position": "Bí thư Đảng uỷ xã",
            "identity_number": "001080000123",
            "version": duc.version,
        },
        follow=True,
    )
    page = text_of(response)
    assert "Đã lưu thông tin cá nhân." in page
    assert "Ngày sinh 04/08/2022" in page
    assert "Ngày sinh: 04/08/1982 → 04/08/2022" in page
    duc.refresh_from_db()
    assert duc.birth_date == dt.date(2022, 8, 4) and duc.version == 2


def test_edit_person_with_stale_version_keeps_input_and_writes_nothing(client, people, province_officer):
    duc = people["duc"]
    login(client, province_officer)
    loaded_version = duc.version
    services.person_update(actor=None, person=duc, position="Phó Chủ tịch UBND xã")  # someone else saves
    audit_before = AuditEntry.objects.count()
    response = client.post(
        reverse("directory:person_edit", args=[duc.pk]),
        {
            "full_name": "Nguyễn Văn Đức Mới",
            "gender": "male",
            "birth_date": "01/01/1980",
            "position": "Chủ tịch",
            "version": loaded_version,
        },
    )
    assert response.status_code == 400
    assert "Bản ghi đã được người khác sửa trong lúc bạn đang sửa. Hãy tải lại và sửa lại." in text_of(
        response
    )
    assert 'value="Nguyễn Văn Đức Mới"' in response.content.decode()
    assert 'value="01/01/1980"' in response.content.decode()
    duc.refresh_from_db()
    assert (duc.full_name, duc.position, duc.birth_date, duc.version) == (
        "Nguyễn Văn Đức",
        "Phó Chủ tịch UBND xã",
        dt.date(1982, 8, 4),
        2,
    )
    assert AuditEntry.objects.count() == audit_before


def test_edit_person_rejects_a_month_first_date(client, people, commune1_officer):
    duc = people["duc"]
    response = login(client, commune1_officer).post(
        reverse("directory:person_edit", args=[duc.pk]),
        {"full_name": "Nguyễn Văn Đức", "gender": "male", "birth_date": "08/31/1982", "version": 1},
    )
    assert response.status_code == 400
    assert "Ngày phải có dạng ngày/tháng/năm, ví dụ 04/08/2022." in text_of(response)


def test_move_person_within_scope(client, people, commune1_officer):
    duc = people["duc"]
    login(client, commune1_officer)
    refused = client.post(
        reverse("directory:person_move", args=[duc.pk]), {"unit": "XA2", "on": "01/09/2025", "version": 1}
    )
    assert "Không tìm thấy đơn vị có mã này trong phạm vi bạn được phép." in text_of(refused)
    response = client.post(
        reverse("directory:person_move", args=[duc.pk]),
        {"unit": "TH1", "on": "01/09/2025", "position": "Hiệu trưởng", "version": 1},
        follow=True,
    )
    page = text_of(response)
    assert "Đã chuyển Nguyễn Văn Đức đến Trường Tiểu học Xã Một." in page
    assert "01/09/2025 Hiện nay Trường Tiểu học Xã Một Hiệu trưởng" in page
    assert "31/08/2025 Xã Một Chủ tịch UBND xã" in page


def test_create_person(client, tree, commune1_officer):
    login(client, commune1_officer)
    form = text_of(client.get(reverse("directory:person_create"), {"unit": "TH1"}))
    assert "Họ và tên" in form and "Ngày sinh" in form
    response = client.post(
        reverse("directory:person_create"),
        {"full_name": "  Võ Thị Mai ", "gender": "female", "birth_date": "15/05/1995", "unit": "TH1"},
        follow=True,
    )
    page = text_of(response)
    assert "Đã thêm Võ Thị Mai." in page and "Ngày sinh 15/05/1995" in page
    refused = client.post(
        reverse("directory:person_create"), {"full_name": "Võ Văn B", "gender": "male", "unit": "TH2"}
    )
    assert refused.status_code == 400
    assert not Person.objects.filter(full_name="Võ Văn B").exists()


# --- units --------------------------------------------------------------------------


def test_unit_tree_starts_at_the_users_highest_units(client, tree, commune1_officer, province_officer):
    page = text_of(login(client, commune1_officer).get(reverse("directory:units")))
    assert "Xã Một" in page and "Tỉnh Thử Nghiệm" not in page and "Trường Tiểu học" not in page
    client.logout()
    page = text_of(login(client, province_officer).get(reverse("directory:units")))
    assert "Tỉnh Thử Nghiệm Tỉnh, thành phố" in page and "Xã Một" not in page
    children = client.get(reverse("directory:unit_children", args=[tree["TINH"].pk]), HTTP_HX_REQUEST="true")
    html = children.content.decode()
    assert "<html" not in html
    assert [m for m in re.findall(r'data-code="([^"]+)"', html)] == ["SNV", "XA2", "XA1"]


def test_unit_tree_hides_dissolved_units_unless_asked(client, tree, province_officer):
    services.unit_update(actor=None, unit=tree["XA2"], valid_to=dt.date(2025, 6, 30))
    login(client, province_officer)
    url = reverse("directory:unit_children", args=[tree["TINH"].pk])
    assert "Xã Hai" not in text_of(client.get(url))
    shown = client.get(url, {"giai_the": "1"}).content.decode()
    assert re.search(r'<li class="dissolved" data-code="XA2">', shown)
    assert "Xã Hai" in shown and "(đến 30/06/2025)" in shown


def test_unit_search_ignores_diacritics(client, tree, province_officer):
    page = text_of(login(client, province_officer).get(reverse("directory:units"), {"q": "xa mot"}))
    assert "2 đơn vị khớp với «xa mot»" in page
    assert "Xã Một XA1 Xã, phường, đặc khu Tỉnh Thử Nghiệm" in page


def test_unit_page_shows_lineage_people_and_history(client, tree, people, province_officer):
    new = services.unit_create(
        actor=None,
        code="XA12",
        name="Xã Một Hai",
        kind="commune",
        parent=tree["TINH"],
        valid_from=dt.date(2025, 7, 1),
    )
    services.unit_update(actor=None, unit=tree["XA1"], valid_to=dt.date(2025, 6, 30))
    services.succession_add(
        actor=None, predecessor=tree["XA1"], successor=new, effective_date=dt.date(2025, 7, 1)
    )
    login(client, province_officer)
    old_page = text_of(client.get(reverse("directory:unit", args=[tree["XA1"].pk])))
    assert "Hiệu lực đến 30/06/2025" in old_page
    assert "Kế thừa bởi Xã Một Hai" in old_page
    assert "Cá nhân của đơn vị 1 người" in old_page and "Nguyễn Văn Đức 04/08/1982" in old_page
    assert "Sửa đơn vị — hệ thống" in old_page and "Hiệu lực đến: — → 30/06/2025" in old_page
    new_page = text_of(client.get(reverse("directory:unit", args=[new.pk])))
    assert "Hình thành từ Xã Một (đến 30/06/2025)" in new_page
    assert "Hiệu lực từ 01/07/2025" in new_page


def test_unit_edit_with_stale_version_keeps_input(client, tree, province_officer):
    login(client, province_officer)
    xa1 = tree["XA1"]
    services.unit_update(actor=None, unit=xa1, name="Xã Một (đã sửa)")
    response = client.post(
        reverse("directory:unit", args=[xa1.pk]),
        {"code": "XA1", "name": "Xã Một Mới", "kind": "commune", "valid_from": "01/01/2020", "version": 1},
    )
    assert response.status_code == 400
    assert "Bản ghi đã được người khác sửa" in text_of(response)
    assert 'value="Xã Một Mới"' in response.content.decode()
    assert Unit.objects.get(pk=xa1.pk).name == "Xã Một (đã sửa)"
    ok = client.post(
        reverse("directory:unit", args=[xa1.pk]),
        {"code": "XA1", "name": "Xã Một Mới", "kind": "commune", "valid_from": "01/01/2020", "version": 2},
        follow=True,
    )
    page = text_of(ok)
    assert "Đã lưu thông tin đơn vị." in page and "Hiệu lực từ 01/01/2020" in page
