"""The seed report of huyện Lương Sơn reproduced from data entered through the API:
"150 ngày đêm" (04/08/2022–31/12/2022), 11/13 chỉ tiêu đạt và vượt kế hoạch,
11/21 nhiệm vụ hoàn thành, 10/21 đang triển khai, 7 tập thể, 5 cá nhân khen thưởng."""

from __future__ import annotations

import pytest

from thidua.accounts.enums import Role
from thidua.awards.models import AwardRecord, AwardType
from thidua.directory import services as directory
from thidua.movements.models import IndicatorValue, Movement

from ..conftest import Api, make_user

NAME = "150 ngày đêm phấn đấu hoàn thành các chỉ tiêu KT-XH, AN-QP và nhiệm vụ trọng tâm năm 2022"

# (code, name, measure, plan, direction, actual): 11 met, 2 not (BHYT, NTM nâng cao)
INDICATORS = [
    ("CT01", "Tổng thu ngân sách trên địa bàn", "tỷ đồng", "202.3", "higher", "378.3"),
    ("CT02", "Giá trị sản xuất các ngành trọng yếu", "tỷ đồng", "790", "higher", "792.5"),
    ("CT03", "Tỷ lệ hộ nghèo", "%", "18", "lower", "16.78"),
    ("CT04", "Tỷ lệ người dân tham gia BHYT", "%", "95", "higher", "93.5"),
    ("CT05", "Số xã đạt chuẩn nông thôn mới nâng cao, kiểu mẫu", "xã", "2", "higher", "1"),
    ("CT06", "Số xã đạt chuẩn nông thôn mới", "xã", "3", "higher", "3"),
    ("CT07", "Tỷ lệ trường đạt chuẩn quốc gia", "%", "70", "higher", "72"),
    ("CT08", "Tỷ lệ che phủ rừng", "%", "51", "higher", "51.2"),
    ("CT09", "Số vụ tai nạn giao thông", "vụ", "10", "lower", "7"),
    ("CT10", "Tỷ lệ hồ sơ thủ tục hành chính trễ hạn", "%", "0", "lower", "0"),
    ("CT11", "Số lao động được tạo việc làm mới", "người", "1200", "higher", "1350"),
    ("CT12", "Tỷ lệ thôn có nhà văn hóa", "%", "100", "higher", "100"),
    ("CT13", "Giao quân", "%", "100", "higher", "100"),
]


@pytest.fixture
def district_officer(tree):
    """The standing body of "the district" (Xã Một stands in for huyện Lương Sơn)."""
    return make_user("thuongtruchuyen", Role.STANDING_OFFICER, tree["XA1"])


