"""Background task of the reports app: build a report asked for and keep it.

Queued with ``transaction.on_commit`` by :func:`thidua.reports.services.report_request`;
runs under the django-tasks-db worker in production and inline
(ImmediateBackend) in tests. The file is kept under MEDIA_ROOT (outside the
web root) and served only through a scope-checking view.
"""

from __future__ import annotations

from django.tasks import task

from thidua.core.context import origin


@task()
def build_report(job_id: int) -> str:
    from thidua.reports.services import report_build

    with origin("task"):
        return report_build(job_id).state
