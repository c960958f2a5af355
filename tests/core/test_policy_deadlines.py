"""Deadlines of both seed policies (university 五(二)/五(三); middle school 四(二)/四(三)/四(五)):
exact due times, met on time, met late, open/due soon/overdue; re-grading; graded_at; 续报."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.core.policy_helpers import (
    CALENDAR,
    MIDDLE,
    UNIVERSITY,
    ZONE,
    make_case,
    minimal_policy,
    policy_data,
    t,
)
from yqctl.core.case import Case, Signals
from yqctl.core.deadlines import (
    DeadlineStatus,
    case_states,
    deadlines,
    evaluate,
    reached_level_at,
)
from yqctl.core.enums import Spread
from yqctl.core.grading import grade, with_grade
from yqctl.core.policy import Policy

# Discovered 2026-11-24 09:30 +08:00. Each row: policy, the case's level/signals/category, the
# deadline key, its clause, its due time (None: until_done), the actions that close it.
U, M = UNIVERSITY, MIDDLE
ROWS: list[tuple[Policy, dict[str, Any], str, str, str | None, list[str]]] = [
    # university 五(二)
    (
        U,
        {"level": 3},
        "registration_form",
        "五(二)",
        "2026-11-25T09:30:00+08:00",
        ["registration_form"],
    ),
    (
        U,
        {"level": 2},
        "report_office",
        "五(二)、六(一)",
        "2026-11-24T10:00:00+08:00",
        ["reported_to_office"],
    ),
    (
        U,
        {"level": 1},
        "report_office",
        "五(二)、六(一)",
        "2026-11-24T10:00:00+08:00",
        ["reported_to_office"],
    ),
    (U, {"level": 2}, "unit_report", "五(二)", "2026-11-24T11:30:00+08:00", ["unit_report"]),
    (U, {"level": 1}, "unit_report", "五(二)", "2026-11-24T11:30:00+08:00", ["unit_report"]),
    (U, {"level": 2}, "opinion_form", "五(二)", None, ["opinion_form"]),
    (U, {"level": 1}, "opinion_form", "五(二)", None, ["opinion_form"]),  # 一级 includes 二级's
    (
        U,
        {"level": 1},
        "report_leaders",
        "五(二)、五(一)2",
        "2026-11-24T10:00:00+08:00",
        ["reported_to_leaders"],
    ),
    (U, {"level": 1}, "meeting", "五(二)", "2026-11-24T10:00:00+08:00", ["meeting"]),
    # university 五(三)1
    (
        U,
        {"level": 1},
        "statement",
        "五(三)1",
        "2026-11-24T14:30:00+08:00",
        ["statement", "press_conference"],  # a press conference within 5h is itself a 发声
    ),
    (
        U,
        {"level": 1},
        "press_conference",
        "五(三)1、2",
        "2026-11-25T09:30:00+08:00",
        ["press_conference"],
    ),
    (U, {"level": 3}, "reply", "五(三)1", "2026-11-26T09:30:00+08:00", ["reply", "statement"]),
    (U, {"level": 2}, "reply", "五(三)1", "2026-11-26T09:30:00+08:00", ["reply", "statement"]),
    # university 六(一): the categories the 办法 names
    (
        U,
        {"level": 3, "category": "malicious_spread"},
        "investigate",
        "六(一)",
        None,
        ["investigation"],
    ),
    (U, {"level": 3, "category": "fabrication"}, "investigate", "六(一)", None, ["investigation"]),
    (
        U,
        {"level": 3, "signals": {"referral_needed": True}},
        "referral",
        "六(一)",
        None,
        ["law_enforcement_referral"],
    ),
    # middle school 四(二): three reports, one per body, and the statement
    (
        M,
        {"level": 1},
        "report_leaders",
        "四(二)",
        "2026-11-24T10:00:00+08:00",
        ["reported_to_leaders"],
    ),
    (
        M,
        {"level": 1},
        "report_district",
        "四(二)",
        "2026-11-24T10:00:00+08:00",
        ["reported_to_superiors"],
    ),
    (
        M,
        {"level": 1},
        "report_police",
        "四(二)",
        "2026-11-24T10:00:00+08:00",
        ["reported_to_police"],
    ),
    (M, {"level": 1}, "statement", "四(二)", "2026-11-24T12:30:00+08:00", ["statement"]),
    # middle school 四(三) by category, 四(五) every case
    (
        M,
        {"level": 2, "category": "inquiry"},
        "reply",
        "四(三)1",
        "2026-11-24T23:59:59+08:00",
        ["reply"],
    ),
    (M, {"level": 2, "category": "inquiry"}, "result_reply", "四(三)1", None, ["result_reply"]),
    (M, {"level": 2, "category": "malicious_spread"}, "tell_truth", "四(三)2", None, ["statement"]),
    (
        M,
        {
            "level": 2,
            "category": "malicious_spread",
            "signals": {"spreads_after_truth": True, "serious_consequences": True},
        },
        "referral_persisting",
        "四(三)2",
        None,
        ["law_enforcement_referral"],
    ),
    (M, {"level": 2, "category": "fabrication"}, "clarify", "四(三)3", None, ["statement"]),
    (
        M,
        {"level": 2, "category": "fabrication"},
        "referral",
        "四(三)3",
        None,
        ["law_enforcement_referral"],
    ),
    (M, {"level": 2, "category": "constructive"}, "adopt_reply", "四(三)4", None, ["reply"]),
    (M, {"level": 2, "category": "other"}, "summary", "四(五)", None, ["summary"]),
]
IDS = [f"{row[0].id}-{row[2]}-L{row[1]['level']}-{row[1].get('category', '')}" for row in ROWS]


def _case(setup: dict[str, Any], timeline: list[tuple[str, str]] | None = None) -> Case:
    # Level 1 is 重大 in both policies, so major deadlines follow from the level alone.
    return make_case(
        level=setup["level"],
        category=setup.get("category", "inquiry"),
        signals=setup.get("signals"),
        timeline=timeline,
    )


def _one(policy: Policy, case: Case, key: str) -> Any:
    found = [d for d in deadlines(case, policy, CALENDAR, ZONE) if d.key == key]
    assert len(found) == 1, [d.key for d in deadlines(case, policy, CALENDAR, ZONE)]
    return found[0]


@pytest.mark.parametrize(("policy", "setup", "key", "clause", "due", "closers"), ROWS, ids=IDS)
def test_due_time_and_clause(
    policy: Policy,
    setup: dict[str, Any],
    key: str,
    clause: str,
    due: str | None,
    closers: list[str],
) -> None:
    deadline = _one(policy, _case(setup), key)
    assert deadline.clause == clause
    assert deadline.start == t("09:30")
    assert deadline.due == (t(due) if due else None)
    assert [a.value for a in deadline.closed_by] == closers
    if deadline.due is not None:
        assert deadline.due.tzinfo == ZONE  # shown in the repository's zone


@pytest.mark.parametrize(("policy", "setup", "key", "clause", "due", "closers"), ROWS, ids=IDS)
def test_met_on_time_at_the_last_second(
    policy: Policy,
    setup: dict[str, Any],
    key: str,
    clause: str,
    due: str | None,
    closers: list[str],
) -> None:
    when = due or "2026-12-01T08:00:00+08:00"
    case = _case(setup, timeline=[(when, closers[-1])])
    state = evaluate(_one(policy, case, key), case, now=t("2026-12-02T00:00:00+08:00"))
    assert state.status is DeadlineStatus.met
    assert state.met_at == t(when) and state.late_by_minutes is None


DATED = [row for row in ROWS if row[4] is not None]


@pytest.mark.parametrize(
    ("policy", "setup", "key", "clause", "due", "closers"),
    DATED,
    ids=[i for i, row in zip(IDS, ROWS, strict=True) if row[4] is not None],
)
def test_met_late(
    policy: Policy,
    setup: dict[str, Any],
    key: str,
    clause: str,
    due: str | None,
    closers: list[str],
) -> None:
    assert due is not None
    late = (t(due) + timedelta(minutes=15)).isoformat()
    case = _case(setup, timeline=[(late, closers[0])])
    state = evaluate(_one(policy, case, key), case, now=t("2026-12-02T00:00:00+08:00"))
    assert state.status is DeadlineStatus.met_late
    assert (state.met_at, state.late_by_minutes) == (t(late), 15)


@pytest.mark.parametrize(("policy", "setup", "key", "clause", "due", "closers"), ROWS, ids=IDS)
def test_open_due_soon_overdue(
    policy: Policy,
    setup: dict[str, Any],
    key: str,
    clause: str,
    due: str | None,
    closers: list[str],
) -> None:
    case = _case(setup, timeline=[("09:35", "note"), ("09:36", "discovered")])  # closes nothing
    deadline = _one(policy, case, key)
    if due is None:
        far = t("2027-06-01T00:00:00+08:00")
        assert evaluate(deadline, case, now=far).status is DeadlineStatus.open
        return
    before = t(due) - timedelta(minutes=20)
    assert evaluate(deadline, case, before, timedelta(minutes=10)).status is DeadlineStatus.open
    assert evaluate(deadline, case, before, timedelta(minutes=20)).status is DeadlineStatus.due_soon
    assert evaluate(deadline, case, t(due)).status is DeadlineStatus.due_soon  # not yet late
    overdue = evaluate(deadline, case, t(due) + timedelta(minutes=45))
    assert (overdue.status, overdue.overdue_by_minutes) == (DeadlineStatus.overdue, 45)
    one_second = evaluate(deadline, case, t(due) + timedelta(seconds=1))
    assert one_second.overdue_by_minutes == 1  # rounded up: late is late


UNIVERSITY_SETS = [
    ({"level": 3}, ["registration_form", "reply"]),
    ({"level": 2}, ["report_office", "unit_report", "opinion_form", "reply"]),
    (  # 一级 “除启动二级舆情响应机制外”: the 意见表 too
        {"level": 1},
        [
            "report_office",
            "unit_report",
            "opinion_form",
            "report_leaders",
            "meeting",
            "statement",
            "press_conference",
        ],
    ),
    (  # level 1 that the office marks not major: no 5h/24h, but the 48h reply
        {"level": 1, "signals": {"major": False}},
        ["report_office", "unit_report", "opinion_form", "report_leaders", "meeting", "reply"],
    ),
    (  # level 3 marked major: 六(一) 发现重大舆情，要立即报告办公室
        {"level": 3, "signals": {"major": True}},
        ["registration_form", "report_office", "statement", "press_conference"],
    ),
    (  # 六(一): the security office finds out the facts of a fabrication
        {"level": 3, "category": "fabrication"},
        ["registration_form", "reply", "investigate"],
    ),
    ({"level": None}, ["reply"]),  # ungraded: only what needs no level
]


@pytest.mark.parametrize(("setup", "keys"), UNIVERSITY_SETS)
def test_which_university_deadlines_apply(setup: dict[str, Any], keys: list[str]) -> None:
    category = setup.get("category", "inquiry")
    case = make_case(level=setup["level"], signals=setup.get("signals"), category=category)
    assert [d.key for d in deadlines(case, UNIVERSITY, CALENDAR, ZONE)] == keys


MIDDLE_SETS = [
    ("inquiry", {}, ["reply", "result_reply", "summary"]),
    ("malicious_spread", {}, ["tell_truth", "summary"]),
    (  # 四(三)2: only once the spreading went on after the truth was told, with serious effects
        "malicious_spread",
        {"spreads_after_truth": True},
        ["tell_truth", "summary"],
    ),
    (
        "malicious_spread",
        {"spreads_after_truth": True, "serious_consequences": True},
        ["tell_truth", "referral_persisting", "summary"],
    ),
    ("fabrication", {}, ["clarify", "referral", "summary"]),  # 四(三)3: both, unconditionally
    ("constructive", {}, ["adopt_reply", "summary"]),
    ("other", {}, ["summary"]),
    (
        "other",
        {"major": True},
        ["report_leaders", "report_district", "report_police", "statement", "summary"],
    ),
]


@pytest.mark.parametrize(("category", "signals", "keys"), MIDDLE_SETS)
def test_which_middle_school_deadlines_apply(
    category: str, signals: dict[str, Any], keys: list[str]
) -> None:
    case = make_case(category=category, signals=signals)
    graded = with_grade(case, grade(case, MIDDLE), t("09:40"), None)
    assert [d.key for d in deadlines(graded, MIDDLE, CALENDAR, ZONE)] == keys


def test_regrading_changes_the_deadlines() -> None:
    case = make_case(timeline=[("09:50", "registration_form")])
    level3 = with_grade(case, grade(case, UNIVERSITY), t("09:40"), None)
    assert [d.key for d in deadlines(level3, UNIVERSITY, CALENDAR, ZONE)] == [
        "registration_form",
        "reply",
    ]
    louder = level3.model_copy(
        update={"signals": Signals(spread=Spread.local_hotspot, harmful=True)}
    )
    level2 = with_grade(louder, grade(louder, UNIVERSITY), t("11:00"), None)
    states = {
        s.deadline.key: s for s in case_states(level2, UNIVERSITY, CALENDAR, ZONE, t("11:00"))
    }
    assert list(states) == ["report_office", "unit_report", "opinion_form", "reply"]
    # counted from when it became 二级 (issue 19), not from discovery: not born overdue
    assert states["report_office"].deadline.due == t("11:30")
    assert states["report_office"].status is DeadlineStatus.due_soon
    assert states["unit_report"].deadline.due == t("13:00")
    assert states["unit_report"].status is DeadlineStatus.due_soon  # within the 2h window
    assert states["reply"].deadline.start == t("09:30")  # the 48h reply: from discovery


def test_end_of_day_is_the_repository_zone_day() -> None:
    # 17:00 UTC on the 24th is 01:00 on the 25th in Shanghai: 当日内 means the 25th.
    case = make_case(discovered_at="2026-11-24T17:00:00+00:00", category="inquiry")
    reply = _one(MIDDLE, case, "reply")
    assert reply.due == t("2026-11-25T23:59:59+08:00")
    assert reply.start == t("2026-11-25T01:00:00+08:00")


def test_an_action_before_the_start_does_not_close() -> None:
    case = make_case(level=2, timeline=[("09:00", "reported_to_office")])
    state = evaluate(_one(UNIVERSITY, case, "report_office"), case, t("10:10"))
    assert state.status is DeadlineStatus.overdue


def test_the_first_closing_entry_counts_even_if_recorded_out_of_order() -> None:
    case = make_case(
        level=2, timeline=[("10:20", "reported_to_office"), ("09:50", "reported_to_office")]
    )
    state = evaluate(_one(UNIVERSITY, case, "report_office"), case, t("12:00"))
    assert (state.status, state.met_at) == (DeadlineStatus.met, t("09:50"))


def test_met_at_is_shown_in_the_repository_zone() -> None:
    case = make_case(level=3, timeline=[("2026-11-24T02:00:00+00:00", "registration_form")])
    state = evaluate(_one(UNIVERSITY, case, "registration_form"), case, t("12:00"))
    assert state.met_at is not None and state.met_at.isoformat() == "2026-11-24T10:00:00+08:00"
    assert state.to_json()["met_at"] == "2026-11-24T10:00:00+08:00"


def _graded_from_policy() -> Policy:
    data = minimal_policy(
        deadlines=[
            {
                "key": "opinion",
                "title": "研判意见",
                "when": {"level": 2},
                "within": "2h",
                "from": "graded_at",
                "closed_by": ["opinion_form"],
                "clause": "二",
            }
        ]
    )
    return Policy.model_validate(data)


def test_from_graded_at_counts_from_reaching_the_current_level() -> None:
    policy = _graded_from_policy()
    case = make_case(
        level=2,
        grading=[("10:00", 1), ("14:00", 2), ("15:00", 2)],
        timeline=[("12:00", "opinion_form")],  # before it became level 2: does not count
    )
    assert reached_level_at(case) == t("14:00")
    deadline = _one(policy, case, "opinion")
    assert (deadline.start, deadline.due) == (t("14:00"), t("16:00"))
    assert deadline.start_from.value == "graded_at"
    assert evaluate(deadline, case, t("16:30")).status is DeadlineStatus.overdue


def test_from_graded_at_without_a_grading_record_falls_back_to_discovery() -> None:
    deadline = _one(_graded_from_policy(), make_case(level=2), "opinion")
    assert deadline.start == t("09:30")


def _with_follow_up(every: str) -> Policy:
    data = policy_data("university")
    data["follow_up_every"] = every
    return Policy.model_validate(data)


def test_follow_up_is_off_in_the_shipped_policies() -> None:
    assert UNIVERSITY.follow_up_every is None and MIDDLE.follow_up_every is None
    case = make_case(level=1, signals={"major": True})
    assert "follow_up" not in [d.key for d in deadlines(case, UNIVERSITY, CALENDAR, ZONE)]


def test_follow_up_every_n_hours_rolls_from_the_latest_report() -> None:
    policy = _with_follow_up("4h")
    case = make_case(level=2)
    first = _one(policy, case, "follow_up")
    assert (first.start, first.due, first.clause) == (t("09:30"), t("13:30"), "三(三)")
    assert evaluate(first, case, t("14:00")).overdue_by_minutes == 30
    reported = make_case(level=2, timeline=[("12:00", "follow_up"), ("13:10", "follow_up")])
    nxt = _one(policy, reported, "follow_up")
    assert (nxt.start, nxt.due) == (t("13:10"), t("17:10"))
    assert evaluate(nxt, reported, t("15:10")).status is DeadlineStatus.due_soon
    assert evaluate(nxt, reported, t("15:09")).status is DeadlineStatus.open
    assert evaluate(nxt, reported, t("12:00"), timedelta(0)).status is DeadlineStatus.open


@pytest.mark.parametrize(
    ("setup", "applies"),
    [({"level": 3}, False), ({"level": 1}, True), ({"level": 2, "status": "closed"}, False)],
)
def test_follow_up_only_while_a_level_1_2_case_is_handled(
    setup: dict[str, Any], applies: bool
) -> None:
    case = make_case(**setup)
    keys = [d.key for d in deadlines(case, _with_follow_up("2h"), CALENDAR, ZONE)]
    assert ("follow_up" in keys) is applies


def test_state_json_has_the_grade_contract_keys() -> None:
    case = make_case(level=1, signals={"major": True})
    states = case_states(case, UNIVERSITY, CALENDAR, ZONE, t("10:10"))
    statement = next(s for s in states if s.deadline.key == "statement").to_json()
    assert {
        "key": "statement",
        "title": "重大舆情发声",
        "due": "2026-11-24T14:30:00+08:00",
        "closed_by": ["statement", "press_conference"],
        "status": "open",
        "start": "2026-11-24T09:30:00+08:00",
        "start_from": "applicable",
        "start_label": "发现",  # a level with no grading record counts from discovery
        "owner": {"key": "units.党委宣传部", "name": "党委宣传部"},
    }.items() <= statement.items()
    leaders = next(s for s in states if s.deadline.key == "report_leaders").to_json()
    assert (leaders["status"], leaders["overdue_by_minutes"]) == ("overdue", 10)
