"""The council API end to end (standing body and members) and the minutes read back."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document

from tests.conftest import Api
from thidua.council.models import Ballot, BallotTally, VoteReceipt
from thidua.nominations.models import CandidateState

DAY = "2024-12-10"


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_whole_session_through_the_api_and_the_minutes(world, tree):
    officer = Api(world.officer)
    council = officer.post(
        "/api/v1/councils/",
        {
            "unit": tree["TINH"].pk,
            "name": "Hội đồng Thi đua - Khen thưởng tỉnh",
            "quorum_share": "0.8",
            "quorum_citation": "Quy chế Hội đồng",
        },
    )
    assert council.status_code == 201, council.content
    council_id = council.json()["id"]
    from thidua.council.models import Council

    seats = world.members(Council.objects.get(pk=council_id), 15)
    created = officer.post(
        "/api/v1/council-sessions/",
        {
            "council": council_id,
            "title": "Phiên họp xét danh hiệu năm 2024",
            "date": DAY,
            "place": "Hội trường UBND tỉnh",
            "chair": seats[0].pk,
            "secretary": seats[14].pk,
        },
    )
    assert created.status_code == 201, created.content
    sid = created.json()["id"]
    dossier = world.dossier("CSTD_CS")
    detail = officer.post(f"/api/v1/council-sessions/{sid}/agenda", {"dossier": dossier.pk}).json()
    [item] = detail["ballots"]
    assert item["threshold_text"] == "từ 80 % trở lên tổng số thành viên Hội đồng"
    assert item["citation"] == "NĐ 98/2023 Điều 30(7)"
    detail = officer.put(
        f"/api/v1/council-sessions/{sid}/attendance",
        {"present": [m.pk for m in seats[:13]], "notes": {str(seats[13].pk): "Đi công tác"}},
    ).json()
    assert detail["quorum"] == {
        "members": 15,
        "present": 13,
        "needed": 12,
        "required": "0.800",
        "citation": "Quy chế Hội đồng",
        "met": True,
    }
    bid = item["id"]
    assert (
        officer.post(f"/api/v1/council-sessions/{sid}/ballots/{bid}/open", {"mode": "secret"}).json()["state"]
        == "open"
    )

    # A member's queue, then their vote
    member = Api(seats[1].user)
    [waiting] = member.get("/api/v1/council-ballots/waiting").json()
    assert (waiting["ballot"], waiting["award_name"]) == (bid, "Chiến sĩ thi đua cơ sở")
    for m in seats[:11]:
        r = Api(m.user).post(f"/api/v1/council-sessions/{sid}/ballots/{bid}/vote", {"choice": "for"})
        assert r.status_code == 200, r.content
    for m in seats[11:13]:
        Api(m.user).post(f"/api/v1/council-sessions/{sid}/ballots/{bid}/vote", {"choice": "against"})
    assert member.get("/api/v1/council-ballots/waiting").json() == []
    again = member.post(f"/api/v1/council-sessions/{sid}/ballots/{bid}/vote", {"choice": "for"})
    assert again.status_code == 422
    assert (
        again.json()["detail"] == "Bạn đã bỏ phiếu cho trường hợp này; mỗi thành viên chỉ bỏ phiếu một lần."
    )
    mine = member.get(f"/api/v1/council-sessions/{sid}").json()["ballots"][0]
    assert mine["you_voted"] is True and mine["votes_for"] is None

    # Written opinion of one of the two absent members: 11 + 1 = 12 of 15 = 80 % → passes
    written = officer.post(
        f"/api/v1/council-sessions/{sid}/ballots/{bid}/written-opinions", {"votes_for": 1, "votes_against": 0}
    )
    assert written.status_code == 200, written.content
    closed = officer.post(f"/api/v1/council-sessions/{sid}/ballots/{bid}/close", {}).json()
    assert (
        closed["votes_for"],
        closed["votes_against"],
        closed["base_count"],
        closed["share"],
        closed["passed"],
    ) == (
        12,
        2,
        15,
        "0.8000",
        True,
    )
    late = Api(seats[13].user).post(f"/api/v1/council-sessions/{sid}/ballots/{bid}/vote", {"choice": "for"})
    assert late.status_code == 422
    candidate = Ballot.objects.get(pk=bid).candidate
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.APPROVED

    response = officer.get(f"/api/v1/council-sessions/{sid}/minutes.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    text = _docx_text(response.content)
    assert "BIÊN BẢN\nHọp Hội đồng Thi đua - Khen thưởng\nPhiên họp xét danh hiệu năm 2024" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Thời gian: ngày 10/12/2024." in text
    assert "Địa điểm: Hội trường UBND tỉnh." in text
    assert "Tổng số thành viên Hội đồng có quyền biểu quyết: 15; có mặt: 13; vắng mặt: 2." in text
    assert f"- {seats[13].full_name}, Ủy viên (Đi công tác)" in text
    row = (
        f"1 | {candidate.recipient} | Chiến sĩ thi đua cơ sở | 12 | 2 | 0 | 12/15 (80 %) | "
        "từ 80 % trở lên tổng số thành viên Hội đồng | Thông qua"
    )
    assert row in text
    assert (
        "Ngưỡng “từ 80 % trở lên tổng số thành viên Hội đồng” áp dụng theo quy định khen thưởng: "
        "NĐ 98/2023 Điều 30(7) (độ tin cậy: đã đối chiếu văn bản)." in text
    )
    assert "Hình thức biểu quyết: bỏ phiếu kín." in text
    assert (
        f"THƯ KÝ\n(Chữ ký)\n\n\n\n{seats[14].full_name} | "
        f"CHỦ TỌA\n(Chữ ký, dấu (nếu có))\n\n\n\n{seats[0].full_name}"
    ) in text


def test_bad_input_gets_vietnamese_messages_and_writes_nothing(world, commune1_officer):
    session, ballot, seats = world.ready("CSTD_CS", dt.date(2024, 12, 10), 3)
    member = Api(seats[0].user)
    url = f"/api/v1/council-sessions/{session.pk}/ballots/{ballot.pk}/vote"
    bad = member.post(url, {"choice": "maybe"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("Dữ liệu gửi lên không hợp lệ: choice:")
    missing = member.post(f"/api/v1/council-sessions/{session.pk}/ballots/999999/vote", {"choice": "for"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Trường hợp này không có trong chương trình phiên họp."
    outsider = Api(commune1_officer)
    assert outsider.get(f"/api/v1/council-sessions/{session.pk}").status_code == 404
    assert outsider.post(url, {"choice": "for"}).status_code == 404
    assert not VoteReceipt.objects.exists()
    assert BallotTally.objects.get(ballot=ballot).for_count == 0
    written = Api(world.officer).post(
        f"/api/v1/council-sessions/{session.pk}/ballots/{ballot.pk}/written-opinions",
        {"votes_for": 1, "votes_against": 0},
    )
    assert written.status_code == 422
    assert written.json()["detail"] == "Tổng số ý kiến bằng văn bản (1) vượt quá số thành viên vắng mặt (0)."
    # A member may not manage: opening or closing is refused
    closing = member.post(f"/api/v1/council-sessions/{session.pk}/ballots/{ballot.pk}/close", {})
    assert closing.status_code == 403
    ballot.refresh_from_db()
    assert ballot.state == "open"


def test_member_sees_sessions_of_their_council_only(world, tree):
    session, _ballot, seats = world.ready("CSTD_CS", dt.date(2024, 12, 10), 3)
    other_council = world.council()
    other = world.members(other_council, 1)[0]
    assert [s["id"] for s in Api(seats[0].user).get("/api/v1/council-sessions/").json()] == [session.pk]
    assert Api(other.user).get("/api/v1/council-sessions/").json() == []
    assert Api(other.user).get(f"/api/v1/council-sessions/{session.pk}").status_code == 404
    # minutes are the standing body's document
    assert Api(seats[0].user).get(f"/api/v1/council-sessions/{session.pk}/minutes.docx").status_code == 404


def test_deferral_shows_in_the_minutes(world):
    council = world.council()
    seats = world.members(council, 3)
    session = world.session(council, dt.date(2024, 12, 10), seats)
    from thidua.council import services

    [ballot] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS")
    )
    r = Api(world.officer).post(
        f"/api/v1/council-sessions/{session.pk}/ballots/{ballot.pk}/defer", {"reason": "Chờ xác minh đơn thư"}
    )
    assert r.status_code == 200 and (r.json()["state_name"], r.json()["defer_reason"]) == (
        "Hoãn xét",
        "Chờ xác minh đơn thư",
    )
    text = _docx_text(Api(world.officer).get(f"/api/v1/council-sessions/{session.pk}/minutes.docx").content)
    assert f"{ballot.candidate.recipient} | Chiến sĩ thi đua cơ sở |" in text
    assert "Hoãn xét (Chờ xác minh đơn thư)" in text
