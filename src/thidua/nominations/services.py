"""Dossiers from proposal to result: every write of the nominations module.

The one state machine is :func:`transition` over :data:`workflow.ACTIONS`; the
web pages, the API and the CLI call it, and so do the council and decisions
modules for their steps (``council_done``, ``decision_*``). A transition locks
the dossier row, checks the version the actor saw, runs the step's checks and
effects, and records the step, all in one transaction: two people acting at
once — one wins, the other is told, nothing is half-done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, holds_on_unit, users_with_perm_on
from thidua.awards import engine
from thidua.awards.enums import AuthorityLevel, Occasion, RecipientKind
from thidua.awards.models import AwardRecord, AwardType, Household
from thidua.awards.selectors import RuleBook
from thidua.awards.services import RecordRefused, award_record_create, recipient_of, resolve_award_type
from thidua.core import audit, calendar, rawsql
from thidua.core.errors import ConcurrentUpdate, DomainError, NotFound, PermissionDenied
from thidua.core.notices import notify
from thidua.core.text import clean
from thidua.directory.models import Person, Unit
from thidua.nominations.models import (
    Attachment,
    AttachmentKind,
    Candidate,
    CandidateState,
    Comment,
    Dossier,
    DossierState,
    StepDeadline,
    Transition,
    Verdict,
)
from thidua.nominations.workflow import ACTIONS, EDITABLE_STATES, Action

S = DossierState
C = CandidateState
SYSTEM = None

# What a dossier must carry before it leaves the unit (lessons.md: the regular
# dossier holds the proposal letter and the minutes of the unit's council).
REQUIRED_KINDS = (AttachmentKind.LETTER, AttachmentKind.MINUTES)

# Attachments: extension → (content types accepted, magic bytes at the start).
_ZIP = (b"PK\x03\x04",)
ALLOWED_FILES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}

_LEVEL_BY_KIND = {"province": AuthorityLevel.MINISTRY_PROVINCE, "district": "district", "commune": "commune"}

# Candidates still "in play": a second proposal of the same award for the same
# recipient and year is refused while one of these exists.
PENDING = (C.PROPOSED, C.RETURNED, C.APPRAISED, C.APPROVED, C.FORWARDED)
# Council decides these; the rest are set aside before the council.
AT_COUNCIL = (C.APPRAISED,)


@dataclass(frozen=True)
class CouncilResult:
    """The council's result for one candidate (from thidua.council)."""

    candidate: Candidate
    votes_for: int
    votes_against: int
    members: int
    passed: bool
    note: str = ""


# --- helpers --------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _d(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _text(value: Any, label: str, max_length: int, *, required: bool = False) -> str:
    try:
        text = clean(value, max_length=max_length)
    except ValueError as exc:
        raise DomainError(f"{label}: {exc}") from exc
    if required and not text:
        raise DomainError(f"{label}: không được để trống.")
    return text


def _require(actor: Any, perm: str, unit: Unit | None) -> None:
    if actor is SYSTEM:
        return
    if unit is None or not can_on_unit(actor, perm, unit):
        raise PermissionDenied()


def _require_proposer(actor: Any, unit: Unit) -> None:
    """Who acts for the proposing unit: its emulation officers (NOMINATE), or the
    standing body's officers of that very unit when the body proposes in its own
    name (its Khối/Cụm, a dossier it forwards upward) — never for units below it."""
    if actor is SYSTEM:
        return
    if not (can_on_unit(actor, Perm.NOMINATE, unit) or holds_on_unit(actor, Perm.APPRAISE, unit)):
        raise PermissionDenied()


def authority_level(unit: Unit | None) -> str:
    """The level of a deciding body, read from its kind (commune, province …);
    other bodies (a department, a school) decide as heads of agencies."""
    if unit is None:
        return ""
    return _LEVEL_BY_KIND.get(unit.kind, AuthorityLevel.AGENCY)


def _is_within(unit: Unit, root: Unit) -> bool:
    return unit.path.startswith(root.path)


def _owner(person: Person | None, unit: Unit | None, household: Household | None) -> Unit:
    if person is not None:
        return person.unit
    if unit is not None:
        return unit
    assert household is not None
    return household.unit


def deadline_for(state: str, award_type_ids: Iterable[int], start: dt.date) -> dt.date | None:
    """The due date of ``state`` entered on ``start``: the award type's own row
    wins over the general one; with several award types the longest applies (a
    CSTĐ toàn quốc candidate keeps the whole dossier posted for 10 working days)."""
    rows = list(
        StepDeadline.objects.filter(state=state, valid_from__lte=start).filter(
            Q(award_type__isnull=True) | Q(award_type_id__in=list(award_type_ids))
        )
    )
    if not rows:
        return None
    specific = [r for r in rows if r.award_type_id is not None]
    pool = specific or rows
    latest: dict[int | None, StepDeadline] = {}
    for r in sorted(pool, key=lambda r: r.valid_from):
        latest[r.award_type_id] = r
    return max(calendar.add_days(start, r.days, working=r.working_days) for r in latest.values())


def _lock(dossier: Dossier, version: int | None) -> Dossier:
    current = Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    if current is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    if version is not None and current.version != version:
        raise ConcurrentUpdate(
            f"Hồ sơ {current.code} vừa được người khác xử lý (hiện ở bước «{current.get_state_display()}»). "
            "Hãy tải lại trang."
        )
    return current


def _bump(dossier: Dossier, **fields: Any) -> None:
    """Save ``fields`` and the next version in one UPDATE guarded by the version read under lock."""
    fields["version"] = dossier.version + 1
    updated = Dossier.objects.filter(pk=dossier.pk, version=dossier.version).update(**fields)
    if updated != 1:  # pragma: no cover - the row is locked; kept as a guard for SQLite
        raise ConcurrentUpdate()
    for k, v in fields.items():
        setattr(dossier, k, v)


