"""Closing-hour load on the contest module, and how its statistics scale.

Part 1 — load (loopback only, bounded in time and count):
  * creates a throw-away PostgreSQL database (``thidua_bench_contest_<pid>`` on
    the server of DATABASE_URL, default postgres://postgres@127.0.0.1:5432),
    migrates it, creates an open contest (20 questions per attempt drawn from
    40 in 4 topics) and pre-registers the participants;
  * starts gunicorn (sync workers, ``--workers`` default 4 for 2 cores) on
    127.0.0.1 with the project's settings plus two bench-only changes: rate
    limits lifted (every client shares one address) and one extra URL, the
    baseline view;
  * baseline: a minimal Django view that stores one row with the ORM and
    answers JSON — the framework's floor on this machine, same server, same run;
  * contest: bounded client threads (http.client, a new connection per request
    as gunicorn's sync workers close them) each run complete attempts through
    the participants' API: POST …/attempts (draw 20 questions), then
    POST …/attempts/<token>/submit with 20 answers and a prediction; one attempt
    in 20 is submitted a second time (must answer "already counted");
  * then checks the database holds exactly the acknowledged attempts: the same
    tokens, each counted once, and the participants' running counts agree.
  Reported: complete attempts per second, p50/p99 of submit, start and the
  whole attempt, the ratio to the baseline's requests per second, and the CPU
  milliseconds each request cost the app server, PostgreSQL and the load
  client (read from /proc: meaningful even when the machine is shared, where
  wall-clock throughput is not — on 2 cores the three compete for the same CPU).

Part 2 — statistics scaling: for each of ``--scales`` (default 30.000 and
3.000.000 attempts) a contest is filled with generated participants (0,84 per
attempt, as in the seed report: 26.461 people for 31.518 attempts) and
attempts by INSERT … SELECT generate_series, then timed: the dashboard's
``selectors.contest_stats`` (with the counters folded), the top-100
leaderboard, and as baseline the same headline figures computed naively from
the attempts table in SQL. The fold itself (``services.tally_pending``) is
timed on 30.000 pending attempts and reported as attempts folded per second.

    .venv/bin/python bench/contest_load.py [--seconds 20] [--clients 16] [--workers 4]
        [--max-attempts 20000] [--scales 30000,3000000] [--skip-load] [--skip-stats]

Figures are reported, never asserted. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

SETTINGS = """
from thidua.settings import *  # noqa: F403
from thidua.settings import DATABASES

