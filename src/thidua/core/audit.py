"""Writing the audit trail. Services call :func:`record` in their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from thidua.core.context import current_origin
from thidua.core.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited values of ``obj``: concrete fields (FKs as ids), JSON-safe."""
    result: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in {"search_key", "sort_key", "path", "version", "updated_at", "created_at", "password"}:
            continue
        result[f.name] = _plain(getattr(obj, f.attname))
    return result


def entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """One audit row, not yet saved: for :func:`record_many` when a service
    writes hundreds of objects at once (one INSERT, not one per row)."""
    where = current_origin()
    user = actor if getattr(actor, "pk", None) else None
    return AuditEntry(
        actor=user,
        actor_name=(actor.get_username() if user else str(actor or "hệ thống"))[:150],
        origin=where.origin,
        ip_address=where.ip_address,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
    )


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row (who, when, from where, what, before/after)."""
    row = entry(actor=actor, action=action, obj=obj, before=before, after=after)
    row.save()
    return row


def record_many(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Write audit rows built by :func:`entry` in batched INSERTs (same
    transaction as the caller's writes)."""
    return AuditEntry.objects.bulk_create(list(entries), batch_size=500)


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """The audit entries of one record, newest first."""
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
