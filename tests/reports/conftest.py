"""Fixtures of the reports tests: the seed districts rebuilt through the API.

Minh Long (seed 003): the district's 2023 awards, entered line by line through
POST /api/v1/awards/ as an officer would. Mường La (seed 004): 70 agencies and
100 civil servants rated for 2022 through POST /api/v1/ratings/ so that
98,6% / 20% and 99% / 20% come out.

Built once per test module, not once per test (≈ 600 registry writes each):
:func:`world` opens a transaction for the module, builds the tree and the
officer in it, and rolls it back when the module ends; each seed district is a
module fixture inside it (built the first time a test asks). Every test still
runs in its own savepoint (pytest-django's ``db``), so what a test writes is
gone before the next one, and the function fixtures hand out fresh copies of
the rows, so an object one test changed in memory never reaches another.
Transactional tests (``transaction=True``) must not use these fixtures: they
build their own tree (see test_replica.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction

from tests.conftest import Api, make_user
from thidua.accounts.enums import Role
from thidua.accounts.models import User
from thidua.directory import services as directory
from thidua.directory.models import Person, Unit

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


def build_tree() -> dict[str, Unit]:
    """The shared tree of tests/conftest.py (same codes and names)."""
    root = directory.unit_create(actor=None, code="TINH", name="Tỉnh Thử Nghiệm", kind="province")
    units = {"TINH": root}
    for code, name, kind, parent in (
        ("SNV", "Sở Nội vụ", "agency", "TINH"),
        ("XA1", "Xã Một", "commune", "TINH"),
        ("XA2", "Xã Hai", "commune", "TINH"),
        ("TH1", "Trường Tiểu học Xã Một", "school", "XA1"),
        ("TH2", "Trường Tiểu học Xã Hai", "school", "XA2"),
    ):
        units[code] = directory.unit_create(actor=None, code=code, name=name, kind=kind, parent=units[parent])
    return units


@dataclass
class World:
    tree: dict[str, Unit]
    officer: User


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The module's transaction, with the tree and the standing-body officer in it."""
    with django_db_blocker.unblock(), transaction.atomic():
        tree = build_tree()
        officer = make_user("thuongtruc", Role.STANDING_OFFICER, tree["TINH"])
        yield World(tree, officer)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def unblocked(world, django_db_blocker) -> Iterator[None]:
    """Database access for the module fixtures below (inside :func:`world`'s transaction)."""
    with django_db_blocker.unblock():
        yield


def _fresh(units: list[Unit]) -> list[Unit]:
    by_pk = Unit.objects.in_bulk([u.pk for u in units])
    return [by_pk[u.pk] for u in units]


def _fresh_people(people: list[Person]) -> list[Person]:
    by_pk = Person.objects.in_bulk([p.pk for p in people])
    return [by_pk[p.pk] for p in people]


@pytest.fixture
def tree(world, db) -> dict[str, Unit]:
    """The module's tree, read afresh for this test."""
    return dict(zip(world.tree, _fresh(list(world.tree.values())), strict=True))


@pytest.fixture
def officer(world, db) -> User:
    return User.objects.get(pk=world.officer.pk)


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


def _fresh_seed(built: tuple) -> tuple:
    district, units, people = built
    return Unit.objects.get(pk=district.pk), _fresh(units), _fresh_people(people)


@pytest.fixture(scope="module")
def _minh_long_api(world, unblocked):
    """Seed 003 entered line by line through POST /api/v1/awards/, as an officer would."""
    tree, api = world.tree, Api(world.officer)

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
def minh_long_api(_minh_long_api, db):
    return _fresh_seed(_minh_long_api)


@pytest.fixture(scope="module")
def _minh_long(world, unblocked):
    """The same records written through the awards services (faster; same code path minus HTTP)."""
    from thidua.awards import services as awards

    tree, officer = world.tree, world.officer

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
def minh_long(_minh_long, db):
    return _fresh_seed(_minh_long)


@pytest.fixture(scope="module")
def _muong_la(world, unblocked):
    """Huyện Mường La, 2022: 70 agencies (69 HTNV or better, 14 HTXSNV) and
    100 civil servants (99 HTNV or better, 20 HTXSNV), rated through the API."""
    tree, api = world.tree, Api(world.officer)
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


@pytest.fixture
def muong_la(_muong_la, db):
    return _fresh_seed(_muong_la)
