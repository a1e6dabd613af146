"""Every write on the award registry, ratings, initiatives and disciplines.

The registry records decided facts. What can never be right is refused with
a Vietnamese :class:`DomainError` (an unknown award, a recipient the award is
not for, a year or decision date out of range, a duplicate, a signer without
the authority on the decision date). A record whose prerequisites the system
does not hold (a past CSTĐ cơ sở without the LĐTT and initiative behind it)
is kept and flagged ``missing_basis`` ("thiếu căn cứ") with the criteria the
eligibility engine could not confirm.

Each service checks the actor's right on the record's owner unit, writes in
one transaction and writes the audit entry in it (``actor=None`` is the
operator at the server: CLI, migrations, demo — no scope check).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from importlib import resources
from typing import Any

from django.db import IntegrityError, transaction

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, unit_scope
from thidua.awards import engine, prize
from thidua.awards.enums import (
    GRADE_RANK,
    UNIT_MEASURES,
    AuthorityLevel,
    Category,
    DisciplineMeasure,
    Grade,
    InitiativeScope,
    Occasion,
    RecipientKind,
    RecordStatus,
)
from thidua.awards.models import (
    UNIQUE_PER_YEAR,
    AwardRecord,
    AwardRule,
    AwardType,
    BaseSalary,
    Discipline,
    Household,
    Initiative,
    Rating,
)
from thidua.awards.selectors import RuleBook
from thidua.core import audit
from thidua.core.errors import ConcurrentUpdate, DomainError, PermissionDenied
from thidua.core.text import clean, fold
from thidua.directory.models import Person, Unit

SYSTEM = None
FIRST_YEAR = 1945
SOURCES = ("manual", "import", "api", "decision", "demo")

# The deciding level read from the deciding body's place in the administrative
# tree when the caller did not say it (other kinds — a school, a department —
# are ambiguous and left blank).
_LEVEL_BY_UNIT_KIND = {
    "province": AuthorityLevel.MINISTRY_PROVINCE,
    "district": "district",
    "commune": "commune",
}


class RecordRefused(DomainError):
    """A registry line that can never be right; ``field`` names the input at fault
    (the import maps it to its column)."""

    def __init__(self, message: str, *, field: str, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.field = field


def _require(actor: Any, perm: str, unit: Unit | None) -> None:
    if actor is SYSTEM:
        return
    if unit is None:
        if not has_perm(actor, perm) or unit_scope(actor, perm) is not None:
            raise PermissionDenied()
    elif not can_on_unit(actor, perm, unit):
        raise PermissionDenied()


def _text(value: Any, label: str, max_length: int, *, required: bool = False) -> str:
    try:
        text = clean(value, max_length=max_length)
    except ValueError as exc:
        raise DomainError(f"{label}: {exc}.") from exc
    if required and not text:
        raise DomainError(f"{label} không được để trống.")
    return text


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def kind_label(kind: str) -> str:
    return RecipientKind(kind).label.lower() if kind in RecipientKind.values else kind


def award_label(award_type: AwardType) -> str:
    """ "Danh hiệu Lao động tiên tiến" for a title; a form's name already says what it is."""
    if award_type.category == Category.TITLE and not award_type.name.lower().startswith("danh hiệu"):
        return f"Danh hiệu {award_type.name}"
    return award_type.name


def resolve_award_type(value: AwardType | str, types: dict[str, AwardType] | None = None) -> AwardType:
    if isinstance(value, AwardType):
        return value
    code = clean(str(value or "")).upper()
    found = types.get(code) if types is not None else AwardType.objects.filter(code=code).first()
    if found is None:
        raise RecordRefused(
            f"Loại khen thưởng «{clean(str(value or ''))[:40]}» không có trong danh mục.",
            field="award_type",
            code="unknown_award",
        )
    return found


# --- the registry ---------------------------------------------------------------------


