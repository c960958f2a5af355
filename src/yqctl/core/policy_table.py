"""A policy as readable Chinese tables (``yqctl policy show``): levels, rules, deadlines, escalation.

Pure: returns rows of strings; the CLI picks the renderer (rich, markdown, JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yqctl.core.conditions import RuleCondition
from yqctl.core.durations import minutes_label
from yqctl.core.enums import Action, label
from yqctl.core.policy import START_LABELS, DeadlineSpec, Policy

EVERY_CASE = "所有舆情"


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "headers": list(self.headers),
            "rows": [list(r) for r in self.rows],
        }


def policy_tables(policy: Policy) -> list[Table]:
    """The four tables of ``yqctl policy show``."""
    return [
        level_table(policy),
        rule_table(policy),
        deadline_table(policy),
        escalation_table(policy),
    ]


def _when(condition: RuleCondition | None) -> str:
    return condition.describe() if condition is not None else EVERY_CASE


def level_table(policy: Policy) -> Table:
    rows = tuple(
        (
            str(spec.id),
            spec.name,
            spec.description or "",
            "是" if spec.id in policy.major.levels else "",
        )
        for spec in sorted(policy.levels, key=lambda spec: spec.id)
    )
    return Table("舆情级别（数字越小越严重）", ("级别", "名称", "说明", "重大舆情"), rows)


def rule_table(policy: Policy) -> Table:
    rows = [
        (
            policy.level_name(rule.level),
            rule.id,
            rule.text,
            rule.when.describe(),
            rule.clause,
            "启用" if rule.enabled else "未启用（可选）",
        )
        for rule in sorted(policy.rules, key=lambda rule: rule.level)
    ]
    if policy.default is not None:
        default = policy.default
        rows.append(
            (
                policy.level_name(default.level),
                default.id,
                default.text,
                "其他规则均不命中时",
                default.clause,
                "默认",
            )
        )
    headers = ("级别", "规则", "内容", "条件", "条款", "状态")
    return Table(
        "定级规则（命中的最高级别生效；signals.major 非空时以其认定重大舆情）", headers, tuple(rows)
    )


def deadline_table(policy: Policy) -> Table:
    rows = [_deadline_row(spec, policy) for spec in policy.deadlines]
    rows.append(_follow_up_row(policy))
    headers = ("适用", "事项", "时限", "起算", "完成动作", "条款")
    return Table(
        f"时限要求（“第一时间”按 {minutes_label(policy.immediate.amount)} 计）",
        headers,
        tuple(rows),
    )


def _deadline_row(spec: DeadlineSpec, policy: Policy) -> tuple[str, ...]:
    return (
        _when(spec.when),
        spec.title,
        spec.within.label(policy.immediate),
        START_LABELS[spec.from_],
        " 或 ".join(label(action) for action in spec.closed_by),
        spec.clause,
    )


def _follow_up_row(policy: Policy) -> tuple[str, ...]:
    every = policy.follow_up_every
    within = f"每 {every.label()}" if every else "未开启（follow_up_every: null）"
    return (
        _when(policy.follow_up_when),
        "及时续报有关情况",
        within,
        "发现时间或上次续报",
        label(Action.follow_up),
        policy.follow_up_clause or "",
    )


def escalation_table(policy: Policy) -> Table:
    rows = tuple(
        (
            policy.level_name(level),
            policy.target_title(item.to),
            item.to,
            _when(item.when) if item.when else "",
            item.note or "",
        )
        for level in sorted(policy.escalation, reverse=True)
        for item in policy.escalation[level]
    )
    headers = ("级别", "通知对象", "键", "条件", "说明")
    return Table("通知与上报（逐级累加：较高级别同时通知较低级别的对象）", headers, rows)
