"""The awards core: rule sets and versioned award rules (the law as data),
the award registry, and the facts the eligibility engine reads — annual
ratings, initiatives, disciplinary measures.

No law number appears in code: a rule set (``L2022-D152``) is a row with its
effective dates and legal basis, and each award type's recipients,
authorities, prize coefficients, quota, council vote threshold and criteria
are an :class:`AwardRule` row with an effective-date range and citations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.awards.enums import (
    Category,
    Confidence,
    DisciplineMeasure,
    Grade,
    InitiativeScope,
    Occasion,
    RecipientKind,
    RecordStatus,
    RoundingMode,
    RuleSetStatus,
)
from thidua.directory.models import Person, Unit


class RuleSet(models.Model):
    """One legal regime (a law with its implementing decree), chosen by date.

    Which date: the transitional provisions key the regime to the day the
    competent body receives the dossier (``as_of``), while the achievement
    period decides which facts count — see docs/legal/."""

    code = models.CharField("mã", max_length=30, unique=True)
    name = models.CharField("tên", max_length=255)
    legal_basis = models.TextField("căn cứ pháp lý")
    valid_from = models.DateField("áp dụng từ ngày", null=True, blank=True)
    valid_to = models.DateField("áp dụng đến ngày", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    rounding = models.CharField(
        "cách làm tròn tiền thưởng", max_length=10, choices=RoundingMode.choices, default=RoundingMode.UP
    )
    rounding_citation = models.CharField("căn cứ làm tròn", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "bộ quy định"
        verbose_name_plural = "bộ quy định"
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="ruleset_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class AwardType(models.Model):
    """A title or form of commendation, the stable identity behind its rule versions."""

    code = models.CharField("mã", max_length=30, unique=True)
    name = models.CharField("tên", max_length=255)
    short_name = models.CharField("tên ngắn", max_length=100, blank=True)
    category = models.CharField("loại", max_length=10, choices=Category.choices)
    rank = models.PositiveSmallIntegerField(
        "thứ tự", default=100, help_text="Thứ tự hiển thị, cao hơn đứng trước"
    )
    is_local = models.BooleanField("danh hiệu/hình thức của địa phương", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "loại khen thưởng"
        verbose_name_plural = "loại khen thưởng"
        ordering = ["-rank", "code"]

    def __str__(self) -> str:
        return self.name


class AwardRule(models.Model):
    """What the law says of one award type, for one rule set and date range.

    ``prize`` — coefficients of the base salary by recipient kind and, where
    they differ, by authority level: ``{"individual": {"*": "0.3", "commune": "0.15"}}``.
    ``quota`` — e.g. ``{"share_of": "LDTT", "max": "0.15", "enforce": "warn", "citation": …}``.
    ``vote`` — ``{"threshold": "0.8", "base": "all", "ballot": "secret", "citation": …}``.
    ``criteria`` — a tree of ``{"all": […]}`` / ``{"any": […]}`` over predicate
    leaves, each leaf with its ``citation`` (interpreted by awards.engine).
    An administrator's change is a new row from a date; the old row gets
    ``valid_to`` and records made under it keep pointing to it."""

    award_type = models.ForeignKey(
        AwardType, verbose_name="loại khen thưởng", on_delete=models.PROTECT, related_name="rules"
    )
    rule_set = models.ForeignKey(
        RuleSet, verbose_name="bộ quy định", on_delete=models.PROTECT, related_name="rules"
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    issuer = models.ForeignKey(
        Unit,
        verbose_name="cơ quan ban hành quy định riêng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Trống: áp dụng chung. Có: tiêu chí riêng của bộ, tỉnh (ví dụ Giấy khen).",
    )
    recipient_kinds = models.JSONField("đối tượng", default=list)
    authority_levels = models.JSONField("thẩm quyền quyết định", default=list)
    prize = models.JSONField("hệ số tiền thưởng", default=dict, blank=True)
    quota = models.JSONField("tỷ lệ, hạn mức", null=True, blank=True)
    vote = models.JSONField("ngưỡng biểu quyết Hội đồng", null=True, blank=True)
    criteria = models.JSONField("tiêu chuẩn", default=dict, blank=True)
    citation = models.CharField("căn cứ", max_length=500)
    confidence = models.CharField(
        "độ tin cậy", max_length=12, choices=Confidence.choices, default=Confidence.TEXT
    )
    note = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quy định về loại khen thưởng"
        verbose_name_plural = "quy định về loại khen thưởng"
        ordering = ["award_type", "rule_set__valid_from", "valid_from"]
        indexes = [models.Index(fields=["award_type", "rule_set"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="awardrule_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.award_type.code} / {self.rule_set.code}"


class BaseSalary(models.Model):
    """Mức lương cơ sở: prize money uses the one in force on the decision date."""

    amount = models.PositiveIntegerField("mức lương cơ sở (đồng)")
    valid_from = models.DateField("áp dụng từ ngày", unique=True)
    citation = models.CharField("căn cứ", max_length=255)

    class Meta:
        verbose_name = "mức lương cơ sở"
        verbose_name_plural = "mức lương cơ sở"
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return f"{self.amount:,} đ từ {self.valid_from:%d/%m/%Y}".replace(",", ".")


class Household(models.Model):
    """A household recipient (Gia đình văn hóa, Giấy khen to a household)."""

    name = models.CharField("tên hộ", max_length=255, help_text="Ví dụ: Hộ ông Lò Văn Pánh")
    head_name = models.CharField("chủ hộ", max_length=120)
    unit = models.ForeignKey(
        Unit, verbose_name="thôn, xã", on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    search_key = models.CharField(max_length=300, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "hộ gia đình"
        verbose_name_plural = "hộ gia đình"
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """The yearly quality rating of a person or a unit."""

    person = models.ForeignKey(
        Person,
        verbose_name="cá nhân",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.CASCADE, related_name="ratings"
    )
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị quản lý",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Đơn vị của cá nhân khi xếp loại (để lọc theo phạm vi), hoặc chính đơn vị.",
    )
    year = models.PositiveSmallIntegerField("năm")
    grade = models.CharField("xếp loại", max_length=6, choices=Grade.choices)
    source = models.CharField("căn cứ (quyết định, biên bản)", max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "xếp loại chất lượng"
        verbose_name_plural = "xếp loại chất lượng"
        ordering = ["-year"]
        # The eligibility engine reads (year, grade, source) of thousands of people or units
        # for a window of years (awards/facts.py): covering indexes answer it from the index
        # alone, without a table lookup per rating (bench/eligibility.py measures it).
        indexes = [
            models.Index(fields=["owner_unit", "year"]),
            models.Index(fields=["person", "year", "grade", "source"], name="rating_person_cover"),
            models.Index(fields=["unit", "year", "grade", "source"], name="rating_unit_cover"),
            # A report's ratings of a subtree for a year, by grade (reports/figures): index only.
            models.Index(fields=["owner_unit", "year", "grade", "person", "unit"], name="rating_owner_cover"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(unit__isnull=True))
                | (Q(person__isnull=True) & Q(unit__isnull=False)),
                name="rating_one_subject",
            ),
            models.UniqueConstraint(
                fields=["person", "year"], condition=Q(person__isnull=False), name="rating_person_year"
            ),
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(unit__isnull=False), name="rating_unit_year"
            ),
            models.CheckConstraint(condition=Q(year__gte=1945) & Q(year__lte=2200), name="rating_year"),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.unit} {self.year}: {self.grade}"


class Initiative(models.Model):
    """A recognised initiative (sáng kiến) or accepted research result (đề tài)."""

    title = models.CharField("tên sáng kiến, đề tài", max_length=500)
    is_research = models.BooleanField("là đề tài nghiên cứu khoa học", default=False)
    year = models.PositiveSmallIntegerField("năm công nhận")
    scope = models.CharField("phạm vi ảnh hưởng", max_length=10, choices=InitiativeScope.choices)
    recognised_by = models.ForeignKey(
        Unit,
        verbose_name="cơ quan công nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recognised_by_name = models.CharField("cơ quan công nhận (ghi bằng chữ)", max_length=255, blank=True)
    decision_number = models.CharField("số quyết định công nhận", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    authors = models.ManyToManyField(Person, verbose_name="tác giả", related_name="initiatives")
    owner_unit = models.ForeignKey(
        Unit, verbose_name="đơn vị quản lý", on_delete=models.PROTECT, related_name="+"
    )
    consumed_by = models.ForeignKey(
        "AwardRecord",
        verbose_name="đã dùng làm căn cứ cho",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives_used",
        help_text="Một sáng kiến chỉ làm căn cứ cho một đề nghị khen thưởng.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sáng kiến, đề tài"
        verbose_name_plural = "sáng kiến, đề tài"
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["owner_unit", "year"])]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1945) & Q(year__lte=2200), name="initiative_year")
        ]

    def __str__(self) -> str:
        return self.title


class Discipline(models.Model):
    """A disciplinary measure (or an open inspection/investigation) of a person or
    of a collective (a unit): blocks awards while it runs (D152 art. 4 names
    "cá nhân, tập thể" alike). Exactly one of ``person`` and ``unit``, as for
    :class:`Rating`."""

    person = models.ForeignKey(
        Person,
        verbose_name="cá nhân",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="disciplines",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="tập thể",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="disciplines",
    )
    measure = models.CharField("hình thức", max_length=20, choices=DisciplineMeasure.choices)
    start_date = models.DateField("từ ngày")
    end_date = models.DateField("đến ngày", null=True, blank=True, help_text="Trống: đang thi hành.")
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    owner_unit = models.ForeignKey(
        Unit, verbose_name="đơn vị quản lý", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kỷ luật"
        verbose_name_plural = "kỷ luật"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="discipline_range",
            ),
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(unit__isnull=True))
                | (Q(person__isnull=True) & Q(unit__isnull=False)),
                name="discipline_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.unit}: {self.get_measure_display()}"


# A regular (yearly) or tenure award can be given once per recipient and year;
# thematic and sudden awards are for distinct feats and are checked by the
# service against their movement or decision instead.
UNIQUE_PER_YEAR = [Occasion.REGULAR, Occasion.TENURE]


ONE_RECIPIENT = (
    Q(recipient_kind="individual", person__isnull=False, unit__isnull=True, household__isnull=True)
    | Q(recipient_kind="collective", person__isnull=True, unit__isnull=False, household__isnull=True)
    | Q(recipient_kind="household", person__isnull=True, unit__isnull=True, household__isnull=False)
)


class RecipientLine(models.Model):
    """Who is proposed or decided for which award and achievement period — the
    fields a dossier's candidate and a decision's line share (the register keeps
    its own, with reverse names). Pair with :func:`one_recipient`."""

    recipient_kind = models.CharField("đối tượng", max_length=10, choices=RecipientKind.choices)
    person = models.ForeignKey(
        Person, verbose_name="cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="tập thể", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household,
        verbose_name="hộ gia đình",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    award_type = models.ForeignKey(
        AwardType, verbose_name="hình thức, danh hiệu", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("năm thành tích")
    period_start = models.DateField("thành tích từ ngày", null=True, blank=True)
    period_end = models.DateField("thành tích đến ngày", null=True, blank=True)

    class Meta:
        abstract = True


def one_recipient(name: str) -> models.CheckConstraint:
    """Exactly one of person / unit / household, matching ``recipient_kind`` — the
    shape shared by the registry, the dossiers' candidates and the decisions' lines."""
    return models.CheckConstraint(condition=ONE_RECIPIENT, name=name)


def once_per(container: str, prefix: str) -> list[models.UniqueConstraint]:
    """The same award for the same recipient and year once per ``container``
    (a dossier, a decision): one partial unique constraint per recipient column."""
    return [
        models.UniqueConstraint(
            fields=[container, "award_type", column, "year"],
            condition=Q(**{f"{column}__isnull": False}),
            name=f"{prefix}_unique_{column}",
        )
        for column in ("person", "unit", "household")
    ]


# The columns of awards.AwardRecord a report counts (see its ``award_report_cover`` index).
REPORT_COVER = [
    "year", "status", "owner_unit", "recipient_kind", "award_type", "authority_level", "period_end",
    "person", "unit", "household", "budget_source", "prize_amount", "occasion",
]  # fmt: skip


class AwardRecord(models.Model):
    """One award given — the register (sổ theo dõi khen thưởng).

    It records decided facts: a historical record whose prerequisites are not
    in the system is kept and flagged ``missing_basis`` ("thiếu căn cứ");
    what can never be right is refused by the services and the constraints."""

    award_type = models.ForeignKey(
        AwardType, verbose_name="loại khen thưởng", on_delete=models.PROTECT, related_name="records"
    )
    rule = models.ForeignKey(
        AwardRule,
        verbose_name="quy định áp dụng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    recipient_kind = models.CharField("đối tượng", max_length=10, choices=RecipientKind.choices)
    person = models.ForeignKey(
        Person, verbose_name="cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="tập thể", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    household = models.ForeignKey(
        Household,
        verbose_name="hộ gia đình",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Đơn vị của người được khen khi khen thưởng, chính tập thể, hoặc thôn/xã của hộ.",
    )
    year = models.PositiveSmallIntegerField("năm thành tích")
    period_start = models.DateField("thành tích từ ngày", null=True, blank=True)
    period_end = models.DateField("thành tích đến ngày", null=True, blank=True)
    occasion = models.CharField(
        "loại khen thưởng", max_length=10, choices=Occasion.choices, default=Occasion.REGULAR
    )
    movement_name = models.CharField("phong trào thi đua", max_length=255, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    authority = models.ForeignKey(
        Unit,
        verbose_name="cơ quan quyết định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority_name = models.CharField("cơ quan quyết định (ghi bằng chữ)", max_length=255, blank=True)
    authority_level = models.CharField("cấp quyết định", max_length=12, blank=True)
    certificate_number = models.CharField("số giấy chứng nhận", max_length=60, blank=True)
    prize_coefficient = models.DecimalField(
        "hệ số tiền thưởng", max_digits=6, decimal_places=2, null=True, blank=True
    )
    base_salary = models.PositiveIntegerField("lương cơ sở áp dụng", null=True, blank=True)
    prize_amount = models.PositiveBigIntegerField("tiền thưởng (đồng)", null=True, blank=True)
    budget_source = models.CharField("nguồn kinh phí", max_length=120, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=RecordStatus.choices, default=RecordStatus.VALID
    )
    revoked_at = models.DateField("ngày hủy bỏ", null=True, blank=True)
    revoke_reason = models.CharField("lý do hủy bỏ", max_length=500, blank=True)
    missing_basis = models.BooleanField("thiếu căn cứ", default=False)
    basis_notes = models.JSONField("căn cứ còn thiếu", default=list, blank=True)
    source = models.CharField("nguồn nhập", max_length=10, default="manual")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khen thưởng"
        verbose_name_plural = "sổ theo dõi khen thưởng"
        ordering = ["-year", "-decision_date", "id"]
        indexes = [
            models.Index(fields=["year", "award_type"], name="award_year_type"),
            models.Index(fields=["person", "award_type", "year"], name="award_person"),
            models.Index(fields=["unit", "award_type", "year"], name="award_unit"),
            models.Index(fields=["owner_unit", "year"], name="award_owner_year"),
            # Every column a report counts (reports/figures), led by the year: the period's awards
            # are read from the index alone (SQLite: 1.9 s → 0.9 s for the province summary over
            # 1,000,000 rows, bench/report_summary.py). Written once per award; reads dominate.
            models.Index(fields=REPORT_COVER, name="award_report_cover"),
        ]
        constraints = [
            one_recipient("award_one_recipient"),
            models.UniqueConstraint(
                fields=["award_type", "person", "year"],
                condition=Q(status="valid", person__isnull=False, occasion__in=UNIQUE_PER_YEAR),
                name="award_unique_person",
            ),
            models.UniqueConstraint(
                fields=["award_type", "unit", "year"],
                condition=Q(status="valid", unit__isnull=False, occasion__in=UNIQUE_PER_YEAR),
                name="award_unique_unit",
            ),
            models.UniqueConstraint(
                fields=["award_type", "household", "year"],
                condition=Q(status="valid", household__isnull=False, occasion__in=UNIQUE_PER_YEAR),
                name="award_unique_household",
            ),
            models.CheckConstraint(condition=Q(year__gte=1945) & Q(year__lte=2200), name="award_year"),
        ]

    def __str__(self) -> str:
        return f"{self.award_type.code} {self.year} — {self.recipient}"

    @property
    def recipient(self) -> Person | Unit | Household | None:
        return self.person or self.unit or self.household
