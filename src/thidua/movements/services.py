"""Every write on movements. Views, the API, the import and the demo call
these; each checks the permission on the unit concerned, validates with a
Vietnamese message, writes and audits in one transaction.

Who does what: the standing body (``movements.manage`` over the launching
unit or the group's organiser) launches, sets plans, schemes, scores and
publishes; unit officers (``movements.report`` over their unit) register,
sign pledges, report values and task status, and self-score.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit
from thidua.awards.models import AwardRecord, AwardType
from thidua.core import audit
from thidua.core.errors import ConcurrentUpdate, DomainError, PermissionDenied
from thidua.core.numbers import NotANumber, parse_decimal
from thidua.core.text import clean, fold
from thidua.directory.enums import UnitKind
from thidua.directory.models import EmulationGroup, GroupMembership, Unit
from thidua.movements import rules, selectors
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
from thidua.movements.models import (
    Criterion,
    Directive,
    Indicator,
    IndicatorValue,
    KeyTask,
    Movement,
    MovementAward,
    Participant,
    Pledge,
    PledgeSignature,
    Registration,
    Review,
    Score,
    ScoreSheet,
    ScoringScheme,
    TaskStatusChange,
)

SYSTEM = None  # actor=None: the operator at the server (CLI, demo): no scope check
PLAN_MAX_BYTES = 20 * 1024 * 1024
PLAN_EXTENSIONS = (".pdf", ".docx", ".doc", ".odt")
MAX_ITEMS = 200


def _require(actor: Any, perm: str, *units: Unit | None) -> None:
    """``perm`` over any of ``units`` (the first that allows it)."""
    if actor is SYSTEM:
        return
    if not any(u is not None and can_on_unit(actor, perm, u) for u in units):
        raise PermissionDenied()


def _text(
    value: Any, label: str, max_length: int, *, required: bool = False, field: str | None = None
) -> str:
    try:
        text = clean(None if value is None else str(value), max_length=max_length)
    except ValueError as exc:
        raise DomainError(f"{label}: {exc}.", field=field) from exc
    if required and not text:
        raise DomainError(f"{label} không được để trống.", field=field)
    return text


def _lines(values: Iterable[Any] | None, label: str, max_length: int = 1000) -> list[str]:
    items = [_text(v, label, max_length) for v in (values or [])]
    items = [i for i in items if i]
    if len(items) > MAX_ITEMS:
        raise DomainError(f"{label}: tối đa {MAX_ITEMS} mục.")
    return items


def _decimal(value: Any, label: str, *, field: str | None = None) -> Decimal:
    """A number typed the Vietnamese way ("1.234,5") or the program's way
    ("1234.5"): one parser for forms, import, API and CLI (core.numbers)."""
    try:
        number = parse_decimal(value)
    except NotANumber as exc:
        raise DomainError(f"{label} phải là số.", field=field) from exc
    if number is None:
        raise DomainError(f"{label} phải là số.", field=field)
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        raise DomainError(f"{label} không hợp lệ.", field=field)
    return number


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _today() -> dt.date:
    return timezone.localdate()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- movements ---------------------------------------------------------------------------


def _snap(movement: Movement) -> dict[str, Any]:
    data = audit.snapshot(movement)
    data["plan_file"] = movement.plan_file.name if movement.plan_file else ""
    return data


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise DomainError(f"Ngày kết thúc ({_d(end)}) phải sau hoặc bằng ngày bắt đầu ({_d(start)}).")
    if not 1945 <= start.year <= 2200 or not 1945 <= end.year <= 2200:
        raise DomainError("Thời gian phong trào không hợp lệ.")


@transaction.atomic
def movement_launch(
    *,
    actor: Any,
    kind: str,
    name: str,
    launching_unit: Unit,
    start_date: dt.date,
    end_date: dt.date,
    participants: Sequence[tuple[Unit, bool]] = (),
    slogan: str = "",
    directives: Sequence[tuple[str, dt.date, str]] = (),
    goals: Sequence[str] = (),
    approving_unit: Unit | None = None,
) -> Movement:
    """Phát động a movement. One launched by a mass organisation (Hội Cựu chiến
    binh, Đoàn Thanh niên …) waits for the People's Committee's approval."""
    _require(actor, Perm.MANAGE_MOVEMENTS, launching_unit)
    if kind not in MovementKind.values:
        raise DomainError("Loại phong trào phải là thường xuyên, chuyên đề hoặc đặc biệt.")
    name = _text(name, "Tên phong trào", 500, required=True)
    slogan = _text(slogan, "Chủ đề, khẩu hiệu", 500)
    _check_period(start_date, end_date)
    goals_list = _lines(goals, "Mục tiêu")
    approval = ApprovalState.NOT_REQUIRED
    if launching_unit.kind == UnitKind.MASS_ORG:
        if approving_unit is None:
            raise DomainError("Phong trào do Mặt trận, đoàn thể phát động cần chọn UBND phê duyệt.")
        approval = ApprovalState.PENDING
    elif approving_unit is not None:
        approval = ApprovalState.PENDING
    if not participants:
        participants = [(launching_unit, True)]
    movement = Movement.objects.create(
        kind=kind,
        name=name,
        slogan=slogan,
        launching_unit=launching_unit,
        approving_unit=approving_unit,
        approval_state=approval,
        start_date=start_date,
        end_date=end_date,
        year=start_date.year,
        goals=goals_list,
        search_key=fold(f"{name} {slogan}")[:600],
        created_by=_user(actor),
    )
    seen: set[int] = set()
    for unit, include in participants:
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        Participant.objects.create(movement=movement, unit=unit, include_subunits=bool(include))
    for number, issued_on, title in directives:
        directive_add(actor=SYSTEM, movement=movement, number=number, issued_on=issued_on, title=title)
    after = _snap(movement)
    after["participants"] = sorted(seen)
    after["directives"] = [str(d) for d in movement.directives.all()]
    audit.record(actor=actor, action="movements.launch", obj=movement, after=after)
    return movement


@transaction.atomic
def directive_add(
    *, actor: Any, movement: Movement, number: str, issued_on: dt.date, title: str = ""
) -> Directive:
    _require(actor, Perm.MANAGE_MOVEMENTS, movement.launching_unit)
    number = rules.check_document_number(number)
    if issued_on > _today():
        raise DomainError(f"Văn bản {number} không thể ban hành sau hôm nay.")
    directive = Directive.objects.create(
        movement=movement, number=number, issued_on=issued_on, title=_text(title, "Trích yếu", 500)
    )
    if actor is not SYSTEM:
        audit.record(
            actor=actor, action="movements.directive_add", obj=movement, after={"directive": str(directive)}
        )
    return directive


@transaction.atomic
def movement_decide_approval(*, actor: Any, movement: Movement, approve: bool, note: str = "") -> Movement:
    """The People's Committee approves (or refuses) a mass organisation's movement."""
    if movement.approving_unit is None:
        raise DomainError("Phong trào này không cần phê duyệt.")
    _require(actor, Perm.MANAGE_MOVEMENTS, movement.approving_unit)
    if movement.approval_state != ApprovalState.PENDING:
        raise DomainError("Phong trào đã được xem xét phê duyệt.")
    before = audit.snapshot(movement, ["approval_state", "approval_note"])
    state = ApprovalState.APPROVED if approve else ApprovalState.REFUSED
    note = _text(note, "Văn bản phê duyệt", 255)
    if (
        Movement.objects.filter(pk=movement.pk, approval_state=ApprovalState.PENDING).update(
            approval_state=state, approval_note=note, version=movement.version + 1
        )
        != 1
    ):
        raise ConcurrentUpdate()
    movement.refresh_from_db()
    audit.record(
        actor=actor,
        action="movements.approve" if approve else "movements.refuse",
        obj=movement,
        before=before,
        after=audit.snapshot(movement, ["approval_state", "approval_note"]),
    )
    return movement


@transaction.atomic
def movement_attach_plan(*, actor: Any, movement: Movement, file: Any, name: str) -> Movement:
    """Store the plan (kế hoạch) under the private media root; it is served only
    by the permission-checking view, under its original name."""
    _require(actor, Perm.MANAGE_MOVEMENTS, movement.launching_unit)
    name = _text(name, "Tên tệp", 255, required=True)
    if not name.lower().endswith(PLAN_EXTENSIONS):
        raise DomainError("Kế hoạch phải là tệp PDF, DOCX, DOC hoặc ODT.")
    size = getattr(file, "size", None)
    if size is not None and size > PLAN_MAX_BYTES:
        raise DomainError("Tệp kế hoạch quá lớn: tối đa 20 MB.")
    before = {"plan_name": movement.plan_name}
    old = movement.plan_file.name if movement.plan_file else ""
    movement.plan_file.save(name, file if isinstance(file, File) else File(file, name=name), save=False)
    movement.plan_name = name
    movement.save(update_fields=["plan_file", "plan_name"])
    if old and old != movement.plan_file.name:
        storage = movement.plan_file.storage
        transaction.on_commit(lambda: storage.delete(old))
    audit.record(actor=actor, action="movements.plan", obj=movement, before=before, after={"plan_name": name})
    return movement


# --- registration and pledges --------------------------------------------------------------


def _movement_year(movement: Movement, year: int | None) -> int:
    year = year or movement.start_date.year
    if not movement.start_date.year <= year <= movement.end_date.year:
        raise DomainError(
            f"Năm {year} nằm ngoài thời gian phong trào ({_d(movement.start_date)}–{_d(movement.end_date)})."
        )
    return year


def _check_participant(movement: Movement, unit: Unit) -> None:
    if not selectors.takes_part(movement, unit):
        raise DomainError(f"Đơn vị «{unit.name}» không tham gia phong trào «{movement.name}».", field="unit")


@transaction.atomic
def registration_submit(
    *,
    actor: Any,
    movement: Movement,
    unit: Unit,
    targets: Sequence[str],
    year: int | None = None,
    expected_version: int | None = None,
) -> Registration:
    """Đăng ký thi đua (or change it): the unit's targets for the year."""
    _require(actor, Perm.REPORT_MOVEMENTS, unit)
    _check_participant(movement, unit)
    year = _movement_year(movement, year)
    items = _lines(targets, "Nội dung đăng ký")
    if not items:
        raise DomainError("Hãy ghi ít nhất một chỉ tiêu hoặc danh hiệu đăng ký.")
    current = Registration.objects.filter(movement=movement, unit=unit, year=year).first()
    if current is None:
        try:
            with transaction.atomic():
                reg = Registration.objects.create(
                    movement=movement,
                    unit=unit,
                    year=year,
                    targets=items,
                    registered_by=_user(actor),
                    registered_at=timezone.now(),
                )
        except IntegrityError as exc:
            raise ConcurrentUpdate() from exc
        audit.record(actor=actor, action="movements.register", obj=reg, after=audit.snapshot(reg))
        return reg
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    before = audit.snapshot(current)
    if (
        Registration.objects.filter(pk=current.pk, version=current.version).update(
            targets=items,
            registered_by=_user(actor),
            registered_at=timezone.now(),
            version=current.version + 1,
        )
        != 1
    ):
        raise ConcurrentUpdate()
    current.refresh_from_db()
    audit.record(
        actor=actor,
        action="movements.register_update",
        obj=current,
        before=before,
        after=audit.snapshot(current),
    )
    return current


