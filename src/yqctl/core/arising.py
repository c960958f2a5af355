"""When a duty arises (职责产生之时): the moment a deadline with ``from: applicable`` counts from.

The seed documents tie most duties to a level or to 重大舆情: “对于二级、一级舆情，学校涉事单位要在2小时内
…作出…报告” (university 五(二)), “发现重大网络舆情后，马上要报告…于发现后三小时内…跟帖” (middle school
四(二)). Such a duty does not exist before the case is one, so its clock cannot start earlier: a case
found at 09:00 as 三级 and raised to 二级 at 15:00 owes its 二级 reports from 15:00, not from 09:00 —
counted from discovery they were born overdue (issue 19).

yqctl records a case's level and its 重大 flag only by grading: each grading entry keeps its time,
level and ``major``. A case's history is therefore 待定级 (no level, not 重大) from discovery, then
each grading entry in the order recorded. A deadline counts from the first state of the *trailing*
run in which its ``when`` holds: 3 → 2 → 1 gives a duty of 二级 and above the time the case became
二级 and a 一级-only duty the time it became 一级; a duty a downgrade withdrew arises again, with a new
clock, when a later grading brings it back. Signals and category have no recorded history and are
read as they are now; a duty that reads only them therefore counts from discovery.

A case whose level has no grading record of its own (a hand edit) has no history to read: its
duties count from discovery, as every deadline did before. Pure: no clock, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from yqctl.core.case import Case
from yqctl.core.conditions import Condition, case_facts
from yqctl.core.policy import Policy

DISCOVERY_LABEL = "发现"


@dataclass(frozen=True)
class State:
    """What the grading records say the case was from ``at`` on."""

    at: datetime
    level: int | None  # None: 待定级
    major: bool


@dataclass(frozen=True)
class Arising:
    """The moment a duty arose and what happened then (``发现``, ``定为二级``, ``认定为重大舆情`` …).

    ``met_from``: since when an action meets the duty, if earlier than ``at``. A duty the *first*
    grading started may have been done while the case waited for it (a unit files its 登记表 before
    the office gets round to grading): nothing had decided otherwise yet, so that work counts. A
    duty a later grading started is a new one: what was done before was done for something else.
    """

    at: datetime
    label: str
    met_from: datetime | None = None


def history(case: Case) -> list[State] | None:
    """The case's states from discovery on, or None when its level is not what grading recorded."""
    first = State(case.discovered_at, None, False)
    if case.level is None:
        return [first]
    if not case.grading or case.grading[-1].level != case.level:
        return None  # a level no grading recorded: nothing tells when it was reached
    # a grading entry dated before discovery (a back-dated --now) counts from discovery
    graded = [State(max(g.at, case.discovered_at), g.level, g.major) for g in case.grading]
    return [first, *graded]


def arisen(case: Case, when: Condition | None, policy: Policy) -> Arising:
    """Since when ``when`` has held without a break, by the grading records (see the module)."""
    states = history(case)
    if when is None or states is None:
        return Arising(case.discovered_at, DISCOVERY_LABEL)
    start = len(states) - 1
    while start > 0 and when.matches(_facts(case, states[start - 1])):
        start -= 1
    if start == 0:
        return Arising(case.discovered_at, DISCOVERY_LABEL)
    label = _label(states[start - 1], states[start], policy)
    return Arising(states[start].at, label, case.discovered_at if start == 1 else None)


def _facts(case: Case, state: State) -> dict[str, object]:
    return case_facts(case, level=state.level, major=state.major)


def _label(before: State, after: State, policy: Policy) -> str:
    """What the grading that started the run did: 定为二级 / 定为一级（重大舆情）/ 认定为重大舆情 …"""
    level = policy.level_name(after.level)
    major = after.major != before.major
    if after.level == before.level:
        return ("认定为重大舆情" if after.major else "不再认定为重大舆情") if major else "重新定级"
    if major and after.major and "重大" not in level:  # 重大网络舆情 says it already
        return f"定为{level}（重大舆情）"
    return f"定为{level}"
