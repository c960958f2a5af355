"""Leads (线索) from a monitoring platform's alert export: finding the header row, reading each row
into a lead by a column mapping, and deciding which leads open a case and which are duplicates.

A mapping names, for each thing a lead can say (title, link, platform, account, times, text,
counts …), the column headers that say it. ``generic`` (below) knows the headers the common
platforms' exports use; a repository adds its own in ``yq.yaml`` under ``import_mappings``.
Pure: the caller reads the file and the repository, and gives the clock.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from yqctl.core.config import ImportMapping, header_key
from yqctl.core.counts import EXAMPLES, count_value
from yqctl.core.enums import LABELS, Category, Platform, Stance
from yqctl.core.sources import URL_RE, guess_platform
from yqctl.errors import Problem, UsageError, YqError
from yqctl.textutil import first_line, shortened, unsafe_message
from yqctl.timeutil import RANGE_TEXT, computable, read_time

Cell = str | int | float | datetime | date | None
Row = tuple[int, Sequence[Cell]]  # the row's number as the user sees it (line or sheet row), cells

HEADER_SEARCH_ROWS = 20  # a title line or two may stand above the header
MAX_LEADS = 100_000  # data rows in one import (below the header); README: "at most 100,000 rows"
TITLE_FROM_TEXT = 40  # characters of the text that make a title when there is no title column
SUMMARY_CHARS = 200
EXCERPT_CHARS = 1000

GENERIC = ImportMapping(
    columns={
        "title": ["标题", "文章标题", "帖子标题", "舆情标题", "信息标题", "title"],
        "url": ["原文链接", "链接", "原文地址", "网址", "文章链接", "url", "link"],
        "platform": ["平台", "来源平台", "媒体类型", "来源类型", "来源", "站点", "platform"],
        "account": ["发布账号", "作者", "账号", "发布者", "博主", "作者昵称", "account", "author"],
        "published_at": ["发布时间", "发文时间", "发帖时间", "published_at", "publish_time"],
        "discovered_at": ["预警时间", "采集时间", "监测时间", "发现时间", "discovered_at"],
        "text": ["正文", "内容", "原文", "全文", "text", "content"],
        "summary": ["摘要", "内容摘要", "summary"],
        "posts": ["相似文章数", "相似数", "相似文章", "posts"],
        "reposts": ["转发数", "转发量", "转发", "分享数", "分享量", "reposts", "shares"],
        "comments": ["评论数", "评论量", "评论", "comments"],
        "views": ["阅读数", "阅读量", "浏览量", "浏览数", "播放量", "views", "reads"],
        "likes": ["点赞数", "点赞量", "点赞", "获赞数", "likes"],
        "favorites": ["收藏数", "收藏量", "收藏", "favorites"],
        "followers": ["粉丝数", "粉丝量", "粉丝", "followers", "fans"],
        "keywords": ["命中关键词", "关键词", "命中词", "keywords"],
        "alert_level": ["预警级别", "预警等级", "alert_level"],
        "stance": ["情感倾向", "倾向性", "情感属性", "情感", "调性", "stance", "sentiment"],
        "unit": ["涉事单位", "unit"],
        "category": ["舆情类别", "类别", "category"],
    }
)
BUILTIN: dict[str, ImportMapping] = {"generic": GENERIC}

TEXT_FIELDS = ("title", "platform", "account", "text", "summary", "stance", "unit", "category",
               "keywords", "alert_level")  # fmt: skip
# may hold line breaks (keywords: one a line is one way to list them); the others are one line
PROSE_FIELDS = frozenset({"text", "summary", "keywords"})
TIME_FIELDS = ("published_at", "discovered_at")
# the case's signals.*, which grading rules and the reports read; in the case file's order
COUNT_FIELDS = ("posts", "reposts", "comments", "views", "likes", "favorites")
_KEYWORD_SEPARATORS = re.compile(r"[\s,，、;；|/]+")

# Names the exports give platforms, beyond yqctl's own values and labels (compared in lower case)
PLATFORM_WORDS: dict[str, Platform] = {
    "新浪微博": Platform.weibo,
    "微博": Platform.weibo,
    "微信公众号": Platform.official_account,
    "公众号": Platform.official_account,
    "微信": Platform.wechat,
    "朋友圈": Platform.wechat,
    "抖音": Platform.douyin,
    "快手": Platform.kuaishou,
    "视频号": Platform.wechat_channels,
    "微信视频号": Platform.wechat_channels,
    "小红书": Platform.xiaohongshu,
    "b站": Platform.bilibili,
    "哔哩哔哩": Platform.bilibili,
    "知乎": Platform.zhihu,
    "今日头条": Platform.toutiao,
    "头条": Platform.toutiao,
    "头条号": Platform.toutiao,
    "豆瓣": Platform.douban,
    "贴吧": Platform.tieba,
    "论坛": Platform.forum,
    "bbs": Platform.forum,
    "社区": Platform.forum,
    "新闻": Platform.news,
    "网媒": Platform.news,
    "网站": Platform.news,
    "新闻客户端": Platform.news,
    "客户端": Platform.news,
    "app": Platform.news,
    "报刊": Platform.news,
    "纸媒": Platform.news,
    "校园网": Platform.campus_site,
    "微信群": Platform.chat_group,
    "qq群": Platform.chat_group,
    "家长群": Platform.chat_group,
    "班级群": Platform.chat_group,
}
STANCE_WORDS: dict[str, Stance] = {
    "负面": Stance.critical,
    "负向": Stance.critical,
    "敏感": Stance.critical,
    "批评": Stance.critical,
    "质疑": Stance.critical,
    "negative": Stance.critical,
    "正面": Stance.supportive,
    "正向": Stance.supportive,
    "支持": Stance.supportive,
    "positive": Stance.supportive,
    "中性": Stance.neutral,
    "中立": Stance.neutral,
    "非敏感": Stance.neutral,
}
_DATE_WORDS = re.compile(r"(\d{4})\s*[年/.]\s*(\d{1,2})\s*[月/.]\s*(\d{1,2})\s*日?")


@dataclass(frozen=True)
class Header:
    """The header row and the column (0-based) of each field it has."""

    row: int
    names: tuple[str, ...]
    columns: Mapping[str, int]

    def name(self, field_name: str) -> str:
        return self.names[self.columns[field_name]]


@dataclass(frozen=True)
class Defaults:
    """What a row that does not say takes: the unit and category of the flags or the mapping,
    and the import's moment as the discovery time."""

    unit: str | None
    category: Category
    zone: tzinfo
    now: datetime


