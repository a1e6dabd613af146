"""Figure sentences in the style of the districts' own reports (the seeds).

What the seeds do, and so what this does:
- numbers grouped with dots, decimals with a comma: 26.461, 98,6% (no space
  before %, as every seed writes it);
- a part whose count is zero is left out ("cho 22 cá nhân", never "0 tập thể,
  22 cá nhân");
- recipients of one award joined with ", " ("cho 32 tập thể, 118 cá nhân"),
  other lists with ", " and a final " và " ("1 giải nhất, 2 giải nhì và 3 giải ba");
- a title is quoted after "danh hiệu" with curly quotes (danh hiệu “Lao động
  tiên tiến”), a form is written in lower case after "tặng" (tặng giấy khen,
  tặng bằng khen, tặng cờ thi đua) except orders and medals, which keep their
  capitals (Huân chương Lao động hạng Ba); within one deciding level the
  awards follow each other with "; " and "tặng" is not repeated between
  consecutive titles (seed 003);
- districts report the collective title "Tập thể lao động tiên tiến" together
  with "Lao động tiên tiến" (seed 003: "Lao động tiên tiến" cho 32 tập thể,
  118 cá nhân): :data:`MERGED_IN_SENTENCES` says which codes are merged, in
  sentences only — the tables keep them apart.
These functions take figures and return text; they never query.
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from thidua.awards.enums import Category
from thidua.reports.figures import AwardLine, ContestFigures, Figures, MovementFigures, RatingFigures
from thidua.reports.groups import FlagLine, GroupFigures

NO_DATA = "Không có số liệu"

KIND_WORDS = OrderedDict((("collective", "tập thể"), ("household", "hộ gia đình"), ("individual", "cá nhân")))

# Who "tặng" at each deciding level, as the seeds name them.
LEVEL_SUBJECT = {
    "state": "Chủ tịch nước",
    "government": "Thủ tướng Chính phủ",
    "province": "UBND tỉnh",
    "district": "UBND huyện",
    "agency": "Thủ trưởng các cơ quan, đơn vị",
    "commune": "UBND xã",
    "": "Cấp có thẩm quyền",
}

# Award code -> the code it is reported with in sentences.
MERGED_IN_SENTENCES = {"TTLDTT": "LDTT"}

LOCALITY = {"province": "tỉnh", "district": "huyện", "commune": "xã"}


def vn_number(value: int | float | Decimal) -> str:
    """26461 → "26.461"; Decimal("98.6") → "98,6"; 20.0 → "20"."""
    d = Decimal(str(value))
    sign = "-" if d < 0 else ""
    d = abs(d)
    whole = int(d)
    frac = d - whole
    text = f"{whole:,}".replace(",", ".")
    if frac:
        digits = format(frac.normalize(), "f").split(".")[1]
        text += "," + digits
    return sign + text


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{vn_number(value)}%"


def join_vi(items: list[str]) -> str:
    """["a", "b", "c"] → "a, b và c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def kinds_text(counts: dict[str, int]) -> str:
    """{"collective": 32, "individual": 118} → "32 tập thể, 118 cá nhân" (zeros left out)."""
    return ", ".join(f"{vn_number(counts[k])} {w}" for k, w in KIND_WORDS.items() if counts.get(k))


def award_phrase(name: str, category: str) -> tuple[str, bool]:
    """(phrase, is_title): ('danh hiệu “Lao động tiên tiến”', True), ('tặng giấy khen', False)."""
    if category == Category.TITLE and not name.startswith("Cờ thi đua"):
        return f"danh hiệu “{name}”", True
    for common in ("Cờ thi đua", "Bằng khen", "Giấy khen"):
        if name.startswith(common):
            return f"tặng {common.lower()}", False
    return f"tặng {name}", False


def _merged(lines: list[AwardLine]) -> list[tuple[str, str, int, dict[str, int]]]:
    """Lines of one level merged by sentence code: (name, category, rank, counts)."""
    by_code: OrderedDict[str, list] = OrderedDict()
    names = {a.award_type: a for a in lines}
    for a in lines:
        code = MERGED_IN_SENTENCES.get(a.award_type, a.award_type)
        head = names.get(code, a)
        entry = by_code.setdefault(code, [head.name, head.category, head.rank, dict.fromkeys(KIND_WORDS, 0)])
        for k in KIND_WORDS:
            entry[3][k] += getattr(a, k)
    out = [(e[0], e[1], e[2], e[3]) for e in by_code.values()]
    # Titles first, the most common (lowest rank) first; then forms the same way (seed 003).
    out.sort(key=lambda e: (e[1] != Category.TITLE or e[0].startswith("Cờ thi đua"), e[2]))
    return out


