"""Secret ballot and minutes of a council session against hand-written baselines.

Creates a fresh database (SQLite in a temporary directory; with DATABASE_URL
set, a temporary PostgreSQL database dropped at the end — the pattern of
bench/people_search.py), migrates it, builds a province council of
``--members`` members and a session with ``--candidates`` candidates on the
agenda, then times

  vote:     thidua.council.services.vote_cast (permission, seat, presence,
            recusal, receipt, counters, audit) per vote
  raw vote: the two statements that carry the secret (INSERT receipt, UPDATE
            counters) through connection.cursor() in one transaction
  close:    services.ballots_close for the whole agenda (results handed to the
            nominations workflow)
  minutes:  thidua.council.minutes.build (the DOCX) against a bare python-docx
            document with the same results table

and prints p50/p95 and the ratios. Reported, never asserted.

    .venv/bin/python bench/council_ballot.py [--members 25] [--candidates 100]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from people_search import pct, setup_environment


def load(members: int, candidates: int):
    import datetime as dt

    from thidua.accounts.enums import Role
    from thidua.accounts.models import User
    from thidua.accounts.services import role_assign
    from thidua.awards.models import AwardType
    from thidua.council import services
    from thidua.directory import services as directory
    from thidua.nominations.models import Candidate, Dossier

    root = directory.unit_create(actor=None, code="B", name="Tỉnh Đo", kind="province")
    commune = directory.unit_create(actor=None, code="B-X", name="Xã Đo", kind="commune", parent=root)
    officer = User.objects.create_user(username="thuongtruc", password="bench-matkhau-1")
    role_assign(actor=None, user=officer, role=Role.STANDING_OFFICER, unit=root)
    council = services.council_create(actor=officer, unit=root, name="Hội đồng Thi đua - Khen thưởng tỉnh")
    seats = []
    for i in range(members):
        user = User.objects.create_user(
            username=f"tv{i}", password="bench-matkhau-1", full_name=f"Thành viên {i}"
        )
        role_assign(actor=None, user=user, role=Role.COUNCIL_MEMBER, unit=root)
        seats.append(
            services.member_add(
                actor=officer, council=council, user=user, role="member", active_from=dt.date(2024, 1, 1)
            )
        )
    session = services.session_create(
        actor=officer, council=council, title="Phiên đo", date=dt.date(2024, 12, 10), chair=seats[0],
        secretary=seats[-1],
    )  # fmt: skip
    cstd = AwardType.objects.get(code="CSTD_CS")
    dossier = Dossier.objects.create(
        code="HS-DO", title="Đề nghị đo", proposer_unit=commune, deciding_unit=root, state="appraised"
    )
    for i in range(candidates):
        person = directory.person_create(
            actor=None, full_name=f"Người Đo {chr(65 + i % 26)}", gender="male", unit=commune
        )
        Candidate.objects.create(
            dossier=dossier,
            recipient_kind="individual",
            person=person,
            award_type=cstd,
            year=2023,
            state="appraised",
        )
    ballots = services.agenda_add_dossier(actor=officer, session=session, dossier=dossier)
    services.attendance_set(actor=officer, session=session, present=[m.pk for m in seats])
    for b in ballots:
        services.ballot_open(actor=officer, ballot=b)
    return officer, session, seats, ballots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25)
    parser.add_argument("--candidates", type=int, default=100)
    args, _ = parser.parse_known_args()
    cleanup = setup_environment()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction
        from docx import Document

        from thidua.council import minutes, services
        from thidua.council.models import BallotTally, VoteReceipt

        call_command("migrate", verbosity=0, interactive=False)
        t0 = time.monotonic()
        officer, session, seats, ballots = load(args.members, args.candidates)
        print(
            f"CSDL: {connection.vendor}; {args.members} thành viên, {args.candidates} trường hợp, "
            f"chuẩn bị {time.monotonic() - t0:.1f} s"
        )
        half = len(ballots) // 2
        service_times: list[float] = []
        for b in ballots[:half]:
            for i, m in enumerate(seats):
                start = time.perf_counter()
                services.vote_cast(
                    actor=m.user, session=session, ballot_id=b.pk, choice="for" if i % 5 else "against"
                )
                service_times.append((time.perf_counter() - start) * 1000)
        raw_times: list[float] = []
        with connection.cursor() as cursor:
            for b in ballots[half:]:
                for i, m in enumerate(seats):
                    start = time.perf_counter()
                    with transaction.atomic():
                        cursor.execute(
                            "INSERT INTO council_votereceipt (ballot_id, member_id) VALUES (%s, %s)",
                            [b.pk, m.pk],
                        )
                        f = 0 if i % 5 == 0 else 1
                        cursor.execute(
                            "UPDATE council_ballottally SET for_count = for_count + %s, "
                            "against_count = against_count + %s, abstain_count = abstain_count + 0 "
                            "WHERE ballot_id = %s",
                            [f, 1 - f, b.pk],
                        )
                    raw_times.append((time.perf_counter() - start) * 1000)
        assert VoteReceipt.objects.count() == len(ballots) * len(seats)
        assert BallotTally.objects.filter(
            for_count=len([i for i in range(len(seats)) if i % 5])
        ).count() == len(ballots)
        s50, s95, r50, r95 = (
            pct(service_times, 50),
            pct(service_times, 95),
            pct(raw_times, 50),
            pct(raw_times, 95),
        )
        print(f"  bỏ phiếu (service) p50 {s50:6.2f} ms  p95 {s95:6.2f} ms  ({len(service_times)} phiếu)")
        print(f"  bỏ phiếu (SQL thô) p50 {r50:6.2f} ms  p95 {r95:6.2f} ms  ({len(raw_times)} phiếu)")
        print(f"  tỉ lệ service/SQL (p50): {s50 / r50:.1f}×")

        start = time.perf_counter()
        closed = services.ballots_close(actor=officer, session=session)
        close_ms = (time.perf_counter() - start) * 1000
        print(f"  kết thúc {len(closed)} phiếu và ghi kết quả hồ sơ: {close_ms:.0f} ms")

        def bare() -> bytes:
            doc = Document()
            table = doc.add_table(rows=1, cols=10)
            for b in closed:
                cells = table.add_row().cells
                for i, value in enumerate([str(b.position), *minutes.result_row(b)]):
                    cells[i].text = value
            buffer = io.BytesIO()
            doc.save(buffer)
            return buffer.getvalue()

        def timed_ms(fn, n: int = 5) -> float:
            fn()
            runs = []
            for _ in range(n):
                start = time.perf_counter()
                fn()
                runs.append((time.perf_counter() - start) * 1000)
            return sorted(runs)[len(runs) // 2]

        full = timed_ms(lambda: minutes.build(session))
        plain = timed_ms(bare)
        print(
            f"  biên bản DOCX {full:.0f} ms; python-docx trần cùng bảng {plain:.0f} ms; tỉ lệ {full / plain:.2f}×"
        )
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