@transaction.atomic
def pledge_create(
    *,
    actor: Any,
    group: EmulationGroup,
    year: int,
    commitments: Sequence[str],
    title: str = "",
    movement: Movement | None = None,
) -> Pledge:
    """Giao ước thi đua of a Khối/Cụm for a year, drafted by the organiser's standing body."""
    _require(actor, Perm.MANAGE_MOVEMENTS, group.organiser)
    if not 1945 <= year <= 2200:
        raise DomainError(f"Năm {year} không hợp lệ.")
    if not GroupMembership.objects.filter(group=group, year=year).exists():
        raise DomainError(f"{group.name} chưa có thành viên năm {year}.")
    items = _lines(commitments, "Nội dung giao ước")
    if not items:
        raise DomainError("Giao ước phải có ít nhất một nội dung cam kết.")
    title = _text(title, "Tiêu đề", 500) or f"Giao ước thi đua năm {year} — {group.name}"
    if Pledge.objects.filter(group=group, year=year).exists():
        raise DomainError(f"{group.name} đã có giao ước thi đua năm {year}.")
    pledge = Pledge.objects.create(group=group, year=year, commitments=items, title=title, movement=movement)
    audit.record(actor=actor, action="movements.pledge_create", obj=pledge, after=audit.snapshot(pledge))
    return pledge


