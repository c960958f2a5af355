"""Writing a new case file: contract key order, with a Chinese comment on every field."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap

from yqctl.core.enums import Category, Platform, Spread, Stance, choices_text
from yqctl.store import roundtrip

# case files live in cases/<YYYY>/: the schema (yqctl schema) is two folders up; editors that
# speak the YAML language server then complete and check every field
SCHEMA_FILE = "case.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema=../../{SCHEMA_FILE}"

KEY_ORDER = (
    "version", "id", "title", "discovered_at", "discovered_by", "unit", "category", "summary",
    "sources", "signals", "level", "grading", "status", "timeline", "evidence", "confidential",
    "drill",
    "closure", "conflicts",
)  # fmt: skip

FIELD_COMMENTS: dict[str, str] = {
    "version": "yqctl 案件文件格式版本",
    "id": "案件编号：YQ-<发现日期>-<4位随机字符>，由 yqctl 生成，不要修改",
    "title": "舆情标题（一句话概括）",
    "discovered_at": "发现时间（带时区）；各项处置时限从此起算",
    "discovered_by": "发现人（岗位或单位，如“信息中心值班员”）",
    "unit": "涉事单位：须为 org.yaml 中 units 下的单位名",
    "category": f"舆情类别：{choices_text(Category)}",
    "summary": "内容摘要",
    "sources": f"来源（公开帖文）。platform 可选：{choices_text(Platform)}；"
    f"account：公开账号名；followers：该账号粉丝数（帖文可触达的范围）；"
    f"stance（倾向，可省略）：{choices_text(Stance)}；excerpt：帖文原话摘录；"
    "keywords、alert_level：监测平台的命中关键词、预警级别（仅供参考，不据以定级）。"
    "不记录发帖人的 IP 属地等个人信息",
    "signals": "定级依据的事实（均可省略，默认 false/0）；改动后请重新运行 yqctl grade",
    "level": "舆情级别：只由 yqctl grade 设置",
    "grading": "定级记录：由 yqctl grade 追加",
    "status": "状态：open 待定级 → graded 已定级 → handling 处置中 → responded 已回应 → "
    "tracking 动态跟踪 → closed 已办结",
    "timeline": "处置时间线：只追加不改写（yqctl act 追加）；处置动作关闭对应时限",
    "evidence": "证据：yqctl evidence add 保存到 evidence/<编号>/ 的文件及其 sha256，不要手改",
    "confidential": "涉密/敏感：为 true 时，周期报告只列编号、级别、涉事单位和状态",
    "drill": "演练：为 true 时不计入统计，yqctl due 默认不显示",
    "closure": "办结信息：由 yqctl close 填写（办结时间、处置结果、总结评估、经验教训、改进措施）",
    "conflicts": "合并冲突：两边改得不同，字段暂取本地的值；运行 yqctl resolve 逐项选定",
}

SIGNAL_COMMENTS: dict[str, str] = {
    "spread": f"传播范围：{choices_text(Spread)}",
    "harmful": "是否有害信息",
    "posts": "相关帖文数",
    "reposts": "转发数",
    "comments": "评论数",
    "views": "浏览/阅读量",
    "likes": "点赞数",
    "favorites": "收藏数",
    "authority_request": "公安机关等国家行政管理部门要求中断和查找",
    "staff_confidentiality_breach": "学校工作人员违反保密规定违规发布信息",
    "superior_attention": "引起上级有关部门的重视",
    "serious_consequences": "产生严重后果",
    "stability_impact": "严重影响学校和社会稳定",
    "official_account_compromised": "官方微博/微信/网站受到攻击，主页被恶意篡改",
    "foreign_media": "外媒介入（一律由党委宣传部统一协调）",
    "spreads_after_truth": "告知事实真相后仍继续恶意传播或炒作",
    "referral_needed": "研判认为须上报执纪执法部门依法查处（必要时）",
    "major": "重大舆情：null 表示按政策推定；true/false 表示人工认定",
}


def render_new_case(fields: dict[str, Any]) -> str:
    """The YAML text of a new case, fields in contract order, each with its comment."""
    tree = CommentedMap()
    for key in KEY_ORDER:
        if key in fields:
            tree[key] = roundtrip.to_node(fields[key])
    signals = tree.get("signals")
    if isinstance(signals, CommentedMap):
        for key in signals:
            if key in SIGNAL_COMMENTS:
                signals.yaml_add_eol_comment(SIGNAL_COMMENTS[key], key, column=34)
    for key in tree:
        tree.yaml_set_comment_before_after_key(key, before=FIELD_COMMENTS[key])
    return f"{SCHEMA_LINE}\n{roundtrip.dump(tree)}"
