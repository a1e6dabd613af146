"""Reads on decisions, narrowed to what the user may see.

A decision is seen by those whose scope covers the issuing unit (for
``nominations.view``: the body's own officers, leaders, council) and by those
whose scope covers one of its recipients (for ``awards.view``: a commune
officer sees the province's decision that rewards its people). The public
verification page reads one certificate by its unguessable code, nothing else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, unit_scope
from thidua.awards.models import AwardRecord
from thidua.core.errors import NotFound
from thidua.decisions.models import Decision, DecisionRecipient, DecisionState, Revocation, RevocationLine
from thidua.directory.models import Unit

DECISION_NOT_FOUND = "Không tìm thấy quyết định."


def decisions_for(user: Any) -> QuerySet[Decision]:
    qs = Decision.objects.all()
    issuer = unit_scope(user, Perm.VIEW_NOMINATIONS, "issuer__")
    owner = unit_scope(user, Perm.VIEW_AWARDS, "owner_unit__")
    if issuer is None or owner is None:
        return qs
    lines = DecisionRecipient.objects.filter(owner, decision=OuterRef("pk"))
    return qs.filter(issuer | Q(Exists(lines)))


def decisions_list(
    user: Any, *, state: str | None = None, issuer_id: int | None = None, year: int | None = None, q: str = ""
) -> QuerySet[Decision]:
    qs = decisions_for(user).select_related("issuer")
    if state:
        qs = qs.filter(state=state)
    if issuer_id:
        qs = qs.filter(issuer_id=issuer_id)
    if year:
        qs = qs.filter(decision_date__year=year)
    if q:
        qs = qs.filter(Q(subject__icontains=q) | Q(symbol__icontains=q))
    return qs.annotate(recipient_count=Count("recipients"), total=Sum("recipients__prize_amount")).order_by(
        "-decision_date", "-id"
    )


def decision_visible(user: Any, pk: int) -> Decision:
    decision = decisions_for(user).select_related("issuer").filter(pk=pk).first() if 0 < pk < 2**31 else None
    if decision is None:
        raise NotFound(DECISION_NOT_FOUND)
    return decision


def lines(decision: Decision) -> list[DecisionRecipient]:
    return list(
        decision.recipients.select_related("award_type", "award_record", "candidate__dossier").order_by(
            "order", "id"
        )
    )


def to_sign(user: Any) -> QuerySet[Decision]:
    """The leader's work queue: drafts waiting for the signature, signed ones waiting for a number."""
    scope = unit_scope(user, Perm.SIGN_DECISION, "issuer__")
    qs = Decision.objects.filter(state__in=[DecisionState.DRAFT, DecisionState.SIGNED]).select_related(
        "issuer"
    )
    return (qs if scope is None else qs.filter(scope)).annotate(recipient_count=Count("recipients"))


def can(user: Any, perm: str, decision: Decision) -> bool:
    return can_on_unit(user, perm, decision.issuer)


def certificate(code: str) -> DecisionRecipient:
    """The certificate with this verification code on an issued decision; one
    constant "not found" for every other string (no hint of what exists)."""
    line = None
    if 16 <= len(code) <= 64:
        line = (
            DecisionRecipient.objects.filter(certificate_code=code, decision__state=DecisionState.ISSUED)
            .select_related("decision", "award_type", "award_record", "owner_unit")
            .first()
        )
    if line is None:
        raise NotFound("Không tìm thấy giấy chứng nhận với mã này.")
    return line


def revocation_of(record: AwardRecord | None) -> Revocation | None:
    if record is None:
        return None
    line = RevocationLine.objects.filter(award_record=record).select_related("revocation").first()
    return line.revocation if line else None


def revocations_for(user: Any) -> QuerySet[Revocation]:
    scope = unit_scope(user, Perm.VIEW_AWARDS, "lines__owner_unit__")
    qs = Revocation.objects.all()
    return (qs if scope is None else qs.filter(scope).distinct()).annotate(
        count=Count("lines"), amount=Sum("lines__amount_to_recover")
    )


