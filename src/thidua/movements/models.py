"""Models of Phong trào thi đua.

A movement is launched by a unit for a period, for participants given as
subtrees (or single units) of the organisation tree. Units register targets
and sign their Khối/Cụm pledge; indicators and key tasks keep their values and
status as dated history, so every figure ("11/13 chỉ tiêu đạt") can be
computed as of any day. Scoring schemes are data (criteria groups, maximum,
bonus and penalty items), several per group and year if need be.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.directory.models import EmulationGroup, Unit
from thidua.movements.enums import (
    ApprovalState,
    CriterionKind,
    Direction,
    MovementKind,
    ReviewKind,
    SchemeState,
    SheetState,
    TaskStatus,
)

USER = settings.AUTH_USER_MODEL


def plan_path(instance: Movement, filename: str) -> str:
    # The stored name is ours; the original name is kept in plan_name and
    # given back only by the permission-checking download view.
    return f"movements/{instance.pk or 'new'}/ke-hoach{_ext(filename)}"


def _ext(filename: str) -> str:
    dot = filename.rfind(".")
    ext = filename[dot:].lower() if dot > 0 else ""
    return ext if ext in {".pdf", ".docx", ".doc", ".odt", ".xlsx"} else ""


class Movement(models.Model):
    kind = models.CharField("loại phong trào", max_length=10, choices=MovementKind.choices)
    name = models.CharField("tên phong trào", max_length=500)
    slogan = models.CharField("chủ đề, khẩu hiệu", max_length=500, blank=True)
    launching_unit = models.ForeignKey(
        Unit, verbose_name="cơ quan phát động", on_delete=models.PROTECT, related_name="launched_movements"
    )
    approving_unit = models.ForeignKey(
        Unit,
        verbose_name="cơ quan phê duyệt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_movements",
        help_text="UBND phê duyệt phong trào do Mặt trận, đoàn thể phát động.",
    )
    approval_state = models.CharField(
        "phê duyệt", max_length=15, choices=ApprovalState.choices, default=ApprovalState.NOT_REQUIRED
    )
    approval_note = models.CharField("văn bản phê duyệt", max_length=255, blank=True)
    start_date = models.DateField("từ ngày")
    end_date = models.DateField("đến ngày")
    year = models.PositiveSmallIntegerField("năm")
    goals = models.JSONField("mục tiêu", default=list, blank=True)
    plan_file = models.FileField("kế hoạch (tệp)", upload_to=plan_path, blank=True)
    plan_name = models.CharField("tên tệp kế hoạch", max_length=255, blank=True)
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phong trào thi đua"
        verbose_name_plural = "phong trào thi đua"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="movement_period"),
            models.CheckConstraint(condition=~Q(name=""), name="movement_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Directive(models.Model):
    """A document the movement implements: "Công điện số 280/CĐ-TTg ngày 19/04/2023"."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="directives")
    number = models.CharField("số, ký hiệu", max_length=60)
    issued_on = models.DateField("ngày ban hành")
    title = models.CharField("trích yếu", max_length=500, blank=True)

    class Meta:
        verbose_name = "văn bản chỉ đạo"
        verbose_name_plural = "văn bản chỉ đạo"
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.number} ngày {self.issued_on:%d/%m/%Y}"


class Participant(models.Model):
    """A unit taking part; with ``include_subunits`` its whole subtree (as it stood in the period)."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    include_subunits = models.BooleanField("gồm cả đơn vị trực thuộc", default=True)

    class Meta:
        verbose_name = "đơn vị tham gia"
        verbose_name_plural = "đơn vị tham gia"
        constraints = [models.UniqueConstraint(fields=["movement", "unit"], name="participant_unique")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.movement}"


class Registration(models.Model):
    """Đăng ký thi đua: a unit's targets in a movement for a year."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="registrations")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    targets = models.JSONField("chỉ tiêu, danh hiệu đăng ký", default=list)
    registered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField("ngày đăng ký")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "đăng ký thi đua"
        verbose_name_plural = "đăng ký thi đua"
        ordering = ["unit__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "unit", "year"], name="registration_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.movement} ({self.year})"


class Pledge(models.Model):
    """Giao ước thi đua of a Khối/Cụm for a year (optionally under a movement)."""

    group = models.ForeignKey(
        EmulationGroup, verbose_name="khối, cụm", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("năm")
    movement = models.ForeignKey(
        Movement, null=True, blank=True, on_delete=models.SET_NULL, related_name="pledges"
    )
    title = models.CharField("tiêu đề", max_length=500)
    commitments = models.JSONField("nội dung giao ước", default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "giao ước thi đua"
        verbose_name_plural = "giao ước thi đua"
        ordering = ["-year", "group__name"]
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="pledge_group_year")]

    def __str__(self) -> str:
        return self.title


class PledgeSignature(models.Model):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="signatures")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField("người ký", max_length=120)
    signer_title = models.CharField("chức vụ", max_length=255, blank=True)
    signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signed_at = models.DateTimeField("thời điểm ký")

    class Meta:
        verbose_name = "chữ ký giao ước"
        verbose_name_plural = "chữ ký giao ước"
        constraints = [models.UniqueConstraint(fields=["pledge", "unit"], name="pledge_signature_unique")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.pledge}"


