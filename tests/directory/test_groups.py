"""Blocks and clusters (Khối, Cụm thi đua): selectors, service rules, the API
and the web pages. Refusals use data that would leak or be written if the
check were missing: a cluster of Xã Hai asked for or changed by Xã Một's officer."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from tests.conftest import Api
from thidua.accounts.models import User
from thidua.core.errors import DomainError, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.directory import selectors
from thidua.directory import services as directory
from thidua.directory.models import EmulationGroup, GroupMembership, Unit

URL = "/api/v1/groups/"


@pytest.fixture
def groups(tree: dict[str, Unit]) -> dict[str, EmulationGroup]:
    """KHOI: a block of the province with SNV (leader), XA1, XA2 (deputy) in 2024
    and SNV alone in 2023; CUM2: a cluster of Xã Hai with only Xã Hai's units."""
    khoi = directory.group_create(
        actor=None, kind="block", code="KHOI", name="Khối các cơ quan tỉnh", organiser=tree["TINH"]
    )
    directory.membership_set(actor=None, group=khoi, unit=tree["SNV"], year=2024, is_leader=True)
    directory.membership_set(actor=None, group=khoi, unit=tree["XA1"], year=2024)
    directory.membership_set(actor=None, group=khoi, unit=tree["XA2"], year=2024, is_deputy=True)
    directory.membership_set(actor=None, group=khoi, unit=tree["SNV"], year=2023, is_leader=True)
    cum = directory.group_create(
        actor=None, kind="cluster", code="CUM2", name="Cụm thi đua Xã Hai", organiser=tree["XA2"]
    )
    directory.membership_set(actor=None, group=cum, unit=tree["XA2"], year=2024, is_leader=True)
    directory.membership_set(actor=None, group=cum, unit=tree["TH2"], year=2024)
    return {"KHOI": khoi, "CUM2": cum}


@pytest.fixture
def xa1(commune1_officer: User) -> Api:
    return Api(commune1_officer)


@pytest.fixture
def province(province_officer: User) -> Api:
    return Api(province_officer)


def members_of(group: EmulationGroup, year: int) -> list[tuple[str, bool, bool]]:
    return [
        (m.unit.code, m.is_leader, m.is_deputy)
        for m in GroupMembership.objects.filter(group=group, year=year).order_by("unit__code")
    ]


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- selectors ------------------------------------------------------------------


def test_groups_list_scope(groups, province_officer, commune1_officer, viewer) -> None:
    codes = lambda user, **kw: [g.code for g in selectors.groups_list(user, **kw)]  # noqa: E731
    assert codes(province_officer) == ["KHOI", "CUM2"]
    assert codes(province_officer, kind="cluster") == ["CUM2"]
    # Xã Một sees the block it is a member of, not Xã Hai's cluster.
    assert codes(commune1_officer) == ["KHOI"]
    # The viewer of Xã Hai sees its own cluster and the block Xã Hai belongs to.
    assert codes(viewer) == ["KHOI", "CUM2"]


def test_group_members_leader_first_then_name(groups, tree) -> None:
    members = selectors.group_members(groups["KHOI"], 2024)
    assert [(m.unit.name, m.is_leader) for m in members] == [
        ("Sở Nội vụ", True),
        ("Xã Hai", False),
        ("Xã Một", False),
    ]
    assert selectors.group_years(groups["KHOI"]) == [2024, 2023]


# --- service rules ----------------------------------------------------------------


def test_second_leader_refused(groups, tree) -> None:
    with pytest.raises(DomainError) as exc:
        directory.membership_set(
            actor=None, group=groups["KHOI"], unit=tree["XA1"], year=2024, is_leader=True
        )
    assert exc.value.message == "Khối/Cụm «Khối các cơ quan tỉnh» năm 2024 đã có trưởng khối: Sở Nội vụ."
    assert members_of(groups["KHOI"], 2024) == [
        ("SNV", True, False),
        ("XA1", False, False),
        ("XA2", False, True),
    ]
    # The leader may be set again, and another year has its own leader.
    directory.membership_set(actor=None, group=groups["KHOI"], unit=tree["SNV"], year=2024, is_leader=True)
    directory.membership_set(actor=None, group=groups["KHOI"], unit=tree["XA1"], year=2025, is_leader=True)


