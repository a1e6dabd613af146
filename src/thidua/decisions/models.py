"""Quyết định khen thưởng, their recipients, certificates and revocations.

A decision is drafted by the standing body, signed by the leader and then
issued: only on issue does it take a number from the issuing body's register
of the year (vào sổ) — :class:`DecisionCounter`, one row per issuer and year,
locked while the number is taken, so numbers are never duplicated nor
skipped — and only then are its awards written into the registry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.awards.enums import Category, Occasion
from thidua.awards.models import AwardRecord, AwardType, Household, RecipientLine, once_per, one_recipient
from thidua.directory.models import Person, Unit


class DecisionState(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SIGNED = "signed", "Đã ký, chờ vào sổ"
    ISSUED = "issued", "Đã ban hành"
    CANCELLED = "cancelled", "Đã hủy dự thảo"


class CertificatesState(models.TextChoices):
    NONE = "", "Chưa in"
    PENDING = "pending", "Đang tạo tệp"
    READY = "ready", "Đã có tệp"
    FAILED = "failed", "Lỗi khi tạo tệp"


class DecisionCounter(models.Model):
    """The register of decisions (sổ đăng ký văn bản) of one issuer for one year:
    the last number given. Locked (SELECT … FOR UPDATE) while a decision is
    issued, in the same transaction, so a rollback gives the number back."""

    issuer = models.ForeignKey(
        Unit, verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("năm")
    last_number = models.PositiveIntegerField("số cuối cùng đã cấp", default=0)

    class Meta:
        verbose_name = "sổ đăng ký quyết định"
        verbose_name_plural = "sổ đăng ký quyết định"
        constraints = [models.UniqueConstraint(fields=["issuer", "year"], name="decision_counter_unique")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.year}: {self.last_number}"


class Decision(models.Model):
    """One decision on awards (Nghị định 30/2020 layout)."""

    issuer = models.ForeignKey(
        Unit, verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="award_decisions"
    )
    issuer_name = models.CharField(
        "tên cơ quan ban hành (ghi trên văn bản)", max_length=255, help_text="Ví dụ: ỦY BAN NHÂN DÂN XÃ MỘT"
    )
    parent_body = models.CharField("cơ quan chủ quản (nếu có)", max_length=255, blank=True)
    symbol = models.CharField("ký hiệu", max_length=40, default="QĐ-UBND")
    number = models.PositiveIntegerField("số", null=True, blank=True, editable=False)
    year = models.PositiveSmallIntegerField("năm đăng ký", null=True, blank=True, editable=False)
    decision_date = models.DateField("ngày quyết định")
    place = models.CharField("địa danh", max_length=100)
    authority_level = models.CharField("cấp quyết định", max_length=12, blank=True)
    authority_title = models.CharField(
        "thẩm quyền ban hành", max_length=255, help_text="Ví dụ: CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ MỘT"
    )
    signer_name = models.CharField("người ký", max_length=120)
    signer_authority = models.CharField(
        "quyền hạn ký", max_length=40, blank=True, help_text="Ví dụ: KT. CHỦ TỊCH (trống khi cấp trưởng ký)"
    )
    signer_title = models.CharField("chức vụ người ký", max_length=120, help_text="Ví dụ: PHÓ CHỦ TỊCH")
    subject = models.CharField("trích yếu", max_length=500, help_text="Về việc khen thưởng …")
    legal_bases = models.JSONField("căn cứ ban hành", default=list, blank=True)
    occasion = models.CharField(
        "loại khen thưởng", max_length=10, choices=Occasion.choices, default=Occasion.REGULAR
    )
    movement_name = models.CharField("phong trào thi đua", max_length=255, blank=True)
    budget_source = models.CharField("nguồn kinh phí", max_length=255, blank=True)
    execution = models.TextField("Điều 3: tổ chức thực hiện", blank=True)
    copies_to = models.JSONField("nơi nhận", default=list, blank=True)
    state = models.CharField(
        "trạng thái", max_length=10, choices=DecisionState.choices, default=DecisionState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("ký lúc", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("ban hành lúc", null=True, blank=True)
    certificates_state = models.CharField(
        "tệp giấy chứng nhận", max_length=10, choices=CertificatesState.choices, default="", blank=True
    )
    certificates_file = models.FileField(max_length=255, blank=True)
    certificates_error = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"
        ordering = ["-decision_date", "-id"]
        indexes = [models.Index(fields=["issuer", "state"], name="decision_issuer_state")]
        constraints = [
            # The register's invariant, in the database: one number per issuer and year.
            models.UniqueConstraint(
                fields=["issuer", "year", "number"],
                condition=Q(number__isnull=False),
                name="decision_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(state="issued", number__isnull=False, year__isnull=False) | ~Q(state="issued"),
                name="decision_issued_numbered",
            ),
        ]

    def __str__(self) -> str:
        return f"Quyết định {self.full_number or '(chưa vào sổ)'} — {self.subject}"

    @property
    def full_number(self) -> str:
        """ "15/QĐ-UBND" once issued, "" before."""
        return f"{self.number}/{self.symbol}" if self.number else ""


class DecisionRecipient(RecipientLine):
    """One award in a decision: who, which award, for which year, how much."""

    decision = models.ForeignKey(
        Decision, verbose_name="quyết định", on_delete=models.CASCADE, related_name="recipients"
    )
    candidate = models.ForeignKey(
        "nominations.Candidate",
        verbose_name="từ đề nghị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision_lines",
    )
    name = models.CharField("họ tên / tên tập thể (ghi trong quyết định)", max_length=255)
    position = models.CharField("chức vụ, đơn vị công tác", max_length=255, blank=True)
    achievement = models.CharField("thành tích", max_length=500, blank=True)
    owner_unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    prize_coefficient = models.DecimalField("hệ số", max_digits=6, decimal_places=2, null=True, blank=True)
    base_salary = models.PositiveIntegerField("lương cơ sở", null=True, blank=True)
    prize_amount = models.PositiveBigIntegerField("tiền thưởng (đồng)", null=True, blank=True)
    # A prize line (trao giải một cuộc thi): the prize level as written in the
    # decision ("Giải Nhất") and the money fixed by the contest's prize table,
    # not a coefficient of the base salary. Empty/None on every award line.
    prize_label = models.CharField("giải", max_length=120, blank=True, default="")
    fixed_prize = models.PositiveBigIntegerField("tiền thưởng theo cơ cấu giải (đồng)", null=True, blank=True)
    order = models.PositiveIntegerField("thứ tự", default=0)
    award_record = models.OneToOneField(
        AwardRecord,
        verbose_name="dòng sổ khen thưởng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision_line",
    )
    certificate_number = models.CharField("số giấy chứng nhận", max_length=60, blank=True)
    certificate_code = models.CharField(
        "mã xác minh", max_length=64, null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = "người, tập thể được khen thưởng"
        verbose_name_plural = "danh sách được khen thưởng"
        ordering = ["decision", "order", "id"]
        constraints = [
            one_recipient("decision_line_one_recipient"),
            *once_per("decision", "decision_line"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.award_type.name} {self.year}"

    @property
    def recipient(self) -> Person | Unit | Household | None:
        return self.person or self.unit or self.household

    @property
    def amount(self) -> int | None:
        """The money of this line: the prize table's for a prize line, else the
        coefficient × base salary the registry computed."""
        return self.fixed_prize if self.prize_label else self.prize_amount


class CertificateTemplate(models.Model):
    """The editable certificate of one award type (HTML + CSS, Django template
    syntax). Without a row, the default shipped for the award's category is used."""

    award_type = models.OneToOneField(
        AwardType,
        verbose_name="loại khen thưởng",
        on_delete=models.CASCADE,
        related_name="certificate_template",
    )
    html = models.TextField("nội dung HTML")
    css = models.TextField("CSS", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "mẫu giấy chứng nhận"
        verbose_name_plural = "mẫu giấy chứng nhận"

    def __str__(self) -> str:
        return f"Mẫu {self.award_type.name}"


class Revocation(models.Model):
    """A decision revoking awards (hủy bỏ quyết định khen thưởng): the reason,
    the revoking decision, and the prize money to recover per award."""

    decision_number = models.CharField("số quyết định hủy bỏ", max_length=60)
    decision_date = models.DateField("ngày quyết định hủy bỏ")
    issuer_name = models.CharField("cơ quan quyết định hủy bỏ", max_length=255)
    reason = models.CharField("lý do", max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quyết định hủy bỏ khen thưởng"
        verbose_name_plural = "quyết định hủy bỏ khen thưởng"
        ordering = ["-decision_date", "-id"]

    def __str__(self) -> str:
        return f"Hủy bỏ theo {self.decision_number}"


class RevocationLine(models.Model):
    revocation = models.ForeignKey(Revocation, on_delete=models.CASCADE, related_name="lines")
    award_record = models.OneToOneField(
        AwardRecord,
        verbose_name="khen thưởng bị hủy bỏ",
        on_delete=models.PROTECT,
        related_name="revocation_line",
    )
    recipient_name = models.CharField("người, tập thể", max_length=255)
    owner_unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+")
    amount_to_recover = models.PositiveBigIntegerField("tiền thưởng phải thu hồi (đồng)", default=0)

    class Meta:
        verbose_name = "khen thưởng bị hủy bỏ"
        verbose_name_plural = "khen thưởng bị hủy bỏ"
        ordering = ["revocation", "id"]

    def __str__(self) -> str:
        return self.recipient_name


CATEGORY_LABELS = dict(Category.choices)
