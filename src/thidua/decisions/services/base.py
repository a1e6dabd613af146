"""Shared pieces of the decision services: input cleaning, permission guard,
the issuer's defaults, the contract with thidua.nominations, recipients and
prize money, the compare-and-set on a decision's state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from thidua.accounts.scoping import can_on_unit
from thidua.awards import prize
from thidua.awards import services as awards
from thidua.awards.enums import AuthorityLevel, Category, RecipientKind
from thidua.awards.models import AwardRecord, AwardType, BaseSalary, Household
from thidua.awards.selectors import RuleBook
from thidua.core import audit
from thidua.core.errors import ConcurrentUpdate, DomainError, PermissionDenied
from thidua.core.text import clean
from thidua.core.vn import place_name
from thidua.decisions.models import (
    Decision,
    DecisionRecipient,
    DecisionState,
)
from thidua.directory.enums import ADMINISTRATIVE_KINDS
from thidua.directory.models import Person, Unit
from thidua.nominations import services as nominations

SYSTEM = None
ANNEX_THRESHOLD = 10  # more recipients than this go to the annex "Danh sách kèm theo"

# What the deciding level is when the issuer's kind says it (the registry reads the same).
_LEVEL_BY_KIND = {
    "province": AuthorityLevel.MINISTRY_PROVINCE,
    "district": AuthorityLevel.DISTRICT,
    "commune": AuthorityLevel.COMMUNE,
}
_HEAD_BY_KIND = {
    "school": "HIỆU TRƯỞNG",
    "agency": "GIÁM ĐỐC",
    "enterprise": "GIÁM ĐỐC",
    "department": "TRƯỞNG PHÒNG",
    "health": "GIÁM ĐỐC",
}


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def money(amount: int | None) -> str:
    """7020000 → "7.020.000" (Vietnamese grouping)."""
    return f"{int(amount or 0):,}".replace(",", ".")


def _text(value: Any, label: str, max_length: int, *, required: bool = False) -> str:
    try:
        text = clean(value, max_length=max_length)
    except ValueError as exc:
        raise DomainError(f"{label}: {exc}.") from exc
    if required and not text:
        raise DomainError(f"{label} không được để trống.")
    return text


def _lines(values: Iterable[Any] | None, label: str) -> list[str]:
    out = []
    for v in values or []:
        text = _text(v, label, 1000).rstrip(";.").strip()
        if text:
            out.append(text)
    return out


def _snap(obj: Any) -> dict[str, Any]:
    """Audit snapshot; a decision's certificate file is not a value to diff."""
    if isinstance(obj, Decision):
        names = [f.name for f in Decision._meta.concrete_fields if f.name != "certificates_file"]
        return audit.snapshot(obj, names)
    return audit.snapshot(obj)


def _require(actor: Any, perms: Sequence[str], unit: Unit) -> None:
    if actor is SYSTEM:
        return
    if not any(can_on_unit(actor, p, unit) for p in perms):
        raise PermissionDenied()


# --- defaults read from the issuing unit and the rule data ----------------------------------


def _place(unit: Unit) -> str:
    """The place name of the place-date line (core.vn, shared with the council's minutes)."""
    return place_name(unit)


def body_name(unit: Unit) -> str:
    """The issuing body as written in sentences: "Ủy ban nhân dân Xã Một"."""
    if unit.kind in ADMINISTRATIVE_KINDS:
        return f"Ủy ban nhân dân {unit.name}"
    return unit.name


def issuer_defaults(unit: Unit) -> dict[str, str]:
    """The header fields a decision of ``unit`` starts with (all editable)."""
    name = body_name(unit).upper()
    if unit.kind in ADMINISTRATIVE_KINDS:
        head, symbol, parent = "CHỦ TỊCH", "QĐ-UBND", ""
    else:
        head, symbol = _HEAD_BY_KIND.get(unit.kind, "THỦ TRƯỞNG"), "QĐ"
        parent = body_name(unit.parent).upper() if unit.parent_id else ""
    return {
        "issuer_name": name,
        "parent_body": parent,
        "symbol": symbol,
        "authority_title": f"{head} {name}",
        "signer_title": head,
        "signer_authority": "",
        "place": _place(unit),
        "authority_level": str(_LEVEL_BY_KIND.get(unit.kind, AuthorityLevel.AGENCY)),
    }


