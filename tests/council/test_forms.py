"""Web forms for what was API-only: edit and delete a session, end a membership;
htmx partial swaps on the session page (with the no-JavaScript fallback); the
e-mail notice to members when a secret ballot opens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.council.conftest import vote_all
from thidua.core.errors import DomainError
from thidua.core.models import AuditEntry
from thidua.council import services
from thidua.council.models import Attendance, CouncilMember, Session

DAY = dt.date(2024, 12, 10)
HX = {"HTTP_HX_REQUEST": "true"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- edit and delete a session ---------------------------------------------------------------------


def test_session_edit_form_saves_and_tells_the_second_editor(world):
    council = world.council()
    seats = world.members(council, 3)
    session = world.session(council, DAY, seats)
    client = _client(world.officer)
    url = f"/hoi-dong/phien/{session.pk}/sua/"
    form = client.get(url).content.decode()
    assert 'value="Phiên họp xét khen thưởng"' in form and 'value="10/12/2024"' in form
    assert f'<option value="{seats[0].pk}" selected>' in form  # the chair as chosen
    data = {
        "version": session.version,
        "title": "  Phiên họp xét danh hiệu năm 2024 ",
        "date": "12/12/2024",
        "place": "Phòng họp số 2",
        "chair": seats[1].pk,
        "secretary": seats[2].pk,
    }
    saved = client.post(url, data, follow=True)
    assert "Đã lưu phiên họp." in saved.content.decode()
    session.refresh_from_db()
    assert (session.title, session.date, session.place, session.chair_id) == (
        "Phiên họp xét danh hiệu năm 2024",
        dt.date(2024, 12, 12),
        "Phòng họp số 2",
        seats[1].pk,
    )
    assert AuditEntry.objects.filter(action="council.session_update").count() == 1
    # a second editor still holding the old version is told so, and nothing changes
    stale = client.post(url, {**data, "title": "Tên khác", "version": data["version"]})
    assert stale.status_code == 422
    assert "Bản ghi đã được người khác sửa trong lúc bạn đang sửa." in stale.content.decode()
    session.refresh_from_db()
    assert session.title == "Phiên họp xét danh hiệu năm 2024"


def test_session_edit_refuses_bad_input_with_vietnamese_messages(world):
    council = world.council()
    seats = world.members(council, 2, since=dt.date(2024, 1, 1))
    session = world.session(council, DAY, seats)
    client = _client(world.officer)
    url = f"/hoi-dong/phien/{session.pk}/sua/"
    base = {"version": session.version, "title": "Phiên họp", "chair": seats[0].pk, "secretary": seats[1].pk}
    bad_date = client.post(url, {**base, "date": "31/02/2024"})
    assert bad_date.status_code == 422
    assert "Ngày họp không hợp lệ (dd/mm/yyyy)." in bad_date.content.decode()
    assert 'value="31/02/2024"' in bad_date.content.decode()  # what was typed stays in the form
    # moved before the chair joined the council: refused
    early = client.post(url, {**base, "date": "10/12/2023"})
    assert early.status_code == 422
    assert "Người chủ trì phải là thành viên của Hội đồng vào ngày họp." in early.content.decode()
    empty = client.post(url, {**base, "date": "10/12/2024", "title": "   "})
    assert "Nội dung phiên họp: không được để trống." in empty.content.decode()
    session.refresh_from_db()
    assert (session.title, session.date, session.version) == ("Phiên họp xét khen thưởng", DAY, 1)


def test_session_without_agenda_is_deleted_after_confirmation(world):
    council = world.council()
    seats = world.members(council, 2)
    session = world.session(council, DAY, seats)
    services.attendance_set(actor=world.officer, session=session, present=[seats[0].pk])
    client = _client(world.officer)
    page = client.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert f'href="/hoi-dong/phien/{session.pk}/xoa/"' in page
    url = f"/hoi-dong/phien/{session.pk}/xoa/"
    confirm = client.get(url).content.decode()
    assert "Phiên họp chưa có chương trình." in confirm
    assert Session.objects.filter(pk=session.pk).exists()  # nothing before the POST
    done = client.post(url, {"version": session.version}, follow=True)
    assert "Đã xoá phiên họp “Phiên họp xét khen thưởng”." in done.content.decode()
    assert not Session.objects.filter(pk=session.pk).exists()
    assert not Attendance.objects.filter(session_id=session.pk).exists()
    entry = AuditEntry.objects.get(action="council.session_delete")
    assert entry.before["title"] == "Phiên họp xét khen thưởng"


def test_session_with_agenda_cannot_be_deleted(world):
    council = world.council()
    seats = world.members(council, 2)
    session = world.session(council, DAY, seats)
    services.agenda_add_dossier(actor=world.officer, session=session, dossier=world.dossier("CSTD_CS"))
    client = _client(world.officer)
    page = client.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert f'href="/hoi-dong/phien/{session.pk}/xoa/"' not in page
    url = f"/hoi-dong/phien/{session.pk}/xoa/"
    assert "không xoá được" in client.get(url).content.decode()
    refused = client.post(url, {"version": session.version})
    assert refused.status_code == 422
    assert "Phiên họp đã có chương trình: không xoá được." in refused.content.decode()
    assert Session.objects.filter(pk=session.pk).exists()
    assert not AuditEntry.objects.filter(action="council.session_delete").exists()


def test_members_and_outsiders_get_no_session_forms(world, commune1_officer):
    session, _ballot, seats = world.ready("CSTD_CS", DAY, 3)
    for user in (seats[0].user, commune1_officer):
        client = _client(user)
        for url in (f"/hoi-dong/phien/{session.pk}/sua/", f"/hoi-dong/phien/{session.pk}/xoa/"):
            assert client.get(url).status_code == 404
        r = client.post(f"/hoi-dong/phien/{session.pk}/sua/", {"title": "X", "date": "10/12/2024"})
        assert r.status_code == 404
    session.refresh_from_db()
    assert session.title == "Phiên họp xét khen thưởng"


# --- end a membership ------------------------------------------------------------------------------


def test_membership_ended_from_the_council_page(world):
    council = world.council()
    seats = world.members(council, 3)
    client = _client(world.officer)
    page = client.get(f"/hoi-dong/{council.pk}/").content.decode()
    assert f'action="/hoi-dong/thanh-vien/{seats[2].pk}/ket-thuc/"' in page
    done = client.post(
        f"/hoi-dong/thanh-vien/{seats[2].pk}/ket-thuc/", {"active_to": "30/06/2024"}, follow=True
    )
    text = done.content.decode()
    assert f"Đã kết thúc nhiệm vụ của {seats[2].full_name} từ sau ngày 30/06/2024." in text
    assert "<td>30/06/2024</td>" in text and "Đã kết thúc" in text
    seats[2].refresh_from_db()
    assert seats[2].active_to == dt.date(2024, 6, 30)
    # a later session counts two members
    later = world.session(council, DAY, seats[:2])
    assert services.quorum(later).members == 2


def test_membership_end_refused_before_a_session_the_member_took_part_in(world):
    session, ballot, seats = world.ready("CSTD_CS", DAY, 3)
    vote_all(session, ballot, seats, 1, 0)
    client = _client(world.officer)
    url = f"/hoi-dong/thanh-vien/{seats[1].pk}/ket-thuc/"
    refused = client.post(url, {"active_to": "01/12/2024"})
    assert refused.status_code == 422
    assert (
        f"{seats[1].full_name} đã tham gia phiên họp ngày 10/12/2024 (Phiên họp xét khen thưởng): "
        "ngày kết thúc nhiệm vụ không được trước ngày đó."
    ) in refused.content.decode()
    assert 'value="01/12/2024"' in refused.content.decode()
    bad = client.post(url, {"active_to": "hôm qua"})
    assert bad.status_code == 422 and "Ngày kết thúc không hợp lệ (dd/mm/yyyy)." in bad.content.decode()
    before_start = client.post(url, {"active_to": "01/01/2019"})
    assert "Ngày kết thúc phải sau ngày bắt đầu." in before_start.content.decode()
    assert CouncilMember.objects.get(pk=seats[1].pk).active_to is None
    assert not AuditEntry.objects.filter(action="council.member_end").exists()
    # on or after the session day is fine
    assert client.post(url, {"active_to": "10/12/2024"}).status_code == 302
    # a member of the council may not end anyone's seat
    assert (
        _client(seats[0].user)
        .post(f"/hoi-dong/thanh-vien/{seats[2].pk}/ket-thuc/", {"active_to": "31/12/2024"})
        .status_code
        == 404
    )
    assert CouncilMember.objects.get(pk=seats[2].pk).active_to is None


# --- htmx on the session page ----------------------------------------------------------------------


def test_attendance_swaps_its_section_with_htmx_and_redirects_without(world):
    council = world.council()
    seats = world.members(council, 3)
    session = world.session(council, DAY, seats)
    client = _client(world.officer)
    url = f"/hoi-dong/phien/{session.pk}/"
    page = client.get(url).content.decode()
    assert f'hx-post="{url}" hx-target="#attendance" hx-swap="outerHTML"' in page
    part = client.post(url, {"action": "attendance", "present": [m.pk for m in seats[:2]]}, **HX)
    html = part.content.decode()
    assert part.status_code == 200
    assert html.startswith('<section class="card" id="attendance">') and "<html" not in html
    assert "Đã điểm danh: có mặt 2/3." in html and "Có mặt 2/3 thành viên có quyền biểu quyết" in html
    # the same form without JavaScript: a redirect to the whole page with the message
    full = client.post(url, {"action": "attendance", "present": [m.pk for m in seats]}, follow=True)
    assert full.redirect_chain == [(url, 302)]
    assert "Đã điểm danh: có mặt 3/3." in full.content.decode()
    assert "<html" in full.content.decode()


def test_ballot_open_and_close_swap_the_agenda_with_htmx(world):
    council = world.council()
    seats = world.members(council, 3)
    session = world.session(council, DAY, seats)
    [ballot] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS")
    )
    client = _client(world.officer)
    url = f"/hoi-dong/phien/{session.pk}/"
    # refused (no quorum yet): the message inside the swapped section, nothing opened
    refused = client.post(url, {"action": "open", "ballot": ballot.pk, "mode": "secret"}, **HX)
    html = refused.content.decode()
    assert refused.status_code == 200 and html.startswith('<section class="card" id="agenda">')
    assert "Chưa đủ số thành viên dự họp: có mặt 0/3" in html and 'class="alert alert-error"' in html
    ballot.refresh_from_db()
    assert ballot.state == "pending"
    services.attendance_set(actor=world.officer, session=session, present=[m.pk for m in seats])
    opened = client.post(
        url, {"action": "open", "ballot": ballot.pk, "mode": "secret"}, **HX
    ).content.decode()
    assert f"Đã mở biểu quyết: {ballot.candidate.recipient}." in opened and "Đang bỏ phiếu" in opened
    assert "Cập nhật số thành viên đã bỏ phiếu" in opened
    vote_all(session, ballot, seats, 3, 0)
    counted = client.get(f"{url}?part=agenda", **HX).content.decode()
    assert counted.startswith('<section class="card" id="agenda">') and "<td>3</td>" in counted
    closed = client.post(url, {"action": "close", "ballot": ballot.pk}, **HX).content.decode()
    assert "Thông qua: 3/3 đồng ý (100 %)" in closed and "Đã kết thúc" in closed
    ballot.refresh_from_db()
    assert (ballot.state, ballot.votes_for, ballot.passed) == ("closed", 3, True)


def test_full_page_fallback_shows_a_refusal_with_422(world):
    council = world.council()
    seats = world.members(council, 3)
    session = world.session(council, DAY, seats)
    [ballot] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS")
    )
    r = _client(world.officer).post(
        f"/hoi-dong/phien/{session.pk}/", {"action": "open", "ballot": ballot.pk, "mode": "secret"}
    )
    assert r.status_code == 422
    text = r.content.decode()
    assert "<html" in text and "Chưa đủ số thành viên dự họp: có mặt 0/3" in text


# --- notice when a ballot opens ----------------------------------------------------------------


def test_opening_a_secret_ballot_emails_the_members_who_can_vote(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    council = world.council()
    seats = world.members(council, 4)
    for i, m in enumerate(seats):
        m.user.email = f"thanhvien{i}@example.vn"
        m.user.save(update_fields=["email"])
    session = world.session(council, DAY, seats)
    [ballot] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS")
    )
    services.attendance_set(actor=world.officer, session=session, present=[m.pk for m in seats[:3]])
    services.conflict_declare(actor=world.officer, ballot=ballot, reason="Là người thân", member=seats[2])
    with django_capture_on_commit_callbacks(execute=True):
        services.ballot_open(actor=world.officer, ballot=ballot)
    # not the absent member, not the recused one (one message or one per address: core.notices decides)
    assert sorted(a for mail in mailoutbox for a in mail.to) == [
        "thanhvien0@example.vn",
        "thanhvien1@example.vn",
    ]
    name = str(ballot.candidate.recipient)
    for mail in mailoutbox:
        assert mail.subject == f"[thidua] Mở bỏ phiếu kín: {name} — Chiến sĩ thi đua cơ sở"
        assert f"/hoi-dong/phien/{session.pk}/bo-phieu/" in mail.body
        assert "ngày 10/12/2024" in mail.body


def test_no_mail_for_a_show_of_hands_or_a_refused_opening(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    council = world.council()
    seats = world.members(council, 3)
    for i, m in enumerate(seats):
        m.user.email = f"tv{i}@example.vn"
        m.user.save(update_fields=["email"])
    session = world.session(council, DAY, seats)
    [hands] = services.agenda_add_dossier(actor=world.officer, session=session, dossier=world.dossier("GK"))
    [secret] = services.agenda_add_dossier(
        actor=world.officer, session=session, dossier=world.dossier("CSTD_CS")
    )
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(DomainError, match="Chưa đủ số thành viên dự họp"),
    ):
        services.ballot_open(actor=world.officer, ballot=secret)  # no quorum yet
    assert mailoutbox == []
    services.attendance_set(actor=world.officer, session=session, present=[m.pk for m in seats])
    with django_capture_on_commit_callbacks(execute=True):
        services.ballot_open(actor=world.officer, ballot=hands, mode="open")
    assert mailoutbox == []