def test_seed_figures_from_the_api(tree, district_officer, commune1_officer):
    manager = Api(district_officer)
    officer = Api(commune1_officer)
    xa1 = tree["XA1"]
    r = manager.post(
        "/api/v1/movements/",
        {
            "kind": "special",
            "name": NAME,
            "launching_unit": xa1.pk,
            "start_date": "2022-08-04",
            "end_date": "2022-12-31",
            "participants": [{"unit": xa1.pk, "include_subunits": True}],
            "directives": [{"number": "280/CĐ-TTg", "issued_on": "2023-04-19", "title": "Công điện"}],
            "goals": ["Hoàn thành các chỉ tiêu KT-XH năm 2022"],
        },
    )
    assert r.status_code == 201, r.json()
    mid = r.json()["id"]
    assert r.json()["directives"][0]["number"] == "280/CĐ-TTg"
    ids = {}
    for code, name, measure, plan, direction, _ in INDICATORS:
        r = manager.post(
            f"/api/v1/movements/{mid}/indicators",
            {
                "unit": xa1.pk,
                "code": code,
                "name": name,
                "measure": measure,
                "plan_value": plan,
                "direction": direction,
            },
        )
        assert r.status_code == 201, r.json()
        ids[code] = r.json()["id"]
    # a first report in September, then the year-end figures
    r = officer.post(
        f"/api/v1/movements/indicators/{ids['CT01']}/values", {"value": "150", "as_of": "2022-09-30"}
    )
    assert r.status_code == 201, r.json()
    for code, *_, actual in INDICATORS:
        r = officer.post(
            f"/api/v1/movements/indicators/{ids[code]}/values",
            {"value": actual, "as_of": "2022-12-31", "source": "Báo cáo KT-XH năm 2022"},
        )
        assert r.status_code == 201, r.json()
    for i in range(21):
        r = manager.post(
            f"/api/v1/movements/{mid}/tasks", {"unit": xa1.pk, "title": f"Nhiệm vụ trọng tâm số {i + 1}"}
        )
        assert r.status_code == 201
        tid = r.json()["id"]
        r = officer.post(
            f"/api/v1/movements/tasks/{tid}/status", {"status": "in_progress", "on": "2022-08-15"}
        )
        assert r.status_code == 200, r.json()
        if i < 11:
            r = officer.post(f"/api/v1/movements/tasks/{tid}/status", {"status": "done", "on": "2022-12-20"})
            assert r.status_code == 200

    r = officer.get(f"/api/v1/movements/{mid}/indicators", {"as_of": "2022-12-31"})
    body = r.json()
    assert body["text"] == "11/13 chỉ tiêu đạt và vượt kế hoạch"
    by_code = {i["code"]: i for i in body["items"]}
    assert by_code["CT01"]["share_text"] == "đạt 187% kế hoạch"
    assert by_code["CT03"]["met"] is True  # hộ nghèo 16,78 % < 18 %: lower is better
    assert by_code["CT03"]["share_text"] == "đạt 107,3% kế hoạch"
    assert by_code["CT10"]["share_text"] == "đạt kế hoạch"  # plan 0, actual 0
    assert not by_code["CT04"]["met"] and not by_code["CT05"]["met"]

    r = officer.get(f"/api/v1/movements/{mid}/tasks", {"as_of": "2022-12-31"})
    assert r.json()["text"] == "11/21 nhiệm vụ hoàn thành, 10/21 đang triển khai"

    # as of 30/09/2022: one value reported (150 of 202,3), nothing done yet
    r = officer.get(f"/api/v1/movements/{mid}/indicators", {"as_of": "2022-09-30"})
    assert r.json()["text"] == "0/13 chỉ tiêu đạt và vượt kế hoạch"
    assert {i["code"]: i for i in r.json()["items"]}["CT01"]["share_text"] == "đạt 74,1% kế hoạch"
    r = officer.get(f"/api/v1/movements/{mid}/tasks", {"as_of": "2022-09-30"})
    assert r.json()["text"] == "0/21 nhiệm vụ hoàn thành, 21/21 đang triển khai"

    # awards given under the movement: 7 collectives, 5 individuals (imported by name)
    giay_khen = AwardType.objects.get(code="GK")
    for i in range(7):
        unit = directory.unit_create(actor=None, code=f"TT{i}", name=f"Tập thể {i}", kind="other", parent=xa1)
        AwardRecord.objects.create(
            award_type=giay_khen,
            recipient_kind="collective",
            unit=unit,
            owner_unit=unit,
            year=2022,
            movement_name=NAME,
        )
    for i in range(5):
        person = directory.person_create(
            actor=None, full_name=f"Nguyễn Văn {'ABCDE'[i]}", gender="male", unit=xa1
        )
        AwardRecord.objects.create(
            award_type=giay_khen,
            recipient_kind="individual",
            person=person,
            owner_unit=xa1,
            year=2022,
            movement_name=NAME,
        )
    r = officer.get(f"/api/v1/movements/{mid}/summary", {"as_of": "2022-12-31"})
    summary = r.json()
    assert summary["indicators_text"] == "11/13 chỉ tiêu đạt và vượt kế hoạch"
    assert summary["tasks_text"] == "11/21 nhiệm vụ hoàn thành, 10/21 đang triển khai"
    assert summary["awards_text"] == "7 tập thể, 5 cá nhân"


