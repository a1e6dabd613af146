"""Hội đồng thi đua, khen thưởng: members, sessions, agenda, secret ballots.

The secret ballot keeps two things apart (docs in :mod:`thidua.council.services`):

* :class:`VoteReceipt` — WHO has voted on a ballot (ballot + member, unique:
  that constraint is what makes "one vote per member" hold under concurrency);
* :class:`BallotTally` — HOW MANY chose each answer: three counters on one row
  per ballot, incremented in the same transaction as the receipt, with no
  voter, no timestamp and no per-vote row. There is nothing to join a receipt
  to a choice with.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from thidua.directory.models import Unit
from thidua.nominations.models import Candidate


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chủ tịch Hội đồng"
    STANDING_VICE = "standing_vice", "Phó Chủ tịch thường trực"
    VICE = "vice", "Phó Chủ tịch"
    MEMBER = "member", "Ủy viên"
    SECRETARY = "secretary", "Thư ký"


class VoteBase(models.TextChoices):
    ALL = "all", "tổng số thành viên Hội đồng"
    PRESENT = "present", "số thành viên có mặt"


class BallotMode(models.TextChoices):
    SECRET = "secret", "Bỏ phiếu kín"
    OPEN = "open", "Biểu quyết giơ tay"


class BallotState(models.TextChoices):
    PENDING = "pending", "Chưa mở"
    OPEN = "open", "Đang bỏ phiếu"
    CLOSED = "closed", "Đã kết thúc"
    DEFERRED = "deferred", "Hoãn xét"


class Choice(models.TextChoices):
    FOR = "for", "Đồng ý"
    AGAINST = "against", "Không đồng ý"
    ABSTAIN = "abstain", "Không biểu quyết"


class RuleSource(models.TextChoices):
    RULE = "rule", "quy định khen thưởng"
    COUNCIL = "council", "quy chế của Hội đồng"


class Council(models.Model):
    """The emulation and awards council of one unit (e.g. the People's Committee's),
    with its own working rules as data: quorum and the default threshold used
    for awards whose rule sets none (both editable, each with its citation)."""

    unit = models.ForeignKey(
        Unit, verbose_name="của đơn vị", on_delete=models.PROTECT, related_name="councils"
    )
    name = models.CharField("tên Hội đồng", max_length=255)
    quorum_share = models.DecimalField(
        "tỷ lệ thành viên có mặt tối thiểu", max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    quorum_citation = models.CharField("căn cứ quy định số thành viên dự họp", max_length=255, blank=True)
    default_threshold = models.DecimalField(
        "ngưỡng biểu quyết mặc định", max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    default_strict = models.BooleanField(
        "phải vượt ngưỡng (trên, không tính bằng)", default=True, help_text="Quá bán = trên 50 %."
    )
    default_base = models.CharField(
        "ngưỡng tính trên", max_length=10, choices=VoteBase.choices, default=VoteBase.PRESENT
    )
    default_citation = models.CharField("căn cứ ngưỡng mặc định", max_length=255, blank=True)
    allow_abstain = models.BooleanField("cho phép phiếu không biểu quyết", default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "Hội đồng thi đua, khen thưởng"
        verbose_name_plural = "Hội đồng thi đua, khen thưởng"
        ordering = ["unit__path", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_share__gte=0, quorum_share__lte=1), name="council_quorum"
            ),
            models.CheckConstraint(
                condition=Q(default_threshold__gt=0, default_threshold__lte=1), name="council_threshold"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CouncilMember(models.Model):
    """A seat held by a user for a time: the base "all members" of a session is
    the count of voting seats active on the session date."""

    council = models.ForeignKey(
        Council, verbose_name="Hội đồng", on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.PROTECT,
        related_name="council_seats",
    )
    full_name = models.CharField("họ và tên", max_length=150)
    position = models.CharField("chức vụ", max_length=255, blank=True)
    role = models.CharField("chức danh trong Hội đồng", max_length=20, choices=MemberRole.choices)
    votes = models.BooleanField("có quyền biểu quyết", default=True)
    active_from = models.DateField("từ ngày")
    active_to = models.DateField("đến ngày", null=True, blank=True)
    sort_key = models.CharField(max_length=300, editable=False, default="")

    class Meta:
        verbose_name = "thành viên Hội đồng"
        verbose_name_plural = "thành viên Hội đồng"
        ordering = ["council", "sort_key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=F("active_from")), name="member_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    def active_on(self, day) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


class Session(models.Model):
    """One meeting (phiên họp) of the council."""

    council = models.ForeignKey(
        Council, verbose_name="Hội đồng", on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField("nội dung phiên họp", max_length=255)
    date = models.DateField("ngày họp")
    place = models.CharField("địa điểm", max_length=255, blank=True)
    chair = models.ForeignKey(
        CouncilMember,
        verbose_name="chủ trì",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    secretary = models.ForeignKey(
        CouncilMember,
        verbose_name="thư ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "phiên họp Hội đồng"
        verbose_name_plural = "phiên họp Hội đồng"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"


class Attendance(models.Model):
    session = models.ForeignKey(
        Session, verbose_name="phiên họp", on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        CouncilMember, verbose_name="thành viên", on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField("có mặt", default=False)
    note = models.CharField("ghi chú (lý do vắng …)", max_length=255, blank=True)

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.member_id}: {'có mặt' if self.present else 'vắng mặt'}"


class Ballot(models.Model):
    """One agenda item: a candidate put to the vote, with the threshold that
    applies (copied from the rule data or the council's rules when the item is
    added, refreshed when the ballot opens, frozen when it closes)."""

    session = models.ForeignKey(
        Session, verbose_name="phiên họp", on_delete=models.CASCADE, related_name="ballots"
    )
    candidate = models.ForeignKey(
        Candidate,
        verbose_name="người, tập thể được đề nghị",
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    mode = models.CharField(
        "hình thức biểu quyết", max_length=10, choices=BallotMode.choices, default=BallotMode.SECRET
    )
    state = models.CharField(
        "trạng thái", max_length=10, choices=BallotState.choices, default=BallotState.PENDING
    )
    allow_abstain = models.BooleanField("cho phép không biểu quyết", default=False)
    threshold = models.DecimalField("ngưỡng", max_digits=4, decimal_places=3)
    strict = models.BooleanField("phải vượt ngưỡng", default=False)
    base = models.CharField("tính trên", max_length=10, choices=VoteBase.choices)
    rule_source = models.CharField("ngưỡng theo", max_length=10, choices=RuleSource.choices)
    citation = models.CharField("căn cứ ngưỡng", max_length=255, blank=True)
    confidence = models.CharField("độ tin cậy của căn cứ", max_length=20, blank=True)
    defer_reason = models.CharField("lý do hoãn xét", max_length=500, blank=True)
    # Written opinions of absent members, entered by the secretary as anonymous counts.
    written_for = models.PositiveSmallIntegerField("ý kiến bằng văn bản đồng ý", default=0)
    written_against = models.PositiveSmallIntegerField("ý kiến bằng văn bản không đồng ý", default=0)
    written_abstain = models.PositiveSmallIntegerField("ý kiến bằng văn bản không biểu quyết", default=0)
    # The result, empty until the ballot closes.
    votes_for = models.PositiveSmallIntegerField("số phiếu đồng ý", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("số phiếu không đồng ý", null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField("số phiếu không biểu quyết", null=True, blank=True)
    base_count = models.PositiveSmallIntegerField("số thành viên làm căn cứ tính", null=True, blank=True)
    members_count = models.PositiveSmallIntegerField(
        "tổng số thành viên có quyền biểu quyết", null=True, blank=True
    )
    present_count = models.PositiveSmallIntegerField("số thành viên có mặt", null=True, blank=True)
    share = models.DecimalField("tỷ lệ đồng ý", max_digits=6, decimal_places=4, null=True, blank=True)
    passed = models.BooleanField("thông qua", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "phiếu biểu quyết"
        verbose_name_plural = "phiếu biểu quyết"
        ordering = ["session", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "candidate"], name="ballot_candidate_once"),
            models.CheckConstraint(condition=Q(threshold__gt=0, threshold__lte=1), name="ballot_threshold"),
        ]

    def __str__(self) -> str:
        return f"Biểu quyết #{self.pk} — phiên {self.session_id}"


class BallotTally(models.Model):
    """The anonymous counters of a secret ballot: no voter, no time, no order.

    Every vote rewrites all three counters in one UPDATE (the chosen one +1,
    the others +0), so even the row's storage metadata (PostgreSQL's xmin) is
    the same whatever was chosen."""

    ballot = models.OneToOneField(Ballot, primary_key=True, on_delete=models.CASCADE, related_name="tally")
    for_count = models.PositiveSmallIntegerField(default=0)
    against_count = models.PositiveSmallIntegerField(default=0)
    abstain_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "kiểm phiếu (ẩn danh)"
        verbose_name_plural = "kiểm phiếu (ẩn danh)"

    def __str__(self) -> str:  # never the counters: a str() ends up in logs and audit reprs
        return f"Kiểm phiếu biểu quyết #{self.ballot_id}"


class VoteReceipt(models.Model):
    """Receipt: "this member has voted on this ballot" — and nothing about the choice.
    No timestamp: the audit entry carries the time of the action."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "xác nhận đã bỏ phiếu"
        verbose_name_plural = "xác nhận đã bỏ phiếu"
        constraints = [models.UniqueConstraint(fields=["ballot", "member"], name="vote_once")]

    def __str__(self) -> str:
        return f"Đã bỏ phiếu: biểu quyết #{self.ballot_id}, thành viên #{self.member_id}"


class Conflict(models.Model):
    """A member's declared conflict of interest on one candidate: the member is
    recused — sees nothing of that ballot and does not count in its base."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(
        CouncilMember, verbose_name="thành viên", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("lý do", max_length=500)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khai báo xung đột lợi ích"
        verbose_name_plural = "khai báo xung đột lợi ích"
        constraints = [models.UniqueConstraint(fields=["ballot", "member"], name="conflict_once")]

    def __str__(self) -> str:
        return f"Xung đột lợi ích: thành viên #{self.member_id}, biểu quyết #{self.ballot_id}"
