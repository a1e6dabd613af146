"""Report figures (JSON), the annual DOCX and the XLSX tables over a province-sized
dataset, against hand-written SQL computing the same figures.

Creates a fresh database (SQLite in a temporary directory; with DATABASE_URL
set, a temporary database on that PostgreSQL server, dropped at the end — the
pattern of bench/people_search.py), migrates it, then loads the data in two
steps — 10 % and then the remaining 90 % — and after each step times

  summary:  thidua.reports.figures.compute(unit=province, year Y, subtree) (every figure of the JSON)
  DOCX:     figures + docxtpl rendering with the two chart PNGs
  XLSX:     figures + the xlsxwriter sheets
  SQL:      the same figures written by hand through connection.cursor(): awards by
            type × level (COUNT DISTINCT per kind), by year, by budget source and by
            unit; ratings by grade and by unit; each movement's indicators met
            (latest value as of the period's end) and key tasks by status (latest
            change), its participating units; the contest's figures from the folded
            counters (what the app reads too — a naive count over 3,000,000 attempts
            is measured by bench/contest_load.py)

printing p50/p95, the ratio against SQL and how each grows from 10 % to 100 %.
Data at 100 %: ``--rows`` registry rows over ten years (1,000,000; 5 % name a
movement), ``--ratings`` people ratings a year (100,000), ``--movements``
movements (50: 20 indicators with four reported values and 20 key tasks with
their status history each, spread over the province's units) and one contest
with ``--attempts`` attempts (3,000,000; 0,84 participants per attempt, as in
the seed report), bulk-inserted in SQL (generate_series on PostgreSQL, a
recursive CTE on SQLite) with its folded counters filled as
``contests.services.tally_pending`` would leave them. Targets: summary ≤ 1 s,
DOCX ≤ 5 s, XLSX ≤ 5 s — reported, not asserted (``--strict`` exits 1 on a miss).

    .venv/bin/python bench/report_summary.py [--rows 1000000] [--ratings 100000]
        [--movements 50] [--attempts 3000000] [--n 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/report_summary.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from award_stats import random_records, write_records
from people_search import pct, setup_environment, timed

YEAR = 2023
YEARS = list(range(2014, 2024))
INDICATORS = 20  # per movement
TASKS = 20  # per movement
QUESTIONS = 20  # per attempt (of 40 in the bank)


def tree(rng: random.Random):
    from thidua.directory import services
    from thidua.directory.models import Person, Unit

    root = services.unit_create(actor=None, code="B", name="Tỉnh Đo", kind="province")
    other = services.unit_create(actor=None, code="O", name="Tỉnh Khác", kind="province")
    units: list[Unit] = []
    districts: list[Unit] = []
    for top in (root, other):
        for d in range(8):
            district = services.unit_create(
                actor=None, code=f"{top.code}-H{d}", name=f"Huyện {d}", kind="district", parent=top
            )
            if top is root:
                districts.append(district)
            for c in range(12):
                units.append(
                    services.unit_create(
                        actor=None,
                        code=f"{district.code}-X{c}",
                        name=f"Xã {c}",
                        kind="commune",
                        parent=district,
                    )
                )
    Person.objects.bulk_create(
        [Person(full_name=f"Người {i}", gender="male", unit=rng.choice(units)) for i in range(120_000)],
        batch_size=10_000,
    )
    return root, districts, units, list(Person.objects.values_list("pk", "unit_id"))


def movement_names(count: int) -> list[str]:
    return [f"Phong trào thi đua số {i + 1}" for i in range(count)]


def load(rng: random.Random, rows: int, ratings: int, units, people, seen: set, names: list[str]) -> None:
    from django.db import transaction

    from thidua.awards.models import Rating

    budgets = ["Quỹ thi đua, khen thưởng tỉnh", "Quỹ thi đua, khen thưởng huyện", ""]
    with transaction.atomic():
        records = random_records(
            rng, rows, people, units, YEARS, seen,
            prize_amount=lambda r: r.choice([0, 702_000, 2_340_000]),
            budget_source=lambda r: r.choice(budgets),
            movement_name=lambda r: r.choice(names) if r.random() < 0.05 else "",
        )  # fmt: skip
        write_records(records, 20_000)
        grades = ["HTXSNV", "HTTNV", "HTTNV", "HTNV", "KHTNV"]
        rated = [r for r in Rating.objects.values_list("person_id", "year")]
        have = set(rated)
        out: list[Rating] = []
        for year in YEARS:
            for pid, uid in rng.sample(people, min(ratings, len(people))):
                if (pid, year) in have:
                    continue
                have.add((pid, year))
                out.append(Rating(person_id=pid, owner_unit_id=uid, year=year, grade=rng.choice(grades)))
            for u in units:
                if (None, year, u.pk) not in seen:
                    seen.add((None, year, u.pk))
                    out.append(Rating(unit_id=u.pk, owner_unit_id=u.pk, year=year, grade=rng.choice(grades)))
        Rating.objects.bulk_create(out, batch_size=20_000)


# --- movements ---------------------------------------------------------------------------------


def load_movements(rng: random.Random, root, districts, units, names: list[str]) -> None:
    """Movements ``names`` (skeleton through movements.services.movement_launch: participants,
    audit), their indicators, reported values, key tasks and status history in bulk. One in
    five is launched by the province, the others by one of its districts; every one runs
    through the report year (started 2019–2023, ending 2023–2025), as a province's standing
    movements do. Indicators and tasks belong to units of the launcher's subtree (the
    participants); values and status changes are dated inside the movement's period."""
    from django.db import transaction

    from thidua.movements import services
    from thidua.movements.models import Indicator, IndicatorValue, KeyTask, TaskStatusChange

    with transaction.atomic():
        for i, name in enumerate(names):
            launcher = root if i % 5 == 0 else districts[i % len(districts)]
            year = 2019 + i % 5
            start = dt.date(year, 1 + i % 6 if year < YEAR else 1, 1)
            end = dt.date(2023 + i % 3, 12, 31)
            m = services.movement_launch(
                actor=None, kind="regular" if i % 3 else "thematic", name=name,
                launching_unit=launcher, start_date=start, end_date=end,
            )  # fmt: skip
            mine = [u for u in units if u.path.startswith(launcher.path)] + [launcher]
            inds = Indicator.objects.bulk_create(
                [
                    Indicator(
                        movement=m, unit=rng.choice(mine), code=f"CT{k + 1:02d}", name=f"Chỉ tiêu {k + 1}",
                        measure="%", plan_value=Decimal(rng.randint(50, 100)),
                        direction="lower" if k % 4 == 3 else "higher", position=k + 1,
                    )
                    for k in range(INDICATORS)
                ]
            )  # fmt: skip
            values = []
            for ind in inds:
                for q, day in enumerate((dt.date(2023, 3, 31), dt.date(2023, 6, 30), dt.date(2023, 9, 30))):
                    values.append(
                        IndicatorValue(
                            indicator=ind,
                            value=Decimal(rng.randint(30, 120)),
                            as_of=day,
                            source=f"Quý {q + 1}",
                        )
                    )
                # one value after the report period: must not count in the 2023 summary
                if end.year > YEAR:
                    values.append(
                        IndicatorValue(indicator=ind, value=Decimal(999), as_of=dt.date(2024, 3, 31))
                    )
            IndicatorValue.objects.bulk_create(values)
            tasks = KeyTask.objects.bulk_create(
                [
                    KeyTask(movement=m, unit=rng.choice(mine), title=f"Nhiệm vụ {k + 1}", position=k + 1)
                    for k in range(TASKS)
                ]
            )
            changes = []
            for t in tasks:
                roll = rng.random()
                if roll < 0.2:
                    continue  # never started
                changes.append(TaskStatusChange(task=t, status="in_progress", on=dt.date(2023, 2, 1)))
                t.status = "in_progress"
                if roll < 0.7:
                    changes.append(TaskStatusChange(task=t, status="done", on=dt.date(2023, 10, 15)))
                    t.status = "done"
            TaskStatusChange.objects.bulk_create(changes)
            KeyTask.objects.bulk_update(tasks, ["status"])


