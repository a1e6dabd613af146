"""Issuing: the number from the register and the registry lines, in one
transaction; the notice to the proposing units; the certificates' print job."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, users_with_perm_on
from thidua.awards import prize
from thidua.awards import services as awards
from thidua.awards.enums import RecordStatus
from thidua.awards.models import AwardRecord
from thidua.awards.selectors import RuleBook
from thidua.core import audit
from thidua.core.errors import ConcurrentUpdate, DomainError, PermissionDenied
from thidua.core.notices import notify
from thidua.decisions.models import (
    CertificatesState,
    Decision,
    DecisionCounter,
    DecisionRecipient,
    DecisionState,
)
from thidua.decisions.services.base import (
    SYSTEM,
    _cas,
    _d,
    _locked,
    _require,
    _snap,
    _tell_nominations,
    body_name,
)
from thidua.directory.models import Unit


def _next_number(issuer: Unit, year: int) -> int:
    """Take the next number of the register, holding its row until commit: a
    concurrent issuer waits, and a rollback gives the number back."""
    counter = DecisionCounter.objects.select_for_update().filter(issuer=issuer, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                DecisionCounter.objects.create(issuer=issuer, year=year, last_number=0)
        except IntegrityError:  # created by a concurrent issuer meanwhile
            pass
        counter = DecisionCounter.objects.select_for_update().get(issuer=issuer, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def new_certificate_code() -> str:
    """Unguessable (18 random bytes, URL-safe) — the QR code's only key."""
    return secrets.token_urlsafe(18)


def _refused(ln: DecisionRecipient, message: str, code: str) -> DomainError:
    return DomainError(
        f"Không ban hành được quyết định: {ln.name} ({ln.award_type.name} năm {ln.year}) — {message}",
        code=code,
    )


def _write_registry(
    actor: Any, decision: Decision, lines: list[DecisionRecipient], *, full: str, number: int, day: dt.date
) -> list[AwardRecord]:
    """Every line of the decision into the registry, set-based: the checks of
    ``awards.services.award_record_create`` (the rule in force, the deciding
    level, the same award twice in the register or in this decision) with the
    rule book, the base salaries and the register's existing awards read once,
    then one bulk INSERT of the records, one engine pass for the thiếu-căn-cứ
    flag, and one bulk INSERT of their audit rows — each in the name of the
    user who issues (the signed decision is the authority; "hệ thống" would
    hide who entered it in the register). 500 recipients were ~9,000 queries
    and ~30 s in the request; now a few dozen queries. The first refusal
    refuses the whole decision, naming the recipient."""
    book = RuleBook.load()
    salaries = awards.salaries()
    today = dt.date.today()
    authority_name = body_name(decision.issuer)
    planned: list[tuple[DecisionRecipient, AwardRecord, tuple[Any, ...] | None]] = []
    for ln in lines:
        certificate = ln.certificate_number  # numbered by decision_issue, in the decision's order
        try:
            recipient = awards.recipient_of(ln.person, ln.unit, ln.household)
            if ln.period_start and ln.period_end and ln.period_end < ln.period_start:
                raise awards.RecordRefused(
                    "Thời gian thành tích: ngày kết thúc trước ngày bắt đầu.", field="period"
                )
            rule, level = awards.check_record(
                book=book,
                award_type=ln.award_type,
                recipient=recipient,
                year=ln.year,
                decision_date=day,
                authority=decision.issuer,
                authority_level=decision.authority_level,
                occasion=decision.occasion,
                movement_name=decision.movement_name,
                decision_number=full,
                today=today,
            )
        except DomainError as exc:
            raise _refused(ln, exc.message, exc.code) from exc
        record = AwardRecord(
            award_type=ln.award_type,
            rule=rule,
            recipient_kind=recipient.kind,
            person=recipient.person,
            unit=recipient.unit,
            household=recipient.household,
            owner_unit=recipient.owner_unit,
            year=ln.year,
            period_start=ln.period_start,
            period_end=ln.period_end,
            occasion=decision.occasion,
            movement_name=decision.movement_name,
            decision_number=full,
            decision_date=day,
            authority=decision.issuer,
            authority_name=(authority_name or decision.issuer.name)[:255],
            authority_level=level,
            certificate_number=certificate,
            budget_source=decision.budget_source[:120],
            source="decision",
        )
        priced = prize.prize_for(
            rule=rule,
            recipient_kind=recipient.kind,
            authority_level=level,
            decision_date=day,
            salaries=salaries,
        )
        if priced is not None:
            record.prize_coefficient, record.base_salary, record.prize_amount = priced
        key = awards.duplicate_key(
            ln.award_type_id, recipient.key, ln.year, decision.occasion, decision.movement_name, full
        )
        planned.append((ln, record, key))
    _refuse_duplicates(planned)
    try:
        with transaction.atomic():
            created = AwardRecord.objects.bulk_create([r for _, r, _ in planned], batch_size=500)
    except IntegrityError as exc:  # the same award written by someone else meanwhile
        raise DomainError(
            "Không ban hành được quyết định: sổ khen thưởng vừa có thêm khen thưởng trùng; hãy thử lại.",
            code="duplicate",
        ) from exc
    _flag_basis(created)
    audit.record_many(
        audit.entry(actor=actor, action="award.create", obj=r, after=audit.snapshot(r)) for r in created
    )
    return created


