"""Enumerations of the case file, each value with its Chinese meaning (shown in errors and output)."""

from __future__ import annotations

from enum import StrEnum


class StartPoint(StrEnum):
    """From which moment a deadline counts."""

    discovered_at = "discovered_at"  # 发现时间 (default)
    graded_at = "graded_at"  # 定为当前级别的时间 (the grading entry that reached the current level)
    # 职责产生之时: since when the deadline's own condition has held, by the grading records (the
    # level and the 重大 flag each grading recorded); see core.arising
    applicable = "applicable"


class Category(StrEnum):
    """舆情类别 (middle-school 预案 四(三) names the classes)."""

    inquiry = "inquiry"
    malicious_spread = "malicious_spread"
    fabrication = "fabrication"
    constructive = "constructive"
    other = "other"


class Platform(StrEnum):
    """发布平台: the places a school's posts are actually seen, each counted apart in reports
    (issue 19 item 9: 小红书, 知乎, B站 … were ``other`` and counted as 其他)."""

    weibo = "weibo"
    wechat = "wechat"
    douyin = "douyin"
    kuaishou = "kuaishou"
    wechat_channels = "wechat_channels"
    xiaohongshu = "xiaohongshu"
    bilibili = "bilibili"
    zhihu = "zhihu"
    toutiao = "toutiao"
    douban = "douban"
    tieba = "tieba"
    forum = "forum"
    news = "news"
    campus_site = "campus_site"
    official_account = "official_account"
    chat_group = "chat_group"
    other = "other"


class Spread(StrEnum):
    """传播范围 (university 办法 四)."""

    isolated = "isolated"
    local_hotspot = "local_hotspot"
    global_hotspot = "global_hotspot"


class Stance(StrEnum):
    """一则来源的倾向：专报要把批评的声音和支持的声音都摆出来."""

    critical = "critical"
    supportive = "supportive"
    neutral = "neutral"


class FormKind(StrEnum):
    """The forms ``yqctl form`` fills from a case; a policy lists those its document has."""

    registration = "registration"  # 附件3《舆情处置情况登记表》（高校办法 五(二)，三级）
    opinion = "opinion"  # 附件4《舆情处置意见表》（高校办法 五(二)，二级）
    record = "record"  # 《舆情处置记录》（中学预案 四(一)至(五)）


class Status(StrEnum):
    """处置状态: open → graded → handling → responded → tracking → closed."""

    open = "open"
    graded = "graded"
    handling = "handling"
    responded = "responded"
    tracking = "tracking"
    closed = "closed"


class Action(StrEnum):
    """Timeline actions; the policy's deadlines are closed by them."""

    discovered = "discovered"
    reported_to_office = "reported_to_office"
    reported_to_leaders = "reported_to_leaders"
    reported_to_superiors = "reported_to_superiors"
    reported_to_police = "reported_to_police"
    graded = "graded"
    unit_report = "unit_report"
    registration_form = "registration_form"
    opinion_form = "opinion_form"
    meeting = "meeting"
    statement = "statement"
    press_conference = "press_conference"
    reply = "reply"
    result_reply = "result_reply"
    follow_up = "follow_up"
    evidence_saved = "evidence_saved"
    instruction = "instruction"
    law_enforcement_referral = "law_enforcement_referral"
    investigation = "investigation"  # 依法查明事实真相 (university 六(一), 保卫部)
    tracking = "tracking"
    summary = "summary"
    note = "note"
    # written by their own commands only (assign, status, close, reopen), never by `act`
    reassigned = "reassigned"
    status_changed = "status_changed"
    closed = "closed"
    reopened = "reopened"


# The action that records a form as filed (closing the deadline that asks for it); the record has
# none: it is the case's own account of its handling, never a duty of its own.
FORM_ACTIONS = {
    FormKind.registration: Action.registration_form,
    FormKind.opinion: Action.opinion_form,
}


LABELS: dict[type[StrEnum], dict[str, str]] = {
    Category: {
        "inquiry": "询问/置疑/诉求",
        "malicious_spread": "恶意传播/炒作",
        "fabrication": "捏造/歪曲/夸大/攻击/诽谤",
        "constructive": "有积极意义的建议",
        "other": "其他",
    },
    Platform: {
        "weibo": "微博",
        "wechat": "微信",
        "douyin": "抖音",
        "kuaishou": "快手",
        "wechat_channels": "视频号",
        "xiaohongshu": "小红书",
        "bilibili": "B站",
        "zhihu": "知乎",
        "toutiao": "今日头条",
        "douban": "豆瓣",
        "tieba": "百度贴吧",
        "forum": "论坛",
        "news": "新闻网站",
        "campus_site": "校园网站",
        "official_account": "公众号",
        "chat_group": "家长群/班级群等聊天群",
        "other": "其他",
    },
    Spread: {
        "isolated": "个别/少量",
        "local_hotspot": "局部热点",
        "global_hotspot": "全局性热点",
    },
    Stance: {
        "critical": "批评/质疑",
        "supportive": "支持/理解",
        "neutral": "中性/客观",
    },
    Status: {
        "open": "待定级",
        "graded": "已定级",
        "handling": "处置中",
        "responded": "已回应",
        "tracking": "动态跟踪",
        "closed": "已办结",
    },
    FormKind: {
        "registration": "《舆情处置情况登记表》（附件3）",
        "opinion": "《舆情处置意见表》（附件4）",
        "record": "《舆情处置记录》",
    },
    Action: {
        "discovered": "发现",
        "reported_to_office": "报舆情办",
        "reported_to_leaders": "报党政主要领导/领导小组",
        "reported_to_superiors": "报上级（网信办/教育局）",
        "reported_to_police": "报公安",
        "graded": "定级",
        "unit_report": "涉事单位书面报告",
        "registration_form": "《舆情处置情况登记表》反馈",
        "opinion_form": "《舆情处置意见表》",
        "meeting": "领导小组会议",
        "statement": "发声/告知真相/发布权威信息",
        "press_conference": "新闻发布会",
        "reply": "答复",
        "result_reply": "办结答复",
        "follow_up": "续报",
        "evidence_saved": "证据保全",
        "instruction": "领导批示/签批",
        "law_enforcement_referral": "移送执纪执法部门",
        "investigation": "依法查明事实真相",
        "tracking": "动态跟踪",
        "summary": "总结评估",
        "note": "备注",
        "reassigned": "改派涉事单位",
        "status_changed": "调整处置状态",
        "closed": "办结",
        "reopened": "重新办理",
    },
}

NOUNS: dict[type[StrEnum], str] = {
    Category: "舆情类别",
    Platform: "平台",
    Spread: "传播范围",
    Stance: "倾向",
    Status: "状态",
    Action: "处置动作",
    FormKind: "表单",
}


def label(value: StrEnum) -> str:
    """The Chinese meaning of an enumeration value, e.g. ``label(Category.inquiry)`` → 询问/置疑/诉求."""
    return LABELS[type(value)][value.value]


def choices_text(enum: type[StrEnum]) -> str:
    """``a（甲）、b（乙）…``: every allowed value with its meaning, for error messages and help."""
    return "、".join(f"{k}（{v}）" for k, v in LABELS[enum].items())
