"""Report figures (JSON), the annual DOCX and the XLSX tables over a large
province against hand-written SQL computing the same award and rating figures.

Creates a fresh database (SQLite in a temporary directory; with DATABASE_URL
set, a temporary database on that PostgreSQL server, dropped at the end — the
pattern of bench/people_search.py), migrates it, then loads the data in two
steps — 10 % and then the remaining 90 % — and after each step times

  summary:  thidua.reports.figures.compute(unit=province, year Y, subtree) (every figure of the JSON)
  DOCX:     figures + docxtpl rendering with the two chart PNGs
  XLSX:     figures + the seven xlsxwriter sheets
  SQL:      the awards GROUP BY (COUNT DISTINCT per kind) and the ratings GROUP BY
            of the same period and subtree, through connection.cursor()

printing p50/p95, the ratio against SQL and how each grows from 10 % to 100 %.
Data: ``--rows`` registry rows over ten years (1,000,000 by default) and
``--ratings`` people ratings a year (100,000). Movements and contests are not
loaded (their figures come from their own modules' selectors, measured by
bench/movement_progress.py and bench/contest_load.py). Targets: summary ≤ 1 s,
DOCX ≤ 5 s, XLSX ≤ 5 s — reported, not asserted (``--strict`` exits 1 on a miss).

    .venv/bin/python bench/report_summary.py [--rows 1000000] [--ratings 100000] [--n 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/report_summary.py
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

YEAR = 2023
YEARS = list(range(2014, 2024))


def tree(rng: random.Random):
    from thidua.directory import services
    from thidua.directory.models import Person, Unit

    root = services.unit_create(actor=None, code="B", name="Tỉnh Đo", kind="province")
    other = services.unit_create(actor=None, code="O", name="Tỉnh Khác", kind="province")
    units: list[Unit] = []
    for top in (root, other):
        for d in range(8):
            district = services.unit_create(
                actor=None, code=f"{top.code}-H{d}", name=f"Huyện {d}", kind="district", parent=top
            )
            for c in range(12):
                units.append(
                    services.unit_create(
                        actor=None,
                        code=f"{district.code}-X{c}",
                        name=f"Xã {c}",
                        kind="commune",
                        parent=district,
                    )
                )
    Person.objects.bulk_create(
        [Person(full_name=f"Người {i}", gender="male", unit=rng.choice(units)) for i in range(120_000)],
        batch_size=10_000,
    )
    return root, units, list(Person.objects.values_list("pk", "unit_id"))


def load(rng: random.Random, rows: int, ratings: int, units, people, seen: set) -> None:
    from django.db import transaction

    from thidua.awards.models import AwardRecord, AwardType, Rating

    types = {t.code: t.pk for t in AwardType.objects.all()}
    individual = [types[c] for c in ("LDTT", "CSTD_CS", "GK", "BK_TINH")]
    collective = [types[c] for c in ("TTLDTT", "GK", "TTLDXS")]
    levels = ["district", "commune", "agency", "province"]
    budgets = ["Quỹ thi đua, khen thưởng tỉnh", "Quỹ thi đua, khen thưởng huyện", ""]
    batch: list[AwardRecord] = []
    made = 0
    with transaction.atomic():
        while made < rows:
            year = rng.choice(YEARS)
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
            batch.append(
                AwardRecord(
                    award_type_id=key[0],
                    year=year,
                    authority_level=rng.choice(levels),
                    status="revoked" if rng.random() < 0.01 else "valid",
                    prize_amount=rng.choice([0, 702_000, 2_340_000]),
                    budget_source=rng.choice(budgets),
                    **values,
                )
            )
            made += 1
            if len(batch) == 20_000:
                AwardRecord.objects.bulk_create(batch)
                batch.clear()
        AwardRecord.objects.bulk_create(batch)
        grades = ["HTXSNV", "HTTNV", "HTTNV", "HTNV", "KHTNV"]
        rated = [r for r in Rating.objects.values_list("person_id", "year")]
        have = set(rated)
        out: list[Rating] = []
        for year in YEARS:
            for pid, uid in rng.sample(people, min(ratings, len(people))):
                if (pid, year) in have:
                    continue
                have.add((pid, year))
                out.append(Rating(person_id=pid, owner_unit_id=uid, year=year, grade=rng.choice(grades)))
            for u in units:
                if (None, year, u.pk) not in seen:
                    seen.add((None, year, u.pk))
                    out.append(Rating(unit_id=u.pk, owner_unit_id=u.pk, year=year, grade=rng.choice(grades)))
        Rating.objects.bulk_create(out, batch_size=20_000)


RAW_AWARDS = """
SELECT r.award_type_id, r.authority_level,
       COUNT(DISTINCT CASE WHEN r.recipient_kind = 'collective' THEN r.unit_id END),
       COUNT(DISTINCT CASE WHEN r.recipient_kind = 'individual' THEN r.person_id END),
       COUNT(DISTINCT CASE WHEN r.recipient_kind = 'household' THEN r.household_id END)
