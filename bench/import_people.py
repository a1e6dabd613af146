"""Benchmark: importing 100,000 people from one XLSX file.

Prints (a) the time python-calamine alone takes to read the file — the
baseline, the least any import can cost — and (b) the full import through
``thidua.directory.imports.import_file`` (read, validate every row, bulk
write, audit) on a fresh SQLite database, and on PostgreSQL when
``DATABASE_URL`` is set; then the ratio (b)/(a). Target: (b) ≤ 20 s.

    .venv/bin/python bench/import_people.py [--rows 100000]

Bounded: a temporary data dir, a fixed row count, a wall-clock limit (fails
beyond 300 s) and no network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Đình", "Xuân", "Quang"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng", "Phương", "Bích", "Diệu"]
GIVEN_M = ["An", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt"]  # fmt: skip
GIVEN_F = ["Anh", "Bình", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung", "Oanh", "Thảo", "Trang", "Yến"]  # fmt: skip
POSITIONS = [
    "Chuyên viên",
    "Giáo viên",
    "Kế toán",
    "Trưởng phòng",
    "Phó Trưởng phòng",
    "Nhân viên",
    "Bác sĩ",
    "",
]
UNITS = 50
TIME_LIMIT = 300
EPOCH = dt.date(1899, 12, 30)


def build_file(rows: int) -> bytes:
    import xlsxwriter

    rng = random.Random(20250701)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": False})
    sheet = book.add_worksheet("Cá nhân")
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["Họ và tên", "Giới tính", "Ngày sinh", "Mã đơn vị", "Chức vụ", "Số định danh"])
    seen: set[tuple[str, int, int]] = set()
    r = 0
    while r < rows:
        male = rng.random() < 0.5
        middle = MIDDLE_M if male else MIDDLE_F
        name = " ".join(
            [
                rng.choice(FAMILY),
                rng.choice(middle),
                rng.choice(middle),
                rng.choice(GIVEN_M if male else GIVEN_F),
            ]
        )
        serial, unit = 22000 + rng.randrange(15000), rng.randrange(UNITS)  # born 1960-2001
        if (name, serial, unit) in seen:  # the importer rightly refuses the same person twice
            continue
        seen.add((name, serial, unit))
        r += 1
        sheet.write_string(r, 0, name)
        sheet.write_string(r, 1, "Nam" if male else "Nữ")
        if r % 2:
            sheet.write_number(r, 2, serial, date)  # an Excel date cell
        else:
            born = EPOCH + dt.timedelta(days=serial)
            sheet.write_string(r, 2, f"{born:%d/%m/%Y}")  # a date typed as text
        sheet.write_string(r, 3, f"BV{unit:03d}")
        sheet.write_string(r, 4, rng.choice(POSITIONS))
        sheet.write_string(r, 5, f"0{r:011d}")
    book.close()
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: sys.exit(f"quá {TIME_LIMIT} giây: dừng"))
    signal.alarm(TIME_LIMIT)

    tmp = tempfile.mkdtemp(prefix="thidua-bench-")
    server_url = os.environ.get("DATABASE_URL", "")
    bench_db = f"thidua_bench_{os.getpid()}"
    if server_url.startswith(("postgres://", "postgresql://")):
        # A database of our own, dropped at the end: never touch the one DATABASE_URL names.
        import psycopg

        admin_url = server_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{bench_db}"')
        os.environ["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + "/" + bench_db
    try:
        return run(args.rows, tmp)
    finally:
        if server_url.startswith(("postgres://", "postgresql://")):
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')


def run(rows: int, tmp: str) -> int:
    os.environ["THIDUA_DATA_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "thidua.settings"
    os.environ["THIDUA_TASKS_IMMEDIATE"] = "1"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import python_calamine
    from django.core.management import call_command
    from django.db import connection

    from thidua.directory import imports, services
    from thidua.directory.models import Person

    t = time.perf_counter()
    data = build_file(rows)
    print(f"tạo tệp: {rows:,} dòng, {len(data) / 1e6:.1f} MB trong {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    read_s = time.perf_counter() - t
    assert len(sheet) == rows + 1
    print(f"(a) python-calamine đọc tệp:      {read_s:6.2f} s")

    vendor = connection.vendor
    call_command("migrate", verbosity=0)  # a fresh database: temporary dir or our own PostgreSQL database
    root = services.unit_create(actor=None, code="BV-ROOT", name="Sở Y tế", kind="agency")
    for i in range(UNITS):
        services.unit_create(actor=None, code=f"BV{i:03d}", name=f"Bệnh viện {i}", kind="health", parent=root)

    t = time.perf_counter()
    job = imports.import_file(actor=None, kind="people", file=data, name="bench.xlsx", background=False)
    full_s = time.perf_counter() - t
    assert job.created_count == rows == Person.objects.count()
    print(f"(b) nhập đầy đủ ({vendor}):{' ' * max(1, 14 - len(vendor))}{full_s:6.2f} s")
    print(
        f"tỉ lệ (b)/(a): {full_s / read_s:.1f}×   mục tiêu (b) ≤ 20 s: {'đạt' if full_s <= 20 else 'KHÔNG ĐẠT'}"
    )
    return 0 if full_s <= 20 else 1


if __name__ == "__main__":
    raise SystemExit(main())
