"""What is due at ``now``: a deadline's status, and the rows of ``yqctl due``, most urgent first.

Kept apart from the deadline engine (``deadlines.py``) so that ``due`` can hold the entries the case
index remembers against the clock without building the case and policy models.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from yqctl.core.durations import Duration, DurationKind
from yqctl.core.enums import Action, StartPoint

DEFAULT_DUE_SOON = timedelta(hours=2)  # “即将到期”的默认窗口
UNGRADED_KEY = "grade"  # the 待定级 entries of `due`


class DeadlineStatus(StrEnum):
    met = "met"  # 按时完成
    met_late = "met_late"  # 逾期完成
    overdue = "overdue"  # 已超时
    due_soon = "due_soon"  # 即将到期
    open = "open"  # 未完成


STATUS_LABELS = {
    DeadlineStatus.met: "按时完成",
    DeadlineStatus.met_late: "逾期完成",
    DeadlineStatus.overdue: "已超时",
    DeadlineStatus.due_soon: "即将到期",
    DeadlineStatus.open: "未完成",
}


@dataclass(frozen=True)
class Deadline:
    """One deadline of one case; times are in the repository's zone."""

    key: str
    title: str
    clause: str
    start: datetime  # 起算时间
    start_from: StartPoint
    due: datetime | None  # None: until_done (无固定时限)
    within: Duration
    closed_by: tuple[Action, ...]
    recurring: bool = False  # the 续报 deadline: due ``within`` after the latest follow_up
    owner: str = ""  # 责任方: the unit or body charged with it (后勤处, 领导小组组长 …)
    owner_key: str = "unit"  # as the policy names it: unit / units.<name> / a role key
    start_label: str = ""  # what started the clock: 发现 / 定为二级 / 认定为重大舆情 / 上次续报
    met_from: datetime | None = None  # an action from here on meets it (None: from ``start``)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "clause": self.clause,
            "start": self.start.isoformat(),
            "start_from": self.start_from.value,
            "start_label": self.start_label,
            "due": self.due.isoformat() if self.due else None,
            "within": str(self.within),
            "closed_by": [action.value for action in self.closed_by],
            "owner": self.owner_json(),
        }

    def owner_json(self) -> dict[str, str]:
        return {"key": self.owner_key, "name": self.owner}


@dataclass(frozen=True)
class DeadlineState:
    """A deadline evaluated at ``now``."""

    deadline: Deadline
    status: DeadlineStatus
    met_at: datetime | None = None  # the closing entry's time (met / met_late)
    late_by_minutes: int | None = None  # met_late: how late
    overdue_by_minutes: int | None = None  # overdue: how long past due

    @property
    def is_met(self) -> bool:
        return self.status in {DeadlineStatus.met, DeadlineStatus.met_late}

    def to_json(self) -> dict[str, Any]:
        """The deadline as in ``grade --json``, with its status and, when known, met_at/minutes."""
        data = self.deadline.to_json() | {"status": self.status.value}
        if self.met_at is not None:
            data["met_at"] = self.met_at.isoformat()
        if self.late_by_minutes is not None:
            data["late_by_minutes"] = self.late_by_minutes
        if self.overdue_by_minutes is not None:
            data["overdue_by_minutes"] = self.overdue_by_minutes
        return data


def state_at(
    deadline: Deadline,
    met_at: datetime | None,
    now: datetime,
    due_soon: timedelta = DEFAULT_DUE_SOON,
) -> DeadlineState:
    """The status at ``now`` of a deadline met at ``met_at`` (None: not met)."""
    if met_at is not None:
        if deadline.due is None or met_at <= deadline.due:
            return DeadlineState(deadline, DeadlineStatus.met, met_at=met_at)
        late = _minutes(met_at - deadline.due)
        return DeadlineState(deadline, DeadlineStatus.met_late, met_at=met_at, late_by_minutes=late)
    if deadline.due is None:
        return DeadlineState(deadline, DeadlineStatus.open)
    if now > deadline.due:
        overdue = _minutes(now - deadline.due)
        return DeadlineState(deadline, DeadlineStatus.overdue, overdue_by_minutes=overdue)
    if deadline.due - now <= due_soon:
        return DeadlineState(deadline, DeadlineStatus.due_soon)
    return DeadlineState(deadline, DeadlineStatus.open)


def _minutes(span: timedelta) -> int:
    """Whole minutes, rounded up: one second late is late, and says so (1 minute)."""
    return math.ceil(span.total_seconds() / 60)


# ---- `yqctl due`: every open deadline of every case -------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """One row of ``yqctl due``: a case and one of its deadlines, or a 待定级 case (state None)."""

    case_id: str
    title: str
    level: int | None
    level_name: str
    unit: str
    discovered_at: datetime
    state: DeadlineState | None  # None: the case is not graded yet (待定级)
    position: int = 0  # the deadline's place in the policy: ties keep the policy's order

    @property
    def ungraded(self) -> bool:
        return self.state is None

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's ``due --json`` object; ``deadline.met_at`` is added for met deadlines."""
        return {
            "id": self.case_id,
            "title": self.title,
            "level": self.level,
            "level_name": self.level_name,
            "unit": self.unit,
            "deadline": self._deadline_json(),
            "overdue_by_minutes": self.state.overdue_by_minutes if self.state else None,
        }

    def _deadline_json(self) -> dict[str, Any]:
        if self.state is None:
            return {"key": UNGRADED_KEY, "title": "待定级", "due": None, "status": "open"}
        deadline = self.state.deadline
        data: dict[str, Any] = {
            "key": deadline.key,
            "title": deadline.title,
            "clause": deadline.clause,
            "start": deadline.start.isoformat(),
            "start_from": deadline.start_from.value,
            "start_label": deadline.start_label,
            "due": deadline.due.isoformat() if deadline.due else None,
            "status": self.state.status.value,
            "closed_by": [action.value for action in deadline.closed_by],
            "owner": deadline.owner_json(),
        }
        if self.state.met_at is not None:
            data["met_at"] = self.state.met_at.isoformat()
            data["late_by_minutes"] = self.state.late_by_minutes
        return data


