"""Issuing: the number from the register and the registry lines, in one
transaction; the notice to the proposing units; the certificates' print job."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from thidua.accounts.enums import Perm, Role
from thidua.accounts.models import RoleAssignment
from thidua.accounts.scoping import can_on_unit
from thidua.awards import services as awards
from thidua.awards.models import AwardRecord
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
            "award_type", "person__unit", "unit", "household__unit", "candidate__dossier"
        )
    )
    if not lines:
        raise DomainError("Quyết định phải có ít nhất một người hoặc tập thể được khen thưởng.", code="empty")
    before = _snap(current)
    number = _next_number(current.issuer, day.year)
    full = f"{number}/{current.symbol}"
    authority_name = body_name(current.issuer)
    records: dict[int, AwardRecord] = {}
    for i, ln in enumerate(lines, start=1):
        certificate = f"{number}.{i:03d}/{current.symbol}"
        try:
            with transaction.atomic():
                record = awards.award_record_create(
                    actor=SYSTEM,  # the signed decision is the authority; the audit below names the actor
                    award_type=ln.award_type,
                    year=ln.year,
                    person=ln.person,
                    unit=ln.unit,
                    household=ln.household,
                    decision_number=full,
                    decision_date=day,
                    authority=current.issuer,
                    authority_name=authority_name,
                    authority_level=current.authority_level,
                    occasion=current.occasion,
                    movement_name=current.movement_name,
                    certificate_number=certificate,
                    budget_source=current.budget_source[:120],
                    period_start=ln.period_start,
                    period_end=ln.period_end,
                    source="decision",
                )
        except DomainError as exc:
            raise DomainError(
                f"Không ban hành được quyết định: {ln.name} ({ln.award_type.name} năm {ln.year}) — {exc.message}",
                code=exc.code,
            ) from exc
        ln.award_record = record
        ln.certificate_number = certificate
        ln.certificate_code = new_certificate_code()
        ln.prize_coefficient, ln.base_salary, ln.prize_amount = (
            record.prize_coefficient,
            record.base_salary,
            record.prize_amount,
        )
        if ln.candidate_id:
            records[ln.candidate_id] = record
    DecisionRecipient.objects.bulk_update(
        lines,
        [
            "award_record",
            "certificate_number",
            "certificate_code",
            "prize_coefficient",
            "base_salary",
            "prize_amount",
        ],
        batch_size=500,
    )
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
    """Unit officers whose scope covers any of the units (for notices)."""
    if not unit_ids:
        return []
    units = list(Unit.objects.filter(pk__in=unit_ids))
    users = []
    for a in RoleAssignment.objects.filter(role=Role.UNIT_OFFICER, unit__isnull=False).select_related(
        "user", "unit"
    ):
        if any(a.unit_id == u.pk or (a.include_subunits and u.path.startswith(a.unit.path)) for u in units):
            users.append(a.user)
    return users


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
