"""The one set of figures every report output is made from.

:func:`compute` is the only place a report's numbers are counted; the JSON of
the API, the DOCX summary, the XLSX tables and the dashboard all render the
:class:`Figures` it returns (``as_dict`` is the JSON form), so they cannot
disagree.

Which records belong to a period — one rule for awards and ratings: the
**achievement** period must end inside the report period. An award line's
achievement ends on its ``period_end`` when known, else on 31/12 of its
achievement year; a rating on 31/12 of its year. So the 2023 summary (held in
April 2024) counts the awards *for* 2023 even when decided in 2024 — which is
what the seeds report ("khen thưởng ... năm 2023") — and a thematic movement
of 4/8–31/12/2022 falls in 2022. Decision dates are not used: imported history
often has none, and the dashboard "awards per year" would shift by a year.
Revoked lines never count.

Which units: the report unit and every unit it succeeded (``directory.selectors
.lineage``), each with its subtree when ``include_subunits``: the tree as it
stood, so a 2022 report of a district abolished in 2025 still has its
communes, and the commune formed from it reports on the district's history.
The caller must have checked that the user may see the report unit
(:func:`thidua.reports.selectors.report_unit`); nothing outside these subtrees
is read.
"""

from thidua.reports.figures.counting import award_queryset, compute, report_units
from thidua.reports.figures.model import (
    COMPLETED,
    KIND_LABELS,
    KINDS,
    LEVEL_ORDER,
    AwardLine,
    ContestFigures,
    Figures,
    GradeLine,
    MovementFigures,
    PrizeLine,
    RatingFigures,
    UnitLine,
    UpwardFigures,
    YearLine,
    share,
)

__all__ = [
    "COMPLETED",
    "KINDS",
    "KIND_LABELS",
    "LEVEL_ORDER",
    "AwardLine",
    "ContestFigures",
    "Figures",
    "GradeLine",
    "MovementFigures",
    "PrizeLine",
    "RatingFigures",
    "UnitLine",
    "UpwardFigures",
    "YearLine",
    "award_queryset",
    "compute",
    "report_units",
    "share",
]
