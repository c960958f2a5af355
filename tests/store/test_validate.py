"""Model validation: every problem in Chinese, at the ``path:line:col`` of the value or key at fault."""

from __future__ import annotations

import pytest

from yqctl.core.case import Case
from yqctl.core.config import Org, RepoConfig
from yqctl.errors import Problem, YqError
from yqctl.store import yamlio
from yqctl.store.validate import validate

PATH = "cases/2026/YQ-20261124-7KQ2.yaml"

# line numbers are part of the tests below: keep this text as it is
GOOD = """\
version: 1
id: YQ-20261124-7KQ2
title: 网传某学院食堂饭菜出现异物
discovered_at: 2026-11-24T09:30:00+08:00
discovered_by: 信息中心值班员
unit: 后勤处
category: inquiry
summary: |
  有学生在微博发帖称食堂饭菜中出现异物。
sources:
  - platform: weibo
    url: https://weibo.com/1234567890/AbCdEf
    account: 某某同学
    published_at: 2026-11-24T08:50:00+08:00
signals:
  spread: isolated
  harmful: false
  posts: 3
level: null
grading: []
status: open
timeline:
  - at: 2026-11-24T09:30:00+08:00
    recorded_at: 2026-11-24T09:41:12+08:00
    action: discovered
    by: 信息中心值班员
    text: 微博巡查发现
confidential: false
drill: false
closure: null
"""


def problems(old: str, new: str, model: type = Case, text: str = GOOD) -> list[Problem]:
    """Replace ``old`` by ``new`` in a valid file and return the problems validation reports."""
    assert old in text, old
    doc = yamlio.parse(text.replace(old, new, 1), PATH)
    with pytest.raises(YqError) as info:
        validate(model, doc)
    assert info.value.problems, str(info.value)
    return info.value.problems


def only(old: str, new: str, model: type = Case, text: str = GOOD) -> Problem:
    [problem] = problems(old, new, model, text)
    assert problem.path == PATH
    return problem


def at(problem: Problem) -> tuple[int, int]:
    return (problem.line, problem.col)


def test_the_reference_case_is_valid() -> None:
    case = validate(Case, yamlio.parse(GOOD, PATH))
    assert case.id == "YQ-20261124-7KQ2" and case.discovered_at.utcoffset() is not None


# --- unknown keys -----------------------------------------------------------------------------


def test_misspelt_top_level_key_is_pointed_at_with_a_suggestion() -> None:
    found = problems("title: 网传", "titel: 网传")
    unknown = next(p for p in found if "未知字段" in p.message)
    assert at(unknown) == (3, 1)
    assert "'titel'" in unknown.message and "是否想写 'title'" in unknown.message
    # the real key is then missing: said once, at the top-level mapping
    missing = next(p for p in found if "缺少必填字段" in p.message)
    assert at(missing) == (1, 1) and "title" in missing.message


def test_misspelt_nested_key_is_pointed_at_with_a_suggestion_from_that_model() -> None:
    problem = only("  harmful: false", "  harmfull: false")
    assert at(problem) == (17, 3)
    assert problem.message.startswith("signals: 未知字段 'harmfull'")
    assert "是否想写 'harmful'" in problem.message


def test_unknown_key_in_a_list_item_names_the_item() -> None:
    problem = only("    text: 微博巡查发现", "    text: 微博巡查发现\n    txt: 补充")
    assert at(problem) == (28, 5)
    assert problem.message.startswith("timeline[0]: 未知字段 'txt'")
    assert "是否想写 'text'" in problem.message


def test_unknown_key_unlike_any_field_asks_about_spelling() -> None:
    problem = only("drill: false", "drill: false\nweather: 晴")
    assert at(problem) == (30, 1)
    assert "未知字段 'weather'（拼写错误？）" in problem.message


# --- unknown choices, with their Chinese meanings ---------------------------------------------


def test_unknown_category_lists_every_category_with_its_meaning() -> None:
    problem = only("category: inquiry", "category: rumor")
    assert at(problem) == (7, 11)
    assert "未知的舆情类别 'rumor'" in problem.message
    for choice in (
        "inquiry（询问/置疑/诉求）",
        "malicious_spread（恶意传播/炒作）",
        "other（其他）",
    ):
        assert choice in problem.message


def test_unknown_platform_lists_platforms_with_meanings() -> None:
    problem = only("  - platform: weibo", "  - platform: twitter")
    assert at(problem) == (11, 15)
    assert problem.message.startswith("sources[0].platform: 未知的平台 'twitter'")
    assert (
        "weibo（微博）" in problem.message
        and "chat_group（家长群/班级群等聊天群）" in problem.message
    )


