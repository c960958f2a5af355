"""Filters for official documents: Chinese dates, blanks to fill in by hand, Markdown cells."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from yqctl.render.filters import blank, cn_date, cn_datetime, finalize, md_cell

BEIJING = timezone(timedelta(hours=8))


def test_cn_datetime_keeps_the_zone_it_is_given() -> None:
    assert cn_datetime(datetime(2026, 11, 24, 9, 30, tzinfo=BEIJING)) == "2026年11月24日 09:30"
    # no conversion: the caller has already put the time in the office's zone
    assert cn_datetime(datetime(2026, 11, 24, 1, 5, tzinfo=UTC)) == "2026年11月24日 01:05"


def test_cn_date_has_no_leading_zeros() -> None:
    assert cn_date(date(2026, 3, 4)) == "2026年3月4日"
    assert cn_date(datetime(2026, 11, 4, 23, 59, tzinfo=BEIJING)) == "2026年11月4日"


def test_iso_strings_are_accepted() -> None:
    assert cn_date("2026-11-24") == "2026年11月24日"
    assert cn_datetime("2026-11-24T09:30:00+08:00") == "2026年11月24日 09:30"


@pytest.mark.parametrize("empty", [None, ""])
def test_dates_of_nothing_are_empty(empty: str | None) -> None:
    assert cn_date(empty) == ""
    assert cn_datetime(empty) == ""


def test_cn_datetime_needs_a_time() -> None:
    with pytest.raises(TypeError, match="cn_datetime"):
        cn_datetime(date(2026, 11, 24))


@pytest.mark.parametrize("wrong", [5, "昨天", [2026, 11, 24]])
def test_wrong_values_say_what_was_expected(wrong: object) -> None:
    with pytest.raises(TypeError, match="cn_date 需要日期或时间"):
        cn_date(wrong)  # type: ignore[arg-type]


def test_blank_is_a_line_of_full_width_underscores() -> None:
    assert blank(None) == "＿" * 8
    assert blank("", 4) == "＿＿＿＿"
    assert blank("  ") == "＿" * 8
    assert blank("后勤处") == "后勤处"
    assert blank(0) == 0  # zero is a value, not a blank


def test_finalize_prints_none_as_nothing() -> None:
    assert finalize(None) == ""
    assert finalize(0) == 0
    assert finalize(False) is False


def test_md_cell_keeps_a_value_in_one_cell() -> None:
    assert md_cell("A|B\r\nC") == "A\\|B<br>C"
    assert md_cell(None) == ""
    assert md_cell(3) == "3"
