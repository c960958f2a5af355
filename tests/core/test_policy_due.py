"""``due``: every open deadline of every non-closed case, most urgent first (``yqctl due``)."""

from __future__ import annotations

from datetime import timedelta

from tests.core.policy_helpers import CALENDAR, UNIVERSITY, ZONE, make_case, t
from yqctl.core.case import Case
from yqctl.core.deadlines import DueItem, due

NOW = t("12:00")


def _cases() -> list[Case]:
    return [
        # level 1 discovered 09:30: three immediate deadlines overdue by 120 min, unit_report by 30
        make_case(
            id="YQ-20261124-AAAA",
            level=1,
            unit="学生处",
            timeline=[("09:40", "reported_to_office")],
        ),
        # level 2 discovered 11:00: report_office due 11:30 (overdue 30), unit_report due 13:00
        make_case(id="YQ-20261124-BBBB", level=2, discovered_at="2026-11-24T11:00:00+08:00"),
        # not graded yet, discovered 10:00 and 08:00: 待定级 entries head the list, oldest first
        make_case(id="YQ-20261124-CCCC", discovered_at="2026-11-24T10:00:00+08:00"),
        make_case(id="YQ-20261124-DDDD", discovered_at="2026-11-24T08:00:00+08:00"),
        # closed and drill cases are left out
        make_case(id="YQ-20261124-EEEE", level=1, status="closed"),
        make_case(id="YQ-20261124-FFFF", level=1, drill=True),
    ]


def _rows(items: list[DueItem]) -> list[tuple[str, str, str]]:
    return [
        (
            i.case_id[-4:],
            i.state.deadline.key if i.state else "待定级",
            i.state.status if i.state else "",
        )
        for i in items
    ]


def test_order_ungraded_then_most_overdue_then_due_soon_then_by_due() -> None:
    items = due(_cases(), UNIVERSITY, CALENDAR, ZONE, NOW)
    keys = _rows(items)
    assert keys[:2] == [("DDDD", "待定级", ""), ("CCCC", "待定级", "")]
    assert keys[2:7] == [
        ("AAAA", "report_leaders", "overdue"),
        ("AAAA", "meeting", "overdue"),
        ("AAAA", "unit_report", "overdue"),
        ("BBBB", "report_office", "overdue"),
        ("BBBB", "unit_report", "due_soon"),
    ]
    assert keys[7:] == [
        ("AAAA", "statement", "open"),  # 11-24 14:30
        ("AAAA", "press_conference", "open"),  # 11-25 09:30
        ("DDDD", "reply", "open"),  # 11-26 08:00
        ("CCCC", "reply", "open"),  # 11-26 10:00
        ("BBBB", "reply", "open"),  # 11-26 11:00
        ("AAAA", "opinion_form", "open"),  # no fixed time: last (一级 needs it too), by start
        ("BBBB", "opinion_form", "open"),
    ]
    overdue = [i.state.overdue_by_minutes for i in items if i.state and i.state.overdue_by_minutes]
    assert overdue == [120, 120, 30, 30]


def test_drills_on_request_unit_filter_and_within() -> None:
    with_drills = due(_cases(), UNIVERSITY, CALENDAR, ZONE, NOW, include_drills=True)
    assert "YQ-20261124-FFFF" in {i.case_id for i in with_drills}
    assert "YQ-20261124-EEEE" not in {i.case_id for i in with_drills}
    only = due(_cases(), UNIVERSITY, CALENDAR, ZONE, NOW, unit="学生处")
    assert {i.case_id for i in only} == {"YQ-20261124-AAAA"}
    soon = due(_cases(), UNIVERSITY, CALENDAR, ZONE, NOW, within=timedelta(hours=3))
    assert [r for r in _rows(soon) if r[1] != "待定级"][-2:] == [
        ("BBBB", "unit_report", "due_soon"),
        ("AAAA", "statement", "open"),  # 14:30 is within 3h of 12:00
    ]


def test_met_deadlines_only_when_asked() -> None:
    default = due(_cases(), UNIVERSITY, CALENDAR, ZONE, NOW)
    assert ("AAAA", "report_office", "met") not in _rows(default)
    everything = due(_cases(), UNIVERSITY, CALENDAR, ZONE, NOW, include_met=True)
    assert _rows(everything)[-1] == ("AAAA", "report_office", "met")
    met = everything[-1].to_json()
    assert met["deadline"]["met_at"] == "2026-11-24T09:40:00+08:00"
    assert met["deadline"]["status"] == "met" and met["overdue_by_minutes"] is None


def test_json_shape_of_due() -> None:
    items = due(_cases(), UNIVERSITY, CALENDAR, ZONE, NOW)
    ungraded = items[0].to_json()
    assert ungraded == {
        "id": "YQ-20261124-DDDD",
        "title": "网传某学院食堂饭菜出现异物",
        "level": None,
        "level_name": "待定级",
        "unit": "后勤处",
        "deadline": {"key": "grade", "title": "待定级", "due": None, "status": "open"},
        "overdue_by_minutes": None,
    }
    first = items[2].to_json()
    assert {k: first[k] for k in ("id", "level", "unit", "overdue_by_minutes")} == {
        "id": "YQ-20261124-AAAA",
        "level": 1,
        "unit": "学生处",
        "overdue_by_minutes": 120,
    }
    assert {k: first["deadline"][k] for k in ("key", "title", "due", "status")} == {
        "key": "report_leaders",
        "title": "第一时间报告学校党政主要领导",
        "due": "2026-11-24T10:00:00+08:00",
        "status": "overdue",
    }