@dataclass(frozen=True)
class Lead:
    row: int
    title: str
    url: str | None
    platform: Platform
    platform_text: str | None  # the export's own name for it (小红书 …), kept in the record
    account: str | None
    published_at: datetime | None
    discovered_at: datetime
    text: str | None
    summary: str | None
    stance: Stance | None
    counts: Mapping[str, int]  # signals.*
    unit: str
    category: Category
    followers: int | None = None  # of the account: the post's reach (the source's followers)
    keywords: str | None = None  # 命中关键词, 、-separated
    alert_level: str | None = None  # the monitoring platform's 预警级别, as it wrote it


@dataclass(frozen=True)
class Duplicate:
    lead: Lead
    case_id: str | None = None  # the open case that records the link
    row_of: int | None = None  # or the earlier row of the same file


@dataclass
class ImportPlan:
    new: list[Lead] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    seen_closed: dict[int, str] = field(default_factory=dict)  # row → closed case with the link


def mapping_named(name: str, configured: Mapping[str, ImportMapping]) -> ImportMapping:
    """The repository's mapping of that name, else the built-in one."""
    found = configured.get(name) or BUILTIN.get(name)
    if found is None:
        known = "、".join(sorted({*BUILTIN, *configured}))
        raise UsageError(
            f"没有名为 {name!r} 的导入映射；可用：{known}（在 yq.yaml 的 import_mappings 中定义）"
        )
    return found


