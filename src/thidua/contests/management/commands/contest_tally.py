"""thidua contest_tally — fold the submitted attempts of open contests into their statistics."""

from django.core.management.base import BaseCommand

from thidua.contests.enums import ContestStatus
from thidua.contests.models import Contest
from thidua.contests.services import tally_pending
from thidua.core.context import origin


class Command(BaseCommand):
    help = (
        "Cộng các lượt thi đã nộp vào số liệu thống kê của các cuộc thi đang mở "
        "(chạy định kỳ, ví dụ mỗi phút bằng cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Cả cuộc thi đã kết thúc.")

    def handle(self, *args, **opts):
        contests = Contest.objects.all()
        if not opts["all"]:
            contests = contests.filter(status=ContestStatus.OPEN)
        total = 0
        with origin("cli"):
            for contest in contests.order_by("pk"):
                folded = tally_pending(contest)
                total += folded
                if folded:
                    self.stdout.write(f"{contest.name}: {folded:,} lượt".replace(",", "."))
        self.stdout.write(f"Đã cộng {total:,} lượt thi vào số liệu.".replace(",", "."))