# --- the contest ---------------------------------------------------------------------------------


def make_contest(root, districts):
    """One province contest (services: bank, invitations, a 2023 round), opened."""
    from django.utils import timezone

    from thidua.contests import services

    contest = services.contest_create(
        actor=None, organiser=root, name="Tìm hiểu pháp luật về thi đua, khen thưởng",
        questions_per_attempt=QUESTIONS, time_limit_seconds=900, attempts_per_round=3,
    )  # fmt: skip
    services.invitations_set(actor=None, contest=contest, units=[(d, None) for d in districts])
    tz = timezone.get_current_timezone()
    services.round_create(
        actor=None,
        contest=contest,
        name="Đợt 1",
        opens_at=dt.datetime(2023, 6, 1, tzinfo=tz),
        closes_at=dt.datetime(2023, 7, 1, tzinfo=tz),
    )
    for t in range(4):
        topic = services.topic_create(actor=None, contest=contest, name=f"Chủ đề {t + 1}", quota=5)
        for q in range(10):
            services.question_create(
                actor=None, topic=topic, text=f"Câu hỏi {t + 1}.{q + 1}",
                options=["Phương án A", "Phương án B", "Phương án C", "Phương án D"], correct=[0],
            )  # fmt: skip
    services.contest_set_status(actor=None, contest=contest, status="open")
    return contest


