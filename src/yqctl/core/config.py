"""Repository configuration: ``yq.yaml`` (which policy, zone, institution) and ``org.yaml`` (who)."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from yqctl.core.enums import Category, Platform
from yqctl.core.model import Line, Model, Text, strict_choice

DEFAULT_TIMEZONE = "Asia/Shanghai"


# what each kind of channel's address (an apprise URL) starts with: a key pasted into the
# wrong variable is caught before anything is sent
CHANNEL_SCHEMES: dict[str, tuple[str, ...]] = {
    "wecom": ("wecombot://",),  # 企业微信群机器人
    "dingtalk": ("dingtalk://",),  # 钉钉群机器人
    "feishu": ("feishu://", "lark://"),  # 飞书群机器人
    "email": ("mailto://", "mailtos://"),  # 邮件
    "webhook": ("json://", "jsons://", "form://", "forms://"),  # 其他（自建系统）
}


class Channel(Model):
    """A group robot or mailbox to notify. Its address, which carries the robot's key or the mail
    password, comes from an environment variable: never from the repository."""

    name: Text  # 如“舆情办工作群”
    kind: Literal["wecom", "dingtalk", "feishu", "email", "webhook"]
    url_env: Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]*$")]  # 存放地址的环境变量名
    events: list[Literal["due", "grade"]] = ["due", "grade"]  # 哪些提醒发到这里


# What a lead (a row of a monitoring platform's alert export) can say, by the column that says it
LeadField = Literal[
    "title",  # 标题
    "url",  # 原文链接
    "platform",  # 平台
    "account",  # 发布账号（公开账号名）
    "published_at",  # 发布时间
    "discovered_at",  # 预警/采集时间：案件的发现时间（无此列时为导入时间）
    "text",  # 正文：来源摘录；无摘要列时也作内容摘要
    "summary",  # 摘要
    "posts",  # 相似文章数
    "reposts",  # 转发数
    "comments",  # 评论数
    "views",  # 阅读/浏览/播放量
    "likes",  # 点赞数
    "favorites",  # 收藏数
    "followers",  # 粉丝数：发布账号的，即帖文可触达的范围（来源的 followers）
    "keywords",  # 命中关键词
    "alert_level",  # 监测平台的预警级别（不据以定级）
    "stance",  # 情感倾向
    "unit",  # 涉事单位（导出前已分派时）
    "category",  # 舆情类别
]


# Columns about the person behind a post, which exports carry and yqctl never reads: the project
# keeps no dossiers on people (units and roles, a source's public account name at most), so no
# mapping may name them, not even as the text of another field. Compared as header_key gives them.
PERSONAL_HEADERS = frozenset(
    {
        "ip属地", "ip归属地", "ip地址", "ip", "iplocation", "ip位置", "属地", "地域", "所在地",
        "所在地区", "发布地区", "发帖地区", "作者地域", "作者地区", "用户地区", "location",
        "性别", "作者性别", "gender", "年龄", "手机", "手机号", "电话", "联系电话", "phone",
        "身份证", "身份证号", "真实姓名", "住址", "家庭住址",
    }
)  # fmt: skip


def header_key(cell: object) -> str:
    """A header as compared: no spaces, colons or asterisks, lower case (``IP 属地：`` = ip属地)."""
    return re.sub(r"[\s:：*]", "", str(cell)).lower()


def _not_personal(header: str) -> str:
    if header_key(header) in PERSONAL_HEADERS:
        raise PydanticCustomError(
            "personal_header",
            "“{header}”是发帖人的个人信息，yqctl 不导入：案件只记录单位、岗位和来源的公开账号名",
            {"header": header},
        )
    return header


Header = Annotated[Text, AfterValidator(_not_personal)]


class ImportMapping(Model):
    """一种监测平台导出表的列映射（yq.yaml 的 import_mappings）."""

    columns: dict[LeadField, list[Header]]  # 字段 → 表头（可写多个别名，任一匹配即可）
    platforms: dict[str, Annotated[Platform, strict_choice(Platform)]] = {}  # 平台列取值 → 平台
    unit: str | None = None  # 默认涉事单位（表中无涉事单位列或该格为空时）
    category: Annotated[Category, strict_choice(Category)] | None = None  # 默认舆情类别

    @field_validator("columns", mode="before")
    @classmethod
    def _one_or_more(cls, value: object) -> object:
        """A single header may be written as text."""
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value


class RepoConfig(Model):
    """``yq.yaml``."""

    version: Literal[1]
    institution: Text  # 学校名称，出现在表单和报告的页眉
    office: str = "舆情工作领导小组办公室"  # 报告的发文单位
    policy: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")] = "university"
    timezone: str = DEFAULT_TIMEZONE
    default_author: Line | None = None  # 时间线 by 的默认值（岗位，如“舆情办值班员”）
    marking: Text = "内部资料"  # 表单、报告每页页眉的标识
    confidential_marking: Text = (
        "内部资料 严格控制知悉范围"  # 涉密案件（confidential: true）的页眉标识
    )
    notify: list[Channel] = []  # 通知渠道：群机器人、邮箱（地址从环境变量读取）
    evidence_max_mb: Annotated[StrictInt, Field(ge=1)] = 50  # 单个证据文件的大小上限（MB）
    import_mappings: dict[str, ImportMapping] = {}  # yqctl import 的列映射，按名称

    def marking_for(self, confidential: bool) -> str:
        return self.confidential_marking if confidential else self.marking

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise PydanticCustomError(
                "timezone", "未知的时区 {value}，如 Asia/Shanghai", {"value": repr(value)}
            ) from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Contact(Model):
    """A post-holder to notify: an official role's contact, never a private person's dossier."""

    title: str | None = None  # 职务
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class Unit(Model):
    """One 二级单位 / 处室 / 级部."""

    head: Contact | None = None  # 第一责任人
    officers: list[Contact] = []  # 舆情信息员 / 网评员


class Org(Model):
    """``org.yaml`` (contract v1)."""

    version: Literal[1]
    institution: str | None = None
    units: dict[str, Unit | None]  # keys are the unit names that cases use in `unit`
    roles: dict[str, Contact] = {}  # the roles a policy escalates to, by key
    external: dict[str, Contact] = {}  # bodies outside the school (网信办、教育局、公安 …)

    def unit(self, name: str) -> Unit:
        return self.units.get(name) or Unit()
