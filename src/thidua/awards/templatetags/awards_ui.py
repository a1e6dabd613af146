"""Display helpers of the awards pages: rule data (coefficients, thresholds,
criteria trees) turned into what an officer reads, in Vietnamese.

They only format what views hand them; nothing here decides who may see what.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from thidua.awards.enums import (
    AuthorityLevel,
    Confidence,
    DisciplineMeasure,
    Grade,
    InitiativeScope,
    RecipientKind,
)

register = template.Library()

KIND_LABELS = dict(RecipientKind.choices)
LEVEL_LABELS = {**dict(AuthorityLevel.choices), "*": "Các cấp (mặc định)"}
GRADE_LABELS = dict(Grade.choices)
SCOPE_LABELS = dict(InitiativeScope.choices)
MEASURE_LABELS = dict(DisciplineMeasure.choices)
CONFIDENCE_LABELS = dict(Confidence.choices)
BEST_GRADE = Grade.HTXSNV


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None


@register.filter
def coef(value: Any) -> str:
    """A coefficient as written in Vietnamese: ``"0.3"`` → ``0,3``, ``"1.0"`` → ``1``."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = format(number.normalize(), "f")
    return text.replace(".", ",")


@register.filter
def percent(value: Any) -> str:
    """A share as a percentage: ``"0.8"`` → ``80 %``, ``"0.155"`` → ``15,5 %``."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{coef(number * 100)} %"


@register.filter
def money(value: Any) -> str:
    """Đồng with dot thousands: 7020000 → ``7.020.000``."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}".replace(",", ".")