def level_sentence(level: str, lines: list[AwardLine], subject: str | None = None) -> str:
    """One deciding level's awards: 'UBND huyện tặng danh hiệu “Lao động tiên tiến”
    cho 32 tập thể, 118 cá nhân; danh hiệu “Chiến sĩ thi đua cơ sở” cho 22 cá nhân;
    tặng giấy khen cho 26 tập thể, 108 cá nhân'."""
    parts: list[str] = []
    previous_title = False
    for name, category, _rank, counts in _merged(lines):
        recipients = kinds_text(counts)
        if not recipients:
            continue
        phrase, is_title = award_phrase(name, category)
        if is_title and not previous_title:
            phrase = "tặng " + phrase
        parts.append(f"{phrase} cho {recipients}")
        previous_title = is_title
    if not parts:
        return ""
    return f"{subject or LEVEL_SUBJECT.get(level, LEVEL_SUBJECT[''])} {'; '.join(parts)}"


def awards_sentences(fig: Figures) -> list[str]:
    """One sentence per deciding level, highest level first, each ending with "."."""
    by_level: OrderedDict[str, list[AwardLine]] = OrderedDict()
    for a in fig.awards:
        by_level.setdefault(a.authority_level, []).append(a)
    out = []
    for level, lines in by_level.items():
        text = level_sentence(level, lines)
        if text:
            out.append(text + ".")
    return out


def ratings_sentence(fig: Figures) -> str:
    """Seed 004: "98,6% số cơ quan, đơn vị của huyện được đánh giá hoàn thành nhiệm vụ
    trở lên, trong đó, 20% hoàn thành xuất sắc nhiệm vụ; 99% số cán bộ, công chức,
    viên chức hoàn thành nhiệm vụ trở lên, trong đó, 20% hoàn thành xuất sắc nhiệm vụ"."""
    parts = []
    where = LOCALITY.get(fig.unit_kind)
    if fig.unit_ratings.rated:
        parts.append(
            f"{percent(fig.unit_ratings.completed_share)} số cơ quan, đơn vị"
            + (f" của {where}" if where else "")
            + " được đánh giá "
            + _grades_tail(fig.unit_ratings)
        )
    if fig.people_ratings.rated:
        parts.append(
            f"{percent(fig.people_ratings.completed_share)} số cán bộ, công chức, viên chức "
            + _grades_tail(fig.people_ratings)
        )
    return "; ".join(parts) + "." if parts else ""


def _grades_tail(r: RatingFigures) -> str:
    text = "hoàn thành nhiệm vụ trở lên"
    if r.excellent:
        text += f", trong đó, {percent(r.excellent_share)} hoàn thành xuất sắc nhiệm vụ"
    return text


def movement_sentence(m: MovementFigures, year: int, locality: str | None) -> str:
    """Seed 000: "Năm 2022, huyện có 11/13 chỉ tiêu KT-XH đề ra đạt và vượt kế hoạch, còn
    2 chỉ tiêu không đạt kế hoạch. Có 11/21 nhiệm vụ trọng tâm được giao thực hiện hoàn
    thành; 10/21 nhiệm vụ đang tiếp tục phối hợp thực hiện"."""
    sentences = []
    if m.indicators_total:
        text = f"Năm {year}, {locality + ' có ' if locality else 'có '}"
        text += f"{m.indicators_met}/{m.indicators_total} chỉ tiêu KT-XH đề ra đạt và vượt kế hoạch"
        missed = m.indicators_total - m.indicators_met
        if missed:
            text += f", còn {vn_number(missed)} chỉ tiêu không đạt kế hoạch"
        sentences.append(text + ".")
    if m.tasks_total:
        n = m.tasks_total
        bits = []
        if m.tasks_done:
            bits.append(f"Có {m.tasks_done}/{n} nhiệm vụ trọng tâm được giao thực hiện hoàn thành")
        if m.tasks_in_progress:
            bits.append(f"{m.tasks_in_progress}/{n} nhiệm vụ đang tiếp tục phối hợp thực hiện")
        if m.tasks_not_started:
            bits.append(f"{m.tasks_not_started}/{n} nhiệm vụ chưa triển khai")
        if bits:
            bits[0] = bits[0][0].upper() + bits[0][1:]
            sentences.append("; ".join(bits) + ".")
    if m.pledges:
        sentences.append(f"Đã ký kết {vn_number(m.pledges)} bản giao ước thi đua.")
    return " ".join(sentences)


