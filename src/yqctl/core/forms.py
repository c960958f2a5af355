"""The forms a policy's document has, filled from a case (a policy lists its own in ``forms``).

- 附件3《舆情处置情况登记表》 (university): level 3, filled by the unit, returned within 24h (五(二)).
- 附件4《舆情处置意见表》 (university): level 2, the leading group's judgement (五(二)).
- 《舆情处置记录》 (middle school): its 预案 has no annexed form; its 四、处置程序及办法 is the
  record: (一)研判预警, (二)快速反应, (三)分类处置, (四)动态跟踪, (五)总结评估, each step in the
  预案's words beside what the timeline recorded of it and, where the policy sets a deadline for
  it, when it was due and whether it was met.

A field the case does not know stays None, and templates print it as a blank line to fill by hand:
a form must never say "None", nor invent a signature or an opinion nobody gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from yqctl.core.case import Case, TimelineEntry
from yqctl.core.config import Contact, Org
from yqctl.core.deadlines import STATUS_LABELS, DeadlineState, DeadlineStatus, case_states
from yqctl.core.durations import minutes_label
from yqctl.core.enums import Action, Category, label
from yqctl.core.enums import FormKind as FormKind  # where the forms' callers have found it
from yqctl.core.grading import current_major
from yqctl.core.policy import Policy
from yqctl.core.special import Judgement, judgement
from yqctl.core.views import (
    Letterhead,
    SourceLine,
    Spread,
    TimelineLine,
    fields_json,
    level_text,
    source_line,
    spread_of,
    timeline_lines,
)
from yqctl.core.workdays import WorkCalendar

FORM_TITLES = {
    FormKind.registration: "舆情处置情况登记表",
    FormKind.opinion: "舆情处置意见表",
    FormKind.record: "舆情处置记录",
}
FORM_ANNEX = {FormKind.registration: "附件3", FormKind.opinion: "附件4"}  # the record has none


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


# ---- 《舆情处置记录》 (middle-school 预案 四) --------------------------------------------------------


@dataclass(frozen=True)
class RecordStep:
    """One thing the 预案 asks for, and what the case recorded of it."""

    title: str  # 事项：the 预案's words
    clause: str  # 四(二)、四(三)3 …
    applies: bool | None  # to this case: True 应办, False 不适用, None 视情况 (see ``condition``)
    condition: str | None  # the 预案's condition, for a step that applies only on it
    # 时限 as the policy counts it (立即（30分钟）, 3小时, 当日内 …); None: the policy sets none
    within: str | None
    due: datetime | None  # 应完成时间 (None: no deadline, or none with a fixed time)
    # met / met_late / overdue / due_soon / open: the policy's deadline for it;
    # done / missing / not_applicable / conditional: a step the policy sets no deadline for
    status: str
    # 按时完成 / 逾期完成（迟1小时）/ 已超时（4小时）/ 已记录 / 未记录 / 不适用 / 视情况
    status_label: str
    entries: tuple[TimelineLine, ...]  # what the timeline recorded of it, in time order


@dataclass(frozen=True)
class RecordSection:
    """One part of 四、处置程序及办法: its words, its steps, the entries that belong to it."""

    number: str  # 一 … 五
    title: str  # 研判预警 …
    clause: str  # 四(一) …
    basis: str  # the 预案's words (分类处置: the paragraph of the case's category)
    steps: tuple[RecordStep, ...]
    entries: tuple[TimelineLine, ...]  # entries of this part that no step takes (研判: 定级 …)

    @property
    def active(self) -> bool:
        """A step applies, may apply, or was recorded: else the section is one sentence (a case
        not 重大 has no 快速反应 to list, step by step, as 不适用)."""
        return any(step.applies is not False or step.entries for step in self.steps)

    def to_json(self) -> dict[str, object]:
        return fields_json(self) | {"active": self.active}


@dataclass(frozen=True)
class RecordForm:
    """《舆情处置记录》: the middle school's 四(一)-(五), one section each, filled from the case."""

    head: Letterhead
    policy_name: str  # 《xx中学舆情应急处置预案》: the record follows its 四
    case_id: str  # 编号
    title: str  # 舆情标题
    unit: str  # 涉事科室/级部
    category_label: str  # 舆情类别
    status_label: str  # 处置状态
    discovered_at: datetime  # 发现时间
    discovered_by: str | None  # 发现人（途径）
    sources: tuple[SourceLine, ...]  # 来源
    summary: str | None  # 内容摘要
    judgement: Judgement  # 级别及研判依据
    major: bool  # 认定为重大网络舆情 (as the case stands)
    spread: Spread  # 传播态势
    assess: RecordSection  # 一、研判预警 四(一)
    respond: RecordSection  # 二、快速反应 四(二)
    classify: RecordSection  # 三、分类处置 四(三)
    track: RecordSection  # 四、动态跟踪 四(四)
    trackers: tuple[str, ...]  # 跟踪责任人: 办公室副主任 and the unit's head, from org.yaml
    review: RecordSection  # 五、总结评估 四(五)
    closed_at: datetime | None  # 办结时间
    result: str | None  # 处置结果
    evaluation: str | None  # 总结评估
    lessons: str | None  # 经验教训
    improvements: str | None  # 健全完善工作机制（改进措施）
    other_duties: tuple[RecordStep, ...]  # the policy's deadlines that no step above names
    timeline: tuple[TimelineLine, ...]  # 处置过程（完整时间线）
    drill: bool


