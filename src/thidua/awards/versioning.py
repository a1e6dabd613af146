"""Administrators change the law's data without a code change: a local title
is added, or a coefficient or threshold changes from a date.

Every change is a **new** AwardRule row from ``valid_from``; the version in
force until then is closed the day before, so records made under it keep
pointing to the values they were decided with."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import has_perm
from thidua.awards import selectors
from thidua.awards.enums import AuthorityLevel, Category, Confidence, RecipientKind
from thidua.awards.models import AwardRule, AwardType, RuleSet
from thidua.awards.ruledata import RULE_FIELDS
from thidua.core import audit
from thidua.core.errors import DomainError, PermissionDenied
from thidua.core.text import clean

MANAGE_RULES = Perm.MANAGE_RULES
EDITABLE = RULE_FIELDS  # an administrator may change every field the shipped data sets


def _guard(actor: Any) -> None:
    if actor is not None and not has_perm(actor, MANAGE_RULES):
        raise PermissionDenied("Chỉ quản trị viên quy định khen thưởng mới được sửa danh mục và quy định.")


def _check_prize(prize: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Coefficients as decimal strings per recipient kind and authority level ("*" = any)."""
    out: dict[str, dict[str, str]] = {}
    for kind, by_level in (prize or {}).items():
        if kind not in RecipientKind.values:
            raise DomainError(f"Đối tượng «{kind}» không hợp lệ.")
        if not isinstance(by_level, dict):
            raise DomainError('Hệ số tiền thưởng phải ghi theo cấp quyết định, ví dụ {"*": "0.3"}.')
        out[kind] = {}
        for level, value in by_level.items():
            if level != "*" and level not in AuthorityLevel.values:
                raise DomainError(f"Cấp quyết định «{level}» không hợp lệ.")
            try:
                number = Decimal(str(value).replace(",", "."))
            except InvalidOperation as exc:
                raise DomainError(f"Hệ số «{value}» không phải là số.") from exc
            if not Decimal(0) <= number <= Decimal(100):
                raise DomainError(f"Hệ số «{value}» phải từ 0 đến 100.")
            out[kind][level] = str(number)
    return out


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    if "recipient_kinds" in values:
        kinds = list(values["recipient_kinds"] or [])
        if not kinds or any(k not in RecipientKind.values for k in kinds):
            raise DomainError("Đối tượng phải là một hoặc nhiều trong: cá nhân, tập thể, hộ gia đình.")
        values["recipient_kinds"] = kinds
    if "authority_levels" in values:
        levels = list(values["authority_levels"] or [])
        if any(level not in AuthorityLevel.values for level in levels):
            raise DomainError("Cấp quyết định không hợp lệ.")
        values["authority_levels"] = levels
    if "prize" in values:
        values["prize"] = _check_prize(values["prize"])
    if values.get("vote"):
        try:
            threshold = Decimal(str(values["vote"].get("threshold")))
        except (InvalidOperation, AttributeError) as exc:
            raise DomainError("Ngưỡng biểu quyết phải là một tỷ lệ, ví dụ 0.8.") from exc
        if not Decimal(0) < threshold <= Decimal(1):
            raise DomainError("Ngưỡng biểu quyết phải lớn hơn 0 và không quá 1 (100 %).")
    if "confidence" in values and values["confidence"] not in Confidence.values:
        raise DomainError("Độ tin cậy không hợp lệ.")
    if "citation" in values:
        values["citation"] = clean(values["citation"], max_length=500)
        if not values["citation"]:
            raise DomainError("Mỗi quy định phải ghi căn cứ pháp lý (điều, khoản, văn bản).")
    return values


def rule_in_force(award_type: AwardType, on: dt.date) -> AwardRule | None:
    """The general (not issuer-specific) rule of ``award_type`` in force on ``on``."""
    return selectors.rule_for(award_type, on)


@transaction.atomic
def rule_new_version(*, actor: Any, rule: AwardRule, valid_from: dt.date, **changes: Any) -> AwardRule:
    """Start a new version of ``rule`` on ``valid_from`` with ``changes``.

    The new date must fall inside the rule's rule set and after the current
    version's start; the current version ends the day before."""
    _guard(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(f"Không sửa được: {', '.join(sorted(unknown))}.")
    current = AwardRule.objects.select_for_update().select_related("rule_set", "award_type").get(pk=rule.pk)
    rs = current.rule_set
    start = current.valid_from or rs.valid_from
    if start is not None and valid_from <= start:
        raise DomainError(f"Ngày áp dụng mới phải sau {start:%d/%m/%Y}, ngày bắt đầu của phiên bản đang có.")
    if rs.valid_to is not None and valid_from > rs.valid_to:
        raise DomainError(f"Bộ quy định {rs.code} chỉ áp dụng đến {rs.valid_to:%d/%m/%Y}.")
    if current.valid_to is not None and valid_from > current.valid_to:
        raise DomainError("Phiên bản này đã hết hiệu lực; hãy sửa phiên bản mới nhất.")
    values = {k: getattr(current, k) for k in EDITABLE}
    values.update(_validate(dict(changes)))
    before = audit.snapshot(current)
    new = AwardRule.objects.create(
        award_type=current.award_type,
        rule_set=rs,
        issuer=current.issuer,
        valid_from=valid_from,
        valid_to=current.valid_to,
        created_by=actor if getattr(actor, "pk", None) else None,
        **values,
    )
    current.valid_to = valid_from - dt.timedelta(days=1)
    current.save(update_fields=["valid_to"])
    audit.record(actor=actor, action="rule.version", obj=new, before=before, after=audit.snapshot(new))
    return new


@transaction.atomic
def local_award_type_create(
    *,
    actor: Any,
    code: str,
    name: str,
    category: str,
    rule_set: RuleSet,
    valid_from: dt.date,
    recipient_kinds: list[str],
    authority_levels: list[str],
    prize: dict[str, Any] | None = None,
    citation: str,
    criteria: dict[str, Any] | None = None,
) -> AwardRule:
    """Add a title or form of a ministry or province (e.g. "Giấy khen của Chủ tịch UBND xã" variants,
    a provincial title created by a provincial resolution) with its first rule version."""
    _guard(actor)
    code = clean(code).upper()
    if not code or len(code) > 30 or not all(ch.isalnum() or ch == "_" for ch in code):
        raise DomainError("Mã chỉ gồm chữ cái không dấu, chữ số và dấu gạch dưới, tối đa 30 ký tự.")
    if AwardType.objects.filter(code=code).exists():
        raise DomainError(f"Mã «{code}» đã có trong danh mục.")
    if category not in Category.values:
        raise DomainError("Loại phải là danh hiệu thi đua hoặc hình thức khen thưởng.")
    name = clean(name, max_length=255)
    if not name:
        raise DomainError("Tên không được để trống.")
    award_type = AwardType.objects.create(
        code=code, name=name, short_name=name[:100], category=category, is_local=True, rank=50
    )
    values = _validate(
        {
            "recipient_kinds": recipient_kinds,
            "authority_levels": authority_levels,
            "prize": prize or {},
            "citation": citation,
        }
    )
    rule = AwardRule.objects.create(
        award_type=award_type,
        rule_set=rule_set,
        valid_from=valid_from,
        criteria=criteria or {},
        confidence=Confidence.TEXT,
        created_by=actor if getattr(actor, "pk", None) else None,
        **values,
    )
    audit.record(actor=actor, action="award_type.create", obj=award_type, after=audit.snapshot(award_type))
    audit.record(actor=actor, action="rule.version", obj=rule, after=audit.snapshot(rule))
    return rule
