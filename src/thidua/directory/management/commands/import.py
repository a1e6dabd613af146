"""thidua import people|units FILE — import a file all or nothing from the console.

Runs as the server's operator (no unit scope) and in the foreground whatever
the size, printing progress; a refused file prints every row error in
Vietnamese and exits with status 1 with nothing written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.core.context import current_origin, origin
from thidua.core.errors import DomainError, ImportRejected
from thidua.core.models import ImportJob
from thidua.directory import imports


class Command(BaseCommand):
    help = "Nhập danh sách cá nhân hoặc đơn vị từ tệp .xlsx/.csv (toàn bộ hoặc không dòng nào)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", choices=list(ImportJob.Kind.values), help="people (cá nhân) hoặc units (đơn vị)"
        )
        parser.add_argument("file", help="Đường dẫn tệp .xlsx hoặc .csv")

    def handle(self, *args: Any, kind: str, file: str, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp «{file}».")
        where = current_origin().origin
        with origin("cli" if where == "system" else where), path.open("rb") as fh:
            try:
                job = imports.import_file(actor=None, kind=kind, file=fh, name=path.name, background=False)
            except ImportRejected as exc:
                for e in exc.errors:
                    self.stderr.write(f"Dòng {e.row}, cột «{e.column}»: {e.message}")
                raise CommandError(exc.detail) from exc
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        noun = "đơn vị" if kind == ImportJob.Kind.UNITS else "cá nhân"
        self.stdout.write(f"Đã nhập {job.created_count} {noun} (lần nhập số {job.pk}).")
