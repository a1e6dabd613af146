"""The awards API: what a client sends and sees, the scope refusals (with data
that could leak), errors in Vietnamese, never a 500."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import python_calamine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.awards.test_imports import xlsx
from tests.conftest import Api
from thidua.awards import services
from thidua.awards.models import AwardRecord
from thidua.directory import services as directory


@pytest.fixture
def people(tree):
    def person(name, unit, birth=None):
        return directory.person_create(
            actor=None, full_name=name, gender="female", unit=tree[unit], birth_date=birth
        )

    return {
        "lan": person("Nguyễn Thị Lan", "TH1", dt.date(1980, 2, 1)),
        "hoa": person("Trần Thị Bí Mật", "TH2", dt.date(1985, 4, 3)),
    }


def test_award_types_and_rules(db):
    api_user = pytest.importorskip("tests.conftest").make_user("xem", "admin")
    api = Api(api_user)
    items = {i["code"]: i for i in api.get("/api/v1/award-types/").json()}
    assert items["LDTT"]["name"] == "Lao động tiên tiến"
    assert items["LDTT"]["recipient_kinds"] == ["individual"]
    assert items["CSTD_CS"]["rule_set"] is not None
    rules = api.get("/api/v1/award-types/CSTD_CS/rules").json()
    assert [r["rule_set"] for r in rules] == ["L2013", "L2022-D98", "L2022-D152", "L2026"]
    assert rules[1]["authority_levels"] == ["agency", "district"]
    assert api.get("/api/v1/award-types/NOPE/rules").json()["detail"] == "Không tìm thấy loại khen thưởng."


def test_create_list_revoke(people, commune1_officer):
    api = Api(commune1_officer)
    r = api.post(
        "/api/v1/awards/",
        {
            "award_type": "GK",
            "year": 2024,
            "person": people["lan"].pk,
            "decision_date": "2025-03-10",
            "decision_number": "15/QĐ-UBND",
            "authority_level": "commune",
        },
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["prize_coefficient"], body["base_salary"], body["prize_amount"]) == ("0.15", 2340000, 360000)
    assert (body["recipient_name"], body["rule_set"], body["status"]) == (
        "Nguyễn Thị Lan",
        "L2022-D98",
        "valid",
    )
    assert isinstance(body["missing_basis"], bool) and isinstance(body["basis_notes"], list)
    page = api.get("/api/v1/awards/", {"year": 2024, "award_type": "GK"}).json()
    assert page["count"] == 1 and page["items"][0]["id"] == body["id"]
    assert api.get("/api/v1/awards/", {"year": 2023}).json() == {"items": [], "count": 0}
    r = api.post(f"/api/v1/awards/{body['id']}/revoke", {"reason": "Sai đối tượng", "version": 1})
    assert (r.status_code, r.json()["status"], r.json()["revoke_reason"]) == (200, "revoked", "Sai đối tượng")
    r = api.post(f"/api/v1/awards/{body['id']}/revoke", {"reason": "lần hai"})
    assert (r.status_code, r.json()["detail"]) == (422, "Khen thưởng này đã bị hủy bỏ trước đó.")
    assert api.get("/api/v1/awards/", {"status": "revoked"}).json()["count"] == 1


def test_refusals_are_vietnamese_422(people, commune1_officer):
    api = Api(commune1_officer)
    lan = people["lan"].pk
    cases = [
        (
            {"award_type": "LDTT", "year": 2024, "unit": people["lan"].unit_id},
            "Danh hiệu Lao động tiên tiến chỉ dành cho cá nhân.",
        ),
        ({"award_type": "XX", "year": 2024, "person": lan}, "Loại khen thưởng «XX» không có trong danh mục."),
        (
            {"award_type": "LDTT", "year": 2024},
            "Phải gửi đúng một trong hai trường person (cá nhân) hoặc unit (tập thể).",
        ),
        ({"award_type": "LDTT", "year": 2024, "unit": 987654}, "unit: Đơn vị không tồn tại."),
    ]
    for body, detail in cases:
        r = api.post("/api/v1/awards/", body)
        assert (r.status_code, r.json()["detail"]) == (422, detail)
    r = api.post("/api/v1/awards/", {"award_type": "LDTT", "year": "hai nghìn", "person": lan})
    assert r.status_code == 422 and r.json()["detail"].startswith("Dữ liệu gửi lên không hợp lệ")
    api.post("/api/v1/awards/", {"award_type": "LDTT", "year": 2024, "person": lan})
    r = api.post("/api/v1/awards/", {"award_type": "LDTT", "year": 2024, "person": lan})
    assert r.json()["detail"] == "Nguyễn Thị Lan đã có Lao động tiên tiến năm 2024 trong sổ."


def test_scope_does_not_leak(people, commune1_officer, viewer, province_officer):
    """Xã Một's officer cannot see, write or probe Xã Hai's people and records."""
    secret = services.award_record_create(
        actor=None, award_type="LDTT", year=2024, person=people["hoa"], decision_number="99/QĐ-MẬT"
    )
    api = Api(commune1_officer)
    for url in (f"/api/v1/awards/{secret.pk}", "/api/v1/awards/999999"):
        r = api.get(url)
        assert (r.status_code, r.json()["detail"]) == (404, "Không tìm thấy khen thưởng.")
    r = api.post(f"/api/v1/awards/{secret.pk}/revoke", {"reason": "x"})
    assert r.status_code == 404
    listing = api.get("/api/v1/awards/", {"year": 2024}).content.decode()
    assert "Bí Mật" not in listing and "99/QĐ" not in listing
    r = api.post("/api/v1/awards/", {"award_type": "LDTT", "year": 2023, "person": people["hoa"].pk})
    assert (r.status_code, r.json()["detail"]) == (404, "Không tìm thấy cá nhân.")
    assert "Bí Mật" not in r.content.decode()
    # The viewer of Xã Hai sees the record but may not write.
    view = Api(viewer)
    assert view.get(f"/api/v1/awards/{secret.pk}").json()["recipient_name"] == "Trần Thị Bí Mật"
    r = view.post("/api/v1/awards/", {"award_type": "LDTT", "year": 2023, "person": people["hoa"].pk})
    assert (r.status_code, r.json()["detail"]) == (403, "Bạn không có quyền thực hiện thao tác này.")
    assert AwardRecord.objects.count() == 1
    # Eligibility: the out-of-scope person is "not found" for that item only.
    r = api.post(
        "/api/v1/eligibility/check",
        {"items": [
            {"person": people["hoa"].pk, "award_type": "LDTT", "year": 2024},
            {"person": people["lan"].pk, "award_type": "LDTT", "year": 2024},
        ]},
    )  # fmt: skip
    assert r.status_code == 200
    first, second = r.json()["items"]
    assert first == {
        "index": 0,
        "person": people["hoa"].pk,
        "unit": None,
        "award_type": "LDTT",
        "year": 2024,
        "error": "Không tìm thấy cá nhân.",
        "code": "not_found",
    }
    assert second["status"] in {"eligible", "not_eligible", "needs_review"} and second["index"] == 1


def test_eligibility_check(people, province_officer):
    services.rating_set(actor=None, year=2024, grade="HTXSNV", person=people["lan"])
    services.award_record_create(actor=None, award_type="LDTT", year=2024, person=people["lan"])
    api = Api(province_officer)
    r = api.post(
        "/api/v1/eligibility/check",
        {
            "items": [{"person": people["lan"].pk, "award_type": "CSTD_CS", "year": 2024}],
            "as_of": "2025-02-01",
        },
    )
    [item] = r.json()["items"]
    assert (item["status"], item["rule_set"], item["award_type"], item["person"]) == (
        "eligible",
        "L2022-D98",
        "CSTD_CS",
        people["lan"].pk,
    )
    r = api.post(
        "/api/v1/eligibility/check",
        {
            "items": [
                {"person": people["lan"].pk, "award_type": "LDTT", "year": 2024},
                {"person": 1, "award_type": "ZZ", "year": 2024},
            ]
        },
    )
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "Loại khen thưởng không có trong danh mục ở mục: 1 («ZZ»).",
    )
    r = api.post(
        "/api/v1/eligibility/check", {"items": [{"person": 1, "award_type": "LDTT", "year": 2024}] * 10_001}
    )
    assert r.status_code == 422


def test_ratings_initiatives_disciplines(people, commune1_officer):
    api = Api(commune1_officer)
    lan = people["lan"].pk
    r = api.post("/api/v1/ratings/", {"person": lan, "year": 2024, "rating": "HTTNV"})
    assert (r.status_code, r.json()["rating"], r.json()["version"]) == (200, "HTTNV", 1)
    r = api.post("/api/v1/ratings/", {"person": lan, "year": 2024, "rating": "HTXSNV"})
    assert (r.json()["rating"], r.json()["version"]) == ("HTXSNV", 2)
    r = api.post("/api/v1/ratings/", {"person": lan, "year": 2024, "rating": "GIOI"})
    assert r.status_code == 422 and "rating" in r.json()["detail"]
    assert api.get("/api/v1/ratings/", {"year": 2024}).json()["count"] == 1
    r = api.post(
        "/api/v1/initiatives/", {"title": "Sổ điểm điện tử", "authors": [lan], "year": 2024, "scope": "base"}
    )
    assert (r.status_code, r.json()["authors"], r.json()["owner_unit"]) == (201, [lan], people["lan"].unit_id)
    r = api.post(
        "/api/v1/initiatives/", {"title": "X", "authors": [people["hoa"].pk], "year": 2024, "scope": "base"}
    )
    assert r.status_code == 404
    assert api.get("/api/v1/initiatives/").json()["count"] == 1
    r = api.post(
        "/api/v1/disciplines/", {"person": lan, "measure": "khien_trach", "start_date": "2024-03-01"}
    )
    assert (r.status_code, r.json()["measure"]) == (201, "khien_trach")
    assert api.get("/api/v1/disciplines/", {"person": lan}).json()["count"] == 1


def test_list_query_count_does_not_grow(people):
    admin = pytest.importorskip("tests.conftest").make_user("qt", "admin")
    api = Api(admin)
    services.award_record_create(actor=None, award_type="LDTT", year=2024, person=people["lan"])
    api.get("/api/v1/awards/")
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/awards/")
    for year in (2021, 2022, 2023):
        services.award_record_create(actor=None, award_type="LDTT", year=year, person=people["hoa"])
    with CaptureQueriesContext(connection) as four:
        assert api.get("/api/v1/awards/").json()["count"] == 4
    assert len(four) == len(one)


def test_import_endpoint(people, commune1_officer):
    api = Api(commune1_officer)
    data = xlsx([["Nguyễn Thị Lan", None, "TH1", None, "LDTT", 2023, "1/QĐ", dt.date(2024, 1, 5), "", ""]])
    upload = io.BytesIO(data)
    upload.name = "so.xlsx"
    r = api.client.post("/api/v1/awards/import", {"file": upload}, headers=api.headers)
    assert (r.status_code, r.json()["created"]) == (201, 1)
    upload = io.BytesIO(data)
    upload.name = "so.xlsx"
    r = api.client.post("/api/v1/awards/import", {"file": upload}, headers=api.headers)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "row": 2,
            "column": "Loại khen thưởng",
            "message": "Nguyễn Thị Lan đã có Lao động tiên tiến năm 2023 trong sổ.",
        }
    ]


def test_prize_export_has_formulas(people, province_officer):
    for person, number in ((people["lan"], "1/QĐ"), (people["hoa"], "1/QĐ")):
        services.award_record_create(
            actor=None, award_type="LDTT", year=2024, person=person, decision_number=number,
            decision_date=dt.date(2025, 1, 10),
        )  # fmt: skip
    services.award_record_create(
        actor=None, award_type="CSTD_TINH", year=2024, person=people["lan"], decision_number="2/QĐ",
        decision_date=dt.date(2025, 3, 15), authority_level="province",
    )  # fmt: skip
    r = Api(province_officer).get("/api/v1/prizes/export.xlsx", {"year": 2024})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_name(
        "Tiền thưởng"
    )
    rows = sheet.to_python()
    assert rows[2][:9] == ["STT", "Người/tập thể được khen", "Đơn vị", "Khen thưởng", "Số quyết định",
                           "Ngày quyết định", "Hệ số", "Lương cơ sở", "Số tiền (đồng)"]  # fmt: skip
    amounts = [row[8] for row in rows[3:] if row and row[8] != ""]
    assert amounts == [710000, 710000, 1420000, 7020000, 7020000, 8440000]
    xml = zipfile.ZipFile(io.BytesIO(r.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>ROUNDUP(G4*H4/10000,0)*10000</f>" in xml
    assert "<f>SUM(I4:I5)</f>" in xml
    assert "<f>I6+I9</f>" in xml