def test_unit_not_valid_in_year_refused(groups, tree) -> None:
    gone = directory.unit_create(
        actor=None,
        code="XA3",
        name="Xã Ba",
        kind="commune",
        parent=tree["TINH"],
        valid_to=dt.date(2023, 12, 31),
    )
    later = directory.unit_create(
        actor=None,
        code="XA4",
        name="Xã Bốn",
        kind="commune",
        parent=tree["TINH"],
        valid_from=dt.date(2025, 7, 1),
    )
    for unit in (gone, later):
        with pytest.raises(DomainError) as exc:
            directory.membership_set(actor=None, group=groups["KHOI"], unit=unit, year=2024)
        assert exc.value.message == f"Đơn vị «{unit.name}» không còn hiệu lực trong năm 2024."
    # Valid on any day of the year is enough.
    directory.membership_set(actor=None, group=groups["KHOI"], unit=gone, year=2023)
    directory.membership_set(actor=None, group=groups["KHOI"], unit=later, year=2025)
    assert not GroupMembership.objects.filter(year=2024, unit__in=[gone, later]).exists()


def test_membership_remove_audited_and_guarded(groups, tree, province_officer, commune1_officer) -> None:
    khoi = groups["KHOI"]
    with pytest.raises(PermissionDenied):
        directory.membership_remove(actor=commune1_officer, group=khoi, unit=tree["XA1"], year=2024)
    assert directory.membership_remove(actor=province_officer, group=khoi, unit=tree["XA1"], year=2024)
    assert not directory.membership_remove(actor=province_officer, group=khoi, unit=tree["XA1"], year=2024)
    assert members_of(khoi, 2024) == [("SNV", True, False), ("XA2", False, True)]
    entry = AuditEntry.objects.get(action="group.member_remove")
    assert entry.actor == province_officer
    assert entry.before["unit"] == tree["XA1"].pk and entry.before["year"] == 2024
    assert entry.after is None


# --- API ----------------------------------------------------------------------------


def test_api_list(groups, tree, province: Api, xa1: Api) -> None:
    r = province.get(URL, {"year": 2024})
    assert r.status_code == 200
    assert r.json() == {
        "items": [
            {
                "id": groups["KHOI"].pk,
                "kind": "block",
                "code": "KHOI",
                "name": "Khối các cơ quan tỉnh",
                "organiser": tree["TINH"].pk,
                "organiser_name": "Tỉnh Thử Nghiệm",
                "member_count": 3,
            },
            {
                "id": groups["CUM2"].pk,
                "kind": "cluster",
                "code": "CUM2",
                "name": "Cụm thi đua Xã Hai",
                "organiser": tree["XA2"].pk,
                "organiser_name": "Xã Hai",
                "member_count": 2,
            },
        ],
        "count": 2,
    }
    r = province.get(URL, {"year": 2023, "kind": "block"})
    assert [(g["code"], g["member_count"]) for g in r.json()["items"]] == [("KHOI", 1)]
    assert province.get(URL).json()["items"][0]["member_count"] is None
    assert [g["code"] for g in xa1.get(URL).json()["items"]] == ["KHOI"]
    assert province.get(URL, {"kind": "team"}).status_code == 422


def test_api_detail(groups, tree, province: Api) -> None:
    khoi = groups["KHOI"]
    r = province.get(f"{URL}{khoi.pk}", {"year": 2024})
    assert r.status_code == 200
    assert r.json() == {
        "id": khoi.pk,
        "kind": "block",
        "code": "KHOI",
        "name": "Khối các cơ quan tỉnh",
        "organiser": tree["TINH"].pk,
        "organiser_name": "Tỉnh Thử Nghiệm",
        "member_count": 3,
        "description": "",
        "years": [2024, 2023],
        "members": [
            {
                "unit": tree["SNV"].pk,
                "unit_name": "Sở Nội vụ",
                "year": 2024,
                "is_leader": True,
                "is_deputy": False,
            },
            {
                "unit": tree["XA2"].pk,
                "unit_name": "Xã Hai",
                "year": 2024,
                "is_leader": False,
                "is_deputy": True,
            },
            {
                "unit": tree["XA1"].pk,
                "unit_name": "Xã Một",
                "year": 2024,
                "is_leader": False,
                "is_deputy": False,
            },
        ],
    }
    all_years = province.get(f"{URL}{khoi.pk}").json()
    assert [(m["year"], m["unit_name"]) for m in all_years["members"]] == [
        (2024, "Sở Nội vụ"),
        (2024, "Xã Hai"),
        (2024, "Xã Một"),
        (2023, "Sở Nội vụ"),
    ]
    assert all_years["member_count"] is None
    r = province.get(f"{URL}999999")
    assert r.status_code == 404
    assert r.json() == {"detail": "Không tìm thấy khối, cụm thi đua.", "code": "not_found"}


