"""The annual report's place-date line is the one every document uses (core.vn,
Decree 30): a department writes its province's name, not its own."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.reports import documents
from thidua.reports.figures import compute

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("code", "place"), [("TINH", "Thử Nghiệm"), ("SNV", "Thử Nghiệm"), ("XA1", "Một")])
def test_place_date_names_the_administrative_unit(tree, code, place):
    fig = compute(unit=tree[code], period_from=dt.date(2023, 1, 1), period_to=dt.date(2023, 12, 31))
    line = documents.context(fig)["place_date"]
    assert line.startswith(f"{place}, ngày ") and line.endswith(f"năm {dt.date.today().year}")