@dataclass
class Recipient:
    kind: str
    person: Person | None = None
    unit: Unit | None = None
    household: Household | None = None

    @property
    def owner_unit(self) -> Unit:
        if self.person is not None:
            return self.person.unit
        if self.unit is not None:
            return self.unit
        assert self.household is not None
        return self.household.unit

    @property
    def obj(self) -> Person | Unit | Household:
        return self.person or self.unit or self.household  # type: ignore[return-value]

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.obj.pk)


def recipient_of(
    person: Person | None, unit: Unit | None, household: Household | None, kind: str | None = None
) -> Recipient:
    given = [(k, v) for k, v in (("individual", person), ("collective", unit), ("household", household)) if v]
    if len(given) != 1:
        raise RecordRefused(
            "Phải chọn đúng một đối tượng được khen: cá nhân, tập thể hoặc hộ gia đình.",
            field="recipient",
            code="recipient",
        )
    derived, _ = given[0]
    if kind and kind != derived:
        raise RecordRefused(
            f"Đối tượng được chọn là {kind_label(derived)}, không phải {kind_label(kind)}.", field="recipient"
        )
    return Recipient(kind=derived, person=person, unit=unit, household=household)


def rule_date(year: int, decision_date: dt.date | None, today: dt.date) -> dt.date:
    """The date that picks the rule: the decision date; without it the end of the
    achievement year (no later than today)."""
    return decision_date or min(dt.date(year, 12, 31), today)


def duplicate_key(
    award_type_id: int, recipient: tuple[str, int], year: int, occasion: str, movement: str, number: str
) -> tuple[Any, ...] | None:
    """Two valid records with the same key are the same award given twice:
    once a year for regular and tenure awards; once per movement for thematic
    ones; once per decision for the others (None: nothing to compare)."""
    if occasion in UNIQUE_PER_YEAR:
        return (award_type_id, *recipient, "year", year)
    if occasion == Occasion.THEMATIC:
        return (award_type_id, *recipient, "movement", fold(movement)) if movement else None
    return (award_type_id, *recipient, "decision", fold(number)) if number else None


def check_record(
    *,
    book: RuleBook,
    award_type: AwardType,
    recipient: Recipient,
    year: int,
    decision_date: dt.date | None,
    authority: Unit | None,
    authority_level: str,
    occasion: str,
    movement_name: str,
    decision_number: str,
    today: dt.date,
) -> tuple[AwardRule | None, str]:
    """The checks of a registry line that need no query (the import runs them
    row by row): return the rule that applies and the deciding level, or raise
    :class:`RecordRefused`."""
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        raise RecordRefused(
            f"Năm thành tích {year} không hợp lệ: phải từ {FIRST_YEAR} đến {today.year}.",
            field="year",
            code="year",
        )
    if occasion not in Occasion.values:
        raise RecordRefused(f"Loại khen thưởng «{occasion}» không hợp lệ.", field="occasion")
    if occasion == Occasion.THEMATIC and not movement_name:
        raise RecordRefused("Khen thưởng theo chuyên đề phải ghi phong trào thi đua.", field="movement")
    if decision_date is not None:
        if decision_date > today:
            raise RecordRefused(
                f"Ngày quyết định {_d(decision_date)} ở tương lai.",
                field="decision_date",
                code="decision_date",
            )
        if decision_date < dt.date(year, 1, 1):
            raise RecordRefused(
                f"Ngày quyết định {_d(decision_date)} trước năm thành tích {year}.",
                field="decision_date",
                code="decision_date",
            )
    level = authority_level or ""
    if not level and authority is not None:
        level = str(_LEVEL_BY_UNIT_KIND.get(authority.kind, ""))
    if level and level not in AuthorityLevel.values:
        raise RecordRefused(f"Cấp quyết định «{level[:30]}» không hợp lệ.", field="authority_level")
    on = rule_date(year, decision_date, today)
    rule = book.rule_for(award_type, on, authority)
    if rule is None:
        return None, level
    if rule.recipient_kinds and recipient.kind not in rule.recipient_kinds:
        kinds = ", ".join(kind_label(k) for k in rule.recipient_kinds)
        raise RecordRefused(
            f"{award_label(award_type)} chỉ dành cho {kinds}.", field="recipient", code="recipient_kind"
        )
    if level and rule.authority_levels and level not in rule.authority_levels:
        raise RecordRefused(
            f"{AuthorityLevel(level).label} không có thẩm quyền tặng {award_type.name} "
            f"vào ngày {_d(on)} (bộ quy định {rule.rule_set.code}; {rule.citation}).",
            field="authority_level",
            code="authority",
        )
    return rule, level


