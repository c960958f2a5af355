"""The middle school's 《舆情处置记录》 (core/forms.py record_form): 预案 四(一)-(五), each step in the
预案's words beside what the timeline recorded and the policy's deadline for it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.policy_helpers import CALENDAR, MIDDLE, ZONE, make_case, policy_data, t
from yqctl.core.case import Case, GradingEntry
from yqctl.core.config import Org
from yqctl.core.forms import RecordForm, RecordStep, record_form
from yqctl.core.policy import Policy
from yqctl.core.views import Letterhead, to_jsonable

NOW = t("16:00")
HEAD = Letterhead("xx中学", "办公室", "内部资料", "舆情处置记录", NOW)
ORG = Org.model_validate(
    {
        "version": 1,
        "units": {
            "高一级部": {"head": {"title": "分管副主任", "name": "待填写", "phone": "待填写"}},
            "总务处": None,
        },
        "roles": {"office_deputy": {"title": "办公室副主任", "name": "王某", "phone": "待填写"}},
    }
)


def graded(level: int, *, major: bool | None = None, **fields: Any) -> Case:
    """A case of 高一级部 graded at 09:40 (discovered 09:30); ``major`` sets signals.major."""
    signals = fields.pop("signals", {})
    if major is not None:
        signals = {**signals, "major": major}
    case = make_case(unit="高一级部", level=level, signals=signals, **fields)
    rule = "m1-major" if major else "m2-general"
    entry = GradingEntry(
        at=t("09:40"), level=level, major=bool(major), policy="middle-school", matched=[rule]
    )
    return case.model_copy(update={"grading": [entry]})


def record(case: Case, policy: Policy = MIDDLE) -> RecordForm:
    return record_form(case, policy, ORG, CALENDAR, ZONE, NOW, HEAD)


def step(steps: tuple[RecordStep, ...], words: str) -> RecordStep:
    return next(s for s in steps if words in s.title)


def test_the_record_follows_the_plans_five_parts_in_its_words() -> None:
    form = record(graded(1, major=True))
    parts = (form.assess, form.respond, form.classify, form.track, form.review)
    assert [(p.number, p.title) for p in parts] == [
        ("一", "研判预警"),
        ("二", "快速反应"),
        ("三", "分类处置"),
        ("四", "动态跟踪"),
        ("五", "总结评估"),
    ]
    assert [p.clause for p in parts] == ["四(一)", "四(二)", "四(三)1", "四(四)", "四(五)"]
    assert "及时搜集掌握有关真实信息" in form.assess.basis
    assert "于发现后三小时内以单位或网络新闻发言人的名义跟帖" in form.respond.basis
    assert "在办结之日内回复处理结果" in form.classify.basis  # the inquiry paragraph, 四(三)1
    assert "对突发重大舆情及处置后的事态实行动态跟踪" in form.track.basis
    assert "趋于平稳后" in form.review.basis
    assert form.policy_name == MIDDLE.name


def test_rapid_reaction_lists_the_three_reports_the_follow_up_post_and_the_updates() -> None:
    case = graded(
        1,
        major=True,
        timeline=[
            ("09:50", "reported_to_leaders"),
            ("11:00", "reported_to_superiors"),  # “马上”: late
            ("12:00", "statement"),  # within the three hours
            ("15:00", "follow_up"),
        ],
    )
    form = record(case)
    steps = form.respond.steps
    assert len(steps) == 5 and form.respond.active
    leaders = step(steps, "领导小组")
    assert leaders.status == "met" and leaders.status_label == "按时完成"
    assert leaders.within == "立即（30分钟）" and leaders.due is not None
    assert [(e.at, e.action) for e in leaders.entries] == [(t("09:50"), "reported_to_leaders")]
    district = step(steps, "区教体局宣传科")
    assert district.status == "met_late" and district.status_label.startswith("逾期完成（迟")
    police = step(steps, "辖区公安部门")
    assert police.status == "overdue" and police.status_label.startswith("已超时（")
    assert police.entries == ()
    post = step(steps, "三小时内")
    assert post.status == "met" and post.due is not None
    updates = step(steps, "续报")
    # the policy sets no interval for 续报 (follow_up_every: null): recorded, no deadline
    assert updates.status == "done" and updates.status_label == "已记录"
    assert updates.within is None and len(updates.entries) == 1


def test_a_case_not_major_has_no_rapid_reaction_unless_one_was_recorded() -> None:
    quiet = record(graded(2))
    assert quiet.major is False and not quiet.respond.active
    assert {s.status for s in quiet.respond.steps} == {"not_applicable"}
    told = record(graded(2, timeline=[("10:00", "reported_to_police")]))
    assert told.respond.active
    assert step(told.respond.steps, "公安").status_label == "已记录"
    assert step(told.respond.steps, "领导小组").status_label == "不适用"


def test_an_ungraded_case_may_yet_owe_the_rapid_reaction() -> None:
    form = record(make_case(unit="高一级部"))
    assert form.judgement.level_name == "待定级"
    assert {s.status_label for s in form.respond.steps} == {"视情况"}


@pytest.mark.parametrize(
    ("category", "clause", "titles"),
    [
        ("inquiry", "四(三)1", ["发现当日内回复处理意见", "办结之日内回复处理结果"]),
        ("malicious_spread", "四(三)2", ["依法告知事实真相", "请执纪执法部门依纪依法查处"]),
        ("fabrication", "四(三)3", ["依法澄清事实真相", "请执纪执法部门依纪依法查处"]),
        ("constructive", "四(三)4", ["积极采纳建议并按要求予以回复"]),
        ("other", "四(三)", []),
    ],
)
def test_classified_handling_follows_the_cases_category(
    category: str, clause: str, titles: list[str]
) -> None:
    form = record(graded(2, category=category))
    assert form.classify.clause == clause
    assert len(form.classify.steps) == len(titles)
    for found, words in zip(form.classify.steps, titles, strict=True):
        assert words in found.title


def test_referral_is_a_duty_for_fabrication_and_conditional_for_malicious_spread() -> None:
    """四(三)3 “要依法澄清事实真相，并请执纪执法部门依纪依法查处”; 四(三)2 only when the spreading
    goes on, with serious effects, after the truth was told."""
    fabricated = step(record(graded(2, category="fabrication")).classify.steps, "执纪执法")
    assert fabricated.applies is True and fabricated.condition is None
    assert fabricated.status not in {"done", "met", "met_late", "not_applicable"}
    spread = step(record(graded(2, category="malicious_spread")).classify.steps, "执纪执法")
    assert spread.applies is None and spread.status_label == "视情况"
    assert spread.condition is not None and "仍继续恶意传播或炒作" in spread.condition
    referred = graded(
        2, category="malicious_spread", timeline=[("14:00", "law_enforcement_referral")]
    )
    assert step(record(referred).classify.steps, "执纪执法").status_label == "已记录"


def test_one_statement_meets_the_follow_up_post_and_the_clarification_each_by_its_deadline() -> (
    None
):
    """The 3-hour 跟帖 (四(二)) and the clarification (四(三)3) are both closed by a statement:
    each step is paired with its own section's deadline, by the deadline's clause."""
    form = record(graded(1, major=True, category="fabrication", timeline=[("11:00", "statement")]))
    post = step(form.respond.steps, "三小时内")
    clarify = step(form.classify.steps, "澄清")
    assert post.due is not None and clarify.due is None  # 3 h, and no limit set (办结前)
    assert post.status == clarify.status == "met"
    assert post.entries == clarify.entries


def test_a_deadline_no_step_names_is_listed_apart() -> None:
    data = policy_data("middle-school")
    data["deadlines"].append(
        {
            "key": "meeting",
            "title": "召开领导小组会议研判",
            "when": {"major": True},
            "within": "2h",
            "closed_by": ["meeting"],
            "clause": "三(一)",
        }
    )
    form = record(graded(1, major=True), Policy.model_validate(data))
    [extra] = form.other_duties
    assert extra.title == "召开领导小组会议研判" and extra.status == "overdue"
    assert (
        form.other_duties == record(graded(1, major=True), Policy.model_validate(data)).other_duties
    )
    assert record(graded(1, major=True)).other_duties == ()


def test_tracking_names_who_follows_it_and_the_review_takes_the_closure() -> None:
    closure = {
        "closed_at": t("2026-11-26T10:00:00+08:00"),
        "result": "家长群平稳",
        "evaluation": "当日答复",
        "lessons": "提前公示",
    }
    case = graded(
        1,
        major=True,
        timeline=[
            ("2026-11-25T09:00:00+08:00", "tracking"),
            ("2026-11-26T09:00:00+08:00", "summary"),
        ],
        closure=closure,
        status="closed",
    )
    form = record(case)
    # org.yaml's 待填写 parts are left out; the unit's head as 各级部的分管副主任
    assert form.trackers == ("王某 办公室副主任", "高一级部 分管副主任")
    assert step(form.track.steps, "动态跟踪").status_label == "已记录"
    review = form.review.steps[0]
    assert review.status == "met" and review.entries[0].action == "summary"
    assert (form.result, form.evaluation, form.lessons, form.improvements) == (
        "家长群平稳",
        "当日答复",
        "提前公示",
        None,
    )
    assert form.closed_at == t("2026-11-26T10:00:00+08:00")


def test_research_gathers_what_was_found_graded_preserved_and_verified() -> None:
    case = graded(
        1,
        major=True,
        timeline=[
            ("09:30", "discovered"),
            ("09:40", "graded"),
            ("10:10", "evidence_saved"),
            ("10:30", "note"),
            ("11:00", "statement"),
        ],
    )
    form = record(case)
    assert [e.action for e in form.assess.entries] == [
        "discovered",
        "graded",
        "evidence_saved",
        "note",
    ]
    assert len(form.timeline) == 5  # the whole timeline is kept at the end


def test_json_names_whether_a_section_has_steps_to_show() -> None:
    data = to_jsonable(record(graded(2)))
    assert data["respond"]["active"] is False and data["classify"]["active"] is True