@dataclass(frozen=True)
class _Step:
    """A step as the 预案 words it: which actions record it, and whether it always applies."""

    title: str
    clause: str
    actions: tuple[Action, ...]
    condition: str | None = None  # set: applies only on this condition (视情况)


# 四(二) 快速反应: "发现重大网络舆情后，马上要报告学校舆情防控处置领导小组：分管副校长、校长，报区教体局
# 宣传科，报学校辖区公安部门 …于发现后三小时内以单位或网络新闻发言人的名义跟帖依法依规告知事实真相、
# 事件处置情况或答疑释惑…在应急处置过程中，要及时续报有关情况。" — three reports, one 跟帖, the 续报.
_RESPOND = (
    _Step(
        "马上报告学校舆情防控处置领导小组（分管副校长、校长）",
        "四(二)",
        (Action.reported_to_leaders,),
    ),
    _Step("马上报区教体局宣传科", "四(二)", (Action.reported_to_superiors,)),
    _Step("马上报学校辖区公安部门", "四(二)", (Action.reported_to_police,)),
    _Step(
        "于发现后三小时内以单位或网络新闻发言人的名义跟帖，告知事实真相、事件处置情况或答疑释惑",
        "四(二)",
        (Action.statement,),
    ),
    _Step("在应急处置过程中及时续报有关情况", "四(二)", (Action.follow_up,)),
)
_REFERRAL = "请执纪执法部门依纪依法查处"
# 四(三) 分类处置: each category's paragraph, and the steps it names.
_CLASSIFY: dict[Category, tuple[str, str, tuple[_Step, ...]]] = {
    Category.inquiry: (
        "四(三)1",
        "属询问、置疑、诉求类的，安排相关科室、级部依法依规进行办理、提出答复意见，经分管副校长审定后"
        "统一回复；能当即回复的要当即回复，需要一段时间办理后才能回复的，要在发现当日内回复处理意见"
        "并在办结之日内回复处理结果。",
        (
            # the 分管副校长's 审定 is recorded as an instruction (签批), shown beside the reply
            _Step(
                "答复意见经分管副校长审定后统一回复：能当即回复的当即回复，否则发现当日内回复处理意见",
                "四(三)1",
                (Action.reply, Action.instruction),
            ),
            _Step("办结之日内回复处理结果", "四(三)1", (Action.result_reply,)),
        ),
    ),
    Category.malicious_spread: (
        "四(三)2",
        "属恶意传播或炒作类的，要依法告知事实真相或事件处置情况；对于造成重大负面影响或严重损失，"
        "告知事实真相、事件处置情况后仍继续恶意传播或炒作的，请执纪执法部门依纪依法查处。",
        (
            _Step("依法告知事实真相或事件处置情况", "四(三)2", (Action.statement,)),
            _Step(
                _REFERRAL,
                "四(三)2",
                (Action.law_enforcement_referral,),
                "造成重大负面影响或严重损失，告知事实真相、事件处置情况后仍继续恶意传播或炒作的",
            ),
        ),
    ),
    Category.fabrication: (
        "四(三)3",
        "属捏造、歪曲或夸大事实，恶意攻击、诽谤，煽动网民闹事或涉嫌网上违法犯罪活动的，要依法澄清"
        "事实真相，并请执纪执法部门依纪依法查处。",
        (
            _Step("依法澄清事实真相", "四(三)3", (Action.statement,)),
            _Step(_REFERRAL, "四(三)3", (Action.law_enforcement_referral,)),
        ),
    ),
    Category.constructive: (
        "四(三)4",
        "属对舆情防控有重要积极意义类的，要积极采纳建议并按要求予以回复。",
        (_Step("积极采纳建议并按要求予以回复", "四(三)4", (Action.reply,)),),
    ),
    Category.other: ("四(三)", "不属预案四(三)所列四类，按实际情况处置。", ()),
}
_ASSESS_BASIS = (
    "对我校可能引发重大网络舆情的突发事件、热点敏感问题，要及时搜集掌握有关真实信息，做好应对处置"
    "准备，增强工作前瞻性和时效性。"
)
_RESPOND_BASIS = (
    "发现重大网络舆情后，马上要报告学校舆情防控处置领导小组，报区教体局宣传科，报学校辖区公安部门，"
    "同时立即启动应急预案；于发现后三小时内以单位或网络新闻发言人的名义跟帖告知事实真相、事件处置"
    "情况或答疑释惑；在应急处置过程中，要及时续报有关情况。"
)
_TRACK_BASIS = (
    "办公室副主任和各级部的分管副主任对突发重大舆情及处置后的事态实行动态跟踪，适时采取应对处置措施，"
    "坚决防止网络舆情危机发生。"
)
_REVIEW_BASIS = (
    "在网络舆情被消除或趋于平稳后，根据舆情的发生、传播和处置情况及时进行总结、梳理、反思，并健全"
    "完善工作机制，不断提高应对网络舆情的能力。"
)
# 四(四) "对突发重大舆情及处置后的事态实行动态跟踪": asked of a 重大 case
_TRACK = _Step("对事态实行动态跟踪，适时采取应对处置措施", "四(四)", (Action.tracking,))
# 四(五): every case, once it has calmed down (the policy's summary deadline, before closing)
_REVIEW = _Step("舆情消除或趋于平稳后及时总结、梳理、反思", "四(五)", (Action.summary,))
# 四(一) 研判预警 gathers the facts: what was found, graded, preserved and verified (备注)
_ASSESS_ACTIONS = (
    Action.discovered,
    Action.reported_to_office,
    Action.graded,
    Action.evidence_saved,
    Action.note,
)
_SECTIONS = ("四(一)", "四(二)", "四(三)", "四(四)", "四(五)")
OFFICE_DEPUTY = "office_deputy"  # org.yaml role: 办公室副主任（动态跟踪）


