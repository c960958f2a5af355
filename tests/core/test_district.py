"""The district report: each school's own period report, side by side and summed."""

from __future__ import annotations

import pytest

from tests.core.policy_helpers import CALENDAR, MIDDLE, UNIVERSITY, ZONE, make_case, t
from yqctl.core.case import Case
from yqctl.core.district import DistrictReport, School, district_report, sum_counts
from yqctl.core.periods import parse_week
from yqctl.core.policy import Policy
from yqctl.core.reports import Count, Outcome, PeriodReport, ReportOptions, period_report
from yqctl.core.views import Letterhead

WEEK = parse_week("2026-W47", ZONE)  # 11-16 .. 11-22
AFTER = t("2026-11-24T16:00:00+08:00")


def head(name: str) -> Letterhead:
    return Letterhead(name, "办公室", "内部资料", "舆情周报", AFTER)


def school_report(policy: Policy, cases: list[Case], name: str) -> PeriodReport:
    return period_report(cases, policy, CALENDAR, ZONE, WEEK, AFTER, head(name), ReportOptions())


UNIVERSITY_CASES = [
    # 三级, its 24 h registration form filed late: a late deadline
    make_case(
        id="YQ-20261118-BBBB",
        level=3,
        unit="教务处",
        discovered_at="2026-11-18T10:00:00+08:00",
        timeline=[("2026-11-20T10:00:00+08:00", "registration_form")],
        sources=[{"platform": "weibo"}],
    ),
    # 一级: a key case
    make_case(
        id="YQ-20261120-DDDD",
        level=1,
        unit="保卫处",
        category="fabrication",
        discovered_at="2026-11-20T08:00:00+08:00",
        sources=[{"platform": "douyin"}],
    ),
]
MIDDLE_CASES = [
    # 重大网络舆情 (level 1 of the 预案): a key case under the middle school's own names
    make_case(
        id="YQ-20261119-CCCC",
        level=1,
        unit="高一级部",
        discovered_at="2026-11-19T10:00:00+08:00",
        sources=[{"platform": "weibo"}],
    ),
]


@pytest.fixture
def district() -> DistrictReport:
    schools = [
        School("XX工程学院", school_report(UNIVERSITY, UNIVERSITY_CASES, "XX工程学院")),
        School("xx中学", school_report(MIDDLE, MIDDLE_CASES, "xx中学"), unreadable=2),
    ]
    return district_report(schools, head("某区教育局"))


def test_each_school_keeps_the_figures_of_its_own_report(district: DistrictReport) -> None:
    university, middle = district.schools
    assert (university.name, middle.name) == ("XX工程学院", "xx中学")  # in the order given
    assert university.totals.in_period == 2 and middle.totals.in_period == 1
    assert university.key_count == 1 and middle.key_count == 1
    assert middle.unreadable == 2 and district.unreadable == 2


def test_levels_stay_under_each_policys_own_names(district: DistrictReport) -> None:
    university, middle = district.schools
    assert [c.label for c in university.by_level if c.count] == ["一级", "三级"]
    assert [c.label for c in middle.by_level if c.count] == ["重大网络舆情"]


def test_totals_and_deadline_tallies_are_the_sums_of_the_schools(district: DistrictReport) -> None:
    rows = district.schools
    assert district.totals.in_period == 3 == sum(r.totals.in_period for r in rows)
    assert district.totals.new == sum(r.totals.new for r in rows)
    tally = district.deadline_tally
    for outcome in ("on_time", "late", "missed", "pending"):
        assert getattr(tally, outcome) == sum(getattr(r.deadline_tally, outcome) for r in rows)
    assert tally.total == sum(r.deadline_tally.total for r in rows) > 0
    assert district.key_count == 2


def test_counts_of_the_same_category_platform_and_day_are_added(district: DistrictReport) -> None:
    platforms = {c.key: c.count for c in district.by_platform}
    assert platforms["weibo"] == 2 and platforms["douyin"] == 1
    days = {c.key: c.count for c in district.per_day}
    assert days["2026-11-18"] == 1 and days["2026-11-19"] == 1 and days["2026-11-20"] == 1
    assert len(district.per_day) == 7  # the week's days once each, not once per school


def test_key_cases_name_their_school_most_serious_first(district: DistrictReport) -> None:
    assert [(k.school, k.case.id) for k in district.key_cases] == [
        ("XX工程学院", "YQ-20261120-DDDD"),
        ("xx中学", "YQ-20261119-CCCC"),
    ]


def test_late_and_missed_deadlines_name_their_school(district: DistrictReport) -> None:
    late = district.late_deadlines
    assert late, "the university's late registration form must be listed"
    assert all(d.deadline.outcome in (Outcome.missed, Outcome.late) for d in late)
    assert ("XX工程学院", "YQ-20261118-BBBB") in {(d.school, d.deadline.case_id) for d in late}
    assert [d.deadline.due for d in late] == sorted(d.deadline.due for d in late)


def test_json_says_whether_the_period_is_over(district: DistrictReport) -> None:
    data = district.to_json()
    assert data["complete"] is True
    assert [s["name"] for s in data["schools"]] == ["XX工程学院", "xx中学"]


def test_sum_counts_keeps_first_order_and_adds_keys_seen_later() -> None:
    summed = sum_counts(
        [
            [Count("a", "甲", 1), Count("b", "乙", 2)],
            [Count("b", "乙", 3), Count("confidential", "涉密（不列明）", 1)],
        ]
    )
    assert [(c.key, c.count) for c in summed] == [("a", 1), ("b", 5), ("confidential", 1)]


def test_a_district_of_no_school_is_refused() -> None:
    with pytest.raises(ValueError):
        district_report([], head("某区教育局"))
