"""The dossier pages per role, the workflow buttons, the download, the public page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from thidua.nominations import services
from thidua.nominations.models import Comment, Dossier
from thidua.nominations.models import DossierState as S

from .conftest import PDF

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def page(d) -> str:
    return f"/ho-so/{d.pk}/"


def _at(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: when.astimezone(dt.UTC))


def act(who, d, action, **kw):
    d.refresh_from_db()
    return services.transition(actor=who, dossier=d, action=action, version=d.version, **kw)


# --- list and queue --------------------------------------------------------------------------


def test_index_shows_each_role_its_queue(world):
    draft = world.dossier(title="Hồ sơ đang soạn của trường")
    sent = world.ready(title="Hồ sơ đã gửi lên xã")
    act(world.school_officer, sent, "submit")

    html = login(world.school_officer).get("/ho-so/").content.decode()
    assert "Hồ sơ đang soạn (chưa gửi)" in html and draft.code in html
    assert "Không có hồ sơ nào bị trả lại vì" in html

    html = login(world.commune_standing).get("/ho-so/").content.decode()
    assert "Hồ sơ chờ tiếp nhận" in html and sent.code in html
    assert draft.code not in html  # the school's draft stays in the school
    assert "Không có hồ sơ nào đang thẩm định vì" in html

    html = login(world.viewer).get("/ho-so/").content.decode()
    assert "Vai trò của bạn không xử lý hồ sơ đề nghị" in html and sent.code in html

    # The htmx filter answers only the table.
    r = login(world.school_officer).get("/ho-so/", {"q": "dang soan"}, headers={"HX-Request": "true"})
    body = r.content.decode()
    assert "<html" not in body and draft.code in body and sent.code not in body


def test_overdue_item_is_flagged_in_the_queue(world, monkeypatch):
    _at(monkeypatch, dt.datetime(2025, 6, 2, 9, 0, tzinfo=VN))
    d = world.ready()
    act(world.school_officer, d, "submit")
    Dossier.objects.filter(pk=d.pk).update(due_date=dt.date(2025, 6, 10))
    # On the due day itself: in time (deadlines are inclusive).
    _at(monkeypatch, dt.datetime(2025, 6, 10, 23, 0, tzinfo=VN))
    html = login(world.commune_standing).get("/ho-so/").content.decode()
    assert "hạn 10/06/2025" in html and "quá hạn" not in html
    # Three days later, in Vietnam (UTC is still the day before at 6:00).
    _at(monkeypatch, dt.datetime(2025, 6, 13, 6, 0, tzinfo=VN))
    html = login(world.commune_standing).get("/ho-so/").content.decode()
    assert "quá hạn 3 ngày" in html


# --- the dossier page --------------------------------------------------------------------------


def test_detail_is_404_outside_scope_and_shows_verdicts_and_buttons(world):
    d = world.ready()
    assert login(world.other_officer).get(page(d)).status_code == 404
    assert login(world.commune_standing).get(page(d)).status_code == 404  # a draft of the school
    r = login(world.school_officer).get(page(d))
    html = r.content.decode()
    assert r.status_code == 200
    assert "Lò Thị Mai" in html and "Giấy khen" in html
    assert "nm-verdict" in html and "Các tiêu chuẩn" in html
    assert "Gửi hồ sơ" in html and "Sau khi gửi, hồ sơ không sửa được nữa." in html
    assert "Tiếp nhận, bắt đầu thẩm định" not in html


def test_create_add_candidate_upload_and_submit_through_the_pages(world):
    c = login(world.school_officer)
    r = c.post(
        "/ho-so/them/",
        {
            "title": "Đề nghị khen thưởng năm học 2024-2025",
            "proposer_unit": "TH1",
            "deciding_unit": "XA1",
            "occasion": "regular",
            "letter_number": "15/TTr-THX1",
            "letter_date": "02/06/2025",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.get()
    assert d.letter_date == dt.date(2025, 6, 2) and d.state == S.DRAFT

    r = c.post(
        f"{page(d)}ung-vien/them/",
        {
            "recipient_kind": "individual",
            "person": f"{world.teacher.pk} — Lò Thị Mai (TH1)",
            "award_type": _award("GK"),
            "year": "2025",
            "summary": "Giáo viên dạy giỏi",
        },
        follow=True,
    )
    html = r.content.decode()
    assert "Đã thêm Lò Thị Mai — Giấy khen" in html
    cand = d.candidates.get()
    # Not eligible → the justification box is open, and submitting without it is refused.
    if cand.verdict == "not_eligible":
        assert "Giải trình (bắt buộc khi chưa đủ điều kiện)" in html
        c.post(f"{page(d)}ung-vien/{cand.pk}/", {f"c{cand.pk}-version": cand.version,
                                               f"c{cand.pk}-justification": "Đột xuất"})  # fmt: skip

    for kind, name in (("letter", "Tờ trình.pdf"), ("minutes", "Biên bản họp.pdf")):
        r = c.post(f"{page(d)}tep/", {"kind": kind, "file": SimpleUploadedFile(name, PDF, "application/pdf")})
        assert r.status_code == 302
    r = c.post(f"{page(d)}tep/", {"kind": "evidence", "file": SimpleUploadedFile("a.pdf", b"MZ\x90", "x")})
    assert r.status_code == 400 and "không phải tệp .pdf hợp lệ" in r.content.decode()
    assert d.attachments.count() == 2

    d.refresh_from_db()
    r = c.post(f"{page(d)}thao-tac/submit/", {"version": d.version, "note": ""}, follow=True)
    assert "chuyển sang bước «Đã gửi, chờ thẩm định»" in r.content.decode()
    d.refresh_from_db()
    assert d.state == S.SUBMITTED


def _award(code: str) -> int:
    from thidua.awards.models import AwardType

    return AwardType.objects.get(code=code).pk


def test_stale_version_shows_the_conflict_message(world):
    d = world.ready()
    old = d.version
    services.dossier_update(
        actor=world.school_officer, dossier=d, version=old, letter_signer="Người khác sửa"
    )
    r = login(world.school_officer).post(f"{page(d)}thao-tac/submit/", {"version": old})
    assert r.status_code == 409
    assert "vừa được người khác xử lý" in r.content.decode()
    d.refresh_from_db()
    assert d.state == S.DRAFT


def test_refused_action_is_403_for_a_viewer(world):
    d = world.ready()
    act(world.school_officer, d, "submit")
    d.refresh_from_db()
    r = login(world.viewer).post(f"{page(d)}thao-tac/receive/", {"version": d.version})
    assert r.status_code == 403 and "Bạn không có quyền" in r.content.decode()
    assert (
        login(world.viewer).post(f"{page(d)}thao-tac/council_done/", {"version": d.version}).status_code
        == 404
    )


def test_return_with_reason_reaches_the_unit_officer(world):
    d = world.ready()
    act(world.school_officer, d, "submit")
    act(world.commune_standing, d, "receive")
    gk = d.candidates.order_by("id").first()
    d.refresh_from_db()
    r = login(world.commune_standing).post(
        f"{page(d)}thao-tac/return/", {"version": d.version, f"reason_{gk.pk}": "Thiếu bản chụp bằng khen"}
    )
    assert r.status_code == 302
    html = login(world.school_officer).get("/ho-so/").content.decode()
    assert "Hồ sơ bị trả lại, cần bổ sung" in html and "Lò Thị Mai: Thiếu bản chụp bằng khen" in html
    html = login(world.school_officer).get(page(d)).content.decode()
    assert "Cần bổ sung:</strong> Thiếu bản chụp bằng khen" in html and "Gửi lại hồ sơ đã bổ sung" in html


def test_download_needs_the_dossier_and_keeps_the_name(world):
    d = world.ready()
    att = d.attachments.get(kind="minutes")
    url = f"{page(d)}tep/{att.pk}/"
    r = login(world.school_officer).get(url)
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''bien-ban.pdf" in r["Content-Disposition"]
    assert login(world.other_officer).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


# --- the public page ----------------------------------------------------------------------------


def _published(world, monkeypatch) -> Dossier:
    _at(monkeypatch, dt.datetime(2025, 6, 2, 9, 0, tzinfo=VN))
    d = world.ready()
    act(world.school_officer, d, "submit")
    act(world.commune_standing, d, "receive")
    _gk, bk = d.candidates.order_by("id")
    act(world.commune_standing, d, "appraise",
        opinions={bk.pk: {"recommended": False, "note": "Chưa đủ thời gian"}})  # fmt: skip
    return act(world.commune_standing, d, "publish", days=5)


def test_public_page_lists_appraised_candidates_and_takes_comments(world, monkeypatch):
    d = _published(world, monkeypatch)
    anon = Client()
    html = anon.get("/cong-khai/").content.decode()
    assert d.title in html and "công khai đến hết ngày 09/06/2025" in html
    r = anon.get(f"/cong-khai/{d.public_code}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Xã Một" in html and "Lò Thị Mai" in html and "Giáo viên dạy giỏi cấp xã" in html
    assert "Nguyễn Văn An" not in html  # not recommended by the appraiser: not published
    assert "công khai đến hết ngày 09/06/2025" in html
    gk = d.candidates.order_by("id").first()
    r = anon.post(
        f"/cong-khai/{d.public_code}/",
        {
            "author_name": "Bà Lan",
            "author_contact": "0912 345 678",
            "body": "Cô Mai rất tận tụy",
            "candidate": gk.pk,
        },
        REMOTE_ADDR="203.0.113.7",
    )
    assert r.status_code == 200 and "Cảm ơn bạn đã góp ý" in r.content.decode()
    comment = Comment.objects.get()
    assert comment.candidate == gk and comment.ip_address == "203.0.113.7"
    # The appraiser sees it on the dossier page, the unit does not.
    assert "Cô Mai rất tận tụy" in login(world.commune_standing).get(page(d)).content.decode()
    assert "Cô Mai rất tận tụy" not in login(world.school_officer).get(page(d)).content.decode()


def test_public_page_after_the_window_refuses_comments(world, monkeypatch):
    d = _published(world, monkeypatch)
    _at(monkeypatch, dt.datetime(2025, 6, 10, 0, 5, tzinfo=VN))
    anon = Client()
    html = anon.get(f"/cong-khai/{d.public_code}/").content.decode()
    assert "Thời gian công khai lấy ý kiến đã kết thúc" in html and "Gửi ý kiến" not in html
    r = anon.post(f"/cong-khai/{d.public_code}/", {"author_name": "Muộn", "body": "Góp ý muộn"})
    assert r.status_code == 400 and Comment.objects.count() == 0
    assert d.title not in anon.get("/cong-khai/").content.decode()


def test_public_page_of_an_unpublished_dossier_is_404(world):
    d = world.ready()
    assert Client().get(f"/cong-khai/{d.public_code}/").status_code == 404


def test_appraiser_handles_a_comment(world, monkeypatch):
    d = _published(world, monkeypatch)
    comment = services.comment_add(dossier=d, author_name="Ông Tú", body="Đề nghị xem lại thành tích")
    c = login(world.commune_standing)
    r = c.post(f"{page(d)}gop-y/{comment.pk}/", {"note": ""})
    assert r.status_code == 400 and "Hãy ghi kết quả xử lý" in r.content.decode()
    r = c.post(f"{page(d)}gop-y/{comment.pk}/", {"note": "Đã xác minh, thành tích đúng"}, follow=True)
    assert "Đã ghi kết quả xử lý ý kiến của Ông Tú" in r.content.decode()
    comment.refresh_from_db()
    assert comment.handled and comment.handling_note == "Đã xác minh, thành tích đúng"
    # The unit cannot handle the body's comments (it does not even see them).
    other = services.comment_add(dossier=d, author_name="Bà Hoa", body="Ý kiến khác")
    r = login(world.school_officer).post(f"{page(d)}gop-y/{other.pk}/", {"note": "x"})
    assert r.status_code == 403
    other.refresh_from_db()
    assert not other.handled


def test_unit_suggestions_offer_the_bodies_above_for_the_deciding_unit(world):
    c = login(world.school_officer)
    html = c.get("/ho-so/goi-y-don-vi/", {"deciding_unit": "xa mot", "for": "decider"}).content.decode()
    assert 'value="XA1"' in html  # outside the school's own scope, but above it
    html = c.get("/ho-so/goi-y-don-vi/", {"proposer_unit": "xa mot", "for": "proposer"}).content.decode()
    assert 'value="XA1"' not in html  # the school may not propose for the commune
    html = c.get("/ho-so/goi-y-don-vi/", {"proposer_unit": "truong", "for": "proposer"}).content.decode()
    assert 'value="TH1"' in html and 'value="TH2"' not in html


def test_edit_letter_and_candidate_with_versions(world):
    d = world.ready()
    c = login(world.school_officer)
    form = {"title": "Trích yếu mới", "occasion": "regular", "letter_number": "16/TTr-THX1",
            "letter_date": "03/06/2025", "letter_signer": "Hiệu trưởng", "version": d.version}  # fmt: skip
    r = c.post(f"{page(d)}sua/", form)
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.title == "Trích yếu mới" and d.letter_date == dt.date(2025, 6, 3)
    # The same form again (the version it carries is now old): the conflict message, nothing saved.
    r = c.post(f"{page(d)}sua/", {**form, "title": "Lần hai"})
    assert r.status_code == 409 and "vừa được người khác xử lý" in r.content.decode()
    d.refresh_from_db()
    assert d.title == "Trích yếu mới"
    # A date in the future is refused with the service's message.
    d.refresh_from_db()
    r = c.post(f"{page(d)}sua/", {**form, "version": d.version, "letter_date": "01/01/2999"})
    assert r.status_code == 400 and "ở tương lai" in r.content.decode()

    cand = d.candidates.order_by("id").first()
    prefix = f"c{cand.pk}"
    r = c.post(f"{page(d)}ung-vien/{cand.pk}/", {f"{prefix}-version": cand.version,
                                                 f"{prefix}-summary": "Thành tích đã bổ sung"})  # fmt: skip
    assert r.status_code == 302
    cand.refresh_from_db()
    assert cand.summary == "Thành tích đã bổ sung"
    r = c.post(f"{page(d)}ung-vien/{cand.pk}/", {f"{prefix}-version": 1, f"{prefix}-summary": "Cũ"})
    assert r.status_code == 409
    # Another school's officer cannot even find it.
    assert login(world.other_officer).post(f"{page(d)}ung-vien/{cand.pk}/bo/").status_code == 404
    assert c.post(f"{page(d)}ung-vien/{cand.pk}/bo/").status_code == 302
    assert not d.candidates.filter(pk=cand.pk).exists()
