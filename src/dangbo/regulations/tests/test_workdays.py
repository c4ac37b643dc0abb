"""Working days: the Vietnamese calendar of the holidays library plus the days a committee adds."""

import datetime as dt

import pytest

from dangbo.organizations.tests.factories import bloc, dang_bo
from dangbo.regulations.models import CalendarDay
from dangbo.regulations.workdays import (
    WorkCalendar,
    add_working_days,
    vietnam_calendar,
    work_calendar,
    working_days_between,
)

D = dt.date


def test_plain_week_counts_weekdays_only():
    cal = WorkCalendar()
    # Friday 06/03/2026 + 1 working day is Monday 09/03/2026.
    assert add_working_days(D(2026, 3, 6), 1, cal) == D(2026, 3, 9)
    assert add_working_days(D(2026, 3, 6), 0, cal) == D(2026, 3, 6)
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 9), cal) == 1
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 6), cal) == -1


def test_tet_2026_is_skipped():
    cal = vietnam_calendar([2026])
    # Tết Bính Ngọ: 16–20/02/2026 are days off (the library's Vietnamese calendar).
    for day in (D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 20)):
        assert not cal.is_working_day(day)
    assert cal.name_of(D(2026, 2, 17)) == "Tết Nguyên Đán"
    # Friday 13/02 + 1 working day: the next working day is Monday 23/02.
    assert add_working_days(D(2026, 2, 13), 1, cal) == D(2026, 2, 23)


def test_a_swapped_saturday_is_a_working_day():
    cal = vietnam_calendar([2025])
    # 02/05/2025 was given off in exchange for working Saturday 26/04/2025.
    assert cal.is_working_day(D(2025, 4, 26))
    assert not cal.is_working_day(D(2025, 5, 2))


def test_thirty_working_days_across_the_september_holiday():
    cal = vietnam_calendar([2025])
    # From Friday 29/08/2025: 01/09 and 02/09 are off; 3, 4, 5/09 are the first three; the 30th working day is 14/10/2025.
    assert add_working_days(D(2025, 8, 29), 30, cal) == D(2025, 10, 14)
    assert working_days_between(D(2025, 8, 29), D(2025, 10, 14), cal) == 30
    assert working_days_between(D(2025, 8, 29), D(2025, 10, 13), cal) == 29


@pytest.mark.django_db
def test_days_a_committee_adds_apply_to_its_subtree_only():
    top = bloc(code="TOP")
    a = dang_bo(top, code="A")
    b = dang_bo(top, code="B")
    CalendarDay.objects.create(day=D(2026, 3, 10), name="Nghỉ bầu cử", organization=a)
    CalendarDay.objects.create(day=D(2026, 3, 11), name="Nghỉ toàn hệ thống")
    cal_a = work_calendar(a, years=[2026])
    cal_b = work_calendar(b, years=[2026])
    assert not cal_a.is_working_day(D(2026, 3, 10))
    assert cal_b.is_working_day(D(2026, 3, 10))
    assert not cal_b.is_working_day(D(2026, 3, 11))


@pytest.mark.django_db
def test_a_library_holiday_can_be_made_a_working_day():
    # Ngày Văn hóa Việt Nam (24/11) is listed by the library; a committee that has
    # not received the decree making it a day off can record it as a working day.
    assert not work_calendar(None, years=[2026]).is_working_day(D(2026, 11, 24))
    CalendarDay.objects.create(day=D(2026, 11, 24), name="Chưa áp dụng", is_working_day=True)
    assert work_calendar(None, years=[2026]).is_working_day(D(2026, 11, 24))


def test_a_limit_counted_again_on_the_same_calendar_is_remembered_for_that_calendar_only():
    plain = vietnam_calendar([2026])
    off = vietnam_calendar([2026], extra=[(D(2026, 3, 10), False, "Nghỉ riêng")])
    assert add_working_days(D(2026, 3, 9), 1, plain) == D(2026, 3, 10)
    assert add_working_days(D(2026, 3, 9), 1, off) == D(2026, 3, 11)
    assert plain.__dict__["_added"] == {(D(2026, 3, 9), 1): D(2026, 3, 10)}
    assert add_working_days(D(2026, 3, 9), 1, plain) == D(2026, 3, 10)
    assert add_working_days(D(2026, 3, 9), 1, off) == D(2026, 3, 11)
    assert plain == vietnam_calendar([2026])  # what is remembered is not part of the calendar
