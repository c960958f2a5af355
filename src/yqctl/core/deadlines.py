"""Deadlines (时限): which of a policy's deadlines apply to a case, when each falls due, and
whether the timeline met it.

A deadline applies when its ``when`` holds for the case's *current* level, major flag and category,
so re-grading changes which deadlines apply. Its start is the discovery time unless the policy says
``from: graded_at``. An action listed in ``closed_by`` recorded at or after the start closes it.
Nothing here reads the clock: ``now`` is always passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from yqctl.core.case import Case, TimelineEntry
from yqctl.core.conditions import case_facts
from yqctl.core.due import (
    DEFAULT_DUE_SOON,
    STATUS_LABELS,
    UNGRADED_KEY,
    Deadline,
    DeadlineState,
    DeadlineStatus,
    DueEntry,
    DueItem,
    due_items,
    state_at,
)
from yqctl.core.durations import add_span, due_at
from yqctl.core.enums import Action, StartPoint
from yqctl.core.grading import current_major
from yqctl.core.policy import DeadlineSpec, Policy
from yqctl.core.workdays import WorkCalendar

__all__ = [  # the due-list types live in core.due; the engine's callers find them here too
    "DEFAULT_DUE_SOON",
    "STATUS_LABELS",
    "UNGRADED_KEY",
    "Deadline",
    "DeadlineState",
    "DeadlineStatus",
    "DueEntry",
    "DueItem",
    "case_states",
    "deadlines",
    "due",
    "due_entries",
    "evaluate",
    "met_time",
]

FOLLOW_UP_KEY = "follow_up"  # the recurring 续报 deadline

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
    return state_at(deadline, met_time(deadline, case.timeline), now, due_soon)


def met_time(deadline: Deadline, timeline: Iterable[TimelineEntry]) -> datetime | None:
    """When the timeline met ``deadline`` (in the deadline's zone), or None: needs no clock."""
    entry = closing_entry(deadline, timeline)
    return entry.at.astimezone(deadline.start.tzinfo) if entry is not None else None


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


def due_entries(
    case: Case, policy: Policy, calendar: WorkCalendar, zone: ZoneInfo
) -> list[DueEntry]:
    """What ``due`` may show of ``case``: nothing once it is closed; 待定级 first if ungraded."""
    if not case.is_open:
        return []

    def entry(deadline: Deadline | None, position: int = 0) -> DueEntry:
        met = met_time(deadline, case.timeline) if deadline is not None else None
        name = policy.level_name(case.level)
        return DueEntry(
            case.id,
            case.title,
            case.level,
            name,
            case.unit,
            case.discovered_at,
            case.drill,
            deadline,
            met,
            position,
        )

    head = [entry(None)] if case.level is None else []
    found = deadlines(case, policy, calendar, zone)
    return head + [entry(deadline, n) for n, deadline in enumerate(found)]


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
    """Every open deadline of every non-closed case, most urgent first (see ``due_items``)."""
    entries = (e for case in cases for e in due_entries(case, policy, calendar, zone))
    return due_items(
        entries,
        now,
        due_soon=due_soon,
        within=within,
        unit=unit,
        include_drills=include_drills,
        include_met=include_met,
    )
