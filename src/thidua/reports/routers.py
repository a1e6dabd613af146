"""Report queries on a read replica (``REPORTS_DATABASE_URL``).

Reports are the heaviest reads of the system and need no read-your-writes
freshness: a province's annual figures computed from a PostgreSQL streaming
replica a second behind are the same figures. So, when the settings define a
``reports`` database, every read made while a report is being computed —
inside :func:`reporting` — goes there, and nothing else does: the report job
rows, audit entries, uploads and every other read and write of the request
stay on ``default``. Without a ``reports`` database the router answers
``None`` and Django uses ``default`` as usual.

Deployment (docs/deployment.md): the replica is a hot standby of the primary
(``primary_conninfo`` + ``hot_standby = on``); it is never migrated by
thidua (``allow_migrate`` is False for it) because replication brings the
schema with the data.

Settings (the lead's part):

    if os.environ.get("REPORTS_DATABASE_URL"):
        DATABASES["reports"] = dj_database_url.parse(os.environ["REPORTS_DATABASE_URL"], conn_max_age=60)
        DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
        DATABASE_ROUTERS = ["thidua.reports.routers.ReportsRouter"]
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

ALIAS = "reports"
_active: contextvars.ContextVar[bool] = contextvars.ContextVar("thidua_reporting", default=False)


@contextmanager
def reporting() -> Iterator[str]:
    """Reads inside this block go to the reports database when there is one;
    yields the alias used (for callers that need ``.using()`` explicitly)."""
    token = _active.set(True)
    try:
        yield ALIAS if configured() else "default"
    finally:
        _active.reset(token)


def configured() -> bool:
    return ALIAS in settings.DATABASES


class ReportsRouter:
    """Reads of a report → ``reports``; everything else → Django's default choice."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _active.get() and configured():
            return ALIAS
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows: objects read from either relate freely.
        return True

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return False if db == ALIAS else None
