"""Background tasks of the directory: large imports.

Queued with ``transaction.on_commit`` by :func:`thidua.directory.imports.import_file`
so the worker never sees a job whose row was rolled back. Runs under the
django-tasks-db worker in production and inline (ImmediateBackend) in tests.
"""

from __future__ import annotations

from django.tasks import task

from thidua.core.context import origin


@task()
def run_import_job(job_id: int) -> str:
    """Validate and write a queued import; the audit entry says it came from a task."""
    from thidua.directory.imports import run_job

    with origin("task"):
        return run_job(job_id).status
