"""thidua dossier list|show|act — the dossiers from the command line, over the
same selectors and the same transition service as the pages and the API.

    thidua dossier list --user canbo [--state submitted] [--year 2025] [--q "lo thi mai"]
    thidua dossier show HS-2026-00001 --user thuongtruc
    thidua dossier act HS-2026-00001 submit --user canbo
    thidua dossier act HS-2026-00001 return --user thuongtruc --reason 12="Thiếu minh chứng"
    thidua dossier act HS-2026-00001 publish --user thuongtruc --days 5

A user is required: the command acts and reads as that user (scope and
permissions), and the audit log records the origin "cli".
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from thidua.accounts.models import User
from thidua.core.context import current_origin, origin
from thidua.core.errors import DomainError
from thidua.directory.models import Unit
from thidua.nominations import selectors, services
from thidua.nominations.models import DossierState
from thidua.nominations.workflow import ACTIONS

USER_ACTIONS = sorted(name for name, a in ACTIONS.items() if not a.system)


def _pairs(values: list[str] | None, label: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for raw in values or []:
        key, sep, text = raw.partition("=")
        if not sep or not key.strip().isdigit():
            raise CommandError(f"{label}: «{raw[:40]}» phải có dạng SỐ_HIỆU=nội dung.")
        out[int(key)] = text
    return out


class Command(BaseCommand):
    help = "Hồ sơ đề nghị khen thưởng: liệt kê (list), xem (show), xử lý theo quy trình (act)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        ls = sub.add_parser("list", help="Liệt kê hồ sơ trong phạm vi của người dùng")
        ls.add_argument("--user", required=True, help="Tên đăng nhập")
        ls.add_argument("--state", choices=DossierState.values, help="Trạng thái")
        ls.add_argument("--year", type=int, help="Năm thành tích")
        ls.add_argument("--q", help="Tìm theo mã, trích yếu, tên (có dấu hoặc không)")
        ls.add_argument("--queue", action="store_true", help="Chỉ in việc chờ người dùng xử lý")
        show = sub.add_parser("show", help="Xem một hồ sơ")
        show.add_argument("code", help="Mã hồ sơ, ví dụ HS-2026-00001")
        show.add_argument("--user", required=True)
        show.add_argument("--json", action="store_true", dest="as_json", help="In JSON như API")
        act = sub.add_parser("act", help="Thực hiện một bước của quy trình")
        act.add_argument("code")
        act.add_argument(
            "action", choices=USER_ACTIONS + [a.replace("_", "-") for a in USER_ACTIONS if "_" in a]
        )
        act.add_argument("--user", required=True)
        act.add_argument("--note", default="", help="Ghi chú, lý do")
        act.add_argument("--version", type=int, help="Phiên bản đã đọc (mặc định: phiên bản hiện tại)")
        act.add_argument("--reason", action="append", help="trả lại: SỐ_HIỆU=lý do (lặp lại được)")
        act.add_argument("--reject", action="append", help="thẩm định: SỐ_HIỆU=ý kiến (không trình Hội đồng)")
        act.add_argument("--days", type=int, help="công khai: số ngày làm việc")
        act.add_argument("--to-unit", help="trình cấp trên: mã đơn vị cấp trên")
        act.add_argument("--to-name", default="", help="trình cấp trên: tên cơ quan ngoài hệ thống")
        act.add_argument("--letter-number", default="", help="trình cấp trên: số tờ trình")
        act.add_argument(
            "--result",
            action="append",
            help='ghi kết quả cấp trên: SỐ_HIỆU={"awarded": true, "decision_number": "…", "decision_date": "2025-09-15"}',
        )

    def handle(self, *args: Any, verb: str, **opts: Any) -> None:
        username = opts.pop("user")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng «{username}».")
        where = current_origin().origin
        with origin("cli" if where == "system" else where):
            try:
                getattr(self, f"_{verb}")(user, **opts)
            except DomainError as exc:
                raise CommandError(exc.message) from exc

    # --- verbs ---------------------------------------------------------------------------

    def _list(
        self, user: User, *, state: str | None, year: int | None, q: str | None, queue: bool, **_: Any
    ) -> None:
        today = timezone.localdate()
        if queue:
            for g in selectors.queue_for(user, today):
                self.stdout.write(f"== {g.title} ({g.total})")
                if not g.items:
                    self.stdout.write(f"   {g.empty_text}")
                for i in g.items:
                    late = f" — quá hạn {i.overdue_days} ngày" if i.overdue else ""
                    due = f" hạn {i.due_date:%d/%m/%Y}" if i.due_date else ""
                    self.stdout.write(f"   {i.dossier.code}  {i.dossier.title}{due}{late}")
                    for r in i.reasons:
                        self.stdout.write(f"      · {r}")
                if g.more:
                    self.stdout.write(f"   … và {g.more} hồ sơ khác.")
            return
        rows = selectors.dossier_list(user, state=state, year=year, q=q)
        n = 0
        for d in rows:
            n += 1
            late = selectors.overdue_days(d.due_date, today)
            due = (
                f"  hạn {d.due_date:%d/%m/%Y}" + (f" (quá hạn {late} ngày)" if late else "")
                if d.due_date
                else ""
            )
            self.stdout.write(
                f"{d.code}  {d.get_state_display():<32}  {d.proposer_unit.code} → "
                f"{d.deciding_unit.code if d.deciding_unit_id else d.deciding_body_name}  {d.title}{due}"
            )
        self.stdout.write(f"{n} hồ sơ.")

    def _dossier(self, user: User, code: str) -> Any:
        d = selectors.dossier_for(user, code)
        if d is None:
            raise CommandError(f"Không tìm thấy hồ sơ «{code[:30]}» (hoặc bạn không được xem).")
        return d

    def _show(self, user: User, *, code: str, as_json: bool = False, **_: Any) -> None:
        d = self._dossier(user, code)
        if as_json:
            from thidua.nominations.api import dossier_out

            self.stdout.write(_json(dossier_out(user, d)))
            return
        d = selectors.dossier_detail(user, d.pk)
        w = self.stdout.write
        w(f"{d.code} — {d.title}")
        w(f"Trạng thái: {d.get_state_display()} (phiên bản {d.version})")
        w(f"Đơn vị đề nghị: {d.proposer_unit.name}; cơ quan xét: {d.deciding_name}")
        if d.letter_number:
            w(f"Tờ trình số {d.letter_number}" + (f" ngày {d.letter_date:%d/%m/%Y}" if d.letter_date else ""))
        if d.due_date:
            w(f"Hạn xử lý: {d.due_date:%d/%m/%Y}")
        w("Người, tập thể được đề nghị:")
        for c in d.candidates.all():
            w(f"  [{c.pk}] {c.recipient} — {c.award_type.name} năm {c.year}: {c.get_verdict_display() or 'chưa xét'}"
              f"; {c.get_state_display().lower()}")  # fmt: skip
            if c.return_reason:
                w(f"       cần bổ sung: {c.return_reason}")
        w(
            "Tệp đính kèm: "
            + (
                ", ".join(f"{a.get_kind_display()}: {a.original_name}" for a in d.attachments.all())
                or "chưa có"
            )
        )
        for t in d.transitions.all():
            label = ACTIONS[t.action].label if t.action in ACTIONS else t.action
            w(
                f"  {timezone.localtime(t.at):%d/%m/%Y %H:%M}  {label} ({t.actor_name}){': ' + t.note if t.note else ''}"
            )
        actions = selectors.available_actions(user, d)
        w("Thao tác được phép: " + (", ".join(actions) if actions else "không có"))

    def _act(
        self, user: User, *, code: str, action: str, note: str, version: int | None, **opts: Any
    ) -> None:
        action = action.replace("-", "_")
        d = self._dossier(user, code)
        payload: dict[str, Any] = {}
        if action == "return":
            payload["reasons"] = _pairs(opts.get("reason"), "--reason")
        elif action == "appraise":
            payload["opinions"] = {
                pk: {"recommended": False, "note": text}
                for pk, text in _pairs(opts.get("reject"), "--reject").items()
            }
        elif action == "publish" and opts.get("days") is not None:
            payload["days"] = opts["days"]
        elif action == "forward":
            if opts.get("to_unit"):
                unit = Unit.objects.filter(code=opts["to_unit"]).first()
                if unit is None:
                    raise CommandError(f"Không có đơn vị mã «{opts['to_unit']}».")
                payload["to_unit"] = unit
            payload.update(to_name=opts.get("to_name") or "", letter_number=opts.get("letter_number") or "")
        elif action == "record_result":
            results = {}
            for pk, text in _pairs(opts.get("result"), "--result").items():
                try:
                    results[pk] = json.loads(text)
                except ValueError as exc:
                    raise CommandError(f"--result {pk}: không phải JSON hợp lệ.") from exc
            payload["results"] = results
        done = services.transition(
            actor=user, dossier=d, action=action, version=version if version is not None else d.version,
            note=note, **payload,
        )  # fmt: skip
        self.stdout.write(
            f"{ACTIONS[action].label}: hồ sơ {done.code} chuyển sang bước «{done.get_state_display()}»."
        )
        if payload.get("child"):
            self.stdout.write(f"Đã lập hồ sơ {payload['child']} trình cấp trên.")


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
