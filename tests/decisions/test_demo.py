"""The demo tells one story per login (nominations → council → decisions demos,
in that order, on the demo tree): each role's pages show what waits for it,
and the issued decision's certificate verifies, logged out."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from thidua.council.demo import load_council_demo
from thidua.decisions.demo import load_decisions_demo
from thidua.decisions.models import Decision
from thidua.nominations.demo import load_nominations_demo
from thidua.nominations.models import Dossier

PASSWORD = "matkhau-demo-1"


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _as(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.django_db(transaction=False)
def test_demo_story_per_role(settings):
    from thidua.core.demo import load_demo

    settings.THIDUA_DEMO_EXTENSIONS = []
    load_demo(password=PASSWORD)
    started = time.perf_counter()
    summaries = [load_nominations_demo(), load_council_demo(), load_decisions_demo()]
    elapsed = time.perf_counter() - started
    print(f"nominations + council + decisions demo loaded in {elapsed:.2f} s")
    assert summaries[0].startswith("Hồ sơ đề nghị mẫu: 7 hồ sơ đề nghị Tỉnh Sơn La tặng Bằng khen")
    assert "phiên họp hôm nay đang bỏ phiếu kín" in summaries[1]
    assert summaries[2].startswith("Quyết định khen thưởng mẫu: số 1/QĐ-UBND ngày ")
    assert "đã in giấy chứng nhận" in summaries[2] and "1 dự thảo chờ lãnh đạo ký" in summaries[2]

    # Every dossier goes to the province, where the other roles sit.
    assert set(Dossier.objects.values_list("deciding_unit__name", flat=True)) == {"Tỉnh Sơn La"}

    # The unit officer: a returned dossier, with the reason for one candidate.
    home = _text(_as("canbo_donvi").get("/"))
    assert "Hồ sơ bị trả lại, cần bổ sung 1" in home
    assert "Thiếu báo cáo thành tích cá nhân có xác nhận của thủ trưởng đơn vị." in home

    # The standing officer: one to receive, one published, one at the council (today's session).
    officer = _as("thuongtruc")
    queue = _text(officer.get("/ho-so/"))
    received = Dossier.objects.get(state="submitted")
    assert received.code in queue
    states = sorted(Dossier.objects.values_list("state", flat=True))
    assert states == sorted(
        ["draft", "returned", "submitted", "published", "at_council", "issued", "decision_drafted"]
    )
    council_page = _text(officer.get("/hoi-dong/"))
    assert "Phiên họp xét khen thưởng (đang bỏ phiếu)" in council_page

    # The council member: the open ballots wait for their vote (four others have voted).
    member = _text(_as("hoidong").get("/hoi-dong/"))
    at_council = Dossier.objects.get(state="at_council")
    names = [str(c.recipient) for c in at_council.candidates.all()]
    assert "Phiếu chờ bạn bỏ phiếu" in member and all(n in member for n in names)

    # The leader: one decision to sign.
    leader = _as("lanhdao")
    assert "Chờ lãnh đạo ký, ban hành (1)" in _text(leader.get("/quyet-dinh/"))

    # The issued decision: certificates printed, each verification page shows it valid.
    issued = Decision.objects.get(state="issued")
    assert issued.certificates_state == "ready"
    pdf = leader.get(f"/quyet-dinh/{issued.pk}/giay-chung-nhan.pdf")
    assert (
        pdf.status_code == 200
        and b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])[:5] == b"%PDF-"
    )
    for line in issued.recipients.all():
        page = _text(Client().get(f"/xac-minh/{line.certificate_code}"))
        assert "CÒN HIỆU LỰC." in page and line.name in page
        assert (
            f"Số {issued.full_number} ngày {issued.decision_date:%d/%m/%Y} của ỦY BAN NHÂN DÂN TỈNH SƠN LA"
            in page
        )
