"""What yqctl tells the office's group chats and mailboxes (no I/O: the edge sends it).

Two occasions: ``grade --notify`` (a case was graded: its level, whom the policy says to inform,
and the deadlines that now run) and ``due --notify`` (deadlines that are overdue or about to be).
A busy office runs ``due --notify`` from cron every few minutes, so a deadline is announced once
per state it reaches (due soon, then overdue), not every time. A confidential case (涉密/敏感)
is named by its id only: group chats are read on phones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from yqctl.core.due import STATUS_LABELS, DeadlineStatus, DueItem
from yqctl.core.durations import minutes_label

ANNOUNCED = (DeadlineStatus.overdue, DeadlineStatus.due_soon)  # what due --notify reports
MAX_LINES = 30  # a group robot truncates long messages: the rest is counted, not listed


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    urgent: bool = False  # overdue deadlines, a level 1 case: sent as a warning

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "body": self.body, "urgent": self.urgent}


def case_name(case_id: str, title: str, confidential: bool) -> str:
    return f"{case_id}（涉密案件）" if confidential else f"{case_id} {title}"


def announce_key(item: DueItem) -> str:
    assert item.state is not None
    return f"{item.case_id}/{item.state.deadline.key}"


def to_announce(
    items: Iterable[DueItem], announced: Mapping[str, str]
) -> tuple[list[DueItem], dict[str, str]]:
    """The items whose state has not been announced yet, and what is announced afterwards
    (only the deadlines still overdue or due soon: one that was met is forgotten)."""
    fresh: list[DueItem] = []
    state: dict[str, str] = {}
    for item in items:
        if item.state is None or item.state.status not in ANNOUNCED:
            continue
        key, status = announce_key(item), item.state.status.value
        state[key] = status
        if announced.get(key) != status:
            fresh.append(item)
    return fresh, state


def due_message(
    items: list[DueItem], now: datetime, confidential: set[str], institution: str
) -> Message | None:
    """The overdue and due-soon deadlines among ``items`` (None: nothing to say)."""
    lines: list[str] = []
    overdue = [i for i in items if i.state and i.state.status is DeadlineStatus.overdue]
    soon = [i for i in items if i.state and i.state.status is DeadlineStatus.due_soon]
    for item in [*overdue, *soon][:MAX_LINES]:
        lines.append(_due_line(item, now, item.case_id in confidential))
    hidden = len(overdue) + len(soon) - MAX_LINES
    if hidden > 0:
        lines.append(f"……另有 {hidden} 项，运行 yqctl due 查看")
    if not lines:
        return None
    counts = [
        f"{len(overdue)} 项已超时" if overdue else "",
        f"{len(soon)} 项即将到期" if soon else "",
    ]
    title = f"{institution} 舆情处置时限提醒：" + "，".join(c for c in counts if c)
    return Message(title, "\n".join(lines), urgent=bool(overdue))


def _due_line(item: DueItem, now: datetime, hidden: bool) -> str:
    assert item.state is not None
    state, deadline = item.state, item.state.deadline
    when = ""
    if state.overdue_by_minutes:
        when = f"，已超时 {minutes_label(state.overdue_by_minutes)}"
    elif deadline.due is not None:
        left = max(0, int((deadline.due - now).total_seconds() // 60))
        when = f"，还剩 {minutes_label(left)}"
    return (
        f"【{STATUS_LABELS[state.status]}】{deadline.title}（{deadline.clause}）{when}："
        f"{case_name(item.case_id, item.title, hidden)}；{item.level_name}，{item.unit}"
    )


@dataclass(frozen=True)
class GradedCase:
    """What ``grade --notify`` says about one case."""

    case_id: str
    title: str
    confidential: bool
    level_name: str
    major: bool
    unit: str
    contacts: list[str]  # 职务 姓名 电话, as org.yaml has them
    deadlines: list[str]  # 事项（条款）截止时间


def grade_message(graded: GradedCase, institution: str) -> Message:
    major = "，重大舆情" if graded.major else ""
    title = f"{institution} 舆情定级：{graded.level_name}{major}"
    lines = [
        f"案件：{case_name(graded.case_id, graded.title, graded.confidential)}",
        f"涉事单位：{graded.unit}",
        "应通知：" + ("；".join(graded.contacts) or "（策略未规定）"),
    ]
    if graded.deadlines:
        lines.append("处置时限：")
        lines += [f"  {line}" for line in graded.deadlines]
    urgent = graded.major or graded.level_name.startswith("一")
    return Message(title, "\n".join(lines), urgent=urgent)