def _refuse_duplicates(planned: list[tuple[DecisionRecipient, AwardRecord, tuple[Any, ...] | None]]) -> None:
    """The same award twice: within the decision, then against the register's
    valid records of these recipients (one query per kind of recipient and
    chunk), with the registry's own wording."""
    first: dict[tuple[Any, ...], DecisionRecipient] = {}
    for ln, _record, key in planned:
        if key is None:
            continue
        if key in first:
            raise _refused(ln, f"trùng với {first[key].name} trong cùng quyết định.", "duplicate")
        first[key] = ln
    wanted = {key: ln for ln, _r, key in planned if key is not None}
    for fk, kind in (("person_id", "individual"), ("unit_id", "collective"), ("household_id", "household")):
        ids = sorted({getattr(r, fk) for _, r, _ in planned if r.recipient_kind == kind})
        for i in range(0, len(ids), 500):
            rows = AwardRecord.objects.filter(
                status=RecordStatus.VALID, **{f"{fk}__in": ids[i : i + 500]}
            ).only("id", "award_type_id", fk, "year", "occasion", "movement_name", "decision_number")
            for other in rows:
                key = awards.duplicate_key(
                    other.award_type_id,
                    (kind, getattr(other, fk)),
                    other.year,
                    other.occasion,
                    other.movement_name,
                    other.decision_number,
                )
                ln = wanted.get(key)
                if ln is not None:
                    message = awards.duplicate_message(ln.award_type, str(ln.recipient), ln.year, other)
                    raise _refused(ln, message, "duplicate")


def _flag_basis(records: list[AwardRecord]) -> None:
    """The thiếu-căn-cứ flag of the new records: one engine pass for all, one
    UPDATE per distinct list of notes (recipients of one decision mostly lack
    the same thing)."""
    by_notes: dict[str, tuple[list[str], list[int]]] = {}
    for record, notes in zip(records, awards.basis_notes(records), strict=True):
        if notes:
            record.missing_basis, record.basis_notes = True, notes
            by_notes.setdefault(json.dumps(notes, ensure_ascii=False), (notes, []))[1].append(record.pk)
    for notes, ids in by_notes.values():
        for i in range(0, len(ids), 500):
            AwardRecord.objects.filter(pk__in=ids[i : i + 500]).update(missing_basis=True, basis_notes=notes)


def _save_lines(lines: list[DecisionRecipient]) -> None:
    """The registry record, certificate number and code, and prize of each line.

    One plain UPDATE per line on purpose: ``bulk_update`` builds a CASE of
    500 WHENs per column and spent ~4 s compiling it for 500 lines, where 500
    primary-key UPDATEs take a fraction of a second on both databases."""
    for ln in lines:
        DecisionRecipient.objects.filter(pk=ln.pk).update(
            award_record=ln.award_record,
            certificate_number=ln.certificate_number,
            certificate_code=ln.certificate_code,
            prize_coefficient=ln.prize_coefficient,
            base_salary=ln.base_salary,
            prize_amount=ln.prize_amount,
        )


