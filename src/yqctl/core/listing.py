"""Choosing cases by status, level, unit, category and discovery time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from yqctl.core.case import Case


@dataclass(frozen=True)
class CaseFilter:
    """Empty sets mean "any"."""

    statuses: frozenset[str] = frozenset()
    levels: frozenset[int] = frozenset()
    units: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    since: datetime | None = None  # discovered at or after
    until: datetime | None = None  # discovered before
    drills: bool = False  # 演练 hidden unless asked


def select(case: Case, criteria: CaseFilter) -> bool:
    checks = (
        criteria.drills or not case.drill,
        not criteria.statuses or case.status.value in criteria.statuses,
        not criteria.levels or case.level in criteria.levels,
        not criteria.units or case.unit in criteria.units,
        not criteria.categories or case.category.value in criteria.categories,
        criteria.since is None or case.discovered_at >= criteria.since,
        criteria.until is None or case.discovered_at < criteria.until,
    )
    return all(checks)
