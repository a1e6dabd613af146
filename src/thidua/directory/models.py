"""Organisation registry and people.

Units form one tree of any depth — administrative units (province, district
until 30/6/2025, commune) and the agencies, schools, villages … under them —
each with validity dates. Nothing is deleted or renamed in place when the map
changes: an abolished unit gets ``valid_to`` and successor links, so records
made by or for it stay attached to it and are found from its successors.

Subtree queries use ``path`` ("/1/57/903/"): the ids from the root, maintained
by the services that create or move units. It is a denormalised copy of the
parent chain that turns "this unit and everything under it" into one indexed
``LIKE 'prefix%'`` on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from thidua.directory.enums import Gender, GroupKind, SuccessionKind, UnitKind


class Unit(models.Model):
    code = models.CharField("mã đơn vị", max_length=40, unique=True)
    name = models.CharField("tên đơn vị", max_length=255)
    kind = models.CharField("loại", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("đường dẫn cây", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("cấp trong cây", default=0, editable=False)
    admin_code = models.CharField("mã hành chính (TCTK)", max_length=10, blank=True, db_index=True)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    search_key = models.CharField(max_length=300, editable=False, db_index=True, default="")
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="unit_code_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_current(self) -> bool:
        return self.valid_to is None or self.valid_to >= dt.date.today()


class UnitSuccession(models.Model):
    """``predecessor`` was merged into, split into or renamed to ``successor`` on ``effective_date``."""

    predecessor = models.ForeignKey(
        Unit, verbose_name="đơn vị cũ", on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name="đơn vị kế thừa", on_delete=models.CASCADE, related_name="predecessions"
    )
    effective_date = models.DateField("ngày hiệu lực")
    kind = models.CharField("hình thức", max_length=10, choices=SuccessionKind.choices)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "kế thừa đơn vị"
        verbose_name_plural = "kế thừa đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_succession_unique"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="unit_succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"


class EmulationGroup(models.Model):
    """Khối thi đua (agencies of similar function) or Cụm thi đua (localities by area)."""

    kind = models.CharField("loại", max_length=10, choices=GroupKind.choices)
    code = models.CharField("mã", max_length=40, unique=True)
    name = models.CharField("tên", max_length=255)
    organiser = models.ForeignKey(
        Unit, verbose_name="cơ quan tổ chức", on_delete=models.PROTECT, related_name="organised_groups"
    )
    description = models.TextField("mô tả", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khối, cụm thi đua"
        verbose_name_plural = "khối, cụm thi đua"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """Membership of a unit in a block or cluster for one year (it changes year to year)."""

    group = models.ForeignKey(
        EmulationGroup, verbose_name="khối, cụm", on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="group_memberships"
    )
    year = models.PositiveSmallIntegerField("năm")
    is_leader = models.BooleanField("trưởng khối, cụm", default=False)
    is_deputy = models.BooleanField("phó khối, cụm", default=False)

    class Meta:
        verbose_name = "thành viên khối, cụm"
        verbose_name_plural = "thành viên khối, cụm"
        ordering = ["group", "year", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "unit", "year"], name="group_membership_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=1945) & Q(year__lte=2200), name="group_membership_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.group} ({self.year})"


class Person(models.Model):
    full_name = models.CharField("họ và tên", max_length=120)
    given_name = models.CharField("tên", max_length=40, editable=False, default="")
    gender = models.CharField("giới tính", max_length=10, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    position = models.CharField("chức vụ", max_length=255, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="people")
    identity_number = models.CharField(
        "số định danh cá nhân",
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        help_text="Số CCCD/định danh; chỉ người có thẩm quyền mới xem được.",
    )
    search_key = models.CharField(max_length=300, editable=False, db_index=True, default="")
    sort_key = models.CharField(max_length=800, editable=False, db_index=True, default="")
    is_active = models.BooleanField("đang công tác", default=True)
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cá nhân"
        verbose_name_plural = "cá nhân"
        ordering = ["sort_key", "id"]
        indexes = [models.Index(fields=["unit", "sort_key"], name="person_unit_sort")]
        constraints = [models.CheckConstraint(condition=~Q(full_name=""), name="person_name_not_empty")]

    def __str__(self) -> str:
        return self.full_name


class PersonPosting(models.Model):
    """One period of a person's work in a unit: the history of moves between units."""

    person = models.ForeignKey(
        Person, verbose_name="cá nhân", on_delete=models.CASCADE, related_name="postings"
    )
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="postings")
    position = models.CharField("chức vụ", max_length=255, blank=True)
    start_date = models.DateField("từ ngày", null=True, blank=True)
    end_date = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "quá trình công tác"
        verbose_name_plural = "quá trình công tác"
        ordering = ["person", "-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="posting_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.unit}"
