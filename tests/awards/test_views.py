"""The awards pages through the Django test client.

Assertions are on what a user reads (0,3 coefficients, ≥ 80 % thresholds,
7.020.000 đồng, dd/mm/yyyy dates, citations); every refusal uses data that
would leak if the scope check were missing (Xã Hai's award asked for by Xã
Một's officer)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from thidua.accounts.enums import Role
from thidua.awards.models import AwardRecord, AwardRule, AwardType, Rating
from thidua.directory import services as directory
from thidua.directory.models import Person

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


def xlsx_rows(content: bytes) -> list[list[str]]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return [[str(c) for c in row] for row in sheet.to_python()]


@pytest.fixture
def people(tree) -> dict[str, Person]:
    return {
        "duc": directory.person_create(
            actor=None,
            full_name="Nguyễn Văn Đức",
            gender="male",
            unit=tree["XA1"],
            birth_date=dt.date(1982, 8, 4),
            position="Chủ tịch UBND xã",
        ),
        "lan": directory.person_create(
            actor=None,
            full_name="Trần Thị Lan",
            gender="female",
            unit=tree["XA2"],
            birth_date=dt.date(1985, 3, 9),
            position="Công chức văn hoá – xã hội",
        ),
    }


def record(person: Person, code: str, year: int, **kw) -> AwardRecord:
    values = {
        "award_type": AwardType.objects.get(code=code),
        "recipient_kind": "individual",
        "person": person,
        "owner_unit": person.unit,
        "year": year,
    }
    values.update(kw)
    return AwardRecord.objects.create(**values)


@pytest.fixture
def records(people) -> dict[str, AwardRecord]:
    return {
        "duc_ldtt": record(
            people["duc"],
            "LDTT",
            2024,
            decision_number="12/QĐ-UBND",
            decision_date=dt.date(2025, 1, 15),
            authority_name="UBND xã Một",
            prize_coefficient="0.30",
            base_salary=2_340_000,
            prize_amount=710_000,
        ),
        "lan_cstd": record(
            people["lan"],
            "CSTD_TINH",
            2024,
            decision_number="345/QĐ-UBND",
            decision_date=dt.date(2025, 3, 20),
            authority_name="UBND tỉnh Thử Nghiệm",
            prize_coefficient="3.00",
            base_salary=2_340_000,
            prize_amount=7_020_000,
            missing_basis=True,
            basis_notes=["Chưa có CSTĐ cơ sở năm 2022 trong hệ thống"],
        ),
    }


# --- catalogue -----------------------------------------------------------------------


def test_catalogue_lists_titles_and_forms_with_todays_authorities(client, commune1_officer):
    page = text_of(login(client, commune1_officer).get(reverse("awards:catalogue")))
    assert "Danh hiệu thi đua" in page and "Hình thức khen thưởng" in page
    assert "Chiến sĩ thi đua cơ sở CSTD_CS Cá nhân" in page
    assert "Giấy khen GK Cá nhân, Tập thể, Hộ gia đình" in page
    # No manager: no button to add a local title.
    assert "Thêm danh hiệu, hình thức của địa phương" not in page


def test_catalogue_detail_shows_versions_coefficients_vote_and_criteria(client, commune1_officer):
    login(client, commune1_officer)
    page = text_of(client.get(reverse("awards:catalogue_detail", args=["CSTD_CS"])))
    assert "L2022-D98 — Luật Thi đua, khen thưởng 2022 và Nghị định 98/2023/NĐ-CP Đã xác nhận" in page
    assert "01/01/2024 – 30/06/2025" in page
    assert "Hội đồng biểu quyết ≥ 80 % tổng số thành viên, bỏ phiếu kín NĐ 98/2023 Điều 30(7)" in page
    assert (
        "Tất cả các điều kiện: Đạt «Lao động tiên tiến» trong năm xét khen thưởng Luật TĐKT 06/2022/QH15 Điều 23"
        in page
    )
    assert (
        "Một trong các điều kiện: Được xếp loại «Hoàn thành xuất sắc nhiệm vụ» trong năm xét khen thưởng"
        in page
    )
    assert (
        "Thẩm quyền quyết định Thủ trưởng cơ quan, đơn vị, sở, doanh nghiệp; Cấp huyện (đến 30/6/2025)"
        in page
    )
    assert "Không quá 15 % số cá nhân đạt «Lao động tiên tiến»" in page  # L2013 quota
    assert "Tạo phiên bản mới" not in page

    gk = text_of(client.get(reverse("awards:catalogue_detail", args=["GK"])))
    assert "Cá nhân Các cấp (mặc định) 0,3 Cá nhân Chủ tịch UBND cấp xã 0,15" in gk
    assert "Tập thể Các cấp (mặc định) 0,6 Tập thể Chủ tịch UBND cấp xã 0,3" in gk


def test_catalogue_detail_marks_unconfirmed_leaves(client, commune1_officer):
    page = text_of(login(client, commune1_officer).get(reverse("awards:catalogue_detail", args=["TTLDTT"])))
    assert "Chưa xác nhận" in page


def test_unknown_award_type_is_404(client, commune1_officer):
    assert login(client, commune1_officer).get("/khen-thuong/danh-muc/KHONG_CO/").status_code == 404


def test_manager_creates_a_new_version_and_the_old_one_stays(client, tree):
    admin = make_user("quantri", Role.ADMIN)
    login(client, admin)
    url = reverse("awards:catalogue_detail", args=["BK_TINH"])
    assert "Tạo phiên bản mới từ ngày" in text_of(client.get(url))
    old = AwardRule.objects.get(award_type__code="BK_TINH", rule_set__code="L2022-D152")
    response = client.post(
        url,
        {
            "valid_from": "01/01/2026",
            "prize_individual_all": "1,6",
            "prize_collective_all": "3,2",
            "prize_household_all": "1,6",
            "vote_threshold": "90",
            "citation": "Nghị quyết 12/2025/NQ-HĐND (thử)",
        },
        follow=True,
    )
    page = text_of(response)
    assert "Đã tạo phiên bản mới của «Bằng khen của bộ, ban, ngành, tỉnh» áp dụng từ 01/01/2026" in page
    # Newest first: the new version above the one it closed, the 2013 regime last.
    assert page.index("01/01/2026 – 30/09/2026") < page.index("01/07/2025 – 31/12/2025")
    assert page.index("01/07/2025 – 31/12/2025") < page.index("… – 31/12/2023")
    assert "Cá nhân Các cấp (mặc định) 1,6" in page
    assert "≥ 90 % tổng số thành viên, bỏ phiếu kín Nghị quyết 12/2025/NQ-HĐND (thử)" in page
    old.refresh_from_db()
    assert old.valid_to == dt.date(2025, 12, 31)
    assert old.prize["individual"]["*"] == "1.5"
    new = AwardRule.objects.get(award_type__code="BK_TINH", valid_from=dt.date(2026, 1, 1))
    assert new.prize == {"individual": {"*": "1.6"}, "collective": {"*": "3.2"}, "household": {"*": "1.6"}}
    assert new.vote["threshold"] == "0.9"
    assert new.criteria == old.criteria


def test_new_version_shows_the_services_refusal(client, tree):
    admin = make_user("quantri", Role.ADMIN)
    response = login(client, admin).post(
        reverse("awards:catalogue_detail", args=["LDTT"]),
        {"valid_from": "01/07/2025", "prize_individual_all": "0,3", "citation": "x"},
    )
    assert response.status_code == 400
    assert "Ngày áp dụng mới phải sau 01/07/2025, ngày bắt đầu của phiên bản đang có." in text_of(response)
    assert AwardRule.objects.filter(award_type__code="LDTT", rule_set__code="L2022-D152").count() == 1


def test_new_version_is_refused_to_an_officer(client, commune1_officer):
    response = login(client, commune1_officer).post(
        reverse("awards:catalogue_detail", args=["LDTT"]),
        {"valid_from": "01/01/2026", "prize_individual_all": "5", "citation": "x"},
    )
    assert response.status_code == 403
    assert not AwardRule.objects.filter(award_type__code="LDTT", valid_from=dt.date(2026, 1, 1)).exists()
    assert login(client, commune1_officer).get(reverse("awards:local_type_create")).status_code == 403


def test_manager_adds_a_local_title(client, tree):
    admin = make_user("quantri", Role.ADMIN)
    response = login(client, admin).post(
        reverse("awards:local_type_create"),
        {
            "code": "gd_hieu_hoc",
            "name": "Gia đình hiếu học",
            "category": "title",
            "rule_set": AwardRule.objects.filter(rule_set__code="L2022-D152").first().rule_set_id,
            "valid_from": "01/09/2025",
            "recipient_kinds": ["household"],
            "authority_levels": ["commune"],
            "prize_household": "0,1",
            "criteria_text": "Có con học giỏi cấp huyện trở lên",
            "citation": "Nghị quyết 05/2025/NQ-HĐND tỉnh (thử)",
        },
        follow=True,
    )
    page = text_of(response)
    assert "Đã thêm «Gia đình hiếu học» vào danh mục." in page
    assert "Hộ gia đình Các cấp (mặc định) 0,1" in page
    assert "Có con học giỏi cấp huyện trở lên (cán bộ đánh giá) Nghị quyết 05/2025/NQ-HĐND tỉnh (thử)" in page
    again = client.post(
        reverse("awards:local_type_create"),
        {
            "code": "GK",
            "name": "x",
            "category": "form",
            "rule_set": AwardRule.objects.first().rule_set_id,
            "valid_from": "01/09/2025",
            "recipient_kinds": ["individual"],
            "authority_levels": ["commune"],
            "citation": "x",
        },
    )
    assert again.status_code == 400
    assert "Mã «GK» đã có trong danh mục." in text_of(again)


# --- registry ------------------------------------------------------------------------


def test_registry_shows_records_with_vietnamese_numbers(client, records, province_officer):
    page = text_of(login(client, province_officer).get(reverse("awards:registry")))
    assert "Trang 1/1 — 2 khen thưởng" in page
    assert (
        "Trần Thị Lan Xã Hai Chiến sĩ thi đua bộ, ban, ngành, tỉnh 2024 345/QĐ-UBND 20/03/2025 "
        "UBND tỉnh Thử Nghiệm 7.020.000 Còn hiệu lực Thiếu căn cứ Chưa có CSTĐ cơ sở năm 2022 trong hệ thống"
    ) in page
    assert "Nguyễn Văn Đức Xã Một Lao động tiên tiến 2024 12/QĐ-UBND 15/01/2025 UBND xã Một 710.000" in page


def test_registry_filters_by_name_without_diacritics_year_and_missing_basis(
    client, records, province_officer
):
    login(client, province_officer)
    url = reverse("awards:registry")
    page = text_of(client.get(url, {"q": "nguyen van duc"}))
    assert "1 khen thưởng" in page and "Nguyễn Văn Đức" in page and "Trần Thị Lan" not in page
    page = text_of(client.get(url, {"thieu": "on"}))
    assert "Trần Thị Lan" in page and "Nguyễn Văn Đức" not in page
    page = text_of(client.get(url, {"nam": "2023"}))
    assert "Không có khen thưởng nào khớp với điều kiện tìm." in page
    page = text_of(client.get(url, {"unit": "XA2"}))
    assert "Trần Thị Lan" in page and "Nguyễn Văn Đức" not in page
    fragment = client.get(url, {"loai": "LDTT"}, headers={"HX-Request": "true"})
    assert fragment.content.decode().startswith('<div id="registry-results">')
    assert "Nguyễn Văn Đức" in text_of(fragment) and "Trần Thị Lan" not in text_of(fragment)


def test_commune_officer_never_sees_another_communes_records(client, records, commune1_officer):
    login(client, commune1_officer)
    page = text_of(client.get(reverse("awards:registry")))
    assert "Nguyễn Văn Đức" in page
    assert "Trần Thị Lan" not in page and "345/QĐ-UBND" not in page and "7.020.000" not in page
    # Not even when asking for Xã Hai by name or unit.
    page = text_of(client.get(reverse("awards:registry"), {"q": "tran thi lan", "unit": "XA2", "sub": "on"}))
    assert "Trần Thị Lan" not in page and "345/QĐ-UBND" not in page
    # The export holds what the list holds.
    export = client.get(reverse("awards:registry_export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(export.content)
    flat = " ".join(" ".join(r) for r in rows)
    assert "Nguyễn Văn Đức" in flat and "Trần Thị Lan" not in flat and "345/QĐ-UBND" not in flat
    # The record page is a 404, like a record that does not exist.
    assert client.get(reverse("awards:record", args=[records["lan_cstd"].pk])).status_code == 404
    assert client.get(reverse("awards:record", args=[records["duc_ldtt"].pk])).status_code == 200


def test_registry_export_has_vietnamese_headings_and_dates(client, records, province_officer):
    export = login(client, province_officer).get(reverse("awards:registry_export"), {"q": "tran"})
    rows = xlsx_rows(export.content)
    assert rows[0][0].startswith("Sổ theo dõi khen thưởng")
    assert rows[2][:6] == [
        "Đối tượng",
        "Cá nhân/Tập thể",
        "Đơn vị",
        "Loại khen thưởng",
        "Năm",
        "Số quyết định",
    ]
    assert rows[3][0] == "Trần Thị Lan"
    assert rows[3][5] == "345/QĐ-UBND"
    assert rows[3][6] == "2025-03-20"  # a real date cell, shown dd/mm/yyyy by its format
    assert rows[3][8] in {"7020000", "7020000.0"}
    book = export.content
    assert b"dd/mm/yyyy" in _styles_xml(book)


def _styles_xml(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read("xl/styles.xml")


def test_record_page_shows_the_prize(client, records, province_officer):
    page = text_of(
        login(client, province_officer).get(reverse("awards:record", args=[records["lan_cstd"].pk]))
    )
    assert "Chiến sĩ thi đua bộ, ban, ngành, tỉnh — năm 2024" in page
    assert "Tiền thưởng 7.020.000 đồng" in page
    assert "Hệ số 3" in page
    assert "Chưa có CSTĐ cơ sở năm 2022 trong hệ thống" in page


def test_registry_query_count_does_not_grow_with_records(client, people, province_officer):
    login(client, province_officer)
    url = reverse("awards:registry")
    record(people["duc"], "LDTT", 2022, decision_number="1/QĐ")
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as one:
        assert "1 khen thưởng" in text_of(client.get(url))
    record(people["duc"], "LDTT", 2023, decision_number="2/QĐ")
    record(people["lan"], "GK", 2023, decision_number="3/QĐ", occasion="thematic")
    with CaptureQueriesContext(connection) as three:
        assert "3 khen thưởng" in text_of(client.get(url))
    assert len(three) == len(one)


def test_officer_adds_a_record_in_scope_only(client, people, commune1_officer):
    login(client, commune1_officer)
    url = reverse("awards:record_create")
    response = client.post(
        url,
        {
            "award_type": "LDTT",
            "recipient_kind": "individual",
            "person": f"{people['duc'].pk} — Nguyễn Văn Đức (XA1)",
            "year": "2024",
            "occasion": "regular",
            "decision_number": "15/QĐ-UBND",
            "decision_date": "20/01/2025",
            "authority_name": "UBND xã Một",
            "authority_level": "commune",
        },
        follow=True,
    )
    page = text_of(response)
    assert "Đã ghi vào sổ: Lao động tiên tiến năm 2024." in page
    assert "Số quyết định 15/QĐ-UBND Ngày quyết định 20/01/2025" in page
    refused = client.post(
        url,
        {
            "award_type": "LDTT",
            "recipient_kind": "individual",
            "person": str(people["lan"].pk),
            "year": "2024",
        },
    )
    assert refused.status_code == 400
    assert "Không tìm thấy cá nhân này trong phạm vi bạn được phép." in text_of(refused)
    assert not AwardRecord.objects.filter(person=people["lan"]).exists()


# --- person and unit pages ------------------------------------------------------------


def test_person_page_shows_award_history(client, records, province_officer):
    duc = records["duc_ldtt"].person
    AwardRecord.objects.filter(pk=records["duc_ldtt"].pk).update(status="revoked")
    record(duc, "GK", 2023, decision_number="88/QĐ-UBND", decision_date=dt.date(2024, 1, 10))
    page = text_of(login(client, province_officer).get(reverse("directory:person", args=[duc.pk])))
    assert "Quá trình khen thưởng 2 khen thưởng" in page
    assert "2024 Lao động tiên tiến Đã hủy bỏ 12/QĐ-UBND 15/01/2025 UBND xã Một" in page
    assert "2023 Giấy khen 88/QĐ-UBND 10/01/2024" in page
    assert "Có thể đề nghị" in page


def test_person_page_hides_awards_outside_awards_scope(client, records, tree):
    viewer = make_user("xem", Role.VIEWER, tree["XA2"])
    page = text_of(
        login(client, viewer).get(reverse("directory:person", args=[records["lan_cstd"].person_id]))
    )
    assert "Trần Thị Lan" in page
    if "Quá trình khen thưởng" in page:  # viewers may read awards: then Lan's own, nothing else
        assert "345/QĐ-UBND" in page and "12/QĐ-UBND" not in page


# --- eligibility ------------------------------------------------------------------------


@pytest.fixture
def cstd_case(people):
    """LĐTT 2024 and HTXSNV 2024: eligible for CSTĐ cơ sở 2024 when the dossier arrives on 01/02/2025."""
    duc = people["duc"]
    record(duc, "LDTT", 2024, decision_number="12/QĐ-UBND", decision_date=dt.date(2025, 1, 15))
    Rating.objects.create(person=duc, owner_unit=duc.unit, year=2024, grade="HTXSNV", source="BB 03/2025")
    return duc


def test_eligibility_page_judges_a_pasted_line(client, cstd_case, commune1_officer):
    response = login(client, commune1_officer).post(
        reverse("awards:eligibility"),
        {"lines": "Nguyễn Văn Đức; 04/08/1982; XA1; CSTD_CS; 2024", "as_of": "01/02/2025"},
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "Kết quả — ngày nhận hồ sơ 01/02/2025" in page
    row = page[page.index("Nguyễn Văn Đức 04/08/1982") :]
    assert row.startswith("Nguyễn Văn Đức 04/08/1982 · Xã Một Chiến sĩ thi đua cơ sở")
    assert "2024 Đủ điều kiện ✓" in row
    assert "✓" in row and "Luật TĐKT 06/2022/QH15 Điều 23" in row

    download = client.post(
        reverse("awards:eligibility"),
        {"lines": "Nguyễn Văn Đức; 04/08/1982; XA1; CSTD_CS; 2024", "as_of": "01/02/2025", "xuat": "xlsx"},
    )
    rows = xlsx_rows(download.content)
    assert rows[2][:5] == ["Họ và tên / Tập thể", "Đơn vị", "Khen thưởng", "Năm", "Kết quả"]
    assert rows[3][:5] == ["Nguyễn Văn Đức", "Xã Một", "Chiến sĩ thi đua cơ sở", "2024.0", "Đủ điều kiện ✓"]


def test_eligibility_lists_namesakes_instead_of_guessing(client, people, tree, commune1_officer):
    other = directory.person_create(
        actor=None,
        full_name="Nguyễn Văn Đức",
        gender="male",
        unit=tree["TH1"],
        birth_date=dt.date(1990, 1, 2),
    )
    response = login(client, commune1_officer).post(
        reverse("awards:eligibility"),
        {"lines": "nguyễn văn đức; ; ; LDTT; 2024\nTrần Thị Lan; ; XA2; LDTT; 2024", "as_of": "01/02/2025"},
    )
    page = text_of(response)
    assert "Có 2 người tên «nguyễn văn đức»" in page
    assert f"số hiệu {people['duc'].pk}, sinh 04/08/1982, Xã Một (mã XA1)" in page
    assert f"số hiệu {other.pk}, sinh 02/01/1990, Trường Tiểu học Xã Một (mã TH1)" in page
    # Xã Hai's person is outside the officer's scope: "not found", never judged.
    assert "Không tìm thấy đơn vị «XA2» trong phạm vi của bạn." in page
    typed = page.replace("Trần Thị Lan; ; XA2; LDTT; 2024", "").replace("Trần Thị Lan; XA2; LDTT; 2024", "")
    assert "Trần Thị Lan" not in typed and "Xã Hai" not in typed


def test_eligibility_needs_a_list(client, commune1_officer):
    response = login(client, commune1_officer).post(reverse("awards:eligibility"), {"as_of": "01/02/2025"})
    assert response.status_code == 400
    assert "Hãy dán danh sách hoặc chọn tệp Excel cần xét." in text_of(response)
    page = text_of(client.get(reverse("awards:eligibility")))
    assert "Ngày nhận hồ sơ" in page
