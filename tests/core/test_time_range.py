"""The range of times yqctl computes with (issue 18 item 7): 1970–2199 by the date as written, so
that the longest deadline added to any of them, in any zone, stays far inside datetime's range."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from yqctl.core.durations import MAX_SPAN_MINUTES, MAX_WORKDAYS, add_span, end_of_day
from yqctl.core.workdays import WorkCalendar, YearDays
from yqctl.timeutil import FIRST_DAY, LAST_DAY, computable

EAST, WEST = timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))


@pytest.mark.parametrize(
    ("value", "inside"),
    [
        (datetime(1970, 1, 1, tzinfo=EAST), True),  # 1969 in UTC, 1970 as written
        (datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), False),
        (datetime(2199, 12, 31, 23, 59, 59, tzinfo=WEST), True),
        (datetime(2200, 1, 1, tzinfo=UTC), False),
        (datetime(1, 1, 1, tzinfo=EAST), False),  # what overflowed every reader
        (date(2199, 12, 31), True),
        (date(1969, 12, 31), False),
    ],
)
def test_the_range_is_1970_to_2199_by_the_date_as_written(
    value: datetime | date, inside: bool
) -> None:
    assert computable(value) is inside


def test_the_longest_deadline_from_the_last_moment_in_any_zone_cannot_overflow() -> None:
    last = datetime.combine(LAST_DAY, datetime.max.time(), tzinfo=WEST)
    zones = [ZoneInfo("Asia/Shanghai"), ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12")]
    for zone in zones:
        due = add_span(last, MAX_SPAN_MINUTES, zone)
        assert due.year == 2201 and due.astimezone(UTC).year == 2201
    weekdays = {year: YearDays(frozenset(), frozenset()) for year in range(2199, 2203)}
    day = WorkCalendar(weekdays).add_workdays(LAST_DAY, MAX_WORKDAYS)  # Monday to Friday
    assert end_of_day(day, zones[0]).year == 2201


def test_the_first_moment_in_any_zone_converts_without_overflow() -> None:
    first = datetime.combine(FIRST_DAY, datetime.min.time(), tzinfo=EAST)
    assert first.astimezone(WEST).year == 1969 and first.astimezone(UTC).year == 1969
