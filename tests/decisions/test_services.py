"""Decisions: drafting, prize money, signing, issuing into the registry, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import make_user
from thidua.accounts.enums import Role
from thidua.awards.models import AwardRecord, AwardType
from thidua.core.errors import DomainError, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.decisions import selectors, services
from thidua.decisions.models import Decision, DecisionCounter, DecisionRecipient, DecisionState

MARCH = dt.date(2025, 3, 15)


@pytest.fixture
def drafted(tree, people, nominate, province_officer):
    dossier = nominate.dossier()
    c1 = nominate.candidate(dossier, people["lan"], position="Giáo viên Trường Tiểu học Xã Một")
    c2 = nominate.candidate(dossier, people["mai"])
    decision = services.decision_draft_from_candidates(
        actor=province_officer,
        issuer=tree["TINH"],
        candidate_ids=[c1.pk, c2.pk],
        decision_date=MARCH,
        signer_name="Hoàng Văn Sơn",
        signer_authority="KT. Chủ tịch",
        signer_title="Phó Chủ tịch",
        budget_source="Quỹ thi đua, khen thưởng của tỉnh",
    )
    return decision, [c1, c2]


def test_draft_from_candidates_prices_and_fills_the_header(drafted, tree):
    decision, _ = drafted
    lines = selectors.lines(decision)
    assert [(ln.name, ln.prize_amount) for ln in lines] == [
        ("Nguyễn Thị Lan", 7_020_000),  # 3.0 × 2.340.000 on 15/3/2025
        ("Lê Thị Mai", 7_020_000),
    ]
    assert lines[0].position == "Giáo viên Trường Tiểu học Xã Một"
    assert lines[1].position == "Công chức, Xã Một"
    assert decision.number is None and decision.state == DecisionState.DRAFT
    assert decision.issuer_name == "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM"
    assert decision.symbol == "QĐ-UBND"
    assert decision.place == "Thử Nghiệm"
    assert decision.signer_authority == "KT. CHỦ TỊCH"
    assert decision.subject == "Về việc công nhận danh hiệu Chiến sĩ thi đua bộ, ban, ngành, tỉnh năm 2024"
    assert decision.legal_bases == [
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15",
        "Căn cứ Nghị định 98/2023/NĐ-CP",
        "Xét Tờ trình số 15/TTr-UBND ngày 10/02/2025 của Xã Một về việc đề nghị khen thưởng",
        "Theo đề nghị của cơ quan thường trực Hội đồng Thi đua - Khen thưởng",
    ]
    assert services.total_prize(decision) == 14_040_000


def test_candidates_in_a_draft_are_not_offered_again(drafted, tree, province_officer):
    decision, (c1, _) = drafted
    assert list(services.candidates_available(tree["TINH"])) == []
    with pytest.raises(DomainError) as info:
        services.decision_draft_from_candidates(
            actor=province_officer, issuer=tree["TINH"], candidate_ids=[c1.pk]
        )
    assert "không còn chờ ra quyết định" in info.value.message
    assert Decision.objects.count() == 1
    services.decision_cancel(actor=province_officer, decision=decision)
    assert [c.pk for c in services.candidates_available(tree["TINH"])] == [c1.pk, drafted[1][1].pk]


def test_sign_then_issue_writes_the_registry_in_one_go(drafted, leader, province_officer):
    decision, (c1, _) = drafted
    services.decision_sign(actor=leader, decision=decision)
    issued = services.decision_issue(actor=leader, decision=decision)
    assert (issued.state, issued.full_number, issued.year) == (DecisionState.ISSUED, "1/QĐ-UBND", 2025)
    records = AwardRecord.objects.filter(decision_number="1/QĐ-UBND").order_by("id")
    assert [(str(r.recipient), r.award_type.code, r.year, r.source) for r in records] == [
        ("Nguyễn Thị Lan", "CSTD_TINH", 2024, "decision"),
        ("Lê Thị Mai", "CSTD_TINH", 2024, "decision"),
    ]
    first = records[0]
    assert (first.decision_date, first.authority_name, first.prize_amount) == (
        MARCH,
        "Ủy ban nhân dân Tỉnh Thử Nghiệm",
        7_020_000,
    )
    assert first.certificate_number == "1.001/QĐ-UBND"
    assert first.budget_source == "Quỹ thi đua, khen thưởng của tỉnh"
    lines = selectors.lines(issued)
    codes = {ln.certificate_code for ln in lines}
    assert len(codes) == 2 and all(len(c) >= 24 for c in codes)
    assert lines[0].award_record == first
    assert AuditEntry.objects.get(action="decision.issue").actor == leader
    assert AuditEntry.objects.get(action="decision.sign").actor == leader
    c1.refresh_from_db()
    assert (c1.state, c1.award_record_id, c1.dossier.state) == ("awarded", first.pk, "issued")


def test_numbers_follow_per_issuer_and_year(tree, people, province_officer, leader, commune_leader):
    def issue(issuer, person, award, day, actor_sign):
        d = services.decision_create(
            actor=province_officer,
            issuer=tree[issuer],
            decision_date=day,
            recipients=[services.RecipientInput(award_type=award, year=2024, person=person)],
        )
        services.decision_sign(actor=actor_sign, decision=d)
        return services.decision_issue(actor=actor_sign, decision=d)

    assert issue("TINH", people["lan"], "BK_TINH", MARCH, leader).full_number == "1/QĐ-UBND"
    assert issue("TINH", people["hoa"], "BK_TINH", MARCH, leader).full_number == "2/QĐ-UBND"
    assert issue("XA1", people["mai"], "GK", dt.date(2025, 3, 10), commune_leader).full_number == "1/QĐ-UBND"
    assert issue("TINH", people["binh"], "BK_TINH", dt.date(2026, 1, 5), leader).full_number == "1/QĐ-UBND"
    assert DecisionCounter.objects.get(issuer=tree["TINH"], year=2025).last_number == 2


def test_commune_giay_khen_is_rounded_up(tree, people, province_officer):
    decision = services.decision_create(
        actor=province_officer,
        issuer=tree["XA1"],
        decision_date=dt.date(2025, 3, 10),
        recipients=[services.RecipientInput(award_type="GK", year=2024, person=people["mai"])],
    )
    line = decision.recipients.get()
    assert decision.authority_level == "commune"
    assert (line.prize_coefficient, line.base_salary, line.prize_amount) == (
        Decimal("0.15"),
        2_340_000,
        360_000,  # 351.000 rounded up to the next 10.000 đ
    )


def test_issuing_twice_is_told_and_writes_nothing_more(drafted, leader):
    decision, _ = drafted
    services.decision_sign(actor=leader, decision=decision)
    services.decision_issue(actor=leader, decision=decision)
    with pytest.raises(DomainError) as info:
        services.decision_issue(actor=leader, decision=decision)
    assert info.value.message == (
        "Quyết định đã được ban hành với số 1/QĐ-UBND ngày 15/03/2025; không ban hành lại."
    )
    assert AwardRecord.objects.count() == 2
    assert DecisionCounter.objects.get().last_number == 1


def test_a_registry_refusal_names_the_recipient_and_keeps_the_number(drafted, people, leader, tree):
    decision, _ = drafted
    AwardRecord.objects.create(
        award_type=AwardType.objects.get(code="CSTD_TINH"),
        recipient_kind="individual",
        person=people["mai"],
        owner_unit=tree["XA1"],
        year=2024,
        decision_number="9/QĐ-UBND",
    )
    services.decision_sign(actor=leader, decision=decision)
    with pytest.raises(DomainError) as info:
        services.decision_issue(actor=leader, decision=decision)
    assert info.value.message.startswith(
        "Không ban hành được quyết định: Lê Thị Mai (Chiến sĩ thi đua bộ, ban, ngành, tỉnh năm 2024) — "
        "Lê Thị Mai đã có Chiến sĩ thi đua bộ, ban, ngành, tỉnh năm 2024 trong sổ (quyết định 9/QĐ-UBND)."
    )
    assert AwardRecord.objects.count() == 1
    assert not DecisionCounter.objects.filter(last_number__gt=0).exists()
    decision.refresh_from_db()
    assert (decision.state, decision.number) == (DecisionState.SIGNED, None)
    assert not DecisionRecipient.objects.filter(certificate_code__isnull=False).exists()


def test_a_decision_without_recipients_is_refused(tree, province_officer):
    for call in (
        lambda: services.decision_create(actor=province_officer, issuer=tree["TINH"], recipients=[]),
        lambda: services.decision_draft_from_candidates(
            actor=province_officer, issuer=tree["TINH"], candidate_ids=[]
        ),
    ):
        with pytest.raises(DomainError) as info:
            call()
        assert info.value.message == "Quyết định phải có ít nhất một người hoặc tập thể được khen thưởng."
    assert Decision.objects.count() == 0


def test_same_award_and_year_twice_is_refused(tree, people, province_officer):
    r = services.RecipientInput(award_type="BK_TINH", year=2024, person=people["lan"])
    with pytest.raises(DomainError) as info:
        services.decision_create(actor=province_officer, issuer=tree["TINH"], recipients=[r, r])
    assert info.value.message.startswith(
        "Nguyễn Thị Lan có hai lần Bằng khen của bộ, ban, ngành, tỉnh năm 2024"
    )
    services.decision_create(actor=province_officer, issuer=tree["TINH"], recipients=[r])
    with pytest.raises(DomainError) as info:
        services.decision_create(actor=province_officer, issuer=tree["TINH"], recipients=[r])
    assert (
        "đã có Bằng khen của bộ, ban, ngành, tỉnh năm 2024 trong quyết định dự thảo #" in info.value.message
    )
    assert Decision.objects.count() == 1


def test_who_may_draft_sign_and_issue(
    drafted, tree, people, commune1_officer, leader, commune_leader, province_officer
):
    decision, _ = drafted
    r = [services.RecipientInput(award_type="BK_TINH", year=2024, person=people["hoa"])]
    for actor in (commune1_officer, leader):  # a unit officer and the approver cannot draft
        with pytest.raises(PermissionDenied):
            services.decision_create(actor=actor, issuer=tree["TINH"], recipients=r)
    for actor in (commune1_officer, province_officer, commune_leader):  # only the body's leader signs
        with pytest.raises(PermissionDenied):
            services.decision_sign(actor=actor, decision=decision)
    for actor in (commune1_officer, province_officer):
        with pytest.raises(PermissionDenied):
            services.decision_issue(actor=actor, decision=decision)
    assert Decision.objects.get().state == DecisionState.DRAFT


def test_only_a_draft_can_be_cancelled_or_edited(drafted, leader, province_officer):
    decision, _ = drafted
    services.decision_update(
        actor=province_officer, decision=decision, symbol="QĐ-CT", decision_date=dt.date(2025, 8, 1)
    )
    decision.refresh_from_db()
    assert decision.symbol == "QĐ-CT"
    # base salary 2.340.000 still; BK coefficient for CSTD_TINH unchanged under D152 → same amounts
    assert services.total_prize(decision) == 14_040_000
    services.decision_sign(actor=leader, decision=decision)
    with pytest.raises(DomainError) as info:
        services.decision_cancel(actor=province_officer, decision=decision)
    assert info.value.message.startswith("Chỉ hủy được quyết định đang dự thảo")
    with pytest.raises(DomainError):
        services.decision_update(actor=province_officer, decision=decision, symbol="X")


def test_revocation_marks_the_record_and_lists_money_to_recover(
    drafted, leader, province_officer, commune1_officer
):
    decision, _ = drafted
    services.decision_sign(actor=leader, decision=decision)
    services.decision_issue(actor=leader, decision=decision)
    record = AwardRecord.objects.get(person__full_name="Lê Thị Mai")
    with pytest.raises(PermissionDenied):
        services.revoke_awards(
            actor=commune1_officer,
            records=[record],
            reason="Khai man",
            decision_number="3/QĐ-UBND",
            decision_date=dt.date(2025, 6, 1),
        )
    revocation = services.revoke_awards(
        actor=province_officer,
        records=[record],
        reason="Kê khai thành tích không trung thực",
        decision_number="45/QĐ-UBND",
        decision_date=dt.date(2025, 6, 1),
        issuer_name="Ủy ban nhân dân Tỉnh Thử Nghiệm",
    )
    record.refresh_from_db()
    assert (record.status, record.revoked_at) == ("revoked", dt.date(2025, 6, 1))
    assert (
        record.revoke_reason == "Kê khai thành tích không trung thực (Quyết định 45/QĐ-UBND ngày 01/06/2025)"
    )
    line = revocation.lines.get()
    assert (line.recipient_name, line.amount_to_recover) == ("Lê Thị Mai", 7_020_000)
    with pytest.raises(DomainError) as info:
        services.revoke_awards(
            actor=province_officer,
            records=[record],
            reason="x",
            decision_number="46/QĐ-UBND",
            decision_date=dt.date(2025, 6, 2),
        )
    assert "đã bị hủy bỏ trước đó" in info.value.message


def test_notice_mail_goes_to_the_proposing_units_officers(
    drafted, leader, tree, mailoutbox, django_capture_on_commit_callbacks
):
    officer = make_user("canbo-xa1-mail", Role.UNIT_OFFICER, tree["XA1"])
    officer.email = "xa1@example.vn"
    officer.save()
    other = make_user("canbo-xa2-mail", Role.UNIT_OFFICER, tree["XA2"])
    other.email = "xa2@example.vn"
    other.save()
    decision, _ = drafted
    services.decision_sign(actor=leader, decision=decision)
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_issue(actor=leader, decision=decision)
    assert [m.to for m in mailoutbox] == [["xa1@example.vn"]]
    assert mailoutbox[0].subject == "Đã ban hành Quyết định 1/QĐ-UBND ngày 15/03/2025"


def test_dossier_follows_the_draft(drafted, province_officer):
    decision, (c1, c2) = drafted
    dossier = c1.dossier
    dossier.refresh_from_db()
    assert dossier.state == "decision_drafted"
    services.decision_recipient_remove(
        actor=province_officer, decision=decision, line_id=decision.recipients.get(candidate=c2).pk
    )
    dossier.refresh_from_db()
    assert dossier.state == "decision_drafted"  # Lan is still in the draft
    assert [ln.name for ln in decision.recipients.all()] == ["Nguyễn Thị Lan"]
    services.decision_cancel(actor=province_officer, decision=decision)
    dossier.refresh_from_db()
    assert dossier.state == "council_done"
