"""The 专报 on one case: core summary, risk judgement, and the sections leaders read.

Order of an official 专报: a core summary of at most 200 characters and a one-line risk judgement
first, then 事件概况, 传播态势 (critical voices as well as supportive ones), 研判（级别、依据）,
处置情况（时间线）, 下一步工作, 证据清单 with hashes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from yqctl.core.case import Case
from yqctl.core.deadlines import STATUS_LABELS, DeadlineState, DeadlineStatus, case_states
from yqctl.core.enums import Stance, label
from yqctl.core.grading import current_major
from yqctl.core.policy import Policy
from yqctl.core.views import (
    Letterhead,
    SourceLine,
    Spread,
    TimelineLine,
    level_phrase,
    level_text,
    source_line,
    spread_of,
    timeline_lines,
)
from yqctl.core.workdays import WorkCalendar

SUMMARY_LIMIT = 200  # 核心摘要不超过 200 字


@dataclass(frozen=True)
class RuleLine:
    """A rule the grading matched, with its text and clause (定级依据)."""

    id: str
    text: str
    clause: str


@dataclass(frozen=True)
class Judgement:
    """研判: the level and why."""

    level: int | None
    level_name: str
    major: bool
    rules: tuple[RuleLine, ...]
    override_reason: str | None
    graded_at: datetime | None
    graded_by: str | None


@dataclass(frozen=True)
class NextStep:
    """An unmet deadline: the work still to do (下一步工作)."""

    title: str
    clause: str
    due: datetime | None
    status: str
    status_label: str


@dataclass(frozen=True)
class EvidenceLine:
    path: str
    sha256: str | None
    platform_label: str
    url: str | None


@dataclass(frozen=True)
class SpecialReport:
    head: Letterhead
    case_id: str
    title: str
    core_summary: str  # ≤ 200 字
    risk: str  # 一行风险研判
    risk_grade: str  # 高 / 较高 / 中 / 低
    unit: str
    category_label: str
    status_label: str
    discovered_at: datetime
    discovered_by: str | None
    summary: str | None
    drill: bool
    confidential: bool
    sources: tuple[SourceLine, ...]
    spread: Spread
    critical: tuple[SourceLine, ...]  # 批评/质疑的声音
    supportive: tuple[SourceLine, ...]  # 支持/理解的声音
    judgement: Judgement
    timeline: tuple[TimelineLine, ...]
    next_steps: tuple[NextStep, ...]
    evidence: tuple[EvidenceLine, ...]
    closure_result: str | None
    closure_evaluation: str | None


def special_report(
    case: Case,
    policy: Policy,
    calendar: WorkCalendar,
    zone: ZoneInfo,
    now: datetime,
    head: Letterhead,
) -> SpecialReport:
    states = case_states(case, policy, calendar, zone, now)
    sources = tuple(source_line(s, zone) for s in case.sources)
    spread = spread_of(case)
    steps = next_steps(states)
    return SpecialReport(
        head=head,
        case_id=case.id,
        title=case.title,
        core_summary=core_summary(case, policy, spread, zone),
        risk=risk_line(case, policy, spread, states),
        risk_grade=risk_grade(case, policy),
        unit=case.unit,
        category_label=label(case.category),
        status_label=label(case.status),
        discovered_at=case.discovered_at.astimezone(zone),
        discovered_by=case.discovered_by,
        summary=(case.summary or "").strip() or None,
        drill=case.drill,
        confidential=case.confidential,
        sources=sources,
        spread=spread,
        critical=tuple(s for s in sources if s.stance == Stance.critical.value),
        supportive=tuple(s for s in sources if s.stance == Stance.supportive.value),
        judgement=judgement(case, policy, zone),
        timeline=tuple(timeline_lines(case.timeline, zone)),
        next_steps=steps,
        evidence=tuple(
            EvidenceLine(s.evidence, s.sha256, s.platform_label, s.url)
            for s in sources
            if s.evidence
        ),
        closure_result=case.closure.result if case.closure else None,
        closure_evaluation=case.closure.evaluation if case.closure else None,
    )


def judgement(case: Case, policy: Policy, zone: ZoneInfo) -> Judgement:
    """The latest grading, its rules looked up in the policy for their text and clause."""
    latest = case.grading[-1] if case.grading else None
    rules: list[RuleLine] = []
    for rule_id in latest.matched if latest else []:
        spec = next((r for r in policy.rules if r.id == rule_id), None)
        if spec is None and policy.default is not None and policy.default.id == rule_id:
            spec_text, clause = policy.default.text, policy.default.clause
        elif spec is None:
            spec_text, clause = f"（规则 {rule_id} 已不在现行策略中）", ""
        else:
            spec_text, clause = spec.text, spec.clause or ""
        rules.append(RuleLine(rule_id, spec_text, clause))
    return Judgement(
        level=case.level,
        level_name=level_text(case, policy),
        major=bool(latest and latest.major),
        rules=tuple(rules),
        override_reason=latest.override_reason if latest else None,
        graded_at=latest.at.astimezone(zone) if latest else None,
        graded_by=latest.by if latest else None,
    )


def next_steps(states: list[DeadlineState]) -> tuple[NextStep, ...]:
    """Every deadline not met yet, overdue first, then by due time."""
    open_states = [s for s in states if not s.is_met]
    rank = {DeadlineStatus.overdue: 0, DeadlineStatus.due_soon: 1, DeadlineStatus.open: 2}
    ordered = sorted(
        open_states,
        key=lambda s: (
            rank.get(s.status, 3),
            s.deadline.due is None,
            s.deadline.due or s.deadline.start,
        ),
    )
    return tuple(
        NextStep(
            s.deadline.title,
            s.deadline.clause,
            s.deadline.due,
            s.status.value,
            STATUS_LABELS[s.status],
        )
        for s in ordered
    )


def risk_grade(case: Case, policy: Policy) -> str:
    """高 for the most serious level (or 重大), 较高 for the next, then by spread."""
    ids = sorted(policy.level_ids)
    if case.level is None:
        return "待研判"
    if current_major(case, policy) or case.level == ids[0]:
        return "高"
    if len(ids) > 2 and case.level == ids[1]:
        return "较高"
    return "中" if case.signals.spread.value != "isolated" or case.signals.harmful else "低"


def risk_line(case: Case, policy: Policy, spread: Spread, states: list[DeadlineState]) -> str:
    """风险研判：高。一级舆情，全局性热点，外媒介入；2 项处置时限已超时。"""
    grade = risk_grade(case, policy)
    parts = [level_phrase(case, policy), spread.spread_label]
    parts += list(spread.flags)
    overdue = sum(1 for s in states if s.status is DeadlineStatus.overdue)
    tail = f"；{overdue} 项处置时限已超时" if overdue else ""
    return f"风险研判：{grade}。{'，'.join(parts)}{tail}。"


def core_summary(case: Case, policy: Policy, spread: Spread, zone: ZoneInfo) -> str:
    """核心摘要：when, where, what, how far it spread, the level, where it stands; ≤ 200 字."""
    when = case.discovered_at.astimezone(zone)
    platforms = "、".join(dict.fromkeys(label(s.platform) for s in case.sources)) or "网络"
    graded = f"经研判为{level_phrase(case, policy)}" if case.level else "尚待定级"
    head = f"{when.month}月{when.day}日{when.hour:02d}:{when.minute:02d}，{platforms}出现涉及{case.unit}的舆情“{case.title}”。"
    tail = (
        f"目前{spread.spread_label}，帖文{spread.posts}、转发{spread.reposts}、评论{spread.comments}，"
        f"{graded}，处置状态：{label(case.status)}。"
    )
    body = "".join((case.summary or "").split())
    room = SUMMARY_LIMIT - len(head) - len(tail)
    if room < 8:  # a very long title: keep the facts, drop the quoted summary
        return (head + tail)[:SUMMARY_LIMIT]
    return head + _clip(body, room) + tail


def _clip(text: str, room: int) -> str:
    """At most ``room`` characters, cut after a whole sentence when one fits, else with …."""
    if len(text) <= room:
        return text
    end = text.rfind("。", 0, room)
    return text[: end + 1] if end >= room // 3 else text[: room - 1] + "…"
