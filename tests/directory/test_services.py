"""Writes on units and people: validation, Vietnamese text, concurrency, tree moves."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from thidua.core.errors import ConcurrentUpdate, DomainError
from thidua.directory import selectors, services
from thidua.directory.models import Person, PersonPosting, Unit


def test_names_are_stored_nfc_trimmed_with_search_and_sort_keys(tree):
    nfd = unicodedata.normalize("NFD", "  Nguyễn   Văn\u200b Đức ")
    person = services.person_create(actor=None, full_name=nfd, gender="male", unit=tree["XA1"])
    assert person.full_name == "Nguyễn Văn Đức"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert person.given_name == "Đức"
    assert person.search_key == "nguyen van duc"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Họ và tên không được để trống."),
        ("x" * 121, "Họ và tên: dài quá 120 ký tự."),
        ("<script>alert(1)</script>", "Họ và tên chỉ được chứa chữ cái"),
        ("Robert'); DROP TABLE directory_person;--", "Họ và tên chỉ được chứa chữ cái"),
        ("Nguyễn Văn 007", "Họ và tên chỉ được chứa chữ cái"),
    ],
)
def test_hostile_or_invalid_names_are_refused(tree, name, message):
    with pytest.raises(DomainError, match=message):
        services.person_create(actor=None, full_name=name, gender="male", unit=tree["XA1"])
    assert Person.objects.count() == 0


def test_hostile_unit_name_is_stored_as_text_not_executed(tree):
    unit = services.unit_create(
        actor=None,
        code="X'; DROP",
        name="<b>Đội</b> '; DELETE FROM directory_unit;--",
        kind="other",
        parent=tree["XA1"],
    )
    assert Unit.objects.get(pk=unit.pk).name == "<b>Đội</b> '; DELETE FROM directory_unit;--"
    assert Unit.objects.filter(code__in=["TINH", "SNV", "XA1", "XA2", "TH1", "TH2", "X'; DROP"]).count() == 7


def test_stale_version_is_refused_rather_than_overwriting(tree):
    person = services.person_create(actor=None, full_name="Phạm Thị Lan", gender="female", unit=tree["XA1"])
    loaded_by_a = Person.objects.get(pk=person.pk)
    loaded_by_b = Person.objects.get(pk=person.pk)
    services.person_update(
        actor=None, person=loaded_by_a, expected_version=loaded_by_a.version, position="Kế toán"
    )
    with pytest.raises(ConcurrentUpdate, match="người khác sửa"):
        services.person_update(
            actor=None, person=loaded_by_b, expected_version=loaded_by_b.version, position="Văn thư"
        )
    assert Person.objects.get(pk=person.pk).position == "Kế toán"


def test_unit_update_with_stale_version_is_refused(tree):
    unit = Unit.objects.get(code="XA1")
    services.unit_update(actor=None, unit=unit, expected_version=1, name="Xã Một Mới")
    with pytest.raises(ConcurrentUpdate):
        services.unit_update(actor=None, unit=unit, expected_version=1, name="Xã Một Cũ")
    assert Unit.objects.get(code="XA1").name == "Xã Một Mới"


def test_moving_a_unit_moves_its_subtree(tree):
    services.unit_update(actor=None, unit=tree["XA1"], parent=tree["SNV"])
    school = Unit.objects.get(code="TH1")
    snv = Unit.objects.get(code="SNV")
    assert school.path == f"{snv.path}{tree['XA1'].pk}/{school.pk}/"
    assert school.depth == 3
    with pytest.raises(DomainError, match="chính nó"):
        services.unit_update(actor=None, unit=snv, parent=school)


def test_unit_validity_must_be_ordered_and_codes_unique(tree):
    with pytest.raises(DomainError, match="phải sau ngày bắt đầu"):
        services.unit_create(
            actor=None,
            code="NEW",
            name="Mới",
            kind="other",
            parent=tree["TINH"],
            valid_from=dt.date(2025, 7, 1),
            valid_to=dt.date(2025, 6, 30),
        )
    with pytest.raises(DomainError, match="đã tồn tại"):
        services.unit_create(actor=None, code="XA1", name="Trùng", kind="commune", parent=tree["TINH"])


def test_person_move_keeps_history_of_postings(tree):
    person = services.person_create(
        actor=None,
        full_name="Hoàng Văn Nam",
        gender="male",
        unit=tree["TH1"],
        position="Giáo viên",
        start_date=dt.date(2015, 9, 1),
    )
    services.person_move(
        actor=None, person=person, unit=tree["TH2"], on=dt.date(2023, 8, 15), position="Hiệu phó"
    )
    postings = list(PersonPosting.objects.filter(person=person).order_by("start_date"))
    assert [(p.unit.code, p.position, p.start_date, p.end_date) for p in postings] == [
        ("TH1", "Giáo viên", dt.date(2015, 9, 1), dt.date(2023, 8, 14)),
        ("TH2", "Hiệu phó", dt.date(2023, 8, 15), None),
    ]


def test_identity_numbers_are_unique_and_digits(tree):
    services.person_create(
        actor=None, full_name="Lê Văn A", gender="male", unit=tree["XA1"], identity_number="001090012345"
    )
    with pytest.raises(DomainError, match="đã có trong hệ thống"):
        services.person_create(
            actor=None, full_name="Lê Văn B", gender="male", unit=tree["XA1"], identity_number="001090012345"
        )
    with pytest.raises(DomainError, match="chỉ gồm chữ số"):
        services.person_create(
            actor=None, full_name="Lê Văn C", gender="male", unit=tree["XA1"], identity_number="12ab"
        )


def test_search_without_diacritics_and_vietnamese_order(tree, admin_user):
    for name in [
        "Nguyễn Văn Đức",
        "Đặng Thị Hoa",
        "Trần Văn An",
        "Nguyễn Văn Anh",
        "Lê Văn Ánh",
        "Nguyễn Văn Dũng",
    ]:
        services.person_create(actor=None, full_name=name, gender="male", unit=tree["XA1"])
    assert [p.full_name for p in selectors.people_list(admin_user, q="nguyen van duc")] == ["Nguyễn Văn Đức"]
    assert [p.full_name for p in selectors.people_list(admin_user, q="dang")] == ["Đặng Thị Hoa"]
    assert [p.full_name for p in selectors.people_list(admin_user)] == [
        "Trần Văn An",
        "Nguyễn Văn Anh",
        "Lê Văn Ánh",
        "Nguyễn Văn Dũng",
        "Nguyễn Văn Đức",
        "Đặng Thị Hoa",
    ]


def test_lineage_follows_successions_transitively(tree):
    old = services.unit_create(
        actor=None,
        code="HUYEN-CU",
        name="Huyện Cũ",
        kind="district",
        parent=tree["TINH"],
        valid_to=dt.date(2025, 6, 30),
    )
    older = services.unit_create(
        actor=None, code="XA-CU", name="Xã Cũ", kind="commune", parent=old, valid_to=dt.date(2019, 12, 31)
    )
    services.succession_add(actor=None, predecessor=older, successor=old, effective_date=dt.date(2020, 1, 1))
    services.succession_add(
        actor=None, predecessor=old, successor=tree["XA1"], effective_date=dt.date(2025, 7, 1)
    )
    assert {u.code for u in selectors.lineage(tree["XA1"])} == {"XA1", "HUYEN-CU", "XA-CU"}
