"""A case's life (处置状态): how its status follows the work, and the changes the office makes by
hand — moving it to another unit, setting a status, closing it with the 总结评估, reopening it.

Status follows the timeline: 已定级 after ``grade``, 处置中 after the first handling action, 已回应
after the first statement or reply, 动态跟踪 after tracking once it has been answered, 已办结 only by
``close``. It moves forward only; ``yqctl status`` moves it by hand (with a reason) for the
exceptions. Every change here is also a timeline entry, so the record says who did what and why.
Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from yqctl.core.case import Case
from yqctl.core.deadlines import case_states
from yqctl.core.due import DeadlineState
from yqctl.core.enums import Action, Status, label
from yqctl.core.policy import Policy
from yqctl.core.workdays import WorkCalendar

STAGES: tuple[Status, ...] = tuple(
    Status
)  # open → graded → handling → responded → tracking → closed

RESPONSES = frozenset(
    {Action.statement, Action.reply, Action.result_reply, Action.press_conference}
)
FOLLOWING = frozenset({Action.tracking, Action.follow_up})
# Entries that record the case's own bookkeeping, not handling: they leave the status as it is
BOOKKEEPING = frozenset(
    {
        Action.discovered,
        Action.reported_to_office,
        Action.graded,
        Action.evidence_saved,
        Action.summary,
        Action.note,
        Action.reassigned,
        Action.status_changed,
        Action.closed,
        Action.reopened,
    }
)
# The actions only their own command writes, with what that command records beside the entry:
# `act` would write the entry alone (a 定级 line with no level or grading record, a 证据保全 with no
# file or hash), so it refuses them and names the command (issue 19 item 10)
COMMAND_OF: dict[Action, tuple[str, str]] = {
    Action.discovered: ("yqctl new 或 yqctl import", "登记案件时写入"),
    Action.graded: ("yqctl grade", "同时写入级别和定级记录"),
    Action.evidence_saved: ("yqctl evidence add", "同时保存证据文件并记录 sha256"),
    Action.reassigned: ("yqctl assign", "同时改派涉事单位"),
    Action.status_changed: ("yqctl status", "同时调整状态并记下理由"),
    Action.closed: ("yqctl close", "同时写入处置结果和总结评估"),
    Action.reopened: ("yqctl reopen", "同时恢复处置状态"),
}
# What `act` records: every other action (its help, completion and error list only these)
ACT_ACTIONS: tuple[Action, ...] = tuple(a for a in Action if a not in COMMAND_OF)


def owned_refusal(action: Action) -> str | None:
    """Why ``act`` may not record ``action`` (another command owns it), or None."""
    if action not in COMMAND_OF:
        return None
    command, why = COMMAND_OF[action]
    return (
        f"“{label(action)}”（{action.value}）只由 {command} 记录（{why}），不能用 act 直接写入；"
        "如需补充说明，请记录 note（备注）"
    )


def stage(status: Status) -> int:
    return STAGES.index(status)


def later(a: Status, b: Status) -> Status:
    """The status further along the work."""
    return a if stage(a) >= stage(b) else b


def status_after(status: Status, action: Action) -> Status:
    """The status once ``action`` is recorded: forward only, and never to closed (``close`` does)."""
    if status is Status.closed or action in BOOKKEEPING:
        return status
    if action in RESPONSES:
        return later(status, Status.responded)
    if action in FOLLOWING and stage(status) >= stage(Status.responded):
        return later(status, Status.tracking)
    return later(status, Status.handling)


def replayed_status(case: Case) -> Status:
    """The status the record implies (for a reopened case): 已定级 if graded, then each entry."""
    status = Status.graded if case.level is not None else Status.open
    for entry in sorted(case.timeline, key=lambda e: e.at):
        status = status_after(status, entry.action)
    return status


def closed_refusal(case: Case, what: str) -> str | None:
    """Why a closed case may not be changed (``what``: 改派 …), or None."""
    if case.status is Status.closed:
        return f"案件 {case.id} 已办结，不能{what}；如需继续处置，请先 yqctl reopen {case.id} --reason …"
    return None


def status_refusal(case: Case, target: Status) -> str | None:
    """Why ``yqctl status`` may not set ``target``, in Chinese, or None when it may."""
    if target is Status.closed:
        return (
            f"办结请用 yqctl close {case.id} --result … --evaluation …（须写明处置结果和总结评估）"
        )
    if case.status is Status.closed:
        return f"案件 {case.id} 已办结；重新办理请用 yqctl reopen {case.id} --reason …"
    if target is case.status:
        return f"案件 {case.id} 的状态已是 {target.value}（{label(target)}）"
    if target is Status.open and case.level is not None:
        return f"案件 {case.id} 已定级，不能退回 open（待定级）；改定级别请用 yqctl grade --level N --reason …"
    if target is not Status.open and case.level is None:
        return f"案件 {case.id} 尚未定级，不能设为 {target.value}（{label(target)}）；请先 yqctl grade {case.id}"
    return None


def open_deadlines(
    case: Case, policy: Policy, calendar: WorkCalendar, zone: ZoneInfo, now: datetime
) -> list[DeadlineState]:
    """The policy deadlines of ``case`` not yet met at ``now``."""
    return [state for state in case_states(case, policy, calendar, zone, now) if not state.is_met]


def closure_record(
    closed_at: datetime,
    result: str,
    evaluation: str,
    lessons: str | None,
    improvements: str | None,
) -> dict[str, Any]:
    """The ``closure`` mapping as written to the file (keys in contract order)."""
    record: dict[str, Any] = {"closed_at": closed_at, "result": result, "evaluation": evaluation}
    if lessons:
        record["lessons"] = lessons
    if improvements:
        record["improvements"] = improvements
    return record
