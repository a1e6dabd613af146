"""thidua token USERNAME — create an API token; the token is the last line of stdout."""

from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.models import User
from thidua.accounts.services import token_create


class Command(BaseCommand):
    help = "Tạo mã truy cập API (Bearer token) cho người dùng; mã nằm ở dòng cuối của đầu ra."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="Tên gợi nhớ của mã")

    def handle(self, *args, username: str, name: str, **opts):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng «{username}».")
        key = token_create(actor=None, user=user, name=name)
        self.stderr.write(f"Mã truy cập cho {username} (chỉ hiển thị một lần):")
        self.stdout.write(key)
