"""REPORTS_DATABASE_URL: report reads go to a second database, nothing else does.

The second database is declared here as the settings do it when the variable is
set (``TEST: MIRROR default``, the test stand-in for a streaming replica), with
the router installed; the test is transactional so the mirror sees committed rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext, override_settings

from tests.reports.conftest import build_tree
from thidua.reports import figures
from thidua.reports.routers import ReportsRouter

if "reports" not in settings.DATABASES:
    settings.DATABASES["reports"] = {
        **settings.DATABASES["default"],
        "TEST": {**settings.DATABASES["default"].get("TEST", {}), "MIRROR": "default"},
    }
    connections.__dict__.pop("settings", None)  # re-read DATABASES (computed lazily once)


@pytest.fixture
def tree(transactional_db):
    """Its own tree: the module-wide one of conftest.py lives in a transaction, which a
    transactional test cannot run inside."""
    return build_tree()


@pytest.mark.django_db(transaction=True, databases=["default", "reports"])
def test_report_reads_go_to_the_reports_database(tree):
    from thidua.awards.ruledata import load_rules

    load_rules()  # a transactional test before this one may have flushed the rule data
    from thidua.awards.models import AwardRecord, AwardType
    from thidua.directory import services as directory

    person = directory.person_create(actor=None, full_name="Lò Văn Pánh", gender="male", unit=tree["XA1"])
    AwardRecord.objects.create(
        award_type=AwardType.objects.get(code="LDTT"), recipient_kind="individual", person=person,
        owner_unit=tree["XA1"], year=2023, authority_level="commune",
    )  # fmt: skip
    with override_settings(DATABASE_ROUTERS=["thidua.reports.routers.ReportsRouter"]):
        with (
            CaptureQueriesContext(connections["reports"]) as replica,
            CaptureQueriesContext(connections["default"]) as primary,
        ):
            fig = figures.compute(
                unit=tree["TINH"], period_from=dt.date(2023, 1, 1), period_to=dt.date(2023, 12, 31)
            )
        assert fig.award_totals["individual"] == 1
        assert len(replica.captured_queries) >= 5
        assert "awards_awardrecord" in " ".join(q["sql"] for q in replica.captured_queries)
        assert primary.captured_queries == []
        # Outside a report, reads stay on default.
        with CaptureQueriesContext(connections["reports"]) as replica:
            assert AwardRecord.objects.count() == 1
        assert replica.captured_queries == []
    router = ReportsRouter()
    assert (
        router.allow_migrate("reports", "awards") is False
        and router.allow_migrate("default", "awards") is None
    )
    assert router.db_for_write(AwardRecord) is None
