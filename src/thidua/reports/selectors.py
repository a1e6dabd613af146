"""Scoped reads of the reports app: which unit a user may report on, the
report parameters checked once for every output, the kept report files.

Permission: ``awards.view`` on the report unit (a dedicated ``reports.view``
would let a role read reports without the registry; not needed by any role
today). A unit outside the user's scope is refused before anything is read,
so its figures appear nowhere — not in totals, charts or files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, unit_scope
from thidua.core.errors import DomainError, NotFound, PermissionDenied
from thidua.directory.models import Unit
from thidua.reports import adapters
from thidua.reports.models import ReportJob, ReportTemplate

PERM = Perm.VIEW_AWARDS
# The dashboards: the standing body's view of a subtree, or a unit's own view.
STANDING = "standing"
UNIT = "unit"
UNIT_NOT_FOUND = "Không tìm thấy đơn vị."
OUT_OF_SCOPE = "Bạn không có quyền xem báo cáo của đơn vị này."
MAX_DAYS = 366 * 20


@dataclass
class ReportParams:
    unit: Unit
    period_from: dt.date
    period_to: dt.date
    include_subunits: bool = True
    movement: Any | None = None

    @property
    def year(self) -> int:
        return self.period_to.year


def report_unit(user: Any, unit: Unit | int | str) -> Unit:
    """The unit to report on, by object, id or code: 404 when there is none,
    403 when it lies outside the user's ``awards.view`` scope (the tree itself
    is public data, so saying it exists leaks nothing of its figures)."""
    if not isinstance(unit, Unit):
        found: Unit | None = None
        if isinstance(unit, int) or (isinstance(unit, str) and unit.isdigit()):
            pk = int(unit)
            found = Unit.objects.filter(pk=pk).first() if 0 < pk < 2**62 else None
        if found is None and isinstance(unit, str):
            found = Unit.objects.filter(code=unit.strip()[:40]).first()
        if found is None:
            raise NotFound(UNIT_NOT_FOUND)
        unit = found
    if not can_on_unit(user, PERM, unit):
        raise PermissionDenied(OUT_OF_SCOPE)
    return unit


def covers_subtree(user: Any, unit: Unit) -> bool:
    """Does the user's scope hold every unit under ``unit``? (A unit officer
    whose role is on the unit only does not see its schools' figures.)"""
    scope = unit_scope(user, PERM)
    if scope is None:
        return True
    under = Unit.objects.filter(path__startswith=unit.path)
    return not under.exclude(pk__in=under.filter(scope).values("pk")).exists()


def check_period(
    period_from: dt.date | None, period_to: dt.date | None, year: int | None = None
) -> tuple[dt.date, dt.date]:
    """A year, or a date range; reversed or impossible periods are refused (422)."""
    if year is not None and period_from is None and period_to is None:
        if not 1945 <= year <= 2200:
            raise DomainError("Năm báo cáo phải từ 1945 đến 2200.", code="bad_period")
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if period_from is None or period_to is None:
        raise DomainError("Cần chọn năm báo cáo, hoặc cả ngày bắt đầu và ngày kết thúc.", code="bad_period")
    if period_to < period_from:
        raise DomainError("Kỳ báo cáo không hợp lệ: ngày kết thúc trước ngày bắt đầu.", code="bad_period")
    if period_from.year < 1945 or period_to.year > 2200 or (period_to - period_from).days > MAX_DAYS:
        raise DomainError("Kỳ báo cáo không hợp lệ: quá dài hoặc ngoài khoảng 1945–2200.", code="bad_period")
    return period_from, period_to


def report_params(
    user: Any,
    *,
    unit: Unit | int | str,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    year: int | None = None,
    include_subunits: bool | None = None,
    movement: int | None = None,
) -> ReportParams:
    """Everything a report needs, checked: period (422), unit (404/403), movement (422).
    ``include_subunits=None``: the subtree when the user may see all of it, else the unit
    alone; ``True`` when they may not is refused (403) — nothing outside the scope is read."""
    start, end = check_period(period_from, period_to, year)
    target = report_unit(user, unit)
    covered = covers_subtree(user, target)
    if include_subunits is None:
        include_subunits = covered
    elif include_subunits and not covered:
        raise PermissionDenied("Bạn chỉ được xem báo cáo của riêng đơn vị này, không gồm đơn vị trực thuộc.")
    chosen = None
    if movement is not None:
        chosen = adapters.visible_movement(user, movement)
        if chosen is None:
            raise DomainError("Phong trào thi đua không tồn tại.", code="unknown_movement")
    return ReportParams(target, start, end, include_subunits, chosen)


def dashboard_layout(user: Any, params: ReportParams) -> str:
    """Which dashboard: :data:`STANDING` — comparisons between the units of the subtree —
    for those who answer for the whole subtree when the report covers it: the standing
    body (it appraises dossiers on the report unit; administrators too) and the leader
    who signs its decisions (a chair compares the units before signing); :data:`UNIT` —
    the unit's own awards, ratings, movements and contests — for everyone else (a unit
    officer, a viewer). The figures allowed are the same either way (scope was checked
    by :func:`report_params`); the layout only chooses panels."""
    if params.include_subunits and any(
        can_on_unit(user, perm, params.unit) for perm in (Perm.APPRAISE, Perm.SIGN_DECISION)
    ):
        return STANDING
    return UNIT


def jobs_for(user: Any) -> QuerySet[ReportJob]:
    """Kept reports the user may download: on units in their scope."""
    qs = ReportJob.objects.select_related("unit", "requested_by")
    scope = unit_scope(user, PERM, "unit__")
    return qs if scope is None else qs.filter(scope)


def job_for(user: Any, code: str) -> ReportJob:
    job = jobs_for(user).filter(public_code=code).first() if _is_uuid(code) else None
    if job is None:
        raise NotFound("Không tìm thấy báo cáo.")
    return job


def _is_uuid(code: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(code))
    except ValueError:
        return False
    return True


def active_template(unit: Unit) -> ReportTemplate | None:
    """The organisation's own template: the unit's, else the nearest ancestor's."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    found = {t.unit_id: t for t in ReportTemplate.objects.filter(unit_id__in=ids, is_active=True)}
    for pk in reversed(ids):
        if pk in found:
            return found[pk]
    return None