@transaction.atomic
def pledge_sign(
    *, actor: Any, pledge: Pledge, unit: Unit, signer_name: str, signer_title: str = ""
) -> PledgeSignature:
    """A member unit signs its group's pledge — once."""
    _require(actor, Perm.REPORT_MOVEMENTS, unit)
    if not GroupMembership.objects.filter(group=pledge.group, year=pledge.year, unit=unit).exists():
        raise DomainError(
            f"Đơn vị «{unit.name}» không phải thành viên {pledge.group.name} năm {pledge.year}."
        )
    signer_name = _text(signer_name, "Người ký", 120, required=True)
    signer_title = _text(signer_title, "Chức vụ người ký", 255)
    existing = PledgeSignature.objects.filter(pledge=pledge, unit=unit).first()
    if existing is not None:
        raise DomainError(
            f"Đơn vị «{unit.name}» đã ký giao ước này lúc "
            f"{timezone.localtime(existing.signed_at):%H:%M %d/%m/%Y} ({existing.signer_name})."
        )
    try:
        with transaction.atomic():
            sig = PledgeSignature.objects.create(
                pledge=pledge,
                unit=unit,
                signer_name=signer_name,
                signer_title=signer_title,
                signed_by=_user(actor),
                signed_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise DomainError(f"Đơn vị «{unit.name}» đã ký giao ước này.") from exc
    audit.record(actor=actor, action="movements.pledge_sign", obj=pledge, after=audit.snapshot(sig))
    return sig


# --- indicators and tasks -------------------------------------------------------------------


def _may_plan(actor: Any, movement: Movement, unit: Unit) -> None:
    _require(actor, Perm.MANAGE_MOVEMENTS, movement.launching_unit, unit)


def _indicator_fields(
    *, code: Any, name: Any, plan_value: Any, measure: Any, direction: Any
) -> dict[str, Any]:
    """The checked values of a new indicator (each refusal names its field)."""
    code = _text(code, "Mã chỉ tiêu", 30, required=True, field="code").upper()
    if direction not in Direction.values:
        raise DomainError(
            "Chiều đánh giá phải là «càng cao càng tốt» hoặc «càng thấp càng tốt».", field="direction"
        )
    plan = _decimal(plan_value, "Kế hoạch", field="plan_value")
    if plan < 0:
        raise DomainError("Kế hoạch không được âm.", field="plan_value")
    return {
        "code": code,
        "name": _text(name, "Tên chỉ tiêu", 500, required=True, field="name"),
        "measure": _text(measure, "Đơn vị tính", 60, field="measure"),
        "plan_value": plan,
        "direction": direction,
    }


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    movement: Movement,
    unit: Unit,
    code: str,
    name: str,
    plan_value: Any,
    measure: str = "",
    direction: str = Direction.HIGHER,
    position: int | None = None,
) -> Indicator:
    _may_plan(actor, movement, unit)
    _check_participant(movement, unit)
    fields = _indicator_fields(
        code=code, name=name, plan_value=plan_value, measure=measure, direction=direction
    )
    if Indicator.objects.filter(movement=movement, unit=unit, code=fields["code"]).exists():
        raise DomainError(f"Chỉ tiêu mã {fields['code']} của {unit.name} đã có.", field="code")
    if position is None:
        position = Indicator.objects.filter(movement=movement).count() + 1
    ind = Indicator.objects.create(movement=movement, unit=unit, position=position, **fields)
    audit.record(actor=actor, action="movements.indicator_create", obj=ind, after=audit.snapshot(ind))
    return ind


