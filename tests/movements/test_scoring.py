"""Block/cluster scoring: schemes as data, self-scores, leader and standing-body
scores (audited with the old value), ranking with ties, publication, scoping."""

from __future__ import annotations

from decimal import Decimal

import pytest

from thidua.accounts.enums import Role
from thidua.core.errors import DomainError, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.directory import services as directory
from thidua.movements import rules, selectors, services
from thidua.movements.models import Score

from ..conftest import Api, make_user

CRITERIA = [
    {
        "group_code": "A",
        "group_name": "Thực hiện nhiệm vụ chính trị",
        "code": "A1",
        "name": "Chỉ tiêu KT-XH",
        "max_points": 50,
    },
    {
        "group_code": "A",
        "group_name": "Thực hiện nhiệm vụ chính trị",
        "code": "A2",
        "name": "Nhiệm vụ trọng tâm",
        "max_points": 30,
    },
    {
        "group_code": "B",
        "group_name": "Công tác thi đua",
        "code": "B1",
        "name": "Tổ chức phong trào",
        "max_points": 20,
    },
    {
        "group_code": "T",
        "group_name": "Điểm thưởng",
        "code": "T1",
        "name": "Mô hình mới",
        "kind": "bonus",
        "max_points": 5,
    },
    {
        "group_code": "P",
        "group_name": "Điểm trừ",
        "code": "P1",
        "name": "Báo cáo chậm",
        "kind": "penalty",
        "max_points": 5,
    },
]


@pytest.fixture
def scheme(cluster, province_officer):
    s = services.scheme_create(
        actor=province_officer, group=cluster, year=2024, name="Bảng điểm Cụm 1 năm 2024", criteria=CRITERIA
    )
    return services.scheme_open(actor=province_officer, scheme=s)


def test_score_above_maximum_refused_and_nothing_written(scheme, tree, commune1_officer):
    with pytest.raises(DomainError, match=r"Điểm tiêu chí A1 \(51\) vượt điểm tối đa 50\."):
        services.score_self(
            actor=commune1_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 51, "A2": 10}
        )
    assert Score.objects.count() == 0
    r = Api(commune1_officer).put(
        f"/api/v1/movements/scoring-schemes/{scheme.pk}/sheets/{tree['XA1'].pk}/self",
        {"scores": {"B1": 20.5}},
    )
    assert r.status_code == 422
    assert r.json()["detail"] == "Điểm tiêu chí B1 (20,5) vượt điểm tối đa 20."
    assert Score.objects.count() == 0


def test_totals_with_bonus_and_penalty(scheme, tree, commune1_officer):
    services.score_self(
        actor=commune1_officer,
        scheme=scheme,
        unit=tree["XA1"],
        scores={"A1": 45, "A2": 28, "B1": 18, "T1": 3, "P1": 2},
        evidence={"T1": "Mô hình «Chính quyền thân thiện»"},
    )
    (row,) = selectors.sheet_totals(scheme)
    assert row.total == Decimal("92")  # 45 + 28 + 18 + 3 − 2
    assert row.by_group == {"A": 73, "B": 18, "T": 3, "P": -2}


def _score_all(scheme, officer, totals: dict):
    for unit, (a1, b1) in totals.items():
        services.score_review(actor=officer, scheme=scheme, unit=unit, scores={"A1": a1, "B1": b1})


def test_ranking_with_ties_skips_the_next_rank(cluster, tree, province_officer):
    xa3 = directory.unit_create(actor=None, code="XA3", name="Xã Ba", kind="commune", parent=tree["TINH"])
    xa4 = directory.unit_create(actor=None, code="XA4", name="Xã Bốn", kind="commune", parent=tree["TINH"])
    for u in (xa3, xa4):
        directory.membership_set(actor=None, group=cluster, unit=u, year=2024)
    s = services.scheme_create(
        actor=province_officer, group=cluster, year=2024, name="Bảng 1", criteria=CRITERIA
    )
    services.scheme_open(actor=province_officer, scheme=s)
    _score_all(
        s, province_officer, {tree["XA1"]: (40, 10), tree["XA2"]: (45, 15), xa3: (42, 18), xa4: (30, 10)}
    )
    rows = [(r.item.sheet.unit.name, r.total, r.rank) for r in selectors.ranking(s)]
    assert rows == [
        ("Xã Ba", 60, 1),
        ("Xã Hai", 60, 1),
        ("Xã Một", 50, 3),
        ("Xã Bốn", 40, 4),
    ]
    assert selectors.tie_break_text(s).startswith("Bằng tổng điểm thì đồng hạng")
    # with the scheme's tie-break group B (công tác thi đua), Xã Ba (18) is ahead of Xã Hai (15)
    s2 = services.scheme_create(
        actor=province_officer, group=cluster, year=2024, name="Bảng 2", criteria=CRITERIA, tie_break="B"
    )
    services.scheme_open(actor=province_officer, scheme=s2)
    _score_all(
        s2, province_officer, {tree["XA1"]: (40, 10), tree["XA2"]: (45, 15), xa3: (42, 18), xa4: (30, 10)}
    )
    assert [(r.item.sheet.unit.name, r.rank) for r in selectors.ranking(s2)][:2] == [
        ("Xã Ba", 1),
        ("Xã Hai", 2),
    ]
    assert "«Công tác thi đua» cao hơn xếp trên" in selectors.tie_break_text(s2)


