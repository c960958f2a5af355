"""Reporting periods: ISO weeks, months, days in the repository's zone, and what users type."""

from __future__ import annotations

from datetime import date

import pytest

from tests.core.policy_helpers import ZONE, t
from yqctl.core.periods import (
    PeriodKind,
    custom_period,
    day_period,
    parse_day,
    parse_month,
    parse_week,
    period_containing,
)
from yqctl.errors import UsageError


def test_iso_week_runs_monday_to_sunday_in_local_time() -> None:
    week = parse_week("2026-W47", ZONE)
    assert (week.start, week.end) == (
        t("2026-11-16T00:00:00+08:00"),
        t("2026-11-23T00:00:00+08:00"),
    )
    assert week.label == "2026年第47周（2026年11月16日—2026年11月22日）"
    assert week.key == "2026-W47"
    assert len(week.days()) == 7


def test_week_53_exists_only_in_long_years() -> None:
    assert parse_week("2026-W53", ZONE).key == "2026-W53"  # 2026 ends on a Thursday: 53 weeks
    with pytest.raises(UsageError, match="2025 年没有第 53 周"):
        parse_week("2025-W53", ZONE)


def test_month_end_is_the_first_of_the_next_month_even_in_december() -> None:
    december = parse_month("2026-12", ZONE)
    assert december.end == t("2027-01-01T00:00:00+08:00")
    assert december.label == "2026年12月"
    assert len(parse_month("2027-02", ZONE).days()) == 28


@pytest.mark.parametrize("text", ["2026-13", "2026/11", "11-2026", ""])
def test_bad_month_is_a_usage_error_with_an_example(text: str) -> None:
    with pytest.raises(UsageError, match="2026-11"):
        parse_month(text, ZONE)


@pytest.mark.parametrize("text", ["2026-47", "W47", "2026-W", "2026-W99"])
def test_bad_week_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        parse_week(text, ZONE)


def test_bad_day_names_the_flag() -> None:
    with pytest.raises(UsageError, match="--since"):
        parse_day("24/11/2026", flag="--since")


def test_period_containing_now_uses_the_local_date_not_utc() -> None:
    # 2026-11-22 17:00 UTC is Monday 2026-11-23 01:00 in Shanghai: week 48, not 47
    now = t("2026-11-22T17:00:00+00:00")
    assert period_containing(PeriodKind.weekly, now, ZONE).key == "2026-W48"
    assert period_containing(PeriodKind.daily, now, ZONE).key == "2026-11-23"
    assert period_containing(PeriodKind.monthly, now, ZONE).key == "2026-11"


def test_as_of_is_now_while_the_period_runs_and_its_end_after() -> None:
    day = day_period(date(2026, 11, 24), ZONE)
    assert day.as_of(t("16:00")) == t("16:00")
    assert day.as_of(t("2026-12-01T00:00:00+08:00")) == day.end
    assert day.contains(t("00:00")) and not day.contains(day.end)


def test_custom_period_includes_both_days_and_refuses_reversed_ones() -> None:
    span = custom_period(date(2026, 9, 1), date(2026, 9, 30), ZONE)
    assert len(span.days()) == 30
    assert span.label == "2026年9月1日—2026年9月30日"
    with pytest.raises(UsageError, match="早于"):
        custom_period(date(2026, 9, 30), date(2026, 9, 1), ZONE)


def test_choose_period_takes_one_flag_or_the_default_period_containing_now() -> None:
    from yqctl.core.periods import choose_period

    now = t("16:00")
    assert choose_period(PeriodKind.monthly, now, ZONE).key == "2026-11"
    assert choose_period(PeriodKind.monthly, now, ZONE, week="2026-W47").key == "2026-W47"
    assert (
        choose_period(PeriodKind.weekly, now, ZONE, since="2026-11-20").key
        == "2026-11-20..2026-11-24"
    )
    assert (
        choose_period(PeriodKind.weekly, now, ZONE, until="2026-10-15").key
        == "2026-10-01..2026-10-15"
    )
    with pytest.raises(UsageError, match="--date、--since/--until 只能选一个"):
        choose_period(PeriodKind.daily, now, ZONE, day="2026-11-24", since="2026-11-01")