def _check_value_date(movement: Movement, as_of: dt.date) -> None:
    if as_of < movement.start_date:
        raise DomainError(
            f"Ngày số liệu {_d(as_of)} trước khi phong trào bắt đầu ({_d(movement.start_date)}).",
            field="as_of",
        )
    if as_of > _today():
        raise DomainError(f"Ngày số liệu {_d(as_of)} ở tương lai.", field="as_of")


def _value_fields(movement: Movement, *, value: Any, as_of: dt.date, source: Any) -> dict[str, Any]:
    """The checked values of a reported result (each refusal names its field)."""
    number = _decimal(value, "Giá trị thực hiện", field="value")
    _check_value_date(movement, as_of)
    return {"value": number, "as_of": as_of, "source": _text(source, "Nguồn số liệu", 255, field="source")}


def _value_audit(previous: tuple[Decimal, dt.date] | None, v: IndicatorValue) -> dict[str, Any]:
    return {
        "before": {"value": str(previous[0]), "as_of": previous[1].isoformat()} if previous else None,
        "after": {"value": str(v.value), "as_of": v.as_of.isoformat(), "source": v.source},
    }


@transaction.atomic
def indicator_report(
    *, actor: Any, indicator: Indicator, value: Any, as_of: dt.date, source: str = ""
) -> IndicatorValue:
    """Báo cáo kết quả thực hiện: a dated actual value (history is kept; the
    latest on or before a day is the value of that day)."""
    _require(actor, Perm.REPORT_MOVEMENTS, indicator.unit)
    movement = indicator.movement
    _check_participant(movement, indicator.unit)
    v = IndicatorValue.objects.create(
        indicator=indicator,
        recorded_by=_user(actor),
        **_value_fields(movement, value=value, as_of=as_of, source=source),
    )
    previous = (
        IndicatorValue.objects.filter(indicator=indicator, as_of__lte=as_of)
        .exclude(pk=v.pk)
        .order_by("-as_of", "-id")
        .values_list("value", "as_of")
        .first()
    )
    audit.record(actor=actor, action="movements.indicator_report", obj=indicator, **_value_audit(previous, v))
    return v


@dataclass
class IndicatorRow:
    """One line of a bulk entry (the XLSX import): create the unit's indicator
    when ``plan_value`` is given and the code is new, report ``value`` as of
    ``as_of`` when given."""

    unit: Unit
    code: str
    name: str = ""
    measure: str = ""
    plan_value: Any = None
    direction: str = Direction.HIGHER
    value: Any = None
    as_of: dt.date | None = None
    source: str = ""


@dataclass
class RowsOutcome:
    """What a bulk entry did, or why not: ``errors`` holds (row index, error);
    when it is not empty nothing was written."""

    created: int = 0
    values: int = 0
    errors: list[tuple[int, DomainError]] = dataclasses.field(default_factory=list)


_QUERY_CHUNK = 500  # values per IN (…) list


