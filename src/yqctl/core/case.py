"""The case file (contract v1): one public-opinion incident (舆情事件) per YAML file.

Keys are English, values Chinese. Unknown keys are errors: a misspelt key must not vanish silently.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
)
from pydantic_core import PydanticCustomError

from yqctl.core.enums import Action, Category, Platform, Spread, Stance, Status
from yqctl.core.model import (
    Line,
    LineText,
    Model,
    PlainValue,
    Prose,
    ProseText,
    strict_choice,
)
from yqctl.core.sources import URL_RE
from yqctl.timeutil import RANGE_TEXT, computable

# Crockford's base32 without I, L, O, U: nothing to misread when an id is read out on the phone.
ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Matched whole (fullmatch): `$` alone also matches before a final newline, and an id "…\n" must not
# pass. The anchors stay for the editors' JSON Schema, which takes ID_RE.pattern as it is.
ID_RE = re.compile(r"^YQ-(\d{8})-([0-9ABCDEFGHJKMNPQRSTVWXYZ]{4})$")
SHA256_RE = re.compile(r"[0-9a-f]{64}")


def _time_not_number(value: object) -> object:
    # pydantic would read `discovered_at: 5` as Unix seconds; a case file never means that
    if isinstance(value, int | float):
        raise PydanticCustomError(
            "time_number", "应为带时区的时间，如 2026-11-24T09:30:00+08:00，不是数字"
        )
    return value


def _computable(value: datetime) -> datetime:
    # every reader adds deadlines to a case's times and shows them in the repository's zone
    if not computable(value):
        raise PydanticCustomError(
            "time_range", "时间 {value} " + RANGE_TEXT, {"value": value.isoformat()}
        )
    return value


Time = Annotated[AwareDatetime, BeforeValidator(_time_not_number), AfterValidator(_computable)]
Count = Annotated[StrictInt, Field(ge=0)]
CategoryField = Annotated[Category, strict_choice(Category)]
PlatformField = Annotated[Platform, strict_choice(Platform)]
SpreadField = Annotated[Spread, strict_choice(Spread)]
StanceField = Annotated[Stance, strict_choice(Stance)]
StatusField = Annotated[Status, strict_choice(Status)]
ActionField = Annotated[Action, strict_choice(Action)]


def check_case_id(value: str) -> str:
    """A case id is ``YQ-<YYYYMMDD>-<4 base32 chars>``; anything else (``../x`` too) is refused."""
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        raise PydanticCustomError(
            "case_id",
            "案件编号 {value} 格式不对，应为 YQ-<发现日期YYYYMMDD>-<4位字符>，如 YQ-20261124-7KQ2",
            {"value": repr(value)},
        )
    return value


class Source(Model):
    """Where the incident appeared: a public post."""

    platform: PlatformField
    url: Line | None = None
    account: Line | None = None  # public account name of the post, nothing more about the person
    # 粉丝数 of that public account: how many the post can reach (the reach 定级 weighs), a
    # figure the platform shows everyone; it says nothing of who runs the account
    followers: Count | None = None
    published_at: Time | None = None
    evidence: Line | None = None  # repository-relative path of a screenshot/archive
    sha256: str | None = None  # of the evidence file; `yqctl check` verifies it
    stance: StanceField | None = None  # 倾向：critical 批评/质疑 | supportive 支持/理解 | neutral
    excerpt: Prose | None = None  # 帖文摘录：公开帖文的原话，专报“传播态势”引用
    keywords: Line | None = None  # 命中关键词：why the monitoring platform flagged the post
    # 预警级别 in the monitoring platform's own words (红色预警, 高 …): a hint for whoever grades,
    # never read by grading, which follows the policy's criteria (university 四、舆情的定级)
    alert_level: Line | None = None

    @field_validator("sha256")
    @classmethod
    def _sha256(cls, value: str | None) -> str | None:
        if value is not None and not SHA256_RE.fullmatch(value):
            raise PydanticCustomError("sha256", "sha256 应为 64 位小写十六进制")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not URL_RE.fullmatch(value):
            raise PydanticCustomError("url", "链接应以 http:// 或 https:// 开头且不含空格")
        return value


class Signals(Model):
    """The facts that grading rules read. All optional: false / 0 / isolated by default."""

    spread: SpreadField = Spread.isolated
    harmful: StrictBool = False  # 有害信息
    posts: Count = 0
    reposts: Count = 0
    comments: Count = 0
    views: Count = 0
    likes: Count = 0  # 点赞数
    favorites: Count = 0  # 收藏数
    authority_request: StrictBool = False  # 公安机关等国家行政管理部门要求中断和查找
    staff_confidentiality_breach: StrictBool = False  # 工作人员违反保密规定违规发布信息
    superior_attention: StrictBool = False  # 引起上级有关部门的重视
    serious_consequences: StrictBool = False  # 产生严重后果
    stability_impact: StrictBool = False  # 严重影响学校和社会稳定
    official_account_compromised: StrictBool = False  # 官方微博/微信/网站被攻击、主页被篡改
    foreign_media: StrictBool = False  # 外媒介入
    # 告知事实真相、事件处置情况后仍继续恶意传播或炒作 (middle school 四(三)2: with serious_consequences
    # it calls in 执纪执法部门)
    spreads_after_truth: StrictBool = False
    referral_needed: StrictBool = False  # 研判须上报执法部门依法查处 (university 六(一) “必要时”)
    major: StrictBool | None = None  # 重大舆情 override; None = as the policy derives it


# The signals that are counts (posts, reposts … favorites): `set` and `new --signal` read them as
# `import` does (1.2万, 10万+, 1,234)
COUNT_SIGNALS = frozenset(name for name, f in Signals.model_fields.items() if f.annotation is int)


class TimelineEntry(Model):
    """One thing done, appended and never rewritten."""

    at: Time  # when it happened (may be back-dated)
    recorded_at: Time | None = None  # when it was written down (set by yqctl)
    action: ActionField
    by: Line | None = None  # a unit or role, not a private person
    text: Prose | None = None


class GradingEntry(Model):
    """One application of the policy (or an override) by `yqctl grade`."""

    at: Time
    by: Line | None = None
    level: Annotated[StrictInt, Field(ge=1)]
    level_name: Line | None = None
    major: StrictBool = False
    policy: LineText
    policy_hash: Line | None = None
    matched: list[Line] = []  # ids of the rules that matched
    override_reason: Prose | None = None


class Closure(Model):
    """Set by `yqctl close`: the result and the 总结评估."""

    closed_at: Time
    result: ProseText
    evaluation: ProseText  # 总结评估：事件经过、处置是否及时得当
    lessons: Prose | None = None  # 经验教训
    improvements: Prose | None = None  # 改进措施


class EvidenceItem(Model):
    """A preserved copy of a post (证据保全), added by ``yqctl evidence add``."""

    path: LineText  # repository-relative: evidence/<id>/<name>
    sha256: str  # `yqctl evidence verify` and `yqctl check` recompute it
    size: Count  # bytes
    media_type: LineText  # image/png, text/html, multipart/related (MHTML), application/warc …
    captured_at: Time  # when it was preserved (the commit proves it too)
    source: Annotated[StrictInt, Field(ge=1)] | None = None  # which source (from 1) it shows
    note: Prose | None = None

    @field_validator("sha256")
    @classmethod
    def _sha256(cls, value: str) -> str:
        if not SHA256_RE.fullmatch(value):
            raise PydanticCustomError("sha256", "sha256 应为 64 位小写十六进制")
        return value


class MergeConflict(Model):
    """A value two clones changed differently, left by the merge driver for ``yqctl resolve``."""

    field: LineText  # dotted: title, signals.reposts, sources.1.account
    base: PlainValue = None  # 共同祖先的值 (None: absent)
    ours: PlainValue = None  # 本地的值 — the value the file holds until resolved
    theirs: PlainValue = None  # 对方（合入一方）的值


class Case(Model):
    """A public-opinion incident (舆情事件)."""

    version: Literal[1]
    id: Annotated[str, Field(validate_default=False)]
    title: LineText
    discovered_at: Time  # 发现时间: deadlines count from here unless the policy says otherwise
    discovered_by: Line | None = None
    unit: LineText  # 涉事单位: a key of org.yaml units
    category: CategoryField
    summary: Prose | None = None
    sources: list[Source] = []
    signals: Signals = Signals()
    level: Annotated[StrictInt, Field(ge=1)] | None = None  # set only by `yqctl grade`
    grading: list[GradingEntry] = []
    status: StatusField = Status.open
    timeline: list[TimelineEntry] = []
    evidence: list[EvidenceItem] = []  # 证据：保存在 evidence/<id>/ 的截图、网页存档、PDF
    confidential: StrictBool = False
    drill: StrictBool = False  # 演练
    closure: Closure | None = None
    conflicts: list[MergeConflict] = []  # 合并冲突：unresolved until `yqctl resolve`

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> str:
        return check_case_id(value)  # type: ignore[arg-type]

    @property
    def year(self) -> str:
        return self.id[3:7]

    @property
    def is_open(self) -> bool:
        return self.status is not Status.closed


def case_relpath(case_id: str) -> str:
    """Where a case lives in the repository: ``cases/<YYYY>/<id>.yaml``."""
    check_case_id(case_id)
    return f"cases/{case_id[3:7]}/{case_id}.yaml"


def new_case_id(discovered_date: str, random_bits: int) -> str:
    """``YQ-<YYYYMMDD>-XXXX`` from a date string and 20 random bits (the caller owns randomness)."""
    chars = "".join(ID_ALPHABET[(random_bits >> shift) & 31] for shift in (15, 10, 5, 0))
    return f"YQ-{discovered_date}-{chars}"
