"""The secret-ballot guarantees: one vote per member, no vote after closing or by
anyone but a present, non-recused member, a tally nobody sees before closing
(API, pages, administrators), and nothing stored that links a member to a choice."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import Api, make_user
from tests.council.conftest import vote_all
from thidua.accounts.enums import Role
from thidua.core.errors import DomainError, NotFound, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.council import services
from thidua.council.models import Ballot, BallotTally, VoteReceipt

DAY = dt.date(2024, 12, 10)


def _tally(ballot: Ballot) -> tuple[int, int, int]:
    t = BallotTally.objects.get(ballot=ballot)
    return (t.for_count, t.against_count, t.abstain_count)


def test_second_vote_is_refused_and_nothing_written(world):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 5)
    services.vote_cast(actor=seats[0].user, session=session, ballot_id=ballot.pk, choice="for")
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as err:
        services.vote_cast(actor=seats[0].user, session=session, ballot_id=ballot.pk, choice="against")
    assert err.value.message == "Bạn đã bỏ phiếu cho trường hợp này; mỗi thành viên chỉ bỏ phiếu một lần."
    assert _tally(ballot) == (1, 0, 0)
    assert VoteReceipt.objects.filter(ballot=ballot).count() == 1
    assert AuditEntry.objects.count() == audits


def test_vote_after_closing_is_refused(world):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 5)
    vote_all(session, ballot, seats, 4, 0)
    services.ballot_close(actor=world.officer, ballot=ballot)
    with pytest.raises(DomainError, match="chưa mở hoặc đã kết thúc"):
        services.vote_cast(actor=seats[4].user, session=session, ballot_id=ballot.pk, choice="for")
    ballot.refresh_from_db()
    assert (ballot.votes_for, ballot.votes_against) == (4, 0)
    assert not VoteReceipt.objects.filter(member=seats[4]).exists()


def test_role_without_seat_and_administrator_cannot_vote(world, tree, admin_user):
    session, ballot, _seats = world.ready("CSTD_CS", DAY, 5)
    outsider = make_user("thanhvienkhac", Role.COUNCIL_MEMBER, tree["TINH"])  # the role, no seat
    for actor in (outsider, admin_user, world.officer):
        with pytest.raises(PermissionDenied) as err:
            services.vote_cast(actor=actor, session=session, ballot_id=ballot.pk, choice="for")
        assert err.value.message == services.NOT_MEMBER
    assert _tally(ballot) == (0, 0, 0) and not VoteReceipt.objects.exists()


def test_absent_member_votes_in_writing_not_online(world):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 5, present=4)
    with pytest.raises(DomainError, match="chưa được điểm danh có mặt"):
        services.vote_cast(actor=seats[4].user, session=session, ballot_id=ballot.pk, choice="for")
    assert _tally(ballot) == (0, 0, 0)


def test_vote_on_a_candidate_not_on_the_agenda(world):
    session, _ballot, seats = world.ready("CSTD_CS", DAY, 5)
    other = world.session(seats[0].council, DAY, seats)
    [elsewhere] = services.agenda_add_dossier(
        actor=world.officer, session=other, dossier=world.dossier("CSTD_CS")
    )
    with pytest.raises(NotFound) as err:
        services.vote_cast(actor=seats[0].user, session=session, ballot_id=elsewhere.pk, choice="for")
    assert err.value.message == "Trường hợp này không có trong chương trình phiên họp."
    assert not VoteReceipt.objects.exists()


def test_abstain_refused_where_the_council_does_not_allow_it(world):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 3)
    with pytest.raises(DomainError, match="không áp dụng phiếu không biểu quyết"):
        services.vote_cast(actor=seats[0].user, session=session, ballot_id=ballot.pk, choice="abstain")
    assert not VoteReceipt.objects.exists()


def _stored(ballot: Ballot) -> dict:
    """Everything the database holds about a ballot's votes, ids of the ballot itself left out."""
    audit = AuditEntry.objects.filter(
        object_type="council.ballot", object_id=str(ballot.pk), action="council.vote_cast"
    )
    return {
        "receipts": sorted(VoteReceipt.objects.filter(ballot=ballot).values_list("member_id", flat=True)),
        "tally": _tally(ballot),
        "audit": sorted((a.actor_id, a.before, json.dumps(a.after)) for a in audit),
    }