def recovery_lines(user: Any, revocation_id: int | None = None) -> QuerySet[RevocationLine]:
    """The prize money to recover (tiền thưởng phải thu hồi), scoped by the award's unit."""
    scope = unit_scope(user, Perm.VIEW_AWARDS, "owner_unit__")
    qs = RevocationLine.objects.select_related("revocation", "award_record__award_type", "owner_unit")
    if revocation_id:
        qs = qs.filter(revocation_id=revocation_id)
    return (qs if scope is None else qs.filter(scope)).order_by("-revocation__decision_date", "id")


def waiting_by_issuer(user: Any, limit: int = 20) -> list[tuple[Unit, int]]:
    """(deciding body, number of approved candidates waiting for a decision)
    for the bodies the user drafts for, in tree order — one grouped query
    instead of one count per body (the queue on the home page ran up to 21).
    The candidates counted are exactly ``services.candidates_available(unit)``
    (a test holds the two together)."""
    from thidua.decisions.services.base import _busy_candidate_ids
    from thidua.nominations.models import Candidate, CandidateState, DossierState

    scope = unit_scope(user, Perm.DRAFT_DECISION, "dossier__deciding_unit__")
    qs = Candidate.objects.filter(
        dossier__state__in=[DossierState.COUNCIL_DONE, DossierState.DECISION_DRAFTED, DossierState.SIGNED],
        state=CandidateState.APPROVED,
        beyond_authority=False,
        award_record__isnull=True,
    ).exclude(pk__in=_busy_candidate_ids())
    if scope is not None:
        qs = qs.filter(scope)
    counts = dict(
        qs.order_by()
        .values_list("dossier__deciding_unit")
        .annotate(n=Count("pk"))
        .values_list("dossier__deciding_unit", "n")
    )
    units = Unit.objects.filter(pk__in=[pk for pk, n in counts.items() if n]).order_by("path")[:limit]
    return [(u, counts[u.pk]) for u in units]


def queue_sections(user: Any) -> list[Any]:
    """The decisions' part of "Việc cần làm" (``settings.THIDUA_QUEUE_PROVIDERS``):
    the leader's decisions to sign and signed ones to enter in the register; the
    standing body's approved candidates still waiting for a decision."""
    from django.urls import reverse

    from thidua.core.queues import QueueItem, QueueSection

    sections = []
    if has_perm(user, Perm.SIGN_DECISION):
        pending = list(to_sign(user).order_by("decision_date", "id")[:50])
        sections.append(
            QueueSection(
                key="decisions.to_sign",
                title="Quyết định chờ ký, ban hành",
                items=[
                    QueueItem(
                        label=d.subject,
                        url=reverse("decisions:detail", args=[d.pk]),
                        note=f"{d.issuer.name} — {d.recipient_count} người, tập thể — {d.get_state_display()}",
                    )
                    for d in pending
                ],
                total=to_sign(user).count() if len(pending) == 50 else None,
                more_url=reverse("decisions:index"),
                empty_text="Không có quyết định nào chờ bạn ký hoặc ban hành.",
            )
        )
    if has_perm(user, Perm.DRAFT_DECISION):
        items = [
            QueueItem(
                label=f"{unit.name}: {n} người, tập thể đã được Hội đồng thông qua",
                url=f"{reverse('decisions:draft')}?issuer={unit.pk}",
                note="Chờ dự thảo quyết định",
            )
            for unit, n in waiting_by_issuer(user)
        ]
        sections.append(
            QueueSection(
                key="decisions.to_draft",
                title="Chờ dự thảo quyết định khen thưởng",
                items=items,
                empty_text="Không có người, tập thể nào đã được Hội đồng thông qua mà chưa có quyết định.",
            )
        )
    return sections
