"""Dossiers (hồ sơ đề nghị khen thưởng) and their candidates.

A dossier goes from the proposing unit to the body that decides; its state
moves only through :mod:`thidua.nominations.workflow` (one transition table
for web, API and CLI). Each candidate keeps its own state, because one
dossier routinely mixes awards this body decides (Giấy khen) with awards it
must forward to a higher level (Bằng khen Thủ tướng) and the council approves
or rejects candidate by candidate.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.awards.enums import Occasion
from thidua.awards.models import AwardRecord, AwardType, Household, RecipientLine, once_per, one_recipient
from thidua.directory.models import Person, Unit


class DossierState(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Đã gửi, chờ thẩm định"
    UNDER_APPRAISAL = "under_appraisal", "Đang thẩm định"
    RETURNED = "returned", "Trả lại để bổ sung"
    RESUBMITTED = "resubmitted", "Đã gửi lại sau bổ sung"
    APPRAISED = "appraised", "Đã thẩm định"
    PUBLISHED = "published", "Đang công khai lấy ý kiến"
    AT_COUNCIL = "at_council", "Đang trình Hội đồng"
    COUNCIL_DONE = "council_done", "Hội đồng đã xét"
    DECISION_DRAFTED = "decision_drafted", "Đã dự thảo quyết định"
    SIGNED = "signed", "Đã ký quyết định"
    ISSUED = "issued", "Đã ban hành quyết định"
    FORWARDED = "forwarded", "Đã trình cấp trên, chờ kết quả"
    CLOSED = "closed", "Đã kết thúc"
    WITHDRAWN = "withdrawn", "Đơn vị đã rút hồ sơ"


class CandidateState(models.TextChoices):
    PROPOSED = "proposed", "Đề nghị"
    RETURNED = "returned", "Cần bổ sung"
    APPRAISED = "appraised", "Đủ điều kiện trình Hội đồng"
    NOT_RECOMMENDED = "not_recommended", "Không đủ điều kiện (theo thẩm định)"
    APPROVED = "approved", "Hội đồng thông qua"
    REJECTED = "rejected", "Hội đồng không thông qua"
    FORWARDED = "forwarded", "Trình cấp trên"
    AWARDED = "awarded", "Đã được khen thưởng"
    NOT_AWARDED = "not_awarded", "Cấp trên không khen thưởng"
    WITHDRAWN = "withdrawn", "Đã rút"


class Verdict(models.TextChoices):
    """The eligibility engine's answer when the candidate was last checked."""

    ELIGIBLE = "eligible", "Đủ điều kiện"
    NOT_ELIGIBLE = "not_eligible", "Không đủ điều kiện"
    REVIEW = "review", "Cần xem xét"


class AttachmentKind(models.TextChoices):
    LETTER = "letter", "Tờ trình"
    REPORT = "report", "Báo cáo thành tích"
    MINUTES = "minutes", "Biên bản họp Hội đồng TĐKT cơ sở"
    EVIDENCE = "evidence", "Minh chứng"
    APPRAISAL = "appraisal", "Báo cáo thẩm định"
    OTHER = "other", "Khác"


