"""Movement progress "as of a day" against a naive per-indicator version.

Creates a fresh database (SQLite in a temporary directory; with DATABASE_URL a
temporary PostgreSQL database, dropped at the end — bench/people_search.py's
pattern), a movement with ``--indicators`` indicators (12 monthly values each)
and ``--tasks`` key tasks (3 status changes each), then times

  selector: thidua.movements.selectors.progress(movement, as_of) — three queries,
            the latest value and status on or before the day picked in memory
  naive:    per indicator one "latest value ≤ day" query and per task one
            "latest status ≤ day" query (what a template loop would do)

and prints p50/p95 and the ratio. Both give the same "x/y chỉ tiêu" and
"x/y nhiệm vụ" texts (checked). Target: selector p95 ≤ 100 ms for 500
indicators and 500 tasks. Reported, not asserted (``--strict`` exits 1 on a miss).

    .venv/bin/python bench/movement_progress.py [--indicators 500] [--tasks 500] [--n 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from people_search import pct, setup_environment, timed

AS_OF = dt.date(2024, 9, 30)


def load(indicators: int, tasks: int, seed: int):
    from django.db import connection, transaction

    from thidua.directory import services as directory
    from thidua.movements import services
    from thidua.movements.models import Indicator, IndicatorValue, KeyTask, TaskStatusChange

    rng = random.Random(seed)
    root = directory.unit_create(actor=None, code="B", name="Tỉnh Đo", kind="province")
    m = services.movement_launch(
        actor=None, kind="regular", name="Phong trào đo", launching_unit=root,
        start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31),
    )  # fmt: skip
    with transaction.atomic():
        inds = Indicator.objects.bulk_create(
            [
                Indicator(
                    movement=m,
                    unit=root,
                    code=f"CT{i:04d}",
                    name=f"Chỉ tiêu {i}",
                    position=i,
                    plan_value=Decimal(rng.randint(50, 500)),
                    direction=rng.choice(["higher", "lower"]),
                )
                for i in range(indicators)
            ]
        )
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(
                    indicator=ind, value=Decimal(rng.randint(10, 700)), as_of=dt.date(2024, month, 28)
                )
                for ind in inds
                for month in range(1, 13)
            ],
            batch_size=5000,
        )
        ts = KeyTask.objects.bulk_create(
            [KeyTask(movement=m, unit=root, title=f"Nhiệm vụ {i}", position=i) for i in range(tasks)]
        )
        TaskStatusChange.objects.bulk_create(
            [
                TaskStatusChange(task=t, status=status, on=dt.date(2024, month, 1))
                for t in ts
                for status, month in (("in_progress", 2), ("done", rng.randint(3, 12)), ("in_progress", 12))
            ],
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return m


def naive(movement, as_of):
    """The loop a template would write: one query per indicator and per task."""
    from thidua.movements import rules
    from thidua.movements.models import IndicatorValue, TaskStatusChange

    met = total = 0
    for ind in movement.indicators.all():
        total += 1
        v = IndicatorValue.objects.filter(indicator=ind, as_of__lte=as_of).order_by("-as_of", "-id").first()
        if v is not None and rules.is_met(ind.plan_value, v.value, ind.direction):
            met += 1
    done = doing = n = 0
    for task in movement.tasks.all():
        n += 1
        c = TaskStatusChange.objects.filter(task=task, on__lte=as_of).order_by("-on", "-id").first()
        status = c.status if c else "not_started"
        done += status == "done"
        doing += status == "in_progress"
    return (
        f"{met}/{total} chỉ tiêu đạt và vượt kế hoạch",
        f"{done}/{n} nhiệm vụ hoàn thành, {doing}/{n} đang triển khai",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=500)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20220804)
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--strict", action="store_true")
    args, _ = parser.parse_known_args()
    started = time.monotonic()
    cleanup = setup_environment()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from thidua.movements import selectors

        call_command("migrate", verbosity=0, interactive=False)
        t0 = time.monotonic()
        m = load(args.indicators, args.tasks, args.seed)
        print(
            f"CSDL: {connection.vendor}; {args.indicators} chỉ tiêu × 12 số liệu, {args.tasks} nhiệm vụ × 3 "
            f"lần đổi trạng thái, nạp trong {time.monotonic() - t0:.1f} s"
        )
        deadline = time.monotonic() + args.max_seconds

        def run_selector():
            p = selectors.progress(m, AS_OF)
            return p.indicators_text, p.tasks_text

        def run_naive():
            return naive(m, AS_OF)

        got, expected = run_selector(), run_naive()
        assert got == expected, f"kết quả không khớp: {got} ≠ {expected}"
        sel = timed(run_selector, args.n, deadline)
        nai = timed(run_naive, max(3, args.n // 4), deadline)
        s50, s95, n50, n95 = pct(sel, 50), pct(sel, 95), pct(nai, 50), pct(nai, 95)
        print(f"  đến ngày {AS_OF:%d/%m/%Y}: {got[0]}; {got[1]}")
        print(f"  selector     p50 {s50:7.1f} ms   p95 {s95:7.1f} ms")
        print(f"  vòng lặp thô p50 {n50:7.1f} ms   p95 {n95:7.1f} ms")
        print(f"  tỉ lệ vòng lặp/selector (p50): {n50 / s50:.1f}×")
        ok = s95 <= 100
        print(
            f"  mục tiêu p95 ≤ 100 ms: {'ĐẠT' if ok else 'KHÔNG ĐẠT'}; tổng {time.monotonic() - started:.0f} s"
        )
        return 1 if args.strict and not ok else 0
    finally:
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
