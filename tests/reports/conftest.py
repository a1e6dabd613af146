"""Fixtures of the reports tests: the seed districts rebuilt through the API.

Minh Long (seed 003): the district's 2023 awards, entered line by line through
POST /api/v1/awards/ as an officer would. Mường La (seed 004): 70 agencies and
100 civil servants rated for 2022 through POST /api/v1/ratings/ so that
98,6% / 20% and 99% / 20% come out.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import Api, make_user
from thidua.accounts.enums import Role
from thidua.directory import services as directory

DECIDED = "2024-01-15"  # the district's decisions for 2023 (L2022-D98 in force)

SEED_003 = (
    "UBND huyện tặng danh hiệu “Lao động tiên tiến” cho 32 tập thể, 118 cá nhân; "
    "danh hiệu “Chiến sỹ thi đua cơ sở” cho 22 cá nhân; tặng giấy khen cho 26 tập thể, 108 cá nhân"
)
SEED_004 = (
    "98,6% số cơ quan, đơn vị của huyện được đánh giá hoàn thành nhiệm vụ trở lên, trong đó, 20% hoàn "
    "thành xuất sắc nhiệm vụ; 99% số cán bộ, công chức, viên chức hoàn thành nhiệm vụ trở lên, trong đó, "
    "20% hoàn thành xuất sắc nhiệm vụ"
)


def as_catalogue(seed: str) -> str:
    """The seed spells "Chiến sỹ"; the award catalogue (the law's text) spells "Chiến sĩ"."""
    return seed.replace("Chiến sỹ", "Chiến sĩ")


@pytest.fixture
def officer(tree):
    return make_user("thuongtruc", Role.STANDING_OFFICER, tree["TINH"])


@pytest.fixture
def api(officer):
    return Api(officer)


def build_minh_long(tree, post):
    """Huyện Minh Long with 32 communes and 120 people, and its 2023 awards (seed 003),
    each line written by ``post(award, level, budget=…, person=|unit=)``."""
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
    fund = "Quỹ thi đua, khen thưởng huyện"
    for p in people[:118]:
        post("LDTT", "district", budget=fund, person=p.pk)
    for p in people[:22]:
        post("CSTD_CS", "district", budget=fund, person=p.pk)
    for p in people[:108]:
        post("GK", "district", person=p.pk)
    for u in communes:
        post("TTLDTT", "district", unit=u.pk)
    for u in communes[:26]:
        post("GK", "district", unit=u.pk)
    for u in communes[:5]:
        post("TTLDXS", "province", unit=u.pk)
    # Two more LĐTT, later revoked: never counted.
    for p in people[118:]:
        post("LDTT", "district", revoke=True, person=p.pk)
    return district, communes, people


@pytest.fixture
def minh_long_api(tree, api):
    """Seed 003 entered line by line through POST /api/v1/awards/, as an officer would."""

    def post(award: str, level: str, budget: str = "", revoke: bool = False, **recipient: int) -> None:
        body = {"award_type": award, "year": 2023, "decision_date": DECIDED,
                "decision_number": f"{award}/QĐ-UBND", "authority_level": level, **recipient}  # fmt: skip
        if budget:
            body["budget_source"] = budget
        r = api.post("/api/v1/awards/", body)
        assert r.status_code == 201, r.json()
        if revoke:
            r = api.post(
                f"/api/v1/awards/{r.json()['id']}/revoke",
                {"reason": "Kê khai không đúng", "revoked_at": "2024-03-01"},
            )
            assert r.json()["status"] == "revoked"

    return build_minh_long(tree, post)


@pytest.fixture
def minh_long(tree, officer):
    """The same records written through the awards services (faster; same code path minus HTTP)."""
    from thidua.awards import services as awards
    from thidua.directory.models import Person, Unit

    def post(award: str, level: str, budget: str = "", revoke: bool = False, **recipient: int) -> None:
        who = {"person": Person.objects.get(pk=recipient["person"])} if "person" in recipient else {
            "unit": Unit.objects.get(pk=recipient["unit"])}  # fmt: skip
        record = awards.award_record_create(
            actor=officer, award_type=award, year=2023, decision_date=dt.date(2024, 1, 15),
            decision_number=f"{award}/QĐ-UBND", authority_level=level, budget_source=budget, **who,
        )  # fmt: skip
        if revoke:
            awards.award_record_revoke(actor=officer, record=record, reason="Kê khai không đúng",
                                       revoked_at=dt.date(2024, 3, 1))  # fmt: skip

    return build_minh_long(tree, post)


@pytest.fixture
def muong_la(tree, api):
    """Huyện Mường La, 2022: 70 agencies (69 HTNV or better, 14 HTXSNV) and
    100 civil servants (99 HTNV or better, 20 HTXSNV), rated through the API."""
    district = directory.unit_create(
        actor=None, code="MLA", name="Huyện Mường La", kind="district", parent=tree["TINH"]
    )
    agencies = [
        directory.unit_create(
            actor=None, code=f"MLA-{i}", name=f"Phòng {i}", kind="department", parent=district
        )
        for i in range(70)
    ]
    people = [
        directory.person_create(
            actor=None,
            full_name=f"Lò Văn {chr(65 + i % 26)}{'a' * (i // 26)}",
            gender="male",
            unit=agencies[i % 70],
        )
        for i in range(100)
    ]

    def rate(grade: str, **subject: int) -> None:
        r = api.post("/api/v1/ratings/", {"year": 2022, "rating": grade, **subject})
        assert r.status_code == 200, r.json()

    for i, a in enumerate(agencies):
        rate("HTXSNV" if i < 14 else ("KHTNV" if i == 69 else "HTTNV"), unit=a.pk)
    for i, p in enumerate(people):
        rate("HTXSNV" if i < 20 else ("KHTNV" if i == 99 else "HTNV"), person=p.pk)
    return district, agencies, people
