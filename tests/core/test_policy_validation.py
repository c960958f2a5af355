"""The policy file format: the shipped files load; mistakes are ValidationErrors at the right key;
the condition language evaluates as documented."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from tests.core.policy_helpers import MIDDLE, UNIVERSITY, make_case, minimal_policy
from yqctl.core.case import Signals
from yqctl.core.conditions import Condition, RuleCondition, case_facts, condition_paths
from yqctl.core.policy import Policy


def test_shipped_policies_cite_a_clause_everywhere() -> None:
    for policy in (UNIVERSITY, MIDDLE):
        assert policy.immediate.amount == 30
        # every rule cites its clause, but the middle school's optional criterion the 预案 does
        # not give at all (issue 19: "cite the right words or none"), which says so
        uncited = [rule for rule in policy.rules if not rule.clause]
        assert [rule.id for rule in uncited] == (["m1-authority"] if policy is MIDDLE else [])
        assert all("预案未规定" in rule.text and not rule.enabled for rule in uncited)
        assert all(spec.clause for spec in policy.deadlines)
        assert policy.default is not None and policy.default.clause
        assert policy.follow_up_every is None
    assert [level.name for level in UNIVERSITY.levels] == ["一级", "二级", "三级"]
    assert UNIVERSITY.major.levels == (1,) and MIDDLE.major.levels == (1,)
    assert {r.id: r.enabled for r in MIDDLE.rules} == {
        "m1-major": True,
        "m1-hotspot": False,
        "m1-authority": False,
    }


def test_shipped_escalation_uses_the_team_role_names() -> None:
    assert set(UNIVERSITY.roles) == {
        "office", "office_director", "office_deputy_security", "office_deputy_it",
        "group_leader", "group_deputy", "party_secretary", "president", "party_office",
        "group",  # 领导小组: owner of the 研判 and 意见表 (五(二)), never notified on its own
    }  # fmt: skip
    assert set(UNIVERSITY.external) == {
        "cac", "police", "state_security", "superior_network", "education_dept",
    }  # fmt: skip
    assert set(MIDDLE.roles) == {
        "office", "office_deputy", "propaganda", "group_leader", "group_deputy",
    }  # fmt: skip
    assert set(MIDDLE.external) == {"district_edu", "police", "discipline_law"}


def _rule(when: Any) -> dict[str, Any]:
    return minimal_policy(
        rules=[{"id": "x", "level": 1, "when": when, "text": "规则", "clause": "一"}]
    )


def _deadline(**fields: Any) -> dict[str, Any]:
    spec = {"key": "d", "title": "事项", "within": "2h", "closed_by": ["reply"], "clause": "二"}
    return minimal_policy(deadlines=[spec | fields])


ERRORS: list[tuple[str, dict[str, Any], tuple[Any, ...], str]] = [
    # the condition language
    ("unknown field", _rule({"signals.harmfull": True}), ("rules", 0, "when", "signals.harmfull"),
     "未知的条件字段"),
    ("unknown field deep", _rule({"all": [{"signals.harmful": True}, {"any": [{"foo": 1}]}]}),
     ("rules", 0, "when", "all", 1, "any", 0, "foo"), "未知的条件字段"),
    ("unknown operator", _rule({"signals.posts": {"gtee": 100}}),
     ("rules", 0, "when", "signals.posts", "gtee"), "未知的运算符"),
    ("order on a bool", _rule({"signals.harmful": {"gt": True}}),
     ("rules", 0, "when", "signals.harmful", "gt"), "布尔字段可用 eq、ne"),
    ("bad value type", _rule({"signals.posts": {"gte": "many"}}),
     ("rules", 0, "when", "signals.posts", "gte"), "非负整数"),
    ("bool is not a count", _rule({"signals.posts": True}),
     ("rules", 0, "when", "signals.posts", "eq"), "非负整数"),
    ("unknown spread", _rule({"signals.spread": "viral"}),
     ("rules", 0, "when", "signals.spread", "eq"), "未知的传播范围"),
    ("unknown category in list", _rule({"category": ["inquiry", "rumour"]}),
     ("rules", 0, "when", "category", "in", 1), "未知的舆情类别"),
    ("rules cannot read level", _rule({"level": 1}), ("rules", 0, "when", "level"),
     "定级规则不能引用 level"),
    ("rules cannot read major", _rule({"any": [{"major": True}]}),
     ("rules", 0, "when", "any", 0, "major"), "定级规则不能引用"),
    ("empty condition", _rule({}), ("rules", 0, "when"), "条件不能为空"),
    ("empty any", _rule({"any": []}), ("rules", 0, "when", "any"), "不能为空"),
    ("empty test", _rule({"signals.posts": {}}), ("rules", 0, "when", "signals.posts"),
     "至少要有一个运算符"),
    ("python name is not the key", _rule({"signals_harmful": True}),
     ("rules", 0, "when", "signals_harmful"), "未知的条件字段"),
    ("deadline unknown field", _deadline(when={"levle": 2}), ("deadlines", 0, "when", "levle"),
     "未知的条件字段"),
    ("deadline level not positive", _deadline(when={"level": {"lte": 0}}),
     ("deadlines", 0, "when", "level", "lte"), "级别应为正整数"),
    # deadlines
    ("bad within", _deadline(within="2 hours"), ("deadlines", 0, "within"), "时限"),
    ("unknown action", _deadline(closed_by=["replied"]), ("deadlines", 0, "closed_by", 0),
     "未知的处置动作"),
    ("no action", _deadline(closed_by=[]), ("deadlines", 0, "closed_by"), "至少要列一个"),
    ("bad start point", _deadline(**{"from": "reported_at"}), ("deadlines", 0, "from"),
     "未知的起算点"),
    ("reserved key", _deadline(key="follow_up"), ("deadlines", 0, "key"), "保留键名"),
    ("unknown deadline key", _deadline(until="2h"), ("deadlines", 0, "until"), ""),
    # policy-wide
    ("immediate must be fixed", minimal_policy(immediate="until_done"), ("immediate",),
     "固定时长"),
    ("follow-up must be fixed", minimal_policy(follow_up_every="end_of_day"),
     ("follow_up_every",), "固定时长"),
    ("unknown top-level key", minimal_policy(deadline=[]), ("deadline",), ""),
    ("rule level undeclared", minimal_policy(rules=[
        {"id": "x", "level": 5, "when": {"signals.harmful": True}, "text": "t", "clause": "一"}]),
     ("rules", 0, "level"), "级别 5 未在 levels 中声明"),
    ("default level undeclared", minimal_policy(
        default={"level": 3, "id": "d", "text": "t", "clause": "一"}), ("default", "level"),
     "级别 3 未在 levels 中声明"),
    ("major level undeclared", minimal_policy(major={"levels": [1, 4]}), ("major", "levels", 1),
     "未在 levels 中声明"),
    ("duplicate level", minimal_policy(levels=[
        {"id": 1, "name": "一"}, {"id": 1, "name": "二"}, {"id": 2, "name": "二级"}]),
     ("levels", 1, "id"), "重复"),
    ("duplicate rule id", minimal_policy(rules=[
        {"id": "x", "level": 1, "when": {"signals.harmful": True}, "text": "t", "clause": "一"},
        {"id": "x", "level": 2, "when": {"signals.posts": 3}, "text": "t", "clause": "一"}]),
     ("rules", 1, "id"), "重复"),
    ("escalation level undeclared", minimal_policy(escalation={7: ["office"]}), ("escalation", 7),
     "级别 7 未在 levels 中声明"),
    ("escalation role undeclared", minimal_policy(escalation={2: ["unit.head", "office_boss"]}),
     ("escalation", 2, 1), "未在本策略的 roles 中声明"),
    ("escalation external undeclared", minimal_policy(escalation={1: ["external.cac"]}),
     ("escalation", 1, 0), "未在本策略的 external 中声明"),
    ("escalation bad target", minimal_policy(escalation={1: [{"to": "unit.boss"}]}),
     ("escalation", 1, 0, "to"), "通知对象"),
    ("escalation item condition", minimal_policy(escalation={1: [
        {"to": "office", "when": {"signals.foreing_media": True}}]}),
     ("escalation", 1, 0, "when", "signals.foreing_media"), "未知的条件字段"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "loc", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_errors_point_at_the_offending_key(
    data: dict[str, Any], loc: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Policy.model_validate(copy.deepcopy(data))
    errors = caught.value.errors()
    assert [e["loc"] for e in errors] == [loc], errors
    assert message in errors[0]["msg"]


def test_the_minimal_policy_is_valid() -> None:
    policy = Policy.model_validate(minimal_policy())
    assert policy.level_name(1) == "一级" and policy.level_name(None) == "待定级"
    assert policy.level_name(9) == "9级"
    assert policy.escalation[2][0].to == "unit.head"


# ---- evaluation ------------------------------------------------------------------------------

FACTS_CASE = make_case(
    category="fabrication",
    signals={"spread": "local_hotspot", "harmful": True, "posts": 120},
    level=2,
)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"signals.harmful": True}, True),
        ({"signals.harmful": False}, False),
        ({"signals.harmful": {"ne": False}}, True),
        ({"signals.posts": {"gte": 120}}, True),
        ({"signals.posts": {"gt": 120}}, False),
        ({"signals.posts": {"gte": 100, "lt": 120}}, False),  # every operator must hold
        ({"signals.posts": [100, 120]}, True),
        ({"signals.posts": {"not_in": [120]}}, False),
        ({"signals.spread": ["local_hotspot", "global_hotspot"]}, True),
        ({"signals.spread": {"ne": "local_hotspot"}}, False),
        ({"category": "fabrication", "signals.harmful": True}, True),  # implicit all
        ({"category": "fabrication", "signals.harmful": False}, False),
        ({"any": [{"signals.harmful": False}, {"category": "fabrication"}]}, True),
        ({"all": [{"signals.harmful": True}, {"category": "inquiry"}]}, False),
        ({"not": {"category": "inquiry"}}, True),
        ({"level": {"lte": 2}}, True),
        ({"level": 1}, False),
        ({"major": False}, True),
        ({"signals.major": True}, False),  # null satisfies no comparison
        ({"not": {"signals.major": True}}, True),
    ],
)
def test_condition_evaluation(condition: dict[str, Any], expected: bool) -> None:
    facts = case_facts(FACTS_CASE, level=FACTS_CASE.level, major=False)
    assert Condition.model_validate(condition).matches(facts) is expected


def test_an_ungraded_level_satisfies_no_comparison() -> None:
    facts = case_facts(FACTS_CASE, level=None, major=False)
    assert not Condition.model_validate({"level": {"ne": 1}}).matches(facts)
    assert Condition.model_validate({"not": {"level": 1}}).matches(facts)


def test_every_signal_can_be_compared() -> None:
    signals = {f"signals.{name}" for name in Signals.model_fields}
    assert signals | {"category", "level", "major"} == set(condition_paths())
    rule_fields = set(RuleCondition.model_fields) - set(Condition.model_fields)
    assert rule_fields == set()  # a rule condition is a deadline condition minus level/major


def test_descriptions_read_as_chinese() -> None:
    rule = next(r for r in UNIVERSITY.rules if r.id == "u1-global-hotspot")
    assert rule.when.describe() == "传播范围=全局性热点 且 （有害信息 或 严重影响学校和社会稳定）"
    assert Condition.model_validate({"major": False}).describe() == "非重大舆情"
    assert Condition.model_validate({"signals.posts": {"gte": 100}}).describe() == "帖文数≥100"
    assert Condition.model_validate({"not": {"category": ["inquiry"]}}).describe() == (
        "非舆情类别属于询问/置疑/诉求"
    )
    assert Condition.model_validate({"all": [{"signals.posts": 1}, {"level": 2}]}).fields() == {
        "signals.posts",
        "level",
    }