class Dossier(models.Model):
    """One proposal from a unit to a deciding body (hồ sơ đề nghị khen thưởng)."""

    code = models.CharField("mã hồ sơ", max_length=30, unique=True, editable=False)
    title = models.CharField("trích yếu", max_length=500)
    proposer_unit = models.ForeignKey(
        Unit, verbose_name="đơn vị đề nghị", on_delete=models.PROTECT, related_name="dossiers_sent"
    )
    deciding_unit = models.ForeignKey(
        Unit,
        verbose_name="cơ quan xét, quyết định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_received",
        help_text="Trống khi gửi lên cơ quan ngoài hệ thống (Thủ tướng, Chủ tịch nước …).",
    )
    deciding_body_name = models.CharField("tên cơ quan nhận (ghi bằng chữ)", max_length=255, blank=True)
    occasion = models.CharField(
        "loại khen thưởng", max_length=10, choices=Occasion.choices, default=Occasion.REGULAR
    )
    movement = models.ForeignKey(
        "movements.Movement",
        verbose_name="phong trào thi đua",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    letter_number = models.CharField("số tờ trình", max_length=60, blank=True)
    letter_date = models.DateField("ngày tờ trình", null=True, blank=True)
    letter_signer = models.CharField("người ký tờ trình", max_length=120, blank=True)
    unit_council_members = models.PositiveSmallIntegerField(
        "số thành viên Hội đồng TĐKT cơ sở", null=True, blank=True
    )
    unit_council_present = models.PositiveSmallIntegerField("số thành viên dự họp", null=True, blank=True)
    unit_council_note = models.CharField("kết quả biểu quyết của Hội đồng cơ sở", max_length=500, blank=True)
    state = models.CharField(
        "trạng thái", max_length=20, choices=DossierState.choices, default=DossierState.DRAFT
    )
    state_since = models.DateTimeField("trạng thái từ lúc", auto_now_add=True)
    due_date = models.DateField("hạn xử lý bước hiện tại", null=True, blank=True)
    submit_count = models.PositiveSmallIntegerField("số lần gửi", default=0)
    publish_until = models.DateField("công khai đến ngày", null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="hồ sơ gốc (được trình tiếp lên cấp trên)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarded_dossiers",
    )
    public_code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "hồ sơ đề nghị khen thưởng"
        verbose_name_plural = "hồ sơ đề nghị khen thưởng"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "due_date"], name="dossier_queue"),
            models.Index(fields=["proposer_unit", "state"], name="dossier_proposer"),
            models.Index(fields=["deciding_unit", "state"], name="dossier_decider"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def deciding_name(self) -> str:
        return self.deciding_unit.name if self.deciding_unit_id else self.deciding_body_name


class Candidate(RecipientLine):
    """One person, collective or household proposed for one award in a dossier."""

    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="candidates"
    )
    movement = models.ForeignKey(
        "movements.Movement",
        verbose_name="phong trào thi đua",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidates",
    )
    summary = models.TextField("tóm tắt thành tích", blank=True)
    position = models.CharField("chức vụ, đơn vị công tác (ghi trong quyết định)", max_length=255, blank=True)
    verdict = models.CharField("kết quả xét điều kiện", max_length=15, choices=Verdict.choices, blank=True)
    verdict_detail = models.JSONField("chi tiết xét điều kiện", default=dict, blank=True)
    justification = models.TextField("giải trình khi chưa đủ điều kiện", blank=True)
    state = models.CharField(
        "trạng thái", max_length=20, choices=CandidateState.choices, default=CandidateState.PROPOSED
    )
    return_reason = models.TextField("lý do trả lại", blank=True)
    appraisal_note = models.TextField("ý kiến thẩm định", blank=True)
    beyond_authority = models.BooleanField("vượt thẩm quyền cơ quan xét", default=False)
    council_votes_for = models.PositiveSmallIntegerField("số phiếu đồng ý", null=True, blank=True)
    council_votes_against = models.PositiveSmallIntegerField("số phiếu không đồng ý", null=True, blank=True)
    council_members = models.PositiveSmallIntegerField("tổng số thành viên Hội đồng", null=True, blank=True)
    council_note = models.CharField("kết quả Hội đồng", max_length=500, blank=True)
    forwarded_as = models.ForeignKey(
        "self",
        verbose_name="đề nghị trình cấp trên",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forwarded_from",
    )
    higher_decision_number = models.CharField("số quyết định của cấp trên", max_length=60, blank=True)
    higher_decision_date = models.DateField("ngày quyết định của cấp trên", null=True, blank=True)
    award_record = models.ForeignKey(
        AwardRecord,
        verbose_name="dòng sổ khen thưởng",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidates",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "người, tập thể được đề nghị"
        verbose_name_plural = "người, tập thể được đề nghị"
        ordering = ["dossier", "id"]
        indexes = [
            models.Index(fields=["award_type", "year", "state"], name="candidate_award"),
            models.Index(fields=["person", "award_type", "year"], name="candidate_person"),
            models.Index(fields=["unit", "award_type", "year"], name="candidate_unit"),
        ]
        constraints = [
            one_recipient("candidate_one_recipient"),
            # The same award for the same recipient and year only once per dossier
            # (across dossiers the service refuses a pending duplicate).
            *once_per("dossier", "candidate"),
            models.CheckConstraint(condition=Q(year__gte=1945) & Q(year__lte=2200), name="candidate_year"),
        ]

    def __str__(self) -> str:
        return f"{self.award_type.code} {self.year} — {self.recipient}"

    @property
    def recipient(self) -> Person | Unit | Household | None:
        return self.person or self.unit or self.household


def attachment_path(instance: Attachment, filename: str) -> str:
    """Files are stored under a random name (the original name is kept in the
    row): a user-supplied name never reaches the filesystem."""
    return f"dossiers/{instance.dossier_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file of the dossier, stored outside the web root and served only by a
    view that checks the reader may see the dossier."""

    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="attachments"
    )
    candidate = models.ForeignKey(
        Candidate,
        verbose_name="của người, tập thể",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField("loại tài liệu", max_length=12, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"
        ordering = ["dossier", "kind", "id"]

    def __str__(self) -> str:
        return self.original_name


class Comment(models.Model):
    """An opinion sent during publication (công khai) — it reaches the appraiser."""

    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="comments"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name="về", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author_name = models.CharField("họ và tên người góp ý", max_length=120)
    author_contact = models.CharField("điện thoại hoặc thư điện tử", max_length=120, blank=True)
    body = models.TextField("nội dung")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled = models.BooleanField("đã xử lý", default=False)
    handling_note = models.TextField("kết quả xử lý", blank=True)

    class Meta:
        verbose_name = "ý kiến góp ý"
        verbose_name_plural = "ý kiến góp ý"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"


class Transition(models.Model):
    """The dossier's path, one row per step (who, when, from, to, why) — the
    audit log has the full before/after; this is what the dossier page shows."""

    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField("thao tác", max_length=30)
    from_state = models.CharField(max_length=20, choices=DossierState.choices)
    to_state = models.CharField(max_length=20, choices=DossierState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "các bước xử lý"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_state} → {self.to_state}"


class StepDeadline(models.Model):
    """How long a step may take, as data (a province's Quy chế TĐKT sets most of
    these; the law sets a few, e.g. 10 working days of public posting for CSTĐ
    toàn quốc, NĐ 152/2025 Điều 60(3)). The most specific row wins: the award
    type's own, then the general one; the latest ``valid_from`` not after the day."""

    state = models.CharField("bước", max_length=20, choices=DossierState.choices)
    award_type = models.ForeignKey(
        AwardType,
        verbose_name="chỉ áp dụng cho",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    days = models.PositiveSmallIntegerField("số ngày")
    working_days = models.BooleanField("tính theo ngày làm việc", default=True)
    valid_from = models.DateField("áp dụng từ ngày")
    citation = models.CharField("căn cứ", max_length=255)

    class Meta:
        verbose_name = "thời hạn xử lý"
        verbose_name_plural = "thời hạn xử lý"
        ordering = ["state", "valid_from"]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.days} ngày"
