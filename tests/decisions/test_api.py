"""The decisions API: create, draft from candidates, actions, documents, revocations."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import Api
from thidua.awards.models import AwardRecord
from thidua.decisions.models import Decision


@pytest.fixture
def waiting(nominate, people):
    dossier = nominate.dossier()
    return [nominate.candidate(dossier, people["lan"]), nominate.candidate(dossier, people["mai"])]


def test_candidates_then_draft_sign_issue(
    waiting, tree, province_officer, leader, django_capture_on_commit_callbacks
):
    officer = Api(province_officer)
    listed = officer.get("/api/v1/decisions/candidates", {"issuer": tree["TINH"].pk}).json()
    assert listed["count"] == 2
    assert [i["name"] for i in listed["items"]] == ["Nguyễn Thị Lan", "Lê Thị Mai"]
    r = officer.post(
        "/api/v1/decisions/draft-from-candidates",
        {
            "issuer": tree["TINH"].pk,
            "candidate_ids": [i["id"] for i in listed["items"]],
            "decision_date": "2025-03-15",
        },
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["state"], body["recipient_count"], body["total_prize"], body["full_number"]) == (
        "draft",
        2,
        14_040_000,
        "",
    )
    pk = body["id"]
    boss = Api(leader)
    assert officer.post(f"/api/v1/decisions/{pk}/sign", {}).status_code == 403
    assert boss.post(f"/api/v1/decisions/{pk}/sign", {"version": body["version"]}).json()["state"] == "signed"
    issued = boss.post(f"/api/v1/decisions/{pk}/issue", {}).json()
    assert (issued["state"], issued["full_number"]) == ("issued", "1/QĐ-UBND")
    assert [ln["certificate_number"] for ln in issued["recipients"]] == ["1.001/QĐ-UBND", "1.002/QĐ-UBND"]
    again = boss.post(f"/api/v1/decisions/{pk}/issue", {})
    assert again.status_code == 422
    assert (
        again.json()["detail"]
        == "Quyết định đã được ban hành với số 1/QĐ-UBND ngày 15/03/2025; không ban hành lại."
    )
    docx = boss.get(f"/api/v1/decisions/{pk}/document.docx")
    assert docx.status_code == 200 and docx["Content-Disposition"] == 'attachment; filename="QD-1-2025.docx"'
    with django_capture_on_commit_callbacks(execute=True):  # the task runs after the request's commit
        pending = boss.get(f"/api/v1/decisions/{pk}/certificates.pdf")
    assert pending.status_code == 202 and pending.json()["state"] == "pending"
    pdf = boss.get(f"/api/v1/decisions/{pk}/certificates.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:4] == b"%PDF"


def test_create_by_hand_and_refusals(tree, people, province_officer, leader):
    officer = Api(province_officer)
    empty = officer.post("/api/v1/decisions/", {"issuer": tree["XA1"].pk, "recipients": []})
    assert empty.status_code == 422
    assert empty.json()["detail"] == "Quyết định phải có ít nhất một người hoặc tập thể được khen thưởng."
    twice = {"award_type": "GK", "year": 2024, "person": people["mai"].pk}
    dup = officer.post("/api/v1/decisions/", {"issuer": tree["XA1"].pk, "recipients": [twice, twice]})
    assert dup.status_code == 422 and dup.json()["detail"].startswith(
        "Lê Thị Mai có hai lần Giấy khen năm 2024"
    )
    assert Decision.objects.count() == 0
    ok = officer.post(
        "/api/v1/decisions/",
        {
            "issuer": tree["XA1"].pk,
            "decision_date": "2025-03-10",
            "recipients": [twice, {"award_type": "GK", "year": 2024, "unit": tree["TH1"].pk}],
        },
    )
    assert ok.status_code == 201, ok.json()
    assert [(ln["name"], ln["prize_amount"]) for ln in ok.json()["recipients"]] == [
        ("Lê Thị Mai", 360_000),
        ("Trường Tiểu học Xã Một", 710_000),  # collective 0.3 × 2.340.000 = 702.000 → 710.000
    ]
    assert (
        Api(leader).post("/api/v1/decisions/", {"issuer": tree["XA1"].pk, "recipients": [twice]}).status_code
        == 403
    )


def test_pending_certificates_answer_202(tree, people, province_officer, leader, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # queued, never run
    officer = Api(province_officer)
    d = officer.post(
        "/api/v1/decisions/",
        {
            "issuer": tree["TINH"].pk,
            "decision_date": "2025-03-15",
            "recipients": [{"award_type": "BK_TINH", "year": 2024, "person": people["lan"].pk}],
        },
    ).json()
    boss = Api(leader)
    boss.post(f"/api/v1/decisions/{d['id']}/sign", {})
    boss.post(f"/api/v1/decisions/{d['id']}/issue", {})
    r = boss.get(f"/api/v1/decisions/{d['id']}/certificates.pdf")
    assert r.status_code == 202
    assert r.json() == {
        "state": "pending",
        "detail": "Đã yêu cầu tạo tệp giấy chứng nhận; hãy thử lại sau ít phút.",
    }
    r = boss.get(f"/api/v1/decisions/{d['id']}/certificates.pdf")
    assert (
        r.status_code == 202
        and r.json()["detail"] == "Đang tạo tệp giấy chứng nhận; hãy thử lại sau ít phút."
    )


def test_revocation_api(tree, people, province_officer, leader, commune1_officer):
    officer = Api(province_officer)
    d = officer.post(
        "/api/v1/decisions/",
        {
            "issuer": tree["TINH"].pk,
            "decision_date": "2025-03-15",
            "recipients": [{"award_type": "CSTD_TINH", "year": 2024, "person": people["lan"].pk}],
        },
    ).json()
    Api(leader).post(f"/api/v1/decisions/{d['id']}/sign", {})
    Api(leader).post(f"/api/v1/decisions/{d['id']}/issue", {})
    record = AwardRecord.objects.get()
    body = {
        "awards": [record.pk],
        "reason": "Khai man thành tích",
        "decision_number": "45/QĐ-UBND",
        "decision_date": "2025-06-01",
    }
    assert Api(commune1_officer).post("/api/v1/revocations/", body).status_code == 403
    r = officer.post("/api/v1/revocations/", body)
    assert r.status_code == 201, r.json()
    assert r.json()["lines"] == [
        {
            "award": record.pk,
            "recipient_name": "Nguyễn Thị Lan",
            "award_name": "Chiến sĩ thi đua bộ, ban, ngành, tỉnh",
            "year": 2024,
            "amount_to_recover": 7_020_000,
        }
    ]
    record.refresh_from_db()
    assert record.status == "revoked" and record.revoked_at == dt.date(2025, 6, 1)
    again = officer.post("/api/v1/revocations/", body)
    assert again.status_code == 422 and "đã bị hủy bỏ trước đó" in again.json()["detail"]
    xlsx = officer.get("/api/v1/revocations/recovery.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_patch_with_a_stale_version_is_a_conflict_and_cancel(tree, people, province_officer):
    officer = Api(province_officer)
    d = officer.post(
        "/api/v1/decisions/",
        {
            "issuer": tree["TINH"].pk,
            "decision_date": "2025-03-15",
            "recipients": [{"award_type": "BK_TINH", "year": 2024, "person": people["lan"].pk}],
        },
    ).json()
    ok = officer.patch(
        f"/api/v1/decisions/{d['id']}",
        {"version": d["version"], "symbol": "QĐ-CT", "signer_authority": "kt. chủ tịch"},
    )
    assert (ok.json()["symbol"], ok.json()["signer_authority"], ok.json()["version"]) == (
        "QĐ-CT",
        "KT. CHỦ TỊCH",
        2,
    )
    stale = officer.patch(f"/api/v1/decisions/{d['id']}", {"version": d["version"], "symbol": "QĐ-X"})
    assert stale.status_code == 409
    assert officer.get(f"/api/v1/decisions/{d['id']}").json()["symbol"] == "QĐ-CT"
    cancelled = officer.post(f"/api/v1/decisions/{d['id']}/cancel", {"reason": "Lập nhầm"})
    assert cancelled.json()["state"] == "cancelled"
    again = officer.post(f"/api/v1/decisions/{d['id']}/cancel", {})
    assert again.status_code == 422 and again.json()["detail"] == "Dự thảo đã được hủy trước đó."
