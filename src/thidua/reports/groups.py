"""Khối/Cụm thi đua in a report: each published ranking of the period and the
flags (Cờ thi đua) proposed for and awarded to its members.

Which groups: a scoring scheme **published** for a year whose 31/12 falls in
the period (drafts and schemes still being scored stay private to the standing
body and the group leader, as ``movements.selectors.ranking_for`` keeps them),
of a Khối/Cụm that is either organised by a report unit (or a unit of its
subtree) or has a report unit among the units it ranked.

Which rows: only the ranked units the report may show — those of the report's
subtree (or the report units themselves for a unit-only report). A unit
officer's report on its own unit therefore shows its own line ("xếp thứ 2/5")
and the number of units ranked, never its neighbours' scores; the standing
body organising the cluster sees the whole table.

Which flags: award types whose name is "Cờ thi đua …" (CTD_TINH, CTD_CP in the
catalogue — see shared/domain/awards.md; a local flag added to the catalogue
counts too): candidates of dossiers for the scheme's year for a ranked unit
(withdrawn ones left out), and valid registry lines for that year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from thidua.directory.models import Unit
from thidua.reports import adapters

FLAG_PREFIX = "Cờ thi đua"


@dataclass
class RankLine:
    rank: int
    unit_id: int
    unit_code: str
    unit_name: str
    score: Decimal


@dataclass
class FlagLine:
    unit_id: int
    unit_name: str
    award_type: str
    award_name: str
    by: str  # who decides / decided: "UBND tỉnh", "Thủ tướng Chính phủ"
    state: str = ""  # candidate state label (proposals only)


@dataclass
class GroupFigures:
    group_id: int
    code: str
    name: str
    kind: str
    kind_label: str
    year: int
    scheme_id: int
    scheme_name: str
    ranked: int  # units ranked in the whole group (the "/5" of "xếp thứ 2/5")
    organised_here: bool  # organised inside the report's scope: the whole table is shown
    ranking: list[RankLine] = field(default_factory=list)
    proposed: list[FlagLine] = field(default_factory=list)
    awarded: list[FlagLine] = field(default_factory=list)

    @property
    def leaders(self) -> list[RankLine]:
        return [r for r in self.ranking if r.rank == 1]


def _years(start: dt.date, end: dt.date) -> list[int]:
    return [y for y in range(start.year, end.year + 1) if start <= dt.date(y, 12, 31) <= end]


def _visible(unit: Unit, units: list[Unit], include_subunits: bool) -> bool:
    if include_subunits:
        return any(unit.path.startswith(u.path) for u in units)
    return any(unit.pk == u.pk for u in units)


def _deciding_subject(dossier: Any) -> str:
    """Who is asked to decide, as the seeds name it: "UBND tỉnh", else the body's name."""
    from thidua.reports.sentences import LOCALITY

    unit = dossier.deciding_unit
    if unit is None:
        return dossier.deciding_body_name or "cấp có thẩm quyền"
    where = LOCALITY.get(unit.kind)
    return f"UBND {where}" if where else unit.name


def group_figures(
    units: list[Unit], include_subunits: bool, start: dt.date, end: dt.date, movement: Any | None = None
) -> list[GroupFigures]:
    """The Khối/Cụm figures of the report (see the module doc); a few queries per scheme.
    With ``movement``, only the schemes scored under it."""
    schemes = adapters.published_schemes(units, include_subunits, _years(start, end), movement)
    if not schemes:
        return []
    from thidua.awards.enums import RecordStatus
    from thidua.awards.models import AwardRecord, AwardType
    from thidua.reports.sentences import LEVEL_SUBJECT

    flag_types = {t.pk: t for t in AwardType.objects.filter(name__startswith=FLAG_PREFIX)}
    out: list[GroupFigures] = []
    for scheme in schemes:
        group = scheme.group
        ranked = adapters.scheme_ranking(scheme)
        organiser = group.organiser
        here = _visible(organiser, units, include_subunits)
        fig = GroupFigures(
            group_id=group.pk,
            code=group.code,
            name=group.name,
            kind=group.kind,
            kind_label=group.get_kind_display(),
            year=scheme.year,
            scheme_id=scheme.pk,
            scheme_name=scheme.name,
            ranked=len(ranked),
            organised_here=here,
        )
        shown = {u.pk for u, _score, _rank in ranked if _visible(u, units, include_subunits)}
        fig.ranking = [
            RankLine(rank, u.pk, u.code, u.name, score) for u, score, rank in ranked if u.pk in shown
        ]
        members = list(shown)
        if members and flag_types:
            for c in adapters.flag_candidates(list(flag_types), scheme.year, members):
                t = flag_types[c.award_type_id]
                fig.proposed.append(
                    FlagLine(
                        c.unit_id,
                        c.unit.name,
                        t.code,
                        t.name,
                        _deciding_subject(c.dossier),
                        c.get_state_display(),
                    )
                )
            records = (
                AwardRecord.objects.filter(
                    award_type_id__in=list(flag_types),
                    year=scheme.year,
                    unit_id__in=members,
                    status=RecordStatus.VALID,
                )
                .select_related("unit")
                .order_by("unit__name", "pk")
            )
            for r in records:
                t = flag_types[r.award_type_id]
                by = LEVEL_SUBJECT.get(r.authority_level, LEVEL_SUBJECT[""])
                fig.awarded.append(FlagLine(r.unit_id, r.unit.name, t.code, t.name, by))
        out.append(fig)
    return out


def as_rows(groups: list[GroupFigures]) -> list[dict[str, Any]]:
    """One row per ranked unit shown: the DOCX table and the XLSX sheet list the same rows."""
    rows = []
    for g in groups:
        proposed = {f.unit_id: f for f in g.proposed}
        awarded = {f.unit_id: f for f in g.awarded}
        for line in g.ranking:
            rows.append(
                {
                    "group": g.name,
                    "year": g.year,
                    "rank": line.rank,
                    "ranked": g.ranked,
                    "unit": line.unit_name,
                    "score": line.score,
                    "proposed": proposed[line.unit_id].award_name if line.unit_id in proposed else "",
                    "awarded": awarded[line.unit_id].award_name if line.unit_id in awarded else "",
                }
            )
    return rows
