"""The append-only timeline (时间线): what was done, when, by whom (a unit or role)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from yqctl.core.case import Case
from yqctl.core.enums import Action, Status, label

FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of two laptops disagree a little


def entry(
    action: Action, at: datetime, recorded_at: datetime, by: str | None, text: str | None
) -> dict[str, Any]:
    """A new timeline entry as it is written to the file (keys in contract order)."""
    item: dict[str, Any] = {"at": at, "recorded_at": recorded_at, "action": action.value}
    if by:
        item["by"] = by
    if text:
        item["text"] = text
    return item


def refusal(case: Case, action: Action, at: datetime, now: datetime) -> str | None:
    """Why this entry may not be appended, in Chinese, or None when it may."""
    if at > now + FUTURE_TOLERANCE:
        return f"时间 {at.isoformat()} 晚于当前时间 {now.isoformat()}：时间线只记录已发生的事"
    if case.status is Status.closed and action is not Action.note:
        return (
            f"案件 {case.id} 已办结（closed），不能再记录“{label(action)}”；"
            "如需补充说明，请记录 note（备注）"
        )
    return None