ROOT_URLCONF = "contest_bench_urls"
THIDUA_CONTEST_RATE_LIMITS = {"register_ip": (10**9, 600), "start_identity": (10**9, 600)}
DATABASES["default"]["CONN_MAX_AGE"] = 600
LOGGING = {"version": 1, "disable_existing_loggers": False}
"""

URLS = '''
import uuid

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from thidua.contests.models import RateBucket


@csrf_exempt
def baseline(request):
    """The floor: parse a JSON body, store one row with the ORM, answer JSON."""
    body = request.body.decode()
    row = RateBucket.objects.create(key="bench:" + uuid.uuid4().hex, window=len(body), count=1)
    return JsonResponse({"id": row.pk})


urlpatterns = [path("bench/baseline/", baseline), path("", include("thidua.urls"))]
'''


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(p * 10) - 1]


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


class Env:
    """A throw-away database and settings module; ``close()`` drops both."""

    def __init__(self) -> None:
        self.base = os.environ.get("DATABASE_URL") or f"postgres://postgres@{HOST}:5432/postgres"
        if not self.base.startswith(("postgres://", "postgresql://")):
            raise SystemExit("contest_load needs PostgreSQL (DATABASE_URL=postgres://…)")
        self.dbname = f"thidua_bench_contest_{os.getpid()}"
        self.tmp = tempfile.mkdtemp(prefix="thidua-contest-bench-")
        Path(self.tmp, "contest_bench_settings.py").write_text(SETTINGS)
        Path(self.tmp, "contest_bench_urls.py").write_text(URLS)
        _admin(self.base, f'CREATE DATABASE "{self.dbname}"')
        self.url = _with_db(self.base, self.dbname)
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "contest_bench_settings",
            "THIDUA_DATA_DIR": self.tmp,
            "THIDUA_TASKS_IMMEDIATE": "1",
            "PYTHONPATH": os.pathsep.join([self.tmp, str(ROOT / "src")]),
        }
        os.environ.update(
            {
                k: self.env[k]
                for k in (
                    "DATABASE_URL",
                    "DJANGO_SETTINGS_MODULE",
                    "THIDUA_DATA_DIR",
                    "THIDUA_TASKS_IMMEDIATE",
                )
            }
        )
        sys.path[:0] = [self.tmp, str(ROOT / "src")]
        import django

        django.setup()
        from django.core.management import call_command

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"  cơ sở dữ liệu tạm {self.dbname}: migrate {time.perf_counter() - t:.1f} s")

    def close(self) -> None:
        from django.db import connections

        connections.close_all()
        _admin(self.base, f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


def make_contest(name: str, participants: int) -> tuple[object, list[str]]:
    """An open contest (round open now) and ``participants`` registered codes."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    from thidua.contests import services
    from thidua.contests.models import Participant
    from thidua.directory import services as directory

    root = directory.unit_create(
        actor=None, code=f"B-{secrets.token_hex(3)}", name="Thị xã Đo Tải", kind="district"
    )
    units = [
        directory.unit_create(
            actor=None, code=f"{root.code}-{i}", name=f"Đơn vị {i}", kind="agency", parent=root
        )
        for i in range(70)
    ]
    contest = services.contest_create(
        actor=None,
        organiser=root,
        name=name,
        questions_per_attempt=20,
        time_limit_seconds=900,
        attempts_per_round=3,
    )
    services.invitations_set(actor=None, contest=contest, units=[(u, 300) for u in units])
    now = timezone.now()
    services.round_create(
        actor=None,
        contest=contest,
        name="Đợt 1",
        opens_at=now - dt.timedelta(days=29),
        closes_at=now + dt.timedelta(days=1),
    )
    for t in range(4):
        topic = services.topic_create(actor=None, contest=contest, name=f"Chủ đề {t + 1}", quota=5)
        for q in range(10):
            multiple = q % 4 == 3
            services.question_create(
                actor=None, topic=topic, text=f"Câu hỏi {t + 1}.{q + 1}", kind="multiple" if multiple else "single",
                options=["Phương án A", "Phương án B", "Phương án C", "Phương án D"], correct=[0, 2] if multiple else [0],
            )  # fmt: skip
    services.contest_set_status(actor=None, contest=contest, status="open")
    people = [
        Participant(
            contest=contest, code=secrets.token_urlsafe(16), full_name=f"Người {i}", phone=f"09{i:08d}",
            birth_date=dt.date(1990, 1, 1), identity=f"09{i:08d}", unit=units[i % 70],
        )
        for i in range(participants)
    ]  # fmt: skip
    Participant.objects.bulk_create(people, batch_size=5000)
    return contest, [p.code for p in people]


# --- part 1: load -------------------------------------------------------------------------


