"""``thidua load_admin_units``: add the shipped administrative units that are
missing from the database.

Migration 0002 loads them once; this command is for a database whose units
were deleted by hand, or after an upgrade that ships more rows than the
migration put in. Existing units and links are never changed."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from thidua.directory.admin_units import load_admin_units, read_data


def _n(value: int) -> str:
    """A count as Vietnamese write it: 14.131."""
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính Việt Nam (trước và từ 01/7/2025) còn thiếu vào cơ sở dữ liệu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Cơ sở dữ liệu cần nạp (mặc định: default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = read_data().source
        result = load_admin_units(apps, options["database"])
        self.stdout.write(
            f"Nguồn: {source['package']} {source['version']} (dữ liệu ngày {source['data_version']})."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã thêm {_n(result.units_created)} đơn vị và {_n(result.successions_created)} liên kết kế thừa; "
                f"{_n(result.units_existing)} đơn vị đã có từ trước, giữ nguyên."
            )
        )
