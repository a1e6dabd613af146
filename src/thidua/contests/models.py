"""Models of Cuộc thi trực tuyến (online knowledge contests).

Shape chosen for the closing-hour peak (≥ 500 submits/s) and for statistics
over millions of attempts:

* An attempt keeps its drawn question ids and the chosen options as two JSON
  arrays (one integer bitmask per question: bit *i* = option *i* chosen) on the
  attempt row itself. A submit is then ONE row update (plus the participant's
  running best), instead of 20 answer rows: measured in bench/contest_load.py.
* The per-question answer distribution and the per-day counts are not computed
  from those arrays on every dashboard view: counted attempts are flagged
  ``pending_tally`` and folded into small counter tables (``QuestionTally``,
  ``DayTally``) by :func:`thidua.contests.services.tally_pending`, in batches,
  when the dashboard is opened. Updating 20 shared counter rows inside every
  submit would serialise the submits on those rows (hot-row locks); a deferred
  fold keeps the submit path free of shared rows.
* The participant row carries running figures (best score, attempts, fully
  correct attempts) and ``UnitTally`` the per-unit sums of them, folded in with
  the counters: the dashboard reads tables whose size is the number of units,
  days and questions, whatever the number of attempts. A submit therefore
  writes its own attempt row only.

Correct answers (``Question.correct_mask``) stay on the server; nothing sends
them to a participant before their attempt is submitted.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from thidua.contests.enums import AttemptStatus, CollectiveBasis, ContestStatus, QuestionKind
from thidua.directory.models import Unit

MAX_OPTIONS = 8


def default_prizes() -> list[dict[str, object]]:
    from thidua.contests.enums import DEFAULT_PRIZES

    return [dict(p) for p in DEFAULT_PRIZES]


class Contest(models.Model):
    name = models.CharField("tên cuộc thi", max_length=255)
    slug = models.SlugField("địa chỉ công khai", max_length=80, unique=True)
    organiser = models.ForeignKey(
        Unit, verbose_name="đơn vị tổ chức", on_delete=models.PROTECT, related_name="organised_contests"
    )
    description = models.TextField("giới thiệu", blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=ContestStatus.choices, default="draft")
    questions_per_attempt = models.PositiveSmallIntegerField("số câu mỗi lượt thi", default=20)
    time_limit_seconds = models.PositiveIntegerField("thời gian mỗi lượt (giây)", default=900)
    attempts_per_round = models.PositiveSmallIntegerField("số lượt thi mỗi đợt", default=3)
    prediction_question = models.CharField(
        "câu hỏi dự đoán",
        max_length=300,
        blank=True,
        default="Dự đoán số người trả lời đúng tất cả các câu hỏi",
    )
    prizes = models.JSONField("cơ cấu giải cá nhân", default=default_prizes)
    prize_per_round = models.BooleanField("trao giải theo từng đợt", default=False)
    collective_prize_count = models.PositiveSmallIntegerField("số giải tập thể", default=0)
    collective_basis = models.CharField(
        "cách xét giải tập thể", max_length=10, choices=CollectiveBasis.choices, default="rate"
    )
    collective_prize_label = models.CharField("tên giải tập thể", max_length=60, default="Giải tập thể")
    collective_prize_amount = models.PositiveBigIntegerField("tiền thưởng mỗi giải tập thể (đồng)", default=0)
    # Collective prizes by points: a unit scores points_per_percent for each
    # percentage point of participation, plus each prize level's ``points``
    # for every individual winner of the unit (the prize table holds them).
    points_per_percent = models.DecimalField(
        "điểm cho mỗi 1% người tham gia", max_digits=6, decimal_places=2, default=1
    )
    prize_decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name="quyết định trao giải",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    bank_version = models.PositiveIntegerField("phiên bản ngân hàng câu hỏi", default=1, editable=False)
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cuộc thi"
        verbose_name_plural = "cuộc thi"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(questions_per_attempt__gte=1), name="contest_questions_min"),
            models.CheckConstraint(condition=Q(time_limit_seconds__gte=30), name="contest_time_min"),
            models.CheckConstraint(condition=Q(attempts_per_round__gte=1), name="contest_attempts_min"),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An invited unit: the root of a subtree whose people may take part.
    ``headcount`` (số người của đơn vị) is the denominator of the participation
    rate; when empty, the people of the subtree in the directory are counted."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị được mời", on_delete=models.PROTECT, related_name="+")
    headcount = models.PositiveIntegerField("số người của đơn vị", null=True, blank=True)

    class Meta:
        verbose_name = "đơn vị được mời"
        verbose_name_plural = "đơn vị được mời"
        constraints = [models.UniqueConstraint(fields=["contest", "unit"], name="contest_invitation_unique")]

    def __str__(self) -> str:
        return f"{self.contest} — {self.unit}"


class Round(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("đợt số")
    name = models.CharField("tên đợt", max_length=120)
    opens_at = models.DateTimeField("mở lúc")
    closes_at = models.DateTimeField("đóng lúc")

    class Meta:
        verbose_name = "đợt thi"
        verbose_name_plural = "đợt thi"
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="contest_round_number_unique"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="contest_round_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A chủ đề of the bank; ``quota`` questions of it are drawn into every
    attempt (0: only drawn as filler when the quotas leave room)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField("chủ đề", max_length=200)
    quota = models.PositiveSmallIntegerField("số câu mỗi lượt", default=0)

    class Meta:
        verbose_name = "chủ đề"
        verbose_name_plural = "chủ đề"
        ordering = ["contest", "id"]
        constraints = [models.UniqueConstraint(fields=["contest", "name"], name="contest_topic_unique")]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="questions")
    topic = models.ForeignKey(
        Topic, verbose_name="chủ đề", on_delete=models.PROTECT, related_name="questions"
    )
    text = models.TextField("câu hỏi")
    kind = models.CharField("loại", max_length=10, choices=QuestionKind.choices, default="single")
    options = models.JSONField("các phương án")  # list of strings, 2..8
    correct_mask = models.PositiveSmallIntegerField("đáp án đúng (bitmask)")
    active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "câu hỏi"
        verbose_name_plural = "câu hỏi"
        ordering = ["contest", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(correct_mask__gt=0), name="contest_question_has_answer")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Participant(models.Model):
    """A person taking part, without an account. ``identity`` is the normalised
    phone number (digits, leading 0) or the lower-cased e-mail: one
    registration per identity and contest. ``code`` is the unguessable key kept
    in the participant's signed cookie."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="participants")
    code = models.CharField("mã thí sinh", max_length=32, unique=True)
    full_name = models.CharField("họ và tên", max_length=120)
    sort_key = models.CharField(max_length=400, editable=False, default="")
    phone = models.CharField("số điện thoại", max_length=15, blank=True)
    email = models.CharField("thư điện tử", max_length=254, blank=True)
    birth_date = models.DateField("ngày sinh")
    identity = models.CharField("định danh", max_length=254)
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_text = models.CharField("đơn vị (tự ghi)", max_length=255, blank=True)
    created_at = models.DateTimeField("đăng ký lúc", auto_now_add=True)
    # Running figures over counted attempts, folded in by services.tally_pending.
    attempt_count = models.PositiveIntegerField("số lượt thi", default=0)
    best_score = models.PositiveSmallIntegerField("điểm cao nhất", null=True, blank=True)
    all_correct_count = models.PositiveIntegerField("số lượt đúng tất cả", default=0)
    # Loại vì khai man: out of boards, prizes and winners' figures while set
    # (participation figures keep them); cleared when the officer reinstates.
    disqualified_at = models.DateTimeField("bị loại lúc", null=True, blank=True)
    disqualified_reason = models.CharField("lý do loại", max_length=500, blank=True)

    class Meta:
        verbose_name = "thí sinh"
        verbose_name_plural = "thí sinh"
        constraints = [
            models.UniqueConstraint(fields=["contest", "identity"], name="contest_participant_identity"),
            models.CheckConstraint(condition=~Q(identity=""), name="contest_participant_identity_set"),
        ]
        indexes = [
            models.Index(fields=["contest", "unit"], name="contest_part_unit"),
            models.Index(fields=["contest", "best_score"], name="contest_part_best"),
            models.Index(
                fields=["contest"], condition=Q(disqualified_at__isnull=False), name="contest_part_disq"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Attempt(models.Model):
    # No single-column FK indexes: every index is written by each start and
    # each submit (a submit changes indexed columns, so no HOT update), and the
    # composite indexes below already lead with contest, round and participant.
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="attempts", db_index=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="attempts", db_index=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attempts", db_index=False
    )
    seq = models.PositiveSmallIntegerField("lượt thứ")
    token = models.CharField("mã lượt thi", max_length=32, unique=True)
    status = models.CharField("trạng thái", max_length=10, choices=AttemptStatus.choices, default="active")
    started_at = models.DateTimeField("bắt đầu lúc")
    deadline = models.DateTimeField("hạn nộp")
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    question_ids = models.JSONField("các câu hỏi")
    answers = models.JSONField("các lựa chọn", null=True, blank=True)  # bitmask per question
    correct_count = models.PositiveSmallIntegerField("số câu đúng", default=0)
    score = models.PositiveSmallIntegerField("điểm", default=0)
    all_correct = models.BooleanField("đúng tất cả", default=False)
    duration_ms = models.PositiveIntegerField("thời gian làm bài (ms)", null=True, blank=True)
    prediction = models.PositiveIntegerField("dự đoán", null=True, blank=True)
    pending_tally = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = "lượt thi"
        verbose_name_plural = "lượt thi"
        constraints = [
            # The attempt limit per round holds under races: seq ≤ limit is
            # checked by the service, two starts with the same seq collide here.
            models.UniqueConstraint(fields=["participant", "round", "seq"], name="contest_attempt_seq"),
            # One active attempt at a time per participant.
            models.UniqueConstraint(
                fields=["participant"], condition=Q(status="active"), name="contest_attempt_one_active"
            ),
        ]
        indexes = [
            models.Index(fields=["contest", "round", "status"], name="contest_att_status"),
            # The ranking order without a sort (see ranking._indexed_rows):
            # per score level, by prediction, then time, then submission.
            models.Index(
                fields=["contest", "score", "prediction", "duration_ms", "submitted_at", "id"],
                condition=Q(status="submitted"),
                name="contest_att_rank",
            ),
            models.Index(
                fields=["round", "score", "prediction", "duration_ms", "submitted_at", "id"],
                condition=Q(status="submitted"),
                name="contest_att_rank_round",
            ),
            models.Index(fields=["contest"], condition=Q(pending_tally=True), name="contest_att_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} — lượt {self.seq}"


class QuestionTally(models.Model):
    """How the counted attempts answered one question (folded in batches)."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="tally")
    shown = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    blank = models.PositiveIntegerField(default=0)
    option_counts = models.JSONField(default=list)  # times each option was chosen

    class Meta:
        verbose_name = "thống kê câu hỏi"
        verbose_name_plural = "thống kê câu hỏi"

    def __str__(self) -> str:
        return f"{self.question_id}: {self.correct}/{self.shown}"


class DayTally(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="day_tallies")
    day = models.DateField("ngày")
    attempts = models.PositiveIntegerField(default=0)
    all_correct = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "thống kê ngày"
        verbose_name_plural = "thống kê ngày"
        constraints = [models.UniqueConstraint(fields=["contest", "day"], name="contest_day_tally_unique")]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.attempts}"


class UnitTally(models.Model):
    """Participation of one unit (``unit_key`` = unit id, 0 = typed-in unit),
    folded in with the counters so per-unit figures cost one small read."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="unit_tallies")
    unit_key = models.BigIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    max_score_participants = models.PositiveIntegerField(default=0)
    all_correct_participants = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "thống kê đơn vị"
        verbose_name_plural = "thống kê đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["contest", "unit_key"], name="contest_unit_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_key}: {self.participants}"


class RateBucket(models.Model):
    """A fixed-window request counter shared by every gunicorn worker (the
    default cache is per process, so a limit kept there would be multiplied by
    the number of workers and forgotten on restart)."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()  # window start, seconds since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="contest_rate_bucket_unique")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.count}"
