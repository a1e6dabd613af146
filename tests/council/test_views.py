"""The pages: the standing body runs a session, a member votes with a confirmation
step, the results page after closing, the work queue."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from docx import Document

from tests.council.conftest import vote_all
from thidua.council import services
from thidua.council.models import BallotTally, Council, VoteReceipt

DAY = dt.date(2024, 12, 10)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_member_votes_with_confirmation_and_sees_only_that_they_voted(world):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 3)
    client = _client(seats[0].user)
    url = f"/hoi-dong/phien/{session.pk}/bo-phieu/"
    page = client.get(url).content.decode()
    name = str(ballot.candidate.recipient)
    assert (
        name in page
        and 'value="for">Đồng ý</button>' in page
        and 'value="against">Không đồng ý</button>' in page
    )
    assert 'value="abstain"' not in page  # the council does not allow abstaining
    confirm = client.post(url, {"ballot": ballot.pk, "choice": "against"})
    assert "Bạn chọn: <strong>Không đồng ý</strong>" in confirm.content.decode()
    assert not VoteReceipt.objects.exists()  # nothing is cast before the confirmation
    done = client.post(url, {"ballot": ballot.pk, "choice": "against", "confirm": "1"}, follow=True)
    text = done.content.decode()
    assert f"Đã ghi nhận phiếu của bạn về {name}." in text
    assert "Bạn đã bỏ phiếu." in text and "Không đồng ý</button>" not in text
    tally = BallotTally.objects.get(ballot=ballot)
    assert (tally.for_count, tally.against_count) == (0, 1)
    again = client.post(url, {"ballot": ballot.pk, "choice": "for", "confirm": "1"})
    assert again.status_code == 422
    assert "Bạn đã bỏ phiếu cho trường hợp này" in again.content.decode()


def test_standing_body_runs_the_session_page(world):
    council = world.council()
    seats = world.members(council, 5)
    session = world.session(council, DAY, seats)
    dossier = world.dossier("CSTD_CS")
    client = _client(world.officer)
    url = f"/hoi-dong/phien/{session.pk}/"
    page = client.get(url).content.decode()
    assert dossier.code in page
    r = client.post(url, {"action": "agenda", "dossier": dossier.pk}, follow=True)
    assert f"Đã đưa 1 trường hợp của hồ sơ {dossier.code} vào chương trình." in r.content.decode()
    ballot = session.ballots.get()
    r = client.post(url, {"action": "open", "ballot": ballot.pk, "mode": "secret"})
    assert r.status_code == 422 and "Chưa đủ số thành viên dự họp: có mặt 0/5" in r.content.decode()
    client.post(url, {"action": "attendance", "present": [m.pk for m in seats]})
    r = client.post(url, {"action": "open", "ballot": ballot.pk, "mode": "secret"}, follow=True)
    assert "Đang bỏ phiếu" in r.content.decode()
    vote_all(session, ballot, seats, 4, 1)
    r = client.post(url, {"action": "close", "ballot": ballot.pk}, follow=True)
    assert (
        "Thông qua: 4/5 đồng ý (80 %); ngưỡng từ 80 % trở lên tổng số thành viên Hội đồng"
        in r.content.decode()
    )
    results = client.get(f"/hoi-dong/phien/{session.pk}/ket-qua/").content.decode()
    assert "4/5 (80 %)" in results and "Thông qua" in results and "NĐ 98/2023 Điều 30(7)" in results
    docx = client.get(f"/hoi-dong/phien/{session.pk}/bien-ban.docx")
    doc = Document(io.BytesIO(docx.content))
    assert any("4/5 (80 %)" in c.text for t in doc.tables for row in t.rows for c in row.cells)


def test_member_cannot_use_the_standing_body_page(world):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 3)
    client = _client(seats[0].user)
    r = client.post(f"/hoi-dong/phien/{session.pk}/", {"action": "close", "ballot": ballot.pk})
    assert r.status_code == 302 and r["Location"] == f"/hoi-dong/phien/{session.pk}/bo-phieu/"
    ballot.refresh_from_db()
    assert ballot.state == "open"
    assert client.get(f"/hoi-dong/phien/{session.pk}/bien-ban.docx").status_code == 404


def test_work_queue_lists_waiting_ballots_and_explains_an_empty_list(world):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 3)
    client = _client(seats[0].user)
    page = client.get("/hoi-dong/").content.decode()
    assert str(ballot.candidate.recipient) in page
    services.vote_cast(actor=seats[0].user, session=session, ballot_id=ballot.pk, choice="for")
    page = client.get("/hoi-dong/").content.decode()
    assert "Không có phiếu nào chờ bạn" in page


def test_session_page_queries_do_not_grow_with_the_agenda(world):
    council = world.council()
    seats = world.members(council, 3)
    session = world.session(council, DAY, seats)
    services.agenda_add_dossier(actor=world.officer, session=session, dossier=world.dossier("CSTD_CS", 1))
    client = _client(world.officer)
    url = f"/hoi-dong/phien/{session.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    services.agenda_add_dossier(actor=world.officer, session=session, dossier=world.dossier("CSTD_CS", 3))
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four.captured_queries) == len(one.captured_queries)


def test_council_rules_are_edited_as_data_on_a_page(world, tree, commune1_officer):
    client = _client(world.officer)
    r = client.post(
        "/hoi-dong/moi/",
        {
            "unit_code": "TINH",
            "name": "Hội đồng Thi đua - Khen thưởng tỉnh",
            "quorum_percent": "80",
            "quorum_citation": "QĐ 86/2025",
            "threshold_percent": "50",
            "default_strict": "1",
            "default_base": "present",
        },
        follow=True,
    )
    page = r.content.decode()
    assert "80 % tổng số thành viên" in page and "trên 50 % số thành viên có mặt" in page
    council = Council.objects.get()
    assert (council.quorum_share, council.quorum_citation) == (Decimal("0.800"), "QĐ 86/2025")
    r = client.post(
        f"/hoi-dong/{council.pk}/quy-che/",
        {
            "version": council.version,
            "name": council.name,
            "quorum_percent": "66,7",
            "threshold_percent": "120",
            "default_base": "present",
        },
    )
    assert r.status_code == 422
    assert "Ngưỡng biểu quyết mặc định: phải là một tỷ lệ lớn hơn 0 đến 1" in r.content.decode()
    council.refresh_from_db()
    assert council.quorum_share == Decimal("0.800")
    # A commune officer may not found a council for the province
    r = _client(commune1_officer).post("/hoi-dong/moi/", {"unit_code": "TINH", "name": "X"})
    assert r.status_code == 404 and Council.objects.count() == 1


def test_members_are_added_on_the_council_page_with_their_dates(world, tree):
    from tests.conftest import make_user
    from thidua.accounts.enums import Role

    council = world.council()
    make_user("nguyenlan", Role.COUNCIL_MEMBER, tree["TINH"])
    client = _client(world.officer)
    url = f"/hoi-dong/{council.pk}/"
    form = {"username": "nguyenlan", "role": "vice", "active_from": "01/01/2025", "votes": "1"}
    page = client.post(url, form, follow=True).content.decode()
    assert "Đã bổ sung Nguyenlan vào Hội đồng." in page and "Phó Chủ tịch" in page and "01/01/2025" in page
    again = client.post(url, {**form, "active_from": "01/06/2025"})
    assert again.status_code == 422
    assert "Nguyenlan đã là thành viên Hội đồng trong khoảng thời gian này." in again.content.decode()
    assert council.members.count() == 1


def test_work_queue_provider_lists_ballots_and_open_sessions(world):
    from thidua.council.selectors import queue_sections

    session, ballot, seats = world.ready("CSTD_CS", DAY, 3)
    [mine] = queue_sections(seats[0].user)
    assert mine.key == "council.waiting"
    assert [i.label for i in mine.items] == [f"{ballot.candidate.recipient} — Chiến sĩ thi đua cơ sở"]
    assert mine.items[0].url == f"/hoi-dong/phien/{session.pk}/bo-phieu/"
    [sessions] = queue_sections(world.officer)
    assert [(i.label, i.note) for i in sessions.items] == [
        ("Phiên họp xét khen thưởng (Hội đồng Thi đua - Khen thưởng tỉnh)", "1 phiếu đang mở")
    ]
    vote_all(session, ballot, seats, 3, 0)
    services.ballot_close(actor=world.officer, ballot=ballot)
    assert queue_sections(seats[0].user)[0].items == []
    assert queue_sections(world.officer)[0].items == []  # the session was in 2024 and nothing is open


def test_demo_council_for_the_demo_member(tree):
    from tests.conftest import make_user
    from thidua.accounts.enums import Role
    from thidua.council.demo import load_council_demo

    make_user("hoidong", Role.COUNCIL_MEMBER, tree["TINH"])
    assert (
        load_council_demo()
        == "Hội đồng TĐKT mẫu: Hội đồng Thi đua - Khen thưởng tỉnh (Tỉnh Thử Nghiệm), 7 thành viên."
    )
    council = Council.objects.get()
    assert council.members.filter(votes=True).count() == 7
    assert load_council_demo() == "Hội đồng TĐKT mẫu: đã có."
