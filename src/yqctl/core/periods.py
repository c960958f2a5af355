"""Reporting periods (日报 / 周报 / 月报): a half-open span of local time with its official name.

Weeks are ISO weeks (Monday to Sunday), as ``--week 2026-W47`` names them. Nothing here reads the
clock: the default period is the one containing the ``now`` the caller passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from yqctl.errors import UsageError
from yqctl.timeutil import FIRST_DAY, LAST_DAY, RANGE_TEXT


class PeriodKind(StrEnum):
    daily = "daily"  # 日报
    weekly = "weekly"  # 周报
    monthly = "monthly"  # 月报
    custom = "custom"  # `stats --since/--until`


REPORT_TITLES = {
    PeriodKind.daily: "舆情日报",
    PeriodKind.weekly: "舆情周报",
    PeriodKind.monthly: "舆情月报",
    PeriodKind.custom: "舆情统计",
}


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in the repository's zone."""

    kind: PeriodKind
    start: datetime
    end: datetime
    key: str  # 2026-11-24 / 2026-W47 / 2026-11: used in file names and JSON

    @property
    def title(self) -> str:
        return REPORT_TITLES[self.kind]

    @property
    def label(self) -> str:
        """The period as an official document names it, e.g. 2026年第47周（11月16日—11月22日）."""
        first, last = self.start.date(), (self.end - timedelta(seconds=1)).date()
        if self.kind is PeriodKind.daily:
            return _cn_date(first)
        if self.kind is PeriodKind.monthly:
            return f"{first.year}年{first.month}月"
        span = f"{_cn_date(first)}—{_cn_date(last)}"
        if self.kind is PeriodKind.weekly:
            iso_year, week, _ = first.isocalendar()
            return f"{iso_year}年第{week}周（{span}）"
        return span

    def days(self) -> list[date]:
        """Every calendar day of the period, in order."""
        first, last = self.start.date(), (self.end - timedelta(seconds=1)).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def as_of(self, now: datetime) -> datetime:
        """The moment the report speaks for: the period's end, or ``now`` if it has not ended."""
        return min(now, self.end)

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "key": self.key,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def day_period(day: date, zone: tzinfo) -> Period:
    start = _midnight(day, zone)
    return Period(
        PeriodKind.daily, start, _midnight(day + timedelta(days=1), zone), day.isoformat()
    )


def week_period(iso_year: int, week: int, zone: tzinfo) -> Period:
    monday = date.fromisocalendar(iso_year, week, 1)
    return Period(
        PeriodKind.weekly,
        _midnight(monday, zone),
        _midnight(monday + timedelta(days=7), zone),
        f"{iso_year}-W{week:02d}",
    )


def month_period(year: int, month: int, zone: tzinfo) -> Period:
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(
        PeriodKind.monthly,
        _midnight(date(year, month, 1), zone),
        _midnight(following, zone),
        f"{year}-{month:02d}",
    )


def custom_period(first: date, last: date, zone: tzinfo) -> Period:
    """From the start of ``first`` to the end of ``last`` (both days included)."""
    if last < first:
        raise UsageError(f"结束日期 {last} 早于开始日期 {first}")
    return Period(
        PeriodKind.custom,
        _midnight(first, zone),
        _midnight(last + timedelta(days=1), zone),
        f"{first.isoformat()}..{last.isoformat()}",
    )


# ---- what users type ----------------------------------------------------------------------------

_WEEK_RE = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)  # both matched whole
_MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})")


def parse_day(text: str, *, flag: str = "--date") -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{flag} {text!r} 无法识别，请写成 2026-11-24") from None
    _in_range(day.year, flag, text)
    return day


def _in_range(year: int, flag: str, text: str) -> None:
    """A period's year, refused out of the range yqctl computes with (``timeutil.computable``)."""
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise UsageError(f"{flag} {text!r} {RANGE_TEXT}")


def parse_week(text: str, zone: tzinfo) -> Period:
    match = _WEEK_RE.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"--week {text!r} 无法识别，请写成 ISO 周，如 2026-W47")
    year, week = int(match[1]), int(match[2])
    _in_range(year, "--week", text)
    try:
        return week_period(year, week, zone)
    except ValueError:
        raise UsageError(f"--week {text!r}：{year} 年没有第 {week} 周") from None


def parse_month(text: str, zone: tzinfo) -> Period:
    match = _MONTH_RE.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise UsageError(f"--month {text!r} 无法识别，请写成 2026-11")
    _in_range(int(match[1]), "--month", text)
    return month_period(int(match[1]), int(match[2]), zone)


def period_containing(kind: PeriodKind, now: datetime, zone: tzinfo) -> Period:
    """The daily/weekly/monthly period that ``now`` falls in (the default of `yqctl report`)."""
    today = now.astimezone(zone).date()
    if kind is PeriodKind.daily:
        return day_period(today, zone)
    if kind is PeriodKind.weekly:
        iso_year, week, _ = today.isocalendar()
        return week_period(iso_year, week, zone)
    if kind is PeriodKind.monthly:
        return month_period(today.year, today.month, zone)
    raise ValueError(kind)


def choose_period(
    default: PeriodKind,
    now: datetime,
    zone: tzinfo,
    *,
    day: str | None = None,
    week: str | None = None,
    month: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Period:
    """The period the flags name (at most one of them), else the ``default`` kind containing now.

    ``--since`` alone runs to today; ``--until`` alone starts on the first of its month.
    """
    given = [
        flag for flag, value in (("--date", day), ("--week", week), ("--month", month)) if value
    ]
    given += ["--since/--until"] if since or until else []
    if len(given) > 1:
        raise UsageError(f"{'、'.join(given)} 只能选一个")
    if day:
        return day_period(parse_day(day), zone)
    if week:
        return parse_week(week, zone)
    if month:
        return parse_month(month, zone)
    if since or until:
        today = now.astimezone(zone).date()
        last = parse_day(until, flag="--until") if until else today
        first = parse_day(since, flag="--since") if since else last.replace(day=1)
        return custom_period(first, last, zone)
    return period_containing(default, now, zone)
