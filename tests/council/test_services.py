"""The council's rules as a user meets them: thresholds from the rule data (the
worked examples of awards.md), quorum, recusal, written opinions, and the
results handed to the nominations workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.council.conftest import vote_all
from thidua.core.errors import DomainError, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.council import services
from thidua.council.models import Ballot, BallotState, Conflict, VoteReceipt
from thidua.nominations.models import CandidateState, DossierState

D98 = dt.date(2024, 12, 10)  # L2022-D98 in force
L2013 = dt.date(2023, 6, 15)  # L2013 (NĐ 91/2017) in force
D152 = dt.date(2025, 12, 10)


def _close(world, session):
    [ballot] = services.ballots_close(actor=world.officer, session=session)
    return ballot


@pytest.mark.parametrize(
    ("award", "day", "members", "n_for", "passed", "share", "threshold", "citation"),
    [
        ("CSTD_CS", D98, 15, 12, True, Decimal("0.8000"), Decimal("0.800"), "NĐ 98/2023 Điều 30(7)"),
        ("CSTD_CS", D98, 15, 11, False, Decimal("0.7333"), Decimal("0.800"), "NĐ 98/2023 Điều 30(7)"),
        ("CSTD_TQ", L2013, 20, 17, False, Decimal("0.8500"), Decimal("0.900"), "NĐ 91/2017 Điều 45(8)"),
        ("CSTD_TQ", L2013, 20, 18, True, Decimal("0.9000"), Decimal("0.900"), "NĐ 91/2017 Điều 45(8)"),
    ],
)
def test_threshold_from_rule_data_worked_examples(
    world, award, day, members, n_for, passed, share, threshold, citation
):
    session, ballot, seats = world.ready(award, day, members)
    assert ballot.threshold == threshold and ballot.base == "all" and ballot.rule_source == "rule"
    vote_all(session, ballot, seats, n_for, members - n_for)
    ballot = _close(world, session)
    assert (ballot.votes_for, ballot.votes_against, ballot.base_count) == (n_for, members - n_for, members)
    assert ballot.share == share
    assert ballot.passed is passed
    assert ballot.citation == citation
    candidate = ballot.candidate
    candidate.refresh_from_db()
    assert candidate.state == (CandidateState.APPROVED if passed else CandidateState.REJECTED)
    assert candidate.council_votes_for == n_for and candidate.council_members == members
    assert citation in candidate.council_note
    candidate.dossier.refresh_from_db()
    # every candidate decided: COUNCIL_DONE when one passed, CLOSED when none did
    assert candidate.dossier.state == (DossierState.COUNCIL_DONE if passed else DossierState.CLOSED)


def test_base_all_counts_absent_members_and_their_written_opinions(world):
    """D98 CSTD_CS, 15 members, 12 present: 10 vote for online, 2 absent members' written
    opinions "for" → 12/15 = 80 % passes; without them 10/15 fails."""
    session, ballot, seats = world.ready("CSTD_CS", D98, 15, present=12)
    vote_all(session, ballot, seats, 10, 2)
    services.written_opinions_set(actor=world.officer, ballot=ballot, votes_for=2, votes_against=1)
    ballot = _close(world, session)
    assert (ballot.votes_for, ballot.votes_against, ballot.base_count, ballot.present_count) == (
        12,
        3,
        15,
        12,
    )
    assert ballot.passed is True


def test_written_opinions_cannot_exceed_absent_members(world):
    _session, ballot, _seats = world.ready("CSTD_CS", D98, 15, present=13)
    with pytest.raises(DomainError, match=r"vượt quá số thành viên vắng mặt \(2\)"):
        services.written_opinions_set(actor=world.officer, ballot=ballot, votes_for=3, votes_against=0)
    ballot.refresh_from_db()
    assert ballot.written_for == 0


def test_council_default_threshold_when_the_rule_has_none(world):
    """GK has no vote entry: the council's own rule (majority of members present,
    strictly more than half) applies and is named with its citation."""
    session, ballot, seats = world.ready(
        "GK", D98, 9, present=8, default_citation="Quy chế Hội đồng (QĐ 86/2025)", quorum_share="0.8"
    )
    assert (ballot.rule_source, ballot.base, ballot.strict) == ("council", "present", True)
    assert ballot.citation == "Quy chế Hội đồng (QĐ 86/2025)"
    vote_all(session, ballot, seats, 4, 4)
    ballot = _close(world, session)
    assert (ballot.votes_for, ballot.base_count, ballot.passed) == (
        4,
        8,
        False,
    )  # 50 % is not "more than half"
    assert "trên 50 % số thành viên có mặt" in services.result_note(ballot)


def test_quorum_rule_is_data_and_blocks_opening(world):
    council = world.council(quorum_share="0.8", quorum_citation="QĐ 86/2025 của UBND tỉnh Bắc Ninh")
    seats = world.members(council, 10)
    session = world.session(council, D98, seats)
    [ballot] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS")
    )
    services.attendance_set(actor=world.officer, session=session, present=[m.pk for m in seats[:7]])
    with pytest.raises(DomainError) as err:
        services.ballot_open(actor=world.officer, ballot=ballot)
    assert err.value.message == (
        "Chưa đủ số thành viên dự họp: có mặt 7/10, cần ít nhất 8 (80 %, QĐ 86/2025 của UBND tỉnh Bắc Ninh)."
    )
    ballot.refresh_from_db()
    assert ballot.state == BallotState.PENDING
    services.attendance_set(actor=world.officer, session=session, present=[m.pk for m in seats[:8]])
    assert services.ballot_open(actor=world.officer, ballot=ballot).state == BallotState.OPEN


def test_membership_on_the_session_date_is_the_base(world):
    """A member who left before the session, or joins after it, is not in its base."""
    council = world.council()
    seats = world.members(council, 6)
    services.member_end(actor=world.officer, member=seats[5], active_to=dt.date(2024, 6, 30))
    late = world.members(council, 1, since=dt.date(2025, 1, 1))[0]
    session = world.session(council, D98, seats[:5])
    assert {m.pk for m in services.voting_members(session)} == {m.pk for m in seats[:5]}
    assert services.quorum(session).members == 5
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=late.user, session=session, ballot_id=1, choice="for")


def test_recused_member_is_left_out_of_the_base_and_cannot_vote(world):
    """15 members, one recused: 12 for out of 14 (85,7 %) passes the 80 % rule."""
    session, ballot, seats = world.ready("CSTD_CS", D98, 15)
    conflicted = seats[14]
    services.conflict_declare(
        actor=conflicted.user, ballot=ballot, reason="Là người thân của người được đề nghị"
    )
    with pytest.raises(PermissionDenied, match="xung đột lợi ích"):
        services.vote_cast(actor=conflicted.user, session=session, ballot_id=ballot.pk, choice="for")
    assert not VoteReceipt.objects.filter(member=conflicted).exists()
    vote_all(session, ballot, seats[:14], 12, 2)
    ballot = _close(world, session)
    assert (ballot.votes_for, ballot.base_count, ballot.members_count, ballot.passed) == (12, 14, 15, True)
    assert ballot.share == Decimal("0.8571")


def test_conflict_cannot_be_declared_after_voting(world):
    session, ballot, seats = world.ready("CSTD_CS", D98, 5)
    services.vote_cast(actor=seats[0].user, session=session, ballot_id=ballot.pk, choice="for")
    with pytest.raises(DomainError, match="sau khi bỏ phiếu"):
        services.conflict_declare(actor=seats[0].user, ballot=ballot, reason="Người thân")
    assert not Conflict.objects.exists()


def test_open_voting_refused_when_the_rule_requires_secret_ballot(world):
    council = world.council()
    seats = world.members(council, 5)
    session = world.session(council, D98, seats)
    [secret_one] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS")
    )
    [open_one] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("GK")
    )
    services.attendance_set(actor=world.officer, session=session, present=[m.pk for m in seats])
    with pytest.raises(DomainError, match=r"yêu cầu bỏ phiếu kín \(NĐ 98/2023 Điều 30\(7\)\)"):
        services.ballot_open(actor=world.officer, ballot=secret_one, mode="open")
    services.ballot_open(actor=world.officer, ballot=open_one, mode="open")
    with pytest.raises(DomainError, match="giơ tay"):
        services.vote_cast(actor=seats[0].user, session=session, ballot_id=open_one.pk, choice="for")
    with pytest.raises(DomainError, match="vượt quá số thành viên có mặt"):
        services.ballot_close(actor=world.officer, ballot=open_one, hands=services.HandCount(4, 2))
    closed = services.ballot_close(actor=world.officer, ballot=open_one, hands=services.HandCount(4, 1))
    assert (closed.mode, closed.votes_for, closed.base_count, closed.passed) == ("open", 4, 5, True)


def test_agenda_moves_the_dossier_to_council_and_refuses_other_states(world):
    council = world.council()
    seats = world.members(council, 3)
    session = world.session(council, D98, seats)
    dossier = world.dossier("CSTD_CS", 2)
    ballots = services.agenda_add_dossier(actor=world.officer, session=session, dossier=dossier)
    assert [b.position for b in ballots] == [1, 2]
    dossier.refresh_from_db()
    assert dossier.state == DossierState.AT_COUNCIL
    draft = world.dossier("CSTD_CS", state=DossierState.UNDER_APPRAISAL)
    with pytest.raises(DomainError, match="chỉ hồ sơ đã thẩm định hoặc đã công khai"):
        services.agenda_add_dossier(actor=world.officer, session=session, dossier=draft)
    assert Ballot.objects.filter(candidate__dossier=draft).count() == 0


def test_only_the_standing_body_in_scope_manages_the_council(world, tree, commune1_officer):
    council = world.council()
    with pytest.raises(PermissionDenied):
        services.session_create(actor=commune1_officer, council=council, title="Họp", date=D98)
    with pytest.raises(PermissionDenied):
        services.council_create(actor=commune1_officer, unit=tree["XA1"], name="Hội đồng xã")
    assert council.sessions.count() == 0


def test_every_change_is_audited(world):
    session, ballot, seats = world.ready("CSTD_CS", D98, 3)
    vote_all(session, ballot, seats, 3, 0)
    _close(world, session)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "council.council_create",
        "council.member_add",
        "council.session_create",
        "council.agenda_add",
        "council.attendance",
        "council.ballot_open",
        "council.vote_cast",
        "council.ballot_close",
    } <= actions


def test_a_deferred_candidate_waits_at_council_for_a_later_session(world):
    """Hoãn xét: the dossier stays at council until the deferred candidate is voted on."""
    council = world.council()
    seats = world.members(council, 3)
    first = world.session(council, D98, seats)
    dossier = world.dossier("CSTD_CS", 2)
    a, b = services.agenda_add_dossier(actor=world.officer, session=first, dossier=dossier)
    services.attendance_set(actor=world.officer, session=first, present=[m.pk for m in seats])
    services.ballot_defer(actor=world.officer, ballot=b, reason="Chờ xác minh đơn thư")
    with pytest.raises(DomainError, match="chưa mở biểu quyết"):
        services.ballot_defer(actor=world.officer, ballot=b, reason="Lần nữa")
    services.ballot_open(actor=world.officer, ballot=a)
    vote_all(first, a, seats, 3, 0)
    services.ballots_close(actor=world.officer, session=first)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.AT_COUNCIL  # b is still waiting
    with pytest.raises(DomainError, match="một phiên họp sau"):
        services.agenda_add_dossier(actor=world.officer, session=first, dossier=dossier)
    later = world.session(council, dt.date(2024, 12, 20), seats)
    from thidua.council.selectors import agenda_candidates

    assert list(agenda_candidates(world.officer, later)) == [dossier]
    [again] = services.agenda_add_dossier(actor=world.officer, session=later, dossier=dossier)
    assert again.candidate_id == b.candidate_id
    assert list(agenda_candidates(world.officer, later)) == []
    services.attendance_set(actor=world.officer, session=later, present=[m.pk for m in seats])
    services.ballot_open(actor=world.officer, ballot=again)
    vote_all(later, again, seats, 1, 2)
    services.ballots_close(actor=world.officer, session=later)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.COUNCIL_DONE
    assert sorted(dossier.candidates.values_list("state", flat=True)) == ["approved", "rejected"]
