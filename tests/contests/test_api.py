"""The officers' and the participants' contest APIs, as clients see them."""

from __future__ import annotations

import datetime as dt
import io
import json

import python_calamine
import xlsxwriter
from django.db.models import F
from django.test import Client
from django.utils import timezone

from tests.conftest import Api
from tests.contests.conftest import make_contest, register, take
from thidua.contests import services
from thidua.contests.models import Attempt, Contest, Participant, Question, Round

BASE = "/api/v1/contests/"


def xlsx(rows: list[list[object]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Câu hỏi")
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return out.getvalue()


HEAD = [
    "Chủ đề",
    "Loại",
    "Câu hỏi",
    "Phương án A",
    "Phương án B",
    "Phương án C",
    "Phương án D",
    "Đáp án đúng",
]


def test_set_up_a_contest_through_the_api(tree, province_officer):
    api = Api(province_officer)
    r = api.post(
        BASE, {"name": "Tìm hiểu Luật Thi đua", "organiser": tree["TINH"].pk, "questions_per_attempt": 2}
    )
    assert r.status_code == 201, r.json()
    c = r.json()
    assert (c["status"], c["status_label"], c["prizes"][0]) == (
        "draft",
        "Đang soạn",
        {"level": "nhat", "label": "Giải Nhất", "count": 1, "amount": 0, "points": 10},
    )
    cid = c["id"]
    r = api.put(
        f"{BASE}{cid}/invitations", [{"unit": tree["XA1"].pk, "headcount": 50}, {"unit": tree["TH1"].pk}]
    )
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "«Trường Tiểu học Xã Một» đã nằm trong «Xã Một»; chỉ mời đơn vị cấp trên.",
    )
    r = api.put(f"{BASE}{cid}/invitations", [{"unit": tree["XA1"].pk, "headcount": 50}])
    assert r.json() == [{"unit": tree["XA1"].pk, "unit_name": "Xã Một", "headcount": 50}]
    now = timezone.now()
    r = api.post(
        f"{BASE}{cid}/rounds",
        {
            "name": "Tuần 1",
            "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
            "closes_at": (now + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert (r.status_code, r.json()["number"]) == (201, 1)
    topic = api.post(f"{BASE}{cid}/topics", {"name": "Luật", "quota": 1}).json()
    r = api.post(
        f"{BASE}{cid}/questions",
        {"topic": topic["id"], "text": "Câu 1", "options": ["Đúng", "Sai"], "correct": [0]},
    )
    assert r.status_code == 201
    r = api.post(f"{BASE}{cid}/status", {"status": "open"})
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "Chưa thể mở cuộc thi: ngân hàng có 1 câu, ít hơn số câu mỗi lượt (2).",
    )
    file = xlsx(
        [
            HEAD,
            ["Luật", "", "Câu 2", "Có", "Không", "", "", "B"],
            ["Hành chính", "nhiều", "Câu 3", "X", "Y", "Z", "", "A, C"],
        ]
    )
    r = _upload(api, f"{BASE}{cid}/questions/import", file)
    assert (r.status_code, r.json()) == (201, {"created": 2})
    qs = api.get(f"{BASE}{cid}/questions").json()
    assert [(q["text"], q["kind"], q["correct"]) for q in qs] == [
        ("Câu 1", "single", [0]),
        ("Câu 2", "single", [1]),
        ("Câu 3", "multiple", [0, 2]),
    ]
    r = api.post(f"{BASE}{cid}/status", {"status": "open"})
    assert (r.status_code, r.json()["status_label"]) == (200, "Đang mở")
    r = api.patch(f"{BASE}{cid}", {"version": 1, "name": "Tên cũ"})
    assert (r.status_code, r.json()["code"]) == (409, "conflict")


def _upload(api: Api, url: str, data: bytes, name: str = "cau-hoi.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return api.client.post(url, {"file": f}, headers=api.headers)


def test_a_bad_question_file_is_refused_whole(contest, province_officer):
    api = Api(province_officer)
    before = Question.objects.count()
    file = xlsx(
        [
            HEAD,
            ["Luật", "", "Câu tốt", "Có", "Không", "", "", "A"],
            ["Luật", "một", "Câu hai đáp án", "Có", "Không", "", "", "A, B"],
            ["", "", "Thiếu chủ đề", "Có", "Không", "", "", "A"],
            ["Luật", "", "Đáp án lạ", "Có", "Không", "", "", "E"],
            ["Luật", "vài", "Loại lạ", "Có", "", "Ba", "", "Z"],
        ]
    )
    r = _upload(api, f"{BASE}{contest.pk}/questions/import", file)
    body = r.json()
    assert r.status_code == 422
    assert body["detail"] == "Tệp có 6 lỗi; chưa nhập dòng nào. Hãy sửa các lỗi dưới đây rồi tải lên lại."
    assert body["errors"] == [
        {
            "row": 3,
            "column": "Đáp án đúng",
            "message": "Câu hỏi chọn một đáp án phải có đúng một đáp án đúng.",
        },
        {"row": 4, "column": "Chủ đề", "message": "Không được để trống."},
        {"row": 5, "column": "Đáp án đúng", "message": "Đáp án đúng phải là một trong các phương án đã có."},
        {"row": 6, "column": "Phương án C", "message": "Các phương án phải điền liền nhau từ A."},
        {
            "row": 6,
            "column": "Đáp án đúng",
            "message": "Ghi chữ cái của phương án đúng, ví dụ «B» hoặc «A, C».",
        },
        {"row": 6, "column": "Loại", "message": "Loại phải là «một» hoặc «nhiều»."},
    ]
    r = _upload(api, f"{BASE}{contest.pk}/questions/import", b"not a zip")
    assert r.json()["detail"] == "Tệp không phải tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng."
    r = _upload(api, f"{BASE}{contest.pk}/questions/import", xlsx([["Tên", "Tuổi"], ["a", 1]]))
    assert (
        r.json()["detail"]
        == "Tệp thiếu cột bắt buộc: Chủ đề, Câu hỏi, Phương án A, Phương án B, Đáp án đúng. Hãy dùng tệp mẫu."
    )
    assert Question.objects.count() == before
    template = Api(province_officer).get(f"{BASE}questions/import-template")
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(template.content))
        .get_sheet_by_name("Câu hỏi")
        .to_python()
    )
    assert rows[0][:3] == ["Chủ đề", "Loại", "Câu hỏi"]


def test_scope_refusals(contest, tree, commune1_officer, viewer):
    other = Api(commune1_officer)  # XA1's officer: contest belongs to TINH
    assert other.get(f"{BASE}{contest.pk}").json()["detail"] == "Không tìm thấy cuộc thi."
    assert other.get(f"{BASE}{contest.pk}/stats").status_code == 404
    assert other.get(BASE).json() == []
    r = other.post(BASE, {"name": "Của tỉnh", "organiser": tree["TINH"].pk})
    assert (r.status_code, r.json()["detail"]) == (403, "Bạn không có quyền quản lý cuộc thi của đơn vị này.")
    assert not Contest.objects.filter(name="Của tỉnh").exists()


def test_statistics_leaderboard_prizes_and_export(contest, tree, province_officer):
    day = Round.objects.get(contest=contest, number=1).opens_at + dt.timedelta(days=1)
    a = register(contest, "Nguyễn Văn An", tree["XA1"])
    b = register(contest, "Trần Thị Bình", tree["SNV"])
    take(a, right=10, at=day, seconds=100, prediction=1)
    take(b, right=10, at=day, seconds=90, prediction=5)
    take(b, right=6, at=day + dt.timedelta(hours=1))
    api = Api(province_officer)
    s = api.get(f"{BASE}{contest.pk}/stats").json()
    assert (s["invited_units"], s["units_with_participants"], s["participants"], s["attempts"]) == (
        3,
        2,
        2,
        3,
    )
    assert (s["max_score_participants"], s["all_correct_attempts"]) == (2, 2)
    assert s["per_day"] == [{"day": "2026-03-02", "attempts": 3, "all_correct": 2}]
    board = api.get(f"{BASE}{contest.pk}/leaderboard", {"round": 1}).json()
    assert [(e["full_name"], e["rank"], e["prediction_gap"]) for e in board] == [
        ("Nguyễn Văn An", 1, 1),  # 2 fully correct: An predicted 1 (gap 1), Bình 5 (gap 3)
        ("Trần Thị Bình", 2, 3),
    ]
    prizes = api.get(f"{BASE}{contest.pk}/prizes").json()
    assert [(w["level_label"], w["full_name"], w["unit_name"]) for w in prizes["individuals"]] == [
        ("Giải Nhất", "Nguyễn Văn An", "Xã Một"),
        ("Giải Nhì", "Trần Thị Bình", "Sở Nội vụ"),
    ]
    r = api.get(f"{BASE}{contest.pk}/results.xlsx")
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    rows = book.get_sheet_by_name("Giải cá nhân").to_python()
    assert rows[1][:6] == ["Giải Nhất", "Toàn cuộc thi", 1.0, "Nguyễn Văn An", "Xã Một", 10.0]
    assert rows[1][8] == "1 phút 40,0 giây"
    units = book.get_sheet_by_name("Theo đơn vị").to_python()
    assert units[1:] == [
        ["Sở Nội vụ", 1.0, 2.0, 4.0, 25.0],
        ["Xã Một", 1.0, 1.0, 10.0, 10.0],
        ["Xã Hai", 0.0, 0.0, "", ""],
    ]


# --- participants --------------------------------------------------------------------------


def open_now(tree) -> Contest:
    contest = make_contest(tree)
    now = timezone.now()
    Round.objects.filter(contest=contest, number=1).update(
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=1)
    )
    Round.objects.filter(contest=contest, number=2).update(
        opens_at=now + dt.timedelta(days=2), closes_at=now + dt.timedelta(days=3)
    )
    # rounds moved behind the services' back: bump the set-up version as they would
    Contest.objects.filter(pk=contest.pk).update(bank_version=F("bank_version") + 1)
    contest.refresh_from_db()
    return contest


def post(client: Client, url: str, body: dict, code: str | None = None, **extra):
    headers = {"X-Participant-Code": code} if code else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers, **extra)


