"""Prize lines (trao giải a contest): the money of the prize table, not a
coefficient of the base salary; one contest's prize once per person; prize
and award lines never mixed in one decision."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.core.errors import DomainError
from thidua.decisions import services
from thidua.decisions.models import DecisionRecipient

DAY = dt.date(2026, 3, 10)


def prize(person=None, unit=None, label="Giải Nhất", amount=2_000_000):
    return services.RecipientInput(
        award_type=services.prize_award_type(),
        year=2026,
        person=person,
        unit=unit,
        prize_label=label,
        prize_amount=amount,
    )


def draft(officer, tree, lines, contest="Cuộc thi Tìm hiểu Hiến pháp"):
    return services.decision_create(
        actor=officer,
        issuer=tree["TINH"],
        decision_date=DAY,
        recipients=lines,
        subject=f"Về việc trao giải {contest}",
        occasion="thematic",
        movement_name=contest,
    )


def test_prize_lines_keep_the_prize_table_money_through_issue(tree, people, province_officer, leader):
    d = draft(
        province_officer,
        tree,
        [
            prize(people["lan"]),
            prize(people["hoa"], label="Giải Nhì", amount=1_000_000),
            prize(unit=tree["XA1"], label="Giải tập thể", amount=1_500_000),
        ],
    )
    lines = list(d.recipients.order_by("order"))
    assert [(ln.prize_label, ln.prize_coefficient, ln.amount) for ln in lines] == [
        ("Giải Nhất", None, 2_000_000),
        ("Giải Nhì", None, 1_000_000),
        ("Giải tập thể", None, 1_500_000),
    ]
    # A new date re-prices award lines, never prize lines.
    services.decision_update(actor=province_officer, decision=d, decision_date=dt.date(2026, 3, 12))
    assert [ln.amount for ln in d.recipients.order_by("order")] == [2_000_000, 1_000_000, 1_500_000]
    services.decision_sign(actor=leader, decision=d)
    issued = services.decision_issue(actor=leader, decision=d)
    assert services.total_prize(issued) == 4_500_000
    line = issued.recipients.get(prize_label="Giải Nhất")
    assert line.amount == 2_000_000 and line.certificate_code
    # The money stays the prize table's after issue, whatever the registry computed for the line.
    assert [ln.amount for ln in issued.recipients.order_by("order")] == [2_000_000, 1_000_000, 1_500_000]


def test_one_prize_per_person_per_contest_but_two_contests_may_reward_them(tree, people, province_officer):
    draft(province_officer, tree, [prize(people["lan"])])
    with pytest.raises(DomainError, match="đã có Giải thưởng cuộc thi năm 2026 trong quyết định dự thảo"):
        draft(province_officer, tree, [prize(people["lan"], label="Giải Ba", amount=500_000)])
    other = draft(province_officer, tree, [prize(people["lan"])], contest="Cuộc thi Tìm hiểu Luật Đất đai")
    assert other.recipients.get().person == people["lan"]
    with pytest.raises(DomainError, match="hai lần"):
        draft(
            province_officer,
            tree,
            [prize(people["mai"]), prize(people["mai"], label="Giải Nhì")],
            contest="Khác",
        )


def test_prize_and_award_lines_are_not_mixed(tree, people, province_officer):
    before = DecisionRecipient.objects.count()
    with pytest.raises(DomainError, match="chỉ gồm các giải"):
        draft(
            province_officer,
            tree,
            [
                prize(people["lan"]),
                services.RecipientInput(award_type="BK_TINH", year=2024, person=people["hoa"]),
            ],
        )
    assert DecisionRecipient.objects.count() == before


def test_negative_prize_money_is_refused(tree, people, province_officer):
    with pytest.raises(DomainError, match="Tiền thưởng của «Giải Nhất» không hợp lệ"):
        draft(province_officer, tree, [prize(people["lan"], amount=-5)])


def test_a_long_prize_decision_lists_the_winners_in_the_annex(tree, province_officer):
    import io

    import docx

    from thidua.decisions import documents
    from thidua.directory import services as directory

    winners = [
        directory.person_create(
            actor=None, full_name=f"Người Đạt Giải {chr(65 + i)}", gender="female", unit=tree["XA1"]
        )
        for i in range(12)
    ]
    lines = [prize(p, label="Giải Khuyến khích", amount=300_000) for p in winners]
    d = draft(province_officer, tree, lines)
    text = documents.build_text(d)
    article1 = text.articles[0][1]
    assert article1 == [
        "Trao giải Cuộc thi Tìm hiểu Hiến pháp cho 12 cá nhân đạt giải (có danh sách kèm theo)."
    ]
    assert text.articles[1][1][1:] == [
        "- Giải Khuyến khích: 300.000 đồng/giải (số lượng: 12 giải).",
        "Tổng số tiền thưởng: 3.600.000 đồng.",
    ]
    assert [(r.name, r.award, r.amount) for r in text.annex[:2]] == [
        ("Người Đạt Giải A", "Giải Khuyến khích", "300.000"),
        ("Người Đạt Giải B", "Giải Khuyến khích", "300.000"),
    ]
    body = docx.Document(io.BytesIO(documents.render_docx(text)))
    words = "\n".join(p.text for p in body.paragraphs)
    cells = [c.text for t in body.tables for r in t.rows for c in r.cells]
    assert "DANH SÁCH CÁC TẬP THỂ, CÁ NHÂN ĐẠT GIẢI" in words
    assert "Giải" in cells and "Người Đạt Giải L" in cells and "3.600.000" in cells