def basis_notes(records: Sequence[AwardRecord], today: dt.date | None = None) -> list[list[str] | None]:
    """What the eligibility engine could not confirm for each record (None: not
    judged — no engine). Set-based: one ``engine.check`` call for all records,
    each judged under the rules of its own decision date (today without one)."""
    if not records:
        return []
    today = today or dt.date.today()
    candidates = [
        engine.Candidate(
            award=r.award_type.code,
            year=r.year,
            person_id=r.person_id,
            unit_id=r.unit_id,
            household_id=r.household_id,
            as_of=r.decision_date or today,
            issuer_id=r.authority_id,
        )
        for r in records
    ]
    return [_failing(v) for v in engine.check(candidates, as_of=today)]


def _failing(verdict: Any) -> list[str]:
    data = verdict.as_dict() if hasattr(verdict, "as_dict") else dict(verdict)
    notes = [
        str(c.get("message") or c.get("code")) for c in data.get("criteria") or [] if c.get("met") is not True
    ]
    if not notes and data.get("status") not in (None, "eligible"):
        notes = [str(m) for m in (data.get("missing") or data.get("warnings") or ["Chưa đủ căn cứ."])]
    return notes


def _flag(records: Sequence[AwardRecord]) -> int:
    """Run the engine over freshly written records and store the thiếu-căn-cứ flag."""
    changed = []
    for record, notes in zip(records, basis_notes(records), strict=True):
        if notes is None:
            continue
        record.missing_basis = bool(notes)
        record.basis_notes = notes
        if notes:
            changed.append(record)
    AwardRecord.objects.bulk_update(changed, ["missing_basis", "basis_notes"], batch_size=500)
    return len(changed)


def _existing_duplicate(award_type: AwardType, recipient: Recipient, key: tuple[Any, ...] | None) -> Any:
    if key is None:
        return None
    qs = AwardRecord.objects.filter(
        award_type=award_type, status=RecordStatus.VALID, **{_FK[recipient.kind]: recipient.obj}
    )
    for other in qs.only("id", "year", "occasion", "movement_name", "decision_number"):
        other_key = duplicate_key(
            award_type.pk,
            recipient.key,
            other.year,
            other.occasion,
            other.movement_name,
            other.decision_number,
        )
        if other_key == key:
            return other
    return None


_FK = {"individual": "person", "collective": "unit", "household": "household"}


def duplicate_message(award_type: AwardType, recipient_name: str, year: int, other: Any) -> str:
    number = f" (quyết định {other.decision_number})" if getattr(other, "decision_number", "") else ""
    return f"{recipient_name} đã có {award_type.name} năm {year} trong sổ{number}."


