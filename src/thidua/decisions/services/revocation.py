"""Revocation of awards by a revoking decision, with the money to recover."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from thidua.accounts.enums import Perm
from thidua.awards import services as awards
from thidua.awards.enums import RecordStatus
from thidua.awards.models import AwardRecord
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.decisions.models import (
    Revocation,
    RevocationLine,
)
from thidua.decisions.services.base import (
    _d,
    _require,
    _text,
)

# --- revocation ------------------------------------------------------------------------------


@transaction.atomic
def revoke_awards(
    *,
    actor: Any,
    records: Sequence[AwardRecord],
    reason: str,
    decision_number: str,
    decision_date: dt.date,
    issuer_name: str = "",
) -> Revocation:
    """Hủy bỏ one or several awards by a revoking decision: each registry line is
    marked revoked (awards.award_record_revoke, so history and statistics follow),
    and the prize money paid is listed for recovery. All or nothing."""
    records = list(dict.fromkeys(records))
    if not records:
        raise DomainError("Chọn ít nhất một khen thưởng để hủy bỏ.")
    for record in records:
        _require(actor, [Perm.REVOKE_AWARD], record.owner_unit)
    reason = _text(reason, "Lý do hủy bỏ", 500, required=True)
    number = _text(decision_number, "Số quyết định hủy bỏ", 60, required=True)
    if decision_date is None:
        raise DomainError("Ngày quyết định hủy bỏ không được để trống.")
    if decision_date > dt.date.today():
        raise DomainError(f"Ngày quyết định hủy bỏ {_d(decision_date)} ở tương lai.")
    revocation = Revocation.objects.create(
        decision_number=number,
        decision_date=decision_date,
        issuer_name=_text(issuer_name, "Cơ quan quyết định hủy bỏ", 255),
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    lines = []
    for record in records:
        fresh = AwardRecord.objects.select_related("award_type", "person", "unit", "household").get(
            pk=record.pk
        )
        if fresh.status != RecordStatus.VALID:
            raise DomainError(
                f"{fresh.recipient}: {fresh.award_type.name} năm {fresh.year} đã bị hủy bỏ trước đó."
            )
        try:
            awards.award_record_revoke(
                actor=actor,
                record=fresh,
                reason=f"{reason} (Quyết định {number} ngày {_d(decision_date)})"[:500],
                revoked_at=decision_date,
            )
        except DomainError as exc:
            raise DomainError(f"{fresh.recipient}: {exc.message}", code=exc.code) from exc
        lines.append(
            RevocationLine(
                revocation=revocation,
                award_record=fresh,
                recipient_name=str(fresh.recipient),
                owner_unit_id=fresh.owner_unit_id,
                amount_to_recover=fresh.prize_amount or 0,
            )
        )
    RevocationLine.objects.bulk_create(lines)
    audit.record(
        actor=actor,
        action="decision.revoke_awards",
        obj=revocation,
        after=audit.snapshot(revocation) | {"awards": [r.pk for r in records]},
    )
    return revocation
