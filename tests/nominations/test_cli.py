"""thidua dossier list|show|act over the same services as the pages."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from thidua.core.models import AuditEntry
from thidua.nominations.models import DossierState as S

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("dossier", *args, stdout=out)
    return out.getvalue()


def test_list_show_and_act(world):
    d = world.ready()
    out = run("list", "--user", "canbotruong")
    assert d.code in out and "Dự thảo" in out and "1 hồ sơ." in out
    assert "0 hồ sơ." in run("list", "--user", "canbotruong2")

    out = run("show", d.code, "--user", "canbotruong")
    assert "Lò Thị Mai — Giấy khen năm 2025" in out and "Thao tác được phép: submit, withdraw" in out

    out = run("act", d.code, "submit", "--user", "canbotruong")
    assert "chuyển sang bước «Đã gửi, chờ thẩm định»" in out
    d.refresh_from_db()
    assert d.state == S.SUBMITTED
    assert AuditEntry.objects.filter(action="dossier.submit", origin="cli").exists()

    run("act", d.code, "receive", "--user", "thuongtrucxa")
    gk = d.candidates.order_by("id").first()
    run("act", d.code, "return", "--user", "thuongtrucxa", "--reason", f"{gk.pk}=Thiếu minh chứng")
    out = run("list", "--user", "canbotruong", "--queue")
    assert "Hồ sơ bị trả lại, cần bổ sung (1)" in out and "Lò Thị Mai: Thiếu minh chứng" in out


def test_refusals_are_command_errors_in_vietnamese(world):
    d = world.ready()
    with pytest.raises(CommandError, match="Không tìm thấy hồ sơ"):
        run("show", d.code, "--user", "canbotruong2")  # another school: as if it did not exist
    with pytest.raises(CommandError, match="Không tìm thấy hồ sơ"):
        run("act", d.code, "receive", "--user", "thuongtrucxa")  # a draft is not the commune's yet
    with pytest.raises(CommandError, match="vừa được người khác xử lý"):
        run("act", d.code, "submit", "--user", "canbotruong", "--version", str(d.version - 1 or 99))
    with pytest.raises(CommandError, match="Không có người dùng"):
        run("list", "--user", "khongco")
    d.refresh_from_db()
    assert d.state == S.DRAFT
