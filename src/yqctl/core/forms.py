"""The university 办法's forms, filled from a case: 附件3 and 附件4.

- 附件3《舆情处置情况登记表》: level 3, filled by the unit and returned within 24h (五(三)).
- 附件4《舆情处置意见表》: level 2, the leading group's judgement (五(二)).

A field the case does not know stays None, and templates print it as a blank line to fill by hand:
a form must never say "None", nor invent a signature or an opinion nobody gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from yqctl.core.case import Case, TimelineEntry
from yqctl.core.config import Contact, Org
from yqctl.core.enums import Action, label
from yqctl.core.policy import Policy
from yqctl.core.special import Judgement, judgement
from yqctl.core.views import (
    Letterhead,
    SourceLine,
    Spread,
    TimelineLine,
    level_text,
    source_line,
    spread_of,
    timeline_lines,
)


class FormKind(StrEnum):
    registration = "registration"  # 附件3 舆情处置情况登记表
    opinion = "opinion"  # 附件4 舆情处置意见表


FORM_TITLES = {
    FormKind.registration: "舆情处置情况登记表",
    FormKind.opinion: "舆情处置意见表",
}
FORM_ANNEX = {FormKind.registration: "附件3", FormKind.opinion: "附件4"}


@dataclass(frozen=True)
class RegistrationForm:
    """附件3《舆情处置情况登记表》."""

    head: Letterhead
    annex: str
    case_id: str
    unit: str  # 填报单位
    reporter: str | None  # 填报人及联系方式：the unit's 舆情信息员 from org.yaml, if filled in
    filed_at: datetime | None  # 填报时间：the registration_form entry, else by hand
    title: str  # 舆情标题
    discovered_at: datetime  # 发现时间
    discovered_by: str | None  # 发现途径
    sources: tuple[SourceLine, ...]  # 来源（平台、链接、账号）
    summary: str | None  # 内容摘要
    level_name: str  # 舆情级别
    category_label: str  # 舆情类别
    spread: Spread  # 传播情况
    timeline: tuple[TimelineLine, ...]  # 处置措施及过程
    result: str | None  # 处置结果
    head_opinion: str | None  # 单位负责人意见: always by hand
    remarks: str | None  # 备注
    drill: bool


@dataclass(frozen=True)
class OpinionForm:
    """附件4《舆情处置意见表》."""

    head: Letterhead
    annex: str
    case_id: str  # 编号
    title: str  # 标题
    judgement: Judgement  # 级别及定级依据（命中规则与条款）
    discovered_at: datetime
    sources: tuple[SourceLine, ...]  # 发现时间与来源
    summary: str | None  # 内容摘要
    spread: Spread  # 传播态势
    assessment: str | None  # 研判意见: the leading group's meetings, else by hand
    handling: str | None  # 处置意见: statements/replies decided, else by hand
    reported_to_superiors: bool | None  # 是否报上级网络管理部门: None = not recorded → □是 □否
    reported_to_superiors_text: str | None
    group_opinion: str | None  # 领导小组意见: instructions recorded, else by hand
    signed_by: str | None  # 签发: by hand
    drill: bool


def registration_form(
    case: Case, policy: Policy, org: Org, zone: ZoneInfo, head: Letterhead
) -> RegistrationForm:
    filed = _first(case, Action.registration_form)
    officer = next(iter(org.unit(case.unit).officers), None)
    return RegistrationForm(
        head=head,
        annex=FORM_ANNEX[FormKind.registration],
        case_id=case.id,
        unit=case.unit,
        reporter=_contact_text(officer),
        filed_at=filed.at.astimezone(zone) if filed else None,
        title=case.title,
        discovered_at=case.discovered_at.astimezone(zone),
        discovered_by=case.discovered_by,
        sources=tuple(source_line(s, zone) for s in case.sources),
        summary=(case.summary or "").strip() or None,
        level_name=level_text(case, policy),
        category_label=label(case.category),
        spread=spread_of(case),
        timeline=tuple(timeline_lines(case.timeline, zone)),
        result=case.closure.result if case.closure else None,
        head_opinion=None,
        remarks="演练" if case.drill else None,
        drill=case.drill,
    )


def opinion_form(case: Case, policy: Policy, zone: ZoneInfo, head: Letterhead) -> OpinionForm:
    reported = _first(case, Action.reported_to_superiors)
    return OpinionForm(
        head=head,
        annex=FORM_ANNEX[FormKind.opinion],
        case_id=case.id,
        title=case.title,
        judgement=judgement(case, policy, zone),
        discovered_at=case.discovered_at.astimezone(zone),
        sources=tuple(source_line(s, zone) for s in case.sources),
        summary=(case.summary or "").strip() or None,
        spread=spread_of(case),
        assessment=_texts(case, zone, Action.meeting),
        handling=_texts(case, zone, Action.statement, Action.reply, Action.press_conference),
        reported_to_superiors=True if reported else None,
        reported_to_superiors_text=_entry_text(reported, zone) if reported else None,
        group_opinion=_texts(case, zone, Action.instruction),
        signed_by=None,
        drill=case.drill,
    )


def _first(case: Case, action: Action) -> TimelineEntry | None:
    found = [entry for entry in case.timeline if entry.action is action]
    return min(found, key=lambda entry: entry.at, default=None)


def _entry_text(entry: TimelineEntry, zone: ZoneInfo) -> str:
    at = entry.at.astimezone(zone)
    when = f"{at.month}月{at.day}日 {at:%H:%M}"  # 11月9日, as official documents write dates
    return f"{when} {entry.text or label(entry.action)}" + (f"（{entry.by}）" if entry.by else "")


def _texts(case: Case, zone: ZoneInfo, *actions: Action) -> str | None:
    """The recorded entries of these actions, one per line, or None (blank on the form)."""
    entries = sorted((e for e in case.timeline if e.action in actions), key=lambda e: e.at)
    return "\n".join(_entry_text(e, zone) for e in entries) or None


def _contact_text(contact: Contact | None) -> str | None:
    """姓名（职务） 电话, leaving out what org.yaml has not filled in (待填写)."""
    if contact is None:
        return None
    parts = [p for p in (contact.name, contact.title, contact.phone) if p and "待填写" not in p]
    return " ".join(parts) or None