FROM awards_awardrecord r INNER JOIN directory_unit u ON u.id = r.owner_unit_id
WHERE r.status = 'valid' AND u.path LIKE %s AND r.year BETWEEN %s AND %s
  AND ((r.period_end BETWEEN %s AND %s) OR (r.period_end IS NULL AND r.year = %s))
GROUP BY r.award_type_id, r.authority_level
"""
RAW_RATINGS = """
SELECT (r.person_id IS NULL) AS is_unit, r.grade, COUNT(*)
FROM awards_rating r INNER JOIN directory_unit u ON u.id = r.owner_unit_id
WHERE u.path LIKE %s AND r.year = %s
GROUP BY 1, 2
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--max-seconds", type=float, default=1200)
    parser.add_argument("--strict", action="store_true")
    args, _ = parser.parse_known_args()
    started = time.monotonic()
    cleanup = setup_environment()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from thidua.reports import documents, figures, tables

        call_command("migrate", verbosity=0, interactive=False)
        rng = random.Random(args.seed)
        root, units, people = tree(rng)
        seen: set = set()
        start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
        deadline = time.monotonic() + args.max_seconds
        results: dict[str, dict[str, float]] = {}
        ok = True
        for label, share in (("10 %", 0.1), ("100 %", 0.9)):
            t0 = time.monotonic()
            load(rng, int(args.rows * share), int(args.ratings * share), units, people, seen)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print(f"CSDL: {connection.vendor}; nạp thêm {int(args.rows * share):,} khen thưởng trong "
                  f"{time.monotonic() - t0:.1f} s ({label} dữ liệu)")  # fmt: skip

            def summary():
                return figures.compute(unit=root, period_from=start, period_to=end)

            def docx():
                return documents.render(summary())

            def xlsx():
                return tables.render(summary())

            def sql():
                with connection.cursor() as cursor:
                    cursor.execute(RAW_AWARDS, [f"{root.path}%", YEAR - 1, YEAR + 1, start, end, YEAR])
                    a = cursor.fetchall()
                    cursor.execute(RAW_RATINGS, [f"{root.path}%", YEAR])
                    return a, cursor.fetchall()

            fig = summary()
            raw_awards, _ratings = sql()
            assert sum(r[3] for r in raw_awards) == fig.award_totals["individual"], "kết quả không khớp"
            q = timed(sql, args.n, deadline)
            row = {"sql": pct(q, 95)}
            for name, fn, target in (("summary", summary, 1000), ("DOCX", docx, 5000), ("XLSX", xlsx, 5000)):
                t = timed(fn, args.n, deadline)
                row[name] = pct(t, 95)
                ok &= row[name] <= target
                print(f"  {name:8s} p50 {pct(t, 50):8.1f} ms  p95 {row[name]:8.1f} ms  "
                      f"tỉ lệ/SQL {row[name] / row['sql']:.1f}×  mục tiêu ≤ {target} ms")  # fmt: skip
            print(f"  SQL thô  p95 {row['sql']:8.1f} ms")
            results[label] = row
        for name in ("summary", "DOCX", "XLSX", "sql"):
            print(f"  tăng trưởng 10 % → 100 %: {name} ×{results['100 %'][name] / results['10 %'][name]:.1f}")
        print(f"  mục tiêu: {'ĐẠT' if ok else 'KHÔNG ĐẠT'}; tổng {time.monotonic() - started:.0f} s")
        return 1 if args.strict and not ok else 0
    finally:
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