def record_form(
    case: Case,
    policy: Policy,
    org: Org,
    calendar: WorkCalendar,
    zone: ZoneInfo,
    now: datetime,
    head: Letterhead,
) -> RecordForm:
    """The record as of ``now``: deadlines are judged then (the record of a closed case is final)."""
    major = current_major(case, policy)
    # a 重大 case owes the 快速反应; an ungraded one may yet become one (视情况)
    rapid = major if case.level is not None else None
    match = _Matcher(case_states(case, policy, calendar, zone, now), case, policy, zone)
    clause, basis, steps = _CLASSIFY[case.category]
    entries = timeline_lines(case.timeline, zone)
    closure = case.closure
    return RecordForm(
        head=head,
        policy_name=policy.name,
        case_id=case.id,
        title=case.title,
        unit=case.unit,
        category_label=label(case.category),
        status_label=label(case.status),
        discovered_at=case.discovered_at.astimezone(zone),
        discovered_by=case.discovered_by,
        sources=tuple(source_line(s, zone) for s in case.sources),
        summary=(case.summary or "").strip() or None,
        judgement=judgement(case, policy, zone),
        major=major,
        spread=spread_of(case),
        assess=RecordSection(
            "一",
            "研判预警",
            "四(一)",
            _ASSESS_BASIS,
            (),
            tuple(e for e in entries if Action(e.action) in _ASSESS_ACTIONS),
        ),
        respond=RecordSection(
            "二",
            "快速反应",
            "四(二)",
            _RESPOND_BASIS,
            tuple(match.step(step, rapid) for step in _RESPOND),
            (),
        ),
        classify=RecordSection(
            "三",
            "分类处置",
            clause,
            basis,
            tuple(match.step(step, None if step.condition else True) for step in steps),
            (),
        ),
        track=RecordSection(
            "四", "动态跟踪", "四(四)", _TRACK_BASIS, (match.step(_TRACK, rapid),), ()
        ),
        trackers=_trackers(case, org),
        review=RecordSection(
            "五", "总结评估", "四(五)", _REVIEW_BASIS, (match.step(_REVIEW, True),), ()
        ),
        closed_at=closure.closed_at.astimezone(zone) if closure else None,
        result=closure.result if closure else None,
        evaluation=closure.evaluation if closure else None,
        lessons=closure.lessons if closure else None,
        improvements=closure.improvements if closure else None,
        other_duties=match.rest(),
        timeline=tuple(entries),
        drill=case.drill,
    )


