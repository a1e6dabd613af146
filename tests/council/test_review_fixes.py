"""Review fixes: closing every open ballot of a session reads the members, the
attendance, the recusals and the tallies once (not once per ballot), with the
same results; the session page reads the attendance once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.council.conftest import vote_all
from thidua.council import services

DAY = dt.date(2024, 12, 10)  # L2022-D98: CSTĐ cơ sở needs 80 % of the members


def _reads(queries, table: str) -> int:
    return sum(1 for q in queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"])


def test_close_all_reads_the_session_once_and_counts_each_ballot(world):
    council = world.council()
    seats = world.members(council, 5)
    session = world.session(council, DAY, seats)
    ballots = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS", 3)
    )
    services.attendance_set(actor=world.officer, session=session, present=[m.pk for m in seats])
    services.conflict_declare(actor=seats[4].user, ballot=ballots[1], reason="Là người thân")
    ballots = [services.ballot_open(actor=world.officer, ballot=b) for b in ballots]
    vote_all(session, ballots[0], seats, 4, 1)  # 4/5 = 80 %: passes
    vote_all(session, ballots[1], seats[:4], 3, 1)  # 3/4 (one recused) = 75 %: fails
    vote_all(session, ballots[2], seats, 5, 0)
    with CaptureQueriesContext(connection) as queries:
        closed = services.ballots_close(actor=world.officer, session=session)
    assert [(b.votes_for, b.base_count, b.members_count, b.passed) for b in closed] == [
        (4, 5, 5, True),
        (3, 4, 5, False),
        (5, 5, 5, True),
    ]
    assert closed[1].share == Decimal("0.7500")
    assert _reads(queries, "council_attendance") == 1
    assert _reads(queries, "council_councilmember") == 1
    assert _reads(queries, "council_conflict") == 1
    assert _reads(queries, "council_ballottally") == 1


def test_session_page_reads_the_attendance_once(world):
    council = world.council()
    seats = world.members(council, 4)
    session = world.session(council, DAY, seats)
    services.attendance_set(actor=world.officer, session=session, present=[m.pk for m in seats[:3]])
    client = Client()
    client.force_login(world.officer)
    client.get(f"/hoi-dong/phien/{session.pk}/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert _reads(queries, "council_attendance") == 1
    assert "3/4" in page