def test_bad_input_refused_and_nothing_written(tree, province_officer, commune1_officer, movement):
    api = Api(province_officer)
    r = api.post(
        "/api/v1/movements/",
        {"kind": "thematic", "name": "Tết quân - dân năm 2024", "launching_unit": tree["TINH"].pk,
         "start_date": "2024-02-10", "end_date": "2024-01-01"},
    )  # fmt: skip
    assert r.status_code == 422
    assert r.json()["detail"] == "Ngày kết thúc (01/01/2024) phải sau hoặc bằng ngày bắt đầu (10/02/2024)."
    assert not Movement.objects.filter(name="Tết quân - dân năm 2024").exists()

    r = api.post(
        "/api/v1/movements/",
        {"kind": "thematic", "name": "Tết quân - dân năm 2024", "launching_unit": tree["TINH"].pk,
         "start_date": "2024-01-01", "end_date": "2024-02-10",
         "directives": [{"number": "CĐ 280", "issued_on": "2023-04-19"}]},
    )  # fmt: skip
    assert r.status_code == 422
    assert "Số, ký hiệu văn bản «CĐ 280» không hợp lệ" in r.json()["detail"]
    assert not Movement.objects.filter(name="Tết quân - dân năm 2024").exists()


def test_indicator_for_unit_outside_the_movement(tree, province_officer):
    api = Api(province_officer)
    m = api.post(
        "/api/v1/movements/",
        {"kind": "thematic", "name": "Chuyên đề Xã Một", "launching_unit": tree["TINH"].pk,
         "start_date": "2024-01-01", "end_date": "2024-06-30",
         "participants": [{"unit": tree["XA1"].pk, "include_subunits": True}]},
    ).json()  # fmt: skip
    r = api.post(
        f"/api/v1/movements/{m['id']}/indicators",
        {"unit": tree["XA2"].pk, "code": "CT01", "name": "Thu ngân sách", "plan_value": "10"},
    )
    assert r.status_code == 422
    assert r.json()["detail"] == "Đơn vị «Xã Hai» không tham gia phong trào «Chuyên đề Xã Một»."
    r = api.post(
        f"/api/v1/movements/{m['id']}/indicators",
        {"unit": tree["TH1"].pk, "code": "CT01", "name": "Thu ngân sách", "plan_value": "10"},
    )
    assert r.status_code == 201  # the school is in Xã Một's subtree
    assert IndicatorValue.objects.count() == 0


def test_unit_officer_cannot_see_another_units_movement(
    tree, province_officer, commune1_officer, commune2_officer
):
    api = Api(province_officer)
    m = api.post(
        "/api/v1/movements/",
        {"kind": "thematic", "name": "Chuyên đề Xã Hai", "launching_unit": tree["TINH"].pk,
         "start_date": "2024-01-01", "end_date": "2024-06-30",
         "participants": [{"unit": tree["XA2"].pk, "include_subunits": True}]},
    ).json()  # fmt: skip
    assert Api(commune1_officer).get(f"/api/v1/movements/{m['id']}").status_code == 404
    assert Api(commune2_officer).get(f"/api/v1/movements/{m['id']}").status_code == 200
    names = [x["name"] for x in Api(commune1_officer).get("/api/v1/movements/").json()]
    assert "Chuyên đề Xã Hai" not in names
    # a unit officer may not launch
    r = Api(commune2_officer).post(
        "/api/v1/movements/",
        {"kind": "thematic", "name": "Của xã", "launching_unit": tree["XA2"].pk,
         "start_date": "2024-01-01", "end_date": "2024-06-30"},
    )  # fmt: skip
    assert r.status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/movements/?year=99999999999999999999",
        "/api/v1/movements/?q=%00%01&kind=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "/api/v1/movements/99999999999999999999999",
        "/api/v1/movements/{m}/indicators?unit=99999999999999999999",
        "/api/v1/movements/{m}/indicators?as_of=2024-13-40",
        "/api/v1/movements/{m}/ratings?year=-5",
    ],
)
def test_hostile_queries_answer_json_not_500(url, movement, province_officer):
    r = Api(province_officer).get(url.format(m=movement.pk))
    assert r.status_code in (200, 404, 422), r.content
    assert r["Content-Type"].startswith("application/json")
