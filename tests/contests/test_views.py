"""The organisers' dashboard and the participants' pages, through the views."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.test import Client
from django.utils import timezone

from tests.contests.conftest import R1_OPEN, register, take
from tests.contests.test_api import open_now
from thidua.contests.models import Attempt, Participant, Question


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_dashboard_shows_the_figures(contest, tree, province_officer, commune1_officer):
    day = R1_OPEN + dt.timedelta(days=1)
    for i in range(3):
        take(register(contest, f"Người {i}", tree["XA1"]), right=10 if i else 4, at=day, prediction=2)
    take(register(contest, "Tự ghi", unit_text="Hội Nông dân"), right=10, at=day + dt.timedelta(days=1))
    page = login(province_officer).get(f"/cuoc-thi-truc-tuyen/{contest.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    figure = lambda key: re.search(rf'id="stat-{key}">([^<]+)<', body)[1]  # noqa: E731
    assert (figure("units"), figure("participants"), figure("attempts"), figure("max"), figure("all-correct")) == (
        "1/3", "4", "4", "3", "3",
    )  # fmt: skip
    assert '<svg class="ct-chart"' in body and "02/03: 3 lượt, 2 đúng tất cả" in body
    assert "Đơn vị khác (tự ghi) 1" in text(page)
    assert "Giải Nhất" in text(page)
    assert login(commune1_officer).get(f"/cuoc-thi-truc-tuyen/{contest.pk}/").status_code == 404
    assert "Chưa có cuộc thi nào trong phạm vi của bạn" in text(
        login(commune1_officer).get("/cuoc-thi-truc-tuyen/")
    )


def test_create_a_contest_and_a_round_on_the_web(tree, province_officer):
    c = login(province_officer)
    r = c.post(
        "/cuoc-thi-truc-tuyen/tao/",
        {"name": "Tìm hiểu Hiến pháp", "organiser": tree["XA1"].pk, "questions_per_attempt": 10,
         "time_limit_minutes": 10, "attempts_per_round": 2},
    )  # fmt: skip
    assert r.status_code == 302
    pk = int(r["Location"].rstrip("/").split("/")[-1])
    c.post(
        f"/cuoc-thi-truc-tuyen/{pk}/dot-thi/",
        {"name": "Tuần 1", "opens_at": "2026-03-01T08:00", "closes_at": "2026-03-08T08:00"},
    )
    r = c.post(
        f"/cuoc-thi-truc-tuyen/{pk}/dot-thi/",
        {"name": "Tuần 1b", "opens_at": "2026-03-05T08:00", "closes_at": "2026-03-09T08:00"},
        follow=True,
    )
    assert "Đợt này trùng thời gian với «Tuần 1»." in text(r)
    r = c.post(f"/cuoc-thi-truc-tuyen/{pk}/trang-thai/", {"status": "open"}, follow=True)
    assert "Chưa thể mở cuộc thi: chưa mời đơn vị nào" in text(r)
    page = text(c.get(f"/cuoc-thi-truc-tuyen/{pk}/"))
    assert (
        "10 câu mỗi lượt, 600 giây, 2 lượt mỗi đợt" in page
        and "Tuần 1: 08:00 01/03/2026 – 08:00 08/03/2026" in page
    )


def test_a_participant_on_the_web(tree):
    contest = open_now(tree)
    c = Client()
    home = f"/cuoc-thi/{contest.slug}/"
    assert "Đăng ký dự thi" in text(c.get(home))
    rules = text(c.get(f"{home}the-le/"))
    assert "Mỗi lượt thi gồm 10 câu hỏi trắc nghiệm" in rules and "2 câu thuộc chủ đề «Chủ đề 1»" in rules
    assert "Thời gian làm mỗi lượt: 10 phút" in rules and "tối đa 3 lượt trong mỗi đợt" in rules
    r = c.post(
        f"{home}dang-ky/",
        {
            "full_name": "Hoàng Văn Nam",
            "phone": "0911222333",
            "birth_date": "12/08/1988",
            "unit": tree["TH1"].pk,
        },
    )
    assert r.status_code == 302
    assert "Xin chào Hoàng Văn Nam" in text(c.get(home))
    r = c.post(f"{home}vao-thi/")
    token = r["Location"].rstrip("/").split("/")[-1]
    page = c.get(r["Location"])
    body = page.content.decode()
    attempt = Attempt.objects.get(token=token)
    assert body.count('class="q"') == 10 and "— đáp án đúng" not in body and "correct" not in body
    # choose A everywhere: single-choice right, multiple-choice wrong (A and C needed)
    data = {f"q{qid}": "0" for qid in attempt.question_ids}
    data["prediction"] = "1.000"
    r = c.post(r["Location"], data)
    assert r.status_code == 302 and r["Location"].endswith(f"/ket-qua/{token}/")
    multi = Question.objects.filter(pk__in=attempt.question_ids, kind="multiple").count()
    result = text(c.get(r["Location"]))
    assert (
        f"{10 - multi}/10 điểm" in result
        and "Dự đoán: 1.000" in result
        and result.count("— đáp án đúng") == 10 + multi
    )
    assert Attempt.objects.get(token=token).prediction == 1000
    mine = text(c.get(f"{home}ket-qua/"))
    assert f"Đợt 1 1 {10 - multi}" in mine


def test_a_forged_cookie_or_someone_elses_attempt_gets_nothing(tree):
    contest = open_now(tree)
    owner = register(contest, "Chủ bài", tree["XA1"])
    attempt = take(owner, right=10, at=timezone.now() - dt.timedelta(minutes=5), seconds=60)
    intruder = Client()
    intruder.cookies[f"tdct{contest.pk}"] = owner.code  # unsigned: ignored
    assert intruder.get(f"/cuoc-thi/{contest.slug}/ket-qua/{attempt.token}/").status_code == 404
    other = Client()
    other.post(
        f"/cuoc-thi/{contest.slug}/dang-ky/",
        {
            "full_name": "Người khác",
            "phone": "0988777666",
            "birth_date": "01/01/1990",
            "unit_text": "Tổ dân phố 3",
        },
    )
    assert Participant.objects.filter(phone="0988777666").exists()
    assert other.get(f"/cuoc-thi/{contest.slug}/ket-qua/{attempt.token}/").status_code == 404
    r = other.post(
        f"/cuoc-thi/{contest.slug}/dang-ky/",
        {"full_name": "Kẻ gian", "phone": str(owner.phone), "birth_date": "02/02/1991", "unit_text": "X"},
    )
    assert r.status_code == 422 and "Số điện thoại hoặc thư điện tử này đã được dùng để đăng ký." in text(r)


def test_a_draft_contest_is_not_public(tree, province_officer):
    from thidua.contests import services

    draft = services.contest_create(actor=None, organiser=tree["TINH"], name="Nháp")
    assert Client().get(f"/cuoc-thi/{draft.slug}/").status_code == 404


def test_question_import_on_the_web(contest, province_officer, commune1_officer):
    from tests.contests.test_api import HEAD, xlsx

    c = login(province_officer)
    before = Question.objects.count()
    bad = xlsx([HEAD, ["Luật", "", "Câu lỗi", "Có", "Không", "", "", "E"]])
    f = io.BytesIO(bad)
    f.name = "cau-hoi.xlsx"
    r = c.post(f"/cuoc-thi-truc-tuyen/{contest.pk}/nhap-cau-hoi/", {"file": f})
    assert r.status_code == 422
    assert "Dòng 2, cột «Đáp án đúng»: Đáp án đúng phải là một trong các phương án đã có." in text(r)
    assert Question.objects.count() == before
    good = io.BytesIO(xlsx([HEAD, ["Luật mới", "", "Câu mới", "Có", "Không", "", "", "B"]]))
    good.name = "cau-hoi.xlsx"
    r = c.post(f"/cuoc-thi-truc-tuyen/{contest.pk}/nhap-cau-hoi/", {"file": good}, follow=True)
    assert "Đã nhập 1 câu hỏi." in text(r) and Question.objects.count() == before + 1
    assert login(commune1_officer).get(f"/cuoc-thi-truc-tuyen/{contest.pk}/nhap-cau-hoi/").status_code == 404
    export = c.get(f"/cuoc-thi-truc-tuyen/{contest.pk}/ket-qua.xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats") and export.content[:2] == b"PK"
