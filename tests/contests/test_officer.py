"""Organisers' tools: unit prizes by points, disqualification for false data,
question edits, the statistics fold's cost, and their web pages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_user
from tests.contests.conftest import R1_OPEN, R2_OPEN, make_contest, register, take
from thidua.accounts.enums import Role
from thidua.contests import ranking, selectors, services
from thidua.contests.models import Question
from thidua.core.errors import DomainError, PermissionDenied
from thidua.core.models import AuditEntry
from thidua.directory import services as directory

T = R1_OPEN + dt.timedelta(hours=2)
PRIZES = [
    {"label": "Giải Nhất", "level": "nhat", "count": 1, "amount": 3_000_000, "points": 10},
    {"label": "Giải Nhì", "level": "nhi", "count": 1, "amount": 2_000_000, "points": 5},
]


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def points_contest(tree):
    """Units by points, 0,2 point per 1% of participation; Nhất 10 points, Nhì 5.

    Xã Một (headcount 10): An 10/10 (Nhất), Bảo 5 → 20% → 4 + 10 = 14
    Sở Nội vụ (headcount 4): Cúc 9 (Nhì), Dương 4, Én 4 → 75% → 15 + 5 = 20
    Xã Hai (2 people in the directory): Phong 3 → 50% → 10 + 0 = 10
    By rate the order would be Sở Nội vụ, Xã Hai, Xã Một; by points Xã Một is second."""
    contest = make_contest(
        tree,
        prizes=PRIZES,
        collective_prize_count=2,
        collective_basis="points",
        points_per_percent=Decimal("0.2"),
    )
    for name in ("Người Một", "Người Hai"):
        directory.person_create(actor=None, full_name=name, gender="male", unit=tree["TH2"])
    people = {
        "An": register(contest, "Nguyễn Văn An", tree["TH1"]),
        "Bảo": register(contest, "Trần Văn Bảo", tree["XA1"]),
        "Cúc": register(contest, "Lê Thị Cúc", tree["SNV"]),
        "Dương": register(contest, "Phạm Văn Dương", tree["SNV"]),
        "Én": register(contest, "Hồ Thị Én", tree["SNV"]),
        "Phong": register(contest, "Vũ Văn Phong", tree["TH2"]),
    }
    for i, (key, right) in enumerate(
        (("An", 10), ("Cúc", 9), ("Bảo", 5), ("Dương", 4), ("Én", 4), ("Phong", 3))
    ):
        take(people[key], right=right, at=T + dt.timedelta(minutes=i))
    services.tally_pending(contest)
    return contest, people


def test_unit_points_from_participation_and_individual_winners(points_contest, province_officer):
    contest, _ = points_contest
    page = text(login(province_officer).get(f"/cuoc-thi-truc-tuyen/{contest.pk}/"))
    assert "Điểm đơn vị: 0,20 điểm mỗi 1% người tham gia; Giải Nhất: 10 điểm; Giải Nhì: 5 điểm" in page
    assert "1 Sở Nội vụ 3 75% 1 20,00 2 Xã Một 2 20% 1 14,00" in page
    rows = ranking.unit_points(contest)
    assert [(r["unit"].code, r["participants"], r["winners"], r["points"]) for r in rows] == [
        ("SNV", 3, 1, Decimal("20.00")),
        ("XA1", 2, 1, Decimal("14.00")),
        ("XA2", 1, 0, Decimal("10.00")),
    ]
    won = ranking.allocate(contest).collectives
    assert [(w.unit.code, w.rank, w.points) for w in won] == [
        ("SNV", 1, Decimal("20.00")),
        ("XA1", 2, Decimal("14.00")),
    ]
    # The same contest by rate gives the second prize to Xã Hai instead.
    services.contest_update(actor=None, contest=contest, collective_basis="rate")
    contest.refresh_from_db()
    assert [w.unit.code for w in ranking.allocate_collective(contest)] == ["SNV", "XA2"]


def test_disqualification_passes_the_prizes_on_and_is_reversible(points_contest, province_officer):
    contest, people = points_contest
    an = people["An"]
    with pytest.raises(DomainError, match="Lý do loại không được để trống"):
        services.participant_disqualify(actor=province_officer, participant=an, reason="  ")
    services.participant_disqualify(actor=province_officer, participant=an, reason="Khai sai đơn vị công tác")
    allocation = ranking.allocate(contest)
    assert [(w.label, w.entry.full_name) for w in allocation.individuals] == [
        ("Giải Nhất", "Lê Thị Cúc"),
        ("Giải Nhì", "Trần Văn Bảo"),
    ]
    # Xã Một loses An's participation and his prize: 10% → 2 + Bảo's Nhì 5 = 7.
    assert [(w.unit.code, w.points) for w in allocation.collectives] == [
        ("SNV", Decimal("25.00")),
        ("XA2", Decimal("10.00")),
    ]
    assert "Nguyễn Văn An" not in [e.full_name for e in ranking.leaderboard(contest)]
    # Participation statistics keep him: he took part.
    stats = selectors.contest_stats(contest)
    assert (stats.participants, stats.attempts, stats.max_score_participants) == (6, 6, 1)
    with pytest.raises(DomainError, match="đã bị loại trước đó"):
        services.participant_disqualify(actor=province_officer, participant=an, reason="Lần hai")
    services.participant_reinstate(actor=province_officer, participant=an, note="Đã xác minh lại")
    assert ranking.allocate(contest).individuals[0].entry.full_name == "Nguyễn Văn An"
    trail = list(
        AuditEntry.objects.filter(action__in=["contests.disqualify", "contests.reinstate"]).order_by("pk")
    )
    assert [(e.action, e.after.get("reason") or e.after.get("note")) for e in trail] == [
        ("contests.disqualify", "Khai sai đơn vị công tác"),
        ("contests.reinstate", "Đã xác minh lại"),
    ]


def test_only_the_organisers_disqualify(points_contest, tree):
    _, people = points_contest
    outsider = make_user("canbo", Role.STANDING_OFFICER, tree["XA1"])
    with pytest.raises(PermissionDenied):
        services.participant_disqualify(actor=outsider, participant=people["An"], reason="Khai man")
    people["An"].refresh_from_db()
    assert people["An"].disqualified_at is None


def test_fold_returns_early_without_a_lock_when_nothing_is_pending(contest, tree):
    p = register(contest, "Nguyễn Văn An", tree["XA1"])
    take(p, right=10, at=T)
    with CaptureQueriesContext(connection) as folding:
        assert services.tally_pending(contest) == 1
    assert any("FOR UPDATE" in q["sql"] for q in folding.captured_queries) or connection.vendor == "sqlite"
    with CaptureQueriesContext(connection) as idle:
        assert services.tally_pending(contest) == 0
    assert len(idle) == 1  # one EXISTS on the partial index, no lock, no batch read
    assert "FOR UPDATE" not in idle.captured_queries[0]["sql"]


def test_the_dashboard_folds_once(contest, tree, province_officer):
    take(register(contest, "Nguyễn Văn An", tree["XA1"]), right=10, at=T)
    services.tally_pending(contest)
    with CaptureQueriesContext(connection) as page:
        assert login(province_officer).get(f"/cuoc-thi-truc-tuyen/{contest.pk}/").status_code == 200
    pending_checks = [q for q in page.captured_queries if "pending_tally" in q["sql"]]
    assert len(pending_checks) == 1


def test_question_edit_rules(contest, tree):
    question = Question.objects.filter(contest=contest).first()
    # No attempt yet: anything may change.
    services.question_update(
        actor=None, question=question, text="Câu hỏi đã sửa", options=["Một", "Hai", "Ba"], correct=[2]
    )
    question.refresh_from_db()
    assert (question.text, question.options, question.correct_mask) == (
        "Câu hỏi đã sửa",
        ["Một", "Hai", "Ba"],
        4,
    )
    take(register(contest, "Nguyễn Văn An", tree["XA1"]), right=10, at=T)
    with pytest.raises(DomainError, match="chỉ sửa được lời văn"):
        services.question_update(
            actor=None, question=question, text="Khác", options=["Một", "Hai"], correct=[0]
        )
    services.question_update(
        actor=None, question=question, text="Lời văn mới", options=["Một", "Hai", "Ba"], correct=[2]
    )
    question.refresh_from_db()
    assert (question.text, question.correct_mask) == ("Lời văn mới", 4)
    # Drawn already: removing only takes it out of future draws.
    assert services.question_delete(actor=None, question=question) == "deactivated"
    question.refresh_from_db()
    assert question.active is False


def test_an_unused_question_is_deleted(tree):
    contest = make_contest(tree)
    extra = services.question_create(
        actor=None, topic=contest.topics.first(), text="Câu thêm", options=["Có", "Không"], correct=[0]
    )
    assert services.question_delete(actor=None, question=extra) == "deleted"
    assert not Question.objects.filter(pk=extra.pk).exists()


# --- pages -----------------------------------------------------------------------------------


def test_settings_page_edits_the_prize_table(contest, province_officer):
    c = login(province_officer)
    url = f"/cuoc-thi-truc-tuyen/{contest.pk}/thiet-lap/"
    page = c.get(url)
    assert page.status_code == 200 and "Cơ cấu giải cá nhân" in text(page)
    form = {
        "name": contest.name,
        "description": "",
        "questions_per_attempt": contest.questions_per_attempt,
        "time_limit_seconds": contest.time_limit_seconds,
        "attempts_per_round": contest.attempts_per_round,
        "prediction_question": "Có bao nhiêu người trả lời đúng tất cả?",
        "collective_prize_count": 3,
        "collective_basis": "points",
        "collective_prize_label": "Giải tập thể",
        "collective_prize_amount": 1_000_000,
        "points_per_percent": "0.5",
        "version": contest.version,
        "prize_0_label": "Giải Đặc biệt",
        "prize_0_count": 1,
        "prize_0_amount": 5_000_000,
        "prize_0_points": 20,
        "prize_1_label": "Giải Nhất",
        "prize_1_level": "nhat",
        "prize_1_count": 2,
        "prize_1_amount": 2_000_000,
        "prize_1_points": 10,
    }
    r = c.post(url, form)
    assert r.status_code == 302, text(r)
    contest.refresh_from_db()
    assert contest.prizes == [
        {"level": "giai-dac-biet", "label": "Giải Đặc biệt", "count": 1, "amount": 5_000_000, "points": 20},
        {"level": "nhat", "label": "Giải Nhất", "count": 2, "amount": 2_000_000, "points": 10},
    ]
    assert (contest.prediction_question, contest.collective_basis, contest.points_per_percent) == (
        "Có bao nhiêu người trả lời đúng tất cả?",
        "points",
        Decimal("0.5"),
    )
    # A stale form (someone saved in between) is refused, nothing changes.
    r = c.post(url, {**form, "prize_0_count": 7})
    assert r.status_code == 422 and "vừa được người khác sửa" in text(r)
    contest.refresh_from_db()
    assert contest.prizes[0]["count"] == 1


def test_question_pages(contest, province_officer, commune1_officer):
    c = login(province_officer)
    question = Question.objects.filter(contest=contest).order_by("pk").first()
    listing = c.get(f"/cuoc-thi-truc-tuyen/{contest.pk}/cau-hoi/")
    assert listing.status_code == 200 and question.text in text(listing)
    edit = f"/cuoc-thi-truc-tuyen/{contest.pk}/cau-hoi/{question.pk}/"
    assert "Phương án A" in text(c.get(edit))
    r = c.post(
        edit,
        {"topic": question.topic_id, "kind": "single", "text": "Câu hỏi viết lại", "option_0": "Đúng",
         "option_1": "Sai", "correct_0": "on"},
    )  # fmt: skip
    assert r.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.options, question.correct_mask) == (
        "Câu hỏi viết lại",
        ["Đúng", "Sai"],
        1,
    )
    r = c.post(
        edit,
        {
            "topic": question.topic_id,
            "kind": "single",
            "text": "Không đáp án",
            "option_0": "A1",
            "option_1": "B1",
        },
    )
    assert r.status_code == 422 and "Chưa chọn đáp án đúng" in text(r)
    r = c.post(f"/cuoc-thi-truc-tuyen/{contest.pk}/cau-hoi/{question.pk}/xoa/")
    assert r.status_code == 302 and not Question.objects.filter(pk=question.pk).exists()
    # Outside the organiser's scope: 404, nothing changed.
    other = Question.objects.filter(contest=contest).first()
    assert (
        login(commune1_officer).post(f"/cuoc-thi-truc-tuyen/{contest.pk}/cau-hoi/{other.pk}/xoa/").status_code
        == 404
    )
    assert Question.objects.filter(pk=other.pk).exists()


def test_leaderboard_per_round_and_the_disqualify_button(contest, tree, province_officer):
    an = register(contest, "Nguyễn Văn An", tree["XA1"])
    binh = register(contest, "Trần Thị Bình", tree["XA2"])
    take(an, right=10, at=T)
    take(binh, right=6, at=T)
    take(binh, right=9, at=R2_OPEN + dt.timedelta(hours=1))
    c = login(province_officer)
    base = f"/cuoc-thi-truc-tuyen/{contest.pk}/xep-hang/"
    overall = text(c.get(base))
    assert overall.index("Nguyễn Văn An") < overall.index("Trần Thị Bình")
    round2 = c.get(base + "?dot=2")
    assert (
        "Đợt 2" in text(round2)
        and "Nguyễn Văn An" not in text(round2)
        and "Trần Thị Bình Xã Hai 9 " in text(round2)
    )
    assert c.get(base + "?dot=9").status_code == 404
    r = c.post(
        f"/cuoc-thi-truc-tuyen/{contest.pk}/thi-sinh/{an.pk}/loai/",
        {"reason": "Khai man ngày sinh", "dot": ""},
    )
    assert r.status_code == 302
    page = text(c.get(base))
    assert "Thí sinh bị loại (1)" in page and "Khai man ngày sinh" in page
    board = page.split("Loại vì khai man")[1].split("Thí sinh bị loại")[0]
    assert "Trần Thị Bình" in board and "Nguyễn Văn An" not in board
    c.post(f"/cuoc-thi-truc-tuyen/{contest.pk}/thi-sinh/{an.pk}/khoi-phuc/", {"dot": "1"})
    an.refresh_from_db()
    assert an.disqualified_at is None


def test_prize_decision_page(contest, tree, province_officer):
    services.contest_update(
        actor=None, contest=contest, prizes=[{"label": "Giải Nhất", "count": 1, "amount": 1_000_000}]
    )
    directory.person_create(
        actor=None, full_name="Nguyễn Văn An", gender="male", unit=tree["XA1"], birth_date=dt.date(1990, 1, 1)
    )
    twin = directory.person_create(actor=None, full_name="Nguyễn Văn An", gender="male", unit=tree["TH1"])
    an = register(contest, "Nguyễn Văn An", tree["XA1"])
    take(an, right=10, at=T)
    c = login(province_officer)
    url = f"/cuoc-thi-truc-tuyen/{contest.pk}/quyet-dinh-trao-giai/"
    page = c.get(url)
    assert page.status_code == 200
    assert "1 người đạt giải trùng tên với nhiều hồ sơ" in text(page)
    assert "chưa có ngày sinh" in text(page) and "1.000.000 đồng" in text(page)
    r = c.post(url, {"budget_source": "Ngân sách tỉnh"})
    assert r.status_code == 422 and "có 2 người trùng tên, hãy chọn" in text(r)
    r = c.post(url, {f"person_{an.pk}": str(twin.pk), "budget_source": "Ngân sách tỉnh"})
    assert r.status_code == 302 and r["Location"].startswith("/quyet-dinh")
    contest.refresh_from_db()
    decision = contest.prize_decision
    assert decision.recipients.get().person == twin and decision.budget_source == "Ngân sách tỉnh"
    again = c.get(url)
    assert "đã có dự thảo quyết định trao giải" in text(again)


def test_disqualify_and_draft_the_prize_decision_through_the_api(
    points_contest, province_officer, commune1_officer
):
    from tests.conftest import Api

    contest, people = points_contest
    api = Api(province_officer)
    base = f"/api/v1/contests/{contest.pk}"
    r = api.post(f"{base}/participants/{people['An'].pk}/disqualify", {"reason": ""})
    assert r.status_code == 422 and "Lý do loại" in r.json()["detail"]
    r = api.post(f"{base}/participants/{people['An'].pk}/disqualify", {"reason": "Khai man đơn vị"})
    assert r.status_code == 200 and r.json()["disqualified"] is True
    prizes = api.get(f"{base}/prizes").json()
    assert [(w["level_label"], w["full_name"], w["amount"]) for w in prizes["individuals"]] == [
        ("Giải Nhất", "Lê Thị Cúc", 3_000_000),
        ("Giải Nhì", "Trần Văn Bảo", 2_000_000),
    ]
    assert [(u["unit_name"], u["points"]) for u in prizes["collectives"]] == [
        ("Sở Nội vụ", 25.0),
        ("Xã Hai", 10.0),
    ]
    preview = api.get(f"{base}/prize-decision/preview").json()
    assert [(ln["kind"], ln["name"], ln["match"], ln["gender_hint"]) for ln in preview] == [
        ("individual", "Lê Thị Cúc", "new", "female"),
        ("individual", "Trần Văn Bảo", "new", "male"),
        ("collective", "Sở Nội vụ", "collective", ""),
        ("collective", "Xã Hai", "collective", ""),
    ]
    assert Api(commune1_officer).post(f"{base}/prize-decision", {}).status_code == 404
    r = api.post(f"{base}/prize-decision", {"budget_source": "Ngân sách tỉnh"})
    assert r.status_code == 201, r.json()
    assert (r.json()["recipients"], r.json()["total"]) == (4, 5_000_000)  # 3 + 2 triệu; tập thể 0 đồng
    again = api.post(f"{base}/prize-decision", {})
    assert again.status_code == 422 and "Muốn lập lại, hãy hủy dự thảo đó trước" in again.json()["detail"]


def test_the_background_fold_is_queued_at_most_once_a_minute(
    contest, tree, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.delete(f"contests:fold:{contest.pk}")
    take(register(contest, "Nguyễn Văn An", tree["XA1"]), right=10, at=T)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert services.fold_soon(contest) is True
        assert services.fold_soon(contest) is False  # within the minute: nothing more queued
    assert len(queued) == 1
    # The task ran (inline in tests) and folded the submission: nothing left for the dashboard.
    with CaptureQueriesContext(connection) as idle:
        assert services.tally_pending(contest) == 0
    assert len(idle) == 1
    assert selectors.contest_stats(contest).attempts == 1


def test_contest_tally_command_folds_open_contests(contest, tree):
    import io

    from django.core.management import call_command

    take(register(contest, "Nguyễn Văn An", tree["XA1"]), right=10, at=T)
    take(register(contest, "Trần Thị Bình", tree["XA2"]), right=3, at=T)
    out = io.StringIO()
    call_command("contest_tally", stdout=out)
    assert "Đã cộng 2 lượt thi vào số liệu." in out.getvalue()
    assert services.tally_pending(contest) == 0


def test_rules_page_states_the_prize_money_and_the_points(points_contest):
    contest, _ = points_contest
    page = text(Client().get(f"/cuoc-thi/{contest.slug}/the-le/"))
    assert "1 Giải Nhất (mỗi giải 3.000.000 đồng), 1 Giải Nhì (mỗi giải 2.000.000 đồng)" in page
    assert "mỗi 1% người của đơn vị tham gia được 0,20 điểm" in page
    assert "10 điểm (Giải Nhất), 5 điểm (Giải Nhì)" in page


def test_the_attempt_page_reads_the_cached_bank(tree):
    from tests.contests.test_api import open_now

    contest = open_now(tree)
    c = Client()
    home = f"/cuoc-thi/{contest.slug}/"
    c.post(
        f"{home}dang-ky/",
        {
            "full_name": "Hoàng Văn Nam",
            "phone": "0911222333",
            "birth_date": "12/08/1988",
            "unit": tree["TH1"].pk,
        },
    )
    location = c.post(f"{home}vao-thi/")["Location"]
    with CaptureQueriesContext(connection) as warm:
        page = c.get(location)
    assert page.content.decode().count('class="q"') == 10
    assert not [q for q in warm.captured_queries if '"contests_question"' in q["sql"]]
    # A question taken out of the bank after the draw still shows (read from its row).
    token = location.rstrip("/").split("/")[-1]
    from thidua.contests.models import Attempt

    drawn = Question.objects.get(pk=Attempt.objects.get(token=token).question_ids[0])
    services.question_delete(actor=None, question=drawn)
    body = c.get(location).content.decode()
    assert body.count('class="q"') == 10 and drawn.text in body
