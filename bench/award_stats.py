"""Award statistics over a large register against the same GROUP BY in raw SQL.

Creates a fresh database (SQLite in a temporary directory; with DATABASE_URL
set, a temporary database on that PostgreSQL server, dropped at the end — the
pattern of bench/people_search.py), migrates it, bulk-inserts ``--rows``
registry rows (1,000,000 by default) spread over 20 years, a province with
districts, communes and schools, then times

  selector: thidua.awards.selectors.award_stats(user, year=Y, unit=province subtree)
            (a standing officer of the province, so the scope filter is in the query)
  SQL:      the same WHERE / GROUP BY / COUNT(DISTINCT …) through connection.cursor()

and prints p50/p95 and the ratio. Target: selector p95 ≤ 500 ms. Reported, not
asserted (``--strict`` exits 1 on a miss).

    .venv/bin/python bench/award_stats.py [--rows 1000000] [--n 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/award_stats.py
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from people_search import pct, setup_environment, timed

YEAR = 2023


def random_records(
    rng: random.Random, rows: int, people: list, units: list, years: list[int], seen: set, **extra: Any
) -> Iterator[Any]:
    """``rows`` registry rows: 85 % individuals (LĐTT, CSTĐ cơ sở, GK, Bằng khen tỉnh), the rest
    collectives, never the same award twice for a recipient and year (``seen`` carries that across
    calls); ``extra`` maps a field to a function of ``rng`` giving its value (bench/report_summary.py
    adds money, budget sources and movements)."""
    from thidua.awards.models import AwardRecord, AwardType

    types = {t.code: t.pk for t in AwardType.objects.all()}
    individual = [types[c] for c in ("LDTT", "CSTD_CS", "GK", "BK_TINH")]
    collective = [types[c] for c in ("TTLDTT", "GK", "TTLDXS")]
    levels = ["district", "commune", "agency", "province"]
    made = 0
    while made < rows:
        year = rng.choice(years)
        if rng.random() < 0.85:
            pid, uid = rng.choice(people)
            key = (rng.choice(individual), "p", pid, year)
            values = {"recipient_kind": "individual", "person_id": pid, "owner_unit_id": uid}
        else:
            u = rng.choice(units)
            key = (rng.choice(collective), "u", u.pk, year)
            values = {"recipient_kind": "collective", "unit_id": u.pk, "owner_unit_id": u.pk}
        if key in seen:
            continue
        seen.add(key)
        yield AwardRecord(
            award_type_id=key[0],
            year=year,
            authority_level=rng.choice(levels),
            status="revoked" if rng.random() < 0.01 else "valid",
            **values,
            **{name: pick(rng) for name, pick in extra.items()},
        )
        made += 1


def write_records(records: Iterable[Any], batch_size: int) -> None:
    """bulk_create in batches (the caller holds the transaction)."""
    from thidua.awards.models import AwardRecord

    batch: list[Any] = []
    for record in records:
        batch.append(record)
        if len(batch) == batch_size:
            AwardRecord.objects.bulk_create(batch)
            batch.clear()
    AwardRecord.objects.bulk_create(batch)


def load(rows: int, seed: int):
    from django.db import connection, transaction

    from thidua.accounts.enums import Role
    from thidua.accounts.models import User
    from thidua.accounts.services import role_assign
    from thidua.directory import services
    from thidua.directory.models import Person

    rng = random.Random(seed)
    root = services.unit_create(actor=None, code="B", name="Tỉnh Đo", kind="province")
    other = services.unit_create(actor=None, code="O", name="Tỉnh Khác", kind="province")
    units = []
    for top in (root, other):
        for d in range(6):
            district = services.unit_create(
                actor=None, code=f"{top.code}-H{d}", name=f"Huyện {d}", kind="district", parent=top
            )
            for c in range(10):
                commune = services.unit_create(
                    actor=None, code=f"{district.code}-X{c}", name=f"Xã {c}", kind="commune", parent=district
                )
                units.append(commune)
    with transaction.atomic():
        Person.objects.bulk_create(
            [Person(full_name=f"Người {i}", gender="male", unit=rng.choice(units)) for i in range(20_000)],
            batch_size=5000,
        )
    people = list(Person.objects.values_list("pk", "unit_id"))
    with transaction.atomic():
        years = [2005 + y for y in range(20)]
        write_records(random_records(rng, rows, people, units, years, set()), 10_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = User.objects.create_user(username="bench", password="bench-matkhau-1")
    role_assign(actor=None, user=user, role=Role.STANDING_OFFICER, unit=root)
    return User.objects.get(pk=user.pk), root


RAW = """
SELECT r.award_type_id, r.authority_level,
       COUNT(DISTINCT CASE WHEN r.recipient_kind = 'collective' THEN r.unit_id END),
       COUNT(DISTINCT CASE WHEN r.recipient_kind = 'individual' THEN r.person_id END),
       COUNT(DISTINCT CASE WHEN r.recipient_kind = 'household' THEN r.household_id END)
FROM awards_awardrecord r INNER JOIN directory_unit u ON u.id = r.owner_unit_id
WHERE r.year = %s AND r.status = 'valid' AND u.path LIKE %s
GROUP BY r.award_type_id, r.authority_level
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20240403)
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--strict", action="store_true")
    args, _ = parser.parse_known_args()
    started = time.monotonic()
    cleanup = setup_environment()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from thidua.awards import selectors

        call_command("migrate", verbosity=0, interactive=False)
        t0 = time.monotonic()
        user, root = load(args.rows, args.seed)
        print(f"CSDL: {connection.vendor}; {args.rows:,} khen thưởng nạp trong {time.monotonic() - t0:.1f} s")
        deadline = time.monotonic() + args.max_seconds

        def run_selector():
            return selectors.award_stats(user, year=YEAR, unit=root, include_subunits=True)

        def run_sql():
            with connection.cursor() as cursor:
                cursor.execute(RAW, [YEAR, f"{root.path}%"])
                return cursor.fetchall()

        result = run_selector()
        raw = run_sql()
        expected = {(a, lvl): (c, i, h) for a, lvl, c, i, h in raw}
        assert sum(sum(v) for v in expected.values()) == sum(result["totals"].values()), "kết quả không khớp"
        sel = timed(run_selector, args.n, deadline)
        sql = timed(run_sql, args.n, deadline)
        s50, s95, q50, q95 = pct(sel, 50), pct(sel, 95), pct(sql, 50), pct(sql, 95)
        print(f"  năm {YEAR}, tỉnh và đơn vị trực thuộc: {sum(result['totals'].values()):,} lượt đếm")
        print(f"  selector p50 {s50:7.1f} ms   p95 {s95:7.1f} ms")
        print(f"  SQL thô  p50 {q50:7.1f} ms   p95 {q95:7.1f} ms")
        print(f"  tỉ lệ selector/SQL (p95): {s95 / q95:.2f}×")
        ok = s95 <= 500
        print(
            f"  mục tiêu p95 ≤ 500 ms: {'ĐẠT' if ok else 'KHÔNG ĐẠT'}; tổng {time.monotonic() - started:.0f} s"
        )
        return 1 if args.strict and not ok else 0
    finally:
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
