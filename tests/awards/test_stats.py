"""The yearly statistics reproduce a real report: Minh Long district, 2023 (seed 003):

  "UBND huyện tặng danh hiệu “Lao động tiên tiến” cho 32 tập thể, 118 cá nhân;
  danh hiệu “Chiến sỹ thi đua cơ sở” cho 22 cá nhân; tặng giấy khen cho 26 tập
  thể, 108 cá nhân" — and from the province chair: Cờ thi đua to Long Môn,
  Bằng khen to Thanh An, "Tập thể lao động xuất sắc" to 05 collectives.

Every record is entered through the API (POST /api/v1/awards/), as a unit
officer would; revoked records are not counted.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import Api, make_user
from thidua.accounts.enums import Role
from thidua.directory import services as directory

DECIDED = "2024-01-15"  # the district's decisions for 2023 (L2022-D98 in force)


@pytest.fixture
def minh_long(tree):
    district = directory.unit_create(
        actor=None, code="ML", name="Huyện Minh Long", kind="district", parent=tree["TINH"]
    )
    communes = [
        directory.unit_create(
            actor=None, code=f"ML-X{i}", name=f"Xã Long {i}", kind="commune", parent=district
        )
        for i in range(1, 33)
    ]
    people = [
        directory.person_create(
            actor=None,
            full_name=f"Đinh Văn {chr(65 + i % 26)}{'a' * (i // 26)}",
            gender="male",
            unit=communes[i % 32],
        )
        for i in range(120)
    ]
    return district, communes, people


def test_stats_reproduce_seed_003(minh_long, tree):
    district, communes, people = minh_long
    officer = make_user("canbohuyen", Role.STANDING_OFFICER, tree["TINH"])
    api = Api(officer)

    def post(award, level, **recipient):
        body = {
            "award_type": award,
            "year": 2023,
            "decision_date": DECIDED,
            "decision_number": f"{award}/QĐ-UBND",
            "authority_level": level,
            **recipient,
        }
        r = api.post("/api/v1/awards/", body)
        assert r.status_code == 201, r.json()
        return r.json()

    for p in people[:118]:
        post("LDTT", "district", person=p.pk)
    for p in people[:22]:
        post("CSTD_CS", "district", person=p.pk)
    for p in people[:108]:
        post("GK", "district", person=p.pk)
    for u in communes:
        post("TTLDTT", "district", unit=u.pk)
    for u in communes[:26]:
        post("GK", "district", unit=u.pk)
    for u in communes[:5]:
        post("TTLDXS", "province", unit=u.pk)
    post("CTD_TINH", "province", unit=communes[5].pk)
    post("BK_TINH", "province", unit=communes[6].pk)
    # Two more LĐTT, later revoked: not counted.
    for p in people[118:]:
        record = post("LDTT", "district", person=p.pk)
        r = api.post(
            f"/api/v1/awards/{record['id']}/revoke",
            {"reason": "Kê khai không đúng", "revoked_at": "2024-03-01"},
        )
        assert r.json()["status"] == "revoked"

    r = api.get("/api/v1/stats/awards", {"year": 2023, "unit": district.pk, "include_subunits": "true"})
    assert r.status_code == 200
    data = r.json()
    got = {
        (i["award_type"], i["authority_level"]): (i["collective"], i["individual"], i["household"])
        for i in data["items"]
    }
    assert got == {
        ("CTD_TINH", "province"): (1, 0, 0),
        ("BK_TINH", "province"): (1, 0, 0),
        ("TTLDXS", "province"): (5, 0, 0),
        ("CSTD_CS", "district"): (0, 22, 0),
        ("TTLDTT", "district"): (32, 0, 0),
        ("LDTT", "district"): (0, 118, 0),
        ("GK", "district"): (26, 108, 0),
    }
    names = {i["award_type"]: i["name"] for i in data["items"]}
    assert names["LDTT"] == "Lao động tiên tiến"
    assert data["totals"] == {"collective": 65, "individual": 248, "household": 0}
    assert (data["year"], data["unit"]) == (2023, district.pk)
    # Highest award first (the catalogue's rank).
    assert data["items"][0]["award_type"] == "CTD_TINH"

    # Another year, another unit's subtree: nothing.
    assert api.get("/api/v1/stats/awards", {"year": 2022}).json()["totals"]["individual"] == 0
    other = api.get("/api/v1/stats/awards", {"year": 2023, "unit": tree["XA1"].pk}).json()
    assert other["items"] == []


def test_stats_are_scoped(minh_long, tree):
    """An officer of another commune sees none of Minh Long's counts, even asking for its unit."""
    district, _communes, people = minh_long
    api = Api(make_user("thuongtruc", Role.STANDING_OFFICER, tree["TINH"]))
    r = api.post(
        "/api/v1/awards/",
        {"award_type": "LDTT", "year": 2023, "person": people[0].pk, "decision_date": DECIDED},
    )
    assert r.status_code == 201
    outsider = Api(make_user("xa1", Role.UNIT_OFFICER, tree["XA1"]))
    data = outsider.get("/api/v1/stats/awards", {"year": 2023, "unit": district.pk}).json()
    assert data["items"] == [] and data["totals"] == {"collective": 0, "individual": 0, "household": 0}
    assert outsider.get("/api/v1/stats/awards", {"year": 2023, "unit": 999999}).status_code == 422
    assert dt.date.today().year >= 2024
