"""Jinja filters for Chinese official documents (公文): dates, blanks to fill in by hand, tables."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

BLANK = "＿"  # full-width low line: a blank on a printed form, filled in by hand


def finalize(value: Any) -> Any:
    """What ``{{ x }}`` prints: a form must never say "None"."""
    return "" if value is None else value


def cn_date(value: date | datetime | str | None) -> str:
    """``2026年11月4日``: months and days without a leading zero, as GB/T 9704 writes dates."""
    if value is None or value == "":
        return ""
    day = _as_date_or_datetime(value, "cn_date")
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(value: datetime | str | None) -> str:
    """``2026年11月24日 09:30`` in the zone the time already carries (no conversion, no clock)."""
    if value is None or value == "":
        return ""
    moment = _as_date_or_datetime(value, "cn_datetime")
    if not isinstance(moment, datetime):
        raise TypeError(f"cn_datetime 需要日期和时间，得到的只有日期 {moment.isoformat()}")
    return f"{cn_date(moment)} {moment:%H:%M}"


def blank(value: Any, width: int = 8) -> Any:
    """An empty value becomes a run of ``＿`` to fill in by hand; anything else is kept."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANK * width
    return value


def md_cell(value: Any) -> str:
    """A value that stays inside one Markdown table cell: ``|`` escaped, line breaks as ``<br>``."""
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _as_date_or_datetime(value: object, name: str) -> date:
    if isinstance(value, date):  # datetime is a date too
        return value
    if isinstance(value, str):
        parse = date.fromisoformat if len(value) == 10 else datetime.fromisoformat
        with contextlib.suppress(ValueError):
            return parse(value)
    raise TypeError(f"{name} 需要日期或时间，得到 {type(value).__name__} {value!r}")


FILTERS: dict[str, Callable[..., Any]] = {
    "cn_date": cn_date,
    "cn_datetime": cn_datetime,
    "blank": blank,
    "md_cell": md_cell,
}