def contest_sentence(c: ContestFigures) -> str:
    """Seed 001: "cuộc thi ... đã có 61/70 cơ quan, đơn vị, địa phương tham gia; thu hút
    26.461 người tham gia thi với 31.518 lượt thi, trong đó có 13.771 người đạt điểm
    tối đa và có 14.426 lượt thi đúng"."""
    parts = []
    if c.invited_units:
        parts.append(
            f"đã có {vn_number(c.units_with_participants)}/{vn_number(c.invited_units)} "
            "cơ quan, đơn vị, địa phương tham gia"
        )
    if c.participants:
        text = f"thu hút {vn_number(c.participants)} người tham gia thi với {vn_number(c.attempts)} lượt thi"
        tail = []
        if c.max_score_participants:
            tail.append(f"có {vn_number(c.max_score_participants)} người đạt điểm tối đa")
        if c.all_correct_attempts:
            tail.append(f"có {vn_number(c.all_correct_attempts)} lượt thi đúng")
        if tail:
            text += ", trong đó " + " và ".join(tail)
        parts.append(text)
    if not parts:
        return f"Cuộc thi “{c.name}”: chưa có người tham gia."
    return f"Cuộc thi “{c.name}” " + "; ".join(parts) + "."


def upward_sentence(fig: Figures) -> str:
    u = fig.upward
    if not u.dossiers:
        return ""
    text = (
        f"Đã trình cấp trên {vn_number(u.dossiers)} hồ sơ đề nghị khen thưởng với "
        f"{vn_number(u.candidates)} tập thể, cá nhân"
    )
    bits = []
    if u.awarded:
        bits.append(f"{vn_number(u.awarded)} được khen thưởng")
    if u.not_awarded:
        bits.append(f"{vn_number(u.not_awarded)} không được khen thưởng")
    if u.pending:
        bits.append(f"{vn_number(u.pending)} đang chờ kết quả")
    return text + (", trong đó " + join_vi(bits) if bits else "") + "."


def prize_sentence(fig: Figures) -> str:
    if not fig.prize_total:
        return ""
    bits = [
        f"{p.budget_source.lower() if p.budget_source != 'Chưa ghi nguồn' else 'chưa ghi nguồn'} "
        f"{vn_number(p.amount)} đồng"
        for p in fig.prize_money
    ]
    text = f"Tổng tiền thưởng đã chi {vn_number(fig.prize_total)} đồng"
    if len(bits) > 1:
        text += " (" + join_vi(bits) + ")"
    return text + "."


def flag_words(name: str) -> str:
    """The flag as the seeds write it after its giver: "UBND tỉnh tặng Cờ thi đua" (the
    giver already says whose flag), but "Cờ thi đua của Chính phủ" in full."""
    return name.split(" của bộ")[0]


def _flags(lines: list[FlagLine], clause: str) -> str:
    """One clause per giver and flag, ``clause`` with {giver}, {flag} and {names}:
    "đề nghị UBND tỉnh tặng Cờ thi đua cho Xã Ba và Xã Hai"."""
    by: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
    for f in lines:
        names = by.setdefault((f.by, flag_words(f.award_name)), [])
        if f.unit_name not in names:
            names.append(f.unit_name)
    return "; ".join(
        clause.format(giver=giver, flag=flag, names=join_vi(names)) for (giver, flag), names in by.items()
    )


def group_sentence(g: GroupFigures) -> str:
    """ "Cụm thi đua số 1 năm 2024 có 4 đơn vị được chấm điểm, xếp hạng, đơn vị dẫn đầu là
    Xã Ba (60 điểm); đề nghị UBND tỉnh tặng Cờ thi đua cho Xã Ba." — or, for a report that
    may show only its own line: "Huyện X xếp thứ 2/5 trong Cụm thi đua số 1 năm 2024 (87,5 điểm)"."""
    title = f"{g.name} năm {g.year}"
    if g.organised_here:
        text = f"{title} có {vn_number(g.ranked)} đơn vị được chấm điểm, xếp hạng"
        leaders = g.leaders
        if len(leaders) == 1:
            text += f", đơn vị dẫn đầu là {leaders[0].unit_name} ({vn_number(leaders[0].score)} điểm)"
        elif leaders:
            names = join_vi([r.unit_name for r in leaders])
            text += f", các đơn vị đồng hạng nhất là {names} (cùng {vn_number(leaders[0].score)} điểm)"
    else:
        text = "; ".join(
            f"{r.unit_name} xếp thứ {r.rank}/{g.ranked} trong {title} ({vn_number(r.score)} điểm)"
            for r in g.ranking
        )
    if g.proposed:
        text += "; " + _flags(g.proposed, "đề nghị {giver} tặng {flag} cho {names}")
    text += "."
    if g.awarded:
        awarded = _flags(g.awarded, "{giver} đã tặng {flag} cho {names}")
        text += " " + awarded[0].upper() + awarded[1:] + "."
    return text