@register.filter
def kind_label(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


@register.filter
def kinds_label(codes: list[str] | None) -> str:
    return ", ".join(str(KIND_LABELS.get(c, c)) for c in codes or []) or "—"


@register.filter
def level_label(code: str) -> str:
    return str(LEVEL_LABELS.get(code, code))


@register.filter
def levels_label(codes: list[str] | None) -> str:
    return "; ".join(str(LEVEL_LABELS.get(c, c)) for c in codes or []) or "—"


@register.filter
def confidence_label(code: str | None) -> str:
    return str(CONFIDENCE_LABELS.get(code or "", ""))


def vote_text(vote: dict[str, Any] | None) -> str:
    """``{"threshold": "0.8", "base": "all", "ballot": "secret"}`` → ``≥ 80 % tổng số thành viên, bỏ phiếu kín``."""
    if not vote:
        return ""
    base = {"all": "tổng số thành viên", "present": "số thành viên có mặt"}.get(
        vote.get("base") or "all", "tổng số thành viên"
    )
    text = f"≥ {percent(vote.get('threshold'))} {base}"
    if vote.get("ballot") == "secret":
        text += ", bỏ phiếu kín"
    elif vote.get("ballot") == "open":
        text += ", biểu quyết công khai"
    return text


register.filter("vote_text", vote_text)


def quota_text(quota: dict[str, Any] | None, names: dict[str, str] | None = None) -> str:
    if not quota:
        return ""
    names = names or {}
    share_of = quota.get("share_of")
    target = f"số cá nhân đạt «{names.get(share_of, share_of)}»" if share_of else "tổng số"
    text = f"Không quá {percent(quota.get('max'))} {target}"
    enforce = quota.get("enforce")
    if enforce == "warn":
        text += " (vượt tỷ lệ: hệ thống cảnh báo)"
    elif enforce == "block":
        text += " (không được vượt)"
    return text


def _grade(code: str | None) -> str:
    return f"«{GRADE_LABELS.get(code or '', code)}»" + ("" if code == BEST_GRADE else " trở lên")


def _within(years: int | None) -> str:
    years = int(years or 1)
    return "trong năm xét khen thưởng" if years <= 1 else f"trong {years} năm tính đến năm xét khen thưởng"


def _n(value: Any) -> str:
    """Counts as official documents write them: 01, 02, … 10."""
    try:
        return f"{int(value):02d}"
    except (TypeError, ValueError):
        return str(value)


def leaf_text(leaf: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """One criterion (a predicate leaf) as a Vietnamese sentence."""
    names = names or {}
    pred = leaf.get("pred")

    def award(key: str = "award") -> str:
        code = leaf.get(key) or ""
        return f"«{names.get(code, code)}»"

    if pred == "rating":
        return f"Được xếp loại {_grade(leaf.get('min'))} trong năm xét khen thưởng"
    if pred == "rating_years":
        return (
            f"Được xếp loại {_grade(leaf.get('min'))} {_n(leaf.get('count'))} năm liên tục tính đến năm xét"
        )
    if pred == "rating_count":
        return (
            f"Có ít nhất {_n(leaf.get('count'))} năm được xếp loại {_grade(leaf.get('min'))} "
            f"{_within(leaf.get('years'))}"
        )
    if pred == "holds":
        return f"Đạt {award()} trong năm xét khen thưởng"
    if pred == "holds_chain":
        return f"Đạt {award()} {_n(leaf.get('count'))} năm liên tục tính đến năm xét"
    if pred == "holds_within":
        return f"Đạt {award()} ít nhất {_n(leaf.get('count'))} lần {_within(leaf.get('years'))}"
    if pred == "holds_before":
        return f"Đã được tặng {award()} trước năm xét khen thưởng"
    if pred == "initiative":
        scope = str(SCOPE_LABELS.get(leaf.get("min_scope") or "", leaf.get("min_scope"))).lower()
        upward = "" if leaf.get("min_scope") == InitiativeScope.NATIONAL else " trở lên"
        return (
            f"Có ít nhất {_n(leaf.get('count') or 1)} sáng kiến, đề tài nghiên cứu có phạm vi ảnh hưởng "
            f"{scope}{upward} được công nhận {_within(leaf.get('years'))}"
        )
    if pred == "no_discipline":
        return "Không bị kỷ luật, không đang bị xem xét kỷ luật, thanh tra, điều tra"
    if pred in {"member_share", "member_count"}:
        what = f"được xếp loại {_grade(leaf.get('rating'))}" if leaf.get("rating") else f"đạt {award()}"
        if pred == "member_count":
            return f"Có ít nhất {_n(leaf.get('at_least'))} cá nhân trong tập thể {what}"
        if leaf.get("more_than") is not None:
            return f"Trên {percent(leaf.get('more_than'))} cá nhân trong tập thể {what}"
        share = _decimal(leaf.get("at_least"))
        if share is not None and share >= 1:
            return f"Tất cả cá nhân trong tập thể {what}"
        return f"Ít nhất {percent(leaf.get('at_least'))} cá nhân trong tập thể {what}"
    if pred == "members_no_discipline":
        measure = MEASURE_LABELS.get(leaf.get("min_measure") or "", leaf.get("min_measure"))
        return f"Không có cá nhân trong tập thể bị kỷ luật từ hình thức {str(measure).lower()} trở lên"
    if pred == "manual":
        return f"{leaf.get('question') or 'Cán bộ đánh giá'} (cán bộ đánh giá)"
    return str(pred)


def criteria_tree(node: dict[str, Any] | None, names: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The criteria JSON as nodes a template walks: groups with a heading, leaves with a sentence."""
    if not node:
        return None
    if "pred" in node:
        confidence = node.get("confidence") or ""
        return {
            "leaf": True,
            "text": leaf_text(node, names),
            "citation": node.get("citation") or "",
            "confidence": confidence if confidence in {Confidence.UNCONFIRMED, Confidence.SECONDHAND} else "",
            "confidence_label": CONFIDENCE_LABELS.get(confidence, ""),
        }
    mode = "all" if "all" in node else "any"
    children = [c for c in (criteria_tree(child, names) for child in node.get(mode) or []) if c]
    title = "Tất cả các điều kiện" if mode == "all" else "Một trong các điều kiện"
    if node.get("kinds"):  # a branch that applies to one kind of recipient only
        title = f"Đối với {kinds_label(node['kinds']).lower()} — {title.lower()}"
    return {"leaf": False, "mode": mode, "title": title, "children": children}


@register.inclusion_tag("awards/_criteria_node.html")
def criteria_node(node: dict[str, Any]) -> dict[str, Any]:
    return {"node": node}


MARKS = {True: "✓", False: "✗", None: "?"}


@register.filter
def mark(met: bool | None) -> str:
    """✓ met, ✗ not met, ? unknown."""
    return MARKS.get(met, "?")


@register.inclusion_tag("awards/_history_panel.html", takes_context=True)
def awards_history(context: template.Context, person: Any = None, unit: Any = None) -> dict[str, Any]:
    """The "Quá trình khen thưởng / Có thể đề nghị" panel of a person's or unit's page.

    A tag rather than view context, so the directory app needs no import of awards."""
    from thidua.awards.views import history_panel  # views import this module

    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "panel": history_panel(user, person=person, unit=unit) if user else None,
        "person": person,
        "unit": unit,
    }


@register.filter
def mark_class(met: bool | None) -> str:
    return {True: "ok", False: "no"}.get(met, "unk")  # type: ignore[arg-type]
