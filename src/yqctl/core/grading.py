"""Grading (定级): apply a policy's rules to a case's signals and category.

The highest matching level wins (the smallest number); when nothing matches, the policy's default
level (university 三级, middle school 一般). 重大舆情 is derived from the level unless the case's
``signals.major`` says otherwise. The office may override the level, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from yqctl.core.case import Case, GradingEntry, Signals
from yqctl.core.conditions import case_facts
from yqctl.core.enums import Status
from yqctl.core.policy import Policy
from yqctl.errors import YqError


@dataclass(frozen=True)
class MatchedRule:
    """A rule that matched (or the default level that applied), with its clause ("" for a
    criterion the document does not give: the school's own)."""

    id: str
    level: int
    text: str
    clause: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "text": self.text, "clause": self.clause}


@dataclass(frozen=True)
class GradeResult:
    """What ``grade`` decided: the level to record, and why."""

    level: int
    level_name: str  # 一级 / 重大网络舆情 …
    major: bool  # 重大舆情
    matched_rules: tuple[MatchedRule, ...]  # every matching rule, most severe first
    rule_level: int | None  # the level the rules give (differs from ``level`` when overridden)
    override_reason: str | None = None  # 改定理由
    policy: str = ""  # the policy's id

    @property
    def overridden(self) -> bool:
        return self.override_reason is not None

    def to_json(self) -> dict[str, Any]:
        """The grading part of ``grade --json`` (the CLI adds id, contacts and deadlines)."""
        return {
            "level": self.level,
            "level_name": self.level_name,
            "major": self.major,
            "matched_rules": [rule.to_json() for rule in self.matched_rules],
            "rule_level": self.rule_level,
            "override_reason": self.override_reason,
        }

    def to_entry(
        self, at: datetime, by: str | None, policy_hash: str | None = None
    ) -> GradingEntry:
        """The ``grading`` entry to append to the case file."""
        return GradingEntry(
            at=at,
            by=by,
            level=self.level,
            level_name=self.level_name,
            major=self.major,
            policy=self.policy,
            policy_hash=policy_hash,
            matched=[rule.id for rule in self.matched_rules],
            override_reason=self.override_reason,
        )


def matching_rules(case: Case, policy: Policy) -> list[MatchedRule]:
    """Every enabled rule whose condition the case meets, most severe first, file order within."""
    facts = case_facts(case, level=None, major=False)  # rules cannot read level/major
    matched = [
        MatchedRule(rule.id, rule.level, rule.text, rule.clause or "")
        for rule in policy.active_rules
        if rule.when.matches(facts)
    ]
    return sorted(matched, key=lambda rule: rule.level)  # sorted() is stable: file order kept


def derive_major(level: int | None, signals: Signals, policy: Policy) -> bool:
    """重大舆情: ``signals.major`` when set, else whether the level is one of the policy's major ones."""
    if signals.major is not None:
        return signals.major
    return level is not None and level in policy.major.levels


def grade(
    case: Case,
    policy: Policy,
    *,
    override_level: int | None = None,
    reason: str | None = None,
) -> GradeResult:
    """Grade ``case`` by ``policy``; ``override_level`` (with a ``reason``) replaces the result."""
    matched = matching_rules(case, policy)
    if not matched and policy.default is not None:
        default = policy.default
        matched = [MatchedRule(default.id, default.level, default.text, default.clause)]
    rule_level = matched[0].level if matched else None
    level = _final_level(rule_level, override_level, reason, policy)
    return GradeResult(
        level=level,
        level_name=policy.level_name(level),
        major=derive_major(level, case.signals, policy),
        matched_rules=tuple(matched),
        rule_level=rule_level,
        override_reason=reason.strip() if override_level is not None and reason else None,
        policy=policy.id,
    )


def _final_level(
    rule_level: int | None, override_level: int | None, reason: str | None, policy: Policy
) -> int:
    if override_level is None:
        if rule_level is None:
            raise YqError(
                f"策略 {policy.id} 的规则均未命中，且未设默认级别；请用 --level 指定级别并用 --reason 说明理由"
            )
        return rule_level
    if override_level not in policy.level_ids:
        names = "、".join(f"{n}（{policy.level_name(n)}）" for n in policy.level_ids)
        raise YqError(f"级别 {override_level} 不在策略 {policy.id} 中；可选：{names}")
    if not reason or not reason.strip():
        raise YqError("人工指定级别须说明理由（--reason），理由会写入定级记录")
    return override_level


def with_grade(
    case: Case,
    result: GradeResult,
    at: datetime,
    by: str | None,
    policy_hash: str | None = None,
) -> Case:
    """The case after recording ``result``: level set, grading entry appended, status → graded.

    Status moves forward only from ``open``: re-grading a case being handled keeps its status.
    The caller appends the ``graded`` timeline entry if it records one.
    """
    status = Status.graded if case.status is Status.open else case.status
    return case.model_copy(
        update={
            "level": result.level,
            "grading": [*case.grading, result.to_entry(at, by, policy_hash)],
            "status": status,
        }
    )


def current_major(case: Case, policy: Policy) -> bool:
    """Is the case, as it stands now, a 重大舆情? What its grading recorded, as for the level.

    重大 starts duties whose clocks count from when it was recognised (core.arising), and only a
    grading records when: ``signals.major`` is the office's judgement that grading reads, as the
    other signals are, and a change to it counts once ``grade`` records it. A 待定级 case is not
    重大 yet; a level without a grading record of its own (a hand edit) is judged as it stands.
    """
    if case.level is None:
        return False
    if case.grading and case.grading[-1].level == case.level:
        return case.grading[-1].major
    return derive_major(case.level, case.signals, policy)
