"""Leads from an alert export: the header found under a title line, each cell read by type with
problems at row:column, links compared as the same post, and duplicates kept out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from yqctl.core.config import ImportMapping
from yqctl.core.counts import count_value
from yqctl.core.enums import Category, Platform, Stance
from yqctl.core.leads import (
    GENERIC,
    Cell,
    Defaults,
    Lead,
    case_fields,
    find_header,
    first_entry_text,
    lead_time,
    mapping_named,
    plan_import,
    read_leads,
    url_key,
)
from yqctl.core.leads import Row as TableRow
from yqctl.errors import Problem, UsageError, YqError

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 16, 0, tzinfo=ZONE)
UNITS = ("后勤处", "学生处")
DEFAULTS = Defaults("后勤处", Category.other, ZONE, NOW)
HEADER = ["标题", "原文链接", "来源", "作者", "发布时间", "正文", "转发数", "情感倾向"]


def _rows(*data: Sequence[Cell], header: Sequence[str] = HEADER) -> list[TableRow]:
    lines: list[Sequence[Cell]] = [["舆情预警导出"], header, *data]
    return list(enumerate(lines, start=1))


def _read(
    rows: list[TableRow], mapping: ImportMapping = GENERIC
) -> tuple[list[Lead], list[Problem]]:
    header = find_header(rows, mapping, "leads.csv")
    return read_leads(rows, header, mapping, DEFAULTS, UNITS, "leads.csv")


def test_the_header_is_found_below_a_title_line_and_read_by_alias() -> None:
    rows = _rows()
    header = find_header(rows, GENERIC, "x.csv")
    assert header.row == 2
    assert header.columns["title"] == 0 and header.columns["url"] == 1
    assert header.columns["platform"] == 2 and header.columns["stance"] == 7
    assert "discovered_at" not in header.columns


def test_the_earliest_listed_alias_wins_when_two_columns_could_say_one_field() -> None:
    rows = _rows(header=["来源", "平台", "标题"])
    header = find_header(rows, GENERIC, "x.csv")
    assert header.columns["platform"] == 1  # 平台 is listed before 来源


def test_no_header_is_an_error_that_says_what_was_looked_for() -> None:
    with pytest.raises(YqError) as caught:
        find_header([(1, ["a", "b"]), (2, ["1", "2"])], GENERIC, "x.csv")
    assert "找不到表头" in str(caught.value) and "标题" in str(caught.value)


def test_a_row_becomes_a_lead_with_typed_values() -> None:
    row = ["食堂异物", "https://weibo.com/1/abc", "新浪微博", "吐槽君", "2026/11/24 8:10",
           "吃出异物\n很恶心", "1.2万", "负面"]  # fmt: skip
    leads, problems = _read(_rows(row))
    assert problems == []
    (lead,) = leads
    assert lead.row == 3 and lead.title == "食堂异物"
    assert lead.platform is Platform.weibo and lead.platform_text is None
    assert lead.published_at == datetime(2026, 11, 24, 8, 10, tzinfo=ZONE)
    assert lead.discovered_at == NOW  # no alert-time column: the import's moment
    assert lead.counts == {"reposts": 12000}
    assert lead.stance is Stance.critical
    assert lead.unit == "后勤处" and lead.category is Category.other
    assert lead.summary == "吃出异物\n很恶心"


def test_bad_cells_are_problems_at_their_row_and_column_and_the_row_is_left_out() -> None:
    bad = ["坏行", "weibo.com/x", "微博", "a", "昨天", "t", "很多", "大概负面"]
    good = ["好行", "https://weibo.com/y", "微博", "a", "2026-11-24 08:00", "t", "3", "中性"]
    leads, problems = _read(_rows(bad, good))
    assert [lead.title for lead in leads] == ["好行"]
    where = {(p.line, p.col) for p in problems}
    assert where == {(3, 2), (3, 5), (3, 7), (3, 8)}
    assert all(p.path == "leads.csv" for p in problems)
    text = " ".join(p.message for p in problems)
    assert "原文链接：" in text and "发布时间：" in text and "转发数：" in text


def test_a_row_without_title_takes_one_from_its_text_and_one_without_either_is_refused() -> None:
    no_title = ["", "https://weibo.com/z", "微博", "", "", "宿舍停水一整天了\n第二行", "", ""]
    nothing = ["", "https://weibo.com/w", "微博", "", "", "", "", ""]
    leads, problems = _read(_rows(no_title, nothing))
    assert [lead.title for lead in leads] == ["宿舍停水一整天了"]
    assert [(p.line, p.col) for p in problems] == [(4, 1)] and "缺少标题" in problems[0].message


def test_empty_rows_are_skipped() -> None:
    leads, problems = _read(_rows([None] * 8, ["", " ", ""], ["a", "https://x.cn/1"]))
    assert problems == [] and [lead.row for lead in leads] == [5]


def test_platform_from_the_mapping_the_known_words_or_the_link_and_the_export_name_is_kept() -> (
    None
):
    mapping = ImportMapping(columns=GENERIC.columns, platforms={"学校贴吧": Platform.tieba})
    rows = _rows(
        ["a", "https://x.cn/1", "学校贴吧"],
        ["b", "https://mp.weixin.qq.com/s/1", "公众号"],
        ["c", "https://www.douyin.com/video/1", "抖音短视频"],
        ["d", "https://tousu.sina.com.cn/complaint/view/1", "黑猫投诉"],
    )
    leads, _ = _read(rows, mapping)
    found = [(lead.platform, lead.platform_text) for lead in leads]
    assert found == [
        (Platform.tieba, None),
        (Platform.official_account, None),
        (Platform.douyin, "抖音短视频"),  # unknown name: from the link, and the name kept
        (Platform.other, "黑猫投诉"),
    ]
    assert "平台：黑猫投诉" in first_entry_text(leads[3], "leads.csv")


@pytest.mark.parametrize(
    ("name", "platform"),
    [("小红书", Platform.xiaohongshu), ("知乎", Platform.zhihu), ("B站", Platform.bilibili),
     ("哔哩哔哩", Platform.bilibili), ("Bilibili", Platform.bilibili), ("快手", Platform.kuaishou),
     ("视频号", Platform.wechat_channels), ("微信视频号", Platform.wechat_channels),
     ("今日头条", Platform.toutiao), ("头条号", Platform.toutiao), ("豆瓣", Platform.douban),
     ("百度贴吧", Platform.tieba), ("微信公众号", Platform.official_account),
     ("微信群", Platform.chat_group), ("朋友圈", Platform.wechat), ("抖音", Platform.douyin),
     ("新浪微博", Platform.weibo)],
)  # fmt: skip
def test_the_platforms_people_see_are_read_by_the_name_exports_give_them(
    name: str, platform: Platform
) -> None:
    """小红书, 知乎, B站 … were ``other`` (counted as 其他 in reports), the name kept only in the
    timeline; a link that says nothing (a monitoring platform's redirect) must not decide."""
    leads, problems = _read(_rows(["a", "https://jump.monitor.example.cn/r/1", name]))
    assert problems == [] and (leads[0].platform, leads[0].platform_text) == (platform, None)


def test_unit_and_category_columns_are_checked_against_the_repository() -> None:
    header = ["标题", "原文链接", "涉事单位", "舆情类别"]
    rows = _rows(
        ["a", "https://x.cn/1", "学生处", "恶意传播/炒作"],
        ["b", "https://x.cn/2", "外星处", "谣言"],
        ["c", "https://x.cn/3", "", ""],
        header=header,
    )
    leads, problems = _read(rows)
    assert [(lead.unit, lead.category) for lead in leads] == [
        ("学生处", Category.malicious_spread),
        ("后勤处", Category.other),  # empty cells take the defaults
    ]
    assert sorted((p.line, p.col) for p in problems) == [(4, 3), (4, 4)]
    assert "org.yaml" in problems[0].message or "org.yaml" in problems[1].message


def test_an_alert_time_in_the_future_is_refused() -> None:
    header = ["标题", "预警时间"]
    leads, problems = _read(_rows(["a", "2026-11-25 09:00"], header=header))
    assert leads == [] and "晚于当前时间" in problems[0].message


def test_spreadsheet_cells_keep_their_types() -> None:
    header = ["标题", "发布时间", "转发数", "评论数"]
    rows = _rows(["a", datetime(2026, 11, 24, 7, 5), 300.0, 2.5], header=header)
    leads, problems = _read(rows)
    assert leads == [] and [(p.line, p.col) for p in problems] == [(3, 4)]  # 2.5 comments
    leads, problems = _read(_rows(["a", datetime(2026, 11, 24, 7, 5), 300.0], header=header))
    assert leads[0].published_at == datetime(2026, 11, 24, 7, 5, tzinfo=ZONE)
    assert leads[0].counts == {"reposts": 300}


@pytest.mark.parametrize(
    ("text", "value"),
    [("1234", 1234), ("1,234", 1234), ("1.2万", 12000), ("10万+", 100000), ("3亿", 300000000),
     ("2k", 2000), ("0", 0), ("-3", None), ("很多", None), ("1.5", None)],
)  # fmt: skip
def test_count_values(text: str, value: int | None) -> None:
    assert count_value(text) == value


@pytest.mark.parametrize(
    "text",
    ["2026-11-24 07:05", "2026/11/24 7:05", "2026年11月24日 07:05", "2026年11月24日7:05",
     "2026-11-24T07:05:00+08:00", "2026.11.24 07:05"],
)  # fmt: skip
def test_lead_times_as_exports_write_them(text: str) -> None:
    assert lead_time(text, ZONE) == datetime(2026, 11, 24, 7, 5, tzinfo=ZONE)


def test_links_that_name_the_same_post_compare_equal() -> None:
    same = ["https://weibo.com/1/abc", "http://WEIBO.com/1/abc/", "https://weibo.com/1/abc#c"]
    assert len({url_key(url) for url in same}) == 1
    assert url_key("https://x.cn/a?id=1") != url_key("https://x.cn/a?id=2")
    # a committed case's link python cannot split (it passes the case's pattern) stops no import
    assert url_key(" http://[x/1 ") == "http://[x/1"


def _lead(row: int, url: str | None) -> Lead:
    return Lead(row, f"t{row}", url, Platform.weibo, None, None, None, NOW, None, None, None,
                {}, "后勤处", Category.other)  # fmt: skip


def test_the_plan_skips_links_of_open_cases_and_repeated_rows_but_not_closed_cases() -> None:
    leads = [
        _lead(2, "https://weibo.com/1"),
        _lead(3, "http://weibo.com/1/"),
        _lead(4, "https://weibo.com/open"),
        _lead(5, "https://weibo.com/closed"),
        _lead(6, None),
        _lead(7, None),
    ]
    plan = plan_import(
        leads,
        {url_key("https://weibo.com/open"): "YQ-20261120-AAAA"},
        {url_key("https://weibo.com/closed"): "YQ-20261101-BBBB"},
    )
    assert [lead.row for lead in plan.new] == [2, 5, 6, 7]  # leads without links all open
    assert [(d.lead.row, d.case_id, d.row_of) for d in plan.duplicates] == [
        (3, None, 2),
        (4, "YQ-20261120-AAAA", None),
    ]
    assert plan.seen_closed == {5: "YQ-20261101-BBBB"}


def test_case_fields_put_the_text_in_the_source_and_counts_in_the_signals() -> None:
    leads, _ = _read(_rows(["a", "https://weibo.com/1", "微博", "号", "", "原话", "5", "中性"]))
    fields = case_fields(leads[0])
    assert fields["sources"] == [
        {"platform": "weibo", "url": "https://weibo.com/1", "account": "号",
         "stance": "neutral", "excerpt": "原话"}
    ]  # fmt: skip
    assert fields["signals"] == {"reposts": 5} and fields["summary"] == "原话"


def test_an_unknown_mapping_names_the_known_ones() -> None:
    mine = ImportMapping(columns={"title": ["信息标题"]})
    assert mapping_named("mine", {"mine": mine}) is mine
    assert mapping_named("generic", {}) is GENERIC
    with pytest.raises(UsageError) as caught:
        mapping_named("qingbo", {"mine": mine})
    assert "generic" in str(caught.value) and "mine" in str(caught.value)


def test_the_readme_documents_the_generic_mapping_as_it_is() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    section = readme.split("**The generic mapping**", 1)[1].split("**Your platform", 1)[0]
    documented: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("field", "---"):
            continue
        for name, headers in zip(cells[0].split(" / "), cells[1].split(" / "), strict=True):
            documented[name] = headers.split("、")
    assert documented.keys() == GENERIC.columns.keys()
    for name, headers in documented.items():
        chinese = [alias for alias in GENERIC.columns[name] if not alias.isascii()]
        assert headers == chinese, name


ENGAGEMENT = ["标题", "原文链接", "来源", "作者", "粉丝数", "IP属地", "点赞数", "收藏数", "转发数",
              "命中关键词", "预警级别"]  # fmt: skip


def test_engagement_columns_go_where_rules_and_reports_read_them_and_ip_location_nowhere() -> None:
    row = ["食堂异物", "https://www.xiaohongshu.com/explore/1", "小红书", "吃货号", "1.2万",
           "江苏", "3,456", "10万+", "12", "食堂, 异物\n食堂", "红色预警"]  # fmt: skip
    leads, problems = _read(_rows(row, header=ENGAGEMENT))
    assert problems == []
    fields = case_fields(leads[0])
    # counts of the post the case is about: signals, which rules compare and reports show
    assert fields["signals"] == {"reposts": 12, "likes": 3456, "favorites": 100000}
    (source,) = fields["sources"]
    assert source["followers"] == 12000  # the account's reach: the source's, not the case's
    assert source["keywords"] == "食堂、异物"  # the export's separators and repeats as one
    assert source["alert_level"] == "红色预警"  # the platform's words; grading never reads it
    assert list(source) == ["platform", "url", "account", "followers", "keywords", "alert_level"]
    assert "江苏" not in repr(fields)  # IP属地: the poster's location is not recorded


def test_an_unreadable_follower_count_is_a_problem_at_its_cell() -> None:
    row = ["a", "https://x.cn/1", "微博", "号", "很多", "", "", "", "", "", ""]
    leads, problems = _read(_rows(row, header=ENGAGEMENT))
    assert leads == [] and [(p.line, p.col) for p in problems] == [(3, 5)]
    assert problems[0].message.startswith("粉丝数：'很多' 不是数量")


def test_the_generic_mapping_reads_the_counts_the_case_has_as_signals() -> None:
    from yqctl.core.case import COUNT_SIGNALS
    from yqctl.core.leads import COUNT_FIELDS

    assert set(COUNT_FIELDS) == COUNT_SIGNALS and set(COUNT_FIELDS) <= GENERIC.columns.keys()


def test_no_mapping_may_read_a_column_about_the_person_behind_a_post() -> None:
    """IP属地 and the like: the project keeps no dossiers on people, so a repository's mapping
    cannot name them either (not even as some other field's text), and the generic one does not."""
    from pydantic import ValidationError

    from yqctl.core.config import PERSONAL_HEADERS, header_key

    for header in ("IP属地", "ip 归属地：", "性别", "手机号"):
        with pytest.raises(ValidationError) as caught:
            ImportMapping.model_validate({"columns": {"account": ["作者", header]}})
        assert "个人信息" in str(caught.value), header
    aliases = {header_key(alias) for names in GENERIC.columns.values() for alias in names}
    assert not aliases & PERSONAL_HEADERS