def _series(vendor: str) -> str:
    """The integers lo..hi (inclusive) as a row source named g(x)."""
    if vendor == "postgresql":
        return "generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g(x)"
    return "(WITH RECURSIVE s(x) AS (SELECT %(lo)s UNION ALL SELECT x + 1 FROM s WHERE x < %(hi)s) SELECT x FROM s) AS g"


def fill_contest(contest, units, people: tuple[int, int], attempts: tuple[int, int]) -> None:
    """Participants ``people[0]``..``people[1]-1`` and attempts ``attempts[0]``..``attempts[1]-1``
    of one round, every attempt by a participant of this batch (so (participant, round, seq)
    stays unique whatever was loaded before), then the folded counters recomputed as
    ``tally_pending`` would leave them (nothing pending). 30 % of attempts score full marks."""
    from django.db import connection

    from thidua.contests.models import Question

    vendor = connection.vendor
    pg = vendor == "postgresql"
    qids = list(Question.objects.filter(contest=contest).order_by("id").values_list("id", flat=True))[
        :QUESTIONS
    ]
    round_id = contest.rounds.get().pk
    p_lo, p_hi = people
    a_lo, a_hi = attempts
    n_people = p_hi - p_lo
    series = _series(vendor)
    # a round of 30 days from 2023-06-01 00:00 Asia/Ho_Chi_Minh (= 2023-05-31 17:00 UTC)
    if pg:
        at = "TIMESTAMPTZ '2023-05-31 17:00:00+00' + ({day}) * interval '1 day' + ({sec}) * interval '1 second'"
        jsonb, local_day = "::jsonb", "(submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
        concat = "'g' || %(c)s || '-' || x"
    else:
        at = "strftime('%%Y-%%m-%%d %%H:%%M:%%f', '2023-05-31 17:00:00', ({day}) || ' days', ({sec}) || ' seconds')"
        jsonb, local_day = "", "date(submitted_at, '+7 hours')"
        concat = "'g' || %(c)s || '-' || x"
    day = "x %% 29"
    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_pick")
        c.execute("CREATE TEMPORARY TABLE bench_pick (i integer PRIMARY KEY, unit_id bigint)")
        c.executemany("INSERT INTO bench_pick VALUES (%s, %s)", list(enumerate(u.pk for u in units)))
        params = {"c": contest.pk, "lo": p_lo, "hi": p_hi - 1, "n": len(units)}
        c.execute(
            f"""INSERT INTO contests_participant (contest_id, code, full_name, sort_key, phone, email, birth_date,
                 identity, unit_id, unit_text, created_at, attempt_count, best_score, all_correct_count,
                 disqualified_reason)
               SELECT %(c)s, {concat}, 'Người ' || x, '', '', '', '1990-01-01', 'g' || x,
                 (SELECT unit_id FROM bench_pick WHERE i = x %% %(n)s), '', {at.format(day="0", sec="0")},
                 0, NULL, 0, ''
               FROM {series}""",
            params,
        )
        c.execute(
            "SELECT min(id) FROM contests_participant WHERE contest_id = %s AND identity = %s",
            [contest.pk, f"g{p_lo}"],
        )
        first = c.fetchone()[0]
        sec = "60 + x %% 800"
        c.execute(
            f"""INSERT INTO contests_attempt (contest_id, round_id, participant_id, seq, token, status, started_at,
                 deadline, submitted_at, question_ids, answers, correct_count, score, all_correct, duration_ms,
                 prediction, pending_tally)
               SELECT %(c)s, %(r)s, %(first)s + ((x - %(lo)s) %% %(np)s), 1 + (x - %(lo)s) / %(np)s,
                 'a' || %(c)s || '-' || x, 'submitted',
                 {at.format(day=day, sec="0")}, {at.format(day=day, sec="900")}, {at.format(day=day, sec=sec)},
                 %(q)s{jsonb}, %(ans)s{jsonb}, s, s, s = {QUESTIONS}, ({sec}) * 1000, 900 + x %% 200, false
               FROM (SELECT x, CASE WHEN x %% 10 < 3 THEN {QUESTIONS} ELSE 10 + x %% 10 END AS s
                     FROM {series}) y""",
            {"c": contest.pk, "r": round_id, "first": first, "np": n_people, "lo": a_lo, "hi": a_hi - 1,
             "q": json.dumps(qids), "ans": json.dumps([1] * QUESTIONS)},
        )  # fmt: skip
        # the folded counters, as tally_pending would leave them
        c.execute(
            """UPDATE contests_participant AS p
               SET attempt_count = a.n, best_score = a.best, all_correct_count = a.ok
               FROM (SELECT participant_id, count(*) AS n, max(score) AS best,
                            sum(CASE WHEN all_correct THEN 1 ELSE 0 END) AS ok
                     FROM contests_attempt WHERE contest_id = %s AND participant_id >= %s
                     GROUP BY participant_id) AS a
               WHERE p.id = a.participant_id""",
            [contest.pk, first],
        )
        for table in ("contests_unittally", "contests_daytally"):
            c.execute(f"DELETE FROM {table} WHERE contest_id = %s", [contest.pk])
        c.execute(
            f"""INSERT INTO contests_unittally (contest_id, unit_key, participants, attempts,
                 max_score_participants, all_correct_participants)
               SELECT %s, coalesce(unit_id, 0), sum(CASE WHEN attempt_count > 0 THEN 1 ELSE 0 END),
                 sum(attempt_count), sum(CASE WHEN best_score = {QUESTIONS} THEN 1 ELSE 0 END),
                 sum(CASE WHEN all_correct_count > 0 THEN 1 ELSE 0 END)
               FROM contests_participant WHERE contest_id = %s GROUP BY coalesce(unit_id, 0)""",
            [contest.pk, contest.pk],
        )
        c.execute(
            f"""INSERT INTO contests_daytally (contest_id, day, attempts, all_correct)
               SELECT %s, {local_day}, count(*), sum(CASE WHEN all_correct THEN 1 ELSE 0 END)
               FROM contests_attempt WHERE contest_id = %s GROUP BY {local_day}""",
            [contest.pk, contest.pk],
        )
        marks = ", ".join(["%s"] * len(qids))
        c.execute(f"DELETE FROM contests_questiontally WHERE question_id IN ({marks})", qids)
        shown = a_hi
        for qid in qids:
            c.execute(
                "INSERT INTO contests_questiontally (question_id, shown, correct, blank, option_counts) "
                "VALUES (%s, %s, %s, 0, %s)",
                [qid, shown, shown, json.dumps([shown] + [0] * 7)],
            )
        c.execute("DROP TABLE bench_pick")


