"""``yqctl due --ics FILE``: the open deadlines as an iCalendar file that calendar apps accept."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.conftest import NOW, Runner

pytestmark = pytest.mark.usefixtures("git_available")


def events(path: Path) -> list[object]:
    calendar = Calendar.from_ical(path.read_bytes())
    return list(calendar.walk("VEVENT"))


def test_every_open_dated_deadline_becomes_one_event_at_its_due_time(
    demo_repo: Path, yq: Runner, tmp_path: Path
) -> None:
    target = tmp_path / "due.ics"
    listed = yq("due", "--repo", str(demo_repo), "--now", NOW, "--json", "--ics", str(target))
    assert listed.code in (0, 1), listed.err
    dated = {
        (item["id"], item["deadline"]["key"]): item
        for item in listed.json()
        if item.get("deadline") and item["deadline"]["due"]
    }
    assert dated  # the demo has open deadlines with due times
    found = events(target)
    assert len(found) == len(dated)
    for event in found:
        uid = str(event["uid"])  # type: ignore[index]
        case_id = uid[:16]  # YQ-YYYYMMDD-XXXX, then -key@yqctl
        key = uid[17:].removesuffix("@yqctl")
        item = dated[(case_id, key)]
        start = event["dtstart"].dt  # type: ignore[index]
        assert start == datetime.fromisoformat(item["deadline"]["due"])
        assert item["title"] in str(event["summary"])  # type: ignore[index]
        alarm = next(iter(event.walk("VALARM")))  # type: ignore[attr-defined]
        assert str(alarm["trigger"].dt) == "-1 day, 23:30:00"
    calendar = Calendar.from_ical(target.read_bytes())
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_a_confidential_case_shows_only_its_id(demo_repo: Path, yq: Runner, tmp_path: Path) -> None:
    listed = yq("due", "--repo", str(demo_repo), "--now", NOW, "--json")
    item = next(i for i in listed.json() if i.get("deadline") and i["deadline"]["due"])
    path = next(demo_repo.glob(f"cases/*/{item['id']}.yaml"))
    path.write_text(
        path.read_text("utf-8").replace("confidential: false", "confidential: true"), "utf-8"
    )
    target = tmp_path / "due.ics"
    yq("due", "--repo", str(demo_repo), "--now", NOW, "--ics", str(target))
    text = target.read_bytes().decode("utf-8").replace("\r\n ", "")  # unfold
    assert f"涉密案件 {item['id']}" in text and item["title"] not in text


def test_the_same_deadlines_keep_their_uids_so_a_reimport_updates(
    demo_repo: Path, yq: Runner, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    yq("due", "--repo", str(demo_repo), "--now", NOW, "--ics", str(first))
    yq("due", "--repo", str(demo_repo), "--now", "2026-11-24T16:30:00+08:00", "--ics", str(second))
    uids = [{str(e["uid"]) for e in events(p)} for p in (first, second)]  # type: ignore[index]
    assert uids[0] == uids[1] and len(uids[0]) == len(events(first))