class _Matcher:
    """Hands each step the policy's deadline for it, once: a deadline is a step's when one of its
    closing actions records the step and its clause names the step's section (or no section of
    四 at all: a policy of one's own); the deadlines no step takes are listed apart."""

    def __init__(self, states: list[DeadlineState], case: Case, policy: Policy, zone: ZoneInfo):
        self.free = list(states)
        self.case, self.policy, self.zone = case, policy, zone

    def step(self, step: _Step, applies: bool | None) -> RecordStep:
        section = next(s for s in _SECTIONS if step.clause.startswith(s))
        state = next(
            (
                s
                for s in self.free
                if set(s.deadline.closed_by) & set(step.actions)
                and (section in s.deadline.clause or not _names_a_section(s.deadline.clause))
            ),
            None,
        )
        if state is not None:
            self.free.remove(state)
        entries = [e for e in self.case.timeline if e.action in step.actions]
        return self._line(
            step.title,
            step.clause,
            True if state is not None else applies,
            step.condition if state is None else None,
            state,
            timeline_lines(entries, self.zone),
        )

    def rest(self) -> tuple[RecordStep, ...]:
        return tuple(
            self._line(
                s.deadline.title,
                s.deadline.clause,
                True,
                None,
                s,
                timeline_lines(
                    (e for e in self.case.timeline if e.action in s.deadline.closed_by), self.zone
                ),
            )
            for s in self.free
        )

    def _line(
        self,
        title: str,
        clause: str,
        applies: bool | None,
        condition: str | None,
        state: DeadlineState | None,
        entries: list[TimelineLine],
    ) -> RecordStep:
        status, status_label = _step_status(applies, state, bool(entries))
        deadline = state.deadline if state is not None else None
        return RecordStep(
            title=title,
            clause=clause,
            applies=applies,
            condition=condition,
            within=deadline.within.label(self.policy.immediate) if deadline else None,
            due=deadline.due if deadline else None,
            status=status,
            status_label=status_label,
            entries=tuple(entries),
        )


def _names_a_section(clause: str) -> bool:
    return any(section in clause for section in _SECTIONS)


def _step_status(
    applies: bool | None, state: DeadlineState | None, recorded: bool
) -> tuple[str, str]:
    """The deadline's status when the policy sets one; else what the timeline shows."""
    if state is not None:
        text = STATUS_LABELS[state.status]
        if state.status is DeadlineStatus.met_late and state.late_by_minutes:
            text += f"（迟{minutes_label(state.late_by_minutes)}）"
        elif state.status is DeadlineStatus.overdue and state.overdue_by_minutes:
            text += f"（{minutes_label(state.overdue_by_minutes)}）"
        return state.status.value, text
    if recorded:
        return "done", "已记录"
    if applies is None:
        return "conditional", "视情况"
    return ("missing", "未记录") if applies else ("not_applicable", "不适用")


def _trackers(case: Case, org: Org) -> tuple[str, ...]:
    """四(四)'s 办公室副主任 and the unit's head (各级部的分管副主任), as org.yaml names them."""
    deputy = _contact_text(org.roles.get(OFFICE_DEPUTY))
    head = _contact_text(org.unit(case.unit).head)
    return tuple(
        text for text in (deputy, f"{case.unit} {head}" if head else None) if text is not None
    )
