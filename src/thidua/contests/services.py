"""Every write of the contests app: set-up by organisers, registration and
attempts by participants, and the statistics fold.

Organisers' services take ``actor`` (``None`` is the operator at the server:
CLI, demo — no scope check) and require ``contests.manage`` on the contest's
organising unit; each change writes an audit entry in its transaction.

Participants have no account. Their two writes are built for the closing-hour
peak and for abuse:

* ``participant_register`` is rate limited per client address (DB counter,
  see :mod:`thidua.contests.ratelimit`) and audited.
* ``attempt_start`` / ``attempt_submit``: all timing is the server's
  (``started_at``, ``deadline = min(start + limit, round close)``); a submit
  is a compare-and-set ``status=active → submitted`` so a double submit is
  counted once and answered with the same result; answers after the deadline
  (+ a few seconds for the network) are stored as "late" and never counted.
  These two are not written to the audit table: the attempt row itself is the
  record (server times, drawn questions, answers, score, never updated after
  the submit), and a second insert per submit would double the peak load.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache as once
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit
from thidua.contests import ratelimit
from thidua.contests.enums import TRANSITIONS, AttemptStatus, CollectiveBasis, ContestStatus, QuestionKind
from thidua.contests.models import (
    MAX_OPTIONS,
    Attempt,
    Contest,
    DayTally,
    Invitation,
    Participant,
    Question,
    QuestionTally,
    Round,
    Topic,
    UnitTally,
)
from thidua.core import audit, rawsql
from thidua.core.errors import ConcurrentUpdate, DomainError, NotFound, PermissionDenied
from thidua.core.text import clean, fold, person_sort_key
from thidua.directory.models import Unit

MANAGE = Perm.MANAGE_CONTESTS
# Network slack after the deadline: a phone on 3G that pressed "Nộp bài" at
# 0 s still arrives a moment later. Longer would let people beat the limit.
SUBMIT_GRACE = dt.timedelta(seconds=5)
MAX_PREDICTION = 100_000_000
SETTINGS_FIELDS = (
    "name",
    "description",
    "questions_per_attempt",
    "time_limit_seconds",
    "attempts_per_round",
    "prediction_question",
    "prizes",
    "prize_per_round",
    "collective_prize_count",
    "collective_basis",
    "collective_prize_label",
    "collective_prize_amount",
    "points_per_percent",
)
MAX_PRIZE_MONEY = 10_000_000_000  # đồng: far above any contest's prize
_PHONE = re.compile(r"^0\d{9,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
ATTEMPT_NOT_FOUND = "Không tìm thấy lượt thi."


def _require(actor: Any, contest_unit: Unit) -> None:
    if actor is not None and not can_on_unit(actor, MANAGE, contest_unit):
        raise PermissionDenied("Bạn không có quyền quản lý cuộc thi của đơn vị này.")


def _text(value: Any, label: str, max_length: int, *, required: bool = True) -> str:
    try:
        text = clean(value, max_length=max_length)
    except ValueError as exc:
        raise DomainError(f"{label} dài quá {max_length} ký tự.") from exc
    if required and not text:
        raise DomainError(f"{label} không được để trống.")
    return text


# --- set-up ----------------------------------------------------------------------------


def _validate_prizes(prizes: Any) -> list[dict[str, Any]]:
    if not isinstance(prizes, list) or len(prizes) > 10:
        raise DomainError("Cơ cấu giải phải là danh sách tối đa 10 mức giải.")
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(prizes, start=1):
        if not isinstance(item, Mapping):
            raise DomainError(f"Mức giải thứ {i} không hợp lệ.")
        label = _text(item.get("label"), f"Tên mức giải thứ {i}", 60)
        level = slugify(fold(item.get("level") or label))[:20] or f"muc{i}"
        count = item.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 1000:
            raise DomainError(f"Số giải của «{label}» phải là số nguyên từ 0 đến 1.000.")
        if level in seen:
            raise DomainError(f"Mức giải «{label}» bị lặp lại.")
        amount = item.get("amount", 0) or 0
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= MAX_PRIZE_MONEY:
            raise DomainError(f"Tiền thưởng của «{label}» phải là số đồng không âm.")
        points = item.get("points", 0) or 0
        if not isinstance(points, int) or isinstance(points, bool) or not 0 <= points <= 10_000:
            raise DomainError(f"Điểm cho đơn vị của «{label}» phải là số nguyên từ 0 đến 10.000.")
        seen.add(level)
        result.append({"level": level, "label": label, "count": count, "amount": amount, "points": points})
    return result


def _validate_settings(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "name" in out:
        out["name"] = _text(out["name"], "Tên cuộc thi", 255)
    if "description" in out:
        out["description"] = _text(out["description"], "Giới thiệu", 5000, required=False)
    if "prediction_question" in out:
        out["prediction_question"] = _text(out["prediction_question"], "Câu hỏi dự đoán", 300, required=False)
    bounds = {
        "questions_per_attempt": (1, 200, "Số câu mỗi lượt thi"),
        "time_limit_seconds": (30, 86400, "Thời gian mỗi lượt (giây)"),
        "attempts_per_round": (1, 100, "Số lượt thi mỗi đợt"),
        "collective_prize_count": (0, 500, "Số giải tập thể"),
    }
    for key, (low, high, label) in bounds.items():
        if key in out:
            v = out[key]
            if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high:
                raise DomainError(f"{label} phải từ {low:,} đến {high:,}.".replace(",", "."))
    if "prizes" in out:
        out["prizes"] = _validate_prizes(out["prizes"])
    if "collective_basis" in out and out["collective_basis"] not in CollectiveBasis.values:
        raise DomainError("Cách xét giải tập thể không hợp lệ.")
    if "collective_prize_label" in out:
        out["collective_prize_label"] = _text(out["collective_prize_label"], "Tên giải tập thể", 60)
    if "collective_prize_amount" in out:
        v = out["collective_prize_amount"]
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= MAX_PRIZE_MONEY:
            raise DomainError("Tiền thưởng mỗi giải tập thể phải là số đồng không âm.")
    if "points_per_percent" in out:
        try:
            v = Decimal(str(out["points_per_percent"]))
        except (InvalidOperation, ValueError) as exc:
            raise DomainError("Điểm cho mỗi 1% người tham gia phải là một số.") from exc
        if not v.is_finite() or not Decimal(0) <= v <= Decimal(1000) or v != v.quantize(Decimal("0.01")):
            raise DomainError(
                "Điểm cho mỗi 1% người tham gia phải từ 0 đến 1.000, tối đa hai chữ số thập phân."
            )
        out["points_per_percent"] = v
    return out


def _unique_slug(name: str) -> str:
    base = slugify(fold(name))[:50].strip("-") or "cuoc-thi"
    return f"{base}-{secrets.token_hex(3)}"


def contest_create(*, actor: Any, organiser: Unit, name: str, **settings_values: Any) -> Contest:
    """A new contest in draft, organised by ``organiser`` (the actor's scope)."""
    _require(actor, organiser)
    unknown = set(settings_values) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError("Thiết lập không hợp lệ: " + ", ".join(sorted(unknown)) + ".")
    values = _validate_settings({"name": name, **settings_values})
    with transaction.atomic():
        contest = Contest.objects.create(organiser=organiser, slug=_unique_slug(values["name"]), **values)
        audit.record(actor=actor, action="contests.create", obj=contest, after=audit.snapshot(contest))
    return contest


def contest_update(
    *, actor: Any, contest: Contest, expected_version: int | None = None, **changes: Any
) -> Contest:
    """Change settings (optimistic lock on ``version``). Drawing rules cannot
    change once an attempt exists: earlier attempts would not be comparable."""
    _require(actor, contest.organiser)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError("Thiết lập không hợp lệ: " + ", ".join(sorted(unknown)) + ".")
    values = _validate_settings(changes)
    frozen = {"questions_per_attempt", "time_limit_seconds"}
    if frozen & {k for k, v in values.items() if getattr(contest, k) != v} and contest.attempts.exists():
        raise DomainError("Đã có người thi: không thể đổi số câu hoặc thời gian mỗi lượt.")
    with transaction.atomic():
        before = audit.snapshot(contest)
        version = contest.version if expected_version is None else expected_version
        done = Contest.objects.filter(pk=contest.pk, version=version).update(
            version=F("version") + 1, updated_at=timezone.now(), **values
        )
        if not done:
            raise ConcurrentUpdate()
        contest.refresh_from_db()
        audit.record(
            actor=actor, action="contests.update", obj=contest, before=before, after=audit.snapshot(contest)
        )
    return contest


def _check_ready(contest: Contest) -> None:
    """Refuse to open a contest that could not serve a full attempt."""
    problems: list[str] = []
    if not contest.rounds.exists():
        problems.append("chưa có đợt thi nào")
    if not contest.invitations.exists():
        problems.append("chưa mời đơn vị nào")
    bank = _bank(contest)
    total = sum(len(ids) for ids in bank.by_topic.values())
    quotas = 0
    for topic in contest.topics.all():
        have = len(bank.by_topic.get(topic.pk, ()))
        quotas += topic.quota
        if topic.quota > have:
            problems.append(f"chủ đề «{topic.name}» cần {topic.quota} câu mỗi lượt nhưng chỉ có {have} câu")
    if quotas > contest.questions_per_attempt:
        problems.append(
            f"tổng số câu theo chủ đề ({quotas}) vượt số câu mỗi lượt ({contest.questions_per_attempt})"
        )
    if total < contest.questions_per_attempt:
        problems.append(f"ngân hàng có {total} câu, ít hơn số câu mỗi lượt ({contest.questions_per_attempt})")
    if problems:
        raise DomainError("Chưa thể mở cuộc thi: " + "; ".join(problems) + ".")


def contest_set_status(*, actor: Any, contest: Contest, status: str) -> Contest:
    _require(actor, contest.organiser)
    if status not in TRANSITIONS.get(contest.status, frozenset()):
        raise DomainError(
            f"Không thể chuyển cuộc thi từ «{ContestStatus(contest.status).label}» sang "
            f"«{ContestStatus(status).label if status in ContestStatus.values else status}»."
        )
    if status == ContestStatus.OPEN:
        _check_ready(contest)
    with transaction.atomic():
        done = Contest.objects.filter(pk=contest.pk, status=contest.status).update(
            status=status, version=F("version") + 1
        )
        if not done:
            raise ConcurrentUpdate()
        before = {"status": contest.status}
        contest.refresh_from_db()
        audit.record(
            actor=actor, action="contests.status", obj=contest, before=before, after={"status": status}
        )
    return contest


def invitations_set(
    *, actor: Any, contest: Contest, units: Sequence[tuple[Unit, int | None]]
) -> list[Invitation]:
    """Replace the invited units (subtree roots) with their optional headcounts.
    A unit inside another invited unit's subtree is refused: it would be counted twice."""
    _require(actor, contest.organiser)
    seen: dict[int, Unit] = {}
    for unit, headcount in units:
        if headcount is not None and not 0 < headcount <= 10_000_000:
            raise DomainError(f"Số người của «{unit.name}» phải lớn hơn 0.")
        seen[unit.pk] = unit
    ordered = sorted(seen.values(), key=lambda u: u.path)
    for a in ordered:
        for b in ordered:
            if a.pk != b.pk and b.path.startswith(a.path):
                raise DomainError(f"«{b.name}» đã nằm trong «{a.name}»; chỉ mời đơn vị cấp trên.")
    with transaction.atomic():
        before = {"units": sorted(contest.invitations.values_list("unit_id", flat=True))}
        contest.invitations.all().delete()
        rows = [Invitation(contest=contest, unit=u, headcount=h) for u, h in units if u.pk in seen]
        rows = list({r.unit_id: r for r in rows}.values())
        Invitation.objects.bulk_create(rows)
        audit.record(
            actor=actor,
            action="contests.invite",
            obj=contest,
            before=before,
            after={
                "units": sorted(r.unit_id for r in rows),
                "headcounts": {r.unit_id: r.headcount for r in rows},
            },
        )
    return list(contest.invitations.select_related("unit").order_by("unit__path"))


def round_create(
    *, actor: Any, contest: Contest, name: str, opens_at: dt.datetime, closes_at: dt.datetime
) -> Round:
    _require(actor, contest.organiser)
    name = _text(name, "Tên đợt", 120)
    if closes_at <= opens_at:
        raise DomainError("Thời điểm đóng đợt phải sau thời điểm mở.")
    with transaction.atomic():
        for other in contest.rounds.select_for_update():
            if other.opens_at < closes_at and opens_at < other.closes_at:
                raise DomainError(f"Đợt này trùng thời gian với «{other.name}».")
        number = (contest.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        rnd = Round.objects.create(
            contest=contest, number=number, name=name, opens_at=opens_at, closes_at=closes_at
        )
        audit.record(actor=actor, action="contests.round_create", obj=rnd, after=audit.snapshot(rnd))
    return rnd


def topic_create(*, actor: Any, contest: Contest, name: str, quota: int = 0) -> Topic:
    _require(actor, contest.organiser)
    name = _text(name, "Tên chủ đề", 200)
    if not 0 <= quota <= 200:
        raise DomainError("Số câu mỗi lượt của chủ đề phải từ 0 đến 200.")
    if contest.topics.filter(name=name).exists():
        raise DomainError(f"Chủ đề «{name}» đã có.")
    with transaction.atomic():
        topic = Topic.objects.create(contest=contest, name=name, quota=quota)
        Contest.objects.filter(pk=contest.pk).update(bank_version=F("bank_version") + 1)
        audit.record(actor=actor, action="contests.topic_create", obj=topic, after=audit.snapshot(topic))
    return topic


def validate_question(
    kind: str, text: Any, options: Any, correct: Iterable[int]
) -> tuple[str, list[str], int]:
    """(text, options, correct bitmask) or a DomainError in Vietnamese."""
    text = _text(text, "Nội dung câu hỏi", 2000)
    if kind not in QuestionKind.values:
        raise DomainError("Loại câu hỏi phải là chọn một hoặc chọn nhiều đáp án.")
    if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
        raise DomainError(f"Câu hỏi phải có từ 2 đến {MAX_OPTIONS} phương án.")
    cleaned = [_text(o, f"Phương án {chr(65 + i)}", 500) for i, o in enumerate(options)]
    if len({fold(o) for o in cleaned}) != len(cleaned):
        raise DomainError("Hai phương án trả lời giống nhau.")
    marks = sorted(set(correct))
    if not marks:
        raise DomainError("Chưa chọn đáp án đúng.")
    if any(not 0 <= i < len(cleaned) for i in marks):
        raise DomainError("Đáp án đúng phải là một trong các phương án đã có.")
    if kind == QuestionKind.SINGLE and len(marks) != 1:
        raise DomainError("Câu hỏi chọn một đáp án phải có đúng một đáp án đúng.")
    return text, cleaned, sum(1 << i for i in marks)


def question_create(
    *, actor: Any, topic: Topic, text: str, options: list[str], correct: Iterable[int], kind: str = "single"
) -> Question:
    contest = topic.contest
    _require(actor, contest.organiser)
    text, options, mask = validate_question(kind, text, options, correct)
    with transaction.atomic():
        q = Question.objects.create(
            contest=contest, topic=topic, text=text, kind=kind, options=options, correct_mask=mask
        )
        Contest.objects.filter(pk=contest.pk).update(bank_version=F("bank_version") + 1)
        audit.record(actor=actor, action="contests.question_create", obj=q, after=audit.snapshot(q))
    return q


def questions_bulk_create(*, actor: Any, contest: Contest, rows: list[dict[str, Any]]) -> int:
    """Write validated import rows (topic name, kind, text, options, mask) at once."""
    _require(actor, contest.organiser)
    with transaction.atomic():
        topics = {t.name: t for t in contest.topics.all()}
        for row in rows:
            if row["topic"] not in topics:
                topics[row["topic"]] = Topic.objects.create(contest=contest, name=row["topic"], quota=0)
        created = Question.objects.bulk_create(
            [
                Question(
                    contest=contest,
                    topic=topics[r["topic"]],
                    text=r["text"],
                    kind=r["kind"],
                    options=r["options"],
                    correct_mask=r["mask"],
                )
                for r in rows
            ]
        )
        Contest.objects.filter(pk=contest.pk).update(bank_version=F("bank_version") + 1)
        audit.record(
            actor=actor, action="contests.questions_import", obj=contest, after={"questions": len(created)}
        )
    return len(created)


def _question_used(question: Question) -> bool:
    """Has any attempt drawn this question? (Its tally row exists once a
    counted attempt showing it is folded; attempts still running or not yet
    folded are found through the contest's attempts.)"""
    if QuestionTally.objects.filter(question=question, shown__gt=0).exists():
        return True
    return Attempt.objects.filter(contest_id=question.contest_id).exists()


def question_update(
    *,
    actor: Any,
    question: Question,
    text: str,
    options: list[str],
    correct: Iterable[int],
    kind: str | None = None,
    topic: Topic | None = None,
) -> Question:
    """Correct one question. Once attempts exist only the wording and the
    topic may change: new options or a new answer would score the attempts
    before and after the change differently."""
    contest = question.contest
    _require(actor, contest.organiser)
    kind = kind or question.kind
    text, options, mask = validate_question(kind, text, options, correct)
    if topic is not None and topic.contest_id != contest.pk:
        raise DomainError("Chủ đề không thuộc cuộc thi này.")
    changes_scoring = options != question.options or mask != question.correct_mask or kind != question.kind
    if changes_scoring and _question_used(question):
        raise DomainError(
            "Đã có người thi: chỉ sửa được lời văn câu hỏi và chủ đề, không đổi phương án hay đáp án. "
            "Hãy ngừng dùng câu này và thêm câu mới."
        )
    with transaction.atomic():
        before = audit.snapshot(question)
        Question.objects.filter(pk=question.pk).update(
            text=text, options=options, correct_mask=mask, kind=kind, topic=topic or question.topic
        )
        Contest.objects.filter(pk=contest.pk).update(bank_version=F("bank_version") + 1)
        question.refresh_from_db()
        audit.record(
            actor=actor,
            action="contests.question_update",
            obj=question,
            before=before,
            after=audit.snapshot(question),
        )
    return question


def question_delete(*, actor: Any, question: Question) -> str:
    """Remove a question from the bank: deleted when no attempt has drawn it,
    else only taken out of future draws (``active=False``) so the attempts and
    the answer statistics that show it stay whole. Returns "deleted" or
    "deactivated"."""
    contest = question.contest
    _require(actor, contest.organiser)
    with transaction.atomic():
        before = audit.snapshot(question)
        if _question_used(question):
            Question.objects.filter(pk=question.pk).update(active=False)
            outcome = "deactivated"
        else:
            QuestionTally.objects.filter(question=question).delete()
            Question.objects.filter(pk=question.pk).delete()
            outcome = "deleted"
        Contest.objects.filter(pk=contest.pk).update(bank_version=F("bank_version") + 1)
        audit.record(
            actor=actor,
            action="contests.question_delete",
            obj=contest,
            before=before,
            after={"outcome": outcome},
        )
    return outcome


def question_reactivate(*, actor: Any, question: Question) -> Question:
    contest = question.contest
    _require(actor, contest.organiser)
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(active=True)
        Contest.objects.filter(pk=contest.pk).update(bank_version=F("bank_version") + 1)
        audit.record(actor=actor, action="contests.question_reactivate", obj=question, after={"active": True})
    question.refresh_from_db()
    return question


# --- disqualification -------------------------------------------------------------------------


def participant_disqualify(*, actor: Any, participant: Participant, reason: str) -> Participant:
    """Loại thí sinh vì khai man (false name, unit, date of birth …): their
    attempts stop counting in the boards and the prizes, which pass to the
    next in order; the participation statistics keep them (they did take
    part). Reversible by :func:`participant_reinstate`."""
    contest = participant.contest
    _require(actor, contest.organiser)
    reason = _text(reason, "Lý do loại", 500)
    with transaction.atomic():
        done = Participant.objects.filter(pk=participant.pk, disqualified_at__isnull=True).update(
            disqualified_at=timezone.now(), disqualified_reason=reason
        )
        if not done:
            raise DomainError(f"{participant.full_name} đã bị loại trước đó.")
        participant.refresh_from_db()
        audit.record(
            actor=actor,
            action="contests.disqualify",
            obj=participant,
            before={"disqualified": False},
            after={"disqualified": True, "reason": reason},
        )
    return participant


def participant_reinstate(*, actor: Any, participant: Participant, note: str = "") -> Participant:
    """Undo a disqualification (the officer was wrong, or the data was proven)."""
    contest = participant.contest
    _require(actor, contest.organiser)
    note = _text(note, "Ghi chú", 500, required=False)
    with transaction.atomic():
        before = {"disqualified": True, "reason": participant.disqualified_reason}
        done = Participant.objects.filter(pk=participant.pk, disqualified_at__isnull=False).update(
            disqualified_at=None, disqualified_reason=""
        )
        if not done:
            raise DomainError(f"{participant.full_name} không bị loại.")
        participant.refresh_from_db()
        audit.record(
            actor=actor,
            action="contests.reinstate",
            obj=participant,
            before=before,
            after={"disqualified": False, "note": note},
        )
    return participant


# --- the question bank as the hot path sees it ----------------------------------------------


@dataclass(frozen=True)
class Bank:
    """What the hot path needs of a contest's set-up, cached per process."""

    by_topic: dict[int, list[int]]  # active question ids per topic
    quotas: dict[int, int]
    answer: dict[int, tuple[int, int, str]]  # id → (correct mask, number of options, kind)
    public: dict[int, tuple[str, str, list[str]]]  # id → (text, kind, options): no answer in it
    rounds: tuple[tuple[int, int, str, dt.datetime, dt.datetime], ...]  # (id, number, name, opens, closes)


def _bank(contest: Contest) -> Bank:
    """The set-up as of now (reads the current ``bank_version`` first)."""
    version = Contest.objects.filter(pk=contest.pk).values_list("bank_version", flat=True).first()
    return _bank_at(contest, version or 0)


# In front of the configured cache, which may pickle (locmem does, on every
# get): the hot path reads the bank twice per attempt.
_BANKS: dict[str, Bank] = {}


def _bank_at(contest: Contest, version: int) -> Bank:
    """The question bank and rounds, cached per process under ``bank_version``,
    which every change of questions, topics or rounds bumps — a request that
    loaded the contest row therefore never sees a stale copy, and a start or a
    submit needs no query for the bank. The slug (random suffix) is in the key
    so that a database restore that reuses ids cannot hit another contest's copy."""
    contest_id = contest.pk
    key = f"contests:bank:{contest_id}:{contest.slug}:{version}"
    bank = _BANKS.get(key) or cache.get(key)
    if bank is None:
        by_topic: dict[int, list[int]] = defaultdict(list)
        answer: dict[int, tuple[int, int, str]] = {}
        public: dict[int, tuple[str, str, list[str]]] = {}
        rows = Question.objects.filter(contest_id=contest_id, active=True).values_list(
            "id", "topic_id", "correct_mask", "options", "kind", "text"
        )
        for qid, topic_id, mask, options, kind, text in rows:
            by_topic[topic_id].append(qid)
            answer[qid] = (mask, len(options), kind)
            public[qid] = (text, kind, options)
        quotas = dict(Topic.objects.filter(contest_id=contest_id).values_list("id", "quota"))
        rounds = tuple(
            Round.objects.filter(contest_id=contest_id)
            .order_by("number")
            .values_list("id", "number", "name", "opens_at", "closes_at")
        )
        bank = Bank(dict(by_topic), quotas, answer, public, rounds)
        cache.set(key, bank, 3600)
    if key not in _BANKS:
        if len(_BANKS) >= 32:  # a handful of contests run at once; old versions go
            _BANKS.clear()
        _BANKS[key] = bank
    return bank


def draw_questions(bank: Bank, count: int, rng: random.Random | None = None) -> list[int]:
    """``quota`` questions of each topic, the rest from the remaining pool,
    shuffled so topics do not come in blocks."""
    rng = rng or random.SystemRandom()
    chosen: list[int] = []
    for topic_id, quota in bank.quotas.items():
        pool = bank.by_topic.get(topic_id, [])
        if quota:
            chosen += rng.sample(pool, min(quota, len(pool)))
    taken = set(chosen)
    rest = [q for ids in bank.by_topic.values() for q in ids if q not in taken]
    need = count - len(chosen)
    if need > len(rest):
        raise DomainError("Ngân hàng câu hỏi chưa đủ câu cho một lượt thi. Hãy báo Ban Tổ chức.")
    if need > 0:
        chosen += rng.sample(rest, need)
    rng.shuffle(chosen)
    return chosen[:count]


# --- participants ---------------------------------------------------------------------------


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def invited_unit_q(contest: Contest) -> Q:
    q = Q(pk__in=[])
    for path in contest.invitations.values_list("unit__path", flat=True):
        q |= Q(path__startswith=path)
    return q


def participant_register(
    *,
    contest: Contest,
    full_name: str,
    birth_date: dt.date | None,
    phone: str = "",
    email: str = "",
    unit: Unit | None = None,
    unit_text: str = "",
    ip: str | None = None,
    today: dt.date | None = None,
) -> Participant:
    """Register a participant (or, with the same contact and date of birth,
    give back the existing registration on a new phone)."""
    if contest.status != ContestStatus.OPEN:
        raise DomainError("Cuộc thi chưa mở hoặc đã kết thúc.")
    ratelimit.hit("register_ip", ip or "?")
    full_name = _text(full_name, "Họ và tên", 120)
    if not re.search(r"[^\W\d_]", full_name) or len(full_name) < 2:
        raise DomainError("Họ và tên không hợp lệ.")
    phone = normalise_phone(_text(phone, "Số điện thoại", 20, required=False))
    email = _text(email, "Thư điện tử", 254, required=False).lower()
    if not phone and not email:
        raise DomainError("Hãy nhập số điện thoại hoặc thư điện tử.")
    if phone and not _PHONE.match(phone):
        raise DomainError("Số điện thoại phải gồm 10 hoặc 11 chữ số, bắt đầu bằng 0.")
    if email and not _EMAIL.match(email):
        raise DomainError("Thư điện tử không hợp lệ.")
    today = today or timezone.localdate()
    if birth_date is None:
        raise DomainError("Hãy nhập ngày sinh.")
    if not dt.date(1900, 1, 1) <= birth_date <= today - dt.timedelta(days=365 * 6):
        raise DomainError("Ngày sinh không hợp lệ.")
    unit_text = _text(unit_text, "Tên đơn vị", 255, required=False)
    if unit is not None:
        if not Unit.objects.filter(invited_unit_q(contest), pk=unit.pk).exists():
            raise DomainError("Đơn vị đã chọn không thuộc các đơn vị được mời.")
        unit_text = ""
    elif not unit_text:
        raise DomainError("Hãy chọn đơn vị hoặc ghi tên đơn vị của bạn.")
    identity = phone or email
    existing = Participant.objects.filter(contest=contest, identity=identity).first()
    if existing is not None:
        ratelimit.hit("register_identity", f"{contest.pk}:{identity}")
        if existing.birth_date == birth_date:
            return existing
        raise DomainError("Số điện thoại hoặc thư điện tử này đã được dùng để đăng ký.")
    try:
        with transaction.atomic():
            p = Participant.objects.create(
                contest=contest,
                code=secrets.token_urlsafe(16),
                full_name=full_name,
                sort_key=person_sort_key(full_name),
                phone=phone,
                email=email,
                birth_date=birth_date,
                identity=identity,
                unit=unit,
                unit_text=unit_text,
            )
            audit.record(
                actor=f"thí sinh {p.pk}", action="contests.register", obj=p, after={"unit": p.unit_id}
            )
    except IntegrityError as exc:  # the same person twice at once
        raise DomainError("Số điện thoại hoặc thư điện tử này đã được dùng để đăng ký.") from exc
    return p


def participant_by_code(contest: Contest, code: str | None) -> Participant | None:
    if not code or len(code) > 32:
        return None
    return Participant.objects.filter(contest=contest, code=code).first()


# --- attempts -------------------------------------------------------------------------------


def current_round(contest: Contest, now: dt.datetime | None = None) -> Round | None:
    """The round open at ``now`` (from the cached set-up; no query when warm)."""
    now = now or timezone.now()
    for pk, number, name, opens_at, closes_at in _bank_at(contest, contest.bank_version).rounds:
        if opens_at <= now <= closes_at:
            return Round(
                pk=pk, contest=contest, number=number, name=name, opens_at=opens_at, closes_at=closes_at
            )
    return None


# The closing-hour path (participants' API start and submit) reads and writes
# through hand-written SQL (core.rawsql): compiling the ORM queries cost more
# CPU than the rest of the request. Built once per process; values still go
# through the fields' conversions, so it runs the same on SQLite and PostgreSQL.
_HOT_CONTEST = ("id", "slug", "status", "bank_version", "attempts_per_round", "questions_per_attempt",
                "time_limit_seconds", "prediction_question")  # fmt: skip
_HOT_PARTICIPANT = ("id", "contest", "code", "disqualified_at")
_HOT_ATTEMPT = ("id", "contest", "round", "participant", "seq", "token", "status", "started_at", "deadline",
                "submitted_at", "question_ids", "answers", "correct_count", "score", "all_correct",
                "duration_ms", "prediction")  # fmt: skip
_MINE = ("id", "round", "seq", "status", "deadline")


@once
def _hot_sql() -> dict[str, str]:
    # Identifiers come from the models' metadata, values are parameters.
    c, p, a = rawsql.columns, rawsql.table, rawsql.column
    return {
        "participant": (
            f"SELECT {c(Participant, _HOT_PARTICIPANT, 'p')}, {c(Contest, _HOT_CONTEST, 'c')} "  # noqa: S608
            f"FROM {p(Participant)} p JOIN {p(Contest)} c ON c.{a(Contest, 'id')} = p.{a(Participant, 'contest')} "
            f"WHERE p.{a(Participant, 'code')} = %s AND c.{a(Contest, 'slug')} = %s "
            f"AND c.{a(Contest, 'status')} <> %s"
        ),
        "mine": f"SELECT {c(Attempt, _MINE)} FROM {p(Attempt)} WHERE {a(Attempt, 'participant')} = %s",  # noqa: S608
        "attempt": (
            f"SELECT {c(Attempt, _HOT_ATTEMPT, 'a')}, {c(Contest, ('slug', 'bank_version'), 'c')} "  # noqa: S608
            f"FROM {p(Attempt)} a JOIN {p(Participant)} p ON p.{a(Participant, 'id')} = a.{a(Attempt, 'participant')} "
            f"JOIN {p(Contest)} c ON c.{a(Contest, 'id')} = a.{a(Attempt, 'contest')} "
            f"WHERE a.{a(Attempt, 'token')} = %s AND p.{a(Participant, 'code')} = %s AND c.{a(Contest, 'slug')} = %s"
        ),
    }


def participant_for_public(slug: str, code: str | None) -> Participant | None:
    """The participant with this code in the public contest ``slug``, with the
    contest's hot fields loaded (one query: the API's start runs on it)."""
    if not code or len(code) > 32:
        return None
    row = rawsql.fetch_one(_hot_sql()["participant"], [code, slug, ContestStatus.DRAFT])
    if row is None:
        return None
    n = len(_HOT_PARTICIPANT)
    participant = rawsql.load(Participant, _HOT_PARTICIPANT, row[:n])
    participant.contest = rawsql.load(Contest, _HOT_CONTEST, row[n:])
    return participant


def attempt_start(*, participant: Participant, now: dt.datetime | None = None) -> Attempt:
    """Start an attempt in the open round, or give back the one still running
    (one active attempt at a time: a second tab resumes, it does not restart)."""
    now = now or timezone.now()
    contest = participant.contest
    if contest.status != ContestStatus.OPEN:
        raise DomainError("Cuộc thi chưa mở hoặc đã kết thúc.")
    rnd = current_round(contest, now)
    if rnd is None:
        raise DomainError("Hiện không có đợt thi nào đang mở.")
    if participant.disqualified_at is not None:
        raise DomainError("Bạn đã bị loại khỏi cuộc thi này. Mọi thắc mắc xin liên hệ ban tổ chức.")
    # One query for the participant's attempts (a handful): the running one,
    # the ones that ran out of time, and the turns used in this round.
    mine = [
        rawsql.load(Attempt, _MINE, row) for row in rawsql.fetch_all(_hot_sql()["mine"], [participant.pk])
    ]
    stale = [a.pk for a in mine if a.status == AttemptStatus.ACTIVE and a.deadline < now - SUBMIT_GRACE]
    if stale:
        Attempt.objects.filter(pk__in=stale, status=AttemptStatus.ACTIVE).update(status=AttemptStatus.EXPIRED)
    running = next((a for a in mine if a.status == AttemptStatus.ACTIVE and a.pk not in stale), None)
    if running is not None:
        return Attempt.objects.select_related("contest", "round").get(pk=running.pk)
    used = sum(1 for a in mine if a.round_id == rnd.pk)
    if used >= contest.attempts_per_round:
        raise DomainError(f"Bạn đã dùng hết {contest.attempts_per_round} lượt thi của {rnd.name}.")
    bank = _bank_at(contest, contest.bank_version)
    attempt = Attempt(
        contest=contest,
        round=rnd,
        participant=participant,
        seq=used + 1,
        token=secrets.token_urlsafe(16),
        status=AttemptStatus.ACTIVE,
        started_at=now,
        deadline=min(now + dt.timedelta(seconds=contest.time_limit_seconds), rnd.closes_at),
        question_ids=draw_questions(bank, contest.questions_per_attempt),
    )
    try:
        # a single INSERT (autocommit): the unique constraints settle races
        rawsql.insert(attempt, [f.name for f in Attempt._meta.concrete_fields if not f.primary_key])
        return attempt
    except IntegrityError as exc:  # two starts at once: the other one won
        running = Attempt.objects.filter(participant=participant, status=AttemptStatus.ACTIVE).first()
        if running is not None:
            return running
        raise ConcurrentUpdate("Bạn vừa bắt đầu một lượt thi khác. Hãy tải lại trang.") from exc


def attempt_for(participant: Participant, token: str) -> Attempt:
    """The participant's own attempt; someone else's answers 404 like a wrong token."""
    attempt = (
        Attempt.objects.select_related("contest", "round")
        .filter(token=token, participant=participant)
        .first()
        if token and len(token) <= 32
        else None
    )
    if attempt is None:
        raise NotFound(ATTEMPT_NOT_FOUND)
    return attempt


def _masks(attempt: Attempt, answers: Mapping[Any, Any], bank: Bank) -> list[int]:
    position = {qid: i for i, qid in enumerate(attempt.question_ids)}
    masks = [0] * len(attempt.question_ids)
    if not isinstance(answers, Mapping):
        raise DomainError("Bài làm không hợp lệ.")
    for key, chosen in answers.items():
        try:
            qid = int(key)
        except (TypeError, ValueError) as exc:
            raise DomainError("Bài làm có mã câu hỏi không hợp lệ.") from exc
        if qid not in position:
            raise DomainError(f"Câu hỏi mã {qid} không thuộc lượt thi này.")
        _, n_options, kind = bank.answer.get(qid, (0, 0, "single"))
        picks = chosen if isinstance(chosen, list | tuple) else [chosen]
        mask = 0
        for pick in picks:
            if isinstance(pick, bool) or not isinstance(pick, int) or not 0 <= pick < n_options:
                raise DomainError(f"Lựa chọn không hợp lệ ở câu hỏi mã {qid}.")
            mask |= 1 << pick
        if kind == QuestionKind.SINGLE and mask.bit_count() > 1:
            raise DomainError(f"Câu hỏi mã {qid} chỉ được chọn một đáp án.")
        masks[position[qid]] = mask
    return masks


def attempt_submit(
    *,
    participant: Participant,
    token: str,
    answers: Mapping[Any, Any],
    prediction: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[Attempt, bool]:
    """Score and store one submission. Returns (attempt, counted_now): a repeat
    of an already submitted attempt returns it unchanged with ``False``."""
    return _submit(attempt_for(participant, token), answers, prediction, now or timezone.now())


def attempt_submit_public(
    *, slug: str, code: str | None, token: str, answers: Mapping[Any, Any], prediction: int | None = None
) -> tuple[Attempt, bool]:
    """The API's submit: the attempt, its contest and owner in one query
    (token + participant code + contest slug must all match; else 404)."""
    row = (
        rawsql.fetch_one(_hot_sql()["attempt"], [token, code, slug])
        if token and code and len(token) <= 32 and len(code) <= 32
        else None
    )
    if row is None:
        raise NotFound(ATTEMPT_NOT_FOUND)
    n = len(_HOT_ATTEMPT)
    attempt = rawsql.load(Attempt, _HOT_ATTEMPT, row[:n])
    attempt.contest = rawsql.load(Contest, ("id", "slug", "bank_version"), (attempt.contest_id, *row[n:]))
    return _submit(attempt, answers, prediction, timezone.now())


def _submit(
    attempt: Attempt, answers: Mapping[Any, Any], prediction: int | None, now: dt.datetime
) -> tuple[Attempt, bool]:
    if attempt.status != AttemptStatus.ACTIVE:
        return attempt, False
    contest = attempt.contest
    if prediction is not None and not 0 <= prediction <= MAX_PREDICTION:
        raise DomainError("Số dự đoán không hợp lệ.")
    bank = _bank_at(contest, contest.bank_version)
    masks = _masks(attempt, answers, bank)
    if now > attempt.deadline + SUBMIT_GRACE:
        Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.ACTIVE).update(
            status=AttemptStatus.LATE, submitted_at=now, answers=masks, prediction=prediction
        )
        attempt.refresh_from_db()
        return attempt, False
    correct = 0
    for qid, mask in zip(attempt.question_ids, masks, strict=True):
        expected = bank.answer.get(qid)
        if expected is None:  # deactivated after the draw: judged from the row
            expected = (Question.objects.filter(pk=qid).values_list("correct_mask", flat=True).first(), 0, "")
        if mask and mask == expected[0]:
            correct += 1
    total = len(attempt.question_ids)
    duration = max(0, int((now - attempt.started_at).total_seconds() * 1000))
    values = {
        "status": AttemptStatus.SUBMITTED,
        "submitted_at": now,
        "answers": masks,
        "correct_count": correct,
        "score": correct,
        "all_correct": correct == total,
        "duration_ms": duration,
        "prediction": prediction,
        "pending_tally": True,
    }
    # One UPDATE, compare-and-set on the status: of two concurrent submits of
    # the same attempt exactly one matches; the other reads the stored result.
    # Nothing shared is written here (the participant's running figures and the
    # counters are folded later by tally_pending), so submits never queue on a
    # common row at the closing hour.
    where = f"{rawsql.column(Attempt, 'id')} = %s AND {rawsql.column(Attempt, 'status')} = %s"
    if not rawsql.update(Attempt, values, where, [attempt.pk, AttemptStatus.ACTIVE]):
        attempt.refresh_from_db()
        return attempt, False
    for key, value in values.items():
        setattr(attempt, key, value)
    if _tasks_in_background():
        fold_soon(contest)  # at most once a minute per process: a dict lookup otherwise
    return attempt, True


def _tasks_in_background() -> bool:
    """Is there a worker to fold for us? With the immediate backend (tests, CLI)
    a queued fold would run inside this participant's submit: leave the fold to
    the readers and ``thidua contest_tally`` instead."""
    from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django.tasks.backends.immediate import ImmediateBackend

    return not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


def attempt_review(attempt: Attempt) -> list[dict[str, Any]]:
    """The questions of a finished attempt with the participant's choices and,
    only now, the correct options."""
    if attempt.status == AttemptStatus.ACTIVE:
        raise DomainError("Lượt thi chưa nộp: chưa thể xem đáp án.")
    questions = Question.objects.in_bulk(attempt.question_ids)
    masks = attempt.answers or [0] * len(attempt.question_ids)
    out = []
    for i, (qid, mask) in enumerate(zip(attempt.question_ids, masks, strict=True), start=1):
        q = questions.get(qid)
        if q is None:
            continue
        out.append(
            {
                "number": i,
                "id": qid,
                "text": q.text,
                "options": [
                    {
                        "index": j,
                        "text": o,
                        "chosen": bool(mask >> j & 1),
                        "correct": bool(q.correct_mask >> j & 1),
                    }
                    for j, o in enumerate(q.options)
                ],
                "right": bool(mask) and mask == q.correct_mask,
            }
        )
    return out


# --- statistics fold ----------------------------------------------------------------------


def tally_pending(contest: Contest, *, batch: int = 5000) -> int:
    """Fold counted attempts not yet in the counter tables into them. Returns
    how many attempts were folded.

    Nothing pending (the usual case once the periodic fold runs): one indexed
    existence check on the partial index ``contest_att_pending``, no lock.
    Otherwise each batch first locks the contest row, so folds of one contest
    take turns (submits never lock that row), and reads its batch and the
    participants' running figures with ``SELECT … FOR UPDATE``: those reads
    go to the primary even inside a report (the router sends only plain reads
    to the replica), so a lagging replica can never make a batch be counted twice."""
    if not Attempt.objects.filter(contest=contest, pending_tally=True).exists():
        return 0
    done = 0
    while True:
        with transaction.atomic():
            Contest.objects.select_for_update().filter(pk=contest.pk).values_list("pk", flat=True).first()
            rows = list(
                Attempt.objects.select_for_update()
                .filter(contest=contest, pending_tally=True)
                .values_list(
                    "id", "submitted_at", "question_ids", "answers", "all_correct", "participant_id", "score"
                )[:batch]
            )
            if not rows:
                return done
            masks = dict(Question.objects.filter(contest=contest).values_list("id", "correct_mask"))
            per_q: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
            options: dict[int, list[int]] = defaultdict(lambda: [0] * MAX_OPTIONS)
            per_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
            for _id, submitted_at, qids, answers, all_correct, _pid, _score in rows:
                day = timezone.localtime(submitted_at).date()
                per_day[day][0] += 1
                per_day[day][1] += int(all_correct)
                for qid, mask in zip(qids, answers or [], strict=False):
                    stat = per_q[qid]
                    stat[0] += 1
                    if mask == 0:
                        stat[2] += 1
                    elif mask == masks.get(qid):
                        stat[1] += 1
                    counts = options[qid]
                    bit = 0
                    while mask:
                        if mask & 1:
                            counts[bit] += 1
                        mask >>= 1
                        bit += 1
            existing = {
                t.question_id: t
                for t in QuestionTally.objects.select_for_update().filter(question_id__in=per_q)
            }
            new, changed = [], []
            for qid, (shown, right, blank) in per_q.items():
                if qid not in masks:
                    continue
                t = existing.get(qid)
                if t is None:
                    t = QuestionTally(question_id=qid, option_counts=[0] * MAX_OPTIONS)
                    new.append(t)
                else:
                    changed.append(t)
                t.shown += shown
                t.correct += right
                t.blank += blank
                base = list(t.option_counts) + [0] * (MAX_OPTIONS - len(t.option_counts))
                t.option_counts = [a + b for a, b in zip(base, options[qid], strict=False)]
            QuestionTally.objects.bulk_create(new)
            QuestionTally.objects.bulk_update(changed, ["shown", "correct", "blank", "option_counts"])
            for day, (n, right) in per_day.items():
                if not DayTally.objects.filter(contest=contest, day=day).update(
                    attempts=F("attempts") + n, all_correct=F("all_correct") + right
                ):
                    DayTally.objects.create(contest=contest, day=day, attempts=n, all_correct=right)
            _fold_participants(contest, [(r[5], r[6], r[4]) for r in rows])
            Attempt.objects.filter(pk__in=[r[0] for r in rows]).update(pending_tally=False)
            done += len(rows)


def _fold_participants(contest: Contest, scored: list[tuple[int, int, bool]]) -> None:
    """Add a batch of counted attempts — (participant, score, all correct) —
    to their participants' running figures (attempts, best score, fully
    correct attempts) and to the per-unit sums."""
    per: dict[int, list[int]] = {}
    for pid, score, all_correct in scored:
        n, best, ok = per.get(pid, (0, 0, 0))
        per[pid] = [n + 1, max(best, score), ok + int(all_correct)]
    people = list(
        Participant.objects.select_for_update()
        .filter(pk__in=per)
        .only("id", "unit_id", "attempt_count", "best_score", "all_correct_count")
    )
    top = contest.questions_per_attempt
    units: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for p in people:
        n, best, ok = per[p.pk]
        u = units[p.unit_id or 0]
        old_best = p.best_score or 0
        u[0] += p.attempt_count == 0
        u[1] += n
        u[2] += old_best < top <= best
        u[3] += p.all_correct_count == 0 and ok > 0
        p.attempt_count += n
        p.best_score = max(old_best, best)
        p.all_correct_count += ok
    rawsql.update_many(
        Participant,
        ("attempt_count", "best_score", "all_correct_count"),
        ((p.attempt_count, p.best_score, p.all_correct_count, p.pk) for p in people),
    )
    for key, (joined, attempts, at_max, all_ok) in units.items():
        if not UnitTally.objects.filter(contest=contest, unit_key=key).update(
            participants=F("participants") + joined,
            attempts=F("attempts") + attempts,
            max_score_participants=F("max_score_participants") + at_max,
            all_correct_participants=F("all_correct_participants") + all_ok,
        ):
            UnitTally.objects.create(
                contest=contest, unit_key=key, participants=joined, attempts=attempts,
                max_score_participants=at_max, all_correct_participants=all_ok,
            )  # fmt: skip


FOLD_EVERY = 60  # seconds: at most one queued fold per contest per minute


def fold_soon(contest: Contest) -> bool:
    """Queue the background fold of ``contest`` unless one was queued in the
    last minute (a cache key per contest; ``cache.add`` is atomic, so of many
    submits within the minute one enqueues). Call after a counted submit, on
    commit; the dashboard then finds little or nothing to fold. Returns
    whether a task was queued."""
    from thidua.contests.tasks import fold_contest

    if not cache.add(f"contests:fold:{contest.pk}", 1, FOLD_EVERY):
        return False
    pk = contest.pk
    transaction.on_commit(lambda: fold_contest.enqueue(pk))
    return True


def contest_prize_recipients(contest: Contest) -> list[dict[str, Any]]:
    """The ranked individual winners with their prize level, for the prize
    decision drafted in thidua.decisions (see :func:`ranking.contest_prize_recipients`).
    A read: kept here so the decisions app has one entry point in services."""
    from thidua.contests.ranking import contest_prize_recipients as recipients

    return recipients(contest)