@transaction.atomic
def indicator_rows_write(
    *, actor: Any, movement: Movement, rows: Sequence[IndicatorRow], dry_run: bool = False
) -> RowsOutcome:
    """Create indicators and report values for many rows at once, all or
    nothing: the same checks as :func:`indicator_create` and
    :func:`indicator_report`, row by row, but every lookup is made once for
    the whole set and the writes (indicators, values, audit rows) are bulk
    INSERTs — an import of 1,000 rows costs a handful of queries, not
    thousands. With errors, or with ``dry_run`` (the caller found problems of
    its own and wants every error listed), nothing is written."""
    outcome = RowsOutcome()
    takes_part = selectors.participation_test(movement)
    codes = {clean(str(r.code or "")).upper() for r in rows}
    unit_ids = {r.unit.pk for r in rows}
    existing: dict[tuple[int, str], Indicator] = {}
    code_list = sorted(codes)
    for i in range(0, len(code_list), _QUERY_CHUNK):
        for ind in Indicator.objects.filter(movement=movement, code__in=code_list[i : i + _QUERY_CHUNK]):
            if ind.unit_id in unit_ids:
                existing[(ind.unit_id, ind.code)] = ind
    allowed: dict[tuple[str, int], bool] = {}
    part: dict[int, bool] = {}

    def may(perm: str, unit: Unit) -> bool:
        if actor is SYSTEM:
            return True
        key = (perm, unit.pk)
        if key not in allowed:
            units = (movement.launching_unit, unit) if perm == Perm.MANAGE_MOVEMENTS else (unit,)
            allowed[key] = any(can_on_unit(actor, perm, u) for u in units)
        return allowed[key]

    new: dict[tuple[int, str], Indicator] = {}
    reports: list[tuple[int, tuple[int, str], dict[str, Any]]] = []
    for index, row in enumerate(rows):
        unit = row.unit
        try:
            code = _text(row.code, "Mã chỉ tiêu", 30, required=True, field="code").upper()
            key = (unit.pk, code)
            creating = key not in existing and key not in new
            if creating and row.plan_value is None:
                raise DomainError(
                    f"Mã chỉ tiêu «{code}» chưa có trong phong trào cho {unit.name} "
                    "(điền cột Kế hoạch để tạo chỉ tiêu mới).",
                    field="code",
                )
            if not may(Perm.MANAGE_MOVEMENTS if creating else Perm.REPORT_MOVEMENTS, unit):
                raise PermissionDenied()
            if unit.pk not in part:
                part[unit.pk] = takes_part(unit)
            if not part[unit.pk]:
                raise DomainError(
                    f"Đơn vị «{unit.name}» không tham gia phong trào «{movement.name}».", field="unit"
                )
            if creating:
                fields = _indicator_fields(
                    code=code,
                    name=row.name,
                    plan_value=row.plan_value,
                    measure=row.measure,
                    direction=row.direction,
                )
                new[key] = Indicator(movement=movement, unit=unit, **fields)
            if row.value is not None:
                if creating and not may(Perm.REPORT_MOVEMENTS, unit):
                    raise PermissionDenied()
                if row.as_of is None:
                    raise DomainError("Có giá trị thực hiện thì phải có ngày số liệu.", field="as_of")
                reports.append(
                    (index, key, _value_fields(movement, value=row.value, as_of=row.as_of, source=row.source))
                )
        except DomainError as exc:
            outcome.errors.append((index, exc))
    if outcome.errors or dry_run:
        return outcome

    position = Indicator.objects.filter(movement=movement).count()
    for ind in new.values():
        position += 1
        ind.position = position
    created = Indicator.objects.bulk_create(list(new.values()), batch_size=_QUERY_CHUNK)
    entries = [
        audit.entry(actor=actor, action="movements.indicator_create", obj=ind, after=audit.snapshot(ind))
        for ind in created
    ]
    by_key = {**existing, **new}
    # the value each report replaces, for its audit row: history already stored
    # plus the rows of this file before it (later rows sort after stored ones)
    history: dict[int, list[tuple[dt.date, tuple[int, int], Decimal]]] = {}
    old_ids = sorted({by_key[key].pk for _, key, _ in reports if key in existing})
    for i in range(0, len(old_ids), _QUERY_CHUNK):
        for ind_id, pk, value, day in IndicatorValue.objects.filter(
            indicator_id__in=old_ids[i : i + _QUERY_CHUNK]
        ).values_list("indicator_id", "pk", "value", "as_of"):
            history.setdefault(ind_id, []).append((day, (0, pk), value))
    values = []
    recorded_by = _user(actor)
    for index, key, fields in reports:
        ind = by_key[key]
        v = IndicatorValue(indicator=ind, recorded_by=recorded_by, **fields)
        earlier = [h for h in history.get(ind.pk, []) if h[0] <= v.as_of]
        last = max(earlier, key=lambda h: (h[0], h[1]), default=None)
        previous = (last[2], last[0]) if last else None
        history.setdefault(ind.pk, []).append((v.as_of, (1, index), v.value))
        values.append(v)
        entries.append(
            audit.entry(
                actor=actor, action="movements.indicator_report", obj=ind, **_value_audit(previous, v)
            )
        )
    IndicatorValue.objects.bulk_create(values, batch_size=_QUERY_CHUNK)
    audit.record_many(entries)
    outcome.created, outcome.values = len(created), len(values)
    return outcome


@transaction.atomic
def task_create(
    *,
    actor: Any,
    movement: Movement,
    unit: Unit,
    title: str,
    owner: str = "",
    deadline: dt.date | None = None,
    position: int | None = None,
) -> KeyTask:
    _may_plan(actor, movement, unit)
    _check_participant(movement, unit)
    if position is None:
        position = KeyTask.objects.filter(movement=movement).count() + 1
    task = KeyTask.objects.create(
        movement=movement,
        unit=unit,
        title=_text(title, "Nhiệm vụ", 500, required=True),
        owner=_text(owner, "Chủ trì", 255),
        deadline=deadline,
        position=position,
    )
    audit.record(actor=actor, action="movements.task_create", obj=task, after=audit.snapshot(task))
    return task


