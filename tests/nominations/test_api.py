"""The nominations API: scope per role, every POST action of the table once,
stale versions, attachments."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tests.conftest import Api
from thidua.core.models import AuditEntry
from thidua.nominations import services
from thidua.nominations.models import Attachment, Dossier, Transition
from thidua.nominations.models import CandidateState as C
from thidua.nominations.models import DossierState as S
from thidua.nominations.workflow import ACTIONS

from .conftest import PDF

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BASE = "/api/v1/nominations/"


def url(d, tail: str = "") -> str:
    return f"{BASE}{d.pk}{'/' + tail if tail else ''}"


def version(d) -> int:
    d.refresh_from_db()
    return d.version


def post_action(api, d, action, **body):
    return api.post(url(d, action), {"version": version(d), **body})


# --- scope -----------------------------------------------------------------------------


def test_list_and_detail_are_scoped_per_role(world):
    draft = world.dossier()
    sent = world.ready(title="Hồ sơ đã gửi")
    services.transition(actor=world.school_officer, dossier=sent, action="submit", version=sent.version)

    def codes(user):
        r = Api(user).get(BASE)
        assert r.status_code == 200
        return {i["code"] for i in r.json()["items"]}

    assert codes(world.school_officer) == {draft.code, sent.code}
    # The commune's standing body sees what was sent to it, not the school's drafts.
    assert codes(world.commune_standing) == {sent.code}
    assert codes(world.viewer) == {sent.code}
    assert codes(world.other_officer) == set()
    # Out of scope is 404, like a dossier that does not exist.
    r = Api(world.other_officer).get(url(sent))
    assert r.status_code == 404 and r.json()["detail"] == "Không tìm thấy hồ sơ."
    assert Api(world.commune_standing).get(url(draft)).status_code == 404
    assert Api(world.school_officer).get(f"{BASE}999999").status_code == 404


def test_list_filters(world):
    d = world.ready()
    other = world.dossier(title="Khen thưởng chuyên đề an toàn giao thông")
    api = Api(world.school_officer)
    assert [i["code"] for i in api.get(BASE, {"q": "lo thi mai"}).json()["items"]] == [d.code]
    assert [i["code"] for i in api.get(BASE, {"q": "giao thong"}).json()["items"]] == [other.code]
    assert [i["code"] for i in api.get(BASE, {"year": 2025}).json()["items"]] == [d.code]
    assert api.get(BASE, {"state": "submitted"}).json()["count"] == 0
    assert api.get(BASE, {"unit": world.tree["TH1"].pk}).json()["count"] == 2
    r = api.get(BASE, {"state": "nonsense"})
    assert r.status_code == 422


# --- create, candidates, attachments ---------------------------------------------------


def test_unit_officer_builds_and_submits_through_the_api(world):
    api = Api(world.school_officer)
    r = api.post(
        BASE,
        {
            "title": "Đề nghị khen thưởng năm học 2024-2025",
            "proposer_unit": world.tree["TH1"].pk,
            "deciding_unit": world.tree["XA1"].pk,
            "letter_number": "15/TTr-THX1",
            "letter_date": "2025-06-02",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "draft" and body["actions"] == ["submit", "withdraw"]
    d = Dossier.objects.get(pk=body["id"])

    r = api.post(url(d, "candidates"), {"award_type": "GK", "year": 2025, "person": world.teacher.pk})
    assert r.status_code == 201, r.content
    cand = r.json()
    assert cand["verdict"] in {"eligible", "not_eligible", "review"} and cand["verdict_label"]
    assert cand["criteria"] and cand["recipient_name"] == "Lò Thị Mai"
    # The same person twice: refused in Vietnamese, nothing written.
    r = api.post(url(d, "candidates"), {"award_type": "GK", "year": 2025, "person": world.teacher.pk})
    assert r.status_code == 422 and "đã có trong hồ sơ này" in r.json()["detail"]
    assert d.candidates.count() == 1

    r = api.patch(
        url(d, f"candidates/{cand['id']}"),
        {"version": cand["version"], "justification": "Thành tích đột xuất"},
    )
    assert r.status_code == 200 and r.json()["justification"] == "Thành tích đột xuất"

    # Submitting without the files is refused with the list of what is missing.
    r = post_action(api, d, "submit")
    assert r.status_code == 422 and "thiếu tệp «Tờ trình»" in r.json()["detail"]

    for kind, name in (("letter", "Tờ trình số 15.pdf"), ("minutes", "Biên bản họp.pdf")):
        r = api.client.post(
            url(d, "attachments"),
            {"kind": kind, "file": _upload(name)},
            headers=api.headers,
        )
        assert r.status_code == 201, r.content
    # A forbidden type is refused and nothing is stored.
    r = api.client.post(
        url(d, "attachments"), {"kind": "evidence", "file": _upload("x.exe")}, headers=api.headers
    )
    assert r.status_code == 422 and "không đúng loại" in r.json()["detail"]
    assert d.attachments.count() == 2

    r = post_action(api, d, "submit")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "submitted" and r.json()["transitions"][-1]["label"] == "Gửi hồ sơ"


def _upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_refusals_per_role(world):
    d = world.ready()
    # A viewer of the deciding body may read but not act.
    services.transition(actor=world.school_officer, dossier=d, action="submit", version=d.version)
    assert Api(world.viewer).get(url(d)).status_code == 200
    r = post_action(Api(world.viewer), d, "receive")
    assert r.status_code == 403 and r.json()["detail"] == "Bạn không có quyền thực hiện thao tác này."
    # The proposer may not appraise its own dossier.
    r = post_action(Api(world.school_officer), d, "receive")
    assert r.status_code == 403
    # An action the table does not allow in this state.
    r = post_action(Api(world.commune_standing), d, "publish")
    assert r.status_code == 422 and "Không thể" in r.json()["detail"]
    assert Dossier.objects.get(pk=d.pk).state == S.SUBMITTED


def test_stale_version_is_409_and_nothing_changes(world):
    d = world.ready()
    api = Api(world.school_officer)
    old = d.version
    services.dossier_update(
        actor=world.school_officer, dossier=d, version=old, letter_signer="Hiệu trưởng mới"
    )
    r = api.post(url(d, "submit"), {"version": old})
    assert r.status_code == 409
    assert "vừa được người khác xử lý" in r.json()["detail"]
    assert Dossier.objects.get(pk=d.pk).state == S.DRAFT
    r = api.patch(url(d), {"version": old, "title": "Sửa lại"})
    assert r.status_code == 409
    assert Dossier.objects.get(pk=d.pk).title != "Sửa lại"


# --- every POST action once --------------------------------------------------------------


def _at(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: when.astimezone(dt.UTC))


def test_every_user_action_of_the_table_through_the_api(world, monkeypatch):
    unit, body = Api(world.school_officer), Api(world.commune_standing)
    done: set[str] = set()

    def ok(api, d, action, **extra):
        r = post_action(api, d, action.replace("_", "-"), **extra)
        assert r.status_code == 200, (action, r.content)
        done.add(action)
        return r.json()

    _at(monkeypatch, dt.datetime(2025, 6, 2, 9, 0, tzinfo=VN))
    d = world.ready()
    gk, _bk = d.candidates.order_by("id")
    ok(unit, d, "submit")
    ok(body, d, "receive")
    out = ok(body, d, "return", note="Bổ sung minh chứng", reasons={str(gk.pk): "Thiếu bản chụp giấy khen"})
    assert out["state"] == "returned"
    assert {c["id"]: c["return_reason"] for c in out["candidates"]}[gk.pk] == "Thiếu bản chụp giấy khen"
    ok(unit, d, "resubmit")
    ok(body, d, "receive")
    out = ok(body, d, "appraise", opinions={str(gk.pk): {"recommended": True, "note": "Đủ điều kiện"}})
    assert out["state"] == "appraised"
    out = ok(body, d, "publish", days=5)
    assert out["publish_until"] == "2025-06-09"
    _at(monkeypatch, dt.datetime(2025, 6, 10, 8, 0, tzinfo=VN))
    assert ok(body, d, "to_council")["state"] == "at_council"

    # Forwarding the Bằng khen beyond the commune, the higher level's result, closing.
    d2 = world.dossier(title="Hồ sơ thứ hai")
    for kind, name in (("letter", "tt.pdf"), ("minutes", "bb.pdf")):
        services.attachment_add(actor=world.school_officer, dossier=d2, kind=kind, upload=_upload(name))
    services.candidate_add(
        actor=world.school_officer, dossier=d2, award_type="BK_TINH", year=2024, person=world.teacher,
        justification="Đề nghị cấp trên xem xét",
    )  # fmt: skip
    services.candidate_add(
        actor=world.school_officer, dossier=d2, award_type="GK", year=2024, person=world.teacher2,
        justification="Thành tích đột xuất",
    )  # fmt: skip
    ok(unit, d2, "submit")
    ok(body, d2, "receive")
    ok(body, d2, "appraise")
    out = ok(body, d2, "forward", to_name="Chủ tịch UBND tỉnh Thử Nghiệm", letter_number="20/TTr-UBND")
    assert out["state"] == "appraised"  # the Giấy khen still waits here
    child = Dossier.objects.get(parent=d2)
    assert child.state == S.FORWARDED
    copy = child.candidates.get()
    out = ok(
        body, child, "record_result",
        results={str(copy.pk): {"awarded": True, "decision_number": "123/QĐ-UBND", "decision_date": "2025-06-05"}},
    )  # fmt: skip
    assert out["state"] == "closed" and out["candidates"][0]["state"] == C.AWARDED
    assert ok(body, d2, "close", note="Không trình Hội đồng đợt này")["state"] == "closed"

    d3 = world.dossier(title="Hồ sơ rút")
    r = post_action(unit, d3, "withdraw")
    assert r.status_code == 422 and "cần ghi rõ lý do" in r.json()["detail"]
    assert ok(unit, d3, "withdraw", note="Lập nhầm")["state"] == "withdrawn"

    user_actions = {name for name, a in ACTIONS.items() if not a.system}
    assert done == user_actions
    # Every step is a Transition row and an audit entry.
    assert Transition.objects.filter(dossier=d).count() == 8
    assert AuditEntry.objects.filter(action="dossier.return").exists()


def test_system_actions_are_not_routes(world):
    d = world.ready()
    r = post_action(Api(world.commune_standing), d, "council_done")
    assert r.status_code in {404, 405}


# --- attachments download ----------------------------------------------------------------


def test_attachment_download_is_scoped_and_keeps_the_original_name(world):
    d = world.ready()
    att = d.attachments.get(kind="letter")
    Attachment.objects.filter(pk=att.pk).update(original_name="Tờ trình đề nghị khen thưởng.pdf")
    r = Api(world.school_officer).get(url(d, f"attachments/{att.pk}"))
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF
    disposition = r["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh%20%C4%91%E1%BB%81%20ngh%E1%BB%8B" in disposition
    assert 'filename="To trinh de nghi khen thuong.pdf"' in disposition
    assert r["X-Content-Type-Options"] == "nosniff"
    # Not for another unit, nor for the deciding body before the dossier is sent.
    assert Api(world.other_officer).get(url(d, f"attachments/{att.pk}")).status_code == 404
    assert Api(world.commune_standing).get(url(d, f"attachments/{att.pk}")).status_code == 404
    # Never from a public path.
    assert att.file.name.startswith("dossiers/") and "Tờ" not in att.file.name
    assert Client().get(f"/_private/{att.file.name}").status_code == 404


def test_attachment_delete(world):
    d = world.ready()
    att = d.attachments.get(kind="minutes")
    api = Api(world.school_officer)
    assert api.client.delete(url(d, f"attachments/{att.pk}"), headers=api.headers).status_code == 204
    assert not d.attachments.filter(pk=att.pk).exists()


# --- comments and queue ------------------------------------------------------------------


def test_comments_only_for_the_appraiser(world, monkeypatch):
    _at(monkeypatch, dt.datetime(2025, 6, 2, 9, 0, tzinfo=VN))
    d = world.ready()
    for who, action in [(world.school_officer, "submit"), (world.commune_standing, "receive"),
                        (world.commune_standing, "appraise")]:  # fmt: skip
        d.refresh_from_db()
        services.transition(actor=who, dossier=d, action=action, version=d.version)
    d.refresh_from_db()
    d = services.transition(
        actor=world.commune_standing, dossier=d, action="publish", version=d.version, days=5
    )
    services.comment_add(dossier=d, author_name="Bà Lan", body="Cô Mai rất tận tụy", ip_address="10.0.0.9")
    assert Api(world.commune_standing).get(url(d)).json()["comments"][0]["author_name"] == "Bà Lan"
    assert Api(world.school_officer).get(url(d)).json()["comments"] is None
    q = Api(world.commune_standing).get(BASE + "queue").json()
    assert q["comments_waiting"] == 1
    group = {g["key"]: g for g in q["groups"]}["appraised"]
    assert [i["code"] for i in group["items"]] == [d.code]


def test_record_result_with_a_date_object_from_python_callers(world):
    """The service documents ``results`` with ``decision_date``; a Python caller
    (CLI, another module) naturally passes a ``date`` — the audit entry must store it."""
    d = world.ready()
    for who, action in [(world.school_officer, "submit"), (world.commune_standing, "receive"),
                        (world.commune_standing, "appraise")]:  # fmt: skip
        d.refresh_from_db()
        services.transition(actor=who, dossier=d, action=action, version=d.version)
    d.refresh_from_db()
    services.transition(actor=world.commune_standing, dossier=d, action="forward", version=d.version,
                        to_name="Chủ tịch UBND tỉnh")  # fmt: skip
    child = Dossier.objects.get(parent=d)
    copy = child.candidates.get()
    services.transition(
        actor=world.commune_standing, dossier=child, action="record_result", version=child.version,
        results={copy.pk: {"awarded": True, "decision_number": "1/QĐ-UBND", "decision_date": dt.date(2025, 6, 5)}},
    )  # fmt: skip
    child.refresh_from_db()
    assert child.state == S.CLOSED


def test_create_refuses_an_unknown_movement_and_unit(world):
    api = Api(world.school_officer)
    body = {
        "title": "Theo phong trào",
        "proposer_unit": world.tree["TH1"].pk,
        "deciding_unit": world.tree["XA1"].pk,
    }
    r = api.post(BASE, {**body, "movement": 999999})
    assert r.status_code == 404 and r.json()["detail"] == "Không tìm thấy phong trào thi đua."
    r = api.post(BASE, {**body, "deciding_unit": 999999})
    assert r.status_code == 422 and "đơn vị không tồn tại" in r.json()["detail"]
    r = api.post(BASE, {**body, "proposer_unit": world.tree["TH2"].pk})
    assert r.status_code == 403
    assert not Dossier.objects.exists()


def test_download_of_a_missing_file_is_404_not_500(world):
    d = world.ready()
    att = d.attachments.get(kind="letter")
    att.file.storage.delete(att.file.name)
    r = Api(world.school_officer).get(url(d, f"attachments/{att.pk}"))
    assert r.status_code == 404 and "Tệp không còn trên máy chủ" in r.json()["detail"]
