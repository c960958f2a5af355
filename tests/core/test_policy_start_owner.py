"""Every deadline of both seed policies: when its clock starts and who owns it (issue 19 items 1, 4).

A duty tied to a level or to 重大舆情 counts from the grading that gave the case that level or that
flag — a case raised after discovery, or made 重大 later, is not born overdue — and each duty is
charged to the owner the document names. Discovered 2026-11-24 09:30 +08:00, unit 后勤处.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.policy_helpers import (
    CALENDAR,
    MIDDLE,
    UNIVERSITY,
    ZONE,
    make_case,
    policy_data,
    t,
)
from yqctl.core.case import Case
from yqctl.core.deadlines import DeadlineStatus, case_states, deadlines, evaluate
from yqctl.core.grading import current_major
from yqctl.core.policy import Policy


def _with_follow_up(name: str, every: str) -> Policy:
    data = policy_data(name)
    data["follow_up_every"] = every
    return Policy.model_validate(data)


U, M = UNIVERSITY, MIDDLE
U4, M2 = _with_follow_up("university", "4h"), _with_follow_up("middle-school", "2h")

# Grading histories, as (time, level, 重大) — the records `yqctl grade` writes.
U_THREE = [("09:40", 3, False)]
U_TWO = [("09:40", 3, False), ("15:00", 2, False)]  # found as 三级, raised to 二级 at 15:00
U_ONE = [*U_TWO, ("17:00", 1, True)]  # … and to 一级 (重大) at 17:00
U_MAJOR_LATER = [("09:40", 2, False), ("16:00", 2, True)]  # 二级, made 重大 at 16:00
U_DOWN = [("09:40", 2, False), ("15:00", 3, False)]  # 二级, lowered to 三级 at 15:00
M_GENERAL = [("09:40", 2, False)]
M_MAJOR_LATER = [("09:40", 2, False), ("15:00", 1, True)]  # 一般, recognised as 重大 at 15:00

# policy, history, case facts, deadline key, start, what started it, owner, due (None: 办结前)
Row = tuple[Policy, list[tuple[str, int, bool]], dict[str, Any], str, str, str, str, str | None]
ROWS: list[Row] = [
    # ---- university 五(二) ------------------------------------------------------------------
    (U, U_THREE, {}, "registration_form", "09:40", "定为三级", "后勤处", "2026-11-25T09:40"),
    (U, U_DOWN, {}, "registration_form", "15:00", "定为三级", "后勤处", "2026-11-25T15:00"),
    (U, U_TWO, {}, "report_office", "15:00", "定为二级", "后勤处", "15:30"),
    (U, U_ONE, {}, "report_office", "15:00", "定为二级", "后勤处", "15:30"),  # not reset by 一级
    (U, U_MAJOR_LATER, {}, "report_office", "09:40", "定为二级", "后勤处", "10:10"),
    (U, U_TWO, {}, "unit_report", "15:00", "定为二级", "后勤处", "17:00"),
    (U, U_ONE, {}, "unit_report", "15:00", "定为二级", "后勤处", "17:00"),
    (U, U_ONE, {}, "opinion_form", "15:00", "定为二级", "舆情工作领导小组", None),
    (
        U,
        U_ONE,
        {},
        "report_leaders",
        "17:00",
        "定为一级（重大舆情）",
        "党委宣传部",
        "17:30",
    ),
    (U, U_ONE, {}, "meeting", "17:00", "定为一级（重大舆情）", "领导小组组长", "17:30"),
    # ---- university 五(三)1 -----------------------------------------------------------------
    (U, U_ONE, {}, "statement", "17:00", "定为一级（重大舆情）", "党委宣传部", "22:00"),
    (U, U_MAJOR_LATER, {}, "statement", "16:00", "认定为重大舆情", "党委宣传部", "21:00"),
    (
        U,
        U_MAJOR_LATER,
        {},
        "press_conference",
        "16:00",
        "认定为重大舆情",
        "党委宣传部",
        "2026-11-25T16:00",
    ),
    (U, U_TWO, {}, "reply", "09:30", "发现", "后勤处", "2026-11-26T09:30"),
    (U, [], {}, "reply", "09:30", "发现", "后勤处", "2026-11-26T09:30"),  # 待定级
    # ---- university 六(一) ------------------------------------------------------------------
    (U, U_THREE, {"category": "fabrication"}, "investigate", "09:30", "发现", "保卫处", None),
    (
        U,
        U_THREE,
        {"signals": {"referral_needed": True}},
        "referral",
        "09:30",
        "发现",
        "保卫处",
        None,
    ),
    (U4, U_TWO, {}, "follow_up", "15:00", "定为二级", "后勤处", "19:00"),  # 三(三), when set
    # ---- middle school 四(二) ---------------------------------------------------------------
    *[
        (
            M,
            M_MAJOR_LATER,
            {},
            key,
            "15:00",
            "定为重大网络舆情",
            "办公室",
            "15:30",
        )
        for key in ("report_leaders", "report_district", "report_police")
    ],
    (
        M,
        M_MAJOR_LATER,
        {},
        "statement",
        "15:00",
        "定为重大网络舆情",
        "宣传科",
        "18:00",
    ),
    (
        M2,
        M_MAJOR_LATER,
        {},
        "follow_up",
        "15:00",
        "定为重大网络舆情",
        "办公室",
        "17:00",
    ),
    # ---- middle school 四(三), 四(五) -------------------------------------------------------
    (M, M_GENERAL, {}, "reply", "09:30", "发现", "后勤处", "23:59:59"),
    (M, M_MAJOR_LATER, {}, "reply", "09:30", "发现", "后勤处", "23:59:59"),  # 发现当日内
    (M, M_GENERAL, {}, "result_reply", "09:30", "发现", "后勤处", None),
    (M, M_GENERAL, {"category": "malicious_spread"}, "tell_truth", "09:30", "发现", "宣传科", None),
    (
        M,
        M_GENERAL,
        {
            "category": "malicious_spread",
            "signals": {"spreads_after_truth": True, "serious_consequences": True},
        },
        "referral_persisting",
        "09:30",
        "发现",
        "办公室",
        None,
    ),
    (M, M_GENERAL, {"category": "fabrication"}, "clarify", "09:30", "发现", "宣传科", None),
    (M, M_GENERAL, {"category": "fabrication"}, "referral", "09:30", "发现", "办公室", None),
    (M, M_GENERAL, {"category": "constructive"}, "adopt_reply", "09:30", "发现", "后勤处", None),
    (M, M_GENERAL, {"category": "other"}, "summary", "09:30", "发现", "办公室", None),
]


def _time(text: str) -> str:
    """``15:00`` on the discovery day, or a date and time; seconds optional."""
    if len(text) <= 8:
        text = f"2026-11-24T{text}"
    return text + (":00" if text.count(":") == 1 else "") + "+08:00"


def _case(history: list[tuple[str, int, bool]], facts: dict[str, Any]) -> Case:
    level = history[-1][1] if history else None
    return make_case(level=level, grading=history, **facts)


def _ids(row: Row) -> str:
    return f"{row[0].id}-{row[3]}-{row[4]}"


@pytest.mark.parametrize("row", ROWS, ids=[_ids(row) for row in ROWS])
def test_start_point_and_owner(row: Row) -> None:
    policy, history, facts, key, start, label, owner, due = row
    found = [d for d in deadlines(_case(history, facts), policy, CALENDAR, ZONE) if d.key == key]
    assert len(found) == 1
    deadline = found[0]
    assert (deadline.start, deadline.start_label) == (t(_time(start)), label)
    assert deadline.owner == owner
    assert deadline.due == (t(_time(due)) if due else None)
    assert deadline.to_json()["owner"]["name"] == owner


@pytest.mark.parametrize("policy", [U4, M2], ids=["university", "middle-school"])
def test_the_table_covers_every_deadline_of_both_policies(policy: Policy) -> None:
    keys = {spec.key for spec in policy.deadlines} | {"follow_up"}
    covered = {row[3] for row in ROWS if row[0].id == policy.id}
    assert covered == keys


def test_the_issue_example_is_not_born_overdue() -> None:
    """Found 09:00 as 三级, raised to 二级 at 15:00: 报办公室 and the 2-hour report were overdue by
    330 and 240 minutes the moment the case was graded; they count from 15:00 now."""
    case = make_case(
        discovered_at="2026-11-24T09:00:00+08:00",
        level=2,
        grading=[("09:05", 3, False), ("15:00", 2, False)],
    )
    states = {s.deadline.key: s for s in case_states(case, U, CALENDAR, ZONE, t("15:00"))}
    assert states["report_office"].status is DeadlineStatus.due_soon
    assert states["unit_report"].status is DeadlineStatus.due_soon
    assert states["report_office"].overdue_by_minutes is None


def test_a_duty_a_downgrade_withdrew_arises_again_with_a_new_clock() -> None:
    history = [("09:40", 2, False), ("10:00", 3, False), ("15:00", 2, False)]
    case = make_case(level=2, grading=history, timeline=[("09:50", "reported_to_office")])
    report = next(d for d in deadlines(case, U, CALENDAR, ZONE) if d.key == "report_office")
    assert (report.start, report.due) == (t("15:00"), t("15:30"))
    # the report made while it was 二级 the first time was about that: the new one is open
    assert evaluate(report, case, t("15:10")).status is DeadlineStatus.due_soon


def test_a_closing_action_before_the_duty_arose_does_not_close_it() -> None:
    case = make_case(level=2, grading=U_TWO, timeline=[("10:00", "unit_report")])
    report = next(d for d in deadlines(case, U, CALENDAR, ZONE) if d.key == "unit_report")
    assert evaluate(report, case, t("17:10")).status is DeadlineStatus.overdue


@pytest.mark.parametrize(
    ("grading", "label"),
    [
        ([], "发现"),  # a level no grading recorded (a hand edit): from discovery, as before
        ([("09:40", 3, False)], "发现"),  # the record says 三级, the file 二级: as above
        ([("08:00", 2, False)], "定为二级"),  # graded with a --now before discovery: not earlier
    ],
)
def test_without_a_record_of_when_the_case_counts_from_discovery(
    grading: list[tuple[str, int, bool]], label: str
) -> None:
    case = make_case(level=2, grading=grading)
    report = next(d for d in deadlines(case, U, CALENDAR, ZONE) if d.key == "report_office")
    assert (report.start, report.start_label) == (t("09:30"), label)


def test_major_is_what_the_grading_recorded() -> None:
    """重大 counts from when a grading recorded it: signals.major set after the grading (by
    ``set`` or by hand) is what the next grading reads, and starts nothing until then."""
    graded = make_case(level=2, grading=[("09:40", 2, False)], signals={"major": True})
    assert not current_major(graded, U)
    assert "statement" not in [d.key for d in deadlines(graded, U, CALENDAR, ZONE)]
    regraded = make_case(level=2, grading=[("09:40", 2, False), ("16:00", 2, True)])
    assert current_major(regraded, U)
    ungraded = make_case(signals={"major": True})  # 待定级: grading decides 重大
    assert not current_major(ungraded, U)
    assert [d.key for d in deadlines(ungraded, U, CALENDAR, ZONE)] == ["reply"]
    by_hand = make_case(level=1)  # a level without a record is judged as it stands
    assert current_major(by_hand, U)


def test_what_was_done_while_the_case_waited_for_its_first_grading_counts() -> None:
    """The unit filed its 登记表 at 11:00; the office graded the case 三级 only at 16:00. The duty
    counts from the grading, and the form filed while the case waited meets it."""
    case = make_case(
        level=3, grading=[("16:00", 3, False)], timeline=[("11:00", "registration_form")]
    )
    form = next(d for d in deadlines(case, U, CALENDAR, ZONE) if d.key == "registration_form")
    assert (form.start, form.met_from) == (t("16:00"), t("09:30"))
    state = evaluate(form, case, t("17:00"))
    assert (state.status, state.met_at) == (DeadlineStatus.met, t("11:00"))
    assert form.to_json()["start_label"] == "定为三级"
