"""Choosing cases by status, level, unit, category and discovery time.

``yqctl list`` works on each case's summary (its fields without the timeline, grading, summary
text and closure, as JSON), which the case index stores: listing 10,000 cases then builds no
model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from yqctl.core.case import Case

CaseSummary = Mapping[str, Any]  # Case.model_dump(mode="json") without the LEFT_OUT fields
LEFT_OUT = frozenset({"timeline", "grading", "summary", "closure"})


def summarize(case: Case) -> dict[str, Any]:
    """What ``yqctl list --json`` shows of a case."""
    return case.model_dump(mode="json", exclude=set(LEFT_OUT))


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


def discovered_at(summary: CaseSummary) -> datetime:
    return datetime.fromisoformat(summary["discovered_at"])


def select(summary: CaseSummary, criteria: CaseFilter) -> bool:
    checks = (
        criteria.drills or not summary["drill"],
        not criteria.statuses or summary["status"] in criteria.statuses,
        not criteria.levels or summary["level"] in criteria.levels,
        not criteria.units or summary["unit"] in criteria.units,
        not criteria.categories or summary["category"] in criteria.categories,
        criteria.since is None or discovered_at(summary) >= criteria.since,
        criteria.until is None or discovered_at(summary) < criteria.until,
    )
    return all(checks)
