"""Durations (2h, immediate, end_of_day, 3wd, until_done) and the official working-day calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from tests.core.policy_helpers import CALENDAR, ZONE, load_yaml, t
from yqctl.core.durations import (
    Duration,
    DurationError,
    DurationKind,
    due_at,
    parse_duration,
    parse_span,
)
from yqctl.core.workdays import CalendarFile, WorkCalendar
from yqctl.errors import UsageError, YqError

IMMEDIATE = parse_duration("30m")


@pytest.mark.parametrize(
    ("text", "kind", "amount", "label"),
    [
        ("2h", DurationKind.fixed, 120, "2小时"),
        ("48h", DurationKind.fixed, 2880, "48小时"),
        ("90m", DurationKind.fixed, 90, "1小时30分钟"),
        ("1h30m", DurationKind.fixed, 90, "1小时30分钟"),
        ("immediate", DurationKind.immediate, 0, "立即（30分钟）"),
        ("end_of_day", DurationKind.end_of_day, 0, "当日内"),
        ("3wd", DurationKind.workdays, 3, "3个工作日"),
        ("until_done", DurationKind.until_done, 0, "无固定时限（办结前）"),
    ],
)
def test_spellings(text: str, kind: DurationKind, amount: int, label: str) -> None:
    duration = parse_duration(text)
    assert (duration.kind, duration.amount, str(duration)) == (kind, amount, text)
    assert duration.label(IMMEDIATE) == label


@pytest.mark.parametrize(
    "text", ["", "2", "2 h", "2d", "0h", "0wd", "400wd", "h", "soon", "-1h", 2, None]
)
def test_bad_spellings_are_refused_in_chinese(text: object) -> None:
    with pytest.raises(DurationError, match="时限"):
        parse_duration(text)


def test_parse_span_for_the_cli() -> None:
    assert parse_span("2h") == timedelta(hours=2)
    with pytest.raises(UsageError, match="固定时长"):
        parse_span("end_of_day")


START = t("2026-11-24T09:30:00+08:00")


@pytest.mark.parametrize(
    ("within", "expected"),
    [
        ("2h", "2026-11-24T11:30:00+08:00"),
        ("48h", "2026-11-26T09:30:00+08:00"),
        ("90m", "2026-11-24T11:00:00+08:00"),
        ("immediate", "2026-11-24T10:00:00+08:00"),
        ("end_of_day", "2026-11-24T23:59:59+08:00"),
        ("3wd", "2026-11-27T23:59:59+08:00"),  # Tue → Wed, Thu, Fri
        ("until_done", None),
    ],
)
def test_due_at(within: str, expected: str | None) -> None:
    due = due_at(START, parse_duration(within), immediate=IMMEDIATE, calendar=CALENDAR, zone=ZONE)
    assert due == (t(expected) if expected else None)


def test_fixed_spans_are_absolute_time_across_daylight_saving() -> None:
    # 2026-03-08 02:00 is when New York springs forward: 2h after 01:00 EST is 04:00 EDT.
    york = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 8, 1, 0, tzinfo=york)
    due = due_at(start, parse_duration("2h"), immediate=IMMEDIATE, calendar=CALENDAR, zone=york)
    # (subtracting two times of one tzinfo is wall-clock arithmetic too: compare in UTC)
    assert due is not None and due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=2)
    assert due.isoformat() == "2026-03-08T04:00:00-04:00"


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="时区"):
        due_at(
            datetime(2026, 11, 24, 9, 30),
            Duration(DurationKind.fixed, 60, "1h"),
            immediate=IMMEDIATE,
            calendar=CALENDAR,
            zone=ZONE,
        )


# ---- working days on the official calendar (chinese_calendar 2026 data) ------------------------


@pytest.mark.parametrize(
    ("start", "count", "expected", "why"),
    [
        # 国庆 2026: 10-01..10-07 off; Saturday 10-10 is an adjusted working day (调休上班).
        ("2026-09-30T10:00:00+08:00", 3, "2026-10-10", "holiday skipped, Saturday 10-10 works"),
        ("2026-09-30T10:00:00+08:00", 1, "2026-10-08", "first working day after the holiday"),
        # Sunday 2026-09-20 is an adjusted working day; Saturday 09-19 is not.
        ("2026-09-18T16:00:00+08:00", 1, "2026-09-20", "Sunday 09-20 works"),
        ("2026-09-18T16:00:00+08:00", 2, "2026-09-21", "then Monday"),
        # 中秋 2026-09-25..27 off, Friday included
        ("2026-09-24T09:00:00+08:00", 1, "2026-09-28", "Friday 09-25 is a holiday"),
        # an ordinary week
        ("2026-11-27T09:00:00+08:00", 1, "2026-11-30", "Friday → Monday"),
    ],
)
def test_working_days_on_the_official_calendar(
    start: str, count: int, expected: str, why: str
) -> None:
    due = due_at(
        t(start), parse_duration(f"{count}wd"), immediate=IMMEDIATE, calendar=CALENDAR, zone=ZONE
    )
    assert due == t(f"{expected}T23:59:59+08:00"), why


def test_library_data_for_the_adjusted_days() -> None:
    assert CALENDAR.is_workday(date(2026, 10, 10)) and CALENDAR.is_workday(date(2026, 9, 20))
    assert not CALENDAR.is_workday(date(2026, 10, 5)) and not CALENDAR.is_workday(date(2026, 9, 19))


CALENDAR_2027 = {
    "version": 1,
    "years": {
        2027: {
            "holidays": ["2027-10-01..2027-10-07", date(2027, 1, 1)],
            "workdays": ["2027-10-09"],
        }
    },
}


def test_a_year_missing_from_the_library_comes_from_the_calendar_file() -> None:
    calendar = WorkCalendar.from_file(CalendarFile.model_validate(CALENDAR_2027))
    # Thu 2027-09-30 + 3wd: 10-01..07 off, Fri 10-08, Sat 10-09 (adjusted), Mon 10-11
    due = due_at(
        t("2027-09-30T10:00:00+08:00"),
        parse_duration("3wd"),
        immediate=IMMEDIATE,
        calendar=calendar,
        zone=ZONE,
    )
    assert due == t("2027-10-11T23:59:59+08:00")
    assert not calendar.is_workday(date(2027, 1, 1)) and calendar.is_workday(date(2027, 1, 4))


def test_without_the_file_2027_is_a_clear_error() -> None:
    with pytest.raises(YqError, match=r"缺少 2027 年.*2004–2026.*policies/calendar.yaml"):
        CALENDAR.add_workdays(date(2026, 12, 31), 1)  # crosses into 2027


def test_a_year_known_nowhere_is_named() -> None:
    calendar = WorkCalendar.from_file(CalendarFile.model_validate(CALENDAR_2027))
    with pytest.raises(YqError, match="缺少 2030 年"):
        calendar.is_workday(date(2030, 5, 6))


def test_the_file_overrides_a_library_year() -> None:
    data = {"version": 1, "years": {2026: {"holidays": ["2026-11-25"]}}}
    calendar = WorkCalendar.from_file(CalendarFile.model_validate(data))
    assert not calendar.is_workday(date(2026, 11, 25))  # the office's own day off
    assert not calendar.is_workday(date(2026, 10, 10))  # the whole year is the file's now


def test_the_shipped_example_calendar_is_valid() -> None:
    example = CalendarFile.model_validate(load_yaml("calendar.example.yaml"))
    assert date(2027, 10, 7) in example.years[2027].holidays
    assert all(day.weekday() >= 5 for day in example.years[2027].workdays)


@pytest.mark.parametrize(
    ("years", "loc", "message"),
    [
        ({2027: {"holidays": ["2028-01-01"]}}, ("years",), "不属于 2027 年"),
        (
            {2027: {"holidays": ["2027-10-01"], "workdays": ["2027-10-01"]}},
            ("years",),
            "既列为放假",
        ),
        ({2027: {"holidays": ["2027-10-07..2027-10-01"]}}, ("years", 2027, "holidays"), "日期范围"),
        ({2027: {"holidays": ["2027-13-01"]}}, ("years", 2027, "holidays", 0), ""),
        ({2027: {"vacations": []}}, ("years", 2027, "vacations"), ""),
    ],
)
def test_calendar_file_errors(years: object, loc: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CalendarFile.model_validate({"version": 1, "years": years})
    error = caught.value.errors()[0]
    assert error["loc"] == loc
    assert message in error["msg"]