def test_rank_function_competition_order():
    rows = rules.rank(
        [("a", 9), ("b", 7), ("c", 9), ("d", 7), ("e", 5)], total=lambda x: Decimal(x[1]), name=lambda x: x[0]
    )
    assert [(r.item[0], r.rank) for r in rows] == [("a", 1), ("c", 1), ("b", 3), ("d", 3), ("e", 5)]


def test_score_edit_audited_with_old_value_and_published_results_immutable(
    scheme, tree, province_officer, commune1_officer
):
    services.score_self(actor=commune1_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 45})
    services.sheet_submit(actor=commune1_officer, scheme=scheme, unit=tree["XA1"])
    with pytest.raises(DomainError, match="Phiếu đã gửi hoặc đã được chấm"):
        services.score_self(actor=commune1_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 50})
    services.score_review(actor=province_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 40})
    services.score_review(actor=province_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 42})
    last = AuditEntry.objects.filter(action="movements.score_review").order_by("-id").first()
    assert last.before == {"A1": "40.00"} and last.after == {"A1": "42"}
    assert last.actor == province_officer
    services.scheme_publish(actor=province_officer, scheme=scheme)
    with pytest.raises(DomainError, match=r"Kết quả đã công bố, không sửa được\."):
        services.score_review(actor=province_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 50})
    assert Score.objects.get(criterion__code="A1").points == 42


def test_leader_scores_others_but_not_itself(scheme, tree, commune1_officer, commune2_officer):
    # Xã Một leads the cluster in 2024: its officer scores Xã Hai …
    services.score_review(actor=commune1_officer, scheme=scheme, unit=tree["XA2"], scores={"A1": 30})
    # … but not Xã Một, and Xã Hai's officer scores nobody
    with pytest.raises(DomainError, match="không chấm điểm cho chính đơn vị mình"):
        services.score_review(actor=commune1_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 50})
    with pytest.raises(PermissionDenied):
        services.score_review(actor=commune2_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 50})


def test_a_unit_sees_its_own_sheet_and_the_published_ranking_not_others_drafts(
    scheme, tree, province_officer, commune1_officer, commune2_officer
):
    services.score_self(actor=commune1_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 45})
    services.score_self(actor=commune2_officer, scheme=scheme, unit=tree["XA2"], scores={"A1": 47})
    xa2 = Api(commune2_officer)
    base = f"/api/v1/movements/scoring-schemes/{scheme.pk}"
    assert xa2.get(f"{base}/sheets/{tree['XA2'].pk}").json()["self_total"] == "47.00"
    assert xa2.get(f"{base}/sheets/{tree['XA1'].pk}").status_code == 404
    r = xa2.get(f"{base}/ranking")
    assert r.status_code == 403 and r.json()["detail"] == "Kết quả xếp hạng chưa công bố."
    # the standing body sees everything before publication
    assert Api(province_officer).get(f"{base}/ranking").status_code == 200
    services.scheme_publish(actor=province_officer, scheme=scheme)
    r = xa2.get(f"{base}/ranking")
    assert [(row["unit_name"], row["rank"], row["total"]) for row in r.json()["rows"]] == [
        ("Xã Hai", 1, "47.00"),
        ("Xã Một", 2, "45.00"),
    ]
    assert xa2.get(f"{base}/sheets/{tree['XA1'].pk}").status_code == 200
    # a unit outside the cluster does not see the scheme at all
    snv = make_user("canbosnv", Role.UNIT_OFFICER, tree["SNV"])
    assert Api(snv).get(f"{base}/ranking").status_code == 404


def test_scheme_is_data_refusing_unknown_tie_break_and_duplicates(cluster, province_officer):
    with pytest.raises(DomainError, match="Mã tiêu chí A1 bị trùng"):
        services.scheme_create(
            actor=province_officer, group=cluster, year=2024, name="X", criteria=[CRITERIA[0], CRITERIA[0]]
        )
    with pytest.raises(DomainError, match="Nhóm tiêu chí phân định «Z» không có"):
        services.scheme_create(
            actor=province_officer, group=cluster, year=2024, name="X", criteria=CRITERIA, tie_break="Z"
        )


def test_return_needs_a_reason_and_goes_one_step_back(scheme, tree, province_officer, commune1_officer):
    services.score_self(actor=commune1_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 45})
    with pytest.raises(DomainError, match="Chỉ trả lại được phiếu tự chấm đã gửi"):
        services.sheet_return(
            actor=province_officer, scheme=scheme, unit=tree["XA1"], reason="Thiếu minh chứng"
        )
    services.sheet_submit(actor=commune1_officer, scheme=scheme, unit=tree["XA1"])
    with pytest.raises(DomainError, match="Lý do trả lại không được để trống"):
        services.sheet_return(actor=province_officer, scheme=scheme, unit=tree["XA1"], reason="  ")
    sheet = services.sheet_return(
        actor=province_officer, scheme=scheme, unit=tree["XA1"], reason="Thiếu minh chứng A1"
    )
    assert sheet.get_state_display() == "Đơn vị đang tự chấm"
    assert AuditEntry.objects.get(action="movements.sheet_return").after["reason"] == "Thiếu minh chứng A1"
    services.score_self(
        actor=commune1_officer, scheme=scheme, unit=tree["XA1"], scores={"A1": 40}
    )  # may edit again