def test_a_participant_takes_an_attempt_through_the_public_api(tree):
    contest = open_now(tree)
    client = Client()
    pub = f"/api/v1/public/contests/{contest.slug}"
    info = client.get(pub).json()
    assert [u["name"] for u in info["units"]] == [
        "Sở Nội vụ",
        "Xã Một",
        "Trường Tiểu học Xã Một",
        "Xã Hai",
        "Trường Tiểu học Xã Hai",
    ]
    r = post(
        client,
        f"{pub}/participants",
        {
            "full_name": "Lê Thị Cúc",
            "phone": "0901234567",
            "birth_date": "1995-02-03",
            "unit": tree["TH2"].pk,
        },
    )
    assert r.status_code == 201, r.json()
    code = r.json()["code"]
    r = post(client, f"{pub}/attempts", {})
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "Bạn chưa đăng ký dự thi hoặc mã thí sinh không đúng.",
    )
    started = post(client, f"{pub}/attempts", {}, code).json()
    assert len(started["questions"]) == 10 and 590 <= started["seconds_left"] <= 600
    text = json.dumps(started)
    assert "correct" not in text and "mask" not in text  # no answer leaves the server before the submit
    answers = {q["id"]: [0] for q in started["questions"]}
    result = post(
        client, f"{pub}/attempts/{started['token']}/submit", {"answers": answers, "prediction": 3}, code
    ).json()
    multi = sum(1 for q in started["questions"] if q["kind"] == "multiple")
    assert (result["status"], result["score"], result["counted_now"]) == ("submitted", 10 - multi, True)
    again = post(client, f"{pub}/attempts/{started['token']}/submit", {"answers": {}}, code).json()
    assert (again["score"], again["counted_now"], again["status_label"]) == (10 - multi, False, "Đã nộp")
    assert Attempt.objects.filter(participant__code=code, status="submitted").count() == 1
    assert services.tally_pending(contest) == 1
    assert Participant.objects.get(code=code).attempt_count == 1
    mine = client.get(f"{pub}/attempts", headers={"X-Participant-Code": code}).json()
    assert [m["score"] for m in mine] == [10 - multi]


