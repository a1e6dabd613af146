"""Background task of decisions: all certificates of a decision as one PDF.

Queued with ``transaction.on_commit`` by
:func:`thidua.decisions.services.certificates_request`; runs under the
django-tasks-db worker in production and inline (ImmediateBackend) in tests.
The file goes under MEDIA_ROOT (outside the web root) and is served only by a
permission-checking view.
"""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import task

from thidua.core.context import origin


@task()
def build_certificates(decision_id: int) -> str:
    from thidua.decisions import certificates
    from thidua.decisions.models import CertificatesState, Decision

    with origin("task"):
        decision = Decision.objects.select_related("issuer").get(pk=decision_id)
        try:
            pdf = certificates.render_pdf(decision, certificates.lines_of(decision))
            old = decision.certificates_file.name
            name = default_storage.save(f"decisions/{decision.pk}/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
            Decision.objects.filter(pk=decision.pk).update(
                certificates_file=name, certificates_state=CertificatesState.READY, certificates_error=""
            )
            if old and old != name:
                default_storage.delete(old)
        except Exception as exc:  # recorded for the user; the worker goes on
            Decision.objects.filter(pk=decision.pk).update(
                certificates_state=CertificatesState.FAILED, certificates_error=str(exc)[:500]
            )
            raise
        return CertificatesState.READY
