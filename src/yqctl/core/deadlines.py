"""Deadlines (时限): which of a policy's deadlines apply to a case, when each falls due, and
whether the timeline met it.

A deadline applies when its ``when`` holds for the case's *current* level, major flag and category,
so re-grading changes which deadlines apply. Its start is the policy's ``from``: the discovery time
(the default), ``graded_at`` (when the case reached its current level) or ``applicable`` (when the
duty arose: the grading that first gave the case a level or the 重大 flag the duty needs, see
core.arising). Each deadline is charged to its ``owner`` (责任方). An action listed in ``closed_by``
recorded at or after the start closes it (for a duty the first grading started, at or after the
discovery: the case was waiting to be graded). Nothing here reads the clock: ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from yqctl.core.arising import DISCOVERY_LABEL, Arising, arisen
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
    "start_of",
]

FOLLOW_UP_KEY = "follow_up"  # the recurring 续报 deadline
FOLLOW_UP_TITLE = "及时续报有关情况"
LAST_FOLLOW_UP = "上次续报"

# ---- which deadlines apply --------------------------------------------------------------------


def deadlines(case: Case, policy: Policy, calendar: WorkCalendar, zone: ZoneInfo) -> list[Deadline]:
    """Every deadline of ``policy`` that applies to ``case`` at its current level/major/category."""
    facts = case_facts(case, level=case.level, major=current_major(case, policy))
    found = [
        _deadline(case, spec, policy, calendar, zone)
        for spec in policy.deadlines
        if spec.when is None or spec.when.matches(facts)
    ]
    wanted = policy.follow_up_every is not None and case.is_open
    if wanted and policy.follow_up_when.matches(facts):
        found.append(_follow_up(case, policy, zone))
    return found


def _deadline(
    case: Case, spec: DeadlineSpec, policy: Policy, calendar: WorkCalendar, zone: ZoneInfo
) -> Deadline:
    arising = start_of(case, spec, policy)
    start = arising.at.astimezone(zone)
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
        owner=policy.owner_name(spec.owner, case.unit),
        owner_key=spec.owner,
        start_label=arising.label,
        met_from=arising.met_from.astimezone(zone) if arising.met_from else None,
    )


def start_of(case: Case, spec: DeadlineSpec, policy: Policy) -> Arising:
    """The moment a deadline counts from, and what happened then (发现 / 定为二级 …).

    ``graded_at`` falls back to discovery if the case was never graded.
    """
    if spec.from_ is StartPoint.applicable:
        return arisen(case, spec.when, policy)
    if spec.from_ is StartPoint.graded_at:
        reached = reached_level_at(case)
        if reached is not None:
            return Arising(reached, f"定为{policy.level_name(case.level)}")
    return Arising(case.discovered_at, DISCOVERY_LABEL)


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


def _follow_up(case: Case, policy: Policy, zone: ZoneInfo) -> Deadline:
    """The next 续报: ``follow_up_every`` after the latest follow_up, or after the duty arose (the
    case met ``follow_up_when``: a 二级 case from when it became 二级, not from discovery)."""
    every = policy.follow_up_every
    assert every is not None
    arising = arisen(case, policy.follow_up_when, policy)
    reports = [e.at for e in case.timeline if e.action is Action.follow_up and e.at >= arising.at]
    anchor = Arising(max(reports), LAST_FOLLOW_UP) if reports else arising
    start = anchor.at.astimezone(zone)
    return Deadline(
        key=FOLLOW_UP_KEY,
        title=FOLLOW_UP_TITLE,
        clause=policy.follow_up_clause or "",
        start=start,
        start_from=StartPoint.applicable,
        due=add_span(start, every.amount, zone),
        within=every,
        closed_by=(Action.follow_up,),
        recurring=True,
        owner=policy.owner_name(policy.follow_up_owner, case.unit),
        owner_key=policy.follow_up_owner,
        start_label=anchor.label,
    )


# ---- status at `now` --------------------------------------------------------------------------


def closing_entry(deadline: Deadline, timeline: Iterable[TimelineEntry]) -> TimelineEntry | None:
    """The earliest entry (by ``at``) with a closing action at or after the deadline's start (or
    its ``met_from``: see core.arising).

    The 续报 deadline starts *at* the latest follow_up, so only a later one would close it.
    """
    since = deadline.met_from or deadline.start
    closing = [
        entry
        for entry in timeline
        if entry.action in deadline.closed_by
        and (entry.at > since if deadline.recurring else entry.at >= since)
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