def default_legal_bases(on: dt.date, dossiers: Iterable[Any] = ()) -> list[str]:
    """Căn cứ lines: the legal basis of the rule set in force on the decision
    date, then each proposal letter, then the appraisal."""
    rule_set = RuleBook.load().rule_set_on(on)
    bases = []
    if rule_set is not None:
        bases += [f"Căn cứ {part.strip()}" for part in rule_set.legal_basis.split(";") if part.strip()]
    for dossier in dossiers:
        proposer = dossier.proposer_unit.name
        if dossier.letter_number:
            day = f" ngày {_d(dossier.letter_date)}" if dossier.letter_date else ""
            bases.append(
                f"Xét Tờ trình số {dossier.letter_number}{day} của {proposer} về việc đề nghị khen thưởng"
            )
        else:
            bases.append(f"Xét đề nghị khen thưởng của {proposer}")
    bases.append("Theo đề nghị của cơ quan thường trực Hội đồng Thi đua - Khen thưởng")
    return bases


def award_phrase(award_type: AwardType) -> str:
    """ "tặng Giấy khen" for a form, "công nhận danh hiệu Lao động tiên tiến" for a title."""
    if award_type.category == Category.TITLE:
        label = awards.award_label(award_type)
        return f"công nhận {label[0].lower()}{label[1:]}"
    return f"tặng {award_type.name}"


def default_subject(lines: Sequence[DecisionRecipient]) -> str:
    types = {ln.award_type_id: ln.award_type for ln in lines}
    years = sorted({ln.year for ln in lines})
    year = f" năm {years[0]}" if len(years) == 1 else ""
    if len(types) == 1:
        return f"Về việc {award_phrase(next(iter(types.values())))}{year}"
    return f"Về việc khen thưởng{year}"


# --- the nominations side (contract with thidua.nominations) ---------------------------------


def _busy_candidate_ids() -> QuerySet[Any]:
    """Candidates already in a live (not cancelled) decision."""
    return (
        DecisionRecipient.objects.exclude(decision__state=DecisionState.CANCELLED)
        .filter(candidate__isnull=False)
        .values("candidate_id")
    )


def candidates_available(issuer: Unit) -> QuerySet[Any]:
    """Approved candidates this body may decide and that no live decision holds."""
    return (
        nominations.candidates_for_decision(deciding_unit=issuer)
        .exclude(pk__in=_busy_candidate_ids())
        .select_related(
            "dossier__proposer_unit", "award_type", "person__unit", "unit__parent", "household__unit"
        )
        .order_by("award_type__rank", "recipient_kind", "person__sort_key", "unit__name", "id")
    )


def _tell_nominations(
    actor: Any, candidates: list[Any], state: str, records: dict[int, AwardRecord] | None = None
) -> None:
    if state == "withdrawn":
        # A dossier goes back to "council done" only when none of its candidates
        # is left in a live decision (one dossier may feed several drafts).
        busy = set(
            DecisionRecipient.objects.exclude(decision__state=DecisionState.CANCELLED)
            .filter(candidate__dossier_id__in={c.dossier_id for c in candidates})
            .values_list("candidate__dossier_id", flat=True)
        )
        candidates = [c for c in candidates if c.dossier_id not in busy]
    if not candidates:
        return
    nominations.decision_state_changed(actor=actor, candidates=candidates, state=state, award_records=records)


# --- recipients and prize money ---------------------------------------------------------------


@dataclass
class RecipientInput:
    """A recipient typed by hand (a decision without dossiers, e.g. contest prizes).

    ``prize_label`` + ``prize_amount`` make it a prize line (trao giải): the
    level as the decision writes it and the money of the organiser's prize
    table, kept as given instead of a coefficient × base salary."""

    award_type: AwardType | str
    year: int
    person: Person | None = None
    unit: Unit | None = None
    household: Household | None = None
    position: str = ""
    achievement: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    prize_label: str = ""
    prize_amount: int | None = None


# The catalogue entry every prize line points to (the registry, the
# certificate template and the duplicate checks key on an award type). A
# contest prize is not one of the law's forms of commendation: it has no rule
# row, so the registry writes it without a coefficient and the eligibility
# engine never counts it towards a higher award.
PRIZE_AWARD_CODE = "GIAI_CUOC_THI"


def prize_award_type() -> AwardType:
    """The local award type "Giải thưởng cuộc thi", created on first use."""
    award_type, _ = AwardType.objects.get_or_create(
        code=PRIZE_AWARD_CODE,
        defaults={
            "name": "Giải thưởng cuộc thi",
            "short_name": "Giải cuộc thi",
            "category": Category.FORM,
            "rank": 1,
            "is_local": True,
        },
    )
    return award_type


def _default_position(person: Person | None, unit: Unit | None, household: Household | None) -> str:
    if person is not None:
        return ", ".join(p for p in (person.position, person.unit.name) if p)
    if unit is not None:
        return unit.parent.name if unit.parent_id else ""
    return household.unit.name if household is not None else ""


