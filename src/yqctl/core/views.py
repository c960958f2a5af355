"""What forms and reports show of a case: plain, labelled values ready for a template.

Templates get these objects (and ``to_jsonable`` turns them into ``--json``); they never see a
value they would have to translate, so a template override cannot get a label wrong.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import Enum
from typing import Any

from pydantic import BaseModel

from yqctl.core.case import Case, Source, TimelineEntry
from yqctl.core.conditions import FIELD_LABELS
from yqctl.core.enums import label
from yqctl.core.grading import current_major
from yqctl.core.policy import Policy

DEFAULT_MARKING = "内部资料"


@dataclass(frozen=True)
class Letterhead:
    """The document's head: who issues it, its mark (内部资料 …), when it was made."""

    institution: str  # 学校名称：页眉
    office: str  # 发文单位
    marking: str  # 页眉密级标识：内部资料，或涉密案件的标识
    title: str  # 舆情周报 / 舆情专报 / 《舆情处置情况登记表》…
    generated_at: datetime  # = --now


@dataclass(frozen=True)
class TimelineLine:
    at: datetime
    action: str
    action_label: str
    by: str | None
    text: str | None


@dataclass(frozen=True)
class SourceLine:
    platform: str
    platform_label: str
    url: str | None
    account: str | None
    published_at: datetime | None
    stance: str | None
    stance_label: str | None
    excerpt: str | None
    evidence: str | None
    sha256: str | None
    followers: int | None = None  # 粉丝数 of the account
    keywords: str | None = None  # 监测平台命中关键词
    alert_level: str | None = None  # 监测平台预警级别


@dataclass(frozen=True)
class Spread:
    """传播情况：范围、数量和已出现的情节."""

    spread: str
    spread_label: str
    posts: int
    reposts: int
    comments: int
    views: int
    harmful: bool
    flags: tuple[str, ...]  # 已出现的情节：外媒介入、引起上级有关部门的重视 …
    likes: int = 0
    favorites: int = 0

    @property
    def counts(self) -> str:
        """帖文 35、转发 120、评论 300、浏览 20000, then 点赞 and 收藏 when an export gave them."""
        shown = [("帖文", self.posts), ("转发", self.reposts), ("评论", self.comments)]
        shown.append(("浏览", self.views))
        shown += [(name, n) for name, n in (("点赞", self.likes), ("收藏", self.favorites)) if n]
        return "、".join(f"{name} {n}" for name, n in shown)

    @property
    def text(self) -> str:
        """One sentence, e.g. 局部热点，帖文 35、转发 120、评论 300、浏览 20000；有害信息。"""
        extra = [*(["有害信息"] if self.harmful else []), *self.flags]
        tail = f"；{'、'.join(extra)}" if extra else ""
        return f"{self.spread_label}，{self.counts}{tail}。"


# The true-or-false signals worth naming in a report, in the case file's order.
_FLAG_FIELDS = (
    "authority_request",
    "staff_confidentiality_breach",
    "superior_attention",
    "serious_consequences",
    "stability_impact",
    "official_account_compromised",
    "foreign_media",
)


def timeline_lines(entries: Iterable[TimelineEntry], zone: tzinfo) -> list[TimelineLine]:
    """The timeline in time order (entries may be back-dated), in the repository's zone."""
    ordered = sorted(entries, key=lambda entry: entry.at)
    return [
        TimelineLine(e.at.astimezone(zone), e.action.value, label(e.action), e.by, e.text)
        for e in ordered
    ]


def source_line(source: Source, zone: tzinfo) -> SourceLine:
    return SourceLine(
        platform=source.platform.value,
        platform_label=label(source.platform),
        url=source.url,
        account=source.account,
        published_at=source.published_at.astimezone(zone) if source.published_at else None,
        stance=source.stance.value if source.stance else None,
        stance_label=label(source.stance) if source.stance else None,
        excerpt=source.excerpt,
        evidence=source.evidence,
        sha256=source.sha256,
        followers=source.followers,
        keywords=source.keywords,
        alert_level=source.alert_level,
    )


def spread_of(case: Case) -> Spread:
    s = case.signals
    flags = tuple(FIELD_LABELS[f"signals.{name}"] for name in _FLAG_FIELDS if getattr(s, name))
    return Spread(
        s.spread.value,
        label(s.spread),
        s.posts,
        s.reposts,
        s.comments,
        s.views,
        s.harmful,
        flags,
        likes=s.likes,
        favorites=s.favorites,
    )


def level_text(case: Case, policy: Policy) -> str:
    """一级 / 二级（重大舆情）/ 待定级."""
    if case.level is None:
        return "待定级"
    name = policy.level_name(case.level)
    major = current_major(case, policy)
    return f"{name}（重大舆情）" if major and "重大" not in name else name


def level_phrase(case: Case, policy: Policy) -> str:
    """For sentences: 一级舆情，属重大舆情 / 重大网络舆情 / 尚未定级."""
    if case.level is None:
        return "尚未定级"
    name = policy.level_name(case.level)
    phrase = name if name.endswith("舆情") else f"{name}舆情"
    major = current_major(case, policy)
    return f"{phrase}，属重大舆情" if major and "重大" not in name else phrase


def fields_json(value: Any) -> dict[str, Any]:
    """A dataclass instance's fields as JSON values."""
    return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}


def to_jsonable(value: Any) -> Any:
    """Dataclasses (their own ``to_json`` if they have one), pydantic models, times and enums →
    JSON values, recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_json = getattr(value, "to_json", None)
        return to_json() if callable(to_json) else fields_json(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return value
