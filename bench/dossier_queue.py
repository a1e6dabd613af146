"""The dossier list and the work queue over many dossiers, against raw SQL.

Creates a fresh database (SQLite in a temporary directory; with DATABASE_URL
set, a temporary PostgreSQL database dropped at the end — bench/people_search.py),
migrates it, bulk-inserts ``--dossiers`` dossiers (20,000 by default) from the
schools of two provinces to their communes, spread over the workflow's
states, then times, for the standing officer of one province:

  list:     selectors.dossier_list(user, state="submitted") — first page of 50 and the count
  queue:    selectors.queue_for(user) — every group: its first 100 items (due dates, overdue
            days) and, when longer, the totals counted in the database
  SQL:      the list's page and count written by hand (scope on both unit paths)

and prints p50/p95 and the ratios. Reported, not asserted.

    .venv/bin/python bench/dossier_queue.py [--dossiers 20000] [--n 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/dossier_queue.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from people_search import pct, setup_environment, timed

STATES = {
    "draft": 0.25,
    "submitted": 0.08,
    "under_appraisal": 0.05,
    "returned": 0.05,
    "appraised": 0.03,
    "published": 0.02,
    "at_council": 0.02,
    "council_done": 0.02,
    "issued": 0.38,
    "closed": 0.08,
    "withdrawn": 0.02,
}


def load(count: int, seed: int):
    from django.db import connection, transaction

    from thidua.accounts.enums import Role
    from thidua.accounts.models import User
    from thidua.accounts.services import role_assign
    from thidua.directory import services
    from thidua.nominations.models import Dossier

    rng = random.Random(seed)
    pairs = []
    roots = []
    for p in ("B", "O"):
        top = services.unit_create(actor=None, code=p, name=f"Tỉnh {p}", kind="province")
        roots.append(top)
        for c in range(40):
            commune = services.unit_create(
                actor=None, code=f"{p}-X{c}", name=f"Xã {c}", kind="commune", parent=top
            )
            for s in range(3):
                school = services.unit_create(
                    actor=None, code=f"{commune.code}-T{s}", name=f"Trường {s}", kind="school", parent=commune
                )
                pairs.append((school.pk, commune.pk))
    today = dt.date.today()
    states, weights = list(STATES), list(STATES.values())
    with transaction.atomic():
        batch = []
        for i in range(count):
            proposer, decider = rng.choice(pairs)
            batch.append(
                Dossier(
                    code=f"HS-B-{i:06d}",
                    title=f"Đề nghị khen thưởng số {i}",
                    proposer_unit_id=proposer,
                    deciding_unit_id=decider,
                    state=rng.choices(states, weights)[0],
                    due_date=today + dt.timedelta(days=rng.randrange(-20, 20)),
                )
            )
        Dossier.objects.bulk_create(batch, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = User.objects.create_user(username="bench", password="bench-matkhau-1")
    role_assign(actor=None, user=user, role=Role.STANDING_OFFICER, unit=roots[0])
    return User.objects.get(pk=user.pk), roots[0]


def raw(vendor: str) -> tuple[str, str]:
    like = "{col}::text LIKE %s" if vendor == "postgresql" else "{col} LIKE %s"
    p = like.format(col="pu.path")
    d = like.format(col="du.path")
    where = (
        "FROM nominations_dossier x INNER JOIN directory_unit pu ON pu.id = x.proposer_unit_id "
        "LEFT JOIN directory_unit du ON du.id = x.deciding_unit_id "
        f"WHERE x.state = %s AND ({p} OR (x.deciding_unit_id IS NOT NULL AND {d}))"
    )
    page = f"SELECT x.id, x.code, x.title, x.state, x.due_date, pu.name, du.name {where} ORDER BY x.created_at DESC, x.id DESC LIMIT 50"
    return page, f"SELECT COUNT(*) {where}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget", type=float, default=300.0, help="giây tối đa cho phần đo")
    args = parser.parse_args()
    cleanup = setup_environment()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        t0 = time.monotonic()
        user, root = load(args.dossiers, args.seed)
        print(f"CSDL: {connection.vendor}; {args.dossiers:,} hồ sơ nạp trong {time.monotonic() - t0:.1f} s")
        from thidua.nominations import selectors

        deadline = time.monotonic() + args.budget

        def listing() -> None:
            qs = selectors.dossier_list(user, state="submitted")
            list(qs[:50])
            qs.count()

        def queue() -> None:
            for g in selectors.queue_for(user):
                len(g.items)

        page_sql, count_sql = raw(connection.vendor)
        params = ["submitted", f"{root.path}%", f"{root.path}%"]

        def sql() -> None:
            with connection.cursor() as cursor:
                cursor.execute(page_sql, params)
                cursor.fetchall()
                cursor.execute(count_sql, params)
                cursor.fetchone()

        s = timed(listing, args.n, deadline)
        q = timed(queue, args.n, deadline)
        r = timed(sql, args.n, deadline)
        groups = selectors.queue_for(user)
        items, total = sum(len(g.items) for g in groups), sum(g.total for g in groups)
        print(f"  danh sách (trang 1 + đếm)  p50 {pct(s, 50):7.1f} ms   p95 {pct(s, 95):7.1f} ms")
        print(f"  hàng đợi ({items:,}/{total:,} việc) p50 {pct(q, 50):7.1f} ms   p95 {pct(q, 95):7.1f} ms")
        print(f"  SQL thô (trang 1 + đếm)    p50 {pct(r, 50):7.1f} ms   p95 {pct(r, 95):7.1f} ms")
        print(f"  tỉ lệ danh sách/SQL (p95): {pct(s, 95) / pct(r, 95):.2f}×")
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