@transaction.atomic
def award_record_create(
    *,
    actor: Any,
    award_type: AwardType | str,
    year: int,
    person: Person | None = None,
    unit: Unit | None = None,
    household: Household | None = None,
    recipient_kind: str | None = None,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    authority: Unit | None = None,
    authority_name: str = "",
    authority_level: str = "",
    occasion: str = Occasion.REGULAR,
    movement_name: str = "",
    certificate_number: str = "",
    budget_source: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    source: str = "manual",
) -> AwardRecord:
    """Write one line of the register (an award already decided)."""
    award_type = resolve_award_type(award_type)
    recipient = recipient_of(person, unit, household, recipient_kind)
    owner = recipient.owner_unit
    _require(actor, Perm.EDIT_AWARDS, owner)
    decision_number = _text(decision_number, "Số quyết định", 60)
    movement_name = _text(movement_name, "Phong trào thi đua", 255)
    if period_start and period_end and period_end < period_start:
        raise RecordRefused("Thời gian thành tích: ngày kết thúc trước ngày bắt đầu.", field="period")
    today = dt.date.today()
    rule, level = check_record(
        book=RuleBook.load(),
        award_type=award_type,
        recipient=recipient,
        year=year,
        decision_date=decision_date,
        authority=authority,
        authority_level=authority_level,
        occasion=occasion,
        movement_name=movement_name,
        decision_number=decision_number,
        today=today,
    )
    key = duplicate_key(award_type.pk, recipient.key, year, occasion, movement_name, decision_number)
    other = _existing_duplicate(award_type, recipient, key)
    if other is not None:
        raise RecordRefused(
            duplicate_message(award_type, str(recipient.obj), year, other),
            field="duplicate",
            code="duplicate",
        )
    priced = prize.prize_for(
        rule=rule, recipient_kind=recipient.kind, authority_level=level, decision_date=decision_date
    )
    record = AwardRecord(
        award_type=award_type,
        rule=rule,
        recipient_kind=recipient.kind,
        person=recipient.person,
        unit=recipient.unit,
        household=recipient.household,
        owner_unit=owner,
        year=year,
        period_start=period_start,
        period_end=period_end,
        occasion=occasion,
        movement_name=movement_name,
        decision_number=decision_number,
        decision_date=decision_date,
        authority=authority,
        authority_name=_text(authority_name, "Cơ quan quyết định", 255)
        or (authority.name if authority else ""),
        authority_level=level,
        certificate_number=_text(certificate_number, "Số giấy chứng nhận", 60),
        budget_source=_text(budget_source, "Nguồn kinh phí", 120),
        source=source if source in SOURCES else "manual",
    )
    if priced is not None:
        record.prize_coefficient, record.base_salary, record.prize_amount = priced
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:  # a concurrent save of the same award
        raise RecordRefused(
            f"{recipient.obj} đã có {award_type.name} năm {year} trong sổ.",
            field="duplicate",
            code="duplicate",
        ) from exc
    _flag([record])
    audit.record(actor=actor, action="award.create", obj=record, after=audit.snapshot(record))
    return record


_EDITABLE = {
    "decision_number",
    "decision_date",
    "authority_name",
    "authority_level",
    "certificate_number",
    "budget_source",
}


