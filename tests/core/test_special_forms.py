"""The 专报 (core summary, risk line, voices, next steps) and the 附件3/附件4 form contents."""

from __future__ import annotations

from tests.core.policy_helpers import CALENDAR, UNIVERSITY, ZONE, make_case, t
from yqctl.core.case import Case
from yqctl.core.config import Org
from yqctl.core.forms import opinion_form, registration_form
from yqctl.core.special import SUMMARY_LIMIT, special_report
from yqctl.core.views import Letterhead

NOW = t("16:00")
HEAD = Letterhead("XX工程学院", "舆情工作领导小组办公室", "内部资料", "舆情专报", NOW)


def with_grading(case: Case, level: int, rules: list[str], major: bool = False) -> Case:
    from yqctl.core.case import GradingEntry

    entry = GradingEntry(
        at=t("09:40"), level=level, policy="university", matched=rules, major=major
    )
    return case.model_copy(update={"grading": [entry], "level": level})


def test_core_summary_stays_within_200_characters_and_ends_on_a_sentence() -> None:
    long = "。".join(f"第{n}句说明情况比较复杂需要展开叙述" for n in range(40)) + "。"
    case = with_grading(make_case(summary=long, sources=[{"platform": "weibo"}]), 3, ["u3-general"])
    report = special_report(case, UNIVERSITY, CALENDAR, ZONE, NOW, HEAD)
    assert len(report.core_summary) <= SUMMARY_LIMIT
    assert report.core_summary.startswith("11月24日09:30，微博出现涉及后勤处的舆情")
    assert "说明情况比较复杂需要展开叙述。目前" in report.core_summary  # whole sentences kept
    assert report.core_summary.endswith("经研判为三级舆情，处置状态：待定级。")


def test_core_summary_survives_a_very_long_title() -> None:
    case = make_case(title="标题" * 150, summary="摘要。")
    report = special_report(case, UNIVERSITY, CALENDAR, ZONE, NOW, HEAD)
    assert len(report.core_summary) <= SUMMARY_LIMIT


def test_risk_line_names_the_level_spread_and_overdue_deadlines() -> None:
    case = with_grading(
        make_case(signals={"spread": "global_hotspot", "foreign_media": True}),
        1,
        ["u1-global-hotspot"],
        major=True,
    )
    report = special_report(case, UNIVERSITY, CALENDAR, ZONE, NOW, HEAD)
    assert report.risk_grade == "高"
    assert report.risk.startswith("风险研判：高。一级舆情，属重大舆情，全局性热点，外媒介入；")
    assert (
        "项处置时限已超时" in report.risk
    )  # nothing done since 09:30: the 30-minute ones are late
    assert "\n" not in report.risk


def test_voices_are_split_by_stance_and_next_steps_list_only_unmet_deadlines() -> None:
    sources = [
        {"platform": "weibo", "account": "甲", "stance": "critical", "excerpt": "学校必须给个说法"},
        {
            "platform": "wechat",
            "account": "乙",
            "stance": "supportive",
            "excerpt": "学校已经在处理",
        },
        {"platform": "tieba", "account": "丙"},
    ]
    case = with_grading(
        make_case(sources=sources, timeline=[("10:00", "reported_to_office")]),
        2,
        ["u2-local-hotspot"],
    )
    report = special_report(case, UNIVERSITY, CALENDAR, ZONE, NOW, HEAD)
    assert [s.account for s in report.critical] == ["甲"] and [
        s.account for s in report.supportive
    ] == ["乙"]
    titles = [step.title for step in report.next_steps]
    assert not any("报舆情工作领导小组办公室" in title for title in titles)  # met at 10:00
    assert report.next_steps[0].status == "overdue"  # unit_report was due 11:30
    assert report.next_steps[-1].due is None  # the opinion form has no fixed time: last


def test_judgement_quotes_each_rule_with_its_clause() -> None:
    case = with_grading(make_case(), 2, ["u2-local-hotspot", "gone-rule"])
    report = special_report(case, UNIVERSITY, CALENDAR, ZONE, NOW, HEAD)
    first, gone = report.judgement.rules
    assert first.clause == "四" and "局部热点" in first.text
    assert "已不在现行策略中" in gone.text


ORG = Org.model_validate(
    {
        "version": 1,
        "units": {
            "后勤处": {
                "officers": [{"title": "舆情信息员", "name": "待填写", "phone": "0571-0000"}]
            },
            "教务处": None,
        },
    }
)


def test_registration_form_takes_the_filing_time_and_the_units_officer() -> None:
    case = make_case(
        level=3,
        timeline=[("09:30", "discovered"), ("2026-11-24T20:00:00+08:00", "registration_form")],
    )
    form = registration_form(case, UNIVERSITY, ORG, ZONE, HEAD)
    assert form.filed_at == t("2026-11-24T20:00:00+08:00")
    assert form.reporter == "舆情信息员 0571-0000"  # the 待填写 placeholder name is left out
    assert form.result is None and form.head_opinion is None  # blank lines, by hand
    assert [line.action for line in form.timeline] == ["discovered", "registration_form"]


def test_registration_form_leaves_unknown_fields_blank() -> None:
    form = registration_form(make_case(unit="教务处"), UNIVERSITY, ORG, ZONE, HEAD)
    assert form.filed_at is None and form.reporter is None and form.level_name == "待定级"


def test_opinion_form_says_whether_superiors_were_told_only_when_recorded() -> None:
    told = make_case(
        level=2, timeline=[("11:00", "reported_to_superiors"), ("12:00", "instruction")]
    )
    form = opinion_form(told, UNIVERSITY, ZONE, HEAD)
    assert form.reported_to_superiors is True
    assert (
        form.reported_to_superiors_text is not None
        and form.reported_to_superiors_text.startswith("11月24日 11:00")
    )
    assert form.group_opinion is not None and "12:00" in form.group_opinion
    untold = opinion_form(make_case(level=2), UNIVERSITY, ZONE, HEAD)
    assert (
        untold.reported_to_superiors is None
        and untold.assessment is None
        and untold.signed_by is None
    )


def test_the_forms_spread_line_shows_likes_and_favorites_when_an_export_gave_them() -> None:
    """点赞/收藏 read from an export reach every form and report that prints the spread (附件3,
    附件4, 专报 in every format read ``spread.text``); a case without them reads as before."""
    from yqctl.core.views import spread_of

    counted = make_case(signals={"posts": 2, "reposts": 35, "likes": 860, "favorites": 95})
    assert (
        spread_of(counted).text == "个别/少量，帖文 2、转发 35、评论 0、浏览 0、点赞 860、收藏 95。"
    )
    assert spread_of(make_case()).text == "个别/少量，帖文 0、转发 0、评论 0、浏览 0。"
    sources = [{"platform": "xiaohongshu", "followers": 12000, "alert_level": "红色预警"}]
    form = registration_form(
        make_case(sources=sources, signals={"likes": 5}), UNIVERSITY, Org(version=1, units={}),
        ZONE, HEAD,
    )  # fmt: skip
    assert form.spread.text.endswith("点赞 5。")
    (line,) = form.sources  # a template may print the account's reach and the vendor's alert
    assert (line.platform_label, line.followers, line.alert_level) == ("小红书", 12000, "红色预警")
