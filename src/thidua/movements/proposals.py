"""Đề nghị khen thưởng from a published Khối/Cụm ranking, in one action.

The leading unit is proposed for the province's Cờ thi đua (CTD_TINH), the
next for Bằng khen (BK_TINH): one dossier of the nominations app with those
candidates, linked to the movement. Everything happens in one transaction,
so a refusal by the nominations app (rights, eligibility duplicates) leaves
nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from thidua.core import audit
from thidua.core.errors import DomainError, PermissionDenied
from thidua.directory.models import Unit
from thidua.movements import selectors
from thidua.movements.enums import SchemeState
from thidua.movements.models import ScoringScheme

FLAG = "CTD_TINH"
MERIT = "BK_TINH"


@dataclass
class Proposal:
    dossier: Any
    candidates: list[Any]


def proposed_units(scheme: ScoringScheme) -> tuple[Unit, list[Unit]]:
    """(the leading unit, the units next in rank). A tie at the top cannot be
    settled by the system: the standing body sets a tie-break group or decides."""
    rows = selectors.ranking(scheme)
    if not rows:
        raise DomainError("Bảng điểm chưa có đơn vị nào được chấm.")
    top = [r for r in rows if r.rank == 1]
    if len(top) > 1:
        names = ", ".join(r.item.sheet.unit.name for r in top)
        raise DomainError(
            f"Có {len(top)} đơn vị đồng hạng nhất ({names}); hãy đặt tiêu chí phân định trước khi đề nghị Cờ thi đua."
        )
    second = [r.item.sheet.unit for r in rows if r.rank == 2]
    return top[0].item.sheet.unit, second


@transaction.atomic
def propose(
    *, actor: Any, scheme: ScoringScheme, deciding_unit: Unit, proposer_unit: Unit | None = None
) -> Proposal:
    from thidua.nominations import services as nominations

    if actor is not None and not selectors.may_manage_scheme(actor, scheme):
        raise PermissionDenied()
    if scheme.state != SchemeState.PUBLISHED:
        raise DomainError("Chỉ đề nghị khen thưởng sau khi đã công bố kết quả chấm điểm.")
    leader, next_units = proposed_units(scheme)
    proposer = proposer_unit or scheme.group.organiser
    movement = scheme.movement
    dossier = nominations.dossier_create(
        actor=actor,
        proposer_unit=proposer,
        deciding_unit=deciding_unit,
        title=f"Đề nghị khen thưởng {scheme.group.name} năm {scheme.year}",
        occasion="regular",
        movement=movement,
    )
    candidates = [
        nominations.candidate_add(
            actor=actor,
            dossier=dossier,
            award_type=FLAG,
            year=scheme.year,
            unit=leader,
            summary=f"Dẫn đầu {scheme.group.name} năm {scheme.year} ({scheme.name}).",
            movement=movement,
        )
    ]
    for unit in next_units:
        candidates.append(
            nominations.candidate_add(
                actor=actor,
                dossier=dossier,
                award_type=MERIT,
                year=scheme.year,
                unit=unit,
                summary=f"Xếp thứ hai {scheme.group.name} năm {scheme.year} ({scheme.name}).",
                movement=movement,
            )
        )
    audit.record(
        actor=actor,
        action="movements.propose",
        obj=scheme,
        after={"dossier": dossier.pk, FLAG: leader.pk, MERIT: [u.pk for u in next_units]},
    )
    return Proposal(dossier, candidates)