class Indicator(models.Model):
    """Chỉ tiêu KT-XH of one unit in a movement, with its plan."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="indicators")
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị thực hiện", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("mã chỉ tiêu", max_length=30)
    name = models.CharField("tên chỉ tiêu", max_length=500)
    measure = models.CharField("đơn vị tính", max_length=60, blank=True)
    plan_value = models.DecimalField("kế hoạch", max_digits=20, decimal_places=4)
    direction = models.CharField(
        "chiều đánh giá", max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "unit", "code"], name="indicator_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """An actual value reported on a day (the latest on or before a date counts)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField("giá trị thực hiện", max_digits=20, decimal_places=4)
    as_of = models.DateField("số liệu đến ngày")
    source = models.CharField("nguồn số liệu", max_length=255, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kết quả chỉ tiêu"
        verbose_name_plural = "kết quả chỉ tiêu"
        ordering = ["indicator", "-as_of", "-id"]
        indexes = [models.Index(fields=["indicator", "as_of"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.as_of:%d/%m/%Y})"


class KeyTask(models.Model):
    """Nhiệm vụ trọng tâm; its status is the latest change on or before a date."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị thực hiện", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("nhiệm vụ", max_length=500)
    owner = models.CharField("đơn vị, người chủ trì", max_length=255, blank=True)
    deadline = models.DateField("thời hạn", null=True, blank=True)
    status = models.CharField(
        "trạng thái hiện tại", max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "nhiệm vụ trọng tâm"
        verbose_name_plural = "nhiệm vụ trọng tâm"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class TaskStatusChange(models.Model):
    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField("trạng thái", max_length=12, choices=TaskStatus.choices)
    on = models.DateField("từ ngày")
    note = models.CharField("ghi chú", max_length=500, blank=True)
    changed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lịch sử trạng thái nhiệm vụ"
        verbose_name_plural = "lịch sử trạng thái nhiệm vụ"
        ordering = ["task", "on", "id"]
        indexes = [models.Index(fields=["task", "on"])]

    def __str__(self) -> str:
        return f"{self.task}: {self.get_status_display()} từ {self.on:%d/%m/%Y}"


class ScoringScheme(models.Model):
    """Bảng tiêu chí chấm điểm of a Khối/Cụm for a year (several may exist)."""

    group = models.ForeignKey(
        EmulationGroup, verbose_name="khối, cụm", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("năm")
    movement = models.ForeignKey(
        Movement, null=True, blank=True, on_delete=models.SET_NULL, related_name="schemes"
    )
    name = models.CharField("tên bảng điểm", max_length=255)
    state = models.CharField(
        "trạng thái", max_length=10, choices=SchemeState.choices, default=SchemeState.DRAFT
    )
    tie_break = models.CharField(
        "tiêu chí phân định khi bằng điểm",
        max_length=30,
        blank=True,
        help_text="Mã nhóm tiêu chí: khi bằng tổng điểm, đơn vị có điểm nhóm này cao hơn xếp trên.",
    )
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "bảng điểm thi đua"
        verbose_name_plural = "bảng điểm thi đua"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.CASCADE, related_name="criteria")
    group_code = models.CharField("nhóm tiêu chí (mã)", max_length=30)
    group_name = models.CharField("nhóm tiêu chí", max_length=255)
    code = models.CharField("mã tiêu chí", max_length=30)
    name = models.CharField("tiêu chí", max_length=500)
    kind = models.CharField("loại", max_length=8, choices=CriterionKind.choices, default=CriterionKind.BASE)
    max_points = models.DecimalField("điểm tối đa", max_digits=7, decimal_places=2)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "tiêu chí chấm điểm"
        verbose_name_plural = "tiêu chí chấm điểm"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class ScoreSheet(models.Model):
    """One member unit's scores under a scheme: self-scores, then the leader's or standing body's."""

    scheme = models.ForeignKey(ScoringScheme, on_delete=models.CASCADE, related_name="sheets")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        "trạng thái", max_length=10, choices=SheetState.choices, default=SheetState.DRAFT
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "phiếu chấm điểm"
        verbose_name_plural = "phiếu chấm điểm"
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="score_sheet_unique")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.scheme}"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    self_points = models.DecimalField("điểm tự chấm", max_digits=7, decimal_places=2, null=True, blank=True)
    points = models.DecimalField("điểm chấm", max_digits=7, decimal_places=2, null=True, blank=True)
    evidence = models.CharField("minh chứng", max_length=500, blank=True)

    class Meta:
        verbose_name = "điểm"
        verbose_name_plural = "điểm"
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique")]

    def __str__(self) -> str:
        return f"{self.sheet} — {self.criterion_id}"


class Review(models.Model):
    """Sơ kết or tổng kết: results in text and figures."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField("loại", max_length=8, choices=ReviewKind.choices)
    held_on = models.DateField("ngày tổ chức")
    title = models.CharField("tiêu đề", max_length=500)
    summary = models.TextField("kết quả", blank=True)
    figures = models.JSONField("số liệu", default=dict, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sơ kết, tổng kết"
        verbose_name_plural = "sơ kết, tổng kết"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class MovementAward(models.Model):
    """An award of the registry given under a movement (linked by a decision)."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="award_links")
    record = models.ForeignKey("awards.AwardRecord", on_delete=models.CASCADE, related_name="movement_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khen thưởng của phong trào"
        verbose_name_plural = "khen thưởng của phong trào"
        constraints = [models.UniqueConstraint(fields=["movement", "record"], name="movement_award_unique")]

    def __str__(self) -> str:
        return f"{self.movement} — {self.record_id}"
