"""Period reports: which cases a period covers, deadline outcomes per unit, redaction, drills."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.core.policy_helpers import CALENDAR, MIDDLE, UNIVERSITY, ZONE, make_case, t
from yqctl.core.case import ID_ALPHABET, Case
from yqctl.core.periods import day_period, parse_month, parse_week
from yqctl.core.reports import (
    CaseFacets,
    CaseLine,
    Outcome,
    PeriodReport,
    ReportOptions,
    accountability_candidates,
    facets_of,
    period_report,
    serious_levels,
    standing_at,
    status_at,
    touches,
)
from yqctl.core.views import Letterhead

WEEK = parse_week("2026-W47", ZONE)  # 11-16 .. 11-22
AFTER = t("2026-11-24T16:00:00+08:00")
HEAD = Letterhead("XX工程学院", "舆情工作领导小组办公室", "内部资料", "舆情周报", AFTER)
SECRET = "涉密摘要：某项目招标细节"


def closure(at: str) -> dict[str, Any]:
    return {"closed_at": t(at), "result": "已答复", "evaluation": "处置及时"}


def cases() -> list[Case]:
    return [
        # on time: registration_form 24h due 11-18 09:00, filed 11-17 20:00
        make_case(
            id="YQ-20261117-AAAA",
            level=3,
            unit="后勤处",
            discovered_at="2026-11-17T09:00:00+08:00",
            timeline=[("2026-11-17T20:00:00+08:00", "registration_form")],
            sources=[{"platform": "weibo"}, {"platform": "douyin"}],
        ),
        # late: due 11-19 10:00, filed 11-20 10:00
        make_case(
            id="YQ-20261118-BBBB",
            level=3,
            unit="教务处",
            discovered_at="2026-11-18T10:00:00+08:00",
            timeline=[("2026-11-20T10:00:00+08:00", "registration_form")],
            sources=[{"platform": "weibo"}],
        ),
        # missed at the week's end; filed only on 11-23, after the week
        make_case(
            id="YQ-20261119-CCCC",
            level=3,
            unit="教务处",
            discovered_at="2026-11-19T10:00:00+08:00",
            timeline=[("2026-11-23T09:00:00+08:00", "registration_form")],
        ),
        # confidential level 1
        make_case(
            id="YQ-20261120-DDDD",
            level=1,
            unit="保卫处",
            title="涉密标题",
            summary=SECRET,
            confidential=True,
            category="fabrication",
            discovered_at="2026-11-20T08:00:00+08:00",
        ),
        # a drill: left out unless asked
        make_case(
            id="YQ-20261121-EEEE", level=3, drill=True, discovered_at="2026-11-21T08:00:00+08:00"
        ),
        # closed before the week: not in it
        make_case(
            id="YQ-20261101-FFFF",
            level=3,
            status="closed",
            discovered_at="2026-11-01T08:00:00+08:00",
            closure=closure("2026-11-10T08:00:00+08:00"),
        ),
        # discovered after the week: not in it
        make_case(id="YQ-20261123-GGGG", level=3, discovered_at="2026-11-23T08:00:00+08:00"),
        # carried over from before, closed during the week
        make_case(
            id="YQ-20261110-HHHH",
            level=2,
            unit="学生处",
            status="closed",
            discovered_at="2026-11-10T08:00:00+08:00",
            closure=closure("2026-11-18T08:00:00+08:00"),
        ),
        # carried over, closed after the week: still open at the week's end
        make_case(
            id="YQ-20261112-JJJJ",
            level=3,
            unit="学生处",
            status="closed",
            discovered_at="2026-11-12T08:00:00+08:00",
            closure=closure("2026-11-24T08:00:00+08:00"),
        ),
    ]


def report(
    options: ReportOptions = ReportOptions(), now: Any = AFTER, period: Any = WEEK
) -> PeriodReport:
    return period_report(cases(), UNIVERSITY, CALENDAR, ZONE, period, now, HEAD, options)


def ids(lines: list[CaseLine]) -> list[str]:
    return [line.id[-4:] for line in lines]


def test_the_period_covers_cases_open_during_it_and_no_others() -> None:
    r = report()
    assert ids(r.new_cases) == ["AAAA", "BBBB", "CCCC", "DDDD"]
    assert ids(r.closed_cases) == ["HHHH"]
    assert ids(r.open_cases) == ["JJJJ", "AAAA", "BBBB", "CCCC", "DDDD"]
    assert (r.totals.in_period, r.totals.new, r.totals.closed, r.totals.open_at_end) == (6, 4, 1, 5)


def test_a_case_closed_after_the_period_counts_as_still_in_hand() -> None:
    case = next(c for c in cases() if c.id.endswith("JJJJ"))
    assert status_at(case, WEEK.end).value == "handling"
    assert status_at(case, AFTER).value == "closed"


def test_deadline_outcomes_are_judged_at_the_periods_end() -> None:
    r = report()
    registration = {
        line.case_id[-4:]: line.outcome for line in r.deadlines if line.key == "registration_form"
    }
    assert registration == {"AAAA": Outcome.on_time, "BBBB": Outcome.late, "CCCC": Outcome.missed}
    late = next(
        line
        for line in r.deadlines
        if line.case_id.endswith("BBBB") and line.key == "registration_form"
    )
    assert late.late_by_minutes == 24 * 60


def test_the_same_week_reads_the_same_when_printed_later() -> None:
    # CCCC's form came on 11-23: after the week, so the week still shows it missed
    later = report(now=t("2026-12-31T12:00:00+08:00"))
    assert later.to_json() | {"head": None} == report().to_json() | {"head": None}


def test_a_running_period_has_pending_deadlines_and_is_not_complete() -> None:
    mid_week = t("2026-11-19T12:00:00+08:00")
    r = report(now=mid_week)
    assert not r.complete and r.as_of == mid_week
    registration = {
        line.case_id[-4:]: line.outcome for line in r.deadlines if line.key == "registration_form"
    }
    # BBBB's form was due 11-19 10:00 and not in yet at 12:00; CCCC's is due 11-20
    assert registration["BBBB"] is Outcome.missed and registration["CCCC"] is Outcome.pending
    assert ids(r.new_cases) == ["AAAA", "BBBB", "CCCC"]


def test_units_with_missed_deadlines_come_first_with_their_rate() -> None:
    r = report()
    order = [(-row.tally.missed, -row.tally.late) for row in r.unit_tallies]
    assert order == sorted(order) and r.unit_tallies[0].tally.missed > 0
    # 教务处: BBBB's form late, CCCC's missed; and both 48h replies missed
    office = next(row.tally for row in r.unit_tallies if row.unit == "教务处")
    assert (office.on_time, office.late, office.missed) == (0, 1, 3)
    assert office.rate_text == "0.0%"
    total = r.deadline_tally
    assert total.total == sum(row.tally.total for row in r.unit_tallies) == len(r.deadlines)


def test_confidential_cases_show_only_id_level_unit_and_status() -> None:
    r = report()
    line = next(line for line in r.open_cases if line.id.endswith("DDDD"))
    assert line.redacted and (line.level, line.unit, line.status) == (1, "保卫处", "open")
    assert line.title is None and line.summary is None and line.category_label is None
    assert SECRET not in str(r.to_json()) and "涉密标题" not in str(r.to_json())
    key = next(line for line in r.key_cases if line.id.endswith("DDDD"))
    assert key.timeline == () and key.summary is None
    category = {c.key: c.count for c in r.by_category}
    assert category["confidential"] == 1 and category["fabrication"] == 0


def test_include_confidential_shows_them_whole() -> None:
    r = report(ReportOptions(include_confidential=True))
    assert SECRET in str(r.to_json())
    assert r.totals.redacted == 0


def test_drills_are_left_out_unless_asked() -> None:
    assert "EEEE" not in str(report().to_json())
    with_drills = report(ReportOptions(include_drills=True))
    line = next(line for line in with_drills.new_cases if line.id.endswith("EEEE"))
    assert line.drill


def test_counts_list_every_level_and_platforms_count_once_per_case() -> None:
    r = report()
    assert [(c.label, c.count) for c in r.by_level] == [
        ("一级", 1),
        ("二级", 1),
        ("三级", 4),
        ("待定级", 0),
    ]
    platforms = {c.key: c.count for c in r.by_platform}
    assert platforms["weibo"] == 2 and platforms["douyin"] == 1
    assert sum(c.count for c in r.by_status) == r.totals.in_period


def test_the_platforms_people_see_are_counted_apart_not_as_other() -> None:
    """小红书, 知乎, B站 … were recorded as other and reported as 其他 (issue 19 item 9)."""
    seen = make_case(
        id="YQ-20261117-KKKK",
        level=3,
        discovered_at="2026-11-17T09:00:00+08:00",
        sources=[{"platform": p} for p in ("xiaohongshu", "zhihu", "bilibili", "xiaohongshu")],
    )
    r = period_report([seen], UNIVERSITY, CALENDAR, ZONE, WEEK, AFTER, HEAD, ReportOptions())
    platforms = {c.label: c.count for c in r.by_platform if c.count}
    assert platforms == {"小红书": 1, "知乎": 1, "B站": 1}  # once per case; 其他 0


def test_per_day_counts_new_cases_on_each_day_of_the_week() -> None:
    r = report()
    assert [c.count for c in r.per_day] == [0, 1, 1, 1, 1, 0, 0]
    assert r.per_day[0].label == "11月16日"


def test_a_daily_report_charts_the_seven_days_up_to_its_date() -> None:
    from yqctl.core.periods import day_period

    day = day_period(t("2026-11-20T00:00:00+08:00").date(), ZONE)
    r = report(period=day)
    assert [c.key for c in r.per_day][-1] == "2026-11-20" and len(r.per_day) == 7
    assert [c.count for c in r.per_day] == [0, 0, 0, 1, 1, 1, 1]


def test_key_cases_are_the_serious_levels_with_their_handling() -> None:
    r = report(ReportOptions(include_confidential=True))
    assert ids(r.key_cases) == ["DDDD", "HHHH"]
    assert r.key_levels == ["一级", "二级"]
    assert serious_levels(UNIVERSITY) == {1, 2}
    assert serious_levels(MIDDLE) == {1}  # 一般 is the middle school's least serious level


def test_monthly_report_counts_the_whole_month() -> None:
    r = report(period=parse_month("2026-11", ZONE))
    assert r.totals.new == 8  # every non-drill case discovered in November up to now
    assert r.totals.closed == 3  # FFFF on 11-10, HHHH on 11-18, JJJJ on 11-24 before now


# ---- which cases a report can touch -------------------------------------------------------------


def spread_cases() -> list[Case]:
    """Cases discovered every 29 hours from September to December, a third closed 1 hour to 5 days or 10 to 40 days later,
    some drills, with and without their registration form: every branch of ``touches``."""
    found = []
    start = t("2026-09-01T08:00:00+08:00")
    for n in range(90):
        discovered = start + timedelta(hours=29 * n)
        suffix = "".join(ID_ALPHABET[(n >> shift) & 31] for shift in (15, 10, 5, 0))
        extra: dict[str, Any] = {"id": f"YQ-{discovered:%Y%m%d}-{suffix}"}
        if n % 3 == 0:
            hours = 1 + (n * 13) % 120 if n % 2 else 24 * (10 + n % 30)
            closed = discovered + timedelta(hours=hours)
            extra |= {"status": "closed", "closure": closure(closed.isoformat())}
        timeline = [((discovered + timedelta(hours=n % 50)).isoformat(), "registration_form")]
        found.append(
            make_case(
                level=3 - n % 3 if n % 5 else None,
                discovered_at=discovered.isoformat(),
                timeline=timeline if n % 4 else [],
                drill=n % 11 == 0,
                **extra,
            )
        )
    return found


PERIODS = [
    *(day_period(date(2026, 10, d), ZONE) for d in (1, 15, 31)),
    *(parse_week(w, ZONE) for w in ("2026-W40", "2026-W44", "2026-W47")),
    *(parse_month(m, ZONE) for m in ("2026-09", "2026-10", "2026-11", "2026-12")),
]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.key)
@pytest.mark.parametrize("drills", [False, True], ids=["", "drills"])
def test_a_report_of_the_cases_it_touches_is_the_report_of_all(period: Any, drills: bool) -> None:
    everything = spread_cases()
    options = ReportOptions(include_drills=drills)
    for now in (period.start + timedelta(hours=30), t("2027-01-15T12:00:00+08:00")):
        chosen = [
            c
            for c in everything
            if touches(facets_of(c, UNIVERSITY, CALENDAR, ZONE), period, now, options)
        ]
        full = period_report(everything, UNIVERSITY, CALENDAR, ZONE, period, now, HEAD, options)
        assert period_report(chosen, UNIVERSITY, CALENDAR, ZONE, period, now, HEAD, options) == full
        assert len(chosen) < len(everything)  # the point: most are left out


def test_a_case_closed_long_before_counts_only_for_a_deadline_due_in_the_period() -> None:
    old = CaseFacets(t("2026-10-01T08:00:00+08:00"), t("2026-10-05T08:00:00+08:00"), False, ())
    late = CaseFacets(old.discovered_at, old.closed_at, False, (t("2026-11-18T09:00:00+08:00"),))
    assert not touches(old, WEEK, AFTER, ReportOptions())
    assert touches(late, WEEK, AFTER, ReportOptions())
    recent = CaseFacets(t("2026-11-10T08:00:00+08:00"), t("2026-11-11T08:00:00+08:00"), False, ())
    day = day_period(date(2026, 11, 16), ZONE)  # its chart shows 11-10 .. 11-16
    assert touches(recent, day, AFTER, ReportOptions())
    assert not touches(old, day, AFTER, ReportOptions())
    assert CaseFacets.from_json(late.to_json()) == late


# ---- owners and the leading group's list (issue 19 item 4) --------------------------------------


def _raised_case() -> Case:
    """后勤处's case raised to 一级 on 11-18 09:00; nothing done but the unit's own two reports."""
    return make_case(
        id="YQ-20261118-KKKK",
        level=1,
        unit="后勤处",
        discovered_at="2026-11-18T08:00:00+08:00",
        grading=[("2026-11-18T09:00:00+08:00", 1, True)],
        timeline=[
            ("2026-11-18T09:10:00+08:00", "reported_to_office"),
            ("2026-11-18T12:00:00+08:00", "unit_report"),  # an hour late
        ],
    )


def test_each_deadline_is_charged_to_its_owner_not_to_the_unit() -> None:
    r = period_report([_raised_case()], UNIVERSITY, CALENDAR, ZONE, WEEK, AFTER, HEAD)
    owners = {line.key: line.owner for line in r.deadlines}
    assert owners == {
        "report_office": "后勤处",
        "unit_report": "后勤处",
        "report_leaders": "党委宣传部",
        "meeting": "领导小组组长",
        "statement": "党委宣传部",
        "press_conference": "党委宣传部",
    }
    tallies = {row.unit: row.tally for row in r.unit_tallies}
    assert (tallies["后勤处"].on_time, tallies["后勤处"].late) == (1, 1)
    assert tallies["党委宣传部"].missed == 3 and tallies["领导小组组长"].missed == 1
    assert r.unit_tallies[0].unit == "党委宣传部"  # most missed first


def test_the_candidates_are_who_missed_or_was_late_on_the_cases_the_clause_covers() -> None:
    minor = make_case(  # a 三级 case with a missed 登记表: outside 六(一)
        id="YQ-20261117-MMMM", level=3, discovered_at="2026-11-17T09:00:00+08:00"
    )
    found = [_raised_case(), minor]
    r = period_report(found, UNIVERSITY, CALENDAR, ZONE, WEEK, AFTER, HEAD)
    candidates = accountability_candidates(found, r.deadlines, UNIVERSITY, r.as_of)
    listed = {c.owner: [(line.key, line.outcome) for line in c.lines] for c in candidates}
    assert listed == {
        "党委宣传部": [
            ("report_leaders", Outcome.missed),
            ("statement", Outcome.missed),
            ("press_conference", Outcome.missed),
        ],
        "领导小组组长": [("meeting", Outcome.missed)],
        "后勤处": [("unit_report", Outcome.late)],
    }
    assert [c.owner for c in candidates] == ["党委宣传部", "后勤处", "领导小组组长"]
    assert candidates[0].level_names["YQ-20261118-KKKK"] == "一级（重大舆情）"
    assert "MMMM" not in str(candidates)
    assert accountability_candidates(found, r.deadlines, MIDDLE, r.as_of) == []  # no such clause


def test_a_case_is_judged_by_its_grading_as_of_the_periods_end() -> None:
    later = make_case(  # 三级 in the week, raised to 二级 only after it
        level=2,
        discovered_at="2026-11-17T09:00:00+08:00",
        grading=[("2026-11-17T09:10:00+08:00", 3, False), ("2026-11-23T09:00:00+08:00", 2, False)],
    )
    assert standing_at(later, UNIVERSITY, WEEK.end) == (3, False)
    assert standing_at(later, UNIVERSITY, AFTER) == (2, False)
    assert standing_at(later, UNIVERSITY, t("2026-11-17T09:05:00+08:00")) == (None, False)