def test_chinese_spread_value_is_refused_and_the_english_keys_are_shown() -> None:
    problem = only("  spread: isolated", "  spread: 局部热点")
    assert at(problem) == (16, 11)
    assert "未知的传播范围 '局部热点'" in problem.message
    assert "local_hotspot（局部热点）" in problem.message


def test_unknown_action_in_the_timeline_lists_actions() -> None:
    problem = only("    action: discovered", "    action: called")
    assert at(problem) == (25, 13)
    assert problem.message.startswith("timeline[0].action: 未知的处置动作 'called'")
    assert "reported_to_office（报舆情办）" in problem.message and "note（备注）" in problem.message


def test_unknown_status_lists_statuses() -> None:
    problem = only("status: open", "status: done")
    assert at(problem) == (21, 9)
    assert "未知的状态 'done'" in problem.message and "closed（已办结）" in problem.message


def test_number_or_empty_category_is_an_unknown_category() -> None:
    assert "未知的舆情类别 1" in only("category: inquiry", "category: 1").message
    problem = only("category: inquiry", "category:")
    assert at(problem) == (7, 10)
    assert "未知的舆情类别" in problem.message


# --- times ------------------------------------------------------------------------------------


def test_naive_discovery_time_is_refused_asking_for_a_zone() -> None:
    problem = only("discovered_at: 2026-11-24T09:30:00+08:00", "discovered_at: 2026-11-24T09:30:00")
    assert at(problem) == (4, 16)
    assert "时间缺少时区" in problem.message and "+08:00" in problem.message
    assert "'2026-11-24T09:30:00'" in problem.message


def test_naive_time_deep_in_the_timeline_is_refused_at_its_place() -> None:
    problem = only("  - at: 2026-11-24T09:30:00+08:00", "  - at: 2026-11-24 09:30")
    assert at(problem) == (23, 9)
    assert problem.message.startswith("timeline[0].at: 时间缺少时区")


def test_date_without_time_is_refused_as_without_zone() -> None:
    problem = only("    published_at: 2026-11-24T08:50:00+08:00", "    published_at: 2026-11-24")
    assert at(problem) == (14, 19)
    assert "sources[0].published_at: 时间缺少时区" in problem.message


def test_text_where_a_time_is_needed_asks_for_iso_8601() -> None:
    problem = only("discovered_at: 2026-11-24T09:30:00+08:00", "discovered_at: 昨天上午")
    assert at(problem) == (4, 16)
    assert "不是有效的时间" in problem.message and "ISO 8601" in problem.message
    assert "'昨天上午'" in problem.message


def test_impossible_date_is_not_a_valid_time() -> None:
    problem = only(
        "discovered_at: 2026-11-24T09:30:00+08:00", "discovered_at: 2026-13-40T09:30:00+08:00"
    )
    assert at(problem) == (4, 16)
    assert "不是有效的时间" in problem.message


def test_boolean_or_empty_where_a_time_is_needed_is_refused() -> None:
    problem = only("discovered_at: 2026-11-24T09:30:00+08:00", "discovered_at: true")
    assert at(problem) == (4, 16) and "应为带时区的时间" in problem.message
    problem = only("discovered_at: 2026-11-24T09:30:00+08:00", "discovered_at:")
    assert problem.line == 4 and "应为带时区的时间" in problem.message


def test_number_where_a_time_is_needed_is_refused() -> None:
    problem = only("discovered_at: 2026-11-24T09:30:00+08:00", "discovered_at: 5")
    assert at(problem) == (4, 16)


# --- wrong types ------------------------------------------------------------------------------


def test_text_where_a_count_is_needed_is_refused() -> None:
    problem = only("  posts: 3", "  posts: 很多")
    assert at(problem) == (18, 10)
    assert problem.message == "signals.posts: 应为整数，实际为 '很多'"


def test_quoted_number_is_not_coerced_to_a_count() -> None:
    assert only("  posts: 3", "  posts: '3'").message == "signals.posts: 应为整数，实际为 '3'"


def test_fraction_and_negative_counts_are_refused() -> None:
    assert "应为整数" in only("  posts: 3", "  posts: 3.5").message
    problem = only("  posts: 3", "  posts: -1")
    assert at(problem) == (18, 10) and "应不小于 0" in problem.message


def test_yaml_1_1_yes_is_not_a_boolean() -> None:
    problem = only("  harmful: false", "  harmful: yes")
    assert at(problem) == (17, 12)
    assert problem.message == "signals.harmful: 应为 true 或 false，实际为 'yes'"


def test_one_is_not_a_boolean_and_true_is_not_a_level() -> None:
    assert "应为 true 或 false，实际为 1" in only("  harmful: false", "  harmful: 1").message
    problem = only("level: null", "level: true")
    assert at(problem) == (19, 8) and "level: 应为整数" in problem.message


