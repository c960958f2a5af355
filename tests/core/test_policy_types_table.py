"""Incident-type templates (policies/types.yaml) and the readable policy tables."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.core.policy_helpers import MIDDLE, UNIVERSITY, load_yaml, make_case
from yqctl.core.case import Case
from yqctl.core.grading import grade
from yqctl.core.incident_types import IncidentTypes, apply_type, prefixed_title
from yqctl.core.policy_table import policy_tables
from yqctl.errors import YqError

TYPES = IncidentTypes.model_validate(load_yaml("types.yaml"))
EXPECTED_TYPES = {
    "canteen",
    "exam",
    "teacher_conduct",
    "safety",
    "mental_health",
    "fees",
    "account_defaced",
}


def test_the_shipped_types() -> None:
    assert set(TYPES.types) >= EXPECTED_TYPES
    for itype in TYPES.types.values():
        assert itype.first_actions and itype.title_prefix.startswith("【")
    assert TYPES.get("canteen").name == "食堂/食品安全"


def test_types_name_only_units_the_scaffolds_know() -> None:
    university = {"党委办公室", "党委宣传部", "信息中心", "学生处", "校团委", "保卫处", "后勤处",
                  "教务处", "招生就业处"}  # fmt: skip
    middle = {"办公室", "宣传科", "教务处", "政教处", "总务处"}
    for itype in TYPES.types.values():
        assert itype.unit_for("university") in university | {None}
        assert itype.unit_for("middle-school") in middle | {None}


@pytest.mark.parametrize(
    ("given", "policy", "expected"),
    [
        (
            {"title": "网传食堂饭菜有异物"},
            "university",
            {"title": "【食品安全】网传食堂饭菜有异物", "category": "inquiry", "unit": "后勤处"},
        ),
        (
            {"title": "【食品安全】网传食堂饭菜有异物", "unit": "机电工程学院"},
            "middle-school",
            {
                "title": "【食品安全】网传食堂饭菜有异物",
                "category": "inquiry",
                "unit": "机电工程学院",
            },
        ),
        (
            {"title": "食堂", "category": "fabrication"},
            "middle-school",
            {"title": "【食品安全】食堂", "category": "fabrication", "unit": "总务处"},
        ),
    ],
)
def test_apply_type_fills_gaps_and_the_user_wins(
    given: dict[str, str], policy: str, expected: dict[str, str]
) -> None:
    assert apply_type(given, TYPES.get("canteen"), policy) == expected


def test_signals_merge_key_by_key() -> None:
    merged = apply_type(
        {"title": "官网首页被篡改", "signals": {"harmful": False, "spread": "local_hotspot"}},
        TYPES.get("account_defaced"),
        "university",
    )
    assert merged["signals"] == {
        "official_account_compromised": True,
        "harmful": False,
        "spread": "local_hotspot",
    }
    assert merged["unit"] == "信息中心" and merged["title"] == "【网站账号被篡改】官网首页被篡改"


def test_a_typed_case_grades_as_the_policy_says() -> None:
    fields = apply_type({"title": "官网首页被篡改"}, TYPES.get("account_defaced"), "university")
    base = make_case().model_dump(mode="json", exclude={"title", "unit", "category", "signals"})
    case = Case.model_validate(base | fields)
    assert grade(case, UNIVERSITY).level == 2  # 四：官方网站被篡改 → 二级


def test_type_without_unit_leaves_it_to_the_user() -> None:
    merged = apply_type({"title": "师德"}, TYPES.get("teacher_conduct"), "university")
    assert "unit" not in merged
    assert prefixed_title("x", "【a】") == "【a】x"


def test_unknown_type_lists_the_known_ones() -> None:
    with pytest.raises(YqError, match=r"未知的事件类型 'canten'.*canteen（食堂/食品安全）"):
        TYPES.get("canten")


def test_type_file_errors_are_located() -> None:
    data = load_yaml("types.yaml")
    data["types"]["canteen"]["signals"] = {"harmfull": True}
    with pytest.raises(ValidationError) as caught:
        IncidentTypes.model_validate(data)
    assert caught.value.errors()[0]["loc"] == ("types", "canteen", "signals", "harmfull")


# ---- policy show --------------------------------------------------------------------------------


def test_university_tables() -> None:
    levels, rules, deadlines, escalation, accountability, unmodelled = policy_tables(UNIVERSITY)
    assert levels.rows[0][:2] == ("1", "一级") and levels.rows[0][3] == "是"
    assert [row[1] for row in rules.rows] == [
        "u1-authority",
        "u1-confidentiality",
        "u1-serious-consequences",
        "u1-global-hotspot",
        "u2-local-hotspot",
        "u2-account-compromised",
        "u3-general",
    ]
    assert rules.rows[-1][3] == "其他规则均不命中时" and rules.rows[-1][5] == "默认"
    assert deadlines.headers == (
        "适用", "事项", "时限", "起算", "责任", "完成动作", "条款", "原文",
    )  # fmt: skip
    by_title = {row[1]: row for row in deadlines.rows}
    leaders = by_title["第一时间报告学校党政主要领导"]
    assert leaders[:7] == (
        "舆情级别=1",
        "第一时间报告学校党政主要领导",
        "立即（30分钟）",
        "达到适用级别之时（按定级记录；降级后再升级则重新起算）",
        "党委宣传部",
        "报党政主要领导/领导小组",
        "五(二)、五(一)2",
    )
    assert "应在第一时间报告给学校党政主要领导" in leaders[7]
    assert by_title["重大舆情发声"][3].startswith("认定为重大舆情之时")
    assert (
        by_title["领导小组组长牵头召开舆情工作领导小组会议，进行舆情研判与处置"][4]
        == "领导小组组长"
    )
    assert by_title["其他舆情回应"][2:7] == ("48小时", "发现时间", "涉事单位",
                                       "答复 或 发声/告知真相/发布权威信息", "五(三)1")  # fmt: skip
    follow_up = by_title["及时续报有关情况"]
    assert follow_up[2] == "未开启：在策略文件中把 follow_up_every: null 改为间隔（如 4h）即开启"
    assert "30分钟" in deadlines.title
    assert escalation.rows[0] == (
        "三级",
        "涉事单位第一责任人",
        "unit.head",
        "",
        "本单位舆情管理工作第一责任人（二）",
    )
    assert ("一级", "XX市网信办", "external.cac") in [row[:3] for row in escalation.rows]
    assert rules.to_json()["headers"][0] == "级别"
    assert accountability.rows[0][0] == "六(一)" and "一票否决" in accountability.rows[0][1]
    assert "不作结论" in accountability.rows[0][3]
    assert unmodelled.title.startswith("未建模的原文")
    assert any("新闻发言人" in row[1] for row in unmodelled.rows)


def test_middle_school_tables_show_optional_rules_and_category_conditions() -> None:
    tables = policy_tables(MIDDLE)
    assert [table.title[:4] for table in tables] == [
        "舆情级别",
        "定级规则",
        "时限要求",
        "通知与上",
        "未建模的",
    ]
    _, rules, deadlines, _, unmodelled = tables  # the 预案 names no consequence of poor handling
    status = {row[1]: row[5] for row in rules.rows}
    assert status == {
        "m1-major": "启用",
        "m1-hotspot": "未启用（可选）",
        "m1-authority": "未启用（可选）",
        "m2-general": "默认",
    }
    clauses = {row[1]: row[4] for row in rules.rows}
    # 一 (适用范围) says nothing about hotspots: 四(一)'s 热点敏感问题 is cited, and none for the
    # authorities' request, which the 预案 does not mention
    assert clauses["m1-hotspot"] == "四(一)"
    assert clauses["m1-authority"] == "—（原文无此条，学校自定）"
    rows = {row[1]: row for row in deadlines.rows}
    reply = rows["询问、置疑、诉求类：发现当日内回复处理意见"]
    assert reply[0] == "舆情类别=询问/置疑/诉求" and reply[2] == "当日内"
    assert reply[3:5] == ("发现时间", "涉事单位")
    assert rows["舆情消除或趋于平稳后总结评估"][0] == "所有舆情"
    assert rows["舆情消除或趋于平稳后总结评估"][2] == "无固定时限（办结前）"
    statement = rows["以单位或网络新闻发言人名义跟帖告知事实真相、事件处置情况或答疑释惑"]
    assert statement[3].startswith("认定为重大舆情之时") and statement[4] == "宣传科"
    texts = " ".join(row[1] for row in unmodelled.rows)
    for words in ("家长群", "启动应急预案", "新闻发言人", "舆情日报"):
        assert words in texts
