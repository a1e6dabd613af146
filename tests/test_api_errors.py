"""Whatever a client sends, the API answers a 4xx JSON error in Vietnamese,
never a 500, and hostile text is stored cleaned or refused — never executed."""

from __future__ import annotations

import json
import unicodedata

import pytest
from django.db import connection
from django.test import Client

from thidua.accounts.models import User
from thidua.accounts.services import token_create
from thidua.directory.models import Person, Unit

PEOPLE = "/api/v1/people/"
UNITS = "/api/v1/units/"


@pytest.fixture
def client_for(province_officer: User):
    headers = {"Authorization": f"Bearer {token_create(actor=None, user=province_officer)}"}

    class Api:
        def send(
            self, method: str, url: str, data: str | bytes = b"", content_type: str = "application/json"
        ):
            return getattr(Client(), method)(url, data, content_type=content_type, headers=headers)

        def post(self, url: str, body: object):
            return self.send("post", url, json.dumps(body))

        def get(self, url: str, params: dict | None = None):
            return Client().get(url, params or {}, headers=headers)

    return Api()


@pytest.fixture
def body(tree) -> dict:
    return {"full_name": "Nguyễn Thị Hoa", "gender": "female", "unit": tree["XA1"].pk}


def assert_json_error(r, status: int) -> dict:
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json")
    data = r.json()
    assert isinstance(data["detail"], str) and data["detail"]
    return data


@pytest.mark.parametrize(
    "raw",
    [b"{", b'{"full_name": }', b"\xff\xfe\x00", b"{'full_name': 'x'}", b"nan nan"],
)
def test_bad_json_is_400(client_for, tree, raw: bytes) -> None:
    data = assert_json_error(client_for.send("post", PEOPLE, raw), 400)
    assert data == {"detail": "Nội dung gửi lên không phải JSON hợp lệ."}


@pytest.mark.parametrize("raw", [b"[]", b'"Nguyen"', b"42", b"null", b"true"])
def test_json_that_is_not_an_object_is_422(client_for, tree, raw: bytes) -> None:
    data = assert_json_error(client_for.send("post", PEOPLE, raw), 422)
    assert data["detail"].startswith("Dữ liệu gửi lên không hợp lệ: ")


def test_empty_body_is_422(client_for, tree) -> None:
    data = assert_json_error(client_for.send("post", PEOPLE, b""), 422)
    assert data["detail"].startswith("Dữ liệu gửi lên không hợp lệ: ")


def test_form_encoded_body_is_refused(client_for, tree) -> None:
    r = client_for.send("post", PEOPLE, "full_name=A&gender=male", "application/x-www-form-urlencoded")
    assert 400 <= r.status_code < 500
    assert r.json()["detail"]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"gender": "nam"}, ["gender: giá trị không hợp lệ (chọn một trong: 'male', 'female' hoặc 'other')"]),
        ({"gender": 1}, ["gender: giá trị không hợp lệ (chọn một trong: 'male', 'female' hoặc 'other')"]),
        ({"full_name": 5}, ["full_name: phải là chuỗi ký tự"]),
        ({"full_name": ["a"]}, ["full_name: phải là chuỗi ký tự"]),
        ({"full_name": "A" * 121}, ["full_name: quá dài (tối đa 120 ký tự)"]),
        ({"full_name": ""}, ["full_name: không được để trống"]),
        ({"full_name": "\u200b \u200b"}, ["full_name: không được để trống"]),
        ({"birth_date": "31/12/1990"}, ["birth_date: ngày không hợp lệ (YYYY-MM-DD)"]),
        ({"birth_date": "1990-02-30"}, ["birth_date: ngày không hợp lệ (YYYY-MM-DD)"]),
        ({"unit": "XA1"}, ["unit: phải là số nguyên"]),
        ({"unit": 1.5}, ["unit: phải là số nguyên"]),
        ({"unit": 10**30}, ["unit: giá trị quá lớn (≤ 9223372036854775807)"]),
        ({"unit": 0}, ["unit: giá trị quá nhỏ (≥ 1)"]),
        ({"position": "x" * 256}, ["position: quá dài (tối đa 255 ký tự)"]),
        ({"identity_number": "1" * 21}, ["identity_number: quá dài (tối đa 20 ký tự)"]),
        ({"is_admin": True}, ["is_admin: trường không được phép"]),
    ],
)
def test_wrong_types_and_lengths_are_422(client_for, body, change: dict, errors: list[str]) -> None:
    data = assert_json_error(client_for.post(PEOPLE, {**body, **change}), 422)
    assert data["errors"] == errors
    assert data["detail"] == "Dữ liệu gửi lên không hợp lệ: " + "; ".join(errors)
    assert list(data["fields"]) == [errors[0].split(":")[0]]
    assert not Person.objects.exists()