def _editable(dossier: Dossier) -> None:
    if dossier.state not in EDITABLE_STATES:
        raise DomainError(
            f"Hồ sơ {dossier.code} đang ở bước «{dossier.get_state_display()}»: không sửa được nữa.",
            code="state",
        )


# --- dossiers -------------------------------------------------------------------------


@transaction.atomic
def dossier_create(
    *,
    actor: Any,
    proposer_unit: Unit,
    deciding_unit: Unit | None = None,
    title: str,
    deciding_body_name: str = "",
    occasion: str = Occasion.REGULAR,
    letter_number: str = "",
    letter_date: dt.date | None = None,
    letter_signer: str = "",
    unit_council_members: int | None = None,
    unit_council_present: int | None = None,
    unit_council_note: str = "",
    movement: Any = None,
    parent: Dossier | None = None,
) -> Dossier:
    """A new draft dossier of ``proposer_unit`` to ``deciding_unit`` (its own head or
    a body above it; a body outside the system only by forwarding)."""
    _require_proposer(actor, proposer_unit)
    title = _text(title, "Trích yếu", 500, required=True)
    if occasion not in Occasion.values:
        raise DomainError("Loại khen thưởng không hợp lệ.")
    if deciding_unit is None and not deciding_body_name:
        raise DomainError("Phải chọn cơ quan xét, quyết định khen thưởng.")
    if deciding_unit is not None and not _is_within(proposer_unit, deciding_unit):
        raise DomainError(
            f"{deciding_unit.name} không phải cấp trên của {proposer_unit.name}: "
            "hồ sơ chỉ gửi tới thủ trưởng đơn vị mình hoặc cơ quan cấp trên."
        )
    _check_letter(letter_date)
    dossier = Dossier.objects.create(
        code=f"tmp-{timezone.now().timestamp()}",
        title=title,
        proposer_unit=proposer_unit,
        deciding_unit=deciding_unit,
        deciding_body_name=_text(deciding_body_name, "Cơ quan nhận", 255),
        occasion=occasion,
        letter_number=_text(letter_number, "Số tờ trình", 60),
        letter_date=letter_date,
        letter_signer=_text(letter_signer, "Người ký tờ trình", 120),
        unit_council_members=unit_council_members,
        unit_council_present=unit_council_present,
        unit_council_note=_text(unit_council_note, "Kết quả biểu quyết", 500),
        parent=parent,
        created_by=actor if getattr(actor, "pk", None) else None,
        movement=movement,
    )
    dossier.code = f"HS-{_today().year}-{dossier.pk:05d}"
    Dossier.objects.filter(pk=dossier.pk).update(code=dossier.code)
    audit.record(actor=actor, action="dossier.create", obj=dossier, after=audit.snapshot(dossier))
    return dossier


def _check_letter(letter_date: dt.date | None) -> None:
    if letter_date and letter_date > _today():
        raise DomainError(f"Ngày tờ trình {_d(letter_date)} ở tương lai.")


DOSSIER_FIELDS = (
    "title",
    "deciding_body_name",
    "occasion",
    "letter_number",
    "letter_date",
    "letter_signer",
    "unit_council_members",
    "unit_council_present",
    "unit_council_note",
)