# --- hand-written SQL ------------------------------------------------------------------------------

RAW_AWARDS = """
SELECT r.award_type_id, r.authority_level,
       COUNT(DISTINCT CASE WHEN r.recipient_kind = 'collective' THEN r.unit_id END),
       COUNT(DISTINCT CASE WHEN r.recipient_kind = 'individual' THEN r.person_id END),
       COUNT(DISTINCT CASE WHEN r.recipient_kind = 'household' THEN r.household_id END)
FROM awards_awardrecord r INNER JOIN directory_unit u ON u.id = r.owner_unit_id
WHERE r.status = 'valid' AND u.path LIKE %(path)s AND r.year BETWEEN %(y0)s AND %(y1)s
  AND ((r.period_end BETWEEN %(start)s AND %(end)s) OR (r.period_end IS NULL AND r.year = %(year)s))
GROUP BY r.award_type_id, r.authority_level
"""
RAW_MONEY = """
SELECT r.budget_source, COUNT(*), SUM(r.prize_amount)
FROM awards_awardrecord r INNER JOIN directory_unit u ON u.id = r.owner_unit_id
WHERE r.status = 'valid' AND u.path LIKE %(path)s AND r.year BETWEEN %(y0)s AND %(y1)s
  AND ((r.period_end BETWEEN %(start)s AND %(end)s) OR (r.period_end IS NULL AND r.year = %(year)s))
  AND r.prize_amount IS NOT NULL
GROUP BY r.budget_source
"""
RAW_BY_YEAR = """
SELECT r.year, SUM(CASE WHEN r.recipient_kind = 'collective' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.recipient_kind = 'household' THEN 1 ELSE 0 END), COUNT(*)
FROM awards_awardrecord r INNER JOIN directory_unit u ON u.id = r.owner_unit_id
WHERE r.status = 'valid' AND u.path LIKE %(path)s
  AND r.year IN (%(year)s - 4, %(year)s - 3, %(year)s - 2, %(year)s - 1, %(year)s)
GROUP BY r.year
"""
# A subtree as a range of the path index: every path ends with "/", so the paths under
# "/1/57/" are those from "/1/57/" up to (not including) "/1/570" (both databases compare
# bytewise here: SQLite's BINARY collation, PostgreSQL's C.UTF-8 database collation).
UNDER = "{u}.path >= {r}.path AND {u}.path < substr({r}.path, 1, length({r}.path) - 1) || '0'"
# per district (the root's children): counted per owner unit first, then folded into the child
RAW_BY_UNIT = f"""
SELECT c.id, t.code, x.recipient_kind, SUM(x.n)
FROM (SELECT r.award_type_id, r.recipient_kind, r.owner_unit_id, COUNT(*) AS n
      FROM awards_awardrecord r INNER JOIN directory_unit u ON u.id = r.owner_unit_id
      WHERE r.status = 'valid' AND u.path LIKE %(path)s AND r.year BETWEEN %(y0)s AND %(y1)s
        AND ((r.period_end BETWEEN %(start)s AND %(end)s) OR (r.period_end IS NULL AND r.year = %(year)s))
      GROUP BY r.award_type_id, r.recipient_kind, r.owner_unit_id) x
  INNER JOIN awards_awardtype t ON t.id = x.award_type_id
  INNER JOIN directory_unit u ON u.id = x.owner_unit_id
  INNER JOIN directory_unit c ON c.parent_id = %(root)s AND {UNDER.format(u="u", r="c")}
GROUP BY c.id, t.code, x.recipient_kind
"""
RAW_RATINGS = """
SELECT (r.person_id IS NULL) AS is_unit, r.grade, COUNT(*)
FROM awards_rating r INNER JOIN directory_unit u ON u.id = r.owner_unit_id
WHERE u.path LIKE %(path)s AND r.year = %(year)s AND (r.unit_id IS NULL OR r.unit_id <> %(root)s)
GROUP BY 1, 2
"""
RAW_RATINGS_BY_UNIT = f"""
SELECT c.id, x.grade, SUM(x.n)
FROM (SELECT r.owner_unit_id, r.grade, COUNT(*) AS n
      FROM awards_rating r INNER JOIN directory_unit u ON u.id = r.owner_unit_id
      WHERE u.path LIKE %(path)s AND r.year = %(year)s AND r.person_id IS NOT NULL
      GROUP BY r.owner_unit_id, r.grade) x
  INNER JOIN directory_unit u ON u.id = x.owner_unit_id
  INNER JOIN directory_unit c ON c.parent_id = %(root)s AND {UNDER.format(u="u", r="c")}
GROUP BY c.id, x.grade
"""
# Movements launched in the subtree running during the period: indicators met (the latest
# value on or before the period's end, clamped to the movement's dates), tasks by latest status.
_AS_OF = "CASE WHEN m.end_date < %(end)s THEN m.end_date ELSE %(end)s END"
RAW_INDICATORS = f"""
SELECT i.movement_id, COUNT(*),
       SUM(CASE WHEN v.value IS NULL THEN 0
                WHEN i.direction = 'lower' AND v.value <= i.plan_value THEN 1
                WHEN i.direction <> 'lower' AND v.value >= i.plan_value THEN 1 ELSE 0 END)
FROM movements_indicator i
  INNER JOIN movements_movement m ON m.id = i.movement_id
  INNER JOIN directory_unit l ON l.id = m.launching_unit_id
  LEFT JOIN movements_indicatorvalue v ON v.id = (
      SELECT v2.id FROM movements_indicatorvalue v2
      WHERE v2.indicator_id = i.id AND v2.as_of <= {_AS_OF}
      ORDER BY v2.as_of DESC, v2.id DESC LIMIT 1)
WHERE l.path LIKE %(path)s AND m.start_date <= %(end)s AND m.end_date >= %(start)s
GROUP BY i.movement_id
"""
RAW_TASKS = f"""
SELECT t.movement_id, coalesce((
      SELECT c.status FROM movements_taskstatuschange c
      WHERE c.task_id = t.id AND c."on" <= {_AS_OF}
      ORDER BY c."on" DESC, c.id DESC LIMIT 1), 'not_started') AS st, COUNT(*)
FROM movements_keytask t
  INNER JOIN movements_movement m ON m.id = t.movement_id
  INNER JOIN directory_unit l ON l.id = m.launching_unit_id
WHERE l.path LIKE %(path)s AND m.start_date <= %(end)s AND m.end_date >= %(start)s
GROUP BY t.movement_id, st
"""
RAW_PARTICIPANTS = f"""
SELECT m.id, COUNT(DISTINCT u.id)
FROM movements_movement m
  INNER JOIN directory_unit l ON l.id = m.launching_unit_id
  INNER JOIN movements_participant p ON p.movement_id = m.id
  INNER JOIN directory_unit pu ON pu.id = p.unit_id
  INNER JOIN directory_unit u ON {UNDER.format(u="u", r="pu")} AND (p.include_subunits OR u.id = pu.id)
WHERE l.path LIKE %(path)s AND m.start_date <= %(end)s AND m.end_date >= %(start)s
  AND (u.valid_from IS NULL OR u.valid_from <= m.end_date) AND (u.valid_to IS NULL OR u.valid_to >= m.start_date)
GROUP BY m.id
"""
# The contest's figures from the folded counters (per invited unit: the tallies of its subtree).
RAW_CONTEST = f"""
SELECT i.unit_id, coalesce(SUM(t.participants), 0), coalesce(SUM(t.attempts), 0),
       coalesce(SUM(t.max_score_participants), 0)
FROM contests_contest k
  INNER JOIN directory_unit o ON o.id = k.organiser_id
  INNER JOIN contests_invitation i ON i.contest_id = k.id
  INNER JOIN directory_unit iu ON iu.id = i.unit_id
  INNER JOIN directory_unit su ON {UNDER.format(u="su", r="iu")}
  LEFT JOIN contests_unittally t ON t.contest_id = k.id AND t.unit_key = su.id
WHERE o.path LIKE %(path)s AND k.status <> 'draft'
GROUP BY i.unit_id
"""
RAW_CONTEST_DAYS = """
SELECT d.contest_id, d.day, d.attempts, d.all_correct
FROM contests_daytally d INNER JOIN contests_contest k ON k.id = d.contest_id
  INNER JOIN directory_unit o ON o.id = k.organiser_id
WHERE o.path LIKE %(path)s AND k.status <> 'draft'
ORDER BY d.contest_id, d.day
"""
RAW = {
    "khen thưởng": [RAW_AWARDS, RAW_MONEY, RAW_BY_YEAR, RAW_BY_UNIT],
    "xếp loại": [RAW_RATINGS, RAW_RATINGS_BY_UNIT],
    "phong trào": [RAW_INDICATORS, RAW_TASKS, RAW_PARTICIPANTS],
    "cuộc thi": [RAW_CONTEST, RAW_CONTEST_DAYS],
}