@transaction.atomic
def task_set_status(
    *,
    actor: Any,
    task: KeyTask,
    status: str,
    on: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> KeyTask:
    """Change a key task's status from ``on`` (default today); the history is kept."""
    _require(actor, Perm.REPORT_MOVEMENTS, task.unit)
    if status not in TaskStatus.values:
        raise DomainError("Trạng thái phải là chưa triển khai, đang triển khai hoặc hoàn thành.")
    on = on or _today()
    _check_value_date(task.movement, on)
    current = KeyTask.objects.get(pk=task.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    before = {"status": current.status}
    if (
        KeyTask.objects.filter(pk=current.pk, version=current.version).update(
            status=status, version=current.version + 1
        )
        != 1
    ):
        raise ConcurrentUpdate()
    TaskStatusChange.objects.create(
        task=current, status=status, on=on, note=_text(note, "Ghi chú", 500), changed_by=_user(actor)
    )
    current.refresh_from_db()
    audit.record(
        actor=actor, action="movements.task_status", obj=current, before=before,
        after={"status": status, "on": on.isoformat()},
    )  # fmt: skip
    return current


# --- scoring --------------------------------------------------------------------------------


@transaction.atomic
def scheme_create(
    *,
    actor: Any,
    group: EmulationGroup,
    year: int,
    name: str,
    criteria: Sequence[dict[str, Any]],
    tie_break: str = "",
    movement: Movement | None = None,
) -> ScoringScheme:
    """A criteria table as data: each item {group_code, group_name, code, name,
    kind (base/bonus/penalty), max_points}. Several schemes may exist per group and year."""
    _require(actor, Perm.MANAGE_MOVEMENTS, group.organiser)
    if not GroupMembership.objects.filter(group=group, year=year).exists():
        raise DomainError(f"{group.name} chưa có thành viên năm {year}.")
    name = _text(name, "Tên bảng điểm", 255, required=True)
    if not criteria:
        raise DomainError("Bảng điểm phải có ít nhất một tiêu chí.")
    scheme = ScoringScheme.objects.create(group=group, year=year, name=name, movement=movement)
    codes: set[str] = set()
    groups: set[str] = set()
    for pos, c in enumerate(criteria, start=1):
        code = _text(c.get("code"), f"Tiêu chí {pos}: mã", 30, required=True).upper()
        if code in codes:
            raise DomainError(f"Mã tiêu chí {code} bị trùng.")
        codes.add(code)
        kind = c.get("kind") or CriterionKind.BASE
        if kind not in CriterionKind.values:
            raise DomainError(f"Tiêu chí {code}: loại phải là tiêu chí, điểm thưởng hoặc điểm trừ.")
        max_points = _decimal(c.get("max_points"), f"Tiêu chí {code}: điểm tối đa")
        if max_points <= 0:
            raise DomainError(f"Tiêu chí {code}: điểm tối đa phải lớn hơn 0.")
        group_code = _text(c.get("group_code") or kind.upper(), "Nhóm tiêu chí", 30).upper()
        groups.add(group_code)
        Criterion.objects.create(
            scheme=scheme,
            group_code=group_code,
            group_name=_text(c.get("group_name") or group_code, "Tên nhóm tiêu chí", 255),
            code=code,
            name=_text(c.get("name"), f"Tiêu chí {code}: tên", 500, required=True),
            kind=kind,
            max_points=max_points,
            position=pos,
        )
    tie_break = _text(tie_break, "Tiêu chí phân định", 30).upper()
    if tie_break and tie_break not in groups:
        raise DomainError(f"Nhóm tiêu chí phân định «{tie_break}» không có trong bảng điểm.")
    scheme.tie_break = tie_break
    scheme.save(update_fields=["tie_break"])
    after = audit.snapshot(scheme)
    after["criteria"] = [
        {"code": c.code, "kind": c.kind, "max_points": str(c.max_points)} for c in scheme.criteria.all()
    ]
    audit.record(actor=actor, action="movements.scheme_create", obj=scheme, after=after)
    return scheme


def _scheme_state(actor: Any, scheme: ScoringScheme, expected: str, new: str, action: str) -> ScoringScheme:
    _require(actor, Perm.MANAGE_MOVEMENTS, scheme.group.organiser)
    values: dict[str, Any] = {"state": new, "version": scheme.version + 1}
    if new == SchemeState.PUBLISHED:
        values["published_at"] = timezone.now()
    if ScoringScheme.objects.filter(pk=scheme.pk, state=expected).update(**values) != 1:
        raise DomainError(
            f"Bảng điểm đang ở trạng thái «{ScoringScheme.objects.get(pk=scheme.pk).get_state_display()}»."
        )
    before = {"state": scheme.state}
    scheme.refresh_from_db()
    audit.record(actor=actor, action=action, obj=scheme, before=before, after={"state": new})
    return scheme


@transaction.atomic
def scheme_open(*, actor: Any, scheme: ScoringScheme) -> ScoringScheme:
    """Open the scheme: member units may self-score."""
    return _scheme_state(actor, scheme, SchemeState.DRAFT, SchemeState.OPEN, "movements.scheme_open")


@transaction.atomic
def scheme_publish(*, actor: Any, scheme: ScoringScheme) -> ScoringScheme:
    """Công bố: every sheet becomes final; nothing can be edited afterwards."""
    scheme = _scheme_state(actor, scheme, SchemeState.OPEN, SchemeState.PUBLISHED, "movements.scheme_publish")
    scheme.sheets.update(state=SheetState.FINAL)
    return scheme


def _sheet(scheme: ScoringScheme, unit: Unit) -> ScoreSheet:
    sheet, _ = ScoreSheet.objects.get_or_create(scheme=scheme, unit=unit)
    return sheet


def _check_points(criteria: dict[str, Criterion], scores: dict[str, Any]) -> dict[str, Decimal | None]:
    out: dict[str, Decimal | None] = {}
    for raw_code, raw in scores.items():
        code = str(raw_code).strip().upper()
        crit = criteria.get(code)
        if crit is None:
            raise DomainError(f"Tiêu chí «{str(raw_code)[:30]}» không có trong bảng điểm.")
        if raw is None or raw == "":
            out[code] = None
            continue
        pts = _decimal(raw, f"Điểm tiêu chí {code}")
        if pts < 0:
            raise DomainError(f"Điểm tiêu chí {code} không được âm (điểm trừ ghi số dương).")
        if pts > crit.max_points:
            raise DomainError(
                f"Điểm tiêu chí {code} ({rules.vn_number(pts, 2)}) vượt điểm tối đa {rules.vn_number(crit.max_points, 2)}."
            )
        out[code] = pts
    return out


def _write_scores(
    actor: Any,
    sheet: ScoreSheet,
    field: str,
    scores: dict[str, Any],
    evidence: dict[str, str] | None,
    action: str,
) -> ScoreSheet:
    criteria = {c.code: c for c in sheet.scheme.criteria.all()}
    points = _check_points(criteria, scores)
    existing = {s.criterion_id: s for s in sheet.scores.all()}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for code, pts in points.items():
        crit = criteria[code]
        row = existing.get(crit.pk) or Score(sheet=sheet, criterion=crit)
        old = getattr(row, field)
        note = _text((evidence or {}).get(code, row.evidence), "Minh chứng", 500)
        if old == pts and note == row.evidence and row.pk:
            continue
        before[code] = None if old is None else str(old)
        after[code] = None if pts is None else str(pts)
        setattr(row, field, pts)
        row.evidence = note
        row.save()
    if after:
        # every edit logged with the old value, criterion by criterion
        audit.record(actor=actor, action=action, obj=sheet, before=before, after=after)
    return sheet


@transaction.atomic
def score_self(
    *,
    actor: Any,
    scheme: ScoringScheme,
    unit: Unit,
    scores: dict[str, Any],
    evidence: dict[str, str] | None = None,
) -> ScoreSheet:
    """A member unit's self-assessment (tự chấm), criterion by criterion with evidence."""
    _require(actor, Perm.REPORT_MOVEMENTS, unit)
    if scheme.state != SchemeState.OPEN:
        raise DomainError(
            "Kết quả đã công bố, không sửa được." if scheme.state == SchemeState.PUBLISHED
            else "Bảng điểm chưa mở để chấm."
        )  # fmt: skip
    if not GroupMembership.objects.filter(group=scheme.group, year=scheme.year, unit=unit).exists():
        raise DomainError(
            f"Đơn vị «{unit.name}» không phải thành viên {scheme.group.name} năm {scheme.year}."
        )
    sheet = _sheet(scheme, unit)
    if sheet.state not in (SheetState.DRAFT,):
        raise DomainError(
            "Phiếu đã gửi hoặc đã được chấm; chỉ Trưởng khối, cụm hoặc cơ quan thường trực chấm tiếp "
            "(hoặc trả lại để đơn vị sửa)."
        )
    return _write_scores(actor, sheet, "self_points", scores, evidence, "movements.score_self")


@transaction.atomic
def sheet_submit(*, actor: Any, scheme: ScoringScheme, unit: Unit) -> ScoreSheet:
    _require(actor, Perm.REPORT_MOVEMENTS, unit)
    sheet = ScoreSheet.objects.filter(scheme=scheme, unit=unit).first()
    if sheet is None or not sheet.scores.exists():
        raise DomainError("Chưa có điểm tự chấm để gửi.")
    if (
        ScoreSheet.objects.filter(pk=sheet.pk, state=SheetState.DRAFT).update(
            state=SheetState.SUBMITTED, version=sheet.version + 1
        )
        != 1
    ):
        raise DomainError("Phiếu tự chấm đã được gửi.")
    sheet.refresh_from_db()
    audit.record(actor=actor, action="movements.sheet_submit", obj=sheet, after={"state": sheet.state})
    return sheet


@transaction.atomic
def sheet_return(*, actor: Any, scheme: ScoringScheme, unit: Unit, reason: str) -> ScoreSheet:
    """Return a submitted self-assessment to the unit (one step back) — always with a reason."""
    if actor is not SYSTEM and not selectors.may_score_as_leader(actor, scheme):
        raise PermissionDenied()
    if scheme.state == SchemeState.PUBLISHED:
        raise DomainError("Kết quả đã công bố, không sửa được.")
    reason = _text(reason, "Lý do trả lại", 500, required=True)
    sheet = ScoreSheet.objects.filter(scheme=scheme, unit=unit).first()
    if (
        sheet is None
        or ScoreSheet.objects.filter(pk=sheet.pk, state=SheetState.SUBMITTED).update(
            state=SheetState.DRAFT, version=sheet.version + 1
        )
        != 1
    ):
        raise DomainError("Chỉ trả lại được phiếu tự chấm đã gửi.")
    sheet.refresh_from_db()
    audit.record(
        actor=actor,
        action="movements.sheet_return",
        obj=sheet,
        before={"state": SheetState.SUBMITTED},
        after={"state": sheet.state, "reason": reason},
    )
    return sheet


@transaction.atomic
def score_review(
    *,
    actor: Any,
    scheme: ScoringScheme,
    unit: Unit,
    scores: dict[str, Any],
    expected_version: int | None = None,
) -> ScoreSheet:
    """The group leader or the standing body scores a member (chấm điểm). The
    leader does not score its own unit; a published result is never edited."""
    if actor is not SYSTEM:
        if not selectors.may_score_as_leader(actor, scheme):
            raise PermissionDenied()
        leader = selectors.group_leader(scheme)
        if not selectors.may_manage_scheme(actor, scheme) and leader is not None and leader.pk == unit.pk:
            raise DomainError(
                "Trưởng khối, cụm không chấm điểm cho chính đơn vị mình; cơ quan thường trực chấm."
            )
    if scheme.state == SchemeState.PUBLISHED:
        raise DomainError("Kết quả đã công bố, không sửa được.")
    if scheme.state != SchemeState.OPEN:
        raise DomainError("Bảng điểm chưa mở để chấm.")
    if not GroupMembership.objects.filter(group=scheme.group, year=scheme.year, unit=unit).exists():
        raise DomainError(
            f"Đơn vị «{unit.name}» không phải thành viên {scheme.group.name} năm {scheme.year}."
        )
    sheet = _sheet(scheme, unit)
    if expected_version is not None and sheet.version != expected_version:
        raise ConcurrentUpdate()
    if (
        ScoreSheet.objects.filter(pk=sheet.pk, version=sheet.version).update(
            state=SheetState.SCORED, version=sheet.version + 1
        )
        != 1
    ):
        raise ConcurrentUpdate()
    sheet.refresh_from_db()
    return _write_scores(actor, sheet, "points", scores, None, "movements.score_review")


def propose_awards(
    *, actor: Any, scheme: ScoringScheme, deciding_unit: Unit, proposer_unit: Unit | None = None
) -> Any:
    """Đề nghị khen thưởng in one action: the leading unit for Cờ thi đua
    (CTD_TINH), the next for Bằng khen (BK_TINH), as candidates of one dossier
    of the nominations app. Refused while the ranking is not published or when
    ties leave the leader undecided."""
    from thidua.movements.proposals import propose

    return propose(actor=actor, scheme=scheme, deciding_unit=deciding_unit, proposer_unit=proposer_unit)


# --- reviews and awards ------------------------------------------------------------------------


@transaction.atomic
def review_create(
    *,
    actor: Any,
    movement: Movement,
    kind: str,
    held_on: dt.date,
    title: str,
    summary: str = "",
    figures: dict[str, Any] | None = None,
) -> Review:
    """Sơ kết / tổng kết: the results in text and figures (label → number or text)."""
    _require(actor, Perm.MANAGE_MOVEMENTS, movement.launching_unit)
    if kind not in ReviewKind.values:
        raise DomainError("Loại hội nghị phải là sơ kết hoặc tổng kết.")
    if held_on < movement.start_date:
        raise DomainError(f"Ngày {_d(held_on)} trước khi phong trào bắt đầu.")
    if held_on > _today():
        raise DomainError(f"Ngày {_d(held_on)} ở tương lai.")
    clean_figures: dict[str, Any] = {}
    for k, v in (figures or {}).items():
        key = _text(k, "Tên số liệu", 200, required=True)
        clean_figures[key] = (
            v if isinstance(v, int | float) and not isinstance(v, bool) else _text(v, key, 200)
        )
    review = Review.objects.create(
        movement=movement,
        kind=kind,
        held_on=held_on,
        title=_text(title, "Tiêu đề", 500, required=True),
        summary=_text(summary, "Kết quả", 20000),
        figures=clean_figures,
        created_by=_user(actor),
    )
    audit.record(actor=actor, action="movements.review_create", obj=review, after=audit.snapshot(review))
    return review


@transaction.atomic
def movement_link_awards(*, actor: Any, movement: Movement, records: Iterable[AwardRecord]) -> int:
    """Attach registry records to the movement (called by the decisions app when
    a decision is issued for candidates of the movement). Idempotent; returns
    the number of new links."""
    if actor is not SYSTEM and not any(
        can_on_unit(actor, perm, movement.launching_unit)
        for perm in (Perm.MANAGE_MOVEMENTS, Perm.DRAFT_DECISION, Perm.SIGN_DECISION)
    ):
        raise PermissionDenied()
    ids = [r.pk for r in records]
    have = set(
        MovementAward.objects.filter(movement=movement, record_id__in=ids).values_list("record_id", flat=True)
    )
    new = [i for i in dict.fromkeys(ids) if i not in have]
    MovementAward.objects.bulk_create([MovementAward(movement=movement, record_id=i) for i in new])
    if new:
        audit.record(actor=actor, action="movements.link_awards", obj=movement, after={"records": new})
    return len(new)


def award_type(code: str) -> AwardType:
    found = AwardType.objects.filter(code=code).first()
    if found is None:
        raise DomainError(f"Danh mục khen thưởng chưa có loại {code}.")
    return found
