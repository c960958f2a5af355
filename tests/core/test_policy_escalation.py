"""Escalation (university 二/五(一)/五(二); middle school 三/四): cumulative lists resolved from
org.yaml, special tokens for the case's unit, placeholders for what org.yaml lacks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.policy_helpers import MIDDLE, UNIVERSITY, make_case
from yqctl.core.config import Org
from yqctl.core.escalation import contacts, missing_targets, targets_for


def _contact(title: str) -> dict[str, str]:
    return {"title": title, "name": f"{title}某", "phone": "0516-0000"}


def _org(roles: list[str], external: list[str], units: dict[str, Any]) -> Org:
    return Org.model_validate(
        {
            "version": 1,
            "units": units,
            "roles": {key: _contact(key) for key in roles},
            "external": {key: _contact(key) for key in external},
        }
    )


UNIVERSITY_ORG = _org(
    roles=list(UNIVERSITY.roles),
    external=list(UNIVERSITY.external),
    units={
        "后勤处": {
            "head": _contact("处长"),
            "officers": [_contact("信息员甲"), _contact("信息员乙")],
        },
        "学生处": {"head": _contact("处长")},
        "校团委": {"head": _contact("书记")},
    },
)

LEVEL3 = ["unit.head", "unit.officers", "unit.officers", "office"]
LEVEL2 = [
    *LEVEL3,
    "office_director",
    "office_deputy_security",
    "office_deputy_it",
    "group_deputy",
    "external.superior_network",
]
LEVEL1 = [
    *LEVEL2,
    "group_leader",
    "party_secretary",
    "president",
    "party_office",
    "external.cac",
    "external.education_dept",
    "units.学生处.head",
    "units.校团委.head",
    "external.police",
    "external.state_security",
]


@pytest.mark.parametrize(("level", "roles"), [(3, LEVEL3), (2, LEVEL2), (1, LEVEL1)])
def test_university_lists_are_cumulative(level: int, roles: list[str]) -> None:
    found = contacts(make_case(), level, UNIVERSITY, UNIVERSITY_ORG)
    assert [c.role for c in found] == roles
    assert not any(c.missing for c in found)


def test_contacts_carry_org_details_and_policy_notes() -> None:
    found = {c.role: c for c in contacts(make_case(), 1, UNIVERSITY, UNIVERSITY_ORG)}
    head = found["unit.head"]
    assert (head.title, head.name, head.phone) == (
        "后勤处第一责任人（处长）",
        "处长某",
        "0516-0000",
    )
    assert found["units.学生处.head"].title == "学生处第一责任人（处长）"
    assert found["external.police"].note == "必要时由保卫处联系，请求支持与协助（五(一)5）"
    assert found["group_leader"].level == 1 and head.level == 3
    assert found["office"].to_json()["role"] == "office"


def test_foreign_media_brings_in_the_propaganda_head_at_any_level() -> None:
    case = make_case(signals={"foreign_media": True})
    found = contacts(case, 3, UNIVERSITY, UNIVERSITY_ORG)
    assert [c.role for c in found] == [*LEVEL3, "office_director"]
    assert "外媒" in (found[-1].note or "")
    # listed once even where level 2 lists the director again
    assert [c.role for c in contacts(case, 2, UNIVERSITY, UNIVERSITY_ORG)].count(
        "office_director"
    ) == 1


def test_missing_roles_and_units_become_placeholders() -> None:
    org = _org(roles=["office"], external=[], units={"后勤处": None})
    found = contacts(make_case(), 2, UNIVERSITY, org)
    by_role = {c.role: c for c in found}
    assert by_role["office"].missing is False
    assert by_role["unit.head"].missing and "后勤处第一责任人" in by_role["unit.head"].title
    assert by_role["unit.officers"].missing
    director = by_role["office_director"]
    assert director.missing and director.title == "办公室主任（党委宣传部部长）（org.yaml 未登记）"
    assert by_role["external.superior_network"].title == "上级网络管理部门（org.yaml 未登记）"
    unknown_unit = contacts(make_case(unit="宣传部"), 3, UNIVERSITY, org)[0]
    assert unknown_unit.missing and "未登记单位 宣传部" in unknown_unit.title


def test_missing_targets_for_check() -> None:
    org = _org(roles=["office", "group_leader"], external=["police"], units={})
    missing = missing_targets(UNIVERSITY, org)
    assert "office" not in missing and "external.police" not in missing
    assert missing[:2] == ["office_director", "office_deputy_security"]
    assert "external.cac" in missing
    assert missing_targets(UNIVERSITY, UNIVERSITY_ORG) == []


MIDDLE_ORG = _org(
    roles=list(MIDDLE.roles),
    external=list(MIDDLE.external),
    units={"总务处": {"head": _contact("主任"), "officers": [_contact("宣传舆情员")]}},
)


@pytest.mark.parametrize(
    ("level", "category", "roles"),
    [
        (2, "other", ["unit.head", "unit.officers", "office"]),
        # 四(三)1: replies to inquiries are reviewed by the 分管副校长
        (2, "inquiry", ["unit.head", "unit.officers", "office", "group_deputy"]),
        # 四(三)3: 执纪执法部门 for fabrication at once; 四(三)2: for malicious spread only when it
        # goes on after the truth was told, with serious effects (see the test below)
        (2, "malicious_spread", ["unit.head", "unit.officers", "office"]),
        (2, "fabrication", ["unit.head", "unit.officers", "office", "external.discipline_law"]),
        # 四(二): 马上报 领导小组、区教体局宣传科、辖区公安; 宣传科, 办公室副主任 follow
        (
            1,
            "other",
            [
                "unit.head",
                "unit.officers",
                "office",
                "group_deputy",
                "group_leader",
                "external.district_edu",
                "external.police",
                "propaganda",
                "office_deputy",
            ],
        ),
    ],
)
def test_middle_school_escalation(level: int, category: str, roles: list[str]) -> None:
    case = make_case(unit="总务处", category=category)
    assert [c.role for c in contacts(case, level, MIDDLE, MIDDLE_ORG)] == roles


def test_targets_for_orders_least_severe_first() -> None:
    assert [level for level, _ in targets_for(MIDDLE, 1)] == [2] * 5 + [1] * 6
    assert [item.to for _, item in targets_for(MIDDLE, 2)][:3] == [
        "unit.head",
        "unit.officers",
        "office",
    ]


@pytest.mark.parametrize(
    ("signals", "called_in"),
    [
        ({}, False),
        ({"spreads_after_truth": True}, False),
        ({"serious_consequences": True}, False),
        ({"spreads_after_truth": True, "serious_consequences": True}, True),
    ],
)
def test_middle_school_calls_in_discipline_law_for_malicious_spread_only_on_its_condition(
    signals: dict[str, bool], called_in: bool
) -> None:
    """四(三)2: “告知事实真相、事件处置情况后仍继续恶意传播或炒作”, with serious effects."""
    case = make_case(unit="总务处", category="malicious_spread", signals=signals)
    roles = [c.role for c in contacts(case, 2, MIDDLE, MIDDLE_ORG)]
    assert ("external.discipline_law" in roles) is called_in


@pytest.mark.parametrize(
    ("category", "signals", "extra"),
    [
        ("inquiry", {}, []),
        ("malicious_spread", {}, ["units.保卫处.head"]),
        ("fabrication", {}, ["units.保卫处.head"]),
        ("other", {"referral_needed": True}, ["external.police"]),
    ],
)
def test_university_looks_at_the_category_where_six_one_does(
    category: str, signals: dict[str, bool], extra: list[str]
) -> None:
    """六(一): 党委保卫部 for 恶意传播、捏造、诽谤; 执法部门 when the office judges it necessary."""
    case = make_case(category=category, signals=signals)
    roles = [c.role for c in contacts(case, 3, UNIVERSITY, UNIVERSITY_ORG)]
    assert roles == [*LEVEL3, *extra]