@transaction.atomic
def decision_issue(
    *,
    actor: Any,
    decision: Decision,
    decision_date: dt.date | None = None,
    expected_version: int | None = None,
) -> Decision:
    """Vào sổ and issue: take the number, write every award into the registry
    with its certificate number, all in this one transaction. A recipient the
    registry refuses (a duplicate award, an award beyond the issuer's
    authority on that date …) refuses the whole decision, naming the recipient;
    the number is not used up."""
    current = _locked(decision)
    _require(actor, [Perm.SIGN_DECISION], current.issuer)
    if current.state == DecisionState.ISSUED:
        raise DomainError(
            f"Quyết định đã được ban hành với số {current.full_number} ngày {_d(current.decision_date)}; "
            "không ban hành lại.",
            code="already_issued",
        )
    if current.state != DecisionState.SIGNED:
        raise DomainError("Chỉ vào sổ, ban hành được quyết định đã ký.", code="state")
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    day = decision_date or current.decision_date
    if day > dt.date.today():
        raise DomainError(f"Ngày quyết định {_d(day)} ở tương lai.")
    lines = list(
        current.recipients.select_related(
            "award_type",
            "person__unit",
            "unit",
            "household__unit",
            "candidate__dossier",
            "candidate__movement",
        )
    )
    if not lines:
        raise DomainError("Quyết định phải có ít nhất một người hoặc tập thể được khen thưởng.", code="empty")
    before = _snap(current)
    number = _next_number(current.issuer, day.year)
    full = f"{number}/{current.symbol}"
    for i, ln in enumerate(lines, start=1):
        ln.certificate_number = f"{number}.{i:03d}/{current.symbol}"
        ln.certificate_code = new_certificate_code()
    # A contest prize (trao giải) is not a commendation of the Law on emulation and
    # commendation: it gets its certificate and keeps the prize table's money, but
    # stays out of the award registry (and so out of award statistics and chains).
    award_lines = [ln for ln in lines if not ln.prize_label]
    created = _write_registry(actor, current, award_lines, full=full, number=number, day=day)
    records: dict[int, AwardRecord] = {}
    for ln, record in zip(award_lines, created, strict=True):
        ln.award_record = record
        ln.prize_coefficient, ln.base_salary, ln.prize_amount = (
            record.prize_coefficient,
            record.base_salary,
            record.prize_amount,
        )
        if ln.candidate_id:
            records[ln.candidate_id] = record
    _save_lines(lines)
    _cas(
        current,
        DecisionState.SIGNED,
        state=DecisionState.ISSUED,
        number=number,
        year=day.year,
        decision_date=day,
        issued_by=actor if getattr(actor, "pk", None) else None,
        issued_at=timezone.now(),
    )
    current.refresh_from_db()
    audit.record(
        actor=actor,
        action="decision.issue",
        obj=current,
        before=before,
        after=_snap(current) | {"awards": [r.pk for r in (ln.award_record for ln in lines) if r]},
    )
    _tell_nominations(actor, [ln.candidate for ln in lines if ln.candidate_id], "issued", records)
    _link_movements(lines)
    proposers = {ln.candidate.dossier.proposer_unit_id for ln in lines if ln.candidate_id}
    issued = current
    transaction.on_commit(lambda: _notify_issued(issued, proposers))
    return current


def _link_movements(lines: list[DecisionRecipient]) -> None:
    """Awards given to candidates proposed under a movement appear on that
    movement's page (its review counts them by form)."""
    from thidua.movements.services import movement_link_awards

    by_movement: dict[int, tuple[Any, list[AwardRecord]]] = {}
    for ln in lines:
        movement = ln.candidate.movement if ln.candidate_id else None
        if movement is not None and ln.award_record is not None:
            by_movement.setdefault(movement.pk, (movement, []))[1].append(ln.award_record)
    for movement, records in by_movement.values():
        movement_link_awards(actor=SYSTEM, movement=movement, records=records)


def _officers_of(unit_ids: set[int]) -> list[Any]:
    """The proposing units' emulation officers (for notices): the users whose
    role lets them nominate for the unit — ``accounts.scoping`` answers that
    with one query per unit, instead of scanning every officer assignment of
    the whole country."""
    users: dict[int, Any] = {}
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("path"):
        for user in users_with_perm_on(Perm.NOMINATE, unit):
            users.setdefault(user.pk, user)
    return list(users.values())


def _notify_issued(decision: Decision, proposer_ids: set[int]) -> None:
    count = decision.recipients.count()
    notify(
        _officers_of(proposer_ids),
        f"Đã ban hành Quyết định {decision.full_number} ngày {_d(decision.decision_date)}",
        f"{decision.issuer_name} đã ban hành Quyết định số {decision.full_number} ngày "
        f"{_d(decision.decision_date)} {decision.subject[0].lower()}{decision.subject[1:]} "
        f"({count} người, tập thể được khen thưởng).\n"
        "Danh sách và giấy chứng nhận xem tại mục Quyết định khen thưởng.",
    )


# --- certificates ----------------------------------------------------------------------------


@transaction.atomic
def certificates_request(*, actor: Any, decision: Decision) -> Decision:
    """Queue the one-PDF print of every certificate of an issued decision (a
    background task; the request never renders 500 pages)."""
    from thidua.decisions.tasks import build_certificates

    current = _locked(decision)
    if actor is not SYSTEM and not any(
        can_on_unit(actor, p, current.issuer) for p in (Perm.DRAFT_DECISION, Perm.SIGN_DECISION)
    ):
        raise PermissionDenied()
    if current.state != DecisionState.ISSUED:
        raise DomainError("Chỉ in giấy chứng nhận của quyết định đã ban hành.", code="state")
    if current.certificates_state == CertificatesState.PENDING:
        return current
    Decision.objects.filter(pk=current.pk).update(
        certificates_state=CertificatesState.PENDING, certificates_error=""
    )
    current.refresh_from_db()
    audit.record(actor=actor, action="decision.certificates", obj=current)
    pk = current.pk
    transaction.on_commit(lambda: build_certificates.enqueue(pk))
    return current
