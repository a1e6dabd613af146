"""Rules are data: the shipped rule sets, and an administrator's change as a new version from a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import make_user
from thidua.accounts.enums import Role
from thidua.awards import versioning
from thidua.awards.models import AwardRule, AwardType, BaseSalary, RuleSet
from thidua.core.audit import history
from thidua.core.errors import DomainError, PermissionDenied


def rule(code: str, on: str) -> AwardRule:
    found = versioning.rule_in_force(AwardType.objects.get(code=code), dt.date.fromisoformat(on))
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("on", "rule_set"),
    [
        ("2023-12-31", "L2013"),
        ("2024-01-01", "L2022-D98"),
        ("2025-06-30", "L2022-D98"),
        ("2025-07-01", "L2022-D152"),
        ("2026-09-30", "L2022-D152"),
        ("2026-10-01", "L2026"),
    ],
)
def test_rule_set_is_chosen_by_date(db, on, rule_set):
    assert rule("LDTT", on).rule_set.code == rule_set


def test_shipped_catalogue_and_base_salaries(db):
    codes = set(AwardType.objects.values_list("code", flat=True))
    assert {"LDTT", "CSTD_CS", "CSTD_TINH", "CSTD_TQ", "TTLDTT", "TTLDXS", "CTD_TINH", "CTD_CP", "GK", "BK_TINH",
            "BK_TTG", "HCLD3", "HCLD2", "HCLD1"} <= codes  # fmt: skip
    amounts = dict(BaseSalary.objects.values_list("valid_from", "amount"))
    assert amounts[dt.date(2019, 7, 1)] == 1_490_000
    assert amounts[dt.date(2023, 7, 1)] == 1_800_000
    assert amounts[dt.date(2024, 7, 1)] == 2_340_000
    assert amounts[dt.date(2026, 7, 1)] == 2_530_000
    assert RuleSet.objects.get(code="L2026").status == "draft"


def test_every_rule_cites_its_source_and_every_leaf_too(db):
    def leaves(node):
        if "pred" in node:
            yield node
        for child in node.get("all", []) + node.get("any", []):
            yield from leaves(child)

    for r in AwardRule.objects.all():
        assert r.citation, r
        for leaf in leaves(r.criteria):
            assert leaf["citation"], (r, leaf)


def test_authority_follows_the_2025_reform(db):
    """Commune chair may award CSTĐ cơ sở only from 1/7/2025 (L22 art. 80(3); Decree 129/2025 art. 59)."""
    assert "commune" not in rule("CSTD_CS", "2025-03-10").authority_levels
    assert "commune" in rule("CSTD_CS", "2025-09-10").authority_levels
    assert "district" not in rule("LDTT", "2025-09-10").authority_levels


def test_commune_chair_giay_khen_coefficient_changes_with_d152(db):
    assert rule("GK", "2025-03-10").prize["individual"]["commune"] == "0.15"
    assert rule("GK", "2025-09-10").prize["individual"]["*"] == "0.3"
    assert "commune" not in rule("GK", "2025-09-10").prize["individual"]


def test_admin_changes_a_coefficient_from_a_date_and_old_version_is_kept(tree):
    admin = make_user("quantri", Role.ADMIN)
    old = rule("BK_TINH", "2025-08-01")
    new = versioning.rule_new_version(
        actor=admin, rule=old, valid_from=dt.date(2026, 1, 1),
        prize={"individual": {"*": "1.6"}, "collective": {"*": "3.2"}}, citation="QĐ 12/2025/QĐ-UBND (thử)",
    )  # fmt: skip
    old.refresh_from_db()
    assert old.valid_to == dt.date(2025, 12, 31)
    assert old.prize["individual"]["*"] == "1.5"
    assert rule("BK_TINH", "2025-12-31").pk == old.pk
    assert rule("BK_TINH", "2026-01-01").pk == new.pk
    assert Decimal(new.prize["individual"]["*"]) == Decimal("1.6")
    assert new.created_by == admin
    assert history(new).get().action == "rule.version"


def test_new_version_refusals(tree):
    admin = make_user("quantri", Role.ADMIN)
    officer = make_user("canbo", Role.UNIT_OFFICER, tree["XA1"])
    current = rule("LDTT", "2025-08-01")
    with pytest.raises(PermissionDenied):
        versioning.rule_new_version(actor=officer, rule=current, valid_from=dt.date(2026, 1, 1), citation="x")
    with pytest.raises(DomainError, match="phải sau 01/07/2025"):
        versioning.rule_new_version(actor=admin, rule=current, valid_from=dt.date(2025, 7, 1), citation="x")
    with pytest.raises(DomainError, match="chỉ áp dụng đến 30/09/2026"):
        versioning.rule_new_version(actor=admin, rule=current, valid_from=dt.date(2026, 11, 1), citation="x")
    with pytest.raises(DomainError, match="không phải là số"):
        versioning.rule_new_version(
            actor=admin, rule=current, valid_from=dt.date(2026, 1, 1), prize={"individual": {"*": "ba"}}
        )
    with pytest.raises(DomainError, match="căn cứ pháp lý"):
        versioning.rule_new_version(actor=admin, rule=current, valid_from=dt.date(2026, 1, 1), citation="  ")
    assert AwardRule.objects.filter(award_type__code="LDTT", rule_set__code="L2022-D152").count() == 1


def test_admin_adds_a_local_title(tree):
    admin = make_user("quantri", Role.ADMIN)
    rule_set = RuleSet.objects.get(code="L2022-D152")
    created = versioning.local_award_type_create(
        actor=admin, code="gia_dinh_hieu_hoc", name="Gia đình hiếu học", category="title", rule_set=rule_set,
        valid_from=dt.date(2025, 9, 1), recipient_kinds=["household"], authority_levels=["commune"],
        prize={"household": {"*": "0.1"}}, citation="Nghị quyết 05/2025/NQ-HĐND tỉnh (thử)",
    )  # fmt: skip
    assert created.award_type.code == "GIA_DINH_HIEU_HOC"
    assert created.award_type.is_local
    assert rule("GIA_DINH_HIEU_HOC", "2025-10-01").pk == created.pk
    assert versioning.rule_in_force(created.award_type, dt.date(2025, 8, 31)) is None
    with pytest.raises(DomainError, match="đã có trong danh mục"):
        versioning.local_award_type_create(
            actor=admin, code="GK", name="x", category="form", rule_set=rule_set, valid_from=dt.date(2025, 9, 1),
            recipient_kinds=["individual"], authority_levels=["commune"], citation="x",
        )  # fmt: skip
