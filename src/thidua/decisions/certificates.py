"""Certificates (Giấy khen, Bằng khen, certificates of titles): one page per
recipient from the award type's editable template, each with its number and
a QR code to the public verification page; all of a decision in one PDF.

Templates use Django's template language (no code execution, autoescaped)
and are rendered by WeasyPrint with a URL fetcher that takes ``data:`` URIs
only, so an edited template cannot read server files or call other hosts. All pages are
typeset in one WeasyPrint pass (one layout of 500 pages is far cheaper than
500 documents merged).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import segno
from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.utils.safestring import mark_safe

from thidua.awards.enums import Category
from thidua.awards.models import AwardType
from thidua.core.errors import DomainError
from thidua.decisions.documents import safe_fetcher, vn_date
from thidua.decisions.models import CertificateTemplate, Decision, DecisionRecipient
from thidua.decisions.services.base import PRIZE_AWARD_CODE, money

_ENGINE = Engine(autoescape=True)  # no loaders: {% include %} of server files finds nothing
_RECIPIENT = {"individual": "Ông/Bà", "collective": "Tập thể", "household": "Hộ gia đình"}


def _default_file(name: str) -> str:
    return (
        resources.files("thidua.decisions")
        .joinpath(f"certificate_defaults/{name}")
        .read_text(encoding="utf-8")
    )


def default_kind(award_type: AwardType) -> str:
    """Which shipped default an award type starts from: Giấy khen, Bằng khen or a title."""
    if award_type.code == PRIZE_AWARD_CODE:
        return "prize"
    if award_type.category == Category.TITLE:
        return "title"
    return "bang_khen" if award_type.code.upper().startswith("BK") else "giay_khen"


def heading(award_type: AwardType) -> str:
    return {
        "title": "GIẤY CHỨNG NHẬN",
        "prize": "GIẤY CHỨNG NHẬN",
        "bang_khen": "BẰNG KHEN",
        "giay_khen": "GIẤY KHEN",
    }[default_kind(award_type)]


@dataclass
class Source:
    html: str
    css: str
    version: int | None  # None: the shipped default


def template_for(award_type: AwardType) -> Source:
    row = CertificateTemplate.objects.filter(award_type=award_type).first()
    if row is not None:
        return Source(row.html, row.css, row.version)
    name = {"title": "title.html", "prize": "prize.html"}.get(default_kind(award_type), "form.html")
    return Source(_default_file(name), _default_file("base.css"), None)


def check_template(html: str) -> None:
    """Refuse a template that does not compile (with the engine's message)."""
    try:
        _ENGINE.from_string(html)
    except TemplateSyntaxError as exc:
        raise DomainError(f"Mẫu có lỗi cú pháp: {exc}") from exc


def verify_url(code: str) -> str:
    return f"{settings.THIDUA_PUBLIC_URL}/xac-minh/{code}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no PIL, no image file)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2)


def context_for(decision: Decision, line: DecisionRecipient) -> dict[str, object]:
    code = line.certificate_code or "chua-ban-hanh"
    url = verify_url(code)
    return {
        "heading": heading(line.award_type),
        "authority_title": decision.authority_title,
        "issuer_name": decision.issuer_name,
        "award_name": line.award_type.name,
        "recipient_label": _RECIPIENT.get(line.recipient_kind, ""),
        "name": line.name,
        "position": line.position,
        "achievement": line.achievement,
        "year": str(line.year),
        "prize_label": line.prize_label,
        "prize_money": money(line.amount) if line.prize_label and line.amount else "",
        "certificate_number": line.certificate_number or "(chưa vào sổ)",
        "decision_number": decision.full_number or f"…/{decision.symbol}",
        "decision_date_text": vn_date(decision.decision_date),
        "place_date": f"{decision.place}, {vn_date(decision.decision_date)}",
        "signer_authority": decision.signer_authority,
        "signer_title": decision.signer_title,
        "signer_name": decision.signer_name,
        "verify_url": url,
        "qr_svg": mark_safe(qr_svg(url)),  # noqa: S308 — segno's own SVG, no user text in it
    }


def render_html(
    decision: Decision, lines: list[DecisionRecipient], overrides: dict[int, Source] | None = None
) -> str:
    """One HTML document with a page per line (each with its award type's template)."""
    sources: dict[int, Source] = dict(overrides or {})
    compiled = {}
    css_parts: list[str] = []
    for ln in lines:
        if ln.award_type_id not in sources:
            sources[ln.award_type_id] = template_for(ln.award_type)
        if ln.award_type_id not in compiled:
            src = sources[ln.award_type_id]
            compiled[ln.award_type_id] = _ENGINE.from_string(src.html)
            if src.css not in css_parts:
                css_parts.append(src.css)
    pages = [compiled[ln.award_type_id].render(Context(context_for(decision, ln))) for ln in lines]
    css = "\n".join(css_parts).replace("</", "<\\/")
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>'
        + css
        + "</style></head><body>"
        + "".join(pages)
        + "</body></html>"
    )


def render_pdf(
    decision: Decision, lines: list[DecisionRecipient], overrides: dict[int, Source] | None = None
) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(decision, lines, overrides), url_fetcher=safe_fetcher()).write_pdf()


def lines_of(decision: Decision) -> list[DecisionRecipient]:
    return list(decision.recipients.select_related("award_type").order_by("order", "id"))


def sample_html(award_type: AwardType, source: Source) -> str:
    """The template filled with sample data (nothing saved) for the editor's preview."""
    import datetime as dt

    today = dt.date.today()
    decision = Decision(
        issuer_name="ỦY BAN NHÂN DÂN XÃ MẪU",
        symbol="QĐ-UBND",
        number=15,
        year=today.year,
        decision_date=today,
        place="Mẫu",
        authority_title="CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ MẪU",
        signer_title="CHỦ TỊCH",
        signer_name="Nguyễn Văn An",
    )
    line = DecisionRecipient(
        award_type=award_type,
        recipient_kind="individual",
        name="Trần Thị Bình",
        position="Giáo viên, Trường Tiểu học Mẫu",
        year=today.year - 1,
        certificate_number="15.001/QĐ-UBND",
        certificate_code="mau-xem-truoc-khong-phai-ma-that",
    )
    return render_html(decision, [line], overrides={award_type.pk: source})
