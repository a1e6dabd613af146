"""The people API: lists, search, order, scoping refusals, writes, history.

The data is chosen so that a scoping mistake shows: Xã Hai has its own
"Nguyễn Văn Đức" who must never appear for Xã Một's officer, whatever the
search or filter."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import Api, make_user
from thidua.accounts.enums import Role
from thidua.accounts.models import User
from thidua.core.errors import ConcurrentUpdate
from thidua.core.models import AuditEntry
from thidua.directory import services as directory
from thidua.directory.models import Person, PersonPosting, Unit

URL = "/api/v1/people/"


@pytest.fixture
def people(tree: dict[str, Unit]) -> dict[str, Person]:
    def add(key: str, name: str, unit: str, gender: str = "male", **kw) -> Person:
        return directory.person_create(actor=None, full_name=name, gender=gender, unit=tree[unit], **kw)

    return {
        "duc1": add(
            "duc1",
            "Nguyễn Văn Đức",
            "XA1",
            birth_date=dt.date(1985, 3, 2),
            position="Chủ tịch UBND xã",
            identity_number="001085000001",
        ),
        "anh_sac": add("anh_sac", "Đặng Thị Ánh", "XA1", "female"),
        "an": add("an", "Trần Văn An", "XA1"),
        "binh": add("binh", "Lê Thị Bình", "TH1", "female", position="Giáo viên"),
        "duc2": add("duc2", "Nguyễn Văn Đức", "XA2", identity_number="001085000002"),
        "anh": add("anh", "Phạm Minh Anh", "XA2"),
    }


@pytest.fixture
def xa1(commune1_officer: User) -> Api:
    return Api(commune1_officer)


@pytest.fixture
def province(province_officer: User) -> Api:
    return Api(province_officer)


def names(response) -> list[str]:
    return [p["full_name"] for p in response.json()["items"]]


# --- authentication --------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer td_khong-dung", "Bearer ", "Token abc", "Basic YTpi"])
def test_no_or_bad_token_is_401_in_vietnamese(people, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    r = Client().get(URL, headers=headers)
    assert r.status_code == 401
    assert r["Content-Type"].startswith("application/json")
    assert r.json() == {"detail": "Chưa xác thực: thiếu hoặc sai mã truy cập."}


def test_token_of_deactivated_user_is_refused(people, commune1_officer: User) -> None:
    api = Api(commune1_officer)
    User.objects.filter(pk=commune1_officer.pk).update(is_active=False)
    assert api.get(URL).status_code == 401


# --- list, search, order, pagination ----------------------------------------------


def test_list_shows_only_own_subtree_in_vietnamese_given_name_order(people, xa1: Api) -> None:
    r = xa1.get(URL)
    assert r.status_code == 200
    assert names(r) == ["Trần Văn An", "Đặng Thị Ánh", "Lê Thị Bình", "Nguyễn Văn Đức"]
    assert r.json()["count"] == 4


def test_province_list_order_by_given_name_then_rest(people, province: Api) -> None:
    r = province.get(URL)
    # An < Anh < Ánh (tone after letters) < Bình < Đức (đ after d); the two Đức by id.
    assert names(r) == [
        "Trần Văn An",
        "Phạm Minh Anh",
        "Đặng Thị Ánh",
        "Lê Thị Bình",
        "Nguyễn Văn Đức",
        "Nguyễn Văn Đức",
    ]
    ducs = [p["id"] for p in r.json()["items"][-2:]]
    assert ducs == [people["duc1"].pk, people["duc2"].pk]


def test_list_item_shape(people, xa1: Api) -> None:
    r = xa1.get(URL, {"q": "nguyen van duc"})
    assert r.json() == {
        "items": [
            {
                "id": people["duc1"].pk,
                "full_name": "Nguyễn Văn Đức",
                "gender": "male",
                "birth_date": "1985-03-02",
                "unit": people["duc1"].unit_id,
                "position": "Chủ tịch UBND xã",
                "version": 1,
                "identity_number": "001085000001",
            }
        ],
        "count": 1,
    }


def test_search_without_diacritics_never_leaks_other_commune(people, xa1: Api) -> None:
    # Xã Hai also has a "Nguyễn Văn Đức"; Xã Một's officer must get only theirs.
    r = xa1.get(URL, {"q": "nguyen van duc"})
    assert [p["id"] for p in r.json()["items"]] == [people["duc1"].pk]
    assert r.json()["count"] == 1


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dang", ["Đặng Thị Ánh"]),
        ("DANG", ["Đặng Thị Ánh"]),
        ("Đặng", ["Đặng Thị Ánh"]),
        ("nguyen   van", ["Nguyễn Văn Đức", "Nguyễn Văn Đức"]),
        ("van", ["Trần Văn An", "Nguyễn Văn Đức", "Nguyễn Văn Đức"]),
        ("anh", ["Phạm Minh Anh", "Đặng Thị Ánh"]),
        ("van nguyen", []),
        ("%", []),
        ("_", []),
    ],
)
def test_search_folds_case_and_diacritics(people, province: Api, q: str, expected: list[str]) -> None:
    r = province.get(URL, {"q": q})
    assert r.status_code == 200
    assert names(r) == expected
    assert r.json()["count"] == len(expected)


def test_unit_filter_and_subunits(people, xa1: Api, tree) -> None:
    assert names(xa1.get(URL, {"unit": tree["XA1"].pk})) == ["Trần Văn An", "Đặng Thị Ánh", "Nguyễn Văn Đức"]
    r = xa1.get(URL, {"unit": tree["XA1"].pk, "include_subunits": "true"})
    assert names(r) == ["Trần Văn An", "Đặng Thị Ánh", "Lê Thị Bình", "Nguyễn Văn Đức"]
    assert names(xa1.get(URL, {"unit": tree["TH1"].pk})) == ["Lê Thị Bình"]


def test_unit_filter_outside_scope_is_empty(people, xa1: Api, tree) -> None:
    r = xa1.get(URL, {"unit": tree["XA2"].pk, "include_subunits": "true", "q": "nguyen"})
    assert r.status_code == 200
    assert r.json() == {"items": [], "count": 0}


def test_unknown_unit_filter_is_422(people, xa1: Api) -> None:
    r = xa1.get(URL, {"unit": 999999})
    assert r.status_code == 422
    assert r.json() == {"detail": "Đơn vị không tồn tại.", "code": "unknown_unit"}


def test_pagination(people, province: Api) -> None:
    all_names = names(province.get(URL))
    pages = [province.get(URL, {"page": p, "page_size": 2}).json() for p in (1, 2, 3, 4)]
    assert [pg["count"] for pg in pages] == [6, 6, 6, 6]
    assert [[i["full_name"] for i in pg["items"]] for pg in pages] == [
        all_names[0:2],
        all_names[2:4],
        all_names[4:6],
        [],
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page_size": 201}, "page_size: giá trị quá lớn (≤ 200)"),
        ({"page_size": 0}, "page_size: giá trị quá nhỏ (≥ 1)"),
        ({"page": 0}, "page: giá trị quá nhỏ (≥ 1)"),
        ({"page": "hai"}, "page: phải là số nguyên"),
        ({"include_subunits": "co"}, "include_subunits: phải là true hoặc false"),
        ({"q": "a" * 201}, "q: quá dài (tối đa 200 ký tự)"),
    ],
)
def test_bad_list_parameters_are_422(people, xa1: Api, params: dict, message: str) -> None:
    r = xa1.get(URL, params)
    assert r.status_code == 422
    assert r.json()["errors"] == [message]


def test_people_list_query_count_does_not_grow(tree, xa1: Api, django_assert_max_num_queries) -> None:
    def add(name: str) -> None:
        directory.person_create(actor=None, full_name=name, gender="male", unit=tree["TH1"])

    add("Hoàng Văn Một")
    xa1.get(URL)  # the token's first use records its last-use time: one extra UPDATE
    with CaptureQueriesContext(connection) as one:
        assert len(xa1.get(URL).json()["items"]) == 1
    add("Hoàng Văn Hai")
    add("Hoàng Văn Ba")
    with CaptureQueriesContext(connection) as three:
        assert len(xa1.get(URL).json()["items"]) == 3
    assert len(three) == len(one)
    # token + roles + page + COUNT (a short first page skips the COUNT).
    assert len(one) == 3
    with django_assert_max_num_queries(4):
        assert xa1.get(URL, {"page_size": 2}).json()["count"] == 3


# --- one person --------------------------------------------------------------


def test_get_person(people, xa1: Api) -> None:
    p = people["binh"]
    r = xa1.get(f"{URL}{p.pk}")
    assert r.status_code == 200
    assert r["ETag"] == '"1"'
    assert r.json() == {
        "id": p.pk,
        "full_name": "Lê Thị Bình",
        "gender": "female",
        "birth_date": None,
        "unit": p.unit_id,
        "position": "Giáo viên",
        "version": 1,
        "identity_number": None,
    }


def test_person_outside_scope_is_404_like_a_missing_one(people, xa1: Api) -> None:
    hidden = xa1.get(f"{URL}{people['duc2'].pk}")
    missing = xa1.get(f"{URL}999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Không tìm thấy cá nhân.", "code": "not_found"}


def test_identity_number_hidden_from_viewer(people, viewer: User) -> None:
    api = Api(viewer)  # viewer of Xã Hai: may see people, not identity numbers
    r = api.get(f"{URL}{people['duc2'].pk}")
    assert r.status_code == 200
    assert "identity_number" not in r.json()
    assert r.json()["full_name"] == "Nguyễn Văn Đức"
    listing = api.get(URL).json()
    assert [p["full_name"] for p in listing["items"]] == ["Phạm Minh Anh", "Nguyễn Văn Đức"]
    assert all("identity_number" not in p for p in listing["items"])
    assert "001085000002" not in api.get(URL, {"q": "duc"}).content.decode()


# --- create --------------------------------------------------------------------


def test_create_person_cleans_text_and_audits_from_api(tree, commune1_officer: User) -> None:
    api = Api(commune1_officer)
    nfd = unicodedata.normalize("NFD", "Võ Thị  Hồng\u200b Nhung")
    r = api.post(
        URL,
        {
            "full_name": nfd,
            "gender": "female",
            "birth_date": "1990-12-31",
            "unit": tree["TH1"].pk,
            "position": " Hiệu trưởng ",
            "identity_number": "001190000123",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    person = Person.objects.get(pk=body["id"])
    assert person.full_name == "Võ Thị Hồng Nhung"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert body == {
        "id": person.pk,
        "full_name": "Võ Thị Hồng Nhung",
        "gender": "female",
        "birth_date": "1990-12-31",
        "unit": tree["TH1"].pk,
        "position": "Hiệu trưởng",
        "version": 1,
        "identity_number": "001190000123",
    }
    entry = AuditEntry.objects.get(object_type="directory.person", object_id=str(person.pk))
    assert (entry.origin, entry.action, entry.actor_id) == ("api", "person.create", commune1_officer.pk)
    assert entry.after["full_name"] == "Võ Thị Hồng Nhung"
    assert PersonPosting.objects.filter(person=person, unit=tree["TH1"], end_date=None).count() == 1


def test_create_person_outside_scope_is_403_and_writes_nothing(tree, xa1: Api) -> None:
    r = xa1.post(URL, {"full_name": "Mai Văn Tư", "gender": "male", "unit": tree["XA2"].pk})
    assert r.status_code == 403
    assert r.json() == {"detail": "Bạn không có quyền thực hiện thao tác này.", "code": "forbidden"}
    assert not Person.objects.filter(full_name="Mai Văn Tư").exists()
    assert not AuditEntry.objects.filter(action="person.create", origin="api").exists()


def test_viewer_cannot_create(tree, viewer: User) -> None:
    r = Api(viewer).post(URL, {"full_name": "Mai Văn Tư", "gender": "male", "unit": tree["XA2"].pk})
    assert r.status_code == 403


def test_create_with_unknown_unit_is_422(tree, xa1: Api) -> None:
    r = xa1.post(URL, {"full_name": "Mai Văn Tư", "gender": "male", "unit": 999999})
    assert r.status_code == 422
    assert r.json() == {"detail": "Đơn vị không tồn tại.", "code": "unknown_unit"}


def test_duplicate_identity_number_is_422(people, xa1: Api, tree) -> None:
    r = xa1.post(
        URL,
        {
            "full_name": "Mai Văn Tư",
            "gender": "male",
            "unit": tree["XA1"].pk,
            "identity_number": "001085000002",
        },
    )
    assert r.status_code == 422
    assert r.json()["detail"] == "Số định danh cá nhân này đã có trong hệ thống."


# --- update ----------------------------------------------------------------------


def test_patch_person_with_version(people, xa1: Api, commune1_officer: User) -> None:
    p = people["an"]
    r = xa1.patch(f"{URL}{p.pk}", {"full_name": "Trần Văn Ân", "position": "Công an viên", "version": 1})
    assert r.status_code == 200, r.content
    assert r["ETag"] == '"2"'
    assert (r.json()["full_name"], r.json()["position"], r.json()["version"]) == (
        "Trần Văn Ân",
        "Công an viên",
        2,
    )
    entry = AuditEntry.objects.filter(action="person.update", object_id=str(p.pk)).get()
    assert entry.origin == "api"
    assert entry.actor_id == commune1_officer.pk
    assert entry.before["full_name"] == "Trần Văn An"
    assert entry.after["full_name"] == "Trần Văn Ân"


def test_stale_version_is_409(people, xa1: Api) -> None:
    p = people["an"]
    directory.person_update(actor=None, person=p, position="Trưởng thôn")  # someone else saved: v2
    r = xa1.patch(f"{URL}{p.pk}", {"position": "Phó trưởng thôn", "version": 1})
    assert r.status_code == 409
    assert r.json() == {"detail": ConcurrentUpdate().message, "code": "conflict"}
    assert Person.objects.get(pk=p.pk).position == "Trưởng thôn"


def test_if_match_header(people, xa1: Api) -> None:
    p = people["an"]
    stale = xa1.patch(f"{URL}{p.pk}", {"position": "A"}, **{"If-Match": '"7"'})
    assert stale.status_code == 409
    ok = xa1.patch(f"{URL}{p.pk}", {"position": "B"}, **{"If-Match": '"1"'})
    assert (ok.status_code, ok.json()["position"], ok.json()["version"]) == (200, "B", 2)
    bad = xa1.patch(f"{URL}{p.pk}", {"position": "C"}, **{"If-Match": "*"})
    assert bad.status_code == 422
    assert bad.json()["detail"] == "Tiêu đề If-Match phải là số phiên bản của bản ghi."


def test_patch_clears_optional_fields_and_refuses_null_name(people, xa1: Api) -> None:
    p = people["duc1"]
    r = xa1.patch(f"{URL}{p.pk}", {"birth_date": None, "identity_number": None, "position": None})
    assert r.status_code == 200
    assert (r.json()["birth_date"], r.json()["identity_number"], r.json()["position"]) == (None, None, "")
    r = xa1.patch(f"{URL}{p.pk}", {"full_name": None})
    assert r.status_code == 422
    assert r.json()["detail"] == "full_name: không được để trống."


def test_patch_outside_scope_is_404_and_viewer_gets_403(people, xa1: Api, viewer: User) -> None:
    target = people["duc2"]
    r = xa1.patch(f"{URL}{target.pk}", {"position": "X"})
    assert r.status_code == 404
    r = Api(viewer).patch(f"{URL}{target.pk}", {"position": "X"})
    assert r.status_code == 403
    assert Person.objects.get(pk=target.pk).position == ""
    assert not AuditEntry.objects.filter(action="person.update").exists()


def test_patch_unit_field_is_refused(people, xa1: Api, tree) -> None:
    r = xa1.patch(f"{URL}{people['an'].pk}", {"unit": tree["TH1"].pk})
    assert r.status_code == 422
    assert r.json()["errors"] == ["unit: trường không được phép"]


# --- move ----------------------------------------------------------------------------


def test_move_person_within_scope(people, xa1: Api, tree) -> None:
    p = people["an"]
    r = xa1.post(f"{URL}{p.pk}/move", {"unit": tree["TH1"].pk, "on": "2025-07-01", "position": "Bảo vệ"})
    assert r.status_code == 200, r.content
    assert (r.json()["unit"], r.json()["position"], r.json()["version"]) == (tree["TH1"].pk, "Bảo vệ", 2)
    postings = list(
        PersonPosting.objects.filter(person=p).order_by("id").values_list("unit__code", "end_date")
    )
    assert postings == [("XA1", dt.date(2025, 6, 30)), ("TH1", None)]
    entry = AuditEntry.objects.get(action="person.move", object_id=str(p.pk))
    assert (entry.origin, entry.before["unit"], entry.after["unit"]) == (
        "api",
        tree["XA1"].pk,
        tree["TH1"].pk,
    )


def test_move_to_unit_outside_scope_is_403(people, xa1: Api, tree) -> None:
    p = people["an"]
    r = xa1.post(f"{URL}{p.pk}/move", {"unit": tree["XA2"].pk, "on": "2025-07-01"})
    assert r.status_code == 403
    assert Person.objects.get(pk=p.pk).unit_id == tree["XA1"].pk


def test_move_hidden_person_is_404_and_bad_date_422(people, xa1: Api, tree) -> None:
    r = xa1.post(f"{URL}{people['duc2'].pk}/move", {"unit": tree["XA1"].pk, "on": "2025-07-01"})
    assert r.status_code == 404
    r = xa1.post(f"{URL}{people['an'].pk}/move", {"unit": tree["TH1"].pk, "on": "01/07/2025"})
    assert r.status_code == 422
    assert r.json()["errors"] == ["on: ngày không hợp lệ (YYYY-MM-DD)"]


def test_move_with_stale_version_is_409(people, xa1: Api, tree) -> None:
    p = people["an"]
    r = xa1.post(f"{URL}{p.pk}/move", {"unit": tree["TH1"].pk, "on": "2025-07-01", "version": 5})
    assert r.status_code == 409
    assert Person.objects.get(pk=p.pk).unit_id == tree["XA1"].pk


# --- history ---------------------------------------------------------------------------


def test_history_shows_api_changes(people, xa1: Api, commune1_officer: User) -> None:
    p = people["an"]
    xa1.patch(f"{URL}{p.pk}", {"position": "Công an viên"})
    r = xa1.get(f"{URL}{p.pk}/history")
    assert r.status_code == 200
    entries = r.json()
    assert [(e["action"], e["origin"], e["who"]) for e in entries] == [
        ("person.update", "api", "canboxa1"),
        ("person.create", "system", "hệ thống"),
    ]
    assert entries[0]["changes"] == [{"field": "position", "before": "", "after": "Công an viên"}]
    dt.datetime.fromisoformat(entries[0]["when"])


def test_history_refusals(people, xa1: Api, viewer: User, tree) -> None:
    # Hidden person: 404. Visible but no audit right (viewer): 403.
    assert xa1.get(f"{URL}{people['duc2'].pk}/history").status_code == 404
    r = Api(viewer).get(f"{URL}{people['duc2'].pk}/history")
    assert r.status_code == 403
    assert r.json()["detail"] == "Bạn không có quyền xem lịch sử thay đổi của cá nhân này."


def test_history_masks_identity_number_without_right(people, tree) -> None:
    # An approver has the audit right but not the identity right.
    approver = make_user("pheduyet", Role.APPROVER, tree["XA1"])
    directory.person_update(actor=None, person=people["duc1"], identity_number="001085000009")
    r = Api(approver).get(f"{URL}{people['duc1'].pk}/history")
    assert r.status_code == 200
    assert "001085000009" not in r.content.decode()
    assert "001085000001" not in r.content.decode()
