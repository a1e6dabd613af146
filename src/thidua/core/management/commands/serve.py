"""thidua serve — migrate, optionally load the demo, start the task worker and serve over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ web thidua (gunicorn) cùng tiến trình xử lý tác vụ nền."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument(
            "--demo-if-empty", action="store_true", help="Nạp dữ liệu mẫu nếu CSDL chưa có ai"
        )
        parser.add_argument("--no-worker", action="store_true", help="Không chạy tiến trình tác vụ nền")

    def handle(self, *args, **o):
        call_command("migrate", interactive=False, verbosity=0)
        if o["demo_if_empty"]:
            from thidua.accounts.models import User

            if not User.objects.exists():
                self.stdout.write("CSDL trống: đang nạp dữ liệu mẫu …")
                call_command("demo")
        children: list[subprocess.Popen] = []
        thidua_bin = [sys.executable, "-m", "thidua.cli"]
        if not o["no_worker"] and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
            children.append(subprocess.Popen([*thidua_bin, "db_worker"]))  # noqa: S603
        bind = f"{o['host']}:{o['port']}"
        self.stdout.write(f"thidua đang chạy tại http://{bind}/ (Ctrl+C để dừng)")
        web = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "thidua.wsgi",
                "--bind",
                bind,
                "--workers",
                str(o["workers"]),
                "--access-logfile",
                "-",
                "--timeout",
                "120",
            ]
        )
        children.append(web)
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