def find_header(rows: Sequence[Row], mapping: ImportMapping, display: str) -> Header:
    """The first row (of the first few) that names at least two fields, one of them the title,
    link or text."""
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        columns = _columns(cells, mapping)
        if len(columns) >= 2 and {"title", "url", "text"} & columns.keys():
            names = tuple(_cell_text(cell) or "" for cell in cells)
            return Header(number, names, columns)
    expected = "、".join(mapping.columns.get("title", [])[:2] + mapping.columns.get("url", [])[:2])
    raise YqError(
        "",
        [Problem(display, 1, 1, f"找不到表头：前 {HEADER_SEARCH_ROWS} 行中没有含 {expected} 等列名的行"
                 "（列名不同时请在 yq.yaml 的 import_mappings 中定义映射，用 --mapping 选用）")],
    )  # fmt: skip


def _columns(cells: Sequence[Cell], mapping: ImportMapping) -> dict[str, int]:
    """Field → column, the column whose header is the field's earliest-listed alias."""
    position = {header_key(cell): i for i, cell in reversed(list(enumerate(cells))) if cell}
    found: dict[str, int] = {}
    taken: set[int] = set()
    for name, aliases in mapping.columns.items():
        for alias in aliases:
            column = position.get(header_key(alias))
            if column is not None and column not in taken:
                found[name] = column
                taken.add(column)
                break
    return found


def read_leads(
    rows: Sequence[Row],
    header: Header,
    mapping: ImportMapping,
    defaults: Defaults,
    units: Collection[str],
    display: str,
) -> tuple[list[Lead], list[Problem]]:
    """Every row below the header as a lead, or the problems that make it one it is not (each
    at ``display:row:column``). Empty rows are skipped."""
    leads: list[Lead] = []
    problems: list[Problem] = []
    data_rows = 0
    for number, cells in rows:
        if number <= header.row or all(_cell_text(cell) is None for cell in cells):
            continue
        data_rows += 1
        if data_rows > MAX_LEADS:
            message = f"表头以下超过 {MAX_LEADS} 行数据，请分批导入"
            raise YqError("", [Problem(display, number, 1, message)])
        reader = _RowReader(number, cells, header, display)
        lead = reader.lead(mapping, defaults, units)
        if reader.problems:
            problems.extend(reader.problems)
        elif lead is not None:
            leads.append(lead)
    return leads, problems


