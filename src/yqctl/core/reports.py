"""Period reports (舆情日报 / 周报 / 月报) and ``yqctl stats``: aggregation only, no I/O, no clock.

The report speaks as of ``as_of`` = the period's end, or ``now`` if the period has not ended; the
timeline is cut there, so a report of last week says the same whenever it is printed again.

- Cases *in the period*: discovered before its end and not closed before its start (本期涉及).
- Deadlines *of the period*: those whose due time falls in the period; each one was met on time,
  met late, missed, or (period not over yet) is still pending. The policy ties poor handling to
  units' evaluations (university 六(一)), so they are also tallied per owner (责任方: the unit or
  body the policy charges with each deadline — the leading group's meeting is not the 涉事单位's).
- Confidential cases (涉密) show only id, level, unit and status unless asked; drills (演练) are
  left out unless asked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from yqctl.core.case import Case
from yqctl.core.conditions import case_facts
from yqctl.core.deadlines import DeadlineStatus, deadlines, evaluate
from yqctl.core.enums import Category, Platform, Status, label
from yqctl.core.grading import current_major
from yqctl.core.periods import Period, PeriodKind
from yqctl.core.policy import Policy
from yqctl.core.views import Letterhead, TimelineLine, fields_json, level_text, timeline_lines
from yqctl.core.workdays import WorkCalendar

UNGRADED = "待定级"
CONFIDENTIAL = "涉密（不列明）"


class Outcome(StrEnum):
    on_time = "on_time"  # 按时完成
    late = "late"  # 逾期完成
    missed = "missed"  # 超时未完成
    pending = "pending"  # 未到期


OUTCOME_LABELS = {
    Outcome.on_time: "按时完成",
    Outcome.late: "逾期完成",
    Outcome.missed: "超时未完成",
    Outcome.pending: "未到期",
}

_OUTCOME_OF = {
    DeadlineStatus.met: Outcome.on_time,
    DeadlineStatus.met_late: Outcome.late,
    DeadlineStatus.overdue: Outcome.missed,
    DeadlineStatus.due_soon: Outcome.pending,
    DeadlineStatus.open: Outcome.pending,
}


@dataclass(frozen=True)
class ReportOptions:
    include_confidential: bool = False  # --include-confidential
    include_drills: bool = False  # --drills


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class CaseLine:
    """One case as a period report lists it; ``redacted`` leaves only id, level, unit, status."""

    id: str
    level: int | None
    level_name: str
    unit: str
    status: str
    status_label: str
    redacted: bool
    drill: bool
    title: str | None
    category_label: str | None
    discovered_at: datetime | None
    closed_at: datetime | None
    summary: str | None
    result: str | None  # 处置结果（办结时）
    timeline: tuple[TimelineLine, ...] = ()  # only for the key cases (重点舆情)


@dataclass(frozen=True)
class DeadlineLine:
    """One deadline due in the period, and what became of it."""

    case_id: str
    unit: str  # the case's 涉事单位
    owner: str  # 责任方: who the policy charges with it
    key: str  # the policy's deadline key
    title: str  # the deadline's title (policy text, never the case's content)
    clause: str
    due: datetime
    met_at: datetime | None
    outcome: Outcome
    outcome_label: str
    late_by_minutes: int | None


@dataclass
class Tally:
    """How a set of deadlines went."""

    on_time: int = 0
    late: int = 0
    missed: int = 0
    pending: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.missed + self.pending

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.missed

    @property
    def on_time_rate(self) -> float | None:
        """按时完成率 among the deadlines already decided; None when none is."""
        return round(self.on_time / self.decided, 4) if self.decided else None

    @property
    def rate_text(self) -> str:
        rate = self.on_time_rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "on_time": self.on_time,
            "late": self.late,
            "missed": self.missed,
            "pending": self.pending,
            "on_time_rate": self.on_time_rate,
        }


@dataclass(frozen=True)
class UnitTally:
    unit: str  # the owner (责任方) charged with the deadlines: a unit, or a body such as 领导小组
    tally: Tally


@dataclass(frozen=True)
class Totals:
    in_period: int  # 本期涉及
    new: int  # 本期新增
    closed: int  # 本期办结
    open_at_end: int  # 期末在办
    ungraded: int  # 期末待定级
    redacted: int  # of which shown redacted (涉密)


@dataclass(frozen=True)
class PeriodReport:
    head: Letterhead
    period: Period
    as_of: datetime
    policy_name: str
    options: ReportOptions
    totals: Totals
    by_level: list[Count]
    by_category: list[Count]
    by_platform: list[Count]
    by_unit: list[Count]
    by_status: list[Count]
    per_day: list[Count]  # new cases per day (日报: the 7 days up to the date)
    new_cases: list[CaseLine]
    closed_cases: list[CaseLine]
    open_cases: list[CaseLine]
    key_cases: list[CaseLine]  # 重点舆情: the policy's serious levels, with summary and handling
    key_levels: list[str]  # their names, e.g. ["一级", "二级"]
    deadlines: list[DeadlineLine]
    deadline_tally: Tally
    unit_tallies: list[UnitTally] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """The period is over: the report is final, not 截至 now."""
        return self.as_of >= self.period.end

    @property
    def key_text(self) -> str:
        """What the report calls its 重点舆情 in a sentence: 一级、二级舆情; a level whose name
        says 舆情 already as it is (the middle school's 重大网络舆情, not 重大网络舆情舆情)."""
        names = "、".join(self.key_levels) or "重点"
        return names if names.endswith("舆情") else f"{names}舆情"

    def to_json(self) -> dict[str, Any]:
        return fields_json(self) | {"complete": self.complete}


# ---- building the report ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The cases a report looks at, and how each is shown."""

    cases: list[Case]
    as_of: datetime
    options: ReportOptions

    def redacted(self, case: Case) -> bool:
        return case.confidential and not self.options.include_confidential


def period_report(
    cases: Iterable[Case],
    policy: Policy,
    calendar: WorkCalendar,
    zone: ZoneInfo,
    period: Period,
    now: datetime,
    head: Letterhead,
    options: ReportOptions = ReportOptions(),
) -> PeriodReport:
    """The 日报/周报/月报 of ``period`` as of ``now``."""
    as_of = period.as_of(now)
    known = [c for c in cases if options.include_drills or not c.drill]
    known = [c for c in known if c.discovered_at < period.end and c.discovered_at <= as_of]
    scope = Scope([c for c in known if _active(c, period)], as_of, options)
    lines = {c.id: _case_line(c, scope, policy, zone) for c in scope.cases}
    new = [c for c in scope.cases if period.contains(c.discovered_at)]
    closed = [c for c in scope.cases if _closed_in(c, period, as_of)]
    still_open = [c for c in scope.cases if not _closed_by(c, as_of)]
    key_levels = serious_levels(policy)
    key = [
        _case_line(c, scope, policy, zone, with_timeline=True)
        for c in scope.cases
        if c.level in key_levels
    ]
    due_lines = deadline_lines(known, policy, calendar, zone, period, as_of)
    return PeriodReport(
        head=head,
        period=period,
        as_of=as_of,
        policy_name=policy.name,
        options=options,
        totals=Totals(
            in_period=len(scope.cases),
            new=len(new),
            closed=len(closed),
            open_at_end=len(still_open),
            ungraded=sum(1 for c in still_open if c.level is None),
            redacted=sum(1 for c in scope.cases if scope.redacted(c)),
        ),
        by_level=_by_level(scope.cases, policy),
        by_category=_by_enum(scope, Category, lambda c: [c.category]),
        by_platform=_by_enum(scope, Platform, lambda c: sorted({s.platform for s in c.sources})),
        by_unit=_by_unit(scope.cases),
        by_status=_by_status(scope),
        per_day=_per_day(known, period, zone),
        new_cases=_sorted_lines(lines, new),
        closed_cases=_sorted_lines(lines, closed),
        open_cases=_sorted_lines(lines, still_open),
        key_cases=sorted(key, key=lambda line: (line.level or 99, line.id)),
        key_levels=[policy.level_name(level) for level in sorted(key_levels)],
        deadlines=due_lines,
        deadline_tally=tally(due_lines),
        unit_tallies=unit_tallies(due_lines),
    )


# ---- which cases a report can touch ------------------------------------------------------------

PER_DAY_REACH = timedelta(
    days=8
)  # a 日报's chart of new cases goes back 7 days (with room for zones)


@dataclass(frozen=True)
class CaseFacets:
    """What decides whether a period report can touch a case, kept by the case index under the
    policy's fingerprint, so that a report validates only the cases it needs."""

    discovered_at: datetime
    closed_at: datetime | None
    drill: bool
    due: tuple[datetime, ...]  # every deadline's due time (as ``deadline_lines`` computes them)

    def to_json(self) -> list[Any]:
        closed = self.closed_at.isoformat() if self.closed_at else None
        return [
            self.discovered_at.isoformat(),
            closed,
            self.drill,
            [d.isoformat() for d in self.due],
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> CaseFacets:
        discovered, closed, drill, due = data
        return cls(
            datetime.fromisoformat(discovered),
            datetime.fromisoformat(closed) if closed else None,
            drill,
            tuple(datetime.fromisoformat(d) for d in due),
        )


def facets_of(case: Case, policy: Policy, calendar: WorkCalendar, zone: ZoneInfo) -> CaseFacets:
    found = deadlines(case, policy, calendar, zone)
    due = tuple(deadline.due for deadline in found if deadline.due is not None)
    return CaseFacets(case.discovered_at, _closed_at(case), case.drill, due)


def touches(facets: CaseFacets, period: Period, now: datetime, options: ReportOptions) -> bool:
    """Whether :func:`period_report` can use the case: a report of only the cases this accepts is
    the report of all of them (a test holds the two side by side)."""
    as_of = period.as_of(now)
    if facets.drill and not options.include_drills:
        return False
    if facets.discovered_at >= period.end or facets.discovered_at > as_of:
        return False  # not yet known
    if facets.closed_at is None or facets.closed_at >= period.start:
        return True  # in scope
    if facets.discovered_at >= period.start - PER_DAY_REACH:
        return True  # counted in the chart of new cases
    return any(period.contains(due) for due in facets.due)  # a deadline due in the period


def serious_levels(policy: Policy) -> set[int]:
    """重点舆情: every level but the least serious, and at most levels 1–2 (university 一、二级)."""
    ids = sorted(policy.level_ids)
    return {level for level in ids[:-1] if level <= 2}


def _active(case: Case, period: Period) -> bool:
    closed_at = _closed_at(case)
    return closed_at is None or closed_at >= period.start


def _closed_at(case: Case) -> datetime | None:
    return case.closure.closed_at if case.closure else None


def _closed_by(case: Case, moment: datetime) -> bool:
    closed_at = _closed_at(case)
    return closed_at is not None and closed_at <= moment


def _closed_in(case: Case, period: Period, as_of: datetime) -> bool:
    closed_at = _closed_at(case)
    return closed_at is not None and closed_at <= as_of and period.contains(closed_at)


def status_at(case: Case, as_of: datetime) -> Status:
    """The status as of ``as_of``: a case closed after it was still being handled then."""
    if _closed_by(case, as_of):
        return Status.closed
    if case.status is Status.closed:
        return Status.handling  # closed later: at as_of it was still in hand (处置中)
    return case.status


def _case_line(
    case: Case, scope: Scope, policy: Policy, zone: ZoneInfo, *, with_timeline: bool = False
) -> CaseLine:
    status = status_at(case, scope.as_of)
    hidden = scope.redacted(case)
    closed = case.closure if case.closure and _closed_by(case, scope.as_of) else None
    entries = [e for e in case.timeline if e.at <= scope.as_of]
    return CaseLine(
        id=case.id,
        level=case.level,
        level_name=level_text(case, policy),
        unit=case.unit,
        status=status.value,
        status_label=label(status),
        redacted=hidden,
        drill=case.drill,
        title=None if hidden else case.title,
        category_label=None if hidden else label(case.category),
        discovered_at=None if hidden else case.discovered_at.astimezone(zone),
        closed_at=closed.closed_at.astimezone(zone) if closed and not hidden else None,
        summary=None if hidden else (case.summary or "").strip() or None,
        result=closed.result if closed and not hidden else None,
        timeline=tuple(timeline_lines(entries, zone)) if with_timeline and not hidden else (),
    )


def _sorted_lines(lines: dict[str, CaseLine], cases: Sequence[Case]) -> list[CaseLine]:
    ordered = sorted(cases, key=lambda c: (c.discovered_at, c.id))
    return [lines[c.id] for c in ordered]


# ---- counts -------------------------------------------------------------------------------------


def _by_level(cases: Sequence[Case], policy: Policy) -> list[Count]:
    counts = Counter(c.level for c in cases)
    rows = [Count(str(n), policy.level_name(n), counts[n]) for n in sorted(policy.level_ids)]
    strays = sorted(n for n in counts if n is not None and n not in policy.level_ids)
    rows += [Count(str(n), policy.level_name(n), counts[n]) for n in strays]
    return [*rows, Count("ungraded", UNGRADED, counts[None])]


def _by_enum(scope: Scope, enum: type[StrEnum], values: Any) -> list[Count]:
    """Counts per value of ``enum`` (every value listed, zeros too); redacted cases apart."""
    counts: Counter[str] = Counter()
    hidden = 0
    for case in scope.cases:
        if scope.redacted(case):
            hidden += 1
            continue
        counts.update(str(value) for value in values(case))
    rows = [Count(member.value, label(member), counts[member.value]) for member in enum]
    return rows + ([Count("confidential", CONFIDENTIAL, hidden)] if hidden else [])


def _by_unit(cases: Sequence[Case]) -> list[Count]:
    counts = Counter(c.unit for c in cases)
    return [
        Count(unit, unit, n) for unit, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _by_status(scope: Scope) -> list[Count]:
    counts = Counter(status_at(c, scope.as_of) for c in scope.cases)
    return [Count(s.value, label(s), counts[s]) for s in Status]


def _per_day(cases: Sequence[Case], period: Period, zone: ZoneInfo) -> list[Count]:
    """New cases per day: each day of the period; a 日报 shows the 7 days up to its date."""
    days = period.days()
    if period.kind is PeriodKind.daily:
        days = [days[0] - timedelta(days=n) for n in range(6, -1, -1)]
    counts: Counter[date] = Counter(c.discovered_at.astimezone(zone).date() for c in cases)
    return [Count(day.isoformat(), f"{day.month}月{day.day}日", counts[day]) for day in days]


# ---- deadlines ----------------------------------------------------------------------------------


def deadline_lines(
    cases: Iterable[Case],
    policy: Policy,
    calendar: WorkCalendar,
    zone: ZoneInfo,
    period: Period,
    as_of: datetime,
) -> list[DeadlineLine]:
    """Every deadline due in ``period``, judged on the timeline as it stood at ``as_of``."""
    found: list[DeadlineLine] = []
    for case in cases:
        due_now = [
            (deadline, deadline.due)
            for deadline in deadlines(case, policy, calendar, zone)
            if deadline.due is not None and period.contains(deadline.due)
        ]
        if not due_now:
            continue  # most cases: no copy of the timeline needed
        known = case.model_copy(update={"timeline": [e for e in case.timeline if e.at <= as_of]})
        for deadline, due in due_now:
            state = evaluate(deadline, known, as_of)
            outcome = _OUTCOME_OF[state.status]
            found.append(
                DeadlineLine(
                    case_id=case.id,
                    unit=case.unit,
                    owner=deadline.owner,
                    key=deadline.key,
                    title=deadline.title,
                    clause=deadline.clause,
                    due=due,
                    met_at=state.met_at,
                    outcome=outcome,
                    outcome_label=OUTCOME_LABELS[outcome],
                    late_by_minutes=state.late_by_minutes or state.overdue_by_minutes,
                )
            )
    return sorted(found, key=lambda line: (line.due, line.case_id, line.title))


def tally(lines: Iterable[DeadlineLine]) -> Tally:
    total = Tally()
    for line in lines:
        total.add(line.outcome)
    return total


def unit_tallies(lines: Sequence[DeadlineLine]) -> list[UnitTally]:
    """Per owner (责任方), those with missed or late deadlines first."""
    owners = sorted({line.owner for line in lines})
    rows = [UnitTally(o, tally(line for line in lines if line.owner == o)) for o in owners]
    return sorted(rows, key=lambda row: (-row.tally.missed, -row.tally.late, row.unit))


# ---- 处置不力：the leading group's list (university 六(一)) ------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An owner with missed or late deadlines on the cases the policy's consequence covers."""

    owner: str
    lines: tuple[DeadlineLine, ...]
    level_names: dict[str, str]  # case id → its level (with 重大) at the period's end

    def to_json(self) -> dict[str, Any]:
        rows = [
            fields_json(line) | {"level_name": self.level_names[line.case_id]}
            for line in self.lines
        ]
        return {"owner": self.owner, "deadlines": rows}


def accountability_candidates(
    cases: Iterable[Case], lines: Sequence[DeadlineLine], policy: Policy, as_of: datetime
) -> list[Candidate]:
    """Per owner, the deadlines of the period missed or met late on a case that the policy's
    ``accountability.when`` covers as it stood at ``as_of`` (its grading records then) — a list
    for the leading group to judge, never a verdict. Empty if the policy has no such clause."""
    spec = policy.accountability
    if spec is None:
        return []
    covered: dict[str, str] = {}
    for case in cases:
        level, major = standing_at(case, policy, as_of)
        if spec.when.matches(case_facts(case, level=level, major=major)):
            covered[case.id] = policy.level_name(level) + ("（重大舆情）" if major else "")
    poor = [line for line in lines if line.case_id in covered and line.outcome in POOR]
    owners = sorted({line.owner for line in poor})
    found = [
        Candidate(owner, tuple(line for line in poor if line.owner == owner), covered)
        for owner in owners
    ]
    return sorted(found, key=lambda c: (-len(c.lines), c.owner))


POOR = frozenset({Outcome.missed, Outcome.late})


def standing_at(case: Case, policy: Policy, as_of: datetime) -> tuple[int | None, bool]:
    """The level and 重大 the grading records gave the case as of ``as_of``."""
    recorded = [entry for entry in case.grading if entry.at <= as_of]
    if not case.grading or (recorded and recorded[-1] is case.grading[-1]):
        return case.level, current_major(case, policy)  # as it stands (or a level set by hand)
    if not recorded:
        return None, False  # not graded yet then
    return recorded[-1].level, recorded[-1].major
