"""People search through the API against the same query in raw SQL.

Creates a fresh database (SQLite in a temporary directory; with DATABASE_URL
set, a temporary database on that PostgreSQL server, dropped at the end),
migrates it, bulk-loads 100,000 people with realistic Vietnamese names in a
few units, then times

  API: GET /api/v1/people/?q=nguyen van&page_size=50   (django.test.Client, Bearer token
       of a province officer, so the unit-scope filter is part of the query)
  SQL: the same WHERE / ORDER BY / LIMIT and the COUNT, through connection.cursor()

N times each and prints p50/p95 and the ratio API/SQL. Targets: API p95 ≤ 100 ms
and ≤ 3× the raw SQL. Timings are reported, not asserted (exit status 0 when
the run completes); ``--strict`` makes a missed target exit 1.

    .venv/bin/python bench/people_search.py [--people 100000] [--n 200] [--max-seconds 900]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/people_search.py
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
QUERY = "nguyen van"
PAGE_SIZE = 50

# Family names with their approximate shares in Viet Nam (sum < 1: the rest are spread over RARE).
FAMILY = [
    ("Nguyễn", 0.38), ("Trần", 0.11), ("Lê", 0.095), ("Phạm", 0.07), ("Hoàng", 0.03), ("Huỳnh", 0.02),
    ("Phan", 0.045), ("Vũ", 0.02), ("Võ", 0.019), ("Đặng", 0.021), ("Bùi", 0.02), ("Đỗ", 0.014),
    ("Hồ", 0.013), ("Ngô", 0.013), ("Dương", 0.01), ("Lý", 0.005),
]  # fmt: skip
RARE = ["Đinh", "Trịnh", "Mai", "Lương", "Tạ", "Cao", "Chu", "Lưu", "Đào", "Hà", "Kiều", "Tô", "Lâm", "Quách"]
MIDDLE_MALE = ["Văn"] * 8 + ["Đức", "Minh", "Quốc", "Hữu", "Công", "Thanh", "Xuân", "Đình", "Ngọc"]
MIDDLE_FEMALE = ["Thị"] * 8 + ["Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Kim", "Thúy", "Phương"]
SECOND_MIDDLE = ["", "", "", "Minh", "Anh", "Quang", "Hoài", "Bảo", "Gia", "Khánh"]
GIVEN_MALE = [
    "An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng",
    "Huy", "Khánh", "Khoa", "Long", "Lâm", "Mạnh", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quang",
    "Quân", "Sơn", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
]  # fmt: skip
GIVEN_FEMALE = [
    "An", "Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
    "Hòa", "Hồng", "Huệ", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngọc", "Nhung",
    "Oanh", "Phương", "Quỳnh", "Thảo", "Thu", "Thủy", "Trang", "Tuyết", "Vân", "Yến",
]  # fmt: skip
POSITIONS = ["", "", "Chuyên viên", "Giáo viên", "Trưởng phòng", "Phó trưởng phòng", "Cán bộ", "Nhân viên"]


def _family(rng: random.Random) -> str:
    roll = rng.random()
    for name, share in FAMILY:
        if roll < share:
            return name
        roll -= share
    return rng.choice(RARE)


def fake_name(rng: random.Random) -> tuple[str, str]:
    """(full name, gender) drawn with realistic shares."""
    gender = rng.choice(["male", "female"])
    middle = rng.choice(MIDDLE_MALE if gender == "male" else MIDDLE_FEMALE)
    second = rng.choice(SECOND_MIDDLE)
    given = rng.choice(GIVEN_MALE if gender == "male" else GIVEN_FEMALE)
    parts = [_family(rng), middle, second, given]
    return " ".join(p for p in parts if p), gender


# --- environment --------------------------------------------------------------


def _pg_admin_url(url: str, dbname: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=f"/{dbname}"))


def _pg_run(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_pg_admin_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def setup_environment() -> Callable[[], None]:
    """Point Django at a fresh database; return the clean-up function."""
    data_dir = tempfile.mkdtemp(prefix="thidua-bench-")
    os.environ["THIDUA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "thidua.settings"
    os.environ["THIDUA_TASKS_IMMEDIATE"] = "1"
    sys.path.insert(0, str(ROOT / "src"))
    cleanups: list[Callable[[], None]] = [lambda: shutil.rmtree(data_dir, ignore_errors=True)]
    base = os.environ.get("DATABASE_URL")
    if base and base.startswith(("postgres://", "postgresql://")):
        dbname = f"thidua_bench_{os.getpid()}"
        _pg_run(base, f'CREATE DATABASE "{dbname}"')
        os.environ["DATABASE_URL"] = _pg_admin_url(base, dbname)

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            _pg_run(base, f'DROP DATABASE IF EXISTS "{dbname}"')

        cleanups.insert(0, drop)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"

    def cleanup() -> None:
        for step in cleanups:
            step()

    return cleanup


# --- data --------------------------------------------------------------------------


def load(people: int, seed: int) -> tuple[str, str]:
    """Create units, people and a province officer; return (token, province path)."""
    from django.db import transaction

    from thidua.accounts.enums import Role
    from thidua.accounts.models import User
    from thidua.accounts.services import role_assign, token_create
    from thidua.core.text import fold, person_sort_key, split_name
    from thidua.directory import services
    from thidua.directory.models import Person

    rng = random.Random(seed)
    root = services.unit_create(actor=None, code="BENCH", name="Tỉnh Đo Đạc", kind="province")
    units = [
        services.unit_create(actor=None, code=f"BENCH-X{i}", name=f"Xã Số {i}", kind="commune", parent=root)
        for i in range(1, 9)
    ]
    units += [
        services.unit_create(
            actor=None, code=f"BENCH-T{i}", name=f"Trường số {i}", kind="school", parent=units[i % 8]
        )
        for i in range(1, 9)
    ]
    batch: list[Person] = []
    with transaction.atomic():
        for _ in range(people):
            name, gender = fake_name(rng)
            batch.append(
                Person(
                    full_name=name,
                    given_name=split_name(name)[1],
                    gender=gender,
                    position=rng.choice(POSITIONS),
                    unit=rng.choice(units),
                    search_key=fold(name),
                    sort_key=person_sort_key(name),
                )
            )
            if len(batch) == 5000:
                Person.objects.bulk_create(batch)
                batch.clear()
        Person.objects.bulk_create(batch)
    user = User.objects.create_user(username="bench", password="bench-matkhau-1")
    role_assign(actor=None, user=user, role=Role.STANDING_OFFICER, unit=root)
    return token_create(actor=None, user=user), root.path


# --- timing ----------------------------------------------------------------------------


def timed(fn: Callable[[], object], n: int, deadline: float) -> list[float]:
    for _ in range(5):  # warm caches and the connection
        fn()
    times: list[float] = []
    for _ in range(n):
        if time.monotonic() > deadline:
            print(f"  (dừng sớm vì hết thời gian: {len(times)}/{n} lần đo)")
            break
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def pct(times: list[float], p: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[p - 1]


def raw_sql(vendor: str, path: str) -> tuple[str, str, list[str]]:
    """The API's page and COUNT queries, written by hand (what the ORM sends,
    minus nothing): scope on the unit path, folded LIKE, Vietnamese order."""
    like = "p.search_key::text LIKE %s" if vendor == "postgresql" else "p.search_key LIKE %s ESCAPE '\\'"
    scope = "u.path::text LIKE %s" if vendor == "postgresql" else "u.path LIKE %s ESCAPE '\\'"
    where = (
        f"FROM directory_person p INNER JOIN directory_unit u ON u.id = p.unit_id WHERE {like} AND {scope}"
    )
    page = (
        "SELECT p.id, p.full_name, p.gender, p.birth_date, p.position, p.version, p.identity_number, "
        f"p.unit_id, u.id, u.path {where} ORDER BY p.sort_key ASC, p.id ASC LIMIT {PAGE_SIZE}"
    )
    count = f"SELECT COUNT(*) {where}"
    return page, count, [f"%{QUERY}%", f"{path}%"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20250701)
    parser.add_argument("--max-seconds", type=float, default=900, help="stop measuring after this")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args, _ = parser.parse_known_args()
    started = time.monotonic()
    deadline = started + args.max_seconds

    cleanup = setup_environment()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        call_command("migrate", verbosity=0, interactive=False)
        t0 = time.monotonic()
        token, path = load(args.people, args.seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"CSDL: {connection.vendor}; {args.people:,} cá nhân nạp trong {time.monotonic() - t0:.1f} s; "
            f"đo {args.n} lần «{QUERY}»"
        )

        client = Client(headers={"Authorization": f"Bearer {token}"})
        url = "/api/v1/people/"
        params = {"q": QUERY, "page_size": PAGE_SIZE}
        first = client.get(url, params)
        assert first.status_code == 200, first.content
        count = first.json()["count"]
        assert len(first.json()["items"]) == PAGE_SIZE

        page_sql, count_sql, sql_params = raw_sql(connection.vendor, path)

        def run_sql() -> None:
            with connection.cursor() as cursor:
                cursor.execute(page_sql, sql_params)
                rows = cursor.fetchall()
                cursor.execute(count_sql, sql_params)
                total = cursor.fetchone()[0]
            assert len(rows) == PAGE_SIZE and total == count

        api_times = timed(lambda: client.get(url, params), args.n, deadline)
        sql_times = timed(run_sql, args.n, deadline)
        api50, api95 = pct(api_times, 50), pct(api_times, 95)
        sql50, sql95 = pct(sql_times, 50), pct(sql_times, 95)
        ratio = api95 / sql95
        print(f"  kết quả khớp: {count:,} cá nhân")
        print(f"  API      p50 {api50:7.1f} ms   p95 {api95:7.1f} ms")
        print(f"  SQL thô  p50 {sql50:7.1f} ms   p95 {sql95:7.1f} ms")
        print(f"  tỉ lệ API/SQL (p95): {ratio:.2f}×   (p50: {api50 / sql50:.2f}×)")
        ok = api95 <= 100 and ratio <= 3
        print(f"  mục tiêu p95 ≤ 100 ms và ≤ 3× SQL: {'ĐẠT' if ok else 'KHÔNG ĐẠT'}")
        print(f"  tổng thời gian {time.monotonic() - started:.0f} s")
        return 1 if args.strict and not ok else 0
    finally:
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