class _RowReader:
    """One row's cells as typed values; each value that cannot be read is a problem."""

    def __init__(self, number: int, cells: Sequence[Cell], header: Header, display: str) -> None:
        self.number, self.cells, self.header, self.display = number, cells, header, display
        self.problems: list[Problem] = []

    def cell(self, name: str) -> Cell:
        column = self.header.columns.get(name)
        return self.cells[column] if column is not None and column < len(self.cells) else None

    def fail(self, name: str, message: str) -> None:
        column = self.header.columns.get(name, 0)
        where = self.header.name(name) if name in self.header.columns else name
        self.problems.append(Problem(self.display, self.number, column + 1, f"{where}：{message}"))

    def text(self, name: str) -> str | None:
        return _cell_text(self.cell(name))

    def plain(self, name: str, value: str | None) -> bool:
        """A cell's text holds nothing a case may not (control characters: issue 18 item 9)."""
        message = value and unsafe_message(value, multiline=name in PROSE_FIELDS)
        if message:
            self.fail(name, message)
        return not message

    def lead(
        self, mapping: ImportMapping, defaults: Defaults, units: Collection[str]
    ) -> Lead | None:
        values = {name: self.text(name) for name in TEXT_FIELDS}
        for name, value in values.items():
            self.plain(name, value)
        title, text = values["title"], values["text"]
        if title is None and text is None:
            self.fail("title", "缺少标题（也没有正文可作标题）")
        url = self._url()
        times = {name: self._time(name, defaults) for name in TIME_FIELDS}
        discovered = times["discovered_at"] or defaults.now
        if discovered > defaults.now:
            self.fail("discovered_at", f"{discovered.isoformat()} 晚于当前时间")
        counts = {name: n for name in COUNT_FIELDS if (n := self._count(name)) is not None}
        followers = self._count("followers")
        stance = self._stance(values["stance"])
        unit = self._unit(values["unit"], defaults, units)
        category = self._category(values["category"], defaults)
        if self.problems or unit is None or (title is None and text is None):
            return None
        platform, platform_text = _platform(values["platform"], url, mapping)
        return Lead(
            row=self.number,
            title=title or shortened(first_line(text or ""), TITLE_FROM_TEXT),
            url=url,
            platform=platform,
            platform_text=platform_text,
            account=values["account"],
            published_at=times["published_at"],
            discovered_at=discovered,
            text=text,
            summary=values["summary"] or (shortened(text, SUMMARY_CHARS) if text else None),
            stance=stance,
            counts=counts,
            unit=unit,
            category=category,
            followers=followers,
            keywords=_keywords(values["keywords"]),
            alert_level=values["alert_level"],
        )

    def _url(self) -> str | None:
        url = self.text("url")
        if not self.plain("url", url):
            return None
        if url is not None and not URL_RE.fullmatch(url):
            self.fail("url", f"{_quoted(url)} 不是 http:// 或 https:// 开头的链接")
            return None
        return url

    def _time(self, name: str, defaults: Defaults) -> datetime | None:
        moment = self._cell_time(name, defaults)
        if moment is not None and not computable(moment):  # a workbook's 1900-01-00, say
            self.fail(name, f"{moment.isoformat()} {RANGE_TEXT}")
            return None
        return moment

    def _cell_time(self, name: str, defaults: Defaults) -> datetime | None:
        value = self.cell(name)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=defaults.zone)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=defaults.zone)
        text = _cell_text(value)
        if text is None:
            return None
        if not isinstance(value, str):
            self.fail(name, f"{text} 不是日期时间")
            return None
        try:
            return lead_time(text, defaults.zone)
        except UsageError:
            self.fail(name, f"{_quoted(text)} 无法识别为时间（如 2026-11-24 09:30）")
            return None

    def _count(self, name: str) -> int | None:
        value = self.cell(name)
        if isinstance(value, bool | datetime | date):
            self.fail(name, f"{value} 不是数量")
            return None
        if isinstance(value, int | float):
            if value < 0 or (isinstance(value, float) and not value.is_integer()):
                self.fail(name, f"{value} 不是非负整数")
                return None
            return int(value)
        text = _cell_text(value)
        if text is None:
            return None
        number = count_value(text)
        if number is None:
            self.fail(name, f"{_quoted(text)} 不是数量（{EXAMPLES}）")
        return number

    def _stance(self, text: str | None) -> Stance | None:
        if text is None:
            return None
        found = _stance(text)
        if found is None:
            self.fail("stance", f"{_quoted(text)} 不是已知的倾向（正面、负面、中性 …）")
        return found

    def _unit(self, text: str | None, defaults: Defaults, units: Collection[str]) -> str | None:
        unit = text or defaults.unit
        if unit is None:
            self.fail("unit", "没有涉事单位：用 --unit 指定默认单位")
        elif unit not in units:
            self.fail(
                "unit", f"未知的涉事单位 {_quoted(unit)}；org.yaml 中的单位：{'、'.join(units)}"
            )
            return None
        return unit

    def _category(self, text: str | None, defaults: Defaults) -> Category:
        if text is None:
            return defaults.category
        found = _enum_value(Category, text)
        if found is None:
            choices = "、".join(f"{k}（{v}）" for k, v in LABELS[Category].items())
            self.fail("category", f"{_quoted(text)} 不是舆情类别；可选：{choices}")
            return defaults.category
        return found


def lead_time(text: str, zone: tzinfo) -> datetime:
    """A time as exports write it: ISO, ``2026/11/24 09:30``, ``2026年11月24日 09:30``."""
    normal = _DATE_WORDS.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", text.strip())
    normal = re.sub(r"(\d{4}-\d{2}-\d{2})\s*(\d{1,2}:)", r"\1 \2", normal)
    normal = re.sub(r" (\d):", r" 0\1:", normal)
    return read_time(normal, zone)  # its range is the row's to check (``_RowReader._time``)


