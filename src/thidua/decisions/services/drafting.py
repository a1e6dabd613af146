"""Drafting (by hand or from approved candidates), editing, signing and
cancelling a decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from thidua.accounts.enums import Perm
from thidua.awards import services as awards
from thidua.awards.enums import AuthorityLevel, Occasion
from thidua.awards.models import AwardType
from thidua.core import audit
from thidua.core.errors import ConcurrentUpdate, DomainError
from thidua.decisions.models import (
    Decision,
    DecisionRecipient,
    DecisionState,
)
from thidua.decisions.services.base import (
    RecipientInput,
    _candidates_of,
    _cas,
    _check_duplicates,
    _line,
    _lines,
    _locked,
    _price,
    _require,
    _snap,
    _tell_nominations,
    _text,
    candidates_available,
    default_legal_bases,
    default_subject,
    issuer_defaults,
)
from thidua.directory.models import Unit

# --- drafting ---------------------------------------------------------------------------------


_HEADER_FIELDS = {
    "issuer_name": ("Tên cơ quan ban hành", 255, True),
    "parent_body": ("Cơ quan chủ quản", 255, False),
    "symbol": ("Ký hiệu", 40, True),
    "place": ("Địa danh", 100, True),
    "authority_title": ("Thẩm quyền ban hành", 255, True),
    "signer_name": ("Người ký", 120, False),
    "signer_authority": ("Quyền hạn ký", 40, False),
    "signer_title": ("Chức vụ người ký", 120, True),
    "subject": ("Trích yếu", 500, False),
    "movement_name": ("Phong trào thi đua", 255, False),
    "budget_source": ("Nguồn kinh phí", 255, False),
    "execution": ("Điều 3", 4000, False),
}


def _apply_header(decision: Decision, fields: dict[str, Any]) -> None:
    unknown = (
        set(fields)
        - set(_HEADER_FIELDS)
        - {"legal_bases", "copies_to", "decision_date", "authority_level", "occasion"}
    )
    if unknown:
        raise DomainError(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    for name, (label, length, required) in _HEADER_FIELDS.items():
        if name in fields:
            value = _text(fields[name], label, length, required=required)
            if name in {"issuer_name", "parent_body", "authority_title", "signer_authority", "signer_title"}:
                value = value.upper()
            setattr(decision, name, value)
    if "legal_bases" in fields:
        decision.legal_bases = _lines(fields["legal_bases"], "Căn cứ")
    if "copies_to" in fields:
        decision.copies_to = _lines(fields["copies_to"], "Nơi nhận")
    if fields.get("decision_date"):
        decision.decision_date = fields["decision_date"]
    if fields.get("authority_level"):
        if fields["authority_level"] not in AuthorityLevel.values:
            raise DomainError("Cấp quyết định không hợp lệ.")
        decision.authority_level = fields["authority_level"]
    if fields.get("occasion"):
        if fields["occasion"] not in Occasion.values:
            raise DomainError("Loại khen thưởng không hợp lệ.")
        decision.occasion = fields["occasion"]
    if decision.occasion == Occasion.THEMATIC and not decision.movement_name:
        raise DomainError("Khen thưởng theo chuyên đề phải ghi phong trào thi đua.")


def _new_decision(actor: Any, issuer: Unit, fields: dict[str, Any]) -> Decision:
    decision = Decision(
        issuer=issuer, decision_date=dt.date.today(), created_by=actor if getattr(actor, "pk", None) else None
    )
    for name, value in issuer_defaults(issuer).items():
        setattr(decision, name, value)
    decision.copies_to = ["Như Điều 3", "Lưu: VT"]
    decision.execution = (
        "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng cơ quan thường trực "
        "Hội đồng Thi đua - Khen thưởng, thủ trưởng các cơ quan, đơn vị có liên quan và các cá nhân, "
        "tập thể có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này"
    )
    _apply_header(decision, fields)
    return decision


def _save_draft(
    actor: Any, decision: Decision, lines: list[DecisionRecipient], dossiers: Iterable[Any]
) -> Decision:
    if not lines:
        raise DomainError("Quyết định phải có ít nhất một người hoặc tập thể được khen thưởng.", code="empty")
    _check_duplicates(lines, movement_name=decision.movement_name)
    if not decision.legal_bases:
        decision.legal_bases = default_legal_bases(decision.decision_date, dossiers)
    if not decision.subject:
        decision.subject = default_subject(lines)
    decision.save()
    _price(decision, lines)
    for i, ln in enumerate(lines, start=1):
        ln.decision = decision
        ln.order = i
    try:
        with transaction.atomic():
            DecisionRecipient.objects.bulk_create(lines, batch_size=500)
    except IntegrityError as exc:
        raise DomainError("Danh sách có người, tập thể trùng lặp.", code="duplicate") from exc
    audit.record(
        actor=actor,
        action="decision.create",
        obj=decision,
        after=_snap(decision) | {"recipients": len(lines), "total": sum(ln.amount or 0 for ln in lines)},
    )
    return decision


@transaction.atomic
def decision_create(
    *, actor: Any, issuer: Unit, recipients: Sequence[RecipientInput], **fields: Any
) -> Decision:
    """Draft a decision with recipients typed by hand (no dossier behind them)."""
    _require(actor, [Perm.DRAFT_DECISION], issuer)
    decision = _new_decision(actor, issuer, fields)
    types = {t.code: t for t in AwardType.objects.all()}
    lines = []
    for r in recipients:
        try:
            award_type = awards.resolve_award_type(r.award_type, types)
        except awards.RecordRefused as exc:
            raise DomainError(exc.message) from exc
        lines.append(
            _line(
                award_type=award_type,
                year=r.year,
                person=r.person,
                unit=r.unit,
                household=r.household,
                position=r.position,
                achievement=r.achievement,
                period_start=r.period_start,
                period_end=r.period_end,
                prize_label=r.prize_label,
                prize_amount=r.prize_amount,
            )
        )
    if any(ln.prize_label for ln in lines) and not all(ln.prize_label for ln in lines):
        raise DomainError("Quyết định trao giải chỉ gồm các giải; khen thưởng khác lập quyết định riêng.")
    return _save_draft(actor, decision, lines, ())


@transaction.atomic
def decision_draft_from_candidates(
    *, actor: Any, issuer: Unit, candidate_ids: Sequence[int], **fields: Any
) -> Decision:
    """Draft one decision for exactly the candidates the user saw and ticked:
    if any of them is no longer available (drafted by someone else meanwhile,
    withdrawn …) nothing is written and the user is told which."""
    _require(actor, [Perm.DRAFT_DECISION], issuer)
    ids = list(dict.fromkeys(int(i) for i in candidate_ids))
    if not ids:
        raise DomainError("Quyết định phải có ít nhất một người hoặc tập thể được khen thưởng.", code="empty")
    available = {c.pk: c for c in candidates_available(issuer).filter(pk__in=ids)}
    missing = [i for i in ids if i not in available]
    if missing:
        raise DomainError(
            f"{len(missing)} người, tập thể đã chọn không còn chờ ra quyết định (đã được đưa vào quyết định "
            "khác hoặc hồ sơ đã thay đổi). Hãy tải lại danh sách.",
            code="stale",
        )
    decision = _new_decision(actor, issuer, fields)
    candidates = [available[i] for i in ids]
    lines = [
        _line(
            award_type=c.award_type,
            year=c.year,
            person=c.person,
            unit=c.unit,
            household=c.household,
            position=c.position,
            achievement="",
            period_start=c.period_start,
            period_end=c.period_end,
            candidate=c,
        )
        for c in candidates
    ]
    dossiers = list({c.dossier_id: c.dossier for c in candidates}.values())
    if decision.occasion == Occasion.REGULAR and "occasion" not in fields and dossiers:
        decision.occasion = dossiers[0].occasion
    _save_draft(actor, decision, lines, dossiers)
    _tell_nominations(actor, candidates, "decision_drafted")
    return decision


@transaction.atomic
def decision_update(
    *, actor: Any, decision: Decision, expected_version: int | None = None, **fields: Any
) -> Decision:
    """Edit the header of a draft (symbol, signer, căn cứ, Nơi nhận …); a new
    decision date re-prices every line."""
    current = _locked(decision)
    _require(actor, [Perm.DRAFT_DECISION], current.issuer)
    if current.state != DecisionState.DRAFT:
        raise DomainError("Chỉ sửa được quyết định đang dự thảo.", code="state")
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    before = _snap(current)
    _apply_header(current, fields)
    values = {f.name: getattr(current, f.name) for f in Decision._meta.concrete_fields if f.name in before}
    values.pop("id", None)
    _cas(current, DecisionState.DRAFT, **values)
    current.refresh_from_db()
    lines = list(current.recipients.select_related("award_type"))
    _price(current, lines)
    DecisionRecipient.objects.bulk_update(
        lines, ["prize_coefficient", "base_salary", "prize_amount"], batch_size=500
    )
    audit.record(actor=actor, action="decision.update", obj=current, before=before, after=_snap(current))
    return current


@transaction.atomic
def decision_recipient_remove(*, actor: Any, decision: Decision, line_id: int) -> Decision:
    """Take one line out of a draft (its candidate becomes available again)."""
    current = _locked(decision)
    _require(actor, [Perm.DRAFT_DECISION], current.issuer)
    if current.state != DecisionState.DRAFT:
        raise DomainError("Chỉ sửa được quyết định đang dự thảo.", code="state")
    line = current.recipients.filter(pk=line_id).select_related("candidate").first()
    if line is None:
        raise DomainError("Không có người, tập thể này trong quyết định.")
    if current.recipients.count() == 1:
        raise DomainError(
            "Quyết định phải có ít nhất một người hoặc tập thể; hãy hủy dự thảo nếu không dùng nữa."
        )
    candidate = line.candidate
    line.delete()
    _cas(current, DecisionState.DRAFT)
    audit.record(
        actor=actor, action="decision.remove_recipient", obj=current, before={"recipient": line.name}
    )
    if candidate is not None:
        _tell_nominations(actor, [candidate], "withdrawn")
    return current


@transaction.atomic
def decision_sign(*, actor: Any, decision: Decision, expected_version: int | None = None) -> Decision:
    """The leader signs the draft: its text is frozen from now on."""
    current = _locked(decision)
    _require(actor, [Perm.SIGN_DECISION], current.issuer)
    if current.state == DecisionState.SIGNED:
        raise DomainError("Quyết định đã được ký trước đó.", code="already_signed")
    if current.state != DecisionState.DRAFT:
        raise DomainError(
            f"Không ký được quyết định ở trạng thái «{current.get_state_display()}».", code="state"
        )
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    if not current.recipients.exists():
        raise DomainError("Quyết định phải có ít nhất một người hoặc tập thể được khen thưởng.", code="empty")
    before = _snap(current)
    signer = current.signer_name or (getattr(actor, "full_name", "") or str(actor or ""))
    _cas(
        current,
        DecisionState.DRAFT,
        state=DecisionState.SIGNED,
        signed_by=actor if getattr(actor, "pk", None) else None,
        signed_at=timezone.now(),
        signer_name=signer,
    )
    current.refresh_from_db()
    audit.record(actor=actor, action="decision.sign", obj=current, before=before, after=_snap(current))
    _tell_nominations(actor, _candidates_of(current), "signed")
    return current


@transaction.atomic
def decision_cancel(*, actor: Any, decision: Decision, reason: str = "") -> Decision:
    """Cancel a draft (never a signed or issued decision): its candidates are
    available for another draft."""
    current = _locked(decision)
    _require(actor, [Perm.DRAFT_DECISION], current.issuer)
    if current.state == DecisionState.CANCELLED:
        raise DomainError("Dự thảo đã được hủy trước đó.", code="already_cancelled")
    if current.state != DecisionState.DRAFT:
        raise DomainError(
            "Chỉ hủy được quyết định đang dự thảo; quyết định đã ký, ban hành phải hủy bỏ bằng quyết định khác."
        )
    before = _snap(current)
    _cas(current, DecisionState.DRAFT, state=DecisionState.CANCELLED)
    current.refresh_from_db()
    audit.record(
        actor=actor,
        action="decision.cancel",
        obj=current,
        before=before,
        after=_snap(current) | {"reason": _text(reason, "Lý do", 500)},
    )
    _tell_nominations(actor, _candidates_of(current), "withdrawn")
    return current
