"""The eligibility engine against the law's worked examples (docs/eligibility.md,
shared/domain/awards.md). Each test names the article whose criterion it checks.

Dates: ``as_of`` is the day the dossier is received and picks the rule set —
L2013 until 31/12/2023, L2022-D98 from 1/1/2024, L2022-D152 from 1/7/2025,
L2026 (draft) from 1/10/2026."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.awards.conftest import letters
from thidua.awards import engine
from thidua.awards.engine import Candidate

L13 = dt.date(2023, 12, 1)
D98 = dt.date(2025, 2, 1)
D152 = dt.date(2025, 9, 1)
L26 = dt.date(2026, 11, 2)
L22_SETS = [pytest.param(D98, "L2022-D98", id="D98"), pytest.param(D152, "L2022-D152", id="D152"),
            pytest.param(L26, "L2026", id="L2026")]  # fmt: skip


def crit(verdict: engine.Verdict, code: str) -> engine.CriterionResult:
    found = [c for c in verdict.criteria if c.code == code]
    assert len(found) == 1, [c.code for c in verdict.criteria]
    return found[0]


def judge(award: str, year: int, as_of: dt.date, *, person=None, unit=None) -> engine.Verdict:
    return engine.check_one(
        Candidate(award=award, year=year, person_id=person and person.pk, unit_id=unit and unit.pk),
        as_of=as_of,
    )


# --- LĐTT ------------------------------------------------------------------------------------


def test_ldtt_l2013_art24_rated_httnv_is_eligible(mk):
    p = mk.person()
    mk.rating(p, 2023, "HTTNV", source="BB 05/2023")
    v = judge("LDTT", 2023, L13, person=p)
    assert (v.status, v.rule_set) == ("eligible", "L2013")
    c = crit(v, "rating")
    assert c.message == "Xếp loại năm 2023: Hoàn thành tốt nhiệm vụ ✓ (BB 05/2023)"
    assert c.citation == "Luật TĐKT 2003 sửa đổi 2013 Điều 24"
    assert c.facts == ["BB 05/2023"]


@pytest.mark.parametrize(("as_of", "rule_set"), L22_SETS)
def test_ldtt_l22_art24_1a_rated_htnv_is_not_eligible(mk, as_of, rule_set):
    p = mk.person()
    mk.rating(p, 2024, "HTNV")
    v = judge("LDTT", 2024, as_of, person=p)
    assert (v.status, v.eligible, v.rule_set) == ("not_eligible", False, rule_set)
    assert crit(v, "rating").message == (
        "Xếp loại năm 2024: Hoàn thành nhiệm vụ — cần Hoàn thành tốt nhiệm vụ trở lên ✗"
    )
    assert v.missing == ["còn thiếu: 01 năm hoàn thành tốt nhiệm vụ trở lên"]


def test_ldtt_l22_art24_missing_rating_needs_review(mk):
    p = mk.person()
    v = judge("LDTT", 2024, D98, person=p)
    assert (v.status, v.eligible) == ("needs_review", None)
    c = crit(v, "rating")
    assert (c.met, c.message) == (None, "Chưa có dữ liệu xếp loại năm 2024 — cần xem xét")
    assert v.missing == []


# --- CSTĐ cơ sở --------------------------------------------------------------------------------


@pytest.mark.parametrize(("as_of", "rule_set"), L22_SETS)
def test_cstd_cs_l2022_art23_htxsnv_without_initiative_is_eligible(mk, as_of, rule_set):
    p = mk.person()
    mk.award(p, "LDTT", 2024, number="12/QĐ-UBND", date=dt.date(2025, 1, 10))
    mk.rating(p, 2024, "HTXSNV")
    v = judge("CSTD_CS", 2024, as_of, person=p)
    assert (v.status, v.eligible, v.rule_set) == ("eligible", True, rule_set)
    holds = crit(v, "holds:LDTT")
    assert holds.message == "Đạt Lao động tiên tiến năm 2024 ✓ (QĐ 12/QĐ-UBND ngày 10/01/2025)"
    assert holds.facts == ["QĐ 12/QĐ-UBND ngày 10/01/2025"]
    assert holds.citation == "Luật TĐKT 06/2022/QH15 Điều 23"
    assert crit(v, "rating").alternative == "1.1" and crit(v, "initiative").alternative == "1.2"
    assert crit(v, "initiative").message == "Chưa có sáng kiến được công nhận trong năm 2024 ✗"
    assert crit(v, "no_discipline").message == "Không bị kỷ luật trong năm 2024 ✓"
    assert v.missing == []


def test_cstd_cs_l2022_art23_httnv_without_initiative_is_not_eligible(mk):
    p = mk.person()
    mk.award(p, "LDTT", 2024)
    mk.rating(p, 2024, "HTTNV")
    v = judge("CSTD_CS", 2024, D98, person=p)
    assert (v.status, v.eligible) == ("not_eligible", False)
    assert crit(v, "rating").message == (
        "Xếp loại năm 2024: Hoàn thành tốt nhiệm vụ — cần Hoàn thành xuất sắc nhiệm vụ ✗"
    )
    assert v.missing == ["còn thiếu: 01 năm hoàn thành xuất sắc nhiệm vụ hoặc 01 sáng kiến cấp cơ sở"]


def test_cstd_cs_l2022_art23_httnv_with_base_initiative_is_eligible(mk):
    p = mk.person()
    mk.award(p, "LDTT", 2024)
    mk.rating(p, 2024, "HTTNV")
    mk.initiative(p, 2024, title="Số hóa hồ sơ", number="45/QĐ-UBND")
    v = judge("CSTD_CS", 2024, D98, person=p)
    assert v.status == "eligible"
    c = crit(v, "initiative")
    assert (
        c.message
        == "Có 1 sáng kiến được công nhận trong năm 2024 ✓ (Sáng kiến «Số hóa hồ sơ» (QĐ 45/QĐ-UBND))"
    )
    assert c.facts == ["Sáng kiến «Số hóa hồ sơ» (QĐ 45/QĐ-UBND)"]


def test_cstd_cs_l2022_art23_without_ldtt_is_not_eligible(mk):
    p = mk.person()
    mk.rating(p, 2024, "HTXSNV")
    v = judge("CSTD_CS", 2024, D98, person=p)
    assert v.status == "not_eligible"
    assert crit(v, "holds:LDTT").message == "Chưa có Lao động tiên tiến năm 2024 ✗"
    assert v.missing == ["còn thiếu: Lao động tiên tiến năm 2024"]


def test_cstd_cs_l2013_art23_requires_an_initiative(mk):
    p = mk.person()
    mk.award(p, "LDTT", 2023)
    mk.rating(p, 2023, "HTXSNV")
    v = judge("CSTD_CS", 2023, L13, person=p)
    assert (v.status, v.rule_set) == ("not_eligible", "L2013")
    assert crit(v, "initiative").citation == "Luật TĐKT 2003 sửa đổi 2013 Điều 23; NĐ 91/2017 Điều 9(3)"
    assert v.missing == ["còn thiếu: 01 sáng kiến cấp cơ sở"]
    mk.initiative(p, 2023)
    assert judge("CSTD_CS", 2023, L13, person=p).status == "eligible"


def test_cstd_cs_l2022_initiative_consumed_by_another_award_does_not_count(mk):
    """An initiative supports one proposal only (CV 5007/BNV-TĐKT)."""
    p = mk.person()
    mk.award(p, "LDTT", 2024)
    mk.rating(p, 2024, "HTTNV")
    other = mk.award(p, "GK", 2024, occasion="thematic")
    mk.initiative(p, 2024, title="Sổ tay điện tử", consumed_by=other)
    v = judge("CSTD_CS", 2024, D98, person=p)
    assert v.status == "not_eligible"
    assert crit(v, "initiative").message == (
        "Chưa có sáng kiến được công nhận trong năm 2024 ✗; sáng kiến «Sổ tay điện tử» đã dùng cho "
        "Giấy khen năm 2024, không tính lại"
    )


def test_cstd_cs_initiative_consumed_by_this_same_proposal_counts(mk):
    p = mk.person()
    mk.award(p, "LDTT", 2024)
    mk.rating(p, 2024, "HTTNV")
    own = mk.award(p, "CSTD_CS", 2024)
    mk.initiative(p, 2024, consumed_by=own)
    v = judge("CSTD_CS", 2024, D98, person=p)
    assert v.status == "eligible"
    assert v.warnings == [
        f"Đã được tặng Chiến sĩ thi đua cơ sở năm 2024 (sổ khen thưởng số {own.pk}): đề nghị trùng."
    ]


# --- CSTĐ cấp tỉnh, toàn quốc --------------------------------------------------------------------


@pytest.mark.parametrize(("as_of", "rule_set"), L22_SETS)
def test_cstd_tinh_l2022_art22_1_chain_and_province_initiative_are_met(mk, as_of, rule_set):
    p = mk.person()
    for y in (2021, 2022, 2023):
        mk.award(p, "CSTD_CS", y, number=f"{y - 2000}/QĐ-UBND")
    mk.initiative(p, 2022, "province", title="Phần mềm một cửa")
    v = judge("CSTD_TINH", 2023, as_of, person=p)
    assert (v.status, v.rule_set) == ("eligible", rule_set)
    chain = crit(v, "holds_chain:CSTD_CS")
    assert chain.message == "Đạt Chiến sĩ thi đua cơ sở 3 năm liên tục 2021, 2022, 2023 ✓"
    assert chain.facts == ["2021: QĐ 21/QĐ-UBND", "2022: QĐ 22/QĐ-UBND", "2023: QĐ 23/QĐ-UBND"]
    assert crit(v, "initiative").message.startswith(
        "Có 1 sáng kiến cấp bộ, ngành, tỉnh trở lên được công nhận trong các năm 2021–2023 ✓"
    )


def test_cstd_tinh_l2022_art22_1_chain_with_a_gap_is_not_met(mk):
    p = mk.person()
    for y in (2021, 2023):
        mk.award(p, "CSTD_CS", y)
    mk.initiative(p, 2022, "base")
    v = judge("CSTD_TINH", 2023, D98, person=p)
    assert v.status == "not_eligible"
    assert crit(v, "holds_chain:CSTD_CS").message == (
        "Chiến sĩ thi đua cơ sở 2021–2023: thiếu năm 2022 (cần 3 năm liên tục) ✗"
    )
    assert crit(v, "initiative").message == (
        "Chưa có sáng kiến cấp bộ, ngành, tỉnh trở lên được công nhận trong các năm 2021–2023 ✗"
    )
    assert v.missing == [
        "còn thiếu: 01 năm Chiến sĩ thi đua cơ sở (2022)",
        "còn thiếu: 01 sáng kiến cấp bộ, ngành, tỉnh",
    ]


def test_cstd_tinh_l2013_art22_chain_and_province_initiative(mk):
    p = mk.person()
    for y in (2021, 2022, 2023):
        mk.award(p, "CSTD_CS", y)
    mk.initiative(p, 2023, "national")
    v = judge("CSTD_TINH", 2023, L13, person=p)
    assert (v.status, v.rule_set) == ("eligible", "L2013")
    assert crit(v, "initiative").citation == "NĐ 91/2017 Điều 9(2)"


def test_cstd_tinh_chain_across_the_2024_boundary_counts_titles_under_the_old_law(mk):
    """Dossier received 1/2/2025: L2022-D98 decides, and the 2022 and 2023 CSTĐ cơ sở
    decided under Law 2013 count in the chain (MoHA's reading of the transition)."""
    p = mk.person()
    for y in (2022, 2023, 2024):
        mk.award(p, "CSTD_CS", y)
    mk.initiative(p, 2023, "province")
    v = judge("CSTD_TINH", 2024, D98, person=p)
    assert (v.status, v.rule_set) == ("eligible", "L2022-D98")
    assert crit(v, "holds_chain:CSTD_CS").met is True


def test_cstd_tinh_thematic_and_sudden_awards_do_not_count_toward_chains(mk):
    """D152 art. 4(3): thematic and sudden awards are not a basis for a higher award."""
    p = mk.person()
    mk.award(p, "CSTD_CS", 2022, occasion="thematic")
    mk.award(p, "CSTD_CS", 2023, occasion="sudden")
    mk.award(p, "CSTD_CS", 2024)
    mk.initiative(p, 2024, "province")
    v = judge("CSTD_TINH", 2024, D152, person=p)
    assert v.status == "not_eligible"
    assert crit(v, "holds_chain:CSTD_CS").message == (
        "Chiến sĩ thi đua cơ sở 2022–2024: thiếu năm 2022, 2023 (cần 3 năm liên tục) ✗"
    )


def test_cstd_tinh_revoked_records_do_not_count(mk):
    p = mk.person()
    mk.award(p, "CSTD_CS", 2022)
    mk.award(p, "CSTD_CS", 2023, status="revoked")
    mk.award(p, "CSTD_CS", 2024)
    mk.initiative(p, 2024, "province")
    v = judge("CSTD_TINH", 2024, D98, person=p)
    assert crit(v, "holds_chain:CSTD_CS").met is False


@pytest.mark.parametrize(("as_of", "year", "rule_set"), [(L13, 2023, "L2013"), (D98, 2024, "L2022-D98")])
def test_cstd_tq_art21_two_province_titles_and_a_national_initiative(mk, as_of, year, rule_set):
    p = mk.person()
    mk.award(p, "CSTD_TINH", year - 1)
    mk.award(p, "CSTD_TINH", year)
    mk.initiative(p, year - 4, "province")
    v = judge("CSTD_TQ", year, as_of, person=p)
    assert (v.status, v.rule_set) == ("not_eligible", rule_set)
    assert crit(v, "holds_chain:CSTD_TINH").met is True
    assert v.missing == ["còn thiếu: 01 sáng kiến phạm vi toàn quốc"]
    mk.initiative(p, year - 5, "national")
    assert judge("CSTD_TQ", year, as_of, person=p).status == "eligible"


# --- collectives --------------------------------------------------------------------------------------


def build_unit(mk, year: int, *, members: int = 20, ldtt: int = 14, cstd: int = 1, grade: str = "HTXSNV"):
    """A school (TH1) with ``members`` people all rated HTNV or better, ``ldtt`` LĐTT and ``cstd`` CSTĐ cơ sở."""
    unit = mk.tree["TH1"]
    people = [mk.person(f"Giáo Viên {letters(i)}", "TH1") for i in range(members)]
    for i, p in enumerate(people):
        mk.rating(p, year, "HTTNV" if i < ldtt else "HTNV")
        if i < ldtt:
            mk.award(p, "LDTT", year)
        if i < cstd:
            mk.award(p, "CSTD_CS", year, number="7/QĐ-UBND")
    mk.rating(unit, year, grade)
    return unit, people


@pytest.mark.parametrize(("as_of", "rule_set"), L22_SETS)
def test_ttldxs_l2022_art27_1_worked_example_is_eligible(mk, as_of, rule_set):
    unit, people = build_unit(mk, 2024)
    v = judge("TTLDXS", 2024, as_of, unit=unit)
    assert (v.status, v.rule_set) == ("eligible", rule_set)
    assert crit(v, "rating").message == "Xếp loại năm 2024: Hoàn thành xuất sắc nhiệm vụ ✓"
    assert crit(v, "member_share:HTNV").message == (
        "Thành viên xếp loại Hoàn thành nhiệm vụ trở lên năm 2024: 20/20 = 100 % (cần 100 %) ✓"
    )
    assert crit(v, "member_share:LDTT").message == (
        "Thành viên đạt Lao động tiên tiến năm 2024: 14/20 = 70 % (cần từ 70 % trở lên) ✓"
    )
    count = crit(v, "member_count:CSTD_CS")
    assert count.message == "Có 1 thành viên đạt Chiến sĩ thi đua cơ sở năm 2024 ✓"
    assert count.facts == ["Giáo Viên A: QĐ 7/QĐ-UBND"]
    # Art. 27(1) has no discipline clause: a member's cảnh cáo changes nothing.
    mk.discipline(people[5], "canh_cao", dt.date(2024, 3, 1), dt.date(2024, 9, 1))
    assert judge("TTLDXS", 2024, as_of, unit=unit).status == "eligible"


def test_ttldxs_l2013_art27_member_with_canh_cao_makes_it_not_eligible(mk):
    unit, people = build_unit(mk, 2023)
    assert judge("TTLDXS", 2023, L13, unit=unit).status == "eligible"
    mk.discipline(people[5], "canh_cao", dt.date(2023, 3, 1), number="9/QĐ-KL")
    v = judge("TTLDXS", 2023, L13, unit=unit)
    assert v.status == "not_eligible"
    assert crit(v, "members_no_discipline").message == (
        "Thành viên bị kỷ luật từ Cảnh cáo trở lên trong năm 2023: "
        "Giáo Viên F: Cảnh cáo từ 01/03/2023 (đang thi hành) ✗"
    )


def test_ttldxs_l2022_art27_1_below_70_percent_ldtt_is_not_met(mk):
    unit, _ = build_unit(mk, 2024, ldtt=13)
    v = judge("TTLDXS", 2024, D98, unit=unit)
    assert v.status == "not_eligible"
    assert crit(v, "member_share:LDTT").message == (
        "Thành viên đạt Lao động tiên tiến năm 2024: 13/20 = 65 % (cần từ 70 % trở lên) ✗"
    )
    assert v.missing == ["còn thiếu: 01 thành viên đạt Lao động tiên tiến"]


def test_ttldxs_l2022_art27_1_no_cstd_cs_and_member_without_rating(mk):
    unit, _ = build_unit(mk, 2024, cstd=0)
    mk.person("Người Mới", "TH1")  # posted in 2024, not rated yet
    v = judge("TTLDXS", 2024, D98, unit=unit)
    assert crit(v, "member_count:CSTD_CS").message == (
        "Chưa có thành viên nào đạt Chiến sĩ thi đua cơ sở năm 2024 — cần 1 ✗"
    )
    assert crit(v, "member_share:HTNV").met is None
    assert crit(v, "member_share:HTNV").message.endswith("1 người chưa có dữ liệu xếp loại — cần xem xét")
    assert v.status == "not_eligible"


def test_ttldxs_members_are_people_posted_in_the_subtree_during_the_year(mk):
    """Members come from postings overlapping the year in the unit and its subunits (XA1 ⊃ TH1)."""
    mk.rating(mk.tree["XA1"], 2024, "HTXSNV")
    inside = mk.person("Ở Trường", "TH1")
    left = mk.person("Đã Chuyển", "XA1", end=dt.date(2023, 12, 31))
    for p in (inside, left):
        mk.rating(p, 2024, "HTTNV")
    mk.award(inside, "LDTT", 2024)
    mk.award(inside, "CSTD_CS", 2024)
    v = judge("TTLDXS", 2024, D98, unit=mk.tree["XA1"])
    assert crit(v, "member_share:LDTT").message.startswith(
        "Thành viên đạt Lao động tiên tiến năm 2024: 1/1 = 100 %"
    )


@pytest.mark.parametrize(("as_of", "year"), [(L13, 2023), (D98, 2024)])
def test_ttldtt_art28_more_than_half_ldtt_strictly(mk, as_of, year):
    unit, _ = build_unit(mk, year, members=10, ldtt=5, cstd=0, grade="HTTNV")
    v = judge("TTLDTT", year, as_of, unit=unit)
    assert crit(v, "member_share:LDTT").message == (
        f"Thành viên đạt Lao động tiên tiến năm {year}: 5/10 = 50 % (cần trên 50 %) ✗"
    )
    assert crit(v, "members_no_discipline").met is True
    assert v.status == "not_eligible"


# --- Bằng khen, Huân chương --------------------------------------------------------------------------


def test_bk_tinh_l2022_art74_1d_route_1_two_consecutive_cstd_cs(mk):
    p = mk.person()
    mk.award(p, "CSTD_CS", 2023)
    mk.award(p, "CSTD_CS", 2024)
    v = judge("BK_TINH", 2024, D98, person=p)
    assert v.status == "eligible"
    assert crit(v, "holds_chain:CSTD_CS").alternative == "1.1"


@pytest.mark.parametrize(("as_of", "rule_set"), L22_SETS)
def test_bk_tinh_l2022_art74_1d_route_2_htxsnv_and_base_initiatives_is_eligible(mk, as_of, rule_set):
    p = mk.person()
    mk.ratings(p, {2023: "HTXSNV", 2024: "HTXSNV"})
    mk.initiative(p, 2023)
    mk.initiative(p, 2024)
    v = judge("BK_TINH", 2024, as_of, person=p)
    assert (v.status, v.rule_set) == ("eligible", rule_set)
    assert crit(v, "holds_chain:CSTD_CS").met is False
    assert (
        crit(v, "rating_years").message
        == "Xếp loại 2023–2024: đủ 02 năm liên tục Hoàn thành xuất sắc nhiệm vụ ✓"
    )
    assert crit(v, "rating_years").alternative == "1.2" and crit(v, "initiative").alternative == "1.2"


def test_bk_tinh_l2022_art74_1d_nearest_routes_are_listed_as_alternatives(mk):
    p = mk.person()
    mk.ratings(p, {2023: "HTTNV", 2024: "HTXSNV"})
    mk.award(p, "CSTD_CS", 2024)
    mk.initiative(p, 2024)
    v = judge("BK_TINH", 2024, D98, person=p)
    assert v.status == "not_eligible"
    assert v.missing == [
        "còn thiếu: 01 năm Chiến sĩ thi đua cơ sở (2023) hoặc 01 năm hoàn thành xuất sắc nhiệm vụ "
        "và 01 sáng kiến cấp cơ sở"
    ]


def test_bk_tinh_collective_is_judged_on_its_own_criteria_not_the_individual_chain(mk):
    """L22 art. 74: the individual's CSTĐ cơ sở chain (74(1)(d)) is not a collective's criterion
    (corrected 11/2026, docs/legal/verification.md); one year of data is not enough to judge."""
    mk.rating(mk.tree["TH1"], 2024, "HTXSNV")
    v = judge("BK_TINH", 2024, D98, unit=mk.tree["TH1"])
    assert v.status == "needs_review"
    assert [c.code for c in v.criteria] == ["rating_years", "holds_chain:TTLDXS", "no_discipline"]


def test_bk_tinh_l2013_criteria_not_verified_need_review(mk):
    p = mk.person()
    v = judge("BK_TINH", 2023, L13, person=p)
    assert v.status == "needs_review"
    assert (
        crit(v, "manual").message
        == "Tiêu chuẩn Bằng khen cấp tỉnh theo Luật 2013 chưa được đối chiếu — cần xem xét"
    )
    assert (
        "Quy định về Bằng khen của bộ, ban, ngành, tỉnh (L2013): chưa xác nhận — cần đối chiếu văn bản."
        in v.warnings
    )


@pytest.mark.parametrize(("as_of", "rule_set"), L22_SETS)
def test_bk_ttg_l2022_art73_1b_bk_tinh_five_years_httnv_three_cstd_cs(mk, as_of, rule_set):
    p = mk.person()
    mk.award(p, "BK_TINH", 2019, number="88/QĐ-UBND")
    mk.ratings(p, dict.fromkeys(range(2020, 2025), "HTTNV"))
    for y in (2020, 2022):
        mk.award(p, "CSTD_CS", y)
    v = judge("BK_TTG", 2024, as_of, person=p)
    assert v.status == "not_eligible"
    assert (
        crit(v, "holds_before:BK_TINH").message
        == "Đã được tặng Bằng khen của bộ, ban, ngành, tỉnh năm 2019 ✓"
    )
    assert crit(v, "rating_years").met is True
    assert crit(v, "holds_within:CSTD_CS").message == (
        "Đạt 2 lần Chiến sĩ thi đua cơ sở trong các năm 2020–2024 (2020, 2022) — cần 3 lần ✗"
    )
    assert v.missing == ["còn thiếu: 01 năm Chiến sĩ thi đua cơ sở"]
    mk.award(p, "CSTD_CS", 2024)
    assert judge("BK_TTG", 2024, as_of, person=p).status == "eligible"


def test_bk_ttg_l2022_art73_1b_a_weak_year_breaks_the_five(mk):
    p = mk.person()
    mk.award(p, "BK_TINH", 2019)
    mk.ratings(p, {2020: "HTTNV", 2021: "HTNV", 2022: "HTTNV", 2023: "HTTNV", 2024: "HTTNV"})
    v = judge("BK_TTG", 2024, D98, person=p)
    assert crit(v, "rating_years").message == (
        "Xếp loại 2020–2024: năm 2021 Hoàn thành nhiệm vụ — cần 05 năm liên tục Hoàn thành tốt nhiệm vụ trở lên ✗"
    )
    assert crit(v, "holds_before:BK_TINH").met is True


def test_bk_ttg_l2022_art73_1b_a_missing_year_needs_review(mk):
    p = mk.person()
    mk.award(p, "BK_TINH", 2019)
    mk.ratings(p, {2020: "HTTNV", 2022: "HTTNV", 2023: "HTTNV", 2024: "HTTNV"})
    for y in (2020, 2022, 2024):
        mk.award(p, "CSTD_CS", y)
    v = judge("BK_TTG", 2024, D98, person=p)
    assert v.status == "needs_review"
    assert crit(v, "rating_years").message == "Chưa có dữ liệu xếp loại năm 2021 — cần xem xét"


def test_bk_ttg_l2013_d91_art38_1c_five_years_htxsnv_and_five_initiatives(mk):
    p = mk.person()
    mk.award(p, "BK_TINH", 2017)
    mk.ratings(p, dict.fromkeys(range(2019, 2024), "HTXSNV"))
    for y in range(2019, 2023):
        mk.initiative(p, y)
    v = judge("BK_TTG", 2023, L13, person=p)
    assert (v.status, v.rule_set) == ("not_eligible", "L2013")
    assert crit(v, "initiative").message == (
        "Có 4 sáng kiến được công nhận trong các năm 2019–2023 — cần 5 ✗"
    )
    mk.initiative(p, 2023)
    assert judge("BK_TTG", 2023, L13, person=p).status == "eligible"


def test_bk_tinh_before_does_not_count_when_thematic(mk):
    p = mk.person()
    mk.award(p, "BK_TINH", 2019, occasion="thematic")
    v = judge("BK_TTG", 2024, D98, person=p)
    assert (
        crit(v, "holds_before:BK_TINH").message
        == "Chưa được tặng Bằng khen của bộ, ban, ngành, tỉnh trước năm 2024 ✗"
    )


@pytest.mark.parametrize(("as_of", "rule_set"), L22_SETS)
def test_hcld3_l2022_art44_1e_chain(mk, as_of, rule_set):
    p = mk.person()
    mk.award(p, "BK_TTG", 2018)
    mk.ratings(p, dict.fromkeys(range(2020, 2025), "HTTNV"))
    for y in (2020, 2022, 2024):
        mk.award(p, "CSTD_CS", y)
    v = judge("HCLD3", 2024, as_of, person=p)
    assert v.status == "not_eligible"
    assert crit(v, "rating_count").message == (
        "Có 0 năm Hoàn thành xuất sắc nhiệm vụ trong các năm 2020–2024 — cần 1 ✗"
    )
    assert v.missing == ["còn thiếu: 01 năm hoàn thành xuất sắc nhiệm vụ"]
    mk.rating(p, 2025, "HTXSNV")  # outside the window: still not met
    assert judge("HCLD3", 2024, as_of, person=p).status == "not_eligible"
    p.ratings.filter(year=2023).update(grade="HTXSNV")
    v = judge("HCLD3", 2024, as_of, person=p)
    assert (v.status, v.rule_set) == ("eligible", rule_set)
    assert crit(v, "holds_before:BK_TTG").met is True


def test_hcld3_l2013_is_manual(mk):
    v = judge("HCLD3", 2023, L13, person=mk.person())
    assert v.status == "needs_review"


# --- discipline (D152 art. 4) -------------------------------------------------------------------------


def cstd_cs_2024(mk):
    p = mk.person()
    mk.award(p, "LDTT", 2024)
    mk.rating(p, 2024, "HTXSNV")
    return p


def test_discipline_overlapping_the_year_is_not_eligible(mk):
    p = cstd_cs_2024(mk)
    mk.discipline(p, "khien_trach", dt.date(2024, 5, 1), dt.date(2024, 11, 1), number="3/QĐ-KL")
    v = judge("CSTD_CS", 2024, D152, person=p)
    assert v.status == "not_eligible"
    c = crit(v, "no_discipline")
    assert c.message == "Kỷ luật: Khiển trách từ 01/05/2024 đến 01/11/2024 ✗ (QĐ 3/QĐ-KL)"
    assert c.citation == "NĐ 152/2025 Điều 4"


def test_pending_inspection_running_on_the_dossier_date_is_not_eligible(mk):
    p = cstd_cs_2024(mk)
    mk.discipline(p, "dang_xem_xet", dt.date(2025, 8, 1))
    v = judge("CSTD_CS", 2024, D152, person=p)
    assert crit(v, "no_discipline").message == (
        "Kỷ luật: Đang xem xét kỷ luật, thanh tra, điều tra từ 01/08/2025 (đang thi hành) ✗"
    )


def test_ended_measure_counts_only_achievements_after_its_end(mk):
    p = cstd_cs_2024(mk)
    mk.discipline(p, "canh_cao", dt.date(2022, 7, 1), dt.date(2023, 6, 30))
    v = judge("CSTD_CS", 2024, D152, person=p)
    assert v.status == "eligible"
    assert crit(v, "no_discipline").message == (
        "Không bị kỷ luật trong năm 2024 ✓ (kỷ luật đã chấp hành xong ngày 30/06/2023: "
        "chỉ tính thành tích sau ngày này)"
    )
    # The 2023 CSTĐ cơ sở is not after the end of the measure: the BK chain is broken.
    mk.award(p, "CSTD_CS", 2023)
    mk.award(p, "CSTD_CS", 2024)
    v = judge("BK_TINH", 2024, D152, person=p)
    assert crit(v, "holds_chain:CSTD_CS").met is False


# --- choosing the rules -------------------------------------------------------------------------------


def test_recipient_kind_mismatch_is_not_eligible(mk):
    v = judge("CSTD_CS", 2024, D98, unit=mk.tree["TH1"])
    assert (v.status, v.eligible) == ("not_eligible", False)
    c = crit(v, "recipient_kind")
    assert c.message == "Chiến sĩ thi đua cơ sở không tặng cho tập thể (chỉ tặng cho: cá nhân)."


def test_draft_rule_set_after_1_10_2026_is_used_with_a_warning(mk):
    p = cstd_cs_2024(mk)
    v = judge("CSTD_CS", 2026, L26, person=p)
    assert v.rule_set == "L2026"
    assert v.warnings[0] == "Bộ quy định L2026 chưa được xác nhận (dự thảo): kết quả chỉ để tham khảo."


def test_unknown_award_code_is_refused_without_crashing(mk):
    v = engine.check_one(Candidate(award="XYZ", year=2024, person_id=mk.person().pk), as_of=D98)
    assert (v.status, v.eligible, v.rule_set) == ("not_eligible", False, None)
    assert [(c.code, c.message) for c in v.criteria] == [
        ("award_type", "Loại khen thưởng «XYZ» không tồn tại.")
    ]


def test_no_rule_for_the_award_in_the_rule_set_needs_review(mk):
    v = judge("XTB", 2023, L13, unit=mk.tree["XA1"])
    assert (v.status, v.rule_set) == ("needs_review", "L2013")
    assert (
        v.criteria[0].message
        == "Bộ quy định L2013 không có quy định về Xã, phường, thị trấn tiêu biểu — cần xem xét"
    )


def test_manual_criterion_needs_review(mk):
    v = judge("CTD_TINH", 2024, D98, unit=mk.tree["XA1"])
    assert v.status == "needs_review"
    assert crit(v, "manual").message == "Là tập thể dẫn đầu Khối, Cụm thi đua của bộ, tỉnh — cần xem xét"


def test_candidate_as_of_overrides_the_call_and_order_is_kept(mk):
    p = cstd_cs_2024(mk)
    verdicts = engine.check(
        [
            Candidate(award="CSTD_CS", year=2024, person_id=p.pk, as_of=L13),
            Candidate(award="CSTD_CS", year=2024, person_id=p.pk),
            Candidate(award="NOPE", year=2024, person_id=p.pk),
        ],
        as_of=D98,
    )
    assert [(v.rule_set, v.status) for v in verdicts] == [
        ("L2013", "not_eligible"),
        ("L2022-D98", "eligible"),
        (None, "not_eligible"),
    ]


def test_as_dict_shape(mk):
    v = judge("CSTD_CS", 2024, D98, person=cstd_cs_2024(mk))
    data = v.as_dict()
    assert set(data) == {"award", "eligible", "status", "rule_set", "criteria", "warnings", "missing"}
    assert data["criteria"][0] == {
        "code": "holds:LDTT",
        "met": True,
        "message": f"Đạt Lao động tiên tiến năm 2024 ✓ (sổ khen thưởng số {p_record_id(v)})",
        "citation": "Luật TĐKT 06/2022/QH15 Điều 23",
        "facts": [f"sổ khen thưởng số {p_record_id(v)}"],
    }


def p_record_id(v: engine.Verdict) -> int:
    from thidua.awards.models import AwardRecord

    return AwardRecord.objects.get(person_id=v.candidate.person_id, award_type__code="LDTT").pk


# --- next awards, quotas, query counts -----------------------------------------------------------------


def test_next_awards_lists_eligible_first_then_the_nearest(mk):
    p = mk.person()
    mk.award(p, "LDTT", 2024)
    mk.ratings(p, {2023: "HTXSNV", 2024: "HTTNV"})
    verdicts = engine.next_awards(person_id=p.pk, year=2024, as_of=D98)
    codes = [v.candidate.award for v in verdicts]
    assert "LDTT" not in codes  # already held for 2024
    assert "CSTD_CS" in codes and "TTLDXS" not in codes
    cstd = next(v for v in verdicts if v.candidate.award == "CSTD_CS")
    assert cstd.missing == ["còn thiếu: 01 năm hoàn thành xuất sắc nhiệm vụ hoặc 01 sáng kiến cấp cơ sở"]
    statuses = [v.status for v in verdicts]
    assert statuses == sorted(statuses, key=lambda s: s != "eligible")
    missing = [len(v.missing) for v in verdicts if v.status != "eligible"]
    assert missing == sorted(missing)


def test_quota_l2013_d91_art9_3_22_of_118_is_exceeded_and_warns(mk):
    """Seed 003 (Minh Long, 2023): 22 CSTĐ cơ sở for 118 LĐTT = 18,6 % > 15 %."""
    people = [mk.person(unit="TH1" if i % 2 else "XA1") for i in range(118)]
    for i, p in enumerate(people):
        mk.award(p, "LDTT", 2023)
        if i < 22:
            mk.award(p, "CSTD_CS", 2023)
    mk.award(people[30], "CSTD_CS", 2022)  # another year
    mk.award(people[31], "CSTD_CS", 2023, status="revoked")
    q = engine.quota_check(unit_id=mk.tree["XA1"].pk, year=2023, award="CSTD_CS", as_of=L13)
    assert q == {
        "award": "CSTD_CS",
        "base_award": "LDTT",
        "base_count": 118,
        "count": 22,
        "allowed": 17,
        "exceeded": True,
        "enforce": "warn",
        "citation": "NĐ 91/2017 Điều 9(3)",
        "message": "22 CSTĐ cơ sở / 118 LĐTT = 18,6 % > 15 % (tối đa 17)",
    }
    # Only the subtree counts: the school alone has 59 LĐTT and 11 CSTĐ cơ sở.
    school = engine.quota_check(unit_id=mk.tree["TH1"].pk, year=2023, award="CSTD_CS", as_of=L13)
    assert (school["base_count"], school["count"], school["allowed"]) == (59, 11, 8)
    # No cap found after 2024.
    assert engine.quota_check(unit_id=mk.tree["XA1"].pk, year=2024, award="CSTD_CS", as_of=D98) is None


def test_quota_with_extra_proposals_within_the_cap(mk):
    people = [mk.person() for _ in range(20)]
    for p in people:
        mk.award(p, "LDTT", 2023)
    mk.award(people[0], "CSTD_CS", 2023)
    q = engine.quota_check(unit_id=mk.tree["XA1"].pk, year=2023, award="CSTD_CS", extra=2, as_of=L13)
    assert (q["count"], q["allowed"], q["exceeded"]) == (3, 3, False)
    assert q["message"] == "3 CSTĐ cơ sở / 20 LĐTT = 15 % ≤ 15 % (tối đa 3)"


def _batch(mk, n: int, unit_code: str) -> list[Candidate]:
    out = []
    for i in range(n):
        p = mk.person(unit="TH1" if i % 2 else "XA1")
        mk.award(p, "LDTT", 2024)
        mk.ratings(p, {2023: "HTXSNV", 2024: "HTTNV"})
        mk.initiative(p, 2024)
        mk.discipline(p, "khien_trach", dt.date(2020, 1, 1), dt.date(2020, 6, 1))
        out += [Candidate("CSTD_CS", 2024, person_id=p.pk), Candidate("BK_TINH", 2024, person_id=p.pk)]
    unit = mk.tree[unit_code]
    mk.rating(unit, 2024, "HTXSNV")
    out += [Candidate("TTLDXS", 2024, unit_id=unit.pk), Candidate("TTLDTT", 2024, unit_id=unit.pk)]
    return out


def test_query_count_does_not_grow_with_candidates(mk):
    small, large = _batch(mk, 1, "XA2"), _batch(mk, 30, "XA1")
    with CaptureQueriesContext(connection) as one:
        engine.check(small, as_of=D98)
    with CaptureQueriesContext(connection) as many:
        verdicts = engine.check(large, as_of=D98)
    assert len(one) == len(many) <= 14
    assert [v.status for v in verdicts[:2]] == ["eligible", "not_eligible"]