def _line(
    *,
    award_type: AwardType,
    year: int,
    person: Person | None,
    unit: Unit | None,
    household: Household | None,
    position: str,
    achievement: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    candidate: Any = None,
    prize_label: str = "",
    prize_amount: int | None = None,
) -> DecisionRecipient:
    try:
        who = awards.recipient_of(person, unit, household)
    except awards.RecordRefused as exc:
        raise DomainError(exc.message) from exc
    if not isinstance(year, int) or not awards.FIRST_YEAR <= year <= dt.date.today().year:
        raise DomainError(f"Năm thành tích {year} không hợp lệ.")
    return DecisionRecipient(
        candidate=candidate,
        recipient_kind=who.kind,
        person=person,
        unit=unit,
        household=household,
        award_type=award_type,
        year=year,
        period_start=period_start,
        period_end=period_end,
        name=str(who.obj),
        position=_text(position, "Chức vụ, đơn vị", 255) or _default_position(person, unit, household),
        achievement=_text(achievement, "Thành tích", 500),
        owner_unit=who.owner_unit,
        prize_label=_text(prize_label, "Giải", 120),
        fixed_prize=_prize_money(prize_label, prize_amount),
    )


def _prize_money(label: str, amount: int | None) -> int | None:
    if not label:
        return None
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount < 0):
        raise DomainError(f"Tiền thưởng của «{label}» không hợp lệ.")
    return amount or None


def _check_duplicates(
    lines: Sequence[DecisionRecipient], exclude_decision: int | None = None, movement_name: str = ""
) -> None:
    """The same award for the same recipient and year only once in a decision,
    and in no other live decision. Prize lines collide only with prize lines
    of the same contest (``movement_name``): one person may win two contests
    in a year."""
    seen: set[tuple[Any, ...]] = set()
    for ln in lines:
        key = (ln.award_type_id, ln.recipient_kind, ln.person_id or ln.unit_id or ln.household_id, ln.year)
        if key in seen:
            raise DomainError(
                f"{ln.name} có hai lần {ln.award_type.name} năm {ln.year} trong danh sách; mỗi người, "
                "tập thể chỉ được ghi một lần cho một hình thức trong một năm.",
                code="duplicate",
            )
        seen.add(key)
        fk = {"individual": "person", "collective": "unit", "household": "household"}[ln.recipient_kind]
        other = (
            DecisionRecipient.objects.filter(award_type=ln.award_type, year=ln.year, **{fk: ln.recipient})
            .exclude(decision__state=DecisionState.CANCELLED)
            .exclude(decision_id=exclude_decision)
            .filter(**({"decision__movement_name": movement_name} if ln.prize_label else {}))
            .select_related("decision")
            .first()
        )
        if other is not None:
            where = other.decision.full_number or f"dự thảo #{other.decision_id}"
            raise DomainError(
                f"{ln.name} đã có {ln.award_type.name} năm {ln.year} trong quyết định {where}.",
                code="duplicate",
            )


def _price(decision: Decision, lines: Sequence[DecisionRecipient]) -> None:
    """Prize money per line: the coefficient of the rule the registry will apply
    (the rule in force on the decision date, the issuer's own first) × the base
    salary in force on the decision date, rounded as the rule set says — the
    same call the registry makes, so the decision and the register agree."""
    book = RuleBook.load()
    salaries = list(BaseSalary.objects.order_by("valid_from"))
    for ln in lines:
        if ln.prize_label:  # a prize line keeps the prize table's money
            ln.prize_coefficient, ln.base_salary, ln.prize_amount = None, None, ln.fixed_prize
            continue
        rule = book.rule_for(ln.award_type, decision.decision_date, decision.issuer)
        priced = prize.prize_for(
            rule=rule,
            recipient_kind=ln.recipient_kind,
            authority_level=decision.authority_level,
            decision_date=decision.decision_date,
            salaries=salaries,
        )
        ln.prize_coefficient, ln.base_salary, ln.prize_amount = priced if priced else (None, None, None)


def total_prize(decision: Decision) -> int:
    return sum(ln.amount or 0 for ln in decision.recipients.all())


def _locked(decision: Decision) -> Decision:
    return Decision.objects.select_for_update(of=("self",)).select_related("issuer").get(pk=decision.pk)


def _cas(current: Decision, expected_state: str, **values: Any) -> None:
    updated = Decision.objects.filter(pk=current.pk, state=expected_state, version=current.version).update(
        version=current.version + 1, **values
    )
    if updated != 1:
        raise ConcurrentUpdate("Quyết định vừa được người khác xử lý. Hãy tải lại trang.")


def _candidates_of(decision: Decision) -> list[Any]:
    return [
        ln.candidate for ln in decision.recipients.select_related("candidate__dossier") if ln.candidate_id
    ]


KIND_LABELS = dict(RecipientKind.choices)