def test_public_api_refusals(tree):
    contest = open_now(tree)
    client = Client()
    pub = f"/api/v1/public/contests/{contest.slug}"
    a = register(contest, "An", tree["XA1"])
    b = register(contest, "Bình", tree["XA1"])
    started = post(client, f"{pub}/attempts", {}, a.code).json()
    foreign = Question.objects.exclude(pk__in=[q["id"] for q in started["questions"]]).first().pk
    r = post(client, f"{pub}/attempts/{started['token']}/submit", {"answers": {foreign: [0]}}, a.code)
    assert (r.status_code, r.json()["detail"]) == (422, f"Câu hỏi mã {foreign} không thuộc lượt thi này.")
    r = post(client, f"{pub}/attempts/{started['token']}/submit", {"answers": {}}, b.code)
    assert (r.status_code, r.json()["detail"]) == (404, "Không tìm thấy lượt thi.")
    r = post(client, f"{pub}/attempts/{started['token']}/submit", {"answers": "rác"}, a.code)
    assert r.status_code == 422 and r.json()["detail"].startswith("Dữ liệu gửi lên không hợp lệ")
    assert Attempt.objects.get(token=started["token"]).status == "active"
    for i in range(30):
        post(
            client,
            f"{pub}/participants",
            {
                "full_name": f"Người {i}",
                "phone": f"07{i:08d}",
                "birth_date": "1990-01-01",
                "unit_text": "Khác",
            },
            REMOTE_ADDR="198.51.100.7",
        )
    r = post(
        client,
        f"{pub}/participants",
        {"full_name": "Người 31", "phone": "0799999999", "birth_date": "1990-01-01", "unit_text": "Khác"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert (r.status_code, r.json()["code"]) == (429, "rate_limited")
    assert not Participant.objects.filter(phone="0799999999").exists()
    services.contest_set_status(actor=None, contest=contest, status="closed")
    r = post(client, f"{pub}/attempts/{started['token']}/submit", {"answers": {}}, a.code)
    assert r.status_code == 200  # an attempt running at closing is still judged by its own deadline
    assert client.get("/api/v1/public/contests/khong-co").json()["detail"] == "Không tìm thấy cuộc thi."


def test_contest_list_query_count_does_not_grow(tree, province_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = Api(province_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(BASE).status_code == 200
        return len(ctx.captured_queries)

    services.contest_create(actor=None, organiser=tree["TINH"], name="Một")
    count()  # the first call of a token also records its use
    one = count()
    services.contest_create(actor=None, organiser=tree["XA1"], name="Hai")
    services.contest_create(actor=None, organiser=tree["XA2"], name="Ba")
    assert count() == one
    assert [c["name"] for c in api.get(BASE).json()] == ["Ba", "Hai", "Một"]


def test_prize_recipients_service_for_the_decisions_app(contest, tree):
    day = Round.objects.get(contest=contest, number=1).opens_at + dt.timedelta(days=1)
    take(register(contest, "Nguyễn Văn An", tree["TH1"]), right=10, at=day, prediction=1)
    rows = services.contest_prize_recipients(contest)
    assert len(rows) == 1
    row = rows[0]
    assert (row["level"], row["level_label"], row["rank"], row["full_name"], row["unit_id"], row["unit_name"]) == (
        "nhat", "Giải Nhất", 1, "Nguyễn Văn An", tree["TH1"].pk, "Trường Tiểu học Xã Một",
    )  # fmt: skip
