"""Three-way merge of a case by meaning: records united, one-sided changes taken, true conflicts
recorded with all three values."""

from __future__ import annotations

import copy
from typing import Any

from yqctl.core.merge import field_path, merge_case


def entry(at: str, text: str, action: str = "note") -> dict[str, Any]:
    return {"at": at, "recorded_at": at, "action": action, "by": "值班员", "text": text}


BASE: dict[str, Any] = {
    "version": 1,
    "id": "YQ-20261124-AAAA",
    "title": "网传食堂饭菜出现异物",
    "unit": "后勤处",
    "status": "handling",
    "level": 3,
    "signals": {"spread": "isolated", "reposts": 10},
    "sources": [{"platform": "weibo", "url": "https://weibo.com/1", "account": "甲"}],
    "grading": [{"at": "2026-11-24T10:00:00+08:00", "level": 3, "policy": "university"}],
    "timeline": [entry("2026-11-24T09:30:00+08:00", "发现")],
}


def side(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def test_timeline_entries_of_both_sides_are_united_in_time_order_without_duplicates() -> None:
    a = entry("2026-11-24T11:00:00+08:00", "A 处理")
    b = entry("2026-11-24T10:30:00+08:00", "B 处理")
    both = entry("2026-11-24T12:00:00+08:00", "两边都记了")
    ours = side(timeline=[*BASE["timeline"], a, both])
    theirs = side(timeline=[*BASE["timeline"], b, both])
    merged = merge_case(BASE, ours, theirs)
    assert [e["text"] for e in merged.data["timeline"]] == [
        "发现",
        "B 处理",
        "A 处理",
        "两边都记了",
    ]
    assert merged.conflicts == [] and "conflicts" not in merged.data


def test_an_entry_one_side_corrected_stays_corrected() -> None:
    fixed = entry("2026-11-24T09:30:00+08:00", "发现（更正错字）")
    new = entry("2026-11-24T13:00:00+08:00", "新的")
    merged = merge_case(BASE, side(timeline=[fixed]), side(timeline=[*BASE["timeline"], new]))
    assert [e["text"] for e in merged.data["timeline"]] == ["发现（更正错字）", "新的"]


def test_a_value_changed_on_one_side_wins_and_alike_on_both_is_no_conflict() -> None:
    ours = side(title="新标题", signals={"spread": "local_hotspot", "reposts": 10})
    theirs = side(signals={"spread": "local_hotspot", "reposts": 500}, unit="校团委")
    merged = merge_case(BASE, ours, theirs)
    assert merged.data["title"] == "新标题" and merged.data["unit"] == "校团委"
    assert merged.data["signals"] == {"spread": "local_hotspot", "reposts": 500}
    assert merged.conflicts == []


def test_a_value_changed_differently_on_both_sides_is_recorded_keeping_ours() -> None:
    ours = side(title="本地标题", signals={"spread": "isolated", "reposts": 60})
    theirs = side(title="对方标题", signals={"spread": "isolated", "reposts": 90})
    merged = merge_case(BASE, ours, theirs)
    assert merged.data["title"] == "本地标题" and merged.data["signals"]["reposts"] == 60
    assert merged.data["conflicts"] == [
        {"field": "title", "base": BASE["title"], "ours": "本地标题", "theirs": "对方标题"},
        {"field": "signals.reposts", "base": 10, "ours": 60, "theirs": 90},
    ]
    assert field_path("signals.reposts") == ("signals", "reposts")


def test_sources_merge_by_url_field_by_field() -> None:
    ours = side(sources=[{**BASE["sources"][0], "stance": "critical"}])
    theirs = side(
        sources=[
            {**BASE["sources"][0], "excerpt": "原话"},
            {"platform": "douyin", "url": "https://douyin.com/2"},
        ]
    )
    merged = merge_case(BASE, ours, theirs)
    assert merged.data["sources"] == [
        {**BASE["sources"][0], "stance": "critical", "excerpt": "原话"},
        {"platform": "douyin", "url": "https://douyin.com/2"},
    ]
    conflicting = side(sources=[{**BASE["sources"][0], "account": "乙"}])
    other = side(sources=[{**BASE["sources"][0], "account": "丙"}])
    assert [c.field for c in merge_case(BASE, conflicting, other).conflicts] == [
        "sources.0.account"
    ]


def test_a_source_removed_on_one_side_and_untouched_on_the_other_is_removed() -> None:
    merged = merge_case(BASE, side(sources=[]), side(title="别的改动"))
    assert merged.data["sources"] == [] and merged.data["title"] == "别的改动"


def test_status_takes_the_stage_further_along_the_work() -> None:
    merged = merge_case(BASE, side(status="responded"), side(status="closed"))
    assert merged.data["status"] == "closed" and merged.conflicts == []


def test_two_regradings_take_the_latest_grading_of_the_united_record() -> None:
    early = {"at": "2026-11-24T14:00:00+08:00", "level": 2, "policy": "university"}
    late = {"at": "2026-11-24T15:00:00+08:00", "level": 1, "policy": "university"}
    ours = side(level=2, grading=[*BASE["grading"], early])
    theirs = side(level=1, grading=[*BASE["grading"], late])
    merged = merge_case(BASE, ours, theirs)
    assert merged.data["level"] == 1 and merged.conflicts == []
    assert [g["level"] for g in merged.data["grading"]] == [3, 2, 1]


def test_files_added_on_both_sides_merge_against_nothing() -> None:
    merged = merge_case(None, side(), side(title="另一个标题"))
    assert [c.field for c in merged.conflicts] == ["title"]
    assert merged.data["timeline"] == BASE["timeline"]


def test_conflicts_already_recorded_are_kept_and_new_ones_added_after_them() -> None:
    earlier = [{"field": "unit", "base": "a", "ours": "b", "theirs": "c"}]
    ours = side(conflicts=earlier, title="本地")
    theirs = side(title="对方")
    merged = merge_case(BASE, ours, theirs)
    assert [c["field"] for c in merged.data["conflicts"]] == ["unit", "title"]
