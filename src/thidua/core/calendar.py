"""Working days in Vietnam, for deadlines "trong N ngày làm việc".

Public holidays follow Bộ luật Lao động 2019 Điều 112: 1/1, Tết Âm lịch
(5 days: the last day of the old year and the first four of the new one),
Giỗ Tổ Hùng Vương (10/3 lunar), 30/4, 1/5, 2/9 and one day next to it. A
holiday on a Saturday or Sunday gives the next working day off (Điều 111(3)).
The lunar dates are data (``LUNAR``) for the years we know; the Prime
Minister's yearly swaps of working days are not modelled — for a deadline
that is one day of slack at most, and the deadline stays visible and editable.
Outside the known years only weekends and the solar holidays count.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

# Year → (first day of Tết, Giỗ Tổ Hùng Vương), from the lunar calendar.
LUNAR: dict[int, tuple[dt.date, dt.date]] = {
    2023: (dt.date(2023, 1, 22), dt.date(2023, 4, 29)),
    2024: (dt.date(2024, 2, 10), dt.date(2024, 4, 18)),
    2025: (dt.date(2025, 1, 29), dt.date(2025, 4, 7)),
    2026: (dt.date(2026, 2, 17), dt.date(2026, 4, 26)),
    2027: (dt.date(2027, 2, 6), dt.date(2027, 4, 16)),
    2028: (dt.date(2028, 1, 26), dt.date(2028, 4, 4)),
}


@cache
def holidays(year: int) -> frozenset[dt.date]:
    """The days off of ``year``, compensatory days included."""
    days = [dt.date(year, 1, 1), dt.date(year, 4, 30), dt.date(year, 5, 1), dt.date(year, 9, 2)]
    # Điều 112(1)(đ): 2/9 and the day before or after; the Government has chosen 1/9 since 2021.
    days.append(dt.date(year, 9, 1))
    if year in LUNAR:
        tet, gio_to = LUNAR[year]
        days.extend(tet + dt.timedelta(days=i) for i in range(-1, 4))
        days.append(gio_to)
    off = set(days)
    for day in sorted(days):
        if day.weekday() >= 5:
            extra = day + dt.timedelta(days=1)
            while extra.weekday() >= 5 or extra in off:
                extra += dt.timedelta(days=1)
            off.add(extra)
    # Tết of the next year may start on 31/12 of this one (never so far; kept correct).
    if year + 1 in LUNAR:
        eve = LUNAR[year + 1][0] - dt.timedelta(days=1)
        if eve.year == year:
            off.add(eve)
    return frozenset(off)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The last day of a period of ``days`` working days counted from the day
    after ``start`` (the day of receipt does not count; the last day does —
    deadlines are inclusive)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def add_days(start: dt.date, days: int, *, working: bool) -> dt.date:
    return add_working_days(start, days) if working else start + dt.timedelta(days=days)
