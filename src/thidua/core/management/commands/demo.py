"""thidua demo — load realistic demo data and print the accounts it created.

The passwords are printed here and nowhere else (they are not stored in
clear): this is the one moment the operator can note them."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.core.context import current_origin, origin
from thidua.core.demo import DemoResult, already_loaded, load_demo
from thidua.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: 5 địa phương trong các bài báo (Lương Sơn, Hồng Lĩnh, Kiên Lương, "
        "Minh Long, Mường La) trước và sau 1/7/2025, khối/cụm thi đua, cán bộ và một tài khoản "
        "cho mỗi vai trò. Chỉ chạy được một lần trên một CSDL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help="Dùng một mật khẩu này cho mọi tài khoản mẫu (mặc định: mật khẩu ngẫu nhiên cho từng tài khoản)",
        )

    def handle(self, *args: Any, password: str | None = None, **options: Any) -> None:
        if already_loaded():
            self.stdout.write(
                "Dữ liệu mẫu đã được nạp trước đây (đã có tài khoản «admin»); không thay đổi gì."
            )
            return
        started = time.monotonic()
        # From the console script the origin is already "cli"; from a bare
        # call_command (tests, scripts) it would be "system": say "cli".
        where = current_origin().origin
        try:
            with origin("cli" if where == "system" else where):
                result = load_demo(password=password)
        except (DomainError, LookupError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        self._report(result, time.monotonic() - started)

    def _report(self, result: DemoResult, seconds: float) -> None:
        w = self.stdout.write
        w(
            f"Đã nạp dữ liệu mẫu trong {seconds:.1f} giây: {result.units} đơn vị, {result.people} cá nhân "
            f"({result.moves} lượt chuyển công tác), {result.groups} khối/cụm thi đua "
            f"({result.memberships} lượt thành viên theo năm)."
        )
        for line in result.extensions:
            w(line)
        w("")
        w("Tài khoản mẫu (mật khẩu chỉ hiển thị lần này):")
        rows = [("Tên đăng nhập", "Vai trò", "Phạm vi", "Mật khẩu")]
        rows += [(c.username, c.role, c.scope, c.password) for c in result.credentials]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for n, row in enumerate(rows):
            w("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                w("  ".join("-" * width for width in widths))
