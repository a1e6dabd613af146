"""Helpers shared by the movements pages: reading dates and lines typed in
forms, the «as of» day of a page, the movement, unit or groups a request
names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import units_for
from thidua.core.errors import DomainError
from thidua.core.sheets import CellError, cell_date
from thidua.core.text import clean
from thidua.directory.models import EmulationGroup, Unit
from thidua.movements import selectors
from thidua.movements.models import Movement


def parse_date(value: str | None, label: str, *, required: bool = True) -> dt.date | None:
    """dd/mm/yyyy (as typed by users) or yyyy-mm-dd (a date input): the very
    reader of the XLSX import (``cell_date``), so a date that a file accepts
    a form accepts too, with the same words when it does not."""
    text = (value or "").strip()
    if not text:
        if required:
            raise DomainError(f"{label}: hãy nhập ngày (dd/mm/yyyy).")
        return None
    try:
        return cell_date(text[:40])
    except CellError as exc:
        raise DomainError(f"{label}: {exc}") from exc


def _lines(text: str | None) -> list[str]:
    """Non-empty lines; a line with control characters is kept raw so the
    service refuses it with its Vietnamese message."""
    out = []
    for raw in (text or "").splitlines():
        try:
            line = clean(raw)
        except ValueError:
            line = raw
        if line:
            out.append(line)
    return out


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return parse_date(request.GET.get("ngay"), "Ngày", required=False) or timezone.localdate()
    except DomainError:
        return timezone.localdate()


def _movement(request: HttpRequest, pk: int) -> Movement:
    m = selectors.visible_movement(request.user, pk)
    if m is None:
        raise Http404("Không tìm thấy phong trào thi đua.")
    return m


def _unit_from_post(request: HttpRequest, key: str = "unit") -> Unit:
    raw = request.POST.get(key, "")
    unit = Unit.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 18 else None
    if unit is None:
        raise DomainError("Hãy chọn đơn vị.")
    return unit


def _bar(share: Any) -> int:
    return 0 if share is None else max(0, min(100, int(share / 150 * 100)))


def _groups_managed(user: Any) -> list[EmulationGroup]:
    """The Khối/Cụm whose organiser the user manages (pledges and scoring schemes)."""
    scope = units_for(user, Perm.MANAGE_MOVEMENTS)
    return list(EmulationGroup.objects.filter(organiser__in=scope).order_by("kind", "name")[:300])
