"""The official Chinese working-day calendar (法定节假日与调休上班日) for ``Nwd`` deadlines.

The ``chinese_calendar`` package knows 2004–2026 only. A repository may add or override whole years
with ``policies/calendar.yaml``; the edge reads that file and passes the validated ``CalendarFile``
in. A year present in the file is taken from the file alone (the office's published schedule wins
over the library); any other year comes from the library; a year known to neither is a clear error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from yqctl.core.durations import MAX_WORKDAYS
from yqctl.core.model import Model
from yqctl.errors import YqError

CALENDAR_FILE = "policies/calendar.yaml"


def _date_or_range(value: Any) -> Any:
    """``2027-10-01..2027-10-07`` → the list of those dates; a single date passes through."""
    if isinstance(value, str) and ".." in value:
        first, _, last = value.partition("..")
        try:
            start, end = date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
        except ValueError:
            raise _range_error(value) from None
        if end < start:
            raise _range_error(value)
        return [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return value


def _range_error(value: str) -> PydanticCustomError:
    return PydanticCustomError(
        "date_range",
        "日期范围 {value} 无效，应写成 2027-10-01..2027-10-07（起日不晚于止日）",
        {"value": repr(value)},
    )


def _flatten(values: Any) -> Any:
    if not isinstance(values, list):
        return values
    flat: list[Any] = []
    for item in values:
        expanded = _date_or_range(item)
        flat.extend(expanded if isinstance(expanded, list) else [expanded])
    return flat


DateList = Annotated[tuple[date, ...], BeforeValidator(_flatten)]


class CalendarYear(Model):
    """One year's official schedule (国务院办公厅关于部分节假日安排的通知)."""

    holidays: DateList = ()  # 放假日期：单日或 起..止 范围（范围内的周末也可列入）
    workdays: DateList = ()  # 调休上班日：周末上班的日期


class CalendarFile(Model):
    """``policies/calendar.yaml``: years the library lacks, or corrections to it."""

    version: Literal[1]
    years: dict[int, CalendarYear] = Field(default_factory=dict)

    @field_validator("years")
    @classmethod
    def _dates_in_their_year(cls, years: dict[int, CalendarYear]) -> dict[int, CalendarYear]:
        for year, days in years.items():
            for name, values in (("holidays", days.holidays), ("workdays", days.workdays)):
                _check_year(year, name, values)
            if clash := sorted(set(days.holidays) & set(days.workdays)):
                raise PydanticCustomError(
                    "calendar_clash",
                    "{year} 年的 {day} 既列为放假又列为上班",
                    {"year": year, "day": clash[0].isoformat()},
                )
        return years


def _check_year(year: int, name: str, values: Iterable[date]) -> None:
    for day in values:
        if day.year != year:
            raise PydanticCustomError(
                "calendar_year",
                "{year} 年的 {name} 中的 {day} 不属于 {year} 年",
                {"year": year, "name": name, "day": day.isoformat()},
            )


@dataclass(frozen=True)
class YearDays:
    """A year's exceptions to Monday–Friday, as sets for fast lookup."""

    holidays: frozenset[date]
    workdays: frozenset[date]


@dataclass(frozen=True)
class WorkCalendar:
    """Is a day a working day? The calendar file's years first, then ``chinese_calendar``."""

    years: Mapping[int, YearDays] = field(default_factory=dict)

    @classmethod
    def from_file(cls, data: CalendarFile | None) -> WorkCalendar:
        if data is None:
            return cls()
        return cls(
            {
                year: YearDays(frozenset(days.holidays), frozenset(days.workdays))
                for year, days in data.years.items()
            }
        )

    def is_workday(self, day: date) -> bool:
        known = self.years.get(day.year)
        if known is not None:
            return day in known.workdays or (day.weekday() < 5 and day not in known.holidays)
        try:
            import chinese_calendar  # its tables load only when a day is not in the calendar file

            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise YqError(missing_year_message(day.year)) from None

    def add_workdays(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
        if count < 1 or count > MAX_WORKDAYS:
            raise ValueError(f"工作日数 {count} 应在 1–{MAX_WORKDAYS} 之间")
        found = 0
        while found < count:
            day += timedelta(days=1)
            found += self.is_workday(day)
        return day


def library_years() -> tuple[int, int]:
    """The first and last year the installed ``chinese_calendar`` knows (2004–2026 in 1.11)."""
    import chinese_calendar

    years = {day.year for day in chinese_calendar.constants.holidays}
    return min(years), max(years)


def missing_year_message(year: int) -> str:
    first, last = library_years()
    return (
        f"缺少 {year} 年的法定节假日和调休数据：内置日历（chinese_calendar）只含 {first}–{last} 年，"
        f"请在 {CALENDAR_FILE} 的 years 下补充 {year} 年的 holidays 和 workdays"
        f"（依据国务院办公厅当年的节假日安排通知）"
    )