def test_database_holds_the_same_whichever_way_each_member_voted(world):
    """A and B vote for/against on one ballot and against/for on another: every row
    stored about the two ballots is the same, so nothing links a member to a choice."""
    council = world.council()
    seats = world.members(council, 3)
    session = world.session(council, DAY, seats)
    [first] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS")
    )
    [second] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS")
    )
    services.attendance_set(actor=world.officer, session=session, present=[m.pk for m in seats])
    for b in (first, second):
        services.ballot_open(actor=world.officer, ballot=b)
    a, b = seats[0].user, seats[1].user
    services.vote_cast(actor=a, session=session, ballot_id=first.pk, choice="for")
    services.vote_cast(actor=b, session=session, ballot_id=first.pk, choice="against")
    services.vote_cast(actor=b, session=session, ballot_id=second.pk, choice="for")
    services.vote_cast(actor=a, session=session, ballot_id=second.pk, choice="against")
    assert _stored(first) == _stored(second)
    assert _stored(first)["tally"] == (1, 1, 0)
    # The receipt table has no column that could carry a choice or an order in time.
    columns = {
        c.name
        for c in connection.introspection.get_table_description(connection.cursor(), "council_votereceipt")
    }
    assert columns == {"id", "ballot_id", "member_id"}
    columns = {
        c.name
        for c in connection.introspection.get_table_description(connection.cursor(), "council_ballottally")
    }
    assert columns == {"ballot_id", "for_count", "against_count", "abstain_count"}


def test_vote_audit_and_logs_never_carry_the_choice(world, caplog):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 3)
    api = Api(seats[0].user)
    with caplog.at_level(logging.DEBUG):
        response = api.post(
            f"/api/v1/council-sessions/{session.pk}/ballots/{ballot.pk}/vote", {"choice": "against"}
        )
    assert response.status_code == 200
    assert response.json() == {
        "detail": "Đã ghi nhận phiếu của bạn. Phiếu kín: hệ thống không lưu bạn đã chọn gì."
    }
    [entry] = AuditEntry.objects.filter(action="council.vote_cast")
    assert (
        entry.actor_id == seats[0].user.pk and entry.after == {"member": seats[0].pk} and entry.before is None
    )
    text = " ".join(r.getMessage() for r in caplog.records)
    assert "against" not in text and "Không đồng ý" not in text


def test_tally_hidden_before_closing_from_everyone(world, admin_user):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 5)
    vote_all(session, ballot, seats, 3, 1)
    for user in (world.officer, admin_user, seats[0].user):
        data = Api(user).get(f"/api/v1/council-sessions/{session.pk}").json()
        [item] = data["ballots"]
        assert item["voted_count"] == 4
        assert [item[k] for k in ("votes_for", "votes_against", "share", "passed")] == [
            None,
            None,
            None,
            None,
        ]
        assert Api(user).get(f"/api/v1/council-sessions/{session.pk}/results").json() == []
    for user in (world.officer, seats[0].user):
        client = Client()
        client.force_login(user)
        for url in (f"/hoi-dong/phien/{session.pk}/", f"/hoi-dong/phien/{session.pk}/ket-qua/"):
            page = client.get(url).content.decode()
            assert "Đồng ý: 3" not in page and "3/5" not in page and "60 %" not in page
    services.ballot_close(actor=world.officer, ballot=ballot)
    [item] = Api(world.officer).get(f"/api/v1/council-sessions/{session.pk}/results").json()
    assert (item["votes_for"], item["votes_against"], item["base_count"], item["passed"]) == (3, 1, 5, False)


def test_recused_member_sees_nothing_of_the_ballot(world):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 5)
    services.conflict_declare(actor=seats[4].user, ballot=ballot, reason="Vợ của người được đề nghị")
    api = Api(seats[4].user)
    assert api.get(f"/api/v1/council-sessions/{session.pk}").json()["ballots"] == []
    assert api.get("/api/v1/council-ballots/waiting").json() == []
    vote_all(session, ballot, seats[:4], 4, 0)
    services.ballot_close(actor=world.officer, ballot=ballot)
    assert api.get(f"/api/v1/council-sessions/{session.pk}/results").json() == []
    response = api.post(f"/api/v1/council-sessions/{session.pk}/ballots/{ballot.pk}/vote", {"choice": "for"})
    assert response.status_code == 403
    client = Client()
    client.force_login(seats[4].user)
    name = str(ballot.candidate.recipient)
    assert name not in client.get(f"/hoi-dong/phien/{session.pk}/bo-phieu/").content.decode()
    assert name not in client.get(f"/hoi-dong/phien/{session.pk}/ket-qua/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_vote_counts_once(tree, province_officer):
    """Two requests of the same member at the same moment: the unique receipt lets one through."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    import threading

    from tests.council.conftest import World

    world = World(tree, province_officer)
    session, ballot, seats = world.ready("CSTD_CS", DAY, 3)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def cast() -> None:
        barrier.wait()
        try:
            services.vote_cast(actor=seats[0].user, session=session, ballot_id=ballot.pk, choice="for")
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["ok", services.ALREADY_VOTED])
    assert _tally(ballot) == (1, 0, 0)
    assert VoteReceipt.objects.filter(ballot=ballot).count() == 1
