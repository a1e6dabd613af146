"""thidua export people|units -o FILE [--unit CODE --include-subunits] — XLSX or CSV by extension.

The operator at the console sees everything; the file has the import
template's columns, so it can be imported elsewhere as is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.core.models import ImportJob
from thidua.directory import exports
from thidua.directory.models import Unit


class Command(BaseCommand):
    help = "Xuất danh sách cá nhân hoặc đơn vị ra tệp .xlsx hoặc .csv (theo phần mở rộng của tệp)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", choices=list(ImportJob.Kind.values), help="people (cá nhân) hoặc units (đơn vị)"
        )
        parser.add_argument("-o", "--output", required=True, help="Tệp ra: .xlsx hoặc .csv")
        parser.add_argument("--unit", help="Chỉ xuất đơn vị có mã này")
        parser.add_argument("--include-subunits", action="store_true", help="Gồm cả các đơn vị trực thuộc")

    def handle(
        self, *args: Any, kind: str, output: str, unit: str | None, include_subunits: bool, **o: Any
    ) -> None:
        path = Path(output)
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        if path.suffix.lower() not in {".csv", ".xlsx"}:
            raise CommandError("Tệp ra phải có đuôi .xlsx hoặc .csv.")
        target = None
        if unit:
            target = Unit.objects.filter(code=unit).first()
            if target is None:
                raise CommandError(f"Không có đơn vị mã «{unit}».")
        if kind == ImportJob.Kind.PEOPLE:
            content = exports.export_people(None, fmt=fmt, unit=target, include_subunits=include_subunits)
        else:
            content = exports.export_units(None, fmt=fmt, unit=target, include_subunits=include_subunits)
        path.write_bytes(content)
        self.stdout.write(f"Đã ghi {path} ({len(content):,} byte).".replace(",", "."))
