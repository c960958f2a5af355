"""A policy as readable Chinese tables (``yqctl policy show``): levels, rules, deadlines with their
start points, owners and the document's words, escalation, the consequence of poor handling, and
last the sentences the policy deliberately does not model — so that a clerk can read it against
the paper section by section and see that nothing was passed over.

Pure: returns rows of strings; the CLI picks the renderer (rich, markdown, JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yqctl.core.conditions import RuleCondition
from yqctl.core.durations import minutes_label
from yqctl.core.enums import Action, StartPoint, label
from yqctl.core.policy import START_LABELS, DeadlineSpec, Policy

EVERY_CASE = "所有舆情"
NO_CLAUSE = "—（原文无此条，学校自定）"
FOLLOW_UP_OFF = "未开启：在策略文件中把 follow_up_every: null 改为间隔（如 4h）即开启"


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
    tables = [
        level_table(policy),
        rule_table(policy),
        deadline_table(policy),
        escalation_table(policy),
    ]
    if policy.accountability is not None:
        tables.append(accountability_table(policy))
    return [*tables, not_modelled_table(policy)]


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
            rule.clause or NO_CLAUSE,
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
    headers = ("适用", "事项", "时限", "起算", "责任", "完成动作", "条款", "原文")
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
        start_text(spec.from_, spec.when),
        policy.owner_title(spec.owner),
        " 或 ".join(label(action) for action in spec.closed_by),
        spec.clause,
        spec.quote or "",
    )


def start_text(point: StartPoint, when: RuleCondition | None) -> str:
    """The start point in words; for ``applicable``, what the grading records must show."""
    if point is not StartPoint.applicable:
        return START_LABELS[point]
    fields = when.fields() if when is not None else set()
    by = [
        name
        for field, name in (("level", "达到适用级别"), ("major", "认定为重大舆情"))
        if field in fields
    ]
    if not by:
        return "发现时间（适用条件不随定级变化）"
    return "或".join(by) + "之时（按定级记录；降级后再升级则重新起算）"


def _follow_up_row(policy: Policy) -> tuple[str, ...]:
    every = policy.follow_up_every
    within = f"每 {every.label()}" if every else FOLLOW_UP_OFF
    start = start_text(StartPoint.applicable, policy.follow_up_when)
    return (
        _when(policy.follow_up_when),
        "及时续报有关情况",
        within,
        f"上次续报；首次自{start}",
        policy.owner_title(policy.follow_up_owner),
        label(Action.follow_up),
        policy.follow_up_clause or "",
        policy.follow_up_quote or "",
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


def accountability_table(policy: Policy) -> Table:
    """The document's consequence of poor handling, and where yqctl shows it (``stats``)."""
    spec = policy.accountability
    assert spec is not None
    row = (
        spec.clause,
        spec.text,
        _when(spec.when),
        "yqctl stats 按时段列出在这些案件上有超时或逾期完成时限的责任方，供领导小组研判，不作结论",
    )
    headers = ("条款", "原文", "适用案件", "yqctl 如何体现")
    return Table("处置不力的后果（只列名单，不作结论）", headers, (row,))


def not_modelled_table(policy: Policy) -> Table:
    """The sentences the policy deliberately leaves out: considered, not overlooked."""
    rows = tuple((item.clause, item.text, item.why) for item in policy.not_modelled)
    headers = ("条款", "原文", "为何不作为时限或规则")
    return Table("未建模的原文（已逐条考虑，有意不作为时限或规则）", headers, rows)
