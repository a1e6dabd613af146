"""The registry's services: what is refused, what is kept and flagged, audit,
optimistic locking; ratings, the HTXSNV cap, initiatives, disciplines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import make_user
from thidua.accounts.enums import Role
from thidua.awards import services
from thidua.awards.models import AwardRecord, Rating
from thidua.core.errors import ConcurrentUpdate, DomainError, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.directory import services as directory


@pytest.fixture
def people(tree):
    def person(name, unit, birth=None):
        return directory.person_create(
            actor=None, full_name=name, gender="female", unit=tree[unit], birth_date=birth
        )

    return {
        "lan": person("Nguyễn Thị Lan", "TH1", dt.date(1980, 2, 1)),
        "hoa": person("Trần Thị Hoa", "TH2", dt.date(1985, 4, 3)),
        "mai": person("Lê Thị Mai", "XA1"),
    }


def create(**kw):
    kw.setdefault("actor", None)
    return services.award_record_create(**kw)


def refusal(**kw) -> str:
    before = AwardRecord.objects.count()
    with pytest.raises(DomainError) as info:
        create(**kw)
    assert AwardRecord.objects.count() == before
    return info.value.message


def test_record_priced_owned_and_audited(people, commune1_officer):
    record = create(
        actor=commune1_officer,
        award_type="LDTT",
        year=2024,
        person=people["lan"],
        decision_number="12/QĐ-UBND",
        decision_date=dt.date(2025, 1, 15),
        authority_level="commune",
    )
    assert record.owner_unit.code == "TH1"
    assert record.rule.rule_set.code == "L2022-D98"
    assert (record.prize_coefficient, record.base_salary, record.prize_amount) == (
        Decimal("0.3"),
        2_340_000,
        710_000,
    )
    entry = AuditEntry.objects.get(action="award.create", object_id=str(record.pk))
    assert entry.actor == commune1_officer
    assert entry.after["decision_number"] == "12/QĐ-UBND"


def test_unknown_award_code(people):
    assert refusal(award_type="LDXX", year=2024, person=people["lan"]) == (
        "Loại khen thưởng «LDXX» không có trong danh mục."
    )


def test_recipient_kind_not_allowed(tree):
    assert refusal(award_type="LDTT", year=2024, unit=tree["TH1"]) == (
        "Danh hiệu Lao động tiên tiến chỉ dành cho cá nhân."
    )


def test_year_out_of_range(people):
    this_year = dt.date.today().year
    message = f"Năm thành tích {this_year + 1} không hợp lệ: phải từ 1945 đến {this_year}."
    assert refusal(award_type="LDTT", year=this_year + 1, person=people["lan"]) == message
    assert "1944" in refusal(award_type="LDTT", year=1944, person=people["lan"])


def test_decision_date_before_the_year_or_in_the_future(people):
    assert refusal(
        award_type="LDTT", year=2024, person=people["lan"], decision_date=dt.date(2023, 12, 31)
    ) == ("Ngày quyết định 31/12/2023 trước năm thành tích 2024.")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert refusal(award_type="LDTT", year=2024, person=people["lan"], decision_date=tomorrow) == (
        f"Ngày quyết định {tomorrow:%d/%m/%Y} ở tương lai."
    )


def test_duplicate_regular_record(people):
    create(award_type="LDTT", year=2023, person=people["lan"], decision_number="5/QĐ")
    assert refusal(award_type="LDTT", year=2023, person=people["lan"]) == (
        "Nguyễn Thị Lan đã có Lao động tiên tiến năm 2023 trong sổ (quyết định 5/QĐ)."
    )
    # Another year, or after revocation, is fine.
    create(award_type="LDTT", year=2022, person=people["lan"])


def test_thematic_and_sudden_duplicates(people):
    create(
        award_type="GK", year=2024, person=people["lan"], occasion="thematic", movement_name="Nông thôn mới"
    )
    create(
        award_type="GK", year=2024, person=people["lan"], occasion="thematic", movement_name="Chuyển đổi số"
    )
    assert "đã có Giấy khen năm 2024" in refusal(
        award_type="GK", year=2024, person=people["lan"], occasion="thematic", movement_name="nong thon moi"
    )
    create(award_type="GK", year=2024, person=people["lan"], occasion="sudden", decision_number="7/QĐ")
    assert "(quyết định 7/QĐ)" in refusal(
        award_type="GK", year=2024, person=people["lan"], occasion="sudden", decision_number="7/QĐ"
    )


def test_commune_chair_authority_for_cstd_cs_depends_on_the_date(people):
    message = refusal(
        award_type="CSTD_CS",
        year=2024,
        person=people["lan"],
        authority_level="commune",
        decision_date=dt.date(2025, 3, 10),
    )
    assert message.startswith(
        "Chủ tịch UBND cấp xã không có thẩm quyền tặng Chiến sĩ thi đua cơ sở vào ngày 10/03/2025 "
        "(bộ quy định L2022-D98;"
    )
    record = create(
        award_type="CSTD_CS",
        year=2024,
        person=people["lan"],
        authority_level="commune",
        decision_date=dt.date(2025, 9, 10),
    )
    assert record.rule.rule_set.code == "L2022-D152"


def test_authority_level_derived_from_a_commune_authority(people, tree):
    record = create(
        award_type="GK",
        year=2024,
        person=people["lan"],
        authority=tree["XA1"],
        decision_date=dt.date(2025, 3, 10),
    )
    assert (record.authority_level, record.authority_name) == ("commune", "Xã Một")
    assert record.prize_amount == 360_000


def test_missing_basis_is_flagged_not_refused(people):
    """A CSTĐ cơ sở with no LĐTT, rating or initiative in the system: kept, flagged."""
    record = create(award_type="CSTD_CS", year=2023, person=people["lan"], decision_date=dt.date(2024, 1, 20))
    record.refresh_from_db()
    assert record.missing_basis is True
    assert any("Lao động tiên tiến" in note for note in record.basis_notes), record.basis_notes


def test_scope_refusal(people, commune1_officer):
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        create(actor=commune1_officer, award_type="LDTT", year=2024, person=people["hoa"])
    assert AuditEntry.objects.count() == before
    viewer = make_user("xem", Role.VIEWER, people["lan"].unit)
    with pytest.raises(PermissionDenied):
        create(actor=viewer, award_type="LDTT", year=2024, person=people["lan"])


def test_revoke_then_the_same_award_may_be_recorded_again(people):
    record = create(award_type="LDTT", year=2023, person=people["lan"], decision_date=dt.date(2024, 1, 10))
    revoked = services.award_record_revoke(
        actor=None, record=record, reason="Kê khai không trung thực", revoked_at=dt.date(2024, 6, 1)
    )
    assert (revoked.status, revoked.revoke_reason, revoked.version) == (
        "revoked",
        "Kê khai không trung thực",
        2,
    )
    with pytest.raises(DomainError, match="đã bị hủy bỏ trước đó"):
        services.award_record_revoke(actor=None, record=record, reason="x", revoked_at=dt.date(2024, 6, 1))
    with pytest.raises(DomainError, match="trước ngày quyết định"):
        services.award_record_revoke(
            actor=None,
            record=create(
                award_type="LDTT", year=2023, person=people["lan"], decision_date=dt.date(2024, 1, 10)
            ),
            reason="x",
            revoked_at=dt.date(2023, 6, 1),
        )


def test_update_with_a_stale_version_is_refused(people):
    record = create(award_type="LDTT", year=2024, person=people["lan"])
    assert record.prize_amount is None
    updated = services.award_record_update(
        actor=None,
        record=record,
        expected_version=1,
        decision_date=dt.date(2025, 2, 1),
        decision_number="9/QĐ",
    )
    assert (updated.version, updated.prize_amount, updated.decision_number) == (2, 710_000, "9/QĐ")
    with pytest.raises(ConcurrentUpdate):
        services.award_record_update(actor=None, record=record, expected_version=1, certificate_number="X")


def test_rating_upsert_and_refusals(people):
    rating = services.rating_set(actor=None, year=2024, grade="HTTNV", person=people["lan"])
    again = services.rating_set(actor=None, year=2024, grade="HTXSNV", person=people["lan"])
    assert (again.pk, again.grade, again.version, again.owner_unit.code) == (rating.pk, "HTXSNV", 2, "TH1")
    assert Rating.objects.count() == 1
    with pytest.raises(DomainError, match="Xếp loại «XS» không hợp lệ"):
        services.rating_set(actor=None, year=2024, grade="XS", person=people["lan"])
    with pytest.raises(DomainError, match="Năm xếp loại"):
        services.rating_set(actor=None, year=dt.date.today().year + 1, grade="HTNV", person=people["lan"])
    with pytest.raises(ConcurrentUpdate):
        services.rating_set(actor=None, year=2024, grade="HTNV", person=people["lan"], expected_version=1)


def test_rating_cap_rounds_down_and_uses_the_unit_grade(tree):
    unit = tree["TH1"]
    grades = ["HTXSNV"] * 8 + ["HTTNV"] * 22 + ["HTNV"] * 3
    for i, grade in enumerate(grades):
        p = directory.person_create(
            actor=None, full_name=f"Giáo Viên {chr(65 + i % 26)}{'a' * (i // 26)}", gender="male", unit=unit
        )
        services.rating_set(actor=None, year=2026, grade=grade, person=p)
    check = services.rating_cap_check(unit, 2026)
    assert (check.rated, check.excellent, check.cap, check.exceeded) == (30, 8, 6, True)  # 20 % of 30
    services.rating_set(actor=None, year=2026, grade="HTXSNV", unit=unit)
    check = services.rating_cap_check(unit, 2026)
    assert (check.cap, check.exceeded, check.max_share) == (7, True, Decimal("0.25"))  # 7.5 → 7
    assert check.message.startswith(
        "8/30 người hoàn thành tốt nhiệm vụ trở lên được xếp loại HTXSNV; tối đa 7"
    )
    assert services.rating_cap_check(unit, 2024) is None  # no public-employee cap before 1/7/2026


def test_initiative_and_discipline(people, commune1_officer):
    initiative = services.initiative_create(
        actor=commune1_officer,
        title="Dạy học số",
        authors=[people["lan"], people["mai"]],
        year=2024,
        scope="base",
    )
    assert sorted(a.full_name for a in initiative.authors.all()) == ["Lê Thị Mai", "Nguyễn Thị Lan"]
    assert initiative.owner_unit.code == "TH1"
    with pytest.raises(PermissionDenied):
        services.initiative_create(
            actor=commune1_officer, title="X", authors=[people["lan"], people["hoa"]], year=2024, scope="base"
        )
    with pytest.raises(DomainError, match="Phạm vi"):
        services.initiative_create(actor=None, title="X", authors=[people["lan"]], year=2024, scope="world")
    d = services.discipline_create(
        actor=commune1_officer, person=people["lan"], measure="canh_cao", start_date=dt.date(2024, 5, 1)
    )
    assert (d.owner_unit.code, d.get_measure_display()) == ("TH1", "Cảnh cáo")
    with pytest.raises(DomainError, match="sau ngày bắt đầu"):
        services.discipline_create(
            actor=None,
            person=people["lan"],
            measure="canh_cao",
            start_date=dt.date(2024, 5, 1),
            end_date=dt.date(2024, 4, 1),
        )
