"""thidua createuser USERNAME --role ROLE --unit CODE — create an account with a scoped role."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.enums import Role
from thidua.accounts.services import user_create
from thidua.core.errors import DomainError
from thidua.directory.models import Unit


class Command(BaseCommand):
    help = "Tạo tài khoản người dùng với vai trò gắn với một đơn vị."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values, default=Role.VIEWER, help="Vai trò")
        parser.add_argument("--unit", help="Mã đơn vị phạm vi của vai trò (bỏ trống với quản trị hệ thống)")
        parser.add_argument(
            "--only-unit", action="store_true", help="Chỉ đơn vị này, không gồm đơn vị trực thuộc"
        )
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Mật khẩu (mặc định: hỏi khi chạy)")

    def handle(self, *args, **o):
        unit = None
        if o["unit"]:
            unit = Unit.objects.filter(code=o["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã «{o['unit']}».")
        password = o["password"] or getpass.getpass("Mật khẩu: ")
        try:
            user = user_create(
                actor=None,
                username=o["username"],
                password=password,
                full_name=o["full_name"],
                email=o["email"],
                role=o["role"],
                unit=unit,
                include_subunits=not o["only_unit"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Đã tạo người dùng {user.username} ({Role(o['role']).label}).")
