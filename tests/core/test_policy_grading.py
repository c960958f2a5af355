"""Grading (四 of the university 办法; the middle-school 预案's 重大 level): every rule is met just
so, and missed just so."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.policy_helpers import MIDDLE, UNIVERSITY, make_case, policy_data, t
from yqctl.core.grading import derive_major, grade, matching_rules, with_grade
from yqctl.core.policy import Policy
from yqctl.errors import YqError

# (signals, expected level, expected matched rule ids, expected major)
UNIVERSITY_CASES: list[tuple[str, dict[str, Any], int, list[str], bool]] = [
    # 一级 u1-authority: 公安机关等要求中断和查找
    ("u1-authority meets", {"authority_request": True}, 1, ["u1-authority"], True),
    ("u1-authority misses", {"authority_request": False}, 3, ["u3-general"], False),
    # 一级 u1-confidentiality: 违反保密规定违规发布 且 引起上级重视
    (
        "u1-confidentiality meets",
        {"staff_confidentiality_breach": True, "superior_attention": True},
        1,
        ["u1-confidentiality"],
        True,
    ),
    (
        "u1-confidentiality misses: no superior attention",
        {"staff_confidentiality_breach": True},
        3,
        ["u3-general"],
        False,
    ),
    (
        "u1-confidentiality misses: no breach",
        {"superior_attention": True},
        3,
        ["u3-general"],
        False,
    ),
    # 一级 u1-serious-consequences: 有害信息 且 产生严重后果
    (
        "u1-serious-consequences meets",
        {"harmful": True, "serious_consequences": True},
        1,
        ["u1-serious-consequences"],
        True,
    ),
    (
        "u1-serious-consequences misses: not harmful",
        {"serious_consequences": True},
        3,
        ["u3-general"],
        False,
    ),
    # 一级 u1-global-hotspot: 全局性热点 且 （有害 或 严重影响稳定）
    (
        "u1-global-hotspot meets by harmful",
        {"spread": "global_hotspot", "harmful": True},
        1,
        ["u1-global-hotspot"],
        True,
    ),
    (
        "u1-global-hotspot meets by stability impact",
        {"spread": "global_hotspot", "stability_impact": True},
        1,
        ["u1-global-hotspot"],
        True,
    ),
    (
        "u1-global-hotspot misses: hotspot alone",
        {"spread": "global_hotspot"},
        3,
        ["u3-general"],
        False,
    ),
    (
        "u1-global-hotspot misses: only local, stability impact",
        {"spread": "local_hotspot", "stability_impact": True},
        3,
        ["u3-general"],
        False,
    ),
    # 二级 u2-local-hotspot: 局部热点 且 有害
    (
        "u2-local-hotspot meets",
        {"spread": "local_hotspot", "harmful": True},
        2,
        ["u2-local-hotspot"],
        False,
    ),
    (
        "u2-local-hotspot misses: not harmful",
        {"spread": "local_hotspot"},
        3,
        ["u3-general"],
        False,
    ),
    (
        "u2-local-hotspot misses: harmful but isolated",
        {"spread": "isolated", "harmful": True},
        3,
        ["u3-general"],
        False,
    ),
    # 二级 u2-account-compromised: 官方账号、网站被攻击篡改
    (
        "u2-account-compromised meets",
        {"official_account_compromised": True},
        2,
        ["u2-account-compromised"],
        False,
    ),
    (
        "u2-account-compromised misses",
        {"official_account_compromised": False, "foreign_media": True},
        3,
        ["u3-general"],
        False,
    ),
    # 三级 default, and the highest matching level wins
    ("u3 default", {}, 3, ["u3-general"], False),
    (
        "highest level wins, every match reported",
        {"spread": "local_hotspot", "harmful": True, "authority_request": True},
        1,
        ["u1-authority", "u2-local-hotspot"],
        True,
    ),
    # 重大舆情: signals.major overrides the level's default
    ("major override on level 3", {"major": True}, 3, ["u3-general"], True),
    (
        "not major override on level 1",
        {"authority_request": True, "major": False},
        1,
        ["u1-authority"],
        False,
    ),
]


@pytest.mark.parametrize(
    ("signals", "level", "matched", "major"),
    [case[1:] for case in UNIVERSITY_CASES],
    ids=[case[0] for case in UNIVERSITY_CASES],
)
def test_university_rules(
    signals: dict[str, Any], level: int, matched: list[str], major: bool
) -> None:
    result = grade(make_case(signals=signals), UNIVERSITY)
    assert result.level == level
    assert result.level_name == {1: "一级", 2: "二级", 3: "三级"}[level]
    assert [rule.id for rule in result.matched_rules] == matched
    assert result.major is major
    assert all(rule.clause == "四" for rule in result.matched_rules)
    assert result.rule_level == level and not result.overridden


MIDDLE_CASES: list[tuple[str, dict[str, Any], int, list[str], bool]] = [
    ("m1-major meets", {"major": True}, 1, ["m1-major"], True),
    ("m1-major misses: not set", {}, 2, ["m2-general"], False),
    ("m1-major misses: set false", {"major": False}, 2, ["m2-general"], False),
    # optional criteria are documented but off in the shipped policy
    ("m1-hotspot is off", {"spread": "global_hotspot", "harmful": True}, 2, ["m2-general"], False),
    ("m1-authority is off", {"authority_request": True}, 2, ["m2-general"], False),
]


@pytest.mark.parametrize(
    ("signals", "level", "matched", "major"),
    [case[1:] for case in MIDDLE_CASES],
    ids=[case[0] for case in MIDDLE_CASES],
)
def test_middle_school_rules(
    signals: dict[str, Any], level: int, matched: list[str], major: bool
) -> None:
    result = grade(make_case(signals=signals), MIDDLE)
    assert (result.level, result.major) == (level, major)
    assert result.level_name == {1: "重大网络舆情", 2: "一般"}[level]
    assert [rule.id for rule in result.matched_rules] == matched


def _switched_on(*rule_ids: str) -> Policy:
    data = policy_data("middle-school")
    for rule in data["rules"]:
        if rule["id"] in rule_ids:
            rule["enabled"] = True
    return Policy.model_validate(data)


@pytest.mark.parametrize(
    ("rule_id", "meets", "misses"),
    [
        ("m1-hotspot", {"spread": "local_hotspot"}, {"spread": "isolated", "harmful": True}),
        ("m1-hotspot", {"spread": "global_hotspot"}, {"spread": "isolated"}),
        ("m1-authority", {"authority_request": True}, {"serious_consequences": True}),
        ("m1-authority", {"superior_attention": True}, {"stability_impact": True}),
    ],
)
def test_middle_school_optional_criteria_when_switched_on(
    rule_id: str, meets: dict[str, Any], misses: dict[str, Any]
) -> None:
    policy = _switched_on(rule_id)
    hit = grade(make_case(signals=meets), policy)
    assert (hit.level, hit.major, [r.id for r in hit.matched_rules]) == (1, True, [rule_id])
    assert grade(make_case(signals=misses), policy).level == 2


def test_signals_major_false_beats_an_optional_criterion() -> None:
    policy = _switched_on("m1-hotspot")
    result = grade(make_case(signals={"spread": "local_hotspot", "major": False}), policy)
    assert (result.level, result.major) == (1, False)


def test_override_level_with_reason() -> None:
    result = grade(make_case(), UNIVERSITY, override_level=1, reason=" 校领导批示按一级处置 ")
    assert (result.level, result.level_name, result.major) == (1, "一级", True)
    assert result.rule_level == 3 and result.overridden
    assert result.override_reason == "校领导批示按一级处置"
    assert [r.id for r in result.matched_rules] == ["u3-general"]


@pytest.mark.parametrize(
    ("level", "reason", "message"),
    [(1, None, "理由"), (1, "  ", "理由"), (4, "理由", "级别 4 不在策略 university 中")],
)
def test_override_refused(level: int, reason: str | None, message: str) -> None:
    with pytest.raises(YqError, match=message):
        grade(make_case(), UNIVERSITY, override_level=level, reason=reason)


def test_no_rule_and_no_default_needs_an_explicit_level() -> None:
    data = policy_data("university")
    del data["default"]
    policy = Policy.model_validate(data)
    with pytest.raises(YqError, match="未设默认级别"):
        grade(make_case(), policy)
    assert grade(make_case(), policy, override_level=3, reason="一般涉校").level == 3
    assert matching_rules(make_case(), policy) == []


def test_with_grade_records_the_entry_and_moves_status() -> None:
    case = make_case(signals={"official_account_compromised": True})
    result = grade(case, UNIVERSITY)
    graded = with_grade(case, result, t("09:45"), "舆情办值班员", policy_hash="abc123")
    assert graded.level == 2 and graded.status.value == "graded"
    entry = graded.grading[-1]
    assert (entry.level, entry.level_name, entry.major, entry.policy) == (
        2,
        "二级",
        False,
        "university",
    )
    assert entry.matched == ["u2-account-compromised"] and entry.policy_hash == "abc123"
    assert entry.at == t("09:45") and entry.by == "舆情办值班员"
    handling = with_grade(
        graded.model_copy(update={"status": "handling"}), result, t("10:00"), None
    )
    assert handling.status == "handling" and len(handling.grading) == 2


def test_to_json_carries_the_contract_keys() -> None:
    data = grade(make_case(signals={"authority_request": True}), UNIVERSITY).to_json()
    assert data["level"] == 1 and data["level_name"] == "一级" and data["major"] is True
    assert data["matched_rules"][0] == {
        "id": "u1-authority",
        "level": 1,
        "text": "公安机关等国家行政管理部门要求中断和查找的信息事件",
        "clause": "四",
    }


def test_derive_major_for_an_ungraded_case() -> None:
    assert derive_major(None, make_case().signals, UNIVERSITY) is False
    assert derive_major(None, make_case(signals={"major": True}).signals, UNIVERSITY) is True
