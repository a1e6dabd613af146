"""Certificate templates (one per award type)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import has_perm
from thidua.awards.models import AwardType
from thidua.core import audit
from thidua.core.errors import ConcurrentUpdate, DomainError, PermissionDenied
from thidua.decisions.models import (
    CertificateTemplate,
)
from thidua.decisions.services.base import (
    SYSTEM,
    _snap,
)


@transaction.atomic
def certificate_template_save(
    *, actor: Any, award_type: AwardType, html: str, css: str = "", expected_version: int | None = None
) -> CertificateTemplate:
    """Save the certificate template of an award type; it must render (a broken
    template is refused with the template engine's message)."""
    from thidua.decisions import certificates

    if actor is not SYSTEM and not has_perm(actor, Perm.DRAFT_DECISION):
        raise PermissionDenied()
    html = (html or "").replace("\r\n", "\n")
    css = (css or "").replace("\r\n", "\n")
    if not html.strip():
        raise DomainError("Nội dung mẫu không được để trống.")
    if len(html) > 100_000 or len(css) > 100_000:
        raise DomainError("Mẫu dài quá 100.000 ký tự.")
    certificates.check_template(html)
    current = CertificateTemplate.objects.select_for_update().filter(award_type=award_type).first()
    if current is None:
        tpl = CertificateTemplate.objects.create(
            award_type=award_type,
            html=html,
            css=css,
            updated_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(actor=actor, action="certificate_template.create", obj=tpl, after=audit.snapshot(tpl))
        return tpl
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate()
    before = _snap(current)
    CertificateTemplate.objects.filter(pk=current.pk, version=current.version).update(
        html=html,
        css=css,
        version=current.version + 1,
        updated_by=actor if getattr(actor, "pk", None) else None,
    )
    current.refresh_from_db()
    audit.record(
        actor=actor, action="certificate_template.update", obj=current, before=before, after=_snap(current)
    )
    return current