def test_missing_fields_listed(client_for, tree) -> None:
    data = assert_json_error(client_for.post(PEOPLE, {}), 422)
    assert data["errors"] == [
        "full_name: thiếu trường bắt buộc",
        "gender: thiếu trường bắt buộc",
        "unit: thiếu trường bắt buộc",
    ]


def test_the_value_sent_is_never_echoed(client_for, body) -> None:
    r = client_for.post(PEOPLE, {**body, "gender": "<script>alert(1)</script>"})
    assert r.status_code == 422
    assert "<script>" not in r.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script>",
        "Robert'); DROP TABLE directory_person;--",
        "Nguyễn Văn 1",
        "a@b.c",
    ],
)
def test_hostile_names_are_refused(client_for, body, name: str) -> None:
    data = assert_json_error(client_for.post(PEOPLE, {**body, "full_name": name}), 422)
    assert data == {"detail": "Họ và tên chỉ được chứa chữ cái, dấu cách và dấu gạch nối.", "code": "invalid"}
    assert Person.objects.count() == 0  # and the table is still there


def test_invisible_control_and_nfd_characters_are_cleaned(client_for, body) -> None:
    name = unicodedata.normalize("NFD", "Ngu\u200byễn\x00Thị\u00ad\tHoa\ufeff")
    r = client_for.post(PEOPLE, {**body, "full_name": name})
    assert r.status_code == 201, r.content
    assert r.json()["full_name"] == "Nguyễn Thị Hoa"
    assert Person.objects.get().full_name == "Nguyễn Thị Hoa"
    assert Person.objects.get().search_key == "nguyen thi hoa"


def test_long_nfd_name_is_measured_after_normalisation(client_for, body) -> None:
    # 40 × "Ộ" is 40 characters in NFC but 120 code points in NFD.
    name = unicodedata.normalize("NFD", "Lê " + "Ộ" * 40)
    assert len(name) > 120
    r = client_for.post(PEOPLE, {**body, "full_name": name})
    assert r.status_code == 201, r.content


def test_unit_names_with_markup_are_stored_as_text(client_for, tree) -> None:
    name = "<img src=x onerror=alert(1)> Đội ' OR 1=1 --"
    r = client_for.post(UNITS, {"code": "X'1", "name": name, "kind": "other", "parent": tree["XA1"].pk})
    assert r.status_code == 201
    assert r["Content-Type"].startswith("application/json")
    assert Unit.objects.get(code="X'1").name == name
    assert r.json()["name"] == name


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE directory_person; --",
        "%' OR '1'='1",
        "\\",
        "<script>",
        "nguyen\u200b",
        "😀" * 50,
        unicodedata.normalize("NFD", "Đức") * 20,
    ],
)
def test_hostile_search_text_is_harmless(client_for, tree, q: str) -> None:
    for url in (PEOPLE, UNITS):
        r = client_for.get(url, {"q": q})
        assert r.status_code == 200, (url, r.content)
        assert r.json() == {"items": [], "count": 0}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM directory_person")


@pytest.mark.parametrize(
    "url",
    ["/api/v1/people/abc", "/api/v1/people/-1", "/api/v1/people/1.5", "/api/v1/units/0x1"],
)
def test_non_numeric_ids_do_not_match_a_route(client_for, tree, url: str) -> None:
    assert client_for.get(url).status_code == 404


def test_huge_id_is_404_not_overflow(client_for, tree) -> None:
    data = assert_json_error(client_for.get(f"{PEOPLE}{10**25}"), 404)
    assert data["detail"] == "Không tìm thấy cá nhân."


def test_method_not_allowed_is_405(client_for, tree) -> None:
    r = client_for.send("delete", f"{UNITS}{tree['XA1'].pk}")
    assert r.status_code == 405
    assert r.json() == {"detail": "Phương thức không được hỗ trợ."}
    assert r["Allow"] == "GET, PATCH"


def test_control_characters_only_search_is_no_search(client_for, tree) -> None:
    r = client_for.get(UNITS, {"q": "\x00\x01 \u200b"})
    assert (r.status_code, r.json()["count"]) == (200, 6)


def test_session_write_without_csrf_is_refused(province_officer: User, tree) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(province_officer)
    assert client.get(f"{UNITS}{tree['XA1'].pk}").status_code == 200
    r = client.patch(f"{UNITS}{tree['XA1'].pk}", {"name": "Lộ"}, content_type="application/json")
    assert r.status_code == 403
    assert r.json()["detail"] == "Thiếu hoặc sai mã CSRF."
    assert Unit.objects.get(pk=tree["XA1"].pk).name == "Xã Một"
