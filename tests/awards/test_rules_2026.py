"""The rule data corrected by the legal review of 11/2026 (docs/legal/verification.md §7),
one worked example per corrected rule: what the engine, the registry and the prize
computation now answer, and why (the article in each docstring).

Dates: ``as_of`` is the day the dossier is received and picks the rule set (see
tests/awards/test_engine.py)."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as global_apps

from thidua.awards import engine, prize, services
from thidua.awards.engine import Candidate
from thidua.awards.models import AwardRecord, AwardRule, AwardType, Household, RuleSet
from thidua.awards.selectors import rule_for
from thidua.core.errors import DomainError

pytestmark = pytest.mark.django_db

D98 = dt.date(2025, 2, 1)
D152 = dt.date(2025, 9, 1)
L26 = dt.date(2026, 11, 2)


def judge(award: str, year: int, as_of: dt.date, *, person=None, unit=None, household=None) -> engine.Verdict:
    return engine.check_one(
        Candidate(
            award=award,
            year=year,
            person_id=person and person.pk,
            unit_id=unit and unit.pk,
            household_id=household and household.pk,
        ),
        as_of=as_of,
    )


def codes(v: engine.Verdict) -> list[str]:
    return [c.code for c in v.criteria]


def price(code: str, kind: str, on: dt.date) -> tuple[Decimal | None, int | None, int | None]:
    rule = rule_for(AwardType.objects.get(code=code), on)
    assert rule is not None
    return prize.prize_for(rule=rule, recipient_kind=kind, authority_level="", decision_date=on)


# --- Bằng khen cấp tỉnh for a collective (L22 art. 74, collective clause, 2h) -------------------


@pytest.mark.parametrize("as_of", [D98, D152, L26])
def test_bk_tinh_collective_two_consecutive_years_ttldxs_is_eligible(mk, as_of):
    """L22 art. 74 (collective): «02 năm liên tục … đạt danh hiệu Tập thể lao động xuất sắc»
    (worded so in TT 25/2025/TT-BKHCN art. 7(3) and Bắc Ninh QĐ 86/2025 art. 3(3)(c))."""
    unit = mk.tree["TH1"]
    mk.award(unit, "TTLDXS", 2023, number="15/QĐ-UBND")
    mk.award(unit, "TTLDXS", 2024, number="20/QĐ-UBND")
    v = judge("BK_TINH", 2024, as_of, unit=unit)
    assert v.status == "eligible"
    chain = next(c for c in v.criteria if c.code == "holds_chain:TTLDXS")
    assert chain.met is True and chain.confidence == "secondhand"
    assert chain.message == "Đạt Tập thể lao động xuất sắc 2 năm liên tục 2023, 2024 ✓"


def test_bk_tinh_collective_two_consecutive_years_htxsnv_is_eligible(mk):
    """L22 art. 74 (collective): «Có 02 năm liên tục được công nhận hoàn thành xuất sắc nhiệm vụ»."""
    unit = mk.tree["TH1"]
    mk.ratings(unit, {2023: "HTXSNV", 2024: "HTXSNV"})
    v = judge("BK_TINH", 2024, D152, unit=unit)
    assert v.status == "eligible"
    # the collective's own discipline (D152 art. 4) is judged beside its art. 74 criteria
    assert codes(v) == ["rating_years", "holds_chain:TTLDXS", "no_discipline"]


def test_bk_tinh_collective_one_good_year_is_not_eligible_and_says_what_is_missing(mk):
    unit = mk.tree["TH1"]
    mk.ratings(unit, {2023: "HTTNV", 2024: "HTXSNV"})
    v = judge("BK_TINH", 2024, D152, unit=unit)
    assert v.status == "not_eligible"
    assert v.missing == [
        "còn thiếu: 01 năm hoàn thành xuất sắc nhiệm vụ hoặc 02 năm Tập thể lao động xuất sắc (2023, 2024)"
    ]
    # the individual's criteria (74(1)(d): CSTĐ cơ sở chain, initiatives) are not listed; the
    # discipline criterion is the collective's own (D152 art. 4)
    assert not {"holds_chain:CSTD_CS", "initiative"} & set(codes(v))
    assert next(c for c in v.criteria if c.code == "no_discipline").message == (
        "Tập thể không bị kỷ luật trong năm 2024 ✓"
    )


def test_bk_tinh_individual_route_is_unchanged_by_the_collective_branch(mk):
    """L22 art. 74(1)(d) (MoHA answer): 2 consecutive CSTĐ cơ sở — the individual branch alone is judged."""
    p = mk.person()
    mk.award(p, "CSTD_CS", 2023)
    mk.award(p, "CSTD_CS", 2024)
    v = judge("BK_TINH", 2024, D152, person=p)
    assert v.status == "eligible"
    assert "holds_chain:TTLDXS" not in codes(v)
    assert next(c for c in v.criteria if c.code == "holds_chain:CSTD_CS").alternative == "1.1"


def test_bk_tinh_household_needs_review_on_its_own_criterion(tree):
    """L22 art. 74 (household): a human judges «đóng góp về công sức, đất đai, tài sản»."""
    household = Household.objects.create(name="Hộ ông Lò Văn Pánh", head_name="Lò Văn Pánh", unit=tree["XA1"])
    v = judge("BK_TINH", 2025, D152, household=household)
    assert v.status == "needs_review"
    assert codes(v) == ["manual"]
    assert v.criteria[0].message.startswith("Hộ gia đình gương mẫu chấp hành chủ trương")


# --- Collectives under forms whose collective clause was not read -------------------------------------


def test_hcld3_collective_is_no_longer_refused_on_the_individual_criteria(mk):
    """L22 art. 44(1)(e) is for individuals; art. 44(2) is for workers and farmers (TVPL quoting
    the law), so a collective without a BK_TTG was wrongly «not eligible». Now: needs review."""
    v = judge("HCLD3", 2024, D98, unit=mk.tree["XA1"])
    assert v.status == "needs_review"
    assert codes(v) == ["manual", "no_discipline"]
    assert v.criteria[0].confidence == "unconfirmed"
    assert "chưa được đối chiếu" in v.criteria[0].message


@pytest.mark.parametrize(("as_of", "year"), [(dt.date(2023, 12, 1), 2023), (D98, 2024), (D152, 2025)])
def test_bk_ttg_collective_needs_review_not_the_individual_chain(mk, as_of, year):
    """L22 art. 73(1)(b) and D91 art. 38(1)(c) are individual criteria; the collective clause was not read."""
    v = judge("BK_TTG", year, as_of, unit=mk.tree["XA1"])
    assert v.status == "needs_review"
    # from L2022 the collective's own discipline is judged too (D98 / D152 art. 4)
    assert codes(v) == (["manual"] if year == 2023 else ["manual", "no_discipline"])


def test_hcld3_individual_route_still_refuses_without_bk_ttg(mk):
    """L22 art. 44(1)(e): BK_TTG first — unchanged for individuals."""
    p = mk.person()
    mk.ratings(p, {y: "HTXSNV" for y in range(2020, 2025)})
    v = judge("HCLD3", 2024, D98, person=p)
    assert v.status == "not_eligible"
    assert next(c for c in v.criteria if c.code == "holds_before:BK_TTG").met is False


# --- Prize money under D152 (arts. 50, 54) ---------------------------------------------------------


def test_d152_household_bang_khen_is_one_and_a_half_times_the_individual():
    """D152 art. 54 (TVPL table, 2h): a household gets 1.5 × the individual amount —
    BK tỉnh 1.5 → 2.25: 2.25 × 2.340.000 = 5.265.000 → 5.270.000 (rounded up)."""
    on = dt.date(2025, 9, 10)
    assert price("BK_TINH", "household", on) == (Decimal("2.25"), 2_340_000, 5_270_000)
    assert price("BK_TTG", "household", on) == (Decimal("5.25"), 2_340_000, 12_290_000)
    assert price("GK", "household", on) == (Decimal("0.45"), 2_340_000, 1_060_000)
    # the individual amounts are unchanged
    assert price("BK_TINH", "individual", on) == (Decimal("1.5"), 2_340_000, 3_510_000)


def test_d98_household_bang_khen_keeps_the_individual_amount():
    """D98: the household coefficient was not found; the value shipped before is kept."""
    assert price("BK_TINH", "household", dt.date(2025, 3, 10))[0] == Decimal("1.0")


def test_d152_cờ_thi_đua_tỉnh_prize_is_art_50_eight_times():
    """D152 art. 50 (TVPL table): Cờ thi đua bộ, ban, ngành, tỉnh 8,0 — was unread for D152."""
    on = dt.date(2025, 12, 1)
    assert price("CTD_TINH", "collective", on) == (Decimal("8.0"), 2_340_000, 18_720_000)
    rule = rule_for(AwardType.objects.get(code="TTLDTT"), on)
    assert rule is not None and "NĐ 152/2025 Điều 50" in rule.citation


# --- Authority (L22 art. 80, D129 art. 59) -------------------------------------------------------------


def test_ttldtt_commune_chair_refused_before_1_7_2025_allowed_after(tree):
    """L22 art. 80(3): the commune chair awards LĐTT, Giấy khen, Gia đình văn hóa only;
    D129/2025 art. 59 adds Tập thể LĐTT, CSTĐ cơ sở, thôn văn hóa from 1/7/2025."""
    unit = tree["TH1"]
    before = AwardRecord.objects.count()
    with pytest.raises(DomainError) as info:
        services.award_record_create(
            actor=None,
            award_type="TTLDTT",
            year=2024,
            unit=unit,
            authority_level="commune",
            decision_date=dt.date(2025, 3, 10),
        )
    assert AwardRecord.objects.count() == before
    assert "Điều 80(1), (2), (4)" in info.value.message
    record = services.award_record_create(
        actor=None,
        award_type="TTLDTT",
        year=2025,
        unit=unit,
        authority_level="commune",
        decision_date=dt.date(2025, 12, 10),
    )
    assert record.rule.rule_set.code == "L2022-D152"
    assert "NĐ 129/2025 Điều 59" in record.rule.citation


# --- L2026 stays a draft -----------------------------------------------------------------------------------


def test_l2026_is_still_a_draft_and_keeps_the_l22_criteria_for_cstd_cs(mk):
    """Law 06/2026/QH16: the passed text was not found; the draft art. 23 (HTXSNV **and** an
    initiative) is not applied — HTXSNV alone still qualifies, with a draft warning."""
    p = mk.person()
    mk.award(p, "LDTT", 2026)
    mk.rating(p, 2026, "HTXSNV")
    v = judge("CSTD_CS", 2026, L26, person=p)
    assert (v.status, v.rule_set) == ("eligible", "L2026")
    assert any("chưa được xác nhận (dự thảo)" in w for w in v.warnings)
    assert RuleSet.objects.get(code="L2026").status == "draft"


# --- The data migration reaches databases loaded with the older data -------------------------------------


def _migration():
    return importlib.import_module("thidua.awards.migrations.0003_rules_legal_review")


def test_migration_refreshes_an_unused_rule_and_versions_a_used_one(mk):
    """0003: a rule no record uses is corrected in place; one used by records gets a corrected row
    beside it — old records keep the old row, new checks use the new one."""
    rs = RuleSet.objects.get(code="L2022-D152")
    bk = AwardRule.objects.get(rule_set=rs, award_type__code="BK_TINH", issuer__isnull=True)
    hc = AwardRule.objects.get(rule_set=rs, award_type__code="HCLD3", issuer__isnull=True)
    shipped_bk, shipped_hc = bk.criteria, hc.criteria
    # what a database loaded before the review holds: the individual tree for every kind
    old_tree = {"all": shipped_bk["all"][0]["all"]}
    AwardRule.objects.filter(pk=bk.pk).update(criteria=old_tree, prize={"household": {"*": "1.5"}})
    AwardRule.objects.filter(pk=hc.pk).update(criteria={"all": shipped_hc["all"][0]["all"]})
    unit = mk.tree["TH1"]
    old_record = mk.award(unit, "BK_TINH", 2025)
    AwardRecord.objects.filter(pk=old_record.pk).update(rule=bk)

    _migration().forwards(global_apps, None)

    hc.refresh_from_db()
    assert hc.criteria == shipped_hc  # unused: corrected in place
    assert AwardRule.objects.filter(rule_set=rs, award_type__code="HCLD3").count() == 1
    bk.refresh_from_db()
    assert bk.criteria == old_tree  # used: kept for its records
    new = AwardRule.objects.filter(rule_set=rs, award_type__code="BK_TINH").exclude(pk=bk.pk).get()
    assert new.criteria == shipped_bk and new.prize["household"] == {"*": "2.25"}
    old_record.refresh_from_db()
    assert old_record.rule_id == bk.pk
    mk.ratings(unit, {2024: "HTXSNV", 2025: "HTXSNV"})
    v = judge("BK_TINH", 2025, D152, unit=unit)
    assert v.rule_id == new.pk and v.status == "eligible"
    # run again: nothing more to do
    _migration().forwards(global_apps, None)
    assert AwardRule.objects.filter(rule_set=rs, award_type__code="BK_TINH").count() == 2
