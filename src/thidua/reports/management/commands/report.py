"""thidua report — the annual summary (DOCX), the statistical tables (XLSX) or
the figures (JSON) of a unit for a year or a date range, from the command line.

    thidua report annual --year 2022 --unit HUYEN-ML -o bao-cao.docx
    thidua report tables --from 2022-08-04 --to 2022-12-31 --unit HUYEN-ML -o bieu.xlsx
    thidua report summary --year 2023 --unit HUYEN-ML            (JSON on stdout)

Run by the server's operator: the whole tree is reachable unless ``--user``
names an account, whose scope then applies exactly as on the web.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from thidua.core.errors import DomainError
from thidua.reports import selectors, services
from thidua.reports.models import JobKind


class _System:
    """The operator at the console: the whole tree (as an administrator)."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {value} (YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = "Lập báo cáo tổng kết (DOCX), biểu thống kê (XLSX) hoặc số liệu (JSON) của một đơn vị."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["annual", "tables", "summary"], help="annual | tables | summary")
        parser.add_argument("--unit", required=True, help="Mã (hoặc id) đơn vị")
        parser.add_argument("--year", type=int, help="Năm báo cáo")
        parser.add_argument("--from", dest="period_from", type=_date, help="Từ ngày (YYYY-MM-DD)")
        parser.add_argument("--to", dest="period_to", type=_date, help="Đến ngày (YYYY-MM-DD)")
        parser.add_argument("--movement", type=int, help="Chỉ một phong trào (id)")
        parser.add_argument("--only-unit", action="store_true", help="Không gồm đơn vị trực thuộc")
        parser.add_argument("--user", help="Lập với phạm vi của tài khoản này")
        parser.add_argument("-o", "--output", help="Tệp kết quả (mặc định: tên tự đặt)")

    def handle(self, *args: Any, **opts: Any) -> None:
        user: Any = _System()
        if opts["user"]:
            from thidua.accounts.models import User

            user = User.objects.filter(username=opts["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"Không có tài khoản {opts['user']}.")
        try:
            params = selectors.report_params(
                user,
                unit=opts["unit"],
                period_from=opts["period_from"],
                period_to=opts["period_to"],
                year=opts["year"],
                include_subunits=False if opts["only_unit"] else None,
                movement=opts["movement"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if opts["kind"] == "summary":
            text = json.dumps(services.summary(params), ensure_ascii=False, indent=2)
            if opts["output"]:
                Path(opts["output"]).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        kind = JobKind.ANNUAL if opts["kind"] == "annual" else JobKind.TABLES
        content = services.annual_docx(params) if kind == JobKind.ANNUAL else services.tables_xlsx(params)
        out = Path(opts["output"] or services.filename(kind, params))
        out.write_bytes(content)
        self.stdout.write(f"Đã lập {out} ({len(content):,} byte).".replace(",", "."))
