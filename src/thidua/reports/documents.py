"""The annual summary as DOCX (docxtpl) and the fields its template may use.

The text is built once from :class:`~thidua.reports.figures.Figures` by
:func:`context`; the template only places it. The default template
(``data/annual.docx``, made by :mod:`thidua.reports.template_default`) follows
Decree 30/2020; an organisation may upload its own, which must render with
the fields of :data:`FIELDS` — a file that does not is refused at upload with
the reason, and the one in use is kept.

Sections: situation; movements and results; commendation work (sentences,
table of awards by form and level, two charts); contests; shortcomings and
next year's directions — the last two left as marked blanks for people to
write: the system states facts, not judgements.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from thidua.core.errors import DomainError
from thidua.core.vn import place_date
from thidua.reports import charts, groups, sentences
from thidua.reports.figures import Figures
from thidua.reports.sentences import NO_DATA, vn_number
from thidua.reports.template_default import DEFAULT_PATH

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BLANK_SHORTCOMINGS = (
    "[PHẦN ĐỂ TRỐNG — cơ quan, đơn vị tự viết: những tồn tại, hạn chế và nguyên nhân. "
    "Hệ thống chỉ nêu số liệu, không tự nhận xét.]"
)
BLANK_DIRECTIONS = "[PHẦN ĐỂ TRỐNG — cơ quan, đơn vị tự viết: phương hướng, nhiệm vụ, giải pháp năm tới.]"

# The fields a template may use (documented in docs/reports.md).
FIELDS: dict[str, str] = {
    "parent_body": "Tên cơ quan cấp trên (in hoa), có thể trống",
    "issuer": "Tên cơ quan ban hành báo cáo (in hoa)",
    "number": "Số, ký hiệu: “     /BC-…” (để trống số cho văn thư ghi)",
    "place_date": "Địa danh, ngày … tháng … năm …",
    "subject": "Trích yếu: “Tổng kết công tác thi đua, khen thưởng năm …”",
    "period_line": "Kỳ báo cáo: “Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy”",
    "year": "Năm báo cáo (số)",
    "next_year": "Năm tới (số)",
    "is_empty": "True khi kỳ báo cáo không có số liệu nào",
    "no_data": "Chữ “Không có số liệu”",
    "situation": "Danh sách đoạn văn: tình hình chung (xếp loại chất lượng …)",
    "movements": "Danh sách đoạn văn: các phong trào thi đua và kết quả",
    "groups": "Danh sách đoạn văn: kết quả chấm điểm, xếp hạng khối, cụm thi đua và Cờ thi đua",
    "group_rows": "Dòng bảng khối, cụm: group, year, rank, ranked, unit, score, proposed, awarded",
    "commendation": "Danh sách đoạn văn: công tác khen thưởng (theo cấp quyết định, trình cấp trên, tiền thưởng)",
    "contests": "Danh sách đoạn văn: các cuộc thi",
    "award_rows": "Dòng bảng khen thưởng: stt, name, level, collective, individual, household, total",
    "totals": "Dòng tổng: collective, individual, household, total",
    "chart_years": "Ảnh biểu đồ khen thưởng 5 năm gần nhất",
    "chart_indicators": "Ảnh biểu đồ chỉ tiêu so với kế hoạch",
    "blank_shortcomings": "Ô để trống có đánh dấu: tồn tại, hạn chế",
    "blank_directions": "Ô để trống có đánh dấu: phương hướng năm tới",
    "recipients": "Danh sách nơi nhận",
    "signer_org": "Thẩm quyền ký (“TM. ỦY BAN NHÂN DÂN”), có thể trống",
    "signer_title": "Chức danh người ký (“CHỦ TỊCH”)",
    "signer_name": "Họ tên người ký (để trống)",
    "figures": "Toàn bộ số liệu (như JSON của API) cho mẫu muốn tự trình bày",
}

_ISSUER_PREFIX = {
    "province": "ỦY BAN NHÂN DÂN ",
    "district": "ỦY BAN NHÂN DÂN ",
    "commune": "ỦY BAN NHÂN DÂN ",
}
def _locality(fig: Figures) -> str | None:
    return sentences.LOCALITY.get(fig.unit_kind)


def text_sections(fig: Figures) -> dict[str, list[str]]:
    """The paragraphs of each figures section — the same text the dashboard shows."""
    period = f"từ ngày {fig.period_from:%d/%m/%Y} đến ngày {fig.period_to:%d/%m/%Y}"
    situation = [f"Báo cáo tổng hợp số liệu thi đua, khen thưởng của {fig.unit_name} {period}."]
    ratings = sentences.ratings_sentence(fig)
    if ratings:
        text = f"Qua việc thực hiện nhiệm vụ và phong trào thi đua, {ratings}"
        situation.append(text)
    movements = []
    for m in fig.movements:
        line = sentences.movement_sentence(m, fig.period_to.year, _locality(fig))
        movements.append(f"Phong trào “{m.name}”: " + (line or "chưa có số liệu chỉ tiêu, nhiệm vụ."))
    commendation = sentences.awards_sentences(fig)
    for extra in (sentences.upward_sentence(fig), sentences.prize_sentence(fig)):
        if extra:
            commendation.append(extra)
    groups = [sentences.group_sentence(g) for g in fig.groups]
    contests = [sentences.contest_sentence(c) for c in fig.contests]
    empty = NO_DATA + "."
    return {
        "situation": situation if len(situation) > 1 else [*situation, empty],
        "movements": movements or ([] if groups else [empty]),
        "groups": groups,
        "commendation": commendation or [empty],
        "contests": contests or [empty],
    }


def group_rows(fig: Figures) -> list[dict[str, Any]]:
    """The Khối/Cụm table of the DOCX: the rows of the XLSX sheet, numbers written the Vietnamese way."""
    return [{**r, "score": vn_number(r["score"])} for r in groups.as_rows(fig.groups)]


def award_rows(fig: Figures) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows = [
        {
            "stt": i,
            "code": a.award_type,
            "name": a.name,
            "level": a.authority_label,
            "collective": vn_number(a.collective),
            "individual": vn_number(a.individual),
            "household": vn_number(a.household),
            "total": vn_number(a.total),
        }
        for i, a in enumerate(fig.awards, start=1)
    ]
    t = fig.award_totals
    totals = {k: vn_number(t.get(k, 0)) for k in ("collective", "individual", "household")}
    totals["total"] = vn_number(sum(t.values()))
    return rows, totals


def context(fig: Figures, doc: DocxTemplate | None = None) -> dict[str, Any]:
    """Every field of :data:`FIELDS`. With ``doc``, the charts are images in it."""
    from thidua.directory.models import Unit

    unit = Unit.objects.select_related("parent").get(pk=fig.unit_id)
    rows, totals = award_rows(fig)
    year = fig.period_to.year
    whole_year = fig.period_from == dt.date(year, 1, 1) and fig.period_to == dt.date(year, 12, 31)
    ctx: dict[str, Any] = {
        "parent_body": unit.parent.name.upper() if unit.parent_id else "",
        "issuer": _ISSUER_PREFIX.get(unit.kind, "") + unit.name.upper(),
        "number": "      /BC-" + (unit.code.upper()[:12]),
        "place_date": place_date(unit, dt.date.today()),
        "subject": (
            f"Tổng kết công tác thi đua, khen thưởng năm {year}"
            if whole_year
            else "Tổng kết công tác thi đua, khen thưởng"
        ),
        "period_line": f"(Từ ngày {fig.period_from:%d/%m/%Y} đến ngày {fig.period_to:%d/%m/%Y})",
        "year": year,
        "next_year": year + 1,
        "is_empty": fig.is_empty,
        "no_data": NO_DATA,
        **text_sections(fig),
        "award_rows": rows,
        "totals": totals,
        "group_rows": group_rows(fig),
        "blank_shortcomings": BLANK_SHORTCOMINGS,
        "blank_directions": BLANK_DIRECTIONS,
        "recipients": ["Như trên;", "Lưu: VT."],
        "signer_org": "TM. ỦY BAN NHÂN DÂN" if unit.kind in _ISSUER_PREFIX else "",
        "signer_title": "CHỦ TỊCH" if unit.kind in _ISSUER_PREFIX else "THỦ TRƯỞNG CƠ QUAN",
        "signer_name": "",
        "figures": fig.as_dict(),
        "chart_years": "",
        "chart_indicators": "",
    }
    if doc is not None:
        ctx["chart_years"] = InlineImage(doc, io.BytesIO(charts.awards_by_year_png(fig)), width=Mm(155))
        ctx["chart_indicators"] = InlineImage(doc, io.BytesIO(charts.indicators_png(fig)), width=Mm(155))
    return ctx


def render(fig: Figures, template: bytes | Path | None = None) -> bytes:
    """The DOCX bytes; ``template`` is an organisation's file, else the default."""
    source = io.BytesIO(template) if isinstance(template, bytes) else str(template or DEFAULT_PATH)
    doc = DocxTemplate(source)
    doc.render(context(fig, doc), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


def check_template(data: bytes, sample: Figures) -> None:
    """Refuse a template that is not a DOCX or does not render with our fields."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise DomainError("Tệp mẫu quá lớn (tối đa 10 MB).", code="bad_template")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise DomainError("Tệp mẫu không phải tài liệu Word (.docx).", code="bad_template")
    except zipfile.BadZipFile as exc:
        raise DomainError("Tệp mẫu không phải tài liệu Word (.docx).", code="bad_template") from exc
    try:
        render(sample, data)
    except DomainError:
        raise
    except Exception as exc:  # Jinja syntax, unknown filter, broken XML …
        reason = str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__
        raise DomainError(
            f"Mẫu báo cáo không dùng được ({reason}). Mẫu đang dùng được giữ nguyên.", code="bad_template"
        ) from exc
