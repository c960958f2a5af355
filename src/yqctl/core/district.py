"""The district's report (区域汇总报告): several schools' period reports side by side and summed.

Each school grades and times its cases by its own policy, calendar and zone (a university's 办法
has 一级…三级, a middle school's 预案 重大/一般), so each school's :class:`PeriodReport` is built
exactly as the school's own report is, and this module only adds them up. What means the same
under every policy is summed: cases, deadlines and how they went, categories, platforms, new
cases per day. Levels are shown per school under the school's own names; 重点舆情 are each
policy's serious levels. Confidential cases stay as redacted as in the school's own report.
No I/O, no clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from yqctl.core.periods import Period
from yqctl.core.reports import (
    CaseLine,
    Count,
    DeadlineLine,
    Outcome,
    PeriodReport,
    ReportOptions,
    Tally,
    Totals,
)
from yqctl.core.views import Letterhead, fields_json

Summed = TypeVar("Summed", Totals, Tally)


@dataclass(frozen=True)
class School:
    """One school's part: its name and its own period report."""

    name: str  # 学校名称 (yq.yaml institution; made unique by the caller)
    report: PeriodReport
    unreadable: int = 0  # case files that could not be read: its figures may be short


@dataclass(frozen=True)
class SchoolRow:
    """One school's figures in the district's tables."""

    name: str
    policy_name: str
    totals: Totals
    key_count: int  # 重点舆情 (the school's serious levels)
    by_level: list[Count]  # under the school's own level names
    deadline_tally: Tally
    unreadable: int


@dataclass(frozen=True)
class SchoolCase:
    school: str
    case: CaseLine


@dataclass(frozen=True)
class SchoolDeadline:
    school: str
    deadline: DeadlineLine


@dataclass(frozen=True)
class DistrictReport:
    head: Letterhead
    period: Period
    as_of: datetime
    options: ReportOptions
    schools: list[SchoolRow]  # in the order asked for
    totals: Totals  # summed over the schools
    key_count: int
    deadline_tally: Tally
    by_category: list[Count]
    by_platform: list[Count]
    per_day: list[Count]
    key_cases: list[SchoolCase]  # 重点舆情 of every school, most serious first
    late_deadlines: list[SchoolDeadline]  # missed or met late, the earliest due first

    @property
    def complete(self) -> bool:
        return self.as_of >= self.period.end

    @property
    def unreadable(self) -> int:
        return sum(row.unreadable for row in self.schools)

    def to_json(self) -> dict[str, Any]:
        return fields_json(self) | {"complete": self.complete}


def district_report(schools: Sequence[School], head: Letterhead) -> DistrictReport:
    """The schools' reports of one period, summed; ``schools`` must not be empty."""
    if not schools:
        raise ValueError("a district report needs at least one school")
    first = schools[0].report
    reports = [school.report for school in schools]
    key_cases = [
        SchoolCase(school.name, line) for school in schools for line in school.report.key_cases
    ]
    late = [
        SchoolDeadline(school.name, line)
        for school in schools
        for line in school.report.deadlines
        if line.outcome in (Outcome.missed, Outcome.late)
    ]
    return DistrictReport(
        head=head,
        period=first.period,
        as_of=first.as_of,
        options=first.options,
        schools=[_row(school) for school in schools],
        totals=_sum_fields(Totals, [r.totals for r in reports]),
        key_count=sum(len(r.key_cases) for r in reports),
        deadline_tally=_sum_fields(Tally, [r.deadline_tally for r in reports]),
        by_category=sum_counts(r.by_category for r in reports),
        by_platform=sum_counts(r.by_platform for r in reports),
        per_day=sum_counts(r.per_day for r in reports),
        key_cases=sorted(key_cases, key=lambda k: (k.case.level or 99, k.school, k.case.id)),
        late_deadlines=sorted(late, key=lambda d: (d.deadline.due, d.school, d.deadline.case_id)),
    )


def _row(school: School) -> SchoolRow:
    report = school.report
    return SchoolRow(
        name=school.name,
        policy_name=report.policy_name,
        totals=report.totals,
        key_count=len(report.key_cases),
        by_level=report.by_level,
        deadline_tally=report.deadline_tally,
        unreadable=school.unreadable,
    )


def sum_counts(tables: Iterable[Sequence[Count]]) -> list[Count]:
    """Counts of the same keys added up, in the order the keys first appear."""
    summed: dict[str, Count] = {}
    for table in tables:
        for count in table:
            seen = summed.get(count.key)
            total = count.count + (seen.count if seen else 0)
            summed[count.key] = Count(count.key, count.label, total)
    return list(summed.values())


def _sum_fields(kind: type[Summed], values: Sequence[Summed]) -> Summed:
    """A dataclass of integer fields, each the sum over ``values``."""
    names = [f.name for f in dataclasses.fields(kind)]
    return kind(**{name: sum(getattr(v, name) for v in values) for name in names})