@dataclass(frozen=True)
class DueEntry:
    """A row of ``yqctl due`` as far as it is known without the clock.

    What a case's deadlines are and when each was met depends only on the case and the policy, so
    the case index keeps these per case and ``due`` only has to hold them against ``now``.
    """

    case_id: str
    title: str
    level: int | None
    level_name: str
    unit: str
    discovered_at: datetime
    drill: bool
    deadline: Deadline | None  # None: the case is not graded yet (待定级)
    met_at: datetime | None = None
    position: int = 0

    def item(self, now: datetime, due_soon: timedelta = DEFAULT_DUE_SOON) -> DueItem:
        state = None
        if self.deadline is not None:
            state = state_at(self.deadline, self.met_at, now, due_soon)
        return DueItem(
            self.case_id,
            self.title,
            self.level,
            self.level_name,
            self.unit,
            self.discovered_at,
            state,
            self.position,
        )

    def to_plain(self) -> list[Any]:
        """A compact JSON-able form (for the case index)."""
        deadline = self.deadline
        return [
            self.case_id,
            self.title,
            self.level,
            self.level_name,
            self.unit,
            self.discovered_at.isoformat(),
            self.drill,
            self.met_at.isoformat() if self.met_at else None,
            self.position,
            None
            if deadline is None
            else [
                deadline.key,
                deadline.title,
                deadline.clause,
                deadline.start.isoformat(),
                deadline.start_from.value,
                deadline.due.isoformat() if deadline.due else None,
                [deadline.within.kind.value, deadline.within.amount, deadline.within.text],
                [action.value for action in deadline.closed_by],
                deadline.recurring,
                deadline.owner,
                deadline.owner_key,
                deadline.start_label,
                deadline.met_from.isoformat() if deadline.met_from else None,
            ],
        ]

    @classmethod
    def from_plain(cls, row: list[Any]) -> DueEntry:
        case_id, title, level, level_name, unit, discovered, drill, met, position, spec = row
        deadline = None
        if spec is not None:
            key, name, clause, start, start_from, due, within, closed_by, recurring = spec[:9]
            owner, owner_key, start_label, met_from = spec[9:]
            deadline = Deadline(
                key=key,
                title=name,
                clause=clause,
                start=datetime.fromisoformat(start),
                start_from=_START_POINTS[start_from],
                due=datetime.fromisoformat(due) if due else None,
                within=Duration(_DURATION_KINDS[within[0]], within[1], within[2]),
                closed_by=tuple(_ACTIONS[action] for action in closed_by),
                recurring=recurring,
                owner=owner,
                owner_key=owner_key,
                start_label=start_label,
                met_from=datetime.fromisoformat(met_from) if met_from else None,
            )
        return cls(
            case_id,
            title,
            level,
            level_name,
            unit,
            datetime.fromisoformat(discovered),
            drill,
            deadline,
            datetime.fromisoformat(met) if met else None,
            position,
        )


# by value, for from_plain: a dict lookup is several times faster than calling the enum
_START_POINTS = {point.value: point for point in StartPoint}
_DURATION_KINDS = {kind.value: kind for kind in DurationKind}
_ACTIONS = {action.value: action for action in Action}


def due_items(
    entries: Iterable[DueEntry],
    now: datetime,
    *,
    due_soon: timedelta = DEFAULT_DUE_SOON,
    within: timedelta | None = None,
    unit: str | None = None,
    include_drills: bool = False,
    include_met: bool = False,
) -> list[DueItem]:
    """The entries held against ``now``, most urgent first.

    Order: 待定级 cases (oldest first); overdue (most overdue first); due_soon; open by due time;
    open without a due time; then, with ``include_met``, met and met_late by when they were met.
    ``within`` keeps only what is overdue or due by ``now + within`` (待定级 entries always stay).
    Drills (演练) are left out unless ``include_drills``.
    """
    items = [
        entry.item(now, due_soon)
        for entry in entries
        if (include_drills or not entry.drill) and (unit is None or entry.unit == unit)
    ]
    items = [item for item in items if _wanted(item, now, within, include_met)]
    return sorted(items, key=_urgency)


def _wanted(item: DueItem, now: datetime, within: timedelta | None, include_met: bool) -> bool:
    state = item.state
    if state is None:
        return True
    if state.is_met:
        return include_met
    if within is None or state.status is DeadlineStatus.overdue:
        return True
    due_time = state.deadline.due
    return due_time is not None and due_time <= now + within


_RANK = {
    DeadlineStatus.overdue: 1,
    DeadlineStatus.due_soon: 2,
    DeadlineStatus.open: 3,
    DeadlineStatus.met_late: 5,
    DeadlineStatus.met: 5,
}


def _urgency(item: DueItem) -> tuple[int, datetime, str, int]:
    state = item.state
    if state is None:
        return (0, item.discovered_at, item.case_id, 0)
    deadline = state.deadline
    rank = _RANK[state.status]
    if state.met_at is not None:
        moment = state.met_at
    elif deadline.due is not None:
        moment = deadline.due  # the earliest due is the most overdue
    else:
        rank, moment = 4, deadline.start  # no fixed time: after every dated one
    return (rank, moment, item.case_id, item.position)
