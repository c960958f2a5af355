"""``yqctl due --ics FILE``: the open deadlines as an iCalendar file, for phones and Outlook.

One event per deadline that has a due time, at that time, with a reminder 30 minutes before.
Each event's UID is the case id and deadline key, so importing a newer file updates the events
instead of adding copies. A confidential case (涉密/敏感) shows only its id: a calendar ends up
on phones and in mail servers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from yqctl.core.due import STATUS_LABELS, DueItem

REMIND_BEFORE = timedelta(minutes=30)
LENGTH = timedelta(minutes=15)  # an event needs some length for calendars to show it
PRODUCT = "-//yqctl//舆情处置时限//ZH"


def calendar_bytes(
    items: Iterable[DueItem], now: datetime, confidential: set[str], *, name: str
) -> bytes:
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for item in items:
        state = item.state
        if state is None or state.deadline.due is None or state.is_met:
            continue  # 待定级 and "until done" deadlines have no time to put in a calendar
        deadline, due = state.deadline, state.deadline.due
        hidden = item.case_id in confidential
        title = f"涉密案件 {item.case_id}" if hidden else item.title
        event = Event()
        event.add("uid", f"{item.case_id}-{deadline.key}@yqctl")
        event.add("dtstamp", now)
        event.add("dtstart", due)
        event.add("dtend", due + LENGTH)
        event.add("summary", f"【{STATUS_LABELS[state.status]}】{deadline.title}｜{title}")
        event.add("description", _description(item, hidden))
        event.add("categories", [item.level_name])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"处置时限将到：{deadline.title}")
        alarm.add("trigger", -REMIND_BEFORE)
        event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()  # VTIMEZONE for every TZID: Outlook needs them
    data: bytes = calendar.to_ical()
    return data


def _description(item: DueItem, hidden: bool) -> str:
    assert item.state is not None
    deadline = item.state.deadline
    lines = [
        f"案件：{item.case_id}" + ("" if hidden else f" {item.title}"),
        f"级别：{item.level_name}；涉事单位：{item.unit}",
        f"事项：{deadline.title}（{deadline.clause}）",
        "完成后记录："
        + " 或 ".join(f"yqctl act {item.case_id} {a.value}" for a in deadline.closed_by),
    ]
    return "\n".join(lines)
