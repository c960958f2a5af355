"""Deadlines (时限): which of a policy's deadlines apply to a case, when each falls due, and
whether the timeline met it.

A deadline applies when its ``when`` holds for the case's *current* level, major flag and category,
so re-grading changes which deadlines apply. Its start is the discovery time unless the policy says
``from: graded_at``. An action listed in ``closed_by`` recorded at or after the start closes it.
Nothing here reads the clock: ``now`` is always passed in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from yqctl.core.case import Case, TimelineEntry
from yqctl.core.conditions import case_facts
from yqctl.core.durations import Duration, add_span, due_at
from yqctl.core.enums import Action
from yqctl.core.grading import current_major
from yqctl.core.policy import DeadlineSpec, Policy, StartPoint
from yqctl.core.workdays import WorkCalendar

DEFAULT_DUE_SOON = timedelta(hours=2)  # “即将到期”的默认窗口
UNGRADED_KEY = "grade"  # the 待定级 entries of `due`
FOLLOW_UP_KEY = "follow_up"  # the recurring 续报 deadline


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

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "clause": self.clause,
            "start": self.start.isoformat(),
            "due": self.due.isoformat() if self.due else None,
            "within": str(self.within),
            "closed_by": [action.value for action in self.closed_by],
        }


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


# ---- which deadlines apply --------------------------------------------------------------------


def deadlines(case: Case, policy: Policy, calendar: WorkCalendar, zone: ZoneInfo) -> list[Deadline]:
    """Every deadline of ``policy`` that applies to ``case`` at its current level/major/category."""
    facts = case_facts(case, level=case.level, major=current_major(case, policy))
    found = [
        _deadline(case, spec, policy, calendar, zone)
        for spec in policy.deadlines
        if spec.when is None or spec.when.matches(facts)
    ]
    follow_up = _follow_up(case, policy, zone)
    if follow_up is not None and policy.follow_up_when.matches(facts):
        found.append(follow_up)
    return found


def _deadline(
    case: Case, spec: DeadlineSpec, policy: Policy, calendar: WorkCalendar, zone: ZoneInfo
) -> Deadline:
    start = start_time(case, spec.from_).astimezone(zone)
    due = due_at(start, spec.within, immediate=policy.immediate, calendar=calendar, zone=zone)
    return Deadline(
        key=spec.key,
        title=spec.title,
        clause=spec.clause,
        start=start,
        start_from=spec.from_,
        due=due,
        within=spec.within,
        closed_by=spec.closed_by,
    )


def start_time(case: Case, point: StartPoint) -> datetime:
    """The moment a deadline counts from; ``graded_at`` falls back to discovery if never graded."""
    if point is StartPoint.graded_at:
        return reached_level_at(case) or case.discovered_at
    return case.discovered_at


def reached_level_at(case: Case) -> datetime | None:
    """When the case reached its current level: the first of the trailing grading entries at it.

    Graded 3 at 10:00, re-graded 2 at 14:00 and again 2 at 15:00 → 14:00.
    """
    reached: datetime | None = None
    for entry in case.grading:
        if entry.level != case.level:
            reached = None
        elif reached is None:
            reached = entry.at
    return reached


def _follow_up(case: Case, policy: Policy, zone: ZoneInfo) -> Deadline | None:
    """The next 续报: ``follow_up_every`` after the latest follow_up (or discovery), while open."""
    every = policy.follow_up_every
    if every is None or not case.is_open:
        return None
    anchor = max(
        (
            e.at
            for e in case.timeline
            if e.action is Action.follow_up and e.at >= case.discovered_at
        ),
        default=case.discovered_at,
    ).astimezone(zone)
    return Deadline(
        key=FOLLOW_UP_KEY,
        title="及时续报有关情况",
        clause=policy.follow_up_clause or "",
        start=anchor,
        start_from=StartPoint.discovered_at,
        due=add_span(anchor, every.amount, zone),
        within=every,
        closed_by=(Action.follow_up,),
        recurring=True,
    )


# ---- status at `now` --------------------------------------------------------------------------


def closing_entry(deadline: Deadline, timeline: Iterable[TimelineEntry]) -> TimelineEntry | None:
    """The earliest entry (by ``at``) with a closing action at or after the deadline's start.

    The 续报 deadline starts *at* the latest follow_up, so only a later one would close it.
    """
    closing = [
        entry
        for entry in timeline
        if entry.action in deadline.closed_by
        and (entry.at > deadline.start if deadline.recurring else entry.at >= deadline.start)
    ]
    return min(closing, key=lambda entry: entry.at, default=None)


def evaluate(
    deadline: Deadline,
    case: Case,
    now: datetime,
    due_soon: timedelta = DEFAULT_DUE_SOON,
) -> DeadlineState:
    """met / met_late / overdue / due_soon / open, at ``now``."""
    entry = closing_entry(deadline, case.timeline)
    if entry is not None:
        met_at = entry.at.astimezone(deadline.start.tzinfo)
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


def case_states(
    case: Case,
    policy: Policy,
    calendar: WorkCalendar,
    zone: ZoneInfo,
    now: datetime,
    due_soon: timedelta = DEFAULT_DUE_SOON,
) -> list[DeadlineState]:
    """Every applicable deadline of ``case`` with its status at ``now``, in policy order."""
    return [evaluate(d, case, now, due_soon) for d in deadlines(case, policy, calendar, zone)]


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
            "due": deadline.due.isoformat() if deadline.due else None,
            "status": self.state.status.value,
            "closed_by": [action.value for action in deadline.closed_by],
        }
        if self.state.met_at is not None:
            data["met_at"] = self.state.met_at.isoformat()
            data["late_by_minutes"] = self.state.late_by_minutes
        return data


def due(
    cases: Iterable[Case],
    policy: Policy,
    calendar: WorkCalendar,
    zone: ZoneInfo,
    now: datetime,
    *,
    due_soon: timedelta = DEFAULT_DUE_SOON,
    within: timedelta | None = None,
    unit: str | None = None,
    include_drills: bool = False,
    include_met: bool = False,
) -> list[DueItem]:
    """Every open deadline of every non-closed case, most urgent first.

    Order: 待定级 cases (oldest first); overdue (most overdue first); due_soon; open by due time;
    open without a due time; then, with ``include_met``, met and met_late by when they were met.
    ``within`` keeps only what is overdue or due by ``now + within`` (待定级 entries always stay).
    Drills (演练) are left out unless ``include_drills``.
    """
    items: list[DueItem] = []
    for case in cases:
        if not case.is_open or (case.drill and not include_drills):
            continue
        if unit is not None and case.unit != unit:
            continue
        items += _case_items(case, policy, calendar, zone, now, due_soon)
    items = [item for item in items if _wanted(item, now, within, include_met)]
    return sorted(items, key=_urgency)


def _case_items(
    case: Case,
    policy: Policy,
    calendar: WorkCalendar,
    zone: ZoneInfo,
    now: datetime,
    due_soon: timedelta,
) -> list[DueItem]:
    def item(state: DeadlineState | None, position: int = 0) -> DueItem:
        name = policy.level_name(case.level)
        return DueItem(
            case.id, case.title, case.level, name, case.unit, case.discovered_at, state, position
        )

    head = [item(None)] if case.level is None else []
    states = case_states(case, policy, calendar, zone, now, due_soon)
    return head + [item(state, n) for n, state in enumerate(states)]


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
