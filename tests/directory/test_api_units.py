"""The units API: list filters, scoping refusals, writes with versions,
lineage and successors."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.test import Client

from tests.conftest import Api, make_user
from thidua.accounts.enums import Role
from thidua.accounts.models import User
from thidua.core.errors import ConcurrentUpdate
from thidua.core.models import AuditEntry
from thidua.directory import services as directory
from thidua.directory.models import Unit

URL = "/api/v1/units/"


@pytest.fixture
def xa1(commune1_officer: User) -> Api:
    return Api(commune1_officer)


@pytest.fixture
def province(province_officer: User) -> Api:
    return Api(province_officer)


def codes(response) -> list[str]:
    return [u["code"] for u in response.json()["items"]]


def test_no_token_is_401(tree) -> None:
    r = Client().get(URL)
    assert r.status_code == 401
    assert r.json() == {"detail": "Chưa xác thực: thiếu hoặc sai mã truy cập."}


def test_list_shows_only_scope_in_tree_order(tree, xa1: Api, province: Api) -> None:
    r = xa1.get(URL)
    assert r.status_code == 200
    assert codes(r) == ["XA1", "TH1"]
    assert r.json()["count"] == 2
    assert codes(province.get(URL)) == ["TINH", "SNV", "XA1", "TH1", "XA2", "TH2"]


def test_list_item_shape(tree, xa1: Api) -> None:
    r = xa1.get(URL, {"kind": "school"})
    th1 = tree["TH1"]
    assert r.json() == {
        "items": [
            {
                "id": th1.pk,
                "code": "TH1",
                "name": "Trường Tiểu học Xã Một",
                "kind": "school",
                "parent": tree["XA1"].pk,
                "valid_from": None,
                "valid_to": None,
                "depth": 2,
                "is_current": True,
                "version": 1,
            }
        ],
        "count": 1,
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("xa hai", ["XA2", "TH2"]),
        ("XÃ HAI", ["XA2", "TH2"]),
        ("tieu hoc mot", ["TH1"]),
        ("snv", ["SNV"]),
        ("noi vu", ["SNV"]),
        ("khong co", []),
    ],
)
def test_search_without_diacritics(tree, province: Api, q: str, expected: list[str]) -> None:
    assert codes(province.get(URL, {"q": q})) == expected


def test_search_never_leaks_outside_scope(tree, xa1: Api) -> None:
    assert codes(xa1.get(URL, {"q": "xa hai"})) == []
    assert codes(xa1.get(URL, {"q": "tieu hoc"})) == ["TH1"]


def test_parent_and_kind_filters(tree, province: Api) -> None:
    assert codes(province.get(URL, {"parent": tree["TINH"].pk})) == ["SNV", "XA1", "XA2"]
    assert codes(province.get(URL, {"parent": tree["TINH"].pk, "kind": "commune"})) == ["XA1", "XA2"]
    r = province.get(URL, {"kind": "hamlet"})
    assert r.status_code == 422
    assert r.json()["errors"][0].startswith("kind: giá trị không hợp lệ (chọn một trong: 'province'")


def test_parent_filter_outside_scope_is_empty_and_unknown_is_422(tree, xa1: Api) -> None:
    assert xa1.get(URL, {"parent": tree["XA2"].pk}).json() == {"items": [], "count": 0}
    r = xa1.get(URL, {"parent": 999999})
    assert r.status_code == 422
    assert r.json() == {"detail": "Đơn vị không tồn tại.", "code": "unknown_unit"}


def test_valid_on_filter(tree, province: Api) -> None:
    directory.unit_update(actor=None, unit=tree["XA2"], valid_to=dt.date(2025, 6, 30))
    directory.unit_update(actor=None, unit=tree["SNV"], valid_from=dt.date(2025, 7, 1))
    assert codes(province.get(URL, {"valid_on": "2025-06-30", "parent": tree["TINH"].pk})) == ["XA1", "XA2"]
    assert codes(province.get(URL, {"valid_on": "2025-07-01", "parent": tree["TINH"].pk})) == ["SNV", "XA1"]
    r = province.get(URL, {"valid_on": "30/06/2025"})
    assert r.status_code == 422
    assert r.json()["errors"] == ["valid_on: ngày không hợp lệ (YYYY-MM-DD)"]


def test_pagination(tree, province: Api) -> None:
    r = province.get(URL, {"page": 2, "page_size": 4})
    assert (codes(r), r.json()["count"]) == (["XA2", "TH2"], 6)


# --- one unit -------------------------------------------------------------------


def test_get_unit_and_404_outside_scope(tree, xa1: Api) -> None:
    r = xa1.get(f"{URL}{tree['XA1'].pk}")
    assert r.status_code == 200
    assert r["ETag"] == '"1"'
    assert (r.json()["code"], r.json()["parent"], r.json()["depth"]) == ("XA1", tree["TINH"].pk, 1)
    hidden = xa1.get(f"{URL}{tree['XA2'].pk}")
    missing = xa1.get(f"{URL}999999")
    huge = xa1.get(f"{URL}{10**30}")
    assert hidden.status_code == missing.status_code == huge.status_code == 404
    assert (
        hidden.json()
        == missing.json()
        == huge.json()
        == {"detail": "Không tìm thấy đơn vị.", "code": "not_found"}
    )


# --- create -------------------------------------------------------------------------


def test_create_unit_audited_from_api(tree, province_officer: User, province: Api) -> None:
    r = province.post(
        URL,
        {
            "code": " THCS1 ",
            "name": unicodedata.normalize("NFD", "Trường THCS Xã Một"),
            "kind": "school",
            "parent": tree["XA1"].pk,
            "valid_from": "2025-07-01",
        },
    )
    assert r.status_code == 201, r.content
    unit = Unit.objects.get(code="THCS1")
    assert r.json() == {
        "id": unit.pk,
        "code": "THCS1",
        "name": "Trường THCS Xã Một",
        "kind": "school",
        "parent": tree["XA1"].pk,
        "valid_from": "2025-07-01",
        "valid_to": None,
        "depth": 2,
        "is_current": True,
        "version": 1,
    }
    assert unit.path == f"{tree['XA1'].path}{unit.pk}/"
    entry = AuditEntry.objects.get(action="unit.create", object_id=str(unit.pk))
    assert (entry.origin, entry.actor_id) == ("api", province_officer.pk)


def test_create_refusals(tree, xa1: Api, province: Api) -> None:
    body = {"code": "MOI", "name": "Đơn vị mới", "kind": "other"}
    # A unit officer has no right to edit units at all.
    r = xa1.post(URL, {**body, "parent": tree["XA1"].pk})
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    # A province officer may not create a new root (that needs a right over the whole tree).
    r = province.post(URL, body)
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    r = province.post(URL, {**body, "parent": 999999})
    assert (r.status_code, r.json()["detail"]) == (422, "Đơn vị không tồn tại.")
    r = province.post(URL, {**body, "parent": tree["XA1"].pk, "code": "XA2"})
    assert (r.status_code, r.json()["detail"]) == (422, "Mã đơn vị «XA2» đã tồn tại.")
    r = province.post(
        URL, {**body, "parent": tree["XA1"].pk, "valid_from": "2025-07-01", "valid_to": "2025-01-01"}
    )
    assert (r.status_code, r.json()["detail"]) == (422, "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
    assert not Unit.objects.filter(code="MOI").exists()


def test_admin_may_create_root(db, admin_user: User) -> None:
    r = Api(admin_user).post(URL, {"code": "GOC-MOI", "name": "Gốc mới", "kind": "province"})
    assert r.status_code == 201
    assert (r.json()["parent"], r.json()["depth"]) == (None, 0)


# --- update ------------------------------------------------------------------------


def test_patch_unit(tree, province: Api) -> None:
    r = province.patch(f"{URL}{tree['SNV'].pk}", {"name": "Sở Nội vụ tỉnh", "version": 1})
    assert r.status_code == 200, r.content
    assert (r.json()["name"], r.json()["version"], r["ETag"]) == ("Sở Nội vụ tỉnh", 2, '"2"')
    entry = AuditEntry.objects.get(action="unit.update", object_id=str(tree["SNV"].pk))
    assert (entry.origin, entry.before["name"], entry.after["name"]) == ("api", "Sở Nội vụ", "Sở Nội vụ tỉnh")


def test_patch_stale_version_is_409(tree, province: Api) -> None:
    directory.unit_update(actor=None, unit=tree["SNV"], name="Sở Nội vụ (mới)")
    r = province.patch(f"{URL}{tree['SNV'].pk}", {"name": "Sở Nội vụ tỉnh", "version": 1})
    assert r.status_code == 409
    assert r.json() == {"detail": ConcurrentUpdate().message, "code": "conflict"}
    r = province.patch(f"{URL}{tree['SNV'].pk}", {"name": "Sở Nội vụ tỉnh"}, **{"If-Match": 'W/"1"'})
    assert r.status_code == 409
    assert Unit.objects.get(pk=tree["SNV"].pk).name == "Sở Nội vụ (mới)"


def test_patch_move_unit_within_scope(tree, province: Api) -> None:
    r = province.patch(f"{URL}{tree['TH2'].pk}", {"parent": tree["XA1"].pk})
    assert r.status_code == 200
    assert (r.json()["parent"], r.json()["depth"]) == (tree["XA1"].pk, 2)
    assert Unit.objects.get(pk=tree["TH2"].pk).path == f"{tree['XA1'].path}{tree['TH2'].pk}/"


def test_patch_refusals(tree, xa1: Api, province: Api, viewer: User) -> None:
    # Outside scope: 404. In scope but no right: 403. Moving to the root: 403.
    assert xa1.patch(f"{URL}{tree['XA2'].pk}", {"name": "Lộ"}).status_code == 404
    assert xa1.patch(f"{URL}{tree['XA1'].pk}", {"name": "Lộ"}).status_code == 403
    assert Api(viewer).patch(f"{URL}{tree['XA2'].pk}", {"name": "Lộ"}).status_code == 403
    r = province.patch(f"{URL}{tree['XA1'].pk}", {"parent": None})
    assert r.status_code == 403
    r = province.patch(f"{URL}{tree['XA1'].pk}", {"parent": tree["TH1"].pk})
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc nó.",
    )
    r = province.patch(f"{URL}{tree['XA1'].pk}", {"name": None})
    assert (r.status_code, r.json()["detail"]) == (422, "name: không được để trống.")
    r = province.patch(f"{URL}{tree['XA1'].pk}", {"name": "   "})
    assert (r.status_code, r.json()["errors"]) == (422, ["name: không được để trống"])
    assert Unit.objects.get(pk=tree["XA1"].pk).name == "Xã Một"
    assert not AuditEntry.objects.filter(action="unit.update").exists()


# --- lineage and successors -----------------------------------------------------------


@pytest.fixture
def merged(tree) -> Unit:
    """XA1 and XA2 merged into XA3 on 1/7/2025."""
    xa3 = directory.unit_create(
        actor=None,
        code="XA3",
        name="Xã Ba",
        kind="commune",
        parent=tree["TINH"],
        valid_from=dt.date(2025, 7, 1),
    )
    for old in ("XA1", "XA2"):
        directory.unit_update(actor=None, unit=tree[old], valid_to=dt.date(2025, 6, 30))
        directory.succession_add(
            actor=None, predecessor=tree[old], successor=xa3, effective_date=dt.date(2025, 7, 1)
        )
    return xa3


def test_lineage_and_successors(tree, merged: Unit, province: Api) -> None:
    r = province.get(f"{URL}{merged.pk}/lineage")
    assert r.status_code == 200
    assert [u["code"] for u in r.json()] == ["XA1", "XA2", "XA3"]
    assert [u["is_current"] for u in r.json()] == [False, False, True]
    r = province.get(f"{URL}{tree['XA1'].pk}/successors")
    assert [u["code"] for u in r.json()] == ["XA3"]
    assert province.get(f"{URL}{tree['XA1'].pk}/lineage").json()[0]["code"] == "XA1"


def test_lineage_limited_to_scope(tree, merged: Unit, xa1: Api) -> None:
    # XA1's officer cannot see XA3 at all, nor XA2 in XA1's successors' lineage.
    assert xa1.get(f"{URL}{merged.pk}/lineage").status_code == 404
    assert xa1.get(f"{URL}{tree['XA1'].pk}/successors").json() == []
    officer3 = make_user("canboxa3", Role.UNIT_OFFICER, merged)
    r = Api(officer3).get(f"{URL}{merged.pk}/lineage")
    assert [u["code"] for u in r.json()] == ["XA3"]
