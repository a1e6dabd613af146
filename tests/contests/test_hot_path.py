"""The closing-hour path stays lean: a start and a submit through the
participants' API each cost a fixed, small number of queries and one
transaction commit — nothing shared is written (no session, no counter row)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.contests.conftest import R1_OPEN, register, take
from thidua.contests.models import Attempt, Participant, Question

pytestmark = pytest.mark.django_db


def test_start_and_submit_query_budget(client, contest, tree, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: R1_OPEN + dt.timedelta(hours=1))
    p = register(contest, "Nguyễn Văn An", tree["XA1"])
    pub = f"/api/v1/public/contests/{contest.slug}"
    headers = {"X-Participant-Code": p.code}
    with CaptureQueriesContext(connection) as start_q:
        started = client.post(f"{pub}/attempts", {}, content_type="application/json", headers=headers)
    assert started.status_code == 201, started.content
    body = started.json()
    answers = {str(q["id"]): [0] for q in body["questions"]}
    with CaptureQueriesContext(connection) as submit_q:
        done = client.post(
            f"{pub}/attempts/{body['token']}/submit",
            {"answers": answers, "prediction": 5},
            content_type="application/json",
            headers=headers,
        )
    assert done.status_code == 200, done.content
    # start: participant + contest, the participant's attempts, the INSERT
    assert len(start_q) == 3, [q["sql"] for q in start_q.captured_queries]
    # submit: attempt + owner + contest in one read, the compare-and-set UPDATE
    assert len(submit_q) == 2, [q["sql"] for q in submit_q.captured_queries]
    result = done.json()
    assert (result["counted_now"], result["question_count"]) == (True, 10)
    stored = Attempt.objects.get(token=body["token"])
    # every single-choice question answered A is right; topic 4's (A and C) are not
    single = Question.objects.filter(pk__in=stored.question_ids, kind="single").count()
    assert stored.status == "submitted" and stored.score == result["score"] == single
    assert stored.answers == [1] * 10 and stored.prediction == 5 and stored.pending_tally


def test_hot_path_reads_convert_like_the_orm(contest, tree):
    """The hand-written reads give the same values as the ORM (aware datetimes,
    JSON lists, booleans), on SQLite as on PostgreSQL."""
    from thidua.contests import services

    p = register(contest, "Trần Thị Bình", tree["XA2"])
    now = R1_OPEN + dt.timedelta(days=2)
    started = services.attempt_start(
        participant=services.participant_for_public(contest.slug, p.code), now=now
    )
    again = services.participant_for_public(contest.slug, p.code)
    assert again.pk == p.pk and again.contest.bank_version == contest.bank_version
    assert again.contest.time_limit_seconds == 600 and again.disqualified_at is None
    orm = Attempt.objects.get(pk=started.pk)
    assert (orm.started_at, orm.deadline, orm.question_ids) == (now, started.deadline, started.question_ids)
    assert services.participant_for_public(contest.slug, "không-có") is None
    assert services.participant_for_public("khac", p.code) is None


def test_disqualified_participant_cannot_start(contest, tree):
    from thidua.contests import services
    from thidua.core.errors import DomainError

    p = register(contest, "Lê Văn Cường", tree["XA1"])
    Participant.objects.filter(pk=p.pk).update(disqualified_at=R1_OPEN, disqualified_reason="Khai sai đơn vị")
    with pytest.raises(DomainError, match="bị loại"):
        services.attempt_start(
            participant=services.participant_for_public(contest.slug, p.code),
            now=R1_OPEN + dt.timedelta(hours=1),
        )


def test_a_counted_submit_queues_the_background_fold_when_a_worker_runs(
    contest, tree, monkeypatch, django_capture_on_commit_callbacks
):
    """With a task worker the counters are folded in the background, queued by the
    submits at most once a minute; with the immediate backend (tests, CLI) the submit
    never folds inline — the readers and ``thidua contest_tally`` do."""
    from django.core.cache import cache

    from thidua.contests import services

    cache.delete(f"contests:fold:{contest.pk}")
    p1, p2 = register(contest, "Phạm Văn Dũng", tree["XA1"]), register(contest, "Vũ Thị Én", tree["XA2"])
    at = R1_OPEN + dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        take(p1, right=3, at=at)
    assert queued == [] and cache.get(f"contests:fold:{contest.pk}") is None
    monkeypatch.setattr(services, "_tasks_in_background", lambda: True)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        take(p2, right=3, at=at)
        take(p1, right=4, at=at + dt.timedelta(minutes=20))
    assert len(queued) == 1  # two submits in the minute, one fold queued
