"""Work queues: what waits for each user, gathered from every module.

Each module answers for its own work through a provider listed in
``settings.THIDUA_QUEUE_PROVIDERS`` (core imports none of them): the unit
officer's returned dossiers, the standing body's dossiers to appraise, the
council member's open ballots, the leader's decisions to sign. A provider is
``fn(user) -> list[QueueSection]`` and must scope its items to the user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass
class QueueItem:
    label: str
    url: str
    due: dt.date | None = None
    note: str = ""

    @property
    def overdue_days(self) -> int:
        """Days past the due date (0 on the due date itself: deadlines are inclusive)."""
        if self.due is None:
            return 0
        return max(0, (timezone.localdate() - self.due).days)


@dataclass
class QueueSection:
    key: str
    title: str
    items: list[QueueItem] = field(default_factory=list)
    empty_text: str = "Không có việc nào."
    total: int | None = None  # when items is only the first page
    more_url: str = ""

    @property
    def count(self) -> int:
        return self.total if self.total is not None else len(self.items)

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue_days)


def collect(user: Any) -> list[QueueSection]:
    """Every provider's sections for ``user``, in the order of the setting."""
    sections: list[QueueSection] = []
    for path in getattr(settings, "THIDUA_QUEUE_PROVIDERS", []):
        sections.extend(import_string(path)(user))
    return sections