def test_api_create(tree, province: Api, xa1: Api) -> None:
    body = {"kind": "cluster", "code": "CUM1", "name": "Cụm thi đua các xã", "organiser": tree["TINH"].pk}
    r = province.post(URL, body)
    assert r.status_code == 201
    group = EmulationGroup.objects.get(code="CUM1")
    assert r.json() == {
        "id": group.pk,
        "kind": "cluster",
        "code": "CUM1",
        "name": "Cụm thi đua các xã",
        "organiser": tree["TINH"].pk,
        "organiser_name": "Tỉnh Thử Nghiệm",
        "member_count": None,
    }
    assert AuditEntry.objects.filter(action="group.create", object_id=str(group.pk)).count() == 1
    r = province.post(URL, body)
    assert r.status_code == 422
    assert r.json()["detail"] == "Mã khối, cụm «CUM1» đã tồn tại."
    # Xã Một's officer has no right to create groups, even organised by Xã Một.
    r = xa1.post(URL, {**body, "code": "CUM9", "organiser": tree["XA1"].pk})
    assert r.status_code == 403
    r = province.post(URL, {**body, "code": "CUM8", "organiser": 999999})
    assert r.status_code == 422
    assert r.json()["detail"] == "Đơn vị không tồn tại."
    assert province.post(URL, {**body, "code": "CUM7", "kind": "team"}).status_code == 422
    assert EmulationGroup.objects.count() == 1


def test_api_replace_members(groups, tree, province: Api) -> None:
    khoi = groups["KHOI"]
    url = f"{URL}{khoi.pk}/members/2024"
    # The leadership moves from SNV to XA1; XA2 leaves, TH1 joins.
    body = {
        "members": [
            {"unit": tree["XA1"].pk, "is_leader": True},
            {"unit": tree["SNV"].pk},
            {"unit": tree["TH1"].pk, "is_deputy": True},
        ]
    }
    r = province.put(url, body)
    assert r.status_code == 200, r.json()
    assert r.json()["members"] == [
        {"unit": tree["XA1"].pk, "unit_name": "Xã Một", "year": 2024, "is_leader": True, "is_deputy": False},
        {
            "unit": tree["SNV"].pk,
            "unit_name": "Sở Nội vụ",
            "year": 2024,
            "is_leader": False,
            "is_deputy": False,
        },
        {
            "unit": tree["TH1"].pk,
            "unit_name": "Trường Tiểu học Xã Một",
            "year": 2024,
            "is_leader": False,
            "is_deputy": True,
        },
    ]
    assert members_of(khoi, 2024) == [("SNV", False, False), ("TH1", False, True), ("XA1", True, False)]
    assert members_of(khoi, 2023) == [("SNV", True, False)]  # other years untouched
    assert AuditEntry.objects.filter(action="group.member_remove").count() == 1
    # An empty list empties the year.
    r = province.put(f"{URL}{khoi.pk}/members/2023", {"members": []})
    assert r.status_code == 200
    assert r.json()["members"] == [] and r.json()["years"] == [2024]