def test_number_where_text_is_needed_asks_for_quotes() -> None:
    problem = only("title: 网传某学院食堂饭菜出现异物", "title: 123")
    assert at(problem) == (3, 8)
    assert "应为文本" in problem.message and "请加引号" in problem.message


def test_scalar_where_a_list_is_needed_and_list_where_a_mapping_is_needed() -> None:
    problem = only("sources:\n  - platform: weibo", "sources:\n  - weibo\n  - platform: weibo")
    assert at(problem) == (11, 5)
    assert problem.message == "sources[0]: 应为映射（键: 值），实际为 'weibo'"
    problem = only("closure: null", "closure: []")
    assert at(problem) == (30, 10) and "closure: 应为映射" in problem.message


def test_mapping_where_a_list_is_needed() -> None:
    problem = only("grading: []", "grading: {}")
    assert at(problem) == (20, 10)
    assert "grading: 应为列表" in problem.message


def test_empty_title_is_refused() -> None:
    problem = only("title: 网传某学院食堂饭菜出现异物", "title: ''")
    assert at(problem) == (3, 8) and "不能为空" in problem.message


def test_wrong_version_and_level_below_one() -> None:
    assert only("version: 1", "version: 2").message.startswith("version: 应为 1")
    problem = only("level: null", "level: 0")
    assert at(problem) == (19, 8) and "应不小于 1" in problem.message


def test_malformed_sha256_and_url_are_explained() -> None:
    problem = only("    account: 某某同学", "    account: 某某同学\n    sha256: abc")
    assert at(problem) == (14, 13)
    assert "sha256 应为 64 位小写十六进制" in problem.message
    problem = only("    url: https://weibo.com/1234567890/AbCdEf", "    url: weibo.com/x")
    assert at(problem) == (12, 10) and "http://" in problem.message


def test_id_like_a_path_is_refused_as_a_malformed_id() -> None:
    problem = only("id: YQ-20261124-7KQ2", "id: ../../etc/passwd")
    assert at(problem) == (2, 5)
    assert "案件编号 '../../etc/passwd' 格式不对" in problem.message


# --- missing required fields ------------------------------------------------------------------


def test_missing_top_level_field_is_reported_at_the_top_mapping() -> None:
    problem = only("discovered_at: 2026-11-24T09:30:00+08:00\n", "")
    assert at(problem) == (1, 1)
    assert problem.message == "缺少必填字段 discovered_at"


def test_missing_field_of_a_list_item_is_reported_at_that_item() -> None:
    problem = only("    action: discovered\n", "")
    assert at(problem) == (23, 5)
    assert problem.message == "缺少必填字段 timeline[0].action"


def test_missing_field_of_an_optional_model_is_reported_at_that_mapping() -> None:
    problem = only(
        "closure: null", "closure: {closed_at: 2026-11-25T10:00:00+08:00, result: 已处理}"
    )
    assert at(problem) == (30, 10)
    assert problem.message == "缺少必填字段 closure.evaluation"


def test_several_problems_are_all_reported_in_file_order() -> None:
    found = problems("  posts: 3", "  posts: x\n  reposts: y")
    assert [at(p) for p in found] == [(18, 10), (19, 12)]


def test_top_level_that_is_not_a_mapping_is_refused_at_1_1() -> None:
    with pytest.raises(YqError) as info:
        validate(Case, yamlio.parse("- a\n- b\n", PATH))
    [problem] = info.value.problems
    assert at(problem) == (1, 1) and "文件顶层应为映射" in problem.message


# --- yq.yaml and org.yaml ---------------------------------------------------------------------


def test_unknown_time_zone_in_repository_config() -> None:
    text = "version: 1\ninstitution: XX工程学院\ntimezone: Beijing\n"
    problem = only("timezone: Beijing", "timezone: Beijing", RepoConfig, text)
    assert at(problem) == (3, 11)
    assert "未知的时区 'Beijing'" in problem.message


def test_misspelt_key_in_repository_config_suggests_the_right_one() -> None:
    text = "version: 1\ninstitution: XX工程学院\ntimezon: Asia/Shanghai\n"
    problem = only("timezon", "timezon", RepoConfig, text)
    assert at(problem) == (3, 1) and "是否想写 'timezone'" in problem.message


def test_misspelt_contact_key_in_org_is_found_inside_a_flow_mapping() -> None:
    text = "version: 1\nunits:\n  后勤处:\n    head: {title: 处长, nmae: 某某}\n"
    problem = only("nmae", "nmae", Org, text)
    assert at(problem) == (4, 23)
    assert problem.message.startswith("units.后勤处.head: 未知字段 'nmae'")
    assert "是否想写 'name'" in problem.message


def test_units_as_a_list_is_refused() -> None:
    text = "version: 1\nunits: [后勤处, 学生处]\n"
    problem = only("units", "units", Org, text)
    assert at(problem) == (2, 8) and "units: 应为映射" in problem.message
