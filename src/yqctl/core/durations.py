"""Deadline durations (时限) of a policy and the arithmetic that turns them into due times.

Spellings in a policy file:

- ``2h``, ``48h``, ``90m``, ``1h30m``: a fixed span (小时/分钟), counted in absolute time;
- ``immediate``: 第一时间/马上 — the policy's own ``immediate`` span (30m in both seed policies), so
  that "immediately" can be met and missed;
- ``end_of_day``: 当日内 — 23:59:59 of the start day in the repository's zone;
- ``3wd``: N 个工作日 — the end (23:59:59) of the N-th working day after the start day, on the
  official calendar with its adjusted working weekends (the start day itself is not counted);
- ``until_done``: no fixed time (无固定时限) — open until an action closes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from yqctl.errors import UsageError

if TYPE_CHECKING:
    from yqctl.core.workdays import WorkCalendar

END_OF_DAY = time(23, 59, 59)  # 当日内: the last second of the day, as the seed's "发现当日内"

_FIXED_RE = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?")  # matched whole: "2h\n" is not a duration
_WORKDAYS_RE = re.compile(r"(\d+)wd")
SPELLINGS = "2h、48h、90m、1h30m、immediate、end_of_day、3wd、until_done"
MAX_WORKDAYS = 366  # a guard: no policy counts a year of working days, and a bad file must not hang
# and no fixed span is longer: a due time then stays as far within datetime's range as the case's
# own times (timeutil.computable), where 99999999h overflowed for every case
MAX_SPAN_MINUTES = MAX_WORKDAYS * 24 * 60


class DurationKind(StrEnum):
    """How a deadline's due time is found."""

    fixed = "fixed"  # 固定时长（小时/分钟）
    immediate = "immediate"  # 第一时间（按策略的 immediate）
    end_of_day = "end_of_day"  # 当日内
    workdays = "workdays"  # N 个工作日
    until_done = "until_done"  # 无固定时限，办结前


@dataclass(frozen=True)
class Duration:
    """A parsed duration; ``amount`` is minutes for ``fixed``, days for ``workdays``, else 0."""

    kind: DurationKind
    amount: int = 0
    text: str = ""

    def __str__(self) -> str:
        return self.text

    @property
    def minutes(self) -> int:
        """Minutes of a fixed duration (0 for other kinds)."""
        return self.amount if self.kind is DurationKind.fixed else 0

    def label(self, immediate: Duration | None = None) -> str:
        """Chinese wording for tables and messages, e.g. ``2小时``, ``立即（30分钟）``, ``3个工作日``."""
        if self.kind is DurationKind.fixed:
            return minutes_label(self.amount)
        if self.kind is DurationKind.immediate:
            return f"立即（{minutes_label(immediate.amount)}）" if immediate else "立即"
        if self.kind is DurationKind.end_of_day:
            return "当日内"
        if self.kind is DurationKind.workdays:
            return f"{self.amount}个工作日"
        return "无固定时限（办结前）"


def minutes_label(minutes: int) -> str:
    """``90`` → ``1小时30分钟``; ``120`` → ``2小时``; ``30`` → ``30分钟``."""
    hours, rest = divmod(minutes, 60)
    parts = ([f"{hours}小时"] if hours else []) + ([f"{rest}分钟"] if rest else [])
    return "".join(parts) or "0分钟"


class DurationError(ValueError):
    """A duration that can't be read, with its Chinese message; ``kind`` names the error for
    pydantic (the policy model turns it into a located validation error)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _bad(text: object, why: str = "") -> DurationError:
    return DurationError("duration", f"时限 {text!r} 无法识别{why}；可写：{SPELLINGS}")


def parse_duration(text: object) -> Duration:
    """Parse a policy's duration spelling; raises a Chinese :class:`DurationError` otherwise."""
    if isinstance(text, Duration):
        return text
    if not isinstance(text, str):
        raise _bad(text, "（应为字符串）")
    if text in {"immediate", "end_of_day", "until_done"}:
        return Duration(DurationKind(text), 0, text)
    if match := _WORKDAYS_RE.fullmatch(text):
        if int(match[1]) > MAX_WORKDAYS:
            raise _bad(text, f"（工作日数不能超过 {MAX_WORKDAYS}）")
        return _positive(Duration(DurationKind.workdays, int(match[1]), text))
    match = _FIXED_RE.fullmatch(text)
    if text and match:
        minutes = int(match[1] or 0) * 60 + int(match[2] or 0)
        if minutes > MAX_SPAN_MINUTES:
            raise _bad(text, f"（固定时长不能超过 {MAX_WORKDAYS} 天）")
        return _positive(Duration(DurationKind.fixed, minutes, text))
    raise _bad(text)


def _positive(duration: Duration) -> Duration:
    # A zero-length deadline could never be met on time: refuse it rather than report it overdue.
    if duration.amount <= 0:
        raise _bad(duration.text, "（须大于 0）")
    return duration


def parse_fixed(text: object) -> Duration:
    """A duration that must be a fixed span (the policy's ``immediate``, ``follow_up_every``)."""
    duration = parse_duration(text)
    if duration.kind is not DurationKind.fixed:
        raise DurationError(
            "duration_fixed", f"此处须为固定时长（如 30m、4h），不能是 {duration.text!r}"
        )
    return duration


def add_span(start: datetime, minutes: int, zone: ZoneInfo) -> datetime:
    """``start`` + ``minutes`` in absolute time, shown in ``zone``.

    Aware-datetime + timedelta is wall-clock arithmetic in Python; going through UTC keeps a span
    exact even in a zone with daylight saving time.
    """
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=zone)


def due_at(
    start: datetime,
    within: Duration,
    *,
    immediate: Duration,
    calendar: WorkCalendar,
    zone: ZoneInfo,
) -> datetime | None:
    """When a deadline of ``within`` counted from ``start`` falls due; None for ``until_done``."""
    _require_aware(start)
    if within.kind is DurationKind.fixed:
        return add_span(start, within.amount, zone)
    if within.kind is DurationKind.immediate:
        return add_span(start, immediate.amount, zone)
    local_day = start.astimezone(zone).date()  # "the day" is the repository's calendar day
    if within.kind is DurationKind.end_of_day:
        return end_of_day(local_day, zone)
    if within.kind is DurationKind.workdays:
        return end_of_day(calendar.add_workdays(local_day, within.amount), zone)
    return None


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"时间 {moment.isoformat()} 缺少时区")


def parse_span(text: str) -> timedelta:
    """A CLI-style span such as ``2h`` or ``90m`` (for ``--within``); UsageError otherwise."""
    try:
        return timedelta(minutes=parse_fixed(text).amount)
    except DurationError as error:
        raise UsageError(error.message) from None
