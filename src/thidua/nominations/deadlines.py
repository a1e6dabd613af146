"""Loading the step deadlines (data/deadlines.json) into :class:`StepDeadline`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "deadlines.json"


def load_deadlines(deadline_model: Any = None, award_type_model: Any = None) -> int:
    """Insert the rows of the data file that are not there yet (same state, award,
    start date); a locally edited row is left alone. Returns the rows added.
    The models may be passed in (a migration passes its historical models)."""
    if deadline_model is None:
        from thidua.awards.models import AwardType as award_type_model
        from thidua.nominations.models import StepDeadline as deadline_model
    data = json.loads(DATA.read_text(encoding="utf-8"))
    types = {t.code: t for t in award_type_model.objects.all()}
    added = 0
    for row in data["deadlines"]:
        award = types.get(row["award"]) if row.get("award") else None
        if row.get("award") and award is None:
            continue  # the catalogue does not have it (a trimmed test database)
        start = dt.date.fromisoformat(row["valid_from"])
        _, created = deadline_model.objects.get_or_create(
            state=row["state"],
            award_type=award,
            valid_from=start,
            defaults={"days": row["days"], "working_days": row["working_days"], "citation": row["citation"]},
        )
        added += created
    return added
