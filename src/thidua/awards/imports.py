"""Importing the award history ("Sổ khen thưởng"), yearly ratings, initiatives and
disciplines from XLSX/CSV: all or nothing.

The file handling is the one every import shares (:mod:`thidua.core.sheets`):
the size and zip-bomb guards, the calamine/CSV reader, header matching whatever
the case, accents and order, cell and date parsing and the bounded error
report; our column sets are passed to ``sheets.locate``. Units are found by
code as the directory's import finds them (``directory.imports.units_by_code``).

Every row is checked by the same rules as :func:`services.award_record_create`
(``services.check_record``), duplicates are checked set-based against the
file and the register, and only a clean file is written, in one transaction,
with one audit entry for the file (and, for initiatives and disciplines, one
per record created, as when they are entered one by one). Initiatives and disciplines are checked by the rules of
``services.initiative_create``/``discipline_create`` (``services.check_initiative``,
``services.check_discipline``); their people are found the same way. Historical lines whose prerequisites the system does not
hold are accepted and flagged "thiếu căn cứ": one engine call for the file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

import python_calamine
import xlsxwriter
from django.db import IntegrityError, transaction

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm
from thidua.awards import prize, services
from thidua.awards.enums import (
    UNIT_MEASURES,
    AuthorityLevel,
    DisciplineMeasure,
    Grade,
    InitiativeScope,
    RecordStatus,
)
from thidua.awards.models import AwardRecord, AwardType, Discipline, Initiative, Rating
from thidua.awards.selectors import RuleBook
from thidua.core import audit, sheets
from thidua.core.errors import DomainError, ImportRejected, PermissionDenied, RowError
from thidua.core.models import ImportJob
from thidua.core.sheets import INSTRUCTIONS_SHEET, Column
from thidua.core.text import clean, fold
from thidua.directory.imports import units_by_code
from thidua.directory.models import Person, PersonPosting, Unit

AWARDS = "awards"
RATINGS = "ratings"
INITIATIVES = "initiatives"
DISCIPLINES = "disciplines"
KINDS = (AWARDS, RATINGS, INITIATIVES, DISCIPLINES)

_PERSON = (
    Column("full_name", "Họ và tên", False, 28, ("Họ tên",), "Cá nhân: họ và tên."),
    Column(
        "birth_date",
        "Ngày sinh",
        False,
        13,
        (),
        "Cá nhân: dd/mm/yyyy; cần khi đơn vị có hai người trùng tên.",
    ),
    Column(
        "unit_code", "Mã đơn vị", False, 14, (), "Cá nhân: mã đơn vị nơi người đó công tác khi được khen."
    ),
)
_COLLECTIVE = (
    Column("collective_name", "Tên tập thể", False, 30, (), "Tập thể: tên đơn vị được khen (hoặc ghi mã)."),
    Column("collective_code", "Mã tập thể", False, 14, (), "Tập thể: mã đơn vị được khen."),
)
AWARD_COLUMNS: tuple[Column, ...] = (
    *_PERSON,
    *_COLLECTIVE,
    Column(
        "award_type",
        "Loại khen thưởng",
        True,
        30,
        ("Danh hiệu", "Hình thức khen thưởng", "Mã khen thưởng"),
        "Bắt buộc: mã (LDTT, CSTD_CS, GK…) hoặc tên (Lao động tiên tiến…), có dấu hay không dấu.",
    ),
    Column("year", "Năm", True, 7, ("Năm thành tích",), "Bắt buộc: năm thành tích, ví dụ 2023."),
    Column("decision_number", "Số quyết định", False, 16, ("Số QĐ",), "Ví dụ 125/QĐ-UBND."),
    Column("decision_date", "Ngày quyết định", False, 13, ("Ngày QĐ",), "dd/mm/yyyy."),
    Column("authority_name", "Cơ quan quyết định", False, 28, (), "Ví dụ UBND huyện Minh Long."),
    Column(
        "authority_level",
        "Cấp quyết định",
        False,
        18,
        (),
        "Không bắt buộc: " + "; ".join(f"{v} ({label})" for v, label in AuthorityLevel.choices) + ".",
    ),
    Column("certificate_number", "Số giấy chứng nhận", False, 16, ("Số GCN",), ""),
)
RATING_COLUMNS: tuple[Column, ...] = (
    *_PERSON,
    Column("collective_code", "Mã tập thể", False, 14, (), "Xếp loại của chính một đơn vị: mã đơn vị."),
    Column("year", "Năm", True, 7, (), "Bắt buộc."),
    Column(
        "grade", "Xếp loại", True, 16, ("Xếp loại chất lượng",), "HTXSNV, HTTNV, HTNV, KHTNV hoặc tên đầy đủ."
    ),
)
_SCOPE_NOTE = "Bắt buộc: Cơ sở, Tỉnh (cấp bộ, ngành, tỉnh) hoặc Toàn quốc; có dấu hay không dấu."
INITIATIVE_COLUMNS: tuple[Column, ...] = (
    Column("title", "Tên sáng kiến", True, 40, ("Tên sáng kiến, đề tài", "Tên đề tài"), "Bắt buộc."),
    Column(
        "authors",
        "Tác giả",
        True,
        36,
        ("Các tác giả",),
        "Bắt buộc: một hay nhiều họ tên, cách nhau bởi dấu «;»; thêm ngày sinh trong ngoặc khi đơn vị "
        "có người trùng tên, ví dụ: Nguyễn Văn An (02/03/1980); Trần Thị Bình.",
    ),
    Column(
        "unit_code",
        "Mã đơn vị",
        True,
        14,
        (),
        "Bắt buộc: đơn vị quản lý sáng kiến, nơi các tác giả công tác.",
    ),
    Column("year", "Năm công nhận", True, 9, ("Năm",), "Bắt buộc, ví dụ 2023."),
    Column("scope", "Phạm vi", True, 18, ("Phạm vi ảnh hưởng",), _SCOPE_NOTE),
    Column("recognised_by_name", "Cơ quan công nhận", False, 28, (), "Ví dụ Hội đồng sáng kiến huyện."),
    Column("decision_number", "Số quyết định", False, 16, ("Số QĐ",), ""),
    Column("decision_date", "Ngày quyết định", False, 13, ("Ngày QĐ",), "dd/mm/yyyy."),
    Column("is_research", "Đề tài khoa học", False, 12, ("Đề tài",), "Có hoặc Không (để trống: Không)."),
)
DISCIPLINE_COLUMNS: tuple[Column, ...] = (
    *_PERSON,
    *_COLLECTIVE,
    Column(
        "measure",
        "Hình thức kỷ luật",
        True,
        24,
        ("Hình thức",),
        "Bắt buộc: "
        + "; ".join(DisciplineMeasure.labels)
        + " (có dấu hay không dấu). Tập thể: "
        + ", ".join(str(DisciplineMeasure(m).label) for m in UNIT_MEASURES)
        + ".",
    ),
    Column("start_date", "Từ ngày", True, 13, ("Ngày bắt đầu",), "Bắt buộc: dd/mm/yyyy."),
    Column("end_date", "Đến ngày", False, 13, ("Ngày kết thúc",), "dd/mm/yyyy; để trống nếu đang thi hành."),
    Column("decision_number", "Số quyết định", False, 16, ("Số QĐ",), ""),
    Column("note", "Ghi chú", False, 30, (), ""),
)
_COLUMNS = {
    AWARDS: AWARD_COLUMNS,
    RATINGS: RATING_COLUMNS,
    INITIATIVES: INITIATIVE_COLUMNS,
    DISCIPLINES: DISCIPLINE_COLUMNS,
}
_SHEETS = {AWARDS: "Sổ khen thưởng", RATINGS: "Xếp loại", INITIATIVES: "Sáng kiến", DISCIPLINES: "Kỷ luật"}
# What a row must name (one of), for the kinds whose subject is a person or a unit.
_SUBJECT_KEYS = {AWARDS: {"full_name", "collective_code", "collective_name"}}
_SUBJECT_KEYS[RATINGS] = _SUBJECT_KEYS[DISCIPLINES] = _SUBJECT_KEYS[AWARDS]

_GRADES = {fold(label): value for value, label in Grade.choices} | {fold(v): v for v in Grade.values}
_LEVELS = {fold(label): value for value, label in AuthorityLevel.choices} | {
    fold(v): v for v in AuthorityLevel.values
}


def _choice_key(text: str) -> str:
    """ "Cấp bộ/ngành, tỉnh" → "bo nganh tinh": folded, punctuation and a leading "cấp" dropped."""
    key = re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()
    return key[4:] if key.startswith("cap ") else key


_SCOPES = (
    {_choice_key(label): value for value, label in InitiativeScope.choices}
    | {_choice_key(v): v for v in InitiativeScope.values}
    | {"tinh": InitiativeScope.PROVINCE, "bo": InitiativeScope.PROVINCE, "nganh": InitiativeScope.PROVINCE}
    | {"bo nganh": InitiativeScope.PROVINCE, "quoc gia": InitiativeScope.NATIONAL}
)
_MEASURES = {_choice_key(label): value for value, label in DisciplineMeasure.choices} | {
    _choice_key(v): v for v in DisciplineMeasure.values
}
_YES_NO = {"co": True, "x": True, "1": True, "yes": True, "khong": False, "0": False, "no": False, "": False}
_AUTHOR = re.compile(r"^(?P<name>[^()]*?)\s*(?:\((?P<birth>[^()]*)\))?$")
_SY = re.compile(r"\bsy\b")  # "Chiến sỹ thi đua" is how many offices still spell it

# service field → column key, to place a refusal of services.check_record
_FIELD_COLUMN = {
    "year": "year",
    "decision_date": "decision_date",
    "authority_level": "authority_level",
    "recipient": "full_name",
    "award_type": "award_type",
    "duplicate": "award_type",
}


@dataclass
class ImportResult:
    kind: str
    created_count: int
    updated_count: int = 0
    flagged_count: int = 0
    job: ImportJob | None = None


def _award_key(text: str) -> str:
    return _SY.sub("si", fold(text))


def _awards_by_name() -> dict[str, AwardType]:
    found: dict[str, AwardType] = {}
    for t in AwardType.objects.all():
        for name in (t.code, t.name, t.short_name):
            if name:
                found.setdefault(_award_key(name), t)
        if t.name.lower().startswith("danh hiệu "):
            found.setdefault(_award_key(t.name[len("danh hiệu ") :]), t)
    return found


def _merged_continuations(data: bytes, name: str) -> set[tuple[int, int]]:
    """(row, column) of the cells hidden under a merged range (0-based): calamine
    reads them as empty, so a merged name or unit cell would silently lose rows."""
    if not (name or "").lower().endswith((".xlsx", ".xlsm")):
        return set()
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = [n for n in book.sheet_names if fold(n) != fold(INSTRUCTIONS_SHEET)]
    sheet = book.get_sheet_by_name(names[0])
    hidden: set[tuple[int, int]] = set()
    for (r1, c1), (r2, c2) in getattr(sheet, "merged_cell_ranges", None) or []:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    hidden.add((r, c))
    return hidden


def _positions(rows: list[list[Any]], header_row: int, kind: str) -> dict[str, int]:
    by_name = {fold(n): c.key for c in _COLUMNS[kind] for n in (c.label, *c.aliases)}
    return {
        by_name[fold(sheets.cell_text(cell)[0])]: i
        for i, cell in enumerate(rows[header_row - 1])
        if fold(sheets.cell_text(cell)[0]) in by_name
    }


def _read(kind: str, file: IO[bytes] | bytes, name: str) -> tuple[sheets.Sheet, sheets.Report]:
    data = sheets.read_limited(file)
    rows = sheets.read_rows(data, name)
    sheet = sheets.locate(rows, _COLUMNS[kind])
    report = sheets.Report()
    labels = {c.key: c.label for c in _COLUMNS[kind]}
    positions = _positions(rows, sheet.header_row, kind)
    if kind in _SUBJECT_KEYS and not (_SUBJECT_KEYS[kind] & positions.keys()):
        raise sheets.reject(
            "Tệp phải có cột «Họ và tên» (cá nhân) hoặc «Mã tập thể»/«Tên tập thể» (tập thể).",
            [RowError(sheet.header_row, "Họ và tên", "Thiếu cột bắt buộc.")],
        )
    hidden = _merged_continuations(data, name)
    if hidden:
        for number, _cells in sheet.rows:
            for key, pos in positions.items():
                if (number - 1, pos) in hidden:
                    report.add(
                        number,
                        labels[key],
                        "Ô gộp (merge) với ô phía trên: hãy bỏ gộp ô và ghi đủ giá trị ở từng dòng.",
                    )
    return sheet, report


class _People:
    """Finds the person of a row by (name, birth date, unit), set-based: the
    people of every unit named in the file, current or past postings, in one query."""

    def __init__(self, units: dict[str, Unit]) -> None:
        self.by_unit: dict[int, dict[str, list[Person]]] = defaultdict(lambda: defaultdict(list))
        ids = [u.pk for u in units.values()]
        seen: set[tuple[int, int]] = set()
        for chunk in sheets.chunks(ids, sheets.QUERY_CHUNK):
            people = Person.objects.filter(unit_id__in=chunk).select_related("unit")
            posted = PersonPosting.objects.filter(unit_id__in=chunk).select_related("person__unit")
            pairs = [(p.unit_id, p) for p in people] + [(pp.unit_id, pp.person) for pp in posted]
            for unit_id, person in pairs:
                if (unit_id, person.pk) not in seen:
                    seen.add((unit_id, person.pk))
                    self.by_unit[unit_id][fold(person.full_name)].append(person)

    def find(self, name: str, birth: dt.date | None, unit: Unit) -> Person:
        same = self.by_unit[unit.pk].get(fold(name), [])
        if birth is not None:
            same = [p for p in same if p.birth_date == birth]
        if not same:
            born = f", sinh ngày {birth:%d/%m/%Y}" if birth else ""
            raise sheets.CellError(f"Không tìm thấy «{name}»{born} trong đơn vị «{unit.code}».")
        if len(same) > 1:
            dates = ", ".join(p.birth_date.strftime("%d/%m/%Y") if p.birth_date else "không rõ" for p in same)
            raise sheets.CellError(
                f"Có {len(same)} người tên «{name}» trong đơn vị «{unit.code}»: ngày sinh {dates} — "
                "thêm ngày sinh để phân biệt"
            )
        return same[0]


class _Subjects:
    """Resolves a row to a person or a unit; errors as (column key, message)."""

    def __init__(self, actor: Any, sheet: sheets.Sheet, what: str = "khen thưởng") -> None:
        self.actor = actor
        self.what = what  # in the scope refusal: "Bạn không có quyền nhập {what} cho đơn vị …"
        codes = set()
        names = set()
        for _, cells in sheet.rows:
            for key in ("unit_code", "collective_code"):
                code = clean(sheets.cell_text(cells.get(key))[0])
                if code and len(code) <= 40:
                    codes.add(code)
            name = clean(sheets.cell_text(cells.get("collective_name"))[0])
            if name:
                names.add(fold(name))
        self.units = units_by_code(codes)
        self.people = _People(self.units)
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        if names:
            for unit in Unit.objects.only("id", "code", "name", "path", "kind"):
                if fold(unit.name) in names:
                    self.by_name[fold(unit.name)].append(unit)
        self.allowed: dict[int, bool] = {}

    def may(self, unit: Unit) -> bool:
        if self.actor is None:
            return True
        if unit.pk not in self.allowed:
            self.allowed[unit.pk] = can_on_unit(self.actor, Perm.EDIT_AWARDS, unit)
        return self.allowed[unit.pk]

    def refusal(self, key: str, unit: Unit) -> _Err:
        return _Err(key, f"Bạn không có quyền nhập {self.what} cho đơn vị «{unit.code}».")

    def unit_of(self, cells: dict[str, Any], key: str = "unit_code") -> Unit:
        """The unit named by ``key``, which the importer may edit awards of."""
        code = _get(cells, key, 40, required=True)
        unit = self.units.get(code)
        if unit is None:
            raise _Err(key, f"Mã đơn vị «{code}» không có trong hệ thống.")
        if not self.may(unit):
            raise self.refusal(key, unit)
        return unit

    def resolve(self, cells: dict[str, Any]) -> tuple[Person | None, Unit | None]:
        name = sheets.cell_str(cells.get("full_name"), 120)
        code = sheets.cell_str(cells.get("unit_code"), 40)
        c_code = sheets.cell_str(cells.get("collective_code"), 40)
        c_name = sheets.cell_str(cells.get("collective_name"), 255)
        if name and (c_code or c_name):
            raise _Err("full_name", "Mỗi dòng chỉ ghi một đối tượng: cá nhân hoặc tập thể.")
        if name:
            if not code:
                raise _Err("unit_code", "Không được để trống (cần để tìm cá nhân).")
            unit = self.units.get(code)
            if unit is None:
                raise _Err("unit_code", f"Mã đơn vị «{code}» không có trong hệ thống.")
            if not self.may(unit):
                raise self.refusal("unit_code", unit)
            try:
                birth = sheets.cell_date(cells.get("birth_date"))
            except sheets.CellError as exc:
                raise _Err("birth_date", str(exc)) from exc
            try:
                person = self.people.find(name, birth, unit)
            except sheets.CellError as exc:
                raise _Err("full_name", str(exc)) from exc
            if not self.may(person.unit):
                raise self.refusal("unit_code", person.unit)
            return person, None
        if c_code:
            unit = self.units.get(c_code)
            if unit is None:
                raise _Err("collective_code", f"Mã tập thể «{c_code}» không có trong hệ thống.")
        elif c_name:
            found = self.by_name.get(fold(c_name), [])
            if len(found) != 1:
                message = (
                    f"Không tìm thấy tập thể «{c_name}»."
                    if not found
                    else f"Có {len(found)} đơn vị tên «{c_name}» (mã "
                    + ", ".join(u.code for u in found)
                    + ") — ghi mã tập thể để phân biệt."
                )
                raise _Err("collective_name", message)
            unit = found[0]
        else:
            raise _Err("full_name", "Không có đối tượng: ghi họ và tên (cá nhân) hoặc mã/tên tập thể.")
        if not self.may(unit):
            raise self.refusal("collective_code", unit)
        return None, unit


class _Err(Exception):
    """A refused row: the column key at fault and one or more messages for it."""

    def __init__(self, key: str, message: str, *more: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message
        self.messages = [message, *more]


def _get(cells: dict[str, Any], key: str, max_length: int, *, required: bool = False) -> str:
    try:
        return sheets.cell_str(cells.get(key), max_length, required=required)
    except sheets.CellError as exc:
        raise _Err(key, str(exc)) from exc


def _day(cells: dict[str, Any], key: str) -> dt.date | None:
    try:
        return sheets.cell_date(cells.get(key))
    except sheets.CellError as exc:
        raise _Err(key, str(exc)) from exc


def _year(value: Any) -> int:
    text = sheets.cell_str(value, 10, required=True)
    if not re.fullmatch(r"\d{4}", text):
        raise _Err("year", f"Năm «{text}» không hợp lệ.")
    return int(text)


def _labels(kind: str) -> dict[str, str]:
    return {c.key: c.label for c in _COLUMNS[kind]}


def _finish(
    actor: Any, kind: str, name: str, rows: int, created: int, action: str, after: dict[str, Any]
) -> ImportJob:
    """The finished job of a written file and its one audit entry (inside the write's transaction)."""
    user = actor if getattr(actor, "pk", None) else None
    job = ImportJob.objects.create(
        kind=kind,
        status=ImportJob.Status.DONE,
        created_by=user,
        original_name=name,
        total_rows=rows,
        processed_rows=rows,
        created_count=created,
    )
    audit.record(actor=actor, action=action, obj=job, after=after | {"file": name})
    return job


def _check_actor(actor: Any) -> None:
    if actor is not None and not has_perm(actor, Perm.EDIT_AWARDS):
        raise PermissionDenied()


# --- the register ------------------------------------------------------------------------


def validate_awards(actor: Any, sheet: sheets.Sheet, report: sheets.Report) -> list[AwardRecord]:
    label = {c.key: c.label for c in AWARD_COLUMNS}
    subjects = _Subjects(actor, sheet)
    types = _awards_by_name()
    book = RuleBook.load()
    salaries = services.salaries()
    today = dt.date.today()
    planned: list[tuple[int, AwardRecord, tuple[Any, ...] | None]] = []
    for number, cells in sheet.rows:
        try:
            person, unit = subjects.resolve(cells)
            award_text = sheets.cell_str(cells.get("award_type"), 255, required=True)
            award_type = types.get(_award_key(award_text))
            if award_type is None:
                raise _Err("award_type", f"Loại khen thưởng «{award_text[:60]}» không có trong danh mục.")
            year = _year(cells.get("year"))
            try:
                decision_date = sheets.cell_date(cells.get("decision_date"))
            except sheets.CellError as exc:
                raise _Err("decision_date", str(exc)) from exc
            level_text = sheets.cell_str(cells.get("authority_level"), 60)
            level = _LEVELS.get(fold(level_text), level_text) if level_text else ""
            number_text = sheets.cell_str(cells.get("decision_number"), 60)
            recipient = services.recipient_of(person, unit, None)
            rule, level = services.check_record(
                book=book,
                award_type=award_type,
                recipient=recipient,
                year=year,
                decision_date=decision_date,
                authority=None,
                authority_level=level,
                occasion="regular",
                movement_name="",
                decision_number=number_text,
                today=today,
            )
            record = AwardRecord(
                award_type=award_type,
                rule=rule,
                recipient_kind=recipient.kind,
                person=person,
                unit=unit,
                owner_unit=recipient.owner_unit,
                year=year,
                decision_number=number_text,
                decision_date=decision_date,
                authority_name=sheets.cell_str(cells.get("authority_name"), 255),
                authority_level=level,
                certificate_number=sheets.cell_str(cells.get("certificate_number"), 60),
                source="import",
            )
            priced = prize.prize_for(
                rule=rule,
                recipient_kind=recipient.kind,
                authority_level=level,
                decision_date=decision_date,
                salaries=salaries,
            )
            if priced is not None:
                record.prize_coefficient, record.base_salary, record.prize_amount = priced
            key = services.duplicate_key(award_type.pk, recipient.key, year, "regular", "", number_text)
            planned.append((number, record, key))
        except _Err as exc:
            report.add(number, label[exc.key], sheets.error_message(exc))
        except sheets.CellError as exc:
            report.add(number, label["full_name"], sheets.error_message(exc))
        except services.RecordRefused as exc:
            report.add(number, label[_FIELD_COLUMN.get(exc.field, "award_type")], sheets.error_message(exc))
    # Duplicates: within the file, then against the register (one query per chunk of recipients).
    first: dict[tuple[Any, ...], int] = {}
    for number, _record, key in planned:
        if key in first:
            report.add(
                number,
                label["award_type"],
                f"Trùng với dòng {first[key]} (cùng khen thưởng, đối tượng, năm).",
            )
        elif key is not None:
            first[key] = number
    existing: set[tuple[Any, ...]] = set()
    for fk, kind in (("person_id", "individual"), ("unit_id", "collective")):
        ids = sorted({getattr(r, fk) for _, r, _ in planned if getattr(r, fk)})
        for chunk in sheets.chunks(ids, sheets.QUERY_CHUNK):
            rows = AwardRecord.objects.filter(status=RecordStatus.VALID, **{f"{fk}__in": chunk}).values_list(
                "award_type_id", fk, "year", "occasion", "movement_name", "decision_number"
            )
            for type_id, rid, year, occasion, movement, dnum in rows:
                existing.add(services.duplicate_key(type_id, (kind, rid), year, occasion, movement, dnum))
    for number, record, key in planned:
        if key is not None and key in existing:
            report.add(
                number,
                label["award_type"],
                f"{record.recipient} đã có {record.award_type.name} năm {record.year} trong sổ.",
            )
    report.raise_if_any()
    return [r for _, r, _ in planned]


def _write_awards(actor: Any, records: list[AwardRecord], name: str) -> ImportResult:
    try:
        with transaction.atomic():
            created = AwardRecord.objects.bulk_create(records, batch_size=sheets.WRITE_BATCH)
            flagged = services._flag(created)
            job = _finish(
                actor,
                AWARDS,
                name,
                len(records),
                len(created),
                "award.import",
                {"created": len(created), "missing_basis": flagged},
            )
    except IntegrityError as exc:
        raise sheets.reject(
            "Sổ khen thưởng vừa thay đổi trong lúc nhập (trùng khen thưởng); chưa nhập dòng nào, hãy thử lại."
        ) from exc
    return ImportResult(kind=AWARDS, created_count=len(created), flagged_count=flagged, job=job)


# --- ratings -------------------------------------------------------------------------------


def validate_ratings(
    actor: Any, sheet: sheets.Sheet, report: sheets.Report
) -> list[tuple[Person | None, Unit | None, int, str]]:
    label = {c.key: c.label for c in RATING_COLUMNS}
    subjects = _Subjects(actor, sheet)
    planned: list[tuple[Person | None, Unit | None, int, str]] = []
    seen: dict[tuple[str, int, int], int] = {}
    for number, cells in sheet.rows:
        try:
            person, unit = subjects.resolve(cells)
            year = _year(cells.get("year"))
            grade_text = sheets.cell_str(cells.get("grade"), 60, required=True)
            grade = _GRADES.get(fold(grade_text))
            if grade is None:
                raise _Err(
                    "grade",
                    f"Xếp loại «{grade_text[:40]}» không hợp lệ: chọn HTXSNV, HTTNV, HTNV hoặc KHTNV.",
                )
            try:
                services.check_rating(year, grade)
            except services.RecordRefused as exc:
                raise _Err(exc.field, exc.message) from exc
            subject = ("p", person.pk, year) if person else ("u", unit.pk, year)  # type: ignore[union-attr]
            if subject in seen:
                raise _Err("full_name" if person else "collective_code", f"Trùng với dòng {seen[subject]}.")
            seen[subject] = number
            planned.append((person, unit, year, grade))
        except _Err as exc:
            report.add(number, label.get(exc.key, label["full_name"]), sheets.error_message(exc))
        except sheets.CellError as exc:
            report.add(number, label["full_name"], sheets.error_message(exc))
    report.raise_if_any()
    return planned


def _write_ratings(actor: Any, planned: list[tuple[Any, Any, int, str]], name: str) -> ImportResult:
    created = updated = 0
    with transaction.atomic():
        current = {}
        for chunk in sheets.chunks([p.pk for p, _, _, _ in planned if p], sheets.QUERY_CHUNK):
            current.update(
                {(r.person_id, None, r.year): r for r in Rating.objects.filter(person_id__in=chunk)}
            )
        for chunk in sheets.chunks([u.pk for _, u, _, _ in planned if u], sheets.QUERY_CHUNK):
            current.update({(None, r.unit_id, r.year): r for r in Rating.objects.filter(unit_id__in=chunk)})
        new: list[Rating] = []
        changed: list[Rating] = []
        for person, unit, year, grade in planned:
            found = current.get((person.pk if person else None, unit.pk if unit else None, year))
            if found is None:
                owner = person.unit if person else unit
                new.append(
                    Rating(
                        person=person, unit=unit, year=year, grade=grade, owner_unit=owner, source=name[:255]
                    )
                )
            elif found.grade != grade:
                found.grade = grade
                found.version += 1
                changed.append(found)
        Rating.objects.bulk_create(new, batch_size=sheets.WRITE_BATCH)
        Rating.objects.bulk_update(changed, ["grade", "version"], batch_size=sheets.WRITE_BATCH)
        created, updated = len(new), len(changed)
        job = _finish(
            actor,
            RATINGS,
            name,
            len(planned),
            created,
            "rating.import",
            {"created": created, "updated": updated},
        )
    return ImportResult(kind=RATINGS, created_count=created, updated_count=updated, job=job)


# --- initiatives -------------------------------------------------------------------------


def _authors(subjects: _Subjects, cells: dict[str, Any], unit: Unit) -> list[Person]:
    """The row's authors, "Họ tên (dd/mm/yyyy); Họ tên", each found in ``unit``;
    every author that cannot be found is reported, not only the first."""
    people: list[Person] = []
    errors: list[str] = []
    for part in _get(cells, "authors", 2000, required=True).split(";"):
        part = clean(part)
        if not part:
            continue
        match = _AUTHOR.match(part)
        if match is None or not match["name"]:
            errors.append(f"«{part[:60]}» không đúng dạng «Họ và tên (dd/mm/yyyy)».")
            continue
        name = match["name"]
        try:
            birth = sheets.cell_date(match["birth"]) if match["birth"] else None
        except sheets.CellError as exc:
            errors.append(f"Ngày sinh của «{name}»: {sheets.error_message(exc)}")
            continue
        try:
            person = subjects.people.find(name, birth, unit)
        except sheets.CellError as exc:
            errors.append(sheets.error_message(exc))
            continue
        if not subjects.may(person.unit):
            errors.append(subjects.refusal("authors", person.unit).message)
            continue
        people.append(person)
    if errors:
        raise _Err("authors", *errors)
    if not people:
        raise _Err("authors", "Không được để trống.")
    return list(dict.fromkeys(people))


def validate_initiatives(
    actor: Any, sheet: sheets.Sheet, report: sheets.Report
) -> list[tuple[Initiative, list[Person]]]:
    label = _labels(INITIATIVES)
    subjects = _Subjects(actor, sheet, what="sáng kiến")
    today = dt.date.today()
    planned: list[tuple[int, Initiative, list[Person]]] = []
    first: dict[tuple[str, int], int] = {}
    for number, cells in sheet.rows:
        try:
            title = _get(cells, "title", 500, required=True)
            unit = subjects.unit_of(cells)
            authors = _authors(subjects, cells, unit)
            year = _year(cells.get("year"))
            scope_text = _get(cells, "scope", 60, required=True)
            scope = _SCOPES.get(_choice_key(scope_text))
            if scope is None:
                raise _Err(
                    "scope", f"Phạm vi «{scope_text[:40]}» không hợp lệ: chọn Cơ sở, Tỉnh hoặc Toàn quốc."
                )
            decision_date = _day(cells, "decision_date")
            research_text = _get(cells, "is_research", 20)
            is_research = _YES_NO.get(_choice_key(research_text))
            if is_research is None:
                raise _Err("is_research", f"«{research_text}» không hợp lệ: ghi Có hoặc Không.")
            try:
                services.check_initiative(year, scope, decision_date, today)
            except services.RecordRefused as exc:
                raise _Err(exc.field, exc.message) from exc
            key = (fold(title), year)
            if key in first:
                raise _Err("title", f"Trùng với dòng {first[key]} (cùng tên sáng kiến, năm công nhận).")
            first[key] = number
            initiative = Initiative(
                title=title,
                is_research=is_research,
                year=year,
                scope=scope,
                recognised_by_name=_get(cells, "recognised_by_name", 255),
                decision_number=_get(cells, "decision_number", 60),
                decision_date=decision_date,
                owner_unit=unit,
            )
            planned.append((number, initiative, authors))
        except _Err as exc:
            for message in exc.messages:
                report.add(number, label.get(exc.key, label["title"]), _dot(message))
    # Already in the system: the same title and year for the same unit.
    existing: set[tuple[str, int, int]] = set()
    years = sorted({i.year for _, i, _ in planned})
    units = sorted({i.owner_unit_id for _, i, _ in planned})
    for chunk in sheets.chunks(units, sheets.QUERY_CHUNK):
        rows = Initiative.objects.filter(owner_unit_id__in=chunk, year__in=years)
        existing |= {(fold(t), y, u) for t, y, u in rows.values_list("title", "year", "owner_unit_id")}
    for number, initiative, _ in planned:
        if (fold(initiative.title), initiative.year, initiative.owner_unit_id) in existing:
            report.add(
                number,
                label["title"],
                f"Sáng kiến «{initiative.title[:80]}» năm {initiative.year} của đơn vị "
                f"«{initiative.owner_unit.code}» đã có trong hệ thống.",
            )
    report.raise_if_any()
    return [(i, a) for _, i, a in planned]


def _write_initiatives(actor: Any, planned: list[tuple[Initiative, list[Person]]], name: str) -> ImportResult:
    with transaction.atomic():
        created = Initiative.objects.bulk_create([i for i, _ in planned], batch_size=sheets.WRITE_BATCH)
        through = Initiative.authors.through
        through.objects.bulk_create(
            [
                through(initiative_id=initiative.pk, person_id=person.pk)
                for initiative, (_, authors) in zip(created, planned, strict=True)
                for person in authors
            ],
            batch_size=sheets.WRITE_BATCH,
        )
        _audit_each(
            actor,
            "initiative.create",
            created,
            [{"authors": [p.pk for p in authors], "file": name} for _, authors in planned],
        )
        job = _finish(
            actor,
            INITIATIVES,
            name,
            len(planned),
            len(created),
            "initiative.import",
            {"created": len(created)},
        )
    return ImportResult(kind=INITIATIVES, created_count=len(created), job=job)


# --- disciplines -------------------------------------------------------------------------


def validate_disciplines(actor: Any, sheet: sheets.Sheet, report: sheets.Report) -> list[Discipline]:
    label = _labels(DISCIPLINES)
    subjects = _Subjects(actor, sheet, what="kỷ luật")
    today = dt.date.today()
    planned: list[tuple[int, Discipline]] = []
    first: dict[tuple[str, int, str, dt.date], int] = {}
    for number, cells in sheet.rows:
        try:
            person, unit = subjects.resolve(cells)
            measure_text = _get(cells, "measure", 60, required=True)
            measure = _MEASURES.get(_choice_key(measure_text))
            if measure is None:
                raise _Err(
                    "measure",
                    f"Hình thức kỷ luật «{measure_text[:40]}» không hợp lệ: chọn "
                    + ", ".join(DisciplineMeasure.labels)
                    + ".",
                )
            start = _day(cells, "start_date")
            if start is None:
                raise _Err("start_date", "Không được để trống.")
            end = _day(cells, "end_date")
            try:
                services.check_discipline(measure, start, end, today, collective=unit is not None)
            except services.RecordRefused as exc:
                raise _Err(exc.field, exc.message) from exc
            subject = ("p", person.pk) if person else ("u", unit.pk)  # type: ignore[union-attr]
            key = (*subject, measure, start)
            if key in first:
                who = "người" if person else "tập thể"
                raise _Err(
                    "measure", f"Trùng với dòng {first[key]} (cùng {who}, hình thức kỷ luật, từ ngày)."
                )
            first[key] = number
            discipline = Discipline(
                person=person,
                unit=unit,
                measure=measure,
                start_date=start,
                end_date=end,
                decision_number=_get(cells, "decision_number", 60),
                note=_get(cells, "note", 500),
                owner_unit=person.unit if person else unit,
            )
            planned.append((number, discipline))
        except _Err as exc:
            for message in exc.messages:
                report.add(number, label.get(exc.key, label["full_name"]), _dot(message))
        except sheets.CellError as exc:
            report.add(number, label["full_name"], sheets.error_message(exc))
    # Already in the system: the same subject, measure and start date.
    existing: set[tuple[str, int, str, dt.date]] = set()
    for tag, column in (("p", "person_id"), ("u", "unit_id")):
        ids = sorted({getattr(d, column) for _, d in planned if getattr(d, column)})
        for chunk in sheets.chunks(ids, sheets.QUERY_CHUNK):
            rows = Discipline.objects.filter(**{f"{column}__in": chunk})
            existing |= {(tag, *row) for row in rows.values_list(column, "measure", "start_date")}
    for number, d in planned:
        subject = ("p", d.person_id) if d.person_id else ("u", d.unit_id)
        if (*subject, d.measure, d.start_date) in existing:
            who = d.person.full_name if d.person_id else f"Tập thể «{d.unit.code}»"  # type: ignore[union-attr]
            report.add(
                number,
                label["measure"],
                f"{who} đã có kỷ luật {d.get_measure_display()} "
                f"từ ngày {d.start_date:%d/%m/%Y} trong hệ thống.",
            )
    report.raise_if_any()
    return [d for _, d in planned]


def _audit_each(
    actor: Any, action: str, created: list[Any], extra: list[dict[str, Any]] | None = None
) -> None:
    """One audit row per record a file created (not one for the whole file), so a record's
    history shows where it came from; built in memory and written in batched INSERTs."""
    entries = []
    for i, obj in enumerate(created):
        after = audit.snapshot(obj) | (extra[i] if extra else {})
        entries.append(audit.entry(actor=actor, action=action, obj=obj, after=after))
    audit.record_many(entries)


def _write_disciplines(actor: Any, planned: list[Discipline], name: str) -> ImportResult:
    with transaction.atomic():
        created = Discipline.objects.bulk_create(planned, batch_size=sheets.WRITE_BATCH)
        _audit_each(actor, "discipline.create", created, [{"file": name}] * len(created))
        job = _finish(
            actor,
            DISCIPLINES,
            name,
            len(planned),
            len(created),
            "discipline.import",
            {"created": len(created)},
        )
    return ImportResult(kind=DISCIPLINES, created_count=len(created), job=job)


def _dot(message: str) -> str:
    return message if message.endswith(".") else message + "."


# --- entry points ---------------------------------------------------------------------------


_VALIDATE = {
    AWARDS: validate_awards,
    RATINGS: validate_ratings,
    INITIATIVES: validate_initiatives,
    DISCIPLINES: validate_disciplines,
}
_WRITE = {
    AWARDS: _write_awards,
    RATINGS: _write_ratings,
    INITIATIVES: _write_initiatives,
    DISCIPLINES: _write_disciplines,
}


def import_file(*, actor: Any, file: IO[bytes] | bytes, name: str, kind: str = AWARDS) -> ImportResult:
    """Import a register (``kind="awards"``), ratings, initiatives or disciplines
    file; raise :class:`ImportRejected` with every (row, column, message) and
    write nothing when any row is wrong."""
    if kind not in _COLUMNS:
        raise DomainError(f"Loại dữ liệu nhập «{kind}» không hợp lệ.")
    _check_actor(actor)
    name = clean(name)[:255] or "tep-nhap"
    sheet, report = _read(kind, file, name)
    return _WRITE[kind](actor, _VALIDATE[kind](actor, sheet, report), name)


def _reference(kind: str) -> tuple[tuple[str, str], list[tuple[str, str]]]:
    """The list of accepted values the instructions sheet ends with."""
    if kind == AWARDS:
        return ("Mã", "Loại khen thưởng"), [
            (t.code, t.name) for t in AwardType.objects.order_by("-rank", "code")
        ]
    if kind == RATINGS:
        return ("Mã", "Xếp loại"), [(str(v), str(label)) for v, label in Grade.choices]
    if kind == INITIATIVES:
        return ("Ghi", "Phạm vi"), [
            ("Cơ sở", "Cấp cơ sở"),
            ("Tỉnh", "Cấp bộ, ngành, tỉnh"),
            ("Toàn quốc", "Toàn quốc"),
        ]
    return ("Ghi", "Hình thức kỷ luật"), [(str(label), "") for label in DisciplineMeasure.labels]


def template_xlsx(kind: str = AWARDS) -> bytes:
    """An empty file with the headers of ``kind``, text-formatted, and an
    instructions sheet listing the columns and the accepted values."""
    if kind not in _COLUMNS:
        raise DomainError(f"Loại dữ liệu nhập «{kind}» không hợp lệ.")
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    header = book.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1})
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_SHEETS[kind])
    for i, col in enumerate(_COLUMNS[kind]):
        sheet.set_column(i, i, max(col.width, len(col.label) + 2), text)
        sheet.write_string(0, i, col.label, header)
    sheet.freeze_panes(1, 0)
    info = book.add_worksheet(INSTRUCTIONS_SHEET)
    info.set_column(0, 0, 24)
    info.set_column(1, 1, 90)
    info.write_string(0, 0, "Hướng dẫn nhập dữ liệu", bold)
    info.write_string(
        1, 1, "Tệp được kiểm tra toàn bộ trước khi nhập: có lỗi thì không dòng nào được nhập. Không gộp ô."
    )
    row = 3
    for col in _COLUMNS[kind]:
        info.write_string(row, 0, col.label, bold if col.required else None)
        info.write_string(row, 1, col.note)
        row += 1
    (first, second), values = _reference(kind)
    row += 1
    info.write_string(row, 0, first, bold)
    info.write_string(row, 1, second, bold)
    for code, meaning in values:
        row += 1
        info.write_string(row, 0, code)
        info.write_string(row, 1, meaning)
    book.close()
    return out.getvalue()


__all__ = [
    "AWARDS",
    "DISCIPLINES",
    "INITIATIVES",
    "KINDS",
    "RATINGS",
    "ImportRejected",
    "ImportResult",
    "import_file",
    "template_xlsx",
]