@transaction.atomic
def award_record_update(
    *, actor: Any, record: AwardRecord, expected_version: int | None = None, **changes: Any
) -> AwardRecord:
    """Correct the decision details of a line (not its award, recipient or year:
    revoke and write a new line). Compare-and-set on ``version``."""
    _require(actor, Perm.EDIT_AWARDS, record.owner_unit)
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise DomainError(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    current = AwardRecord.objects.select_related("award_type", "person__unit", "unit", "household__unit").get(
        pk=record.pk
    )
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    if current.status != RecordStatus.VALID:
        raise DomainError("Khen thưởng đã bị hủy bỏ, không sửa được.", code="revoked")
    before = audit.snapshot(current)
    for name, label, length in (
        ("decision_number", "Số quyết định", 60),
        ("authority_name", "Cơ quan quyết định", 255),
        ("certificate_number", "Số giấy chứng nhận", 60),
        ("budget_source", "Nguồn kinh phí", 120),
    ):
        if name in changes:
            changes[name] = _text(changes[name], label, length)
    values = {f: changes.get(f, getattr(current, f)) for f in _EDITABLE}
    recipient = recipient_of(current.person, current.unit, current.household)
    rule, level = check_record(
        book=RuleBook.load(),
        award_type=current.award_type,
        recipient=recipient,
        year=current.year,
        decision_date=values["decision_date"],
        authority=current.authority,
        authority_level=values["authority_level"] or "",
        occasion=current.occasion,
        movement_name=current.movement_name,
        decision_number=values["decision_number"],
        today=dt.date.today(),
    )
    priced = prize.prize_for(
        rule=rule, recipient_kind=recipient.kind, authority_level=level, decision_date=values["decision_date"]
    )
    coef, salary, amount = priced if priced is not None else (None, None, None)
    values.update(
        authority_level=level, rule=rule, prize_coefficient=coef, base_salary=salary, prize_amount=amount
    )
    updated = AwardRecord.objects.filter(pk=current.pk, version=current.version).update(
        version=current.version + 1, **values
    )
    if updated != 1:
        raise ConcurrentUpdate()
    current.refresh_from_db()
    _flag([current])
    audit.record(
        actor=actor, action="award.update", obj=current, before=before, after=audit.snapshot(current)
    )
    return current


@transaction.atomic
def award_record_revoke(
    *,
    actor: Any,
    record: AwardRecord,
    reason: str,
    revoked_at: dt.date | None = None,
    expected_version: int | None = None,
) -> AwardRecord:
    """Hủy bỏ a decided award (L22 chapter VII): the line stays in the register,
    marked revoked, with the reason; it no longer counts anywhere."""
    _require(actor, Perm.EDIT_AWARDS, record.owner_unit)
    reason = _text(reason, "Lý do hủy bỏ", 500, required=True)
    revoked_at = revoked_at or dt.date.today()
    if revoked_at > dt.date.today():
        raise DomainError(f"Ngày hủy bỏ {_d(revoked_at)} ở tương lai.")
    current = AwardRecord.objects.get(pk=record.pk)
    if current.decision_date and revoked_at < current.decision_date:
        raise DomainError(f"Ngày hủy bỏ {_d(revoked_at)} trước ngày quyết định khen thưởng.")
    if current.status != RecordStatus.VALID:
        raise DomainError("Khen thưởng này đã bị hủy bỏ trước đó.", code="revoked")
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    before = audit.snapshot(current)
    updated = AwardRecord.objects.filter(
        pk=current.pk, version=current.version, status=RecordStatus.VALID
    ).update(
        status=RecordStatus.REVOKED, revoked_at=revoked_at, revoke_reason=reason, version=current.version + 1
    )
    if updated != 1:
        raise ConcurrentUpdate()
    current.refresh_from_db()
    audit.record(
        actor=actor, action="award.revoke", obj=current, before=before, after=audit.snapshot(current)
    )
    return current


# --- ratings --------------------------------------------------------------------------


def check_rating(year: int, grade: str, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    if grade not in Grade.values:
        raise RecordRefused(
            f"Xếp loại «{str(grade)[:20]}» không hợp lệ: chọn HTXSNV, HTTNV, HTNV hoặc KHTNV.", field="grade"
        )
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        raise RecordRefused(
            f"Năm xếp loại {year} không hợp lệ: phải từ {FIRST_YEAR} đến {today.year}.", field="year"
        )


@transaction.atomic
def rating_set(
    *,
    actor: Any,
    year: int,
    grade: str,
    person: Person | None = None,
    unit: Unit | None = None,
    source: str = "",
    expected_version: int | None = None,
) -> Rating:
    """Set (create or replace) the yearly rating of a person or a unit."""
    if (person is None) == (unit is None):
        raise DomainError("Phải chọn đúng một đối tượng xếp loại: cá nhân hoặc đơn vị.")
    owner = person.unit if person is not None else unit
    assert owner is not None
    _require(actor, Perm.EDIT_AWARDS, owner)
    check_rating(year, grade)
    source = _text(source, "Căn cứ", 255)
    lookup = {"person": person} if person is not None else {"unit": unit}
    current = Rating.objects.select_for_update().filter(year=year, **lookup).first()
    if current is None:
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    year=year, grade=grade, source=source, owner_unit=owner, **lookup
                )
        except IntegrityError as exc:
            raise ConcurrentUpdate() from exc
        audit.record(actor=actor, action="rating.create", obj=rating, after=audit.snapshot(rating))
        return rating
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    before = audit.snapshot(current)
    updated = Rating.objects.filter(pk=current.pk, version=current.version).update(
        grade=grade, source=source or current.source, version=current.version + 1
    )
    if updated != 1:
        raise ConcurrentUpdate()
    current.refresh_from_db()
    audit.record(
        actor=actor, action="rating.update", obj=current, before=before, after=audit.snapshot(current)
    )
    return current


def rating_caps() -> list[dict[str, Any]]:
    return json.loads(
        resources.files("thidua.awards").joinpath("data/rating_caps.json").read_text(encoding="utf-8")
    )["caps"]


@dataclass(frozen=True)
class CapCheck:
    regime: str
    rated: int  # people rated HTTNV or better (the base of the share)
    excellent: int  # of whom rated HTXSNV
    max_share: Decimal
    cap: int  # rounded down: "không vượt quá"
    unit_grade: str | None
    citation: str
    confidence: str

    @property
    def exceeded(self) -> bool:
        return self.excellent > self.cap

    @property
    def message(self) -> str:
        share = f"{self.max_share * 100:g} %".replace(".", ",")
        text = (
            f"{self.excellent}/{self.rated} người hoàn thành tốt nhiệm vụ trở lên được xếp loại HTXSNV; "
            f"tối đa {self.cap} ({share}, {self.citation})"
        )
        return text + (" — vượt tỷ lệ." if self.exceeded else ".")


def rating_cap_check(
    unit: Unit, year: int, regime: str = "public_employee", on: dt.date | None = None
) -> CapCheck | None:
    """Share of HTXSNV among the unit's people rated HTTNV or better in ``year``
    against the cap of ``regime`` in force on ``on`` (default: 31/12 of the
    year); the higher cap applies when the unit itself is rated as the data
    says. None when no cap is known for that regime and date."""
    on = on or dt.date(year, 12, 31)
    rows = [
        c
        for c in rating_caps()
        if c["regime"] == regime
        and (not c.get("valid_from") or dt.date.fromisoformat(c["valid_from"]) <= on)
        and (not c.get("valid_to") or on <= dt.date.fromisoformat(c["valid_to"]))
    ]
    if not rows:
        return None
    own = Rating.objects.filter(unit=unit, year=year).values_list("grade", flat=True).first()
    special = [c for c in rows if c.get("unit_grade") and c["unit_grade"] == own]
    row = special[0] if special else next((c for c in rows if not c.get("unit_grade")), rows[0])
    floor = GRADE_RANK[Grade(row.get("of", "HTTNV+").rstrip("+"))]
    grades = list(
        Rating.objects.filter(owner_unit=unit, year=year, person__isnull=False).values_list(
            "grade", flat=True
        )
    )
    rated = sum(1 for g in grades if GRADE_RANK[Grade(g)] >= floor)
    excellent = sum(1 for g in grades if g == Grade.HTXSNV)
    max_share = Decimal(str(row["max_share"]))
    cap = int((max_share * rated).to_integral_value(rounding=ROUND_FLOOR))
    return CapCheck(
        regime=regime,
        rated=rated,
        excellent=excellent,
        max_share=max_share,
        cap=cap,
        unit_grade=own,
        citation=row["citation"],
        confidence=row["confidence"],
    )


# --- initiatives and disciplines ---------------------------------------------------------


def check_initiative(
    year: int, scope: str, decision_date: dt.date | None, today: dt.date | None = None
) -> None:
    """The rules every recognised initiative obeys (shared by the service and the import)."""
    today = today or dt.date.today()
    if scope not in InitiativeScope.values:
        raise RecordRefused("Phạm vi phải là cấp cơ sở, cấp bộ/ngành/tỉnh hoặc toàn quốc.", field="scope")
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        raise RecordRefused(
            f"Năm công nhận {year} không hợp lệ: phải từ {FIRST_YEAR} đến {today.year}.", field="year"
        )
    if decision_date is not None and decision_date > today:
        raise RecordRefused(f"Ngày quyết định {_d(decision_date)} ở tương lai.", field="decision_date")


def check_discipline(
    measure: str,
    start_date: dt.date,
    end_date: dt.date | None,
    today: dt.date | None = None,
    *,
    collective: bool = False,
) -> None:
    """The rules every discipline obeys (shared by the service and the import). A collective
    can only be under an organisation's measure (khiển trách, cảnh cáo, giải tán) or an open
    review; a person cannot be "giải tán"."""
    today = today or dt.date.today()
    if measure not in DisciplineMeasure.values:
        raise RecordRefused(f"Hình thức kỷ luật «{str(measure)[:30]}» không hợp lệ.", field="measure")
    if collective and measure not in UNIT_MEASURES:
        allowed = ", ".join(str(DisciplineMeasure(m).label) for m in UNIT_MEASURES)
        raise RecordRefused(
            f"Hình thức «{DisciplineMeasure(measure).label}» không áp dụng cho tập thể: chọn {allowed}.",
            field="measure",
        )
    if not collective and measure == DisciplineMeasure.DISSOLUTION:
        raise RecordRefused("Hình thức «Giải tán» chỉ áp dụng cho tập thể.", field="measure")
    if start_date > today:
        raise RecordRefused(f"Ngày bắt đầu {_d(start_date)} ở tương lai.", field="start_date")
    if end_date is not None and end_date < start_date:
        raise RecordRefused("Ngày kết thúc kỷ luật phải sau ngày bắt đầu.", field="end_date")


@transaction.atomic
def initiative_create(
    *,
    actor: Any,
    title: str,
    authors: Iterable[Person],
    year: int,
    scope: str,
    is_research: bool = False,
    recognised_by: Unit | None = None,
    recognised_by_name: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    owner_unit: Unit | None = None,
) -> Initiative:
    """Record a recognised initiative or accepted research result."""
    authors = list(dict.fromkeys(authors))
    if not authors:
        raise DomainError("Sáng kiến phải có ít nhất một tác giả.")
    owner = owner_unit or authors[0].unit
    _require(actor, Perm.EDIT_AWARDS, owner)
    for author in authors:
        _require(actor, Perm.EDIT_AWARDS, author.unit)
    title = _text(title, "Tên sáng kiến", 500, required=True)
    check_initiative(year, scope, decision_date)
    initiative = Initiative.objects.create(
        title=title,
        is_research=bool(is_research),
        year=year,
        scope=scope,
        recognised_by=recognised_by,
        recognised_by_name=_text(recognised_by_name, "Cơ quan công nhận", 255)
        or (recognised_by.name if recognised_by else ""),
        decision_number=_text(decision_number, "Số quyết định", 60),
        decision_date=decision_date,
        owner_unit=owner,
    )
    initiative.authors.set(authors)
    after = audit.snapshot(initiative) | {"authors": [a.pk for a in authors]}
    audit.record(actor=actor, action="initiative.create", obj=initiative, after=after)
    return initiative


@transaction.atomic
def discipline_create(
    *,
    actor: Any,
    measure: str,
    start_date: dt.date,
    person: Person | None = None,
    unit: Unit | None = None,
    end_date: dt.date | None = None,
    decision_number: str = "",
    note: str = "",
) -> Discipline:
    """Record a disciplinary measure (or an open inspection/investigation) of a person
    or of a collective (``unit``): both block awards while they run (D152 art. 4)."""
    if (person is None) == (unit is None):
        raise DomainError("Phải chọn đúng một đối tượng bị kỷ luật: cá nhân hoặc tập thể.")
    owner = person.unit if person is not None else unit
    assert owner is not None
    _require(actor, Perm.EDIT_AWARDS, owner)
    check_discipline(measure, start_date, end_date, collective=unit is not None)
    discipline = Discipline.objects.create(
        person=person,
        unit=unit,
        measure=measure,
        start_date=start_date,
        end_date=end_date,
        decision_number=_text(decision_number, "Số quyết định", 60),
        note=_text(note, "Ghi chú", 500),
        owner_unit=owner,
    )
    audit.record(actor=actor, action="discipline.create", obj=discipline, after=audit.snapshot(discipline))
    return discipline


def salaries() -> list[BaseSalary]:
    return list(BaseSalary.objects.order_by("valid_from"))
