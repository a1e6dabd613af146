"""The HTXSNV cap (Decree 233/2026 art. 12(6)) and the CSTĐ cơ sở quota (Decree 91/2017 art. 9(3)) through the API."""

from __future__ import annotations

import pytest

from tests.conftest import Api
from thidua.awards.models import AwardRecord, AwardType, Rating
from thidua.directory import services as directory


def _people(unit, n: int, prefix: str):
    return [
        directory.person_create(
            actor=None, full_name=f"Nguyễn Văn {prefix}{chr(65 + i)}", gender="male", unit=unit
        )
        for i in range(n)
    ]


@pytest.fixture
def school(tree):
    """Trường Tiểu học Xã Một, 2026: 12 people rated HTTNV or better, 3 of them HTXSNV."""
    people = _people(tree["TH1"], 13, "T")
    grades = ["HTXSNV"] * 3 + ["HTTNV"] * 9 + ["HTNV"]
    for person, grade in zip(people, grades, strict=True):
        Rating.objects.create(person=person, owner_unit=tree["TH1"], year=2026, grade=grade)
    return tree["TH1"]


def test_htxsnv_cap_is_20_percent_rounded_down(school, province_officer):
    body = Api(province_officer).get("/api/v1/ratings/cap", {"unit": school.pk, "year": 2026}).json()
    assert (body["rated"], body["excellent"], body["cap"], body["exceeded"]) == (
        12,
        3,
        2,
        True,
    )  # 20 % × 12 = 2,4 → 2
    assert body["citation"] == "Nghị định 233/2026/NĐ-CP Điều 12(6)"
    assert body["message"].endswith("— vượt tỷ lệ.")


def test_htxsnv_cap_is_25_percent_when_the_unit_is_excellent(school, province_officer):
    Rating.objects.create(unit=school, owner_unit=school, year=2026, grade="HTXSNV")
    body = Api(province_officer).get("/api/v1/ratings/cap", {"unit": school.pk, "year": 2026}).json()
    assert (body["cap"], body["exceeded"]) == (3, False)  # 25 % × 12 = 3


def test_cap_of_a_unit_outside_scope_is_not_found(school, tree, commune1_officer):
    api = Api(commune1_officer)
    assert api.get("/api/v1/ratings/cap", {"unit": school.pk, "year": 2026}).status_code == 200
    response = api.get("/api/v1/ratings/cap", {"unit": tree["XA2"].pk, "year": 2026})
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy đơn vị."


def test_cstd_cs_quota_under_l2013(tree, province_officer):
    """4 CSTĐ cơ sở for 20 LĐTT in 2022 exceeds 15 % (at most 3); judged under the rules of 1/6/2023."""
    people = _people(tree["XA1"], 20, "Q")
    ldtt, cstd = AwardType.objects.get(code="LDTT"), AwardType.objects.get(code="CSTD_CS")
    for i, person in enumerate(people):
        for award in [ldtt, cstd] if i < 4 else [ldtt]:
            AwardRecord.objects.create(
                award_type=award,
                recipient_kind="individual",
                person=person,
                owner_unit=tree["XA1"],
                year=2022,
            )
    api = Api(province_officer)
    body = api.get(
        "/api/v1/quotas/check",
        {"unit": tree["XA1"].pk, "year": 2022, "award_type": "CSTD_CS", "as_of": "2023-06-01"},
    ).json()
    quota = body["quota"]
    assert (quota["base_count"], quota["count"], quota["allowed"], quota["exceeded"]) == (20, 4, 3, True)
    assert quota["citation"] == "NĐ 91/2017 Điều 9(3)"
    none = api.get(
        "/api/v1/quotas/check", {"unit": tree["XA1"].pk, "year": 2024, "award_type": "LDTT"}
    ).json()
    assert none["quota"] is None
    bad = api.get("/api/v1/quotas/check", {"unit": tree["XA1"].pk, "year": 2024, "award_type": "XYZ"})
    assert (bad.status_code, bad.json()["detail"]) == (422, "Loại khen thưởng «XYZ» không tồn tại.")