def _stance(text: str) -> Stance | None:
    return STANCE_WORDS.get(text.lower()) or _enum_value(Stance, text)


E = TypeVar("E", Category, Stance, Platform)


def _enum_value(enum: type[E], text: str) -> E | None:
    """An enumeration value named by its key or its Chinese label."""
    if text in enum.__members__:
        return enum(text)
    for key, shown in LABELS[enum].items():
        if text == shown or text in shown.split("/"):
            return enum(key)
    return None


def _platform(
    text: str | None, url: str | None, mapping: ImportMapping
) -> tuple[Platform, str | None]:
    if text is not None:
        found = (
            mapping.platforms.get(text)
            or PLATFORM_WORDS.get(text.lower())
            or _enum_value(Platform, text.lower())
        )
        if found is not None:
            return found, None
    guessed = guess_platform(url) if url else Platform.other
    return guessed, text


def url_key(url: str) -> str:
    """A link as compared for duplicates: scheme (http/https), host case, fragment and a final
    slash do not matter; the query does (it names the post on many sites)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # http://[x/… (a bad IPv6 host) is compared as written
        return url.strip()
    path = parts.path.rstrip("/")
    return urlunsplit(("", parts.netloc.lower(), path, parts.query, ""))


def plan_import(
    leads: Sequence[Lead], open_urls: Mapping[str, str], closed_urls: Mapping[str, str]
) -> ImportPlan:
    """Which leads open a case: not those whose link an open case records (keyed by ``url_key``),
    nor a second row with a link already in the file. A link only a closed case records does not
    hold a lead back (the story is back), but is told."""
    plan = ImportPlan()
    first_row: dict[str, int] = {}
    for lead in leads:
        key = url_key(lead.url) if lead.url else None
        if key is not None and key in open_urls:
            plan.duplicates.append(Duplicate(lead, case_id=open_urls[key]))
        elif key is not None and key in first_row:
            plan.duplicates.append(Duplicate(lead, row_of=first_row[key]))
        else:
            plan.new.append(lead)
            if key is not None:
                first_row[key] = lead.row
                if key in closed_urls:
                    plan.seen_closed[lead.row] = closed_urls[key]
    return plan


def case_fields(lead: Lead) -> dict[str, Any]:
    """The new case's fields (for ``newcase.create``)."""
    source: dict[str, Any] = {
        "platform": lead.platform.value,
        "url": lead.url,
        "account": lead.account,
        "followers": lead.followers,
        "published_at": lead.published_at,
        "stance": lead.stance.value if lead.stance else None,
        "excerpt": shortened(lead.text, EXCERPT_CHARS) if lead.text else None,
        "keywords": lead.keywords,
        "alert_level": lead.alert_level,
    }
    return {
        "title": lead.title,
        "unit": lead.unit,
        "category": lead.category.value,
        "discovered_at": lead.discovered_at,
        "summary": lead.summary,
        "sources": [{k: v for k, v in source.items() if v is not None}],
        "signals": dict(lead.counts),
    }


def first_entry_text(lead: Lead, file_name: str) -> str:
    """The ``discovered`` entry's text: where the lead came from."""
    platform = f"；平台：{lead.platform_text}" if lead.platform_text else ""
    return f"监测平台预警导入（{file_name} 第 {lead.row} 行{platform}）"


def _keywords(text: str | None) -> str | None:
    """``食堂,异物 / 食堂`` → ``食堂、异物``: the export's separators (and line breaks) as one."""
    words = dict.fromkeys(w for w in _KEYWORD_SEPARATORS.split(text or "") if w)
    return "、".join(words) or None


def _cell_text(cell: Cell) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).replace("\r\n", "\n").strip()  # a CSV cell's line breaks may be CRLF
    return text or None


def _quoted(text: str, limit: int = 40) -> str:
    return repr(shortened(text, limit))