def run_raw(params: dict, parts: dict[str, list[str]] = RAW) -> dict[str, list[list[tuple]]]:
    from django.db import connection

    out: dict[str, list[list[tuple]]] = {}
    with connection.cursor() as cursor:
        for name, queries in parts.items():
            out[name] = []
            for sql in queries:
                cursor.execute(sql, params)
                out[name].append(cursor.fetchall())
    return out


def check(fig, raw: dict[str, list[list[tuple]]]) -> None:
    """The hand-written SQL and the app agree on every headline figure."""
    awards, money, by_year, _by_unit = raw["khen thưởng"]
    assert sum(r[3] for r in awards) == fig.award_totals["individual"], "khen thưởng không khớp"
    assert sum(r[2] for r in awards) == fig.award_totals["collective"], "khen thưởng không khớp"
    assert sum(int(r[2] or 0) for r in money) == fig.prize_total, "tiền thưởng không khớp"
    assert sum(r[3] for r in by_year) == sum(
        y.collective + y.individual + y.household for y in fig.awards_by_year
    )
    ratings = raw["xếp loại"][0]
    assert sum(r[2] for r in ratings if not r[0]) == fig.people_ratings.rated, "xếp loại không khớp"
    assert sum(r[2] for r in ratings if r[0]) == fig.unit_ratings.rated, "xếp loại đơn vị không khớp"
    inds, tasks, parts = raw["phong trào"]
    assert len(inds) == len(fig.movements), f"số phong trào không khớp: {len(inds)} ≠ {len(fig.movements)}"
    assert sum(r[2] for r in inds) == sum(m.indicators_met for m in fig.movements), "chỉ tiêu không khớp"
    assert sum(r[2] for r in tasks if r[1] == "done") == sum(m.tasks_done for m in fig.movements)
    assert sum(r[1] for r in parts) == sum(m.participants for m in fig.movements), (
        "đơn vị tham gia không khớp"
    )
    contest, _days = raw["cuộc thi"]
    assert sum(r[2] for r in contest) == sum(c.attempts for c in fig.contests), "cuộc thi không khớp"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--movements", type=int, default=50)
    parser.add_argument("--attempts", type=int, default=3_000_000)
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--max-seconds", type=float, default=1800)
    parser.add_argument("--profile", action="store_true", help="cProfile one summary at 100 %")
    parser.add_argument("--strict", action="store_true")
    args, _ = parser.parse_known_args()
    started = time.monotonic()
    cleanup = setup_environment()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from thidua.reports import documents, figures, tables

        call_command("migrate", verbosity=0, interactive=False)
        rng = random.Random(args.seed)
        root, districts, units, people = tree(rng)
        root_units = [u for u in units if u.path.startswith(root.path)]
        names = movement_names(args.movements)
        contest = make_contest(root, districts)
        seen: set = set()
        start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
        deadline = time.monotonic() + args.max_seconds
        results: dict[str, dict[str, float]] = {}
        ok = True
        done = {"movements": 0, "attempts": 0, "people": 0}
        params = {
            "path": f"{root.path}%", "root": root.pk, "year": YEAR, "y0": YEAR - 1, "y1": YEAR + 1,
            "start": start, "end": end,
        }  # fmt: skip
        for label, share in (("10 %", 0.1), ("100 %", 1.0)):
            t0 = time.monotonic()
            rows = int(args.rows * (0.1 if share < 1 else 0.9))
            load(rng, rows, int(args.ratings * (0.1 if share < 1 else 0.9)), units, people, seen, names)
            t1 = time.monotonic()
            n_mov = int(args.movements * share)
            load_movements(rng, root, districts, units, names[done["movements"] : n_mov])
            done["movements"] = n_mov
            t2 = time.monotonic()
            attempts = int(args.attempts * share)
            people_to = attempts * 84 // 100
            with transaction.atomic():
                fill_contest(contest, root_units, (done["people"], people_to), (done["attempts"], attempts))
            done["people"], done["attempts"] = people_to, attempts
            t3 = time.monotonic()
            with connection.cursor() as cursor:
                # PostgreSQL: VACUUM too, as autovacuum leaves a settled registry (the visibility
                # map lets the covering indexes answer without visiting the table).
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            print(f"CSDL: {connection.vendor}; {label} dữ liệu: +{rows:,} khen thưởng ({t1 - t0:.0f} s), "
                  f"{n_mov} phong trào ({t2 - t1:.0f} s), {attempts:,} lượt thi / {people_to:,} thí sinh "
                  f"({t3 - t2:.0f} s), ANALYZE {time.monotonic() - t3:.0f} s")  # fmt: skip

            def summary():
                return figures.compute(unit=root, period_from=start, period_to=end)

            def docx():
                return documents.render(summary())

            def xlsx():
                return tables.render(summary())

            fig = summary()
            check(fig, run_raw(params))
            print(f"  kết quả khớp: {fig.award_totals['individual']:,} cá nhân được khen, "
                  f"{fig.people_ratings.rated:,} cá nhân xếp loại, {len(fig.movements)} phong trào "
                  f"({sum(m.indicators_met for m in fig.movements)}/{sum(m.indicators_total for m in fig.movements)} "
                  f"chỉ tiêu đạt), {sum(c.attempts for c in fig.contests):,} lượt thi")  # fmt: skip
            row: dict[str, float] = {}
            parts = []
            for name, queries in RAW.items():
                t = timed(
                    lambda queries=queries, name=name: run_raw(params, {name: queries}), args.n, deadline
                )
                parts.append(f"{name} {pct(t, 50):.0f}")
                row[f"sql {name}"] = pct(t, 50)
            q = timed(lambda: run_raw(params), args.n, deadline)
            row["sql"], row["sql50"] = pct(q, 95), pct(q, 50)
            for name, fn, target in (("summary", summary, 1000), ("DOCX", docx, 5000), ("XLSX", xlsx, 5000)):
                t = timed(fn, args.n, deadline)
                row[name] = pct(t, 95)
                ok &= row[name] <= target
                print(f"  {name:8s} p50 {pct(t, 50):8.1f} ms  p95 {row[name]:8.1f} ms  "
                      f"tỉ lệ/SQL {row[name] / row['sql']:.1f}×  mục tiêu ≤ {target} ms")  # fmt: skip
            print(
                f"  SQL thô  p50 {row['sql50']:8.1f} ms  p95 {row['sql']:8.1f} ms  (p50 từng phần, ms: {', '.join(parts)})"
            )
            results[label] = row
            if args.profile and share == 1.0:
                import cProfile
                import pstats

                prof = cProfile.Profile()
                prof.runcall(summary)
                pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        for name in ("summary", "DOCX", "XLSX", "sql"):
            print(f"  tăng trưởng 10 % → 100 %: {name} ×{results['100 %'][name] / results['10 %'][name]:.1f}")
        print(f"  mục tiêu: {'ĐẠT' if ok else 'KHÔNG ĐẠT'}; tổng {time.monotonic() - started:.0f} s")
        return 1 if args.strict and not ok else 0
    finally:
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