def test_api_replace_members_all_or_nothing(groups, tree, province: Api) -> None:
    khoi = groups["KHOI"]
    url = f"{URL}{khoi.pk}/members/2024"
    gone = directory.unit_create(
        actor=None,
        code="XA3",
        name="Xã Ba",
        kind="commune",
        parent=tree["TINH"],
        valid_to=dt.date(2023, 6, 30),
    )
    before = members_of(khoi, 2024)
    audits = AuditEntry.objects.count()
    cases = [
        (
            {
                "members": [
                    {"unit": tree["XA1"].pk, "is_leader": True},
                    {"unit": tree["XA2"].pk, "is_leader": True},
                ]
            },
            "Khối/Cụm «Khối các cơ quan tỉnh» năm 2024 đã có trưởng khối: Xã Một.",
        ),
        (
            {"members": [{"unit": tree["XA1"].pk, "is_leader": True}, {"unit": gone.pk}]},
            "Đơn vị «Xã Ba» không còn hiệu lực trong năm 2024.",
        ),
        ({"members": [{"unit": tree["XA1"].pk}, {"unit": 999999}]}, "Đơn vị không tồn tại."),
        ({"members": [{"unit": tree["XA1"].pk}, {"unit": tree["XA1"].pk}]}, None),
    ]
    for body, detail in cases:
        r = province.put(url, body)
        assert r.status_code == 422, body
        if detail:
            assert r.json()["detail"] == detail
        assert members_of(khoi, 2024) == before
        assert AuditEntry.objects.count() == audits
    assert province.put(f"{URL}{khoi.pk}/members/1800", {"members": []}).status_code == 422


def test_api_scope_refusals(groups, tree, xa1: Api) -> None:
    cum, khoi = groups["CUM2"], groups["KHOI"]
    assert xa1.get(f"{URL}{cum.pk}").status_code == 404
    r = xa1.put(f"{URL}{cum.pk}/members/2024", {"members": [{"unit": tree["XA1"].pk, "is_leader": True}]})
    assert r.status_code == 404
    # Visible (Xã Một is a member) but not Xã Một's to change.
    r = xa1.get(f"{URL}{khoi.pk}", {"year": 2024})
    assert r.status_code == 200
    for group in (khoi,):
        r = xa1.put(f"{URL}{group.pk}/members/2024", {"members": []})
        assert r.status_code == 403
        r = xa1.put(f"{URL}{group.pk}/members/2025", {"members": []})
        assert r.status_code == 403
    assert members_of(cum, 2024) == [("TH2", False, False), ("XA2", True, False)]
    assert members_of(khoi, 2024) == [("SNV", True, False), ("XA1", False, False), ("XA2", False, True)]
    assert not AuditEntry.objects.filter(actor__username="canboxa1").exists()


# --- web pages -----------------------------------------------------------------------


def test_web_list_and_detail(groups, province_officer, commune1_officer) -> None:
    client = Client()
    client.force_login(province_officer)
    r = client.get("/khoi-cum/", {"nam": 2024})
    assert r.status_code == 200
    text = text_of(r)
    assert "Khối các cơ quan tỉnh" in text and "Cụm thi đua Xã Hai" in text
    assert "Khối, Cụm" in text  # the nav link
    r = client.get("/khoi-cum/", {"nam": 2024, "loai": "cluster"})
    assert "Cụm thi đua Xã Hai" in text_of(r) and "Khối các cơ quan tỉnh" not in text_of(r)

    r = client.get(f"/khoi-cum/{groups['KHOI'].pk}/", {"nam": 2024})
    assert r.status_code == 200
    text = text_of(r)
    assert "Khối các cơ quan tỉnh" in text
    assert "Trưởng khối/cụm năm 2024 Sở Nội vụ" in text
    assert "Sở Nội vụ SNV Trưởng khối/cụm" in text
    assert "Xã Hai XA2 Phó khối/cụm" in text
    # Without a year: the latest year with members.
    assert "Thành viên năm 2024" in text_of(client.get(f"/khoi-cum/{groups['KHOI'].pk}/"))
    assert "Thành viên năm 2023" in text_of(client.get(f"/khoi-cum/{groups['KHOI'].pk}/", {"nam": 2023}))

    other = Client()
    other.force_login(commune1_officer)
    r = other.get("/khoi-cum/")
    assert "Khối các cơ quan tỉnh" in text_of(r) and "Cụm thi đua Xã Hai" not in text_of(r)
    assert other.get(f"/khoi-cum/{groups['CUM2'].pk}/").status_code == 404
