"""Working days for deadlines: weekends, public holidays, compensatory days."""

import datetime as dt

from thidua.core import calendar


def test_weekend_is_skipped_and_the_start_day_does_not_count():
    # Friday 6/6/2025 + 1 working day → Monday 9/6/2025.
    assert calendar.add_working_days(dt.date(2025, 6, 6), 1) == dt.date(2025, 6, 9)
    assert calendar.add_working_days(dt.date(2025, 6, 2), 5) == dt.date(2025, 6, 9)


def test_tet_holidays_are_not_working_days():
    # Tết Ất Tỵ: 29/01/2025; days off 28/01 (eve) to 01/02.
    for day in range(28, 32):
        assert not calendar.is_working_day(dt.date(2025, 1, day))
    # 1/2/2025 is a Saturday: Monday 3/2 is the compensatory day (BLLĐ 2019 Điều 111(3)).
    assert calendar.add_working_days(dt.date(2025, 1, 24), 1) == dt.date(2025, 1, 27)
    assert calendar.add_working_days(dt.date(2025, 1, 24), 2) == dt.date(2025, 2, 4)


def test_holiday_on_a_weekend_gives_the_next_working_day_off():
    # Giỗ Tổ 2026 is Sunday 26/4 → Monday 27/4 off; 30/4 Thursday, 1/5 Friday.
    assert not calendar.is_working_day(dt.date(2026, 4, 27))
    assert calendar.is_working_day(dt.date(2026, 4, 28))
    assert not calendar.is_working_day(dt.date(2026, 4, 30))
    assert not calendar.is_working_day(dt.date(2026, 5, 1))


def test_national_day_and_the_day_before():
    assert not calendar.is_working_day(dt.date(2025, 9, 1))
    assert not calendar.is_working_day(dt.date(2025, 9, 2))
    assert calendar.is_working_day(dt.date(2025, 9, 3))


def test_calendar_days_mode():
    assert calendar.add_days(dt.date(2025, 1, 24), 10, working=False) == dt.date(2025, 2, 3)