@transaction.atomic
def dossier_update(*, actor: Any, dossier: Dossier, version: int | None = None, **changes: Any) -> Dossier:
    """Edit the letter data of a draft or returned dossier."""
    current = _lock(dossier, version)
    _require_proposer(actor, current.proposer_unit)
    _editable(current)
    unknown = set(changes) - set(DOSSIER_FIELDS)
    if unknown:
        raise DomainError(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    limits = {"title": ("Trích yếu", 500), "deciding_body_name": ("Cơ quan nhận", 255),
              "letter_number": ("Số tờ trình", 60), "letter_signer": ("Người ký tờ trình", 120),
              "unit_council_note": ("Kết quả biểu quyết", 500)}  # fmt: skip
    values: dict[str, Any] = {}
    for key, value in changes.items():
        if key in limits:
            label, size = limits[key]
            value = _text(value, label, size, required=key == "title")
        values[key] = value
    if "letter_date" in values:
        _check_letter(values["letter_date"])
    members, present = (
        values.get("unit_council_members", current.unit_council_members),
        values.get("unit_council_present", current.unit_council_present),
    )
    if members is not None and present is not None and present > members:
        raise DomainError("Số thành viên dự họp lớn hơn tổng số thành viên Hội đồng cơ sở.")
    before = audit.snapshot(current)
    _bump(current, **values)
    audit.record(
        actor=actor, action="dossier.update", obj=current, before=before, after=audit.snapshot(current)
    )
    return current


# --- candidates -----------------------------------------------------------------------


def _verdicts(
    candidates: list[Candidate], dossier: Dossier, book: RuleBook | None = None
) -> list[tuple[str, dict[str, Any], bool]]:
    """The engine's verdicts for the candidates (one engine call, one rule book),
    stored with the criteria so the appraiser reads what the unit read; and
    whether each award is beyond the deciding body's authority."""
    as_of = dossier.letter_date or _today()
    probes = [
        engine.Candidate(
            award=c.award_type.code,
            year=c.year,
            person_id=c.person_id,
            unit_id=c.unit_id,
            household_id=c.household_id,
            as_of=as_of,
            issuer_id=dossier.deciding_unit_id,
        )
        for c in candidates
    ]
    book = book or RuleBook.load()
    level = authority_level(dossier.deciding_unit)
    out = []
    for c, verdict in zip(candidates, engine.check(probes, as_of=as_of), strict=True):
        data = verdict.as_dict()
        data["already_held"] = bool(verdict.already_held)
        status = {"eligible": Verdict.ELIGIBLE, "not_eligible": Verdict.NOT_ELIGIBLE}.get(
            verdict.status, Verdict.REVIEW
        )
        rule = book.rule_for(c.award_type, as_of, dossier.deciding_unit)
        beyond = dossier.deciding_unit is None or bool(
            rule is not None and rule.authority_levels and level not in rule.authority_levels
        )
        out.append((status, data, beyond))
    return out


def _verdict(
    candidate: Candidate, dossier: Dossier, book: RuleBook | None = None
) -> tuple[str, dict[str, Any], bool]:
    return _verdicts([candidate], dossier, book)[0]


def _pending_elsewhere(candidate: Candidate) -> Candidate | None:
    same = Candidate.objects.filter(
        award_type_id=candidate.award_type_id,
        year=candidate.year,
        person_id=candidate.person_id,
        unit_id=candidate.unit_id,
        household_id=candidate.household_id,
        state__in=PENDING,
    ).exclude(dossier__state__in=[S.WITHDRAWN, S.CLOSED])
    if candidate.pk:
        same = same.exclude(pk=candidate.pk)
    return same.select_related("dossier").first()


@transaction.atomic
def candidate_add(
    *,
    actor: Any,
    dossier: Dossier,
    award_type: AwardType | str,
    year: int,
    person: Person | None = None,
    unit: Unit | None = None,
    household: Household | None = None,
    summary: str = "",
    position: str = "",
    justification: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    movement: Any = None,
    _forwarded_from: Candidate | None = None,
) -> Candidate:
    """Propose one recipient for one award in a draft (or returned) dossier; the
    eligibility verdict is computed at once and kept with the candidate."""
    current = _lock(dossier, None)
    if _forwarded_from is None:
        _require_proposer(actor, current.proposer_unit)
        _editable(current)
    try:
        award = resolve_award_type(award_type)
        recipient = recipient_of(person, unit, household)
    except RecordRefused as exc:
        raise DomainError(exc.message, code=exc.code) from exc
    owner = _owner(person, unit, household)
    if not _is_within(owner, current.proposer_unit):
        raise DomainError(
            f"{recipient.obj} không thuộc {current.proposer_unit.name}: đơn vị chỉ đề nghị khen thưởng "
            "cho cá nhân, tập thể của mình."
        )
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise DomainError("Năm thành tích phải là số.") from exc
    if year < 1945 or year > _today().year:
        raise DomainError(f"Năm thành tích {year} không hợp lệ (từ 1945 đến năm nay).")
    if period_start and period_end and period_end < period_start:
        raise DomainError("Thời gian thành tích: ngày kết thúc trước ngày bắt đầu.")
    as_of = current.letter_date or _today()
    book = RuleBook.load()
    rule = book.rule_for(award, as_of, current.deciding_unit)
    if rule is None:
        raise DomainError(f"{award.name} không có quy định áp dụng vào ngày {_d(as_of)}.")
    if rule.recipient_kinds and recipient.kind not in rule.recipient_kinds:
        kinds = ", ".join(RecipientKind(k).label.lower() for k in rule.recipient_kinds)
        raise DomainError(
            f"{award.name} chỉ tặng cho: {kinds} — không tặng cho {RecipientKind(recipient.kind).label.lower()}."
        )
    candidate = Candidate(
        dossier=current,
        recipient_kind=recipient.kind,
        person=person,
        unit=unit,
        household=household,
        award_type=award,
        year=year,
        period_start=period_start,
        period_end=period_end,
        summary=_text(summary, "Tóm tắt thành tích", 20000),
        position=_text(position, "Chức vụ, đơn vị công tác", 255),
        justification=_text(justification, "Giải trình", 5000),
    )
    candidate.movement = movement if movement is not None else current.movement
    if current.candidates.filter(
        award_type=award, year=year, person=person, unit=unit, household=household
    ).exists():
        raise DomainError(
            f"{recipient.obj} đã có trong hồ sơ này với {award.name} năm {year}.", code="duplicate"
        )
    if _forwarded_from is None:
        other = _pending_elsewhere(candidate)
        if other is not None:
            raise DomainError(
                f"{recipient.obj} đang được đề nghị {award.name} năm {year} trong hồ sơ {other.dossier.code} "
                f"({other.dossier.get_state_display().lower()}).",
                code="duplicate",
            )
    candidate.verdict, candidate.verdict_detail, candidate.beyond_authority = _verdict(
        candidate, current, book
    )
    if candidate.verdict_detail.get("already_held"):
        raise DomainError(
            f"{recipient.obj} đã được {award.name} năm {year} (có trong sổ khen thưởng).", code="duplicate"
        )
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError as exc:
        raise DomainError(
            f"{recipient.obj} đã có trong hồ sơ này với {award.name} năm {year}.", code="duplicate"
        ) from exc
    audit.record(actor=actor, action="candidate.add", obj=candidate, after=audit.snapshot(candidate))
    return candidate


CANDIDATE_FIELDS = ("summary", "position", "justification", "period_start", "period_end", "year")


@transaction.atomic
def candidate_update(
    *, actor: Any, candidate: Candidate, version: int | None = None, **changes: Any
) -> Candidate:
    """Edit a candidate of a draft or returned dossier (summary, justification …);
    the verdict is computed again."""
    dossier = _lock(candidate.dossier, None)
    _require_proposer(actor, dossier.proposer_unit)
    _editable(dossier)
    current = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if version is not None and current.version != version:
        raise ConcurrentUpdate()
    unknown = set(changes) - set(CANDIDATE_FIELDS)
    if unknown:
        raise DomainError(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    before = audit.snapshot(current)
    for key, value in changes.items():
        if key == "summary":
            value = _text(value, "Tóm tắt thành tích", 20000)
        elif key == "position":
            value = _text(value, "Chức vụ, đơn vị công tác", 255)
        elif key == "justification":
            value = _text(value, "Giải trình", 5000)
        elif key == "year":
            value = int(value)
            if value < 1945 or value > _today().year:
                raise DomainError(f"Năm thành tích {value} không hợp lệ (từ 1945 đến năm nay).")
        setattr(current, key, value)
    if current.period_start and current.period_end and current.period_end < current.period_start:
        raise DomainError("Thời gian thành tích: ngày kết thúc trước ngày bắt đầu.")
    current.verdict, current.verdict_detail, current.beyond_authority = _verdict(current, dossier)
    current.version += 1
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as exc:
        raise DomainError(
            "Người, tập thể này đã có trong hồ sơ với cùng hình thức và năm.", code="duplicate"
        ) from exc
    audit.record(
        actor=actor, action="candidate.update", obj=current, before=before, after=audit.snapshot(current)
    )
    return current


@transaction.atomic
def candidate_remove(*, actor: Any, candidate: Candidate) -> None:
    dossier = _lock(candidate.dossier, None)
    _require_proposer(actor, dossier.proposer_unit)
    _editable(dossier)
    before = audit.snapshot(candidate)
    audit.record(actor=actor, action="candidate.remove", obj=dossier, before=before)
    candidate.delete()


def refresh_verdicts(dossier: Dossier) -> list[Candidate]:
    """Check every candidate again (facts change while a dossier waits)."""
    changed = []
    candidates = list(dossier.candidates.select_related("award_type").exclude(state=C.WITHDRAWN))
    for c, (verdict, detail, beyond) in zip(candidates, _verdicts(candidates, dossier), strict=True):
        if (verdict, beyond) != (c.verdict, c.beyond_authority) or detail != c.verdict_detail:
            Candidate.objects.filter(pk=c.pk).update(
                verdict=verdict, verdict_detail=detail, beyond_authority=beyond
            )
            c.verdict, c.verdict_detail, c.beyond_authority = verdict, detail, beyond
            changed.append(c)
    return changed


# --- attachments ----------------------------------------------------------------------


def _sniff(head: bytes, ext: str) -> bool:
    return any(head.startswith(magic) for magic in ALLOWED_FILES[ext][1])


@transaction.atomic
def attachment_add(
    *, actor: Any, dossier: Dossier, kind: str, upload: UploadedFile, candidate: Candidate | None = None
) -> Attachment:
    """Store one file of the dossier outside the web root, under a random name;
    type by extension AND content, size under ``THIDUA_ATTACHMENT_MAX_BYTES``."""
    current = _lock(dossier, None)
    if current.state in EDITABLE_STATES:
        _require_proposer(actor, current.proposer_unit)
    else:
        _require(actor, Perm.APPRAISE, current.deciding_unit)
    if current.state not in EDITABLE_STATES and kind != AttachmentKind.APPRAISAL:
        raise DomainError(
            f"Hồ sơ đang ở bước «{current.get_state_display()}»: không thêm tài liệu được.", code="state"
        )
    if kind not in AttachmentKind.values:
        raise DomainError("Loại tài liệu không hợp lệ.")
    if candidate is not None and candidate.dossier_id != current.pk:
        raise DomainError("Người, tập thể được chọn không thuộc hồ sơ này.")
    name = _text(upload.name or "", "Tên tệp", 255, required=True).replace("/", "_").replace("\\", "_")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_FILES:
        raise DomainError(
            f"Tệp «{name[:80]}» không đúng loại được nhận (PDF, DOCX, XLSX, DOC, XLS, JPG, PNG).",
            code="file_type",
        )
    limit = int(getattr(settings, "THIDUA_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
    size = upload.size or 0
    if size > limit:
        raise DomainError(
            f"Tệp «{name[:80]}» dung lượng {size / 1048576:.1f} MB, vượt giới hạn {limit / 1048576:.0f} MB.".replace(
                ".", ","
            ),
            code="file_size",
        )
    if size == 0:
        raise DomainError(f"Tệp «{name[:80]}» rỗng.", code="file_empty")
    upload.seek(0)
    head = upload.read(16)
    if not _sniff(head, ext):
        raise DomainError(f"Nội dung tệp «{name[:80]}» không phải tệp .{ext} hợp lệ.", code="file_type")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    att = Attachment(
        dossier=current,
        candidate=candidate,
        kind=kind,
        original_name=name,
        content_type=ALLOWED_FILES[ext][0],
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    att.file.save(name, upload, save=False)
    # The file is on disk before the row: if the transaction rolls back, remove it.
    path = att.file.name
    try:
        att.save()
    except Exception:
        att.file.storage.delete(path)
        raise
    audit.record(
        actor=actor,
        action="dossier.attach",
        obj=current,
        after={"file": name, "kind": kind, "size": size, "sha256": att.sha256},
    )
    return att


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: Attachment) -> None:
    dossier = _lock(attachment.dossier, None)
    _require_proposer(actor, dossier.proposer_unit)
    _editable(dossier)
    audit.record(
        actor=actor,
        action="dossier.detach",
        obj=dossier,
        before={"file": attachment.original_name, "kind": attachment.kind},
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- the state machine ----------------------------------------------------------------


def _unit_for(action: Action, dossier: Dossier) -> Unit | None:
    return dossier.proposer_unit if action.side == "proposer" else dossier.deciding_unit


def can(actor: Any, dossier: Dossier, name: str) -> bool:
    """Would the table let ``actor`` do ``name`` now (the pages' buttons)? Only
    the state and the permission — the step's own checks still run on submit."""
    action = ACTIONS.get(name)
    if action is None or dossier.state not in action.sources:
        return False
    if actor is SYSTEM:
        return False
    if action.perm == Perm.NOMINATE:
        try:
            _require_proposer(actor, dossier.proposer_unit)
        except PermissionDenied:
            return False
        return True
    unit = _unit_for(action, dossier)
    return unit is not None and can_on_unit(actor, action.perm, unit)


def _live(dossier: Dossier) -> QuerySet[Candidate]:
    return dossier.candidates.exclude(state=C.WITHDRAWN)


def _check_complete(dossier: Dossier) -> None:
    problems = []
    if not dossier.letter_number or not dossier.letter_date:
        problems.append("thiếu số và ngày tờ trình")
    kinds = set(dossier.attachments.values_list("kind", flat=True))
    for kind in REQUIRED_KINDS:
        if kind not in kinds:
            problems.append(f"thiếu tệp «{AttachmentKind(kind).label}»")
    candidates = list(_live(dossier).select_related("person", "unit", "household"))
    if not candidates:
        problems.append("chưa có người, tập thể nào được đề nghị")
    for c in candidates:
        if c.verdict == Verdict.NOT_ELIGIBLE and not c.justification.strip():
            problems.append(f"{c.recipient} chưa đủ điều kiện {c.award_type.name}: cần nhập giải trình")
    if problems:
        raise DomainError(
            f"Chưa gửi được hồ sơ {dossier.code}: " + "; ".join(problems) + ".", code="incomplete"
        )


def _officers(perm: str, unit: Unit | None) -> list[Any]:
    return list(users_with_perm_on(perm, unit)) if unit is not None else []


@transaction.atomic
def transition(
    *, actor: Any, dossier: Dossier, action: str, version: int | None = None, note: str = "", **payload: Any
) -> Dossier:
    """Move ``dossier`` by ``action`` of the table (the one way states change).

    ``version`` is the version the actor saw; a stale one is refused.
    ``payload`` carries what the step needs: ``reasons`` {candidate id: text}
    for ``return``; ``opinions`` {candidate id: {"recommended": bool, "note": str}}
    for ``appraise``; ``days`` for ``publish``; ``to_unit`` / ``to_name``,
    ``candidate_ids``, ``letter_number``, ``letter_date``, ``letter_signer`` for
    ``forward``; ``results`` for ``record_result``."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise DomainError(f"Thao tác «{action[:40]}» không có.", code="action")
    current = _lock(dossier, version)
    if current.state not in spec.sources:
        raise DomainError(
            f"Không thể «{spec.label.lower()}» khi hồ sơ {current.code} đang ở bước «{current.get_state_display()}».",
            code="state",
        )
    if spec.system and actor is not SYSTEM and not has_perm(actor, spec.perm):
        raise PermissionDenied()
    if spec.perm == Perm.NOMINATE:
        _require_proposer(actor, current.proposer_unit)
    else:
        _require(actor, spec.perm, _unit_for(spec, current))
    note = _text(note, "Ghi chú", 5000)
    if spec.needs_note and not note:
        raise DomainError(f"«{spec.label}»: cần ghi rõ lý do.", code="note")
    before_state = current.state
    target = _EFFECTS.get(action, _no_effect)(actor, current, note, payload) or spec.target
    assert target is not None
    today = _today()
    award_ids = set(_live(current).values_list("award_type_id", flat=True))
    fields: dict[str, Any] = {"state": target, "state_since": timezone.now()}
    if target != before_state or action in {"publish"}:
        fields["due_date"] = (
            current.publish_until if target == S.PUBLISHED else deadline_for(target, award_ids, today)
        )
    if action in {"submit", "resubmit"}:
        fields["submit_count"] = current.submit_count + 1
    before = {"state": before_state, "version": current.version}
    _bump(current, **fields)
    Transition.objects.create(
        dossier=current,
        action=action,
        from_state=before_state,
        to_state=target,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if getattr(actor, "pk", None) else "hệ thống")[:150],
        note=note,
    )
    audit.record(
        actor=actor,
        action=f"dossier.{action}",
        obj=current,
        before=before,
        after={"state": target, "version": current.version, "note": note, **_loggable(payload)},
    )
    _notify(action, current, note)
    return current


def _plain(value: Any) -> Any:
    if isinstance(value, Unit):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, bool, float, type(None))):
        return value
    return str(value)


def _loggable(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as JSON the audit row can hold (units by id, dates as ISO text)."""
    return {key: _plain(value) for key, value in payload.items()}


def _no_effect(actor: Any, dossier: Dossier, note: str, payload: dict[str, Any]) -> str | None:
    return None


def _on_submit(actor: Any, dossier: Dossier, note: str, payload: dict[str, Any]) -> str | None:
    refresh_verdicts(dossier)
    _check_complete(dossier)
    _live(dossier).filter(state=C.RETURNED).update(state=C.PROPOSED, version=1)
    return None


def _ids(mapping: Mapping[Any, Any] | None, dossier: Dossier, label: str) -> dict[int, Any]:
    out: dict[int, Any] = {}
    known = set(_live(dossier).values_list("pk", flat=True))
    for key, value in (mapping or {}).items():
        try:
            pk = int(key)
        except (TypeError, ValueError) as exc:
            raise DomainError(f"{label}: mã người, tập thể «{str(key)[:20]}» không hợp lệ.") from exc
        if pk not in known:
            raise DomainError(f"{label}: người, tập thể số {pk} không thuộc hồ sơ {dossier.code}.")
        out[pk] = value
    return out


def _on_return(actor: Any, dossier: Dossier, note: str, payload: dict[str, Any]) -> str | None:
    reasons = {
        pk: _text(r, "Lý do trả lại", 2000)
        for pk, r in _ids(payload.get("reasons"), dossier, "Trả lại").items()
    }
    reasons = {pk: r for pk, r in reasons.items() if r}
    if not note and not reasons:
        raise DomainError(
            "Trả lại hồ sơ phải ghi rõ lý do (chung hoặc cho từng người, tập thể).", code="note"
        )
    for pk, reason in reasons.items():
        Candidate.objects.filter(pk=pk).update(state=C.RETURNED, return_reason=reason)
    return None


def _on_appraise(actor: Any, dossier: Dossier, note: str, payload: dict[str, Any]) -> str | None:
    opinions = _ids(payload.get("opinions"), dossier, "Thẩm định")
    for c in _live(dossier):
        op = opinions.get(c.pk) or {}
        recommended = op.get("recommended")
        if recommended is None:
            recommended = c.verdict != Verdict.NOT_ELIGIBLE or bool(c.justification.strip())
        text = _text(op.get("note", ""), "Ý kiến thẩm định", 5000)
        if not recommended and not text:
            raise DomainError(
                f"{c.recipient}: không đề nghị trình Hội đồng thì phải ghi ý kiến thẩm định.", code="note"
            )
        Candidate.objects.filter(pk=c.pk).update(
            state=C.APPRAISED if recommended else C.NOT_RECOMMENDED, appraisal_note=text
        )
    return None


def _on_publish(actor: Any, dossier: Dossier, note: str, payload: dict[str, Any]) -> str | None:
    if not _live(dossier).filter(state=C.APPRAISED).exists():
        raise DomainError("Không có người, tập thể nào đủ điều kiện để công khai.")
    today = _today()
    days = payload.get("days")
    if days in (None, ""):
        award_ids = set(_live(dossier).values_list("award_type_id", flat=True))
        until = deadline_for(S.PUBLISHED, award_ids, today) or calendar.add_working_days(today, 5)
    else:
        try:
            days = int(days)
        except (TypeError, ValueError) as exc:
            raise DomainError("Số ngày công khai phải là số.") from exc
        if not 1 <= days <= 60:
            raise DomainError("Số ngày công khai từ 1 đến 60 ngày làm việc.")
        until = calendar.add_working_days(today, days)
    dossier.publish_until = until
    Dossier.objects.filter(pk=dossier.pk).update(publish_until=until)
    return None


def _on_to_council(actor: Any, dossier: Dossier, note: str, payload: dict[str, Any]) -> str | None:
    if dossier.state == S.PUBLISHED and dossier.publish_until and _today() <= dossier.publish_until:
        raise DomainError(
            f"Hồ sơ {dossier.code} đang công khai lấy ý kiến đến hết ngày {_d(dossier.publish_until)}: "
            "chưa trình Hội đồng được.",
            code="published",
        )
    if not _live(dossier).filter(state=C.APPRAISED).exists():
        raise DomainError("Không có người, tập thể nào đủ điều kiện để trình Hội đồng.")
    return None


def _on_council_done(actor: Any, dossier: Dossier, note: str, payload: dict[str, Any]) -> str | None:
    live = _live(dossier)
    if live.filter(state=C.APPRAISED).exists():
        raise DomainError("Hội đồng chưa xét hết người, tập thể của hồ sơ.")
    return S.COUNCIL_DONE if live.filter(state=C.APPROVED).exists() else S.CLOSED


def _on_forward(actor: Any, dossier: Dossier, note: str, payload: dict[str, Any]) -> str | None:
    to_unit: Unit | None = payload.get("to_unit")
    to_name = _text(payload.get("to_name", ""), "Cơ quan cấp trên", 255)
    if to_unit is None and not to_name:
        raise DomainError("Phải chọn cơ quan cấp trên nhận hồ sơ.")
    body = dossier.deciding_unit
    assert body is not None
    if to_unit is not None and (to_unit.pk == body.pk or not _is_within(body, to_unit)):
        raise DomainError(f"{to_unit.name} không phải cơ quan cấp trên của {body.name}.")
    ready = C.APPROVED if dossier.state != S.APPRAISED and dossier.state != S.PUBLISHED else C.APPRAISED
    pool = _live(dossier).filter(state=ready, beyond_authority=True)
    ids = payload.get("candidate_ids")
    if ids:
        wanted = set(_ids(dict.fromkeys(ids), dossier, "Trình cấp trên"))
        pool = pool.filter(pk__in=wanted)
        if pool.count() != len(wanted):
            raise DomainError("Chỉ trình cấp trên những người, tập thể đã được thông qua và vượt thẩm quyền.")
    chosen = list(pool.select_related("award_type", "person", "unit", "household"))
    if not chosen:
        raise DomainError("Không có người, tập thể nào cần trình cấp trên.")
    letter_date = payload.get("letter_date") or _today()
    child = dossier_create(
        actor=actor,
        proposer_unit=body,
        deciding_unit=to_unit,
        deciding_body_name=to_name,
        title=_text(
            payload.get("title") or f"Đề nghị khen thưởng (trình tiếp từ hồ sơ {dossier.code})",
            "Trích yếu",
            500,
        ),
        occasion=dossier.occasion,
        letter_number=payload.get("letter_number", ""),
        letter_date=letter_date,
        letter_signer=payload.get("letter_signer", ""),
        movement=dossier.movement,
        parent=dossier,
    )
    for c in chosen:
        copy = candidate_add(
            actor=actor,
            dossier=child,
            award_type=c.award_type,
            year=c.year,
            person=c.person,
            unit=c.unit,
            household=c.household,
            summary=c.summary,
            position=c.position,
            justification=c.justification,
            period_start=c.period_start,
            period_end=c.period_end,
            movement=c.movement,
            _forwarded_from=c,
        )
        Candidate.objects.filter(pk=c.pk).update(state=C.FORWARDED, forwarded_as=copy)
    # Attachments travel with the dossier (same stored file, new rows).
    for att in dossier.attachments.all():
        Attachment.objects.create(
            dossier=child, kind=att.kind, file=att.file.name, original_name=att.original_name,
            content_type=att.content_type, size=att.size, sha256=att.sha256, uploaded_by=att.uploaded_by,
        )  # fmt: skip
    child_state = S.SUBMITTED if to_unit is not None else S.FORWARDED
    Dossier.objects.filter(pk=child.pk).update(
        state=child_state,
        submit_count=1,
        due_date=deadline_for(child_state, {c.award_type_id for c in chosen}, _today()),
        version=child.version + 1,
    )
    Transition.objects.create(
        dossier=child, action="forward", from_state=S.DRAFT, to_state=child_state,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if getattr(actor, "pk", None) else "hệ thống")[:150],
        note=f"Trình tiếp từ hồ sơ {dossier.code}",
    )  # fmt: skip
    payload["child"] = child.code
    left = _live(dossier).filter(state__in=[C.APPROVED, C.APPRAISED]).exists()
    if not left and dossier.state in {S.APPRAISED, S.PUBLISHED, S.COUNCIL_DONE}:
        return S.FORWARDED
    return dossier.state


def _on_record_result(actor: Any, dossier: Dossier, note: str, payload: dict[str, Any]) -> str | None:
    """The higher level's answer for a dossier sent outside the system: per
    candidate awarded (with the decision) or not; awarded ones enter the registry."""
    results = _ids(payload.get("results"), dossier, "Kết quả cấp trên")
    live = list(_live(dossier).select_related("award_type", "person", "unit", "household"))
    missing = [str(c.recipient) for c in live if c.pk not in results]
    if missing:
        raise DomainError(
            "Chưa ghi kết quả cho: " + ", ".join(missing[:5]) + ("…" if len(missing) > 5 else "") + "."
        )
    for c in live:
        r = results[c.pk] or {}
        awarded = bool(r.get("awarded"))
        number = _text(r.get("decision_number", ""), "Số quyết định", 60, required=awarded)
        day = r.get("decision_date")
        if isinstance(day, str) and day:
            try:
                day = dt.date.fromisoformat(day)
            except ValueError as exc:
                raise DomainError(f"{c.recipient}: ngày quyết định không hợp lệ.") from exc
        if awarded and not day:
            raise DomainError(f"{c.recipient}: thiếu ngày quyết định của cấp trên.")
        record = None
        if awarded:
            try:
                record = award_record_create(
                    actor=SYSTEM,
                    award_type=c.award_type,
                    year=c.year,
                    person=c.person,
                    unit=c.unit,
                    household=c.household,
                    decision_number=number,
                    decision_date=day,
                    authority_name=_text(
                        r.get("authority_name", "") or dossier.deciding_name, "Cơ quan quyết định", 255
                    ),
                    occasion=dossier.occasion,
                    period_start=c.period_start,
                    period_end=c.period_end,
                    source="decision",
                )
            except RecordRefused as exc:
                raise DomainError(f"{c.recipient}: {exc.message}") from exc
        state = C.AWARDED if awarded else C.NOT_AWARDED
        fields = {"state": state, "higher_decision_number": number, "higher_decision_date": day or None,
                  "award_record": record}  # fmt: skip
        Candidate.objects.filter(pk=c.pk).update(**fields)
        _propagate_up(c, state, record, number, day or None)
    return None


def _propagate_up(
    copy: Candidate, state: str, record: AwardRecord | None, number: str, day: dt.date | None
) -> None:
    """The higher level's outcome reaches the candidate this copy was forwarded
    from (and its dossier closes when nothing else waits)."""
    for origin in Candidate.objects.filter(forwarded_as=copy).select_related("dossier"):
        Candidate.objects.filter(pk=origin.pk).update(
            state=state, award_record=record, higher_decision_number=number, higher_decision_date=day
        )
        parent = origin.dossier
        if parent.state == S.FORWARDED and not _live(parent).filter(state__in=PENDING).exists():
            transition(
                actor=SYSTEM,
                dossier=parent,
                action="higher_result",
                note=f"Cấp trên đã có kết quả ({number})",
            )
        _propagate_up(origin, state, record, number, day)


_EFFECTS = {
    "submit": _on_submit,
    "resubmit": _on_submit,
    "return": _on_return,
    "appraise": _on_appraise,
    "publish": _on_publish,
    "to_council": _on_to_council,
    "council_done": _on_council_done,
    "forward": _on_forward,
    "record_result": _on_record_result,
}


def _notify(action: str, dossier: Dossier, note: str) -> None:
    link = f"{getattr(settings, 'THIDUA_PUBLIC_URL', '')}/ho-so/{dossier.pk}/"
    if action == "return":
        notify(
            _officers(Perm.NOMINATE, dossier.proposer_unit),
            f"[thidua] Hồ sơ {dossier.code} bị trả lại để bổ sung",
            f"Hồ sơ «{dossier.title}» của {dossier.proposer_unit.name} được trả lại để bổ sung.\n"
            f"Lý do: {note or 'xem chi tiết từng người, tập thể trong hồ sơ.'}\n{link}",
        )
    elif action in {"submit", "resubmit"} and dossier.deciding_unit is not None:
        notify(
            _officers(Perm.APPRAISE, dossier.deciding_unit),
            f"[thidua] Hồ sơ {dossier.code} chờ thẩm định",
            f"{dossier.proposer_unit.name} đã gửi hồ sơ «{dossier.title}».\n{link}",
        )
    elif action == "publish":
        notify(
            _officers(Perm.NOMINATE, dossier.proposer_unit),
            f"[thidua] Hồ sơ {dossier.code} đang được công khai",
            f"Danh sách đề nghị khen thưởng của hồ sơ «{dossier.title}» được công khai lấy ý kiến "
            f"đến hết ngày {_d(dossier.publish_until)}.\n"
            f"{getattr(settings, 'THIDUA_PUBLIC_URL', '')}/cong-khai/{dossier.public_code}/",
        )


# --- steps driven by the council and the decisions modules ----------------------------


@transaction.atomic
def council_results_recorded(*, actor: Any, results: Iterable[CouncilResult]) -> None:
    """Write the council's result on each candidate; a dossier whose candidates
    at council are all decided moves on (COUNCIL_DONE, or CLOSED when none passed)."""
    dossiers: dict[int, Dossier] = {}
    for r in results:
        c = Candidate.objects.select_for_update().select_related("dossier").get(pk=r.candidate.pk)
        if c.dossier.state != S.AT_COUNCIL or c.state != C.APPRAISED:
            raise DomainError(
                f"{c.recipient} không ở bước trình Hội đồng (hồ sơ {c.dossier.code}).", code="state"
            )
        Candidate.objects.filter(pk=c.pk).update(
            state=C.APPROVED if r.passed else C.REJECTED,
            council_votes_for=r.votes_for,
            council_votes_against=r.votes_against,
            council_members=r.members,
            council_note=_text(r.note, "Kết quả Hội đồng", 500),
        )
        audit.record(
            actor=actor,
            action="candidate.council_result",
            obj=c,
            after={"passed": r.passed, "for": r.votes_for, "against": r.votes_against, "members": r.members},
        )
        dossiers[c.dossier_id] = c.dossier
    for dossier in dossiers.values():
        if not _live(dossier).filter(state=C.APPRAISED).exists():
            transition(actor=actor, dossier=dossier, action="council_done")


def candidates_for_decision(*, deciding_unit: Unit) -> QuerySet[Candidate]:
    """Approved candidates within this body's authority that no decision holds yet."""
    return (
        Candidate.objects.filter(
            dossier__deciding_unit=deciding_unit,
            # A dossier partly drafted (or signed) still offers its other approved candidates.
            dossier__state__in=[S.COUNCIL_DONE, S.DECISION_DRAFTED, S.SIGNED],
            state=C.APPROVED,
            beyond_authority=False,
            award_record__isnull=True,
        )
        .select_related("dossier", "award_type", "person", "person__unit", "unit", "household")
        .order_by("award_type__rank", "dossier_id", "id")
    )


_DECISION_ACTION = {"decision_drafted": "decision_drafted", "signed": "signed", "issued": "issued",
                    "withdrawn": "decision_withdrawn"}  # fmt: skip


@transaction.atomic
def decision_state_changed(
    *,
    actor: Any,
    candidates: Iterable[Candidate],
    state: str,
    award_records: Mapping[int, AwardRecord] | None = None,
) -> None:
    """A decision holding ``candidates`` was drafted, signed, issued or withdrawn:
    move the candidates (AWARDED on issue, with their registry line) and their
    dossiers through the table."""
    action = _DECISION_ACTION.get(state)
    if action is None:
        raise DomainError(f"Trạng thái quyết định «{state[:30]}» không hợp lệ.")
    records = award_records or {}
    candidates = list(candidates)
    if state == "issued":
        # One pipelined UPDATE for the lot (each line has its own registry record),
        # then the forwarded copies' origins, looked up once for all.
        rawsql.update_many(
            Candidate,
            ("state", "award_record"),
            ((C.AWARDED, getattr(records.get(c.pk), "pk", None), c.pk) for c in candidates),
        )
        forwarded = set(
            Candidate.objects.filter(forwarded_as__in=[c.pk for c in candidates]).values_list(
                "forwarded_as_id", flat=True
            )
        )
        for c in candidates:
            if c.pk in forwarded:
                record = records.get(c.pk)
                _propagate_up(
                    c,
                    C.AWARDED,
                    record,
                    record.decision_number if record else "",
                    record.decision_date if record else None,
                )
    spec = ACTIONS[action]
    for current in Dossier.objects.filter(pk__in={c.dossier_id for c in candidates}).order_by("pk"):
        if current.state in spec.sources and not (action == "issued" and _still_waiting(current)):
            transition(actor=actor, dossier=current, action=action)


def _still_waiting(dossier: Dossier) -> bool:
    """Approved candidates of this dossier not yet decided (another decision will follow)."""
    return _live(dossier).filter(state=C.APPROVED, beyond_authority=False, award_record__isnull=True).exists()


# --- publication comments -------------------------------------------------------------

COMMENTS_PER_IP_PER_DAY = 20


@transaction.atomic
def comment_add(
    *,
    dossier: Dossier,
    author_name: str,
    body: str,
    author_contact: str = "",
    candidate_id: int | None = None,
    ip_address: str | None = None,
) -> Comment:
    """An opinion from the public during publication (no account); it reaches
    the appraisers of the deciding body."""
    if dossier.state != S.PUBLISHED or not dossier.publish_until or _today() > dossier.publish_until:
        raise DomainError("Hồ sơ không còn trong thời gian công khai lấy ý kiến.", code="closed")
    name = _text(author_name, "Họ và tên", 120, required=True)
    text = _text(body, "Nội dung góp ý", 5000, required=True)
    contact = _text(author_contact, "Điện thoại hoặc thư điện tử", 120)
    candidate = None
    if candidate_id:
        candidate = dossier.candidates.filter(pk=candidate_id, state=C.APPRAISED).first()
        if candidate is None:
            raise DomainError("Người, tập thể được góp ý không có trong danh sách công khai.")
    if ip_address:
        since = timezone.now() - dt.timedelta(days=1)
        if (
            Comment.objects.filter(ip_address=ip_address, created_at__gte=since).count()
            >= COMMENTS_PER_IP_PER_DAY
        ):
            raise DomainError("Bạn đã gửi quá nhiều ý kiến trong ngày. Hãy thử lại sau.", code="rate_limited")
    comment = Comment.objects.create(
        dossier=dossier,
        candidate=candidate,
        author_name=name,
        author_contact=contact,
        body=text,
        ip_address=ip_address,
    )
    audit.record(actor="công khai", action="dossier.comment", obj=dossier, after={"comment": comment.pk})
    if dossier.deciding_unit is not None:
        notify(
            _officers(Perm.APPRAISE, dossier.deciding_unit),
            f"[thidua] Ý kiến góp ý về hồ sơ {dossier.code}",
            f"{name} góp ý: {text[:500]}",
        )
    return comment


@transaction.atomic
def comment_handle(*, actor: Any, comment: Comment, note: str) -> Comment:
    _require(actor, Perm.APPRAISE, comment.dossier.deciding_unit)
    note = _text(note, "Kết quả xử lý", 5000, required=True)
    before = audit.snapshot(comment)
    Comment.objects.filter(pk=comment.pk).update(handled=True, handling_note=note)
    comment.refresh_from_db()
    audit.record(
        actor=actor,
        action="dossier.comment_handle",
        obj=comment,
        before=before,
        after=audit.snapshot(comment),
    )
    return comment