class Server:
    def __init__(self, env: Env, workers: int) -> None:
        import socket

        with socket.socket() as s:
            s.bind((HOST, 0))
            self.port = s.getsockname()[1]
        self.log = open(Path(env.tmp, "gunicorn.log"), "w")  # noqa: SIM115
        self.proc = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv/bin/gunicorn"), "thidua.wsgi", "--workers", str(workers), "--bind", f"{HOST}:{self.port}",
             "--backlog", "2048", "--graceful-timeout", "5"],
            env=env.env, stdout=self.log, stderr=subprocess.STDOUT, cwd=env.tmp,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = request(self.port, "GET", "/dang-nhap/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start; see its log")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def request(port: int, method: str, path: str, body: object = None, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        data = None if body is None else json.dumps(body).encode()
        h = {"Content-Type": "application/json", **(headers or {})}
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def drive(worker, clients: int, seconds: float, limit: int) -> tuple[float, list]:
    """Run ``worker(i)`` in ``clients`` threads until ``seconds`` or ``limit`` calls."""
    counter = itertools.count()
    stop_at = time.monotonic() + seconds
    results: list = []
    lock = threading.Lock()

    def loop() -> None:
        local = []
        while time.monotonic() < stop_at:
            i = next(counter)
            if i >= limit:
                break
            local.append(worker(i))
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, results


def load_test(env: Env, args: argparse.Namespace) -> None:
    from thidua.contests.models import Attempt, Participant, RateBucket

    contest, codes = make_contest("Đo tải giờ cuối", args.max_attempts + 100)
    slug = contest.slug
    server = Server(env, args.workers)
    try:
        # warm every worker (imports, connections, question bank cache)
        for code in codes[-100:-60]:
            request(
                server.port,
                "POST",
                f"/api/v1/public/contests/{slug}/attempts",
                {},
                {"X-Participant-Code": code},
            )
        for i in range(200):
            request(server.port, "POST", "/bench/baseline/", {"i": i})
        RateBucket.objects.filter(key__startswith="bench:").delete()

        def base_one(i: int):
            t = time.perf_counter()
            status, _ = request(server.port, "POST", "/bench/baseline/", {"answers": list(range(20)), "i": i})
            return status, (time.perf_counter() - t) * 1000

        cpu = CpuMeter(server.proc.pid)
        elapsed, res = drive(base_one, args.clients, args.seconds, args.max_attempts * 2)
        base_cpu, base_ms = cpu.report(len(res))
        ok = [ms for status, ms in res if status == 200]
        stored = RateBucket.objects.filter(key__startswith="bench:").count()
        base_rps = len(ok) / elapsed
        print(f"  nền (1 view Django ghi 1 dòng): {len(ok):,} yêu cầu trong {elapsed:.1f} s = {base_rps:,.0f} yêu cầu/s; "
              f"p50 {pct(ok, 50):.1f} ms, p99 {pct(ok, 99):.1f} ms; lỗi {len(res) - len(ok)}; dòng trong CSDL {stored:,}")  # fmt: skip
        print(f"    CPU mỗi yêu cầu: {base_cpu}")

        def attempt_one(i: int):
            code = codes[i]
            h = {"X-Participant-Code": code}
            t0 = time.perf_counter()
            status, body = request(server.port, "POST", f"/api/v1/public/contests/{slug}/attempts", {}, h)
            t1 = time.perf_counter()
            if status != 201:
                return ("start_error", status, body[:200], (t1 - t0) * 1000, 0.0)
            started = json.loads(body)
            answers = {q["id"]: ([0, 2] if q["kind"] == "multiple" else [0]) for q in started["questions"]}
            payload = {"answers": answers, "prediction": 1000 + i % 50}
            url = f"/api/v1/public/contests/{slug}/attempts/{started['token']}/submit"
            status, body = request(server.port, "POST", url, payload, h)
            t2 = time.perf_counter()
            if status != 200:
                return ("submit_error", status, body[:200], (t1 - t0) * 1000, (t2 - t1) * 1000)
            result = json.loads(body)
            again = None
            if i % 20 == 0:  # the same attempt submitted twice: must not count twice
                s2, b2 = request(server.port, "POST", url, payload, h)
                again = (s2, json.loads(b2).get("counted_now") if s2 == 200 else None)
            return ("ok", started["token"], result["counted_now"], (t1 - t0) * 1000, (t2 - t1) * 1000, again)

        waits = WaitSampler(env)
        cpu = CpuMeter(server.proc.pid)
        elapsed, res = drive(attempt_one, args.clients, args.seconds, args.max_attempts)
        waits.stop()
        requests_made = sum(2 + (r[0] == "ok" and r[5] is not None) for r in res)
        attempt_cpu, attempt_ms = cpu.report(requests_made)
        good = [r for r in res if r[0] == "ok"]
        errors = [r for r in res if r[0] != "ok"]
        acked = {r[1] for r in good if r[2]}
        starts = [r[3] for r in good]
        submits = [r[4] for r in good]
        whole = [r[3] + r[4] for r in good]
        doubles = [r[5] for r in good if r[5] is not None]
        rate = len(acked) / elapsed
        print(f"  cuộc thi: {len(acked):,} lượt thi trọn vẹn (bắt đầu + nộp 20 câu) trong {elapsed:.1f} s = {rate:,.0f} lượt/s "
              f"({2 * rate:,.0f} yêu cầu/s; {len(doubles)} lần nộp lặp thêm)")  # fmt: skip
        print(f"    nộp bài: p50 {pct(submits, 50):.1f} ms, p99 {pct(submits, 99):.1f} ms; "
              f"bắt đầu: p50 {pct(starts, 50):.1f} ms, p99 {pct(starts, 99):.1f} ms; "
              f"cả lượt: p99 {pct(whole, 99):.1f} ms; lỗi {len(errors)}")  # fmt: skip
        print(f"    CPU mỗi yêu cầu: {attempt_cpu}")
        cores = os.cpu_count() or 1
        # Capacity from CPU cost, steadier than wall-clock rates on a shared machine: all cores
        # busy with this work alone (app server, database and the load client, as here).
        print(
            f"    sức chứa theo CPU ({cores} nhân, cả khách tải): nền {cores * 1000 / base_ms:,.0f} yêu cầu/s; "
            f"cuộc thi {cores * 1000 / (2 * attempt_ms):,.0f} lượt/s; tỷ lệ CPU mỗi yêu cầu nền ÷ cuộc thi "
            f"{base_ms / attempt_ms:.2f}"
        )
        if errors:
            print(f"    ví dụ lỗi: {errors[0][:3]}")
        print(
            f"    tỷ lệ so với nền: {2 * rate / base_rps:.2f} (yêu cầu/s), {rate / base_rps:.2f} (lượt thi/s ÷ yêu cầu nền/s)"
        )
        # --- what the database holds (after the fold that keeps participants' figures)
        from thidua.contests.services import tally_pending

        t = time.perf_counter()
        folded = tally_pending(contest)
        print(f"    gộp số liệu sau đợt tải: {folded:,} lượt trong {time.perf_counter() - t:.2f} s")
        in_db = set(
            Attempt.objects.filter(contest=contest, status="submitted").values_list("token", flat=True)
        )
        counted = sum(Participant.objects.filter(contest=contest).values_list("attempt_count", flat=True))
        double_ok = all(s == 200 and c is False for s, c in doubles)
        exact = in_db == acked and counted == len(acked)
        print(f"    kiểm tra CSDL: {len(in_db):,} lượt đã nộp trong CSDL, {len(acked):,} lượt được xác nhận, "
              f"tổng số lượt của thí sinh {counted:,}; nộp lặp không tính lại: {'đúng' if double_ok else 'SAI'} → "
              f"{'KHỚP (không mất, không trùng)' if exact else 'KHÔNG KHỚP'}")  # fmt: skip
        print(
            f"    mục tiêu ≥ 500 lượt/s và p99 ≤ 200 ms: {'đạt' if rate >= 500 and pct(submits, 99) <= 200 else 'chưa đạt'}"
        )
        print(f"    nơi thời gian đi (mẫu pg_stat_activity mỗi 0,2 s, phiên đang bận): {waits.report()}")
        print(f"    tải máy (1 phút): {os.getloadavg()[0]:.1f} trên {os.cpu_count()} nhân")
    finally:
        server.stop()


def _proc_stats() -> list[tuple[int, int, str, float]]:
    """(pid, ppid, command, cpu seconds) of every process, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        out.append((int(stat.parent.name), int(fields[1]), comm, (int(fields[11]) + int(fields[12])) / tick))
    return out


class CpuMeter:
    """CPU seconds spent during a phase by the app server (gunicorn master and
    workers), the database (every postgres process) and the load client (this
    process): where the two cores go, per request — a figure that stays
    meaningful when the machine is shared, unlike wall-clock throughput."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.start = self._sample()

    def _sample(self) -> dict[str, float]:
        totals = {"máy chủ ứng dụng": 0.0, "PostgreSQL": 0.0}
        for pid, ppid, comm, cpu in _proc_stats():
            if pid == self.server_pid or ppid == self.server_pid:
                totals["máy chủ ứng dụng"] += cpu
            elif comm.startswith("postgres"):
                totals["PostgreSQL"] += cpu
        t = os.times()
        totals["khách tải"] = t.user + t.system
        return totals

    def report(self, requests: int) -> tuple[str, float]:
        """The text, and the milliseconds of CPU per request of all three together."""
        end = self._sample()
        per = {name: (end[name] - self.start[name]) * 1000 / max(requests, 1) for name in end}
        return ", ".join(f"{name} {ms:.2f} ms" for name, ms in per.items()), sum(per.values())


class WaitSampler:
    """Samples what the database sessions of the bench are doing (running on
    CPU, waiting for a lock, for the WAL flush, for the client …) during a phase."""

    def __init__(self, env: Env) -> None:
        import collections

        import psycopg

        self.counts: collections.Counter[str] = collections.Counter()
        self.done = threading.Event()
        self.conn = psycopg.connect(env.url, autocommit=True)
        self.thread = threading.Thread(target=self._run, args=(env.dbname,))
        self.thread.start()

    def _run(self, dbname: str) -> None:
        while not self.done.wait(0.2):
            rows = self.conn.execute(
                "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity "
                "WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()",
                [dbname],
            ).fetchall()
            self.counts.update(r[0] for r in rows)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()
        self.conn.close()

    def report(self) -> str:
        total = sum(self.counts.values()) or 1
        return ", ".join(f"{k} {v * 100 / total:.0f}%" for k, v in self.counts.most_common(5))


# --- part 2: statistics scaling ----------------------------------------------------------------


def fill(contest, attempts: int) -> None:
    """Generated participants and attempts by INSERT … SELECT (PostgreSQL)."""
    from django.db import connection

    from thidua.contests.models import Question

    qids = list(Question.objects.filter(contest=contest).order_by("id").values_list("id", flat=True))[:20]
    people = max(1, attempts * 84 // 100)
    units = list(contest.invitations.order_by("unit_id").values_list("unit_id", flat=True))[
        :61
    ]  # 61 of 70 take part
    round_id = contest.rounds.first().pk
    with connection.cursor() as c:
        c.execute(
            """INSERT INTO contests_participant (contest_id, code, full_name, sort_key, phone, email, birth_date,
                 identity, unit_id, unit_text, created_at, attempt_count, best_score, all_correct_count,
                 disqualified_reason)
               SELECT %s, 'g' || %s || '-' || g, 'Người ' || g, '', '', '', DATE '1990-01-01', 'g' || g,
                 (%s::bigint[])[1 + g %% %s], '', now(), 0, NULL, 0, ''
               FROM generate_series(1, %s) g""",
            [contest.pk, contest.pk, units, len(units), people],
        )
        c.execute("SELECT min(id) FROM contests_participant WHERE contest_id = %s", [contest.pk])
        first = c.fetchone()[0]
        c.execute(
            """INSERT INTO contests_attempt (contest_id, round_id, participant_id, seq, token, status, started_at,
                 deadline, submitted_at, question_ids, answers, correct_count, score, all_correct, duration_ms,
                 prediction, pending_tally)
               SELECT %s, %s, %s + (g %% %s), 1 + g / %s, 'a' || %s || '-' || g, 'submitted',
                 now() - interval '29 days' + (g %% 29) * interval '1 day', now(),
                 now() - interval '29 days' + (g %% 29) * interval '1 day' + (60 + g %% 800) * interval '1 second',
                 %s::jsonb, %s::jsonb, s, s, s = 20, (60 + g %% 800) * 1000, 900 + g %% 200, false
               FROM (SELECT g, CASE WHEN g %% 7 < 3 THEN 20 ELSE 10 + g %% 10 END AS s
                     FROM generate_series(0, %s - 1) g) x""",
            [
                contest.pk,
                round_id,
                first,
                people,
                people,
                contest.pk,
                json.dumps(qids),
                json.dumps([1] * 20),
                attempts,
            ],
        )
        c.execute(
            """UPDATE contests_participant p SET attempt_count = a.n, best_score = a.best, all_correct_count = a.ok
               FROM (SELECT participant_id, count(*) n, max(score) best, count(*) FILTER (WHERE all_correct) ok
                     FROM contests_attempt WHERE contest_id = %s GROUP BY participant_id) a
               WHERE p.id = a.participant_id""",
            [contest.pk],
        )
        c.execute(
            """INSERT INTO contests_unittally (contest_id, unit_key, participants, attempts, max_score_participants,
                 all_correct_participants)
               SELECT %s, coalesce(unit_id, 0), count(*) FILTER (WHERE attempt_count > 0), sum(attempt_count),
                 count(*) FILTER (WHERE best_score = 20), count(*) FILTER (WHERE all_correct_count > 0)
               FROM contests_participant WHERE contest_id = %s GROUP BY 2""",
            [contest.pk, contest.pk],
        )
        # the folded counters, as tally_pending would leave them (the fold is timed separately)
        c.execute(
            """INSERT INTO contests_daytally (contest_id, day, attempts, all_correct)
               SELECT %s, (submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, count(*), count(*) FILTER (WHERE all_correct)
               FROM contests_attempt WHERE contest_id = %s GROUP BY 2""",
            [contest.pk, contest.pk],
        )
        for qid in qids:
            c.execute(
                "INSERT INTO contests_questiontally (question_id, shown, correct, blank, option_counts) VALUES (%s, %s, %s, 0, %s)",
                [qid, attempts, attempts // 2, json.dumps([attempts // 2, attempts // 2, 0, 0, 0, 0, 0, 0])],
            )
        c.execute("ANALYZE contests_attempt; ANALYZE contests_participant")


NAIVE = """
SELECT (SELECT count(DISTINCT participant_id) FROM contests_attempt WHERE contest_id = %(c)s AND status = 'submitted'),
       (SELECT count(*) FROM contests_attempt WHERE contest_id = %(c)s AND status = 'submitted'),
       (SELECT count(DISTINCT participant_id) FROM contests_attempt WHERE contest_id = %(c)s AND status = 'submitted' AND score = 20),
       (SELECT count(*) FROM contests_attempt WHERE contest_id = %(c)s AND status = 'submitted' AND all_correct);
SELECT (submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, count(*) FROM contests_attempt
 WHERE contest_id = %(c)s AND status = 'submitted' GROUP BY 1 ORDER BY 1;
SELECT p.unit_id, count(DISTINCT a.participant_id), count(*) FROM contests_attempt a
 JOIN contests_participant p ON p.id = a.participant_id WHERE a.contest_id = %(c)s AND a.status = 'submitted' GROUP BY 1;
"""


def stats_scaling(scales: list[int], repeat: int) -> None:
    from django.db import connection

    from thidua.contests import ranking, selectors, services
    from thidua.contests.models import Attempt

    def timed(fn, n: int) -> list[float]:
        fn()
        out = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000)
        return out

    rows = []
    for scale in scales:
        contest, _ = make_contest(f"Thống kê {scale}", 0)
        t = time.perf_counter()
        fill(contest, scale)
        made = time.perf_counter() - t

        def naive(contest=contest) -> None:
            with connection.cursor() as c:
                for sql in NAIVE.strip().split(";\n"):
                    if sql.strip():
                        c.execute(sql, {"c": contest.pk})
                        c.fetchall()

        dash = timed(lambda contest=contest: selectors.contest_stats(contest), repeat)
        board = timed(lambda contest=contest: ranking.leaderboard(contest, limit=100), repeat)
        raw = timed(naive, max(1, repeat // 2))
        s = selectors.contest_stats(contest)
        rows.append(
            (scale, statistics.median(dash), max(dash), statistics.median(board), statistics.median(raw))
        )
        print(f"  {scale:>9,} lượt ({s.participants:,} người, {s.units_with_participants}/{s.invited_units} đơn vị; tạo dữ liệu {made:.0f} s): "
              f"bảng điều khiển p50 {statistics.median(dash):.0f} ms (tối đa {max(dash):.0f}), "
              f"xếp hạng 100 đầu p50 {statistics.median(board):.0f} ms; "
              f"nền — đếm thẳng trên bảng lượt thi p50 {statistics.median(raw):.0f} ms "
              f"(tỷ lệ {statistics.median(raw) / statistics.median(dash):.1f}×)")  # fmt: skip
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(
            f"  tăng {b[0] / a[0]:.0f}× số lượt: bảng điều khiển ×{b[1] / a[1]:.1f}, xếp hạng ×{b[3] / a[3]:.1f}, đếm thẳng ×{b[4] / a[4]:.1f}"
        )
    # the fold: 30.000 pending attempts with real answer arrays
    contest, _ = make_contest("Gộp số liệu", 0)
    fill(contest, 30_000)
    from thidua.contests.models import DayTally, Participant, QuestionTally, UnitTally

    Attempt.objects.filter(contest=contest).update(pending_tally=True)
    Participant.objects.filter(contest=contest).update(attempt_count=0, best_score=None, all_correct_count=0)
    for model in (DayTally, UnitTally):
        model.objects.filter(contest=contest).delete()
    QuestionTally.objects.filter(question__contest=contest).delete()
    t = time.perf_counter()
    n = services.tally_pending(contest)
    spent = time.perf_counter() - t
    print(f"  gộp số liệu (tally_pending): {n:,} lượt trong {spent:.1f} s = {n / spent:,.0f} lượt/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--max-attempts", type=int, default=20_000)
    parser.add_argument("--scales", default="30000,3000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-stats", action="store_true")
    args, _ = parser.parse_known_args()
    args.seconds = min(args.seconds, 60)
    env = Env()
    try:
        if not args.skip_load:
            print(
                f"Phần 1 — tải giờ cuối: gunicorn {args.workers} worker, {args.clients} luồng khách, tối đa {args.seconds:.0f} s mỗi pha"
            )
            load_test(env, args)
        if not args.skip_stats:
            print("Phần 2 — thống kê theo quy mô")
            stats_scaling([int(s) for s in args.scales.split(",") if s], args.repeat)
    finally:
        env.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
