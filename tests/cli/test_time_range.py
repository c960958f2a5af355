"""Times that cannot be computed with are refused where they enter, and one bad case never stops
a reader (issue 18 item 7), through the real CLI on real git repositories.

``set ID discovered_at=0001-01-01T00:00:00+14:00`` passed ``check``, and then ``list``, ``due``,
``show``, ``report`` and ``stats`` all died with ``内部错误：OverflowError`` for the whole
repository. Now a time must fall in 1970–2199 (``timeutil.computable``) on every write, in every
time flag and in ``check``; and a case whose deadlines cannot be computed (a year the working-day
calendar lacks) is named as a problem while every reader shows the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_bad_input import case_text, head, no_traceback, problem_line, put
from tests.cli.test_terminal_text import blocked_import
from tests.conftest import NOW, Runner, git
from yqctl.store import yamlio
from yqctl.store.gitview import blob_id
from yqctl.store.index import CaseIndex, Read
from yqctl.store.repo import Repo

Snapshot = Callable[[Path], dict[str, bytes]]

BAD_ID = "YQ-20261124-BAD1"
BAD_FILE = f"cases/2026/{BAD_ID}.yaml"
YEAR_ONE = "0001-01-01T00:00:00+14:00"
OUT_OF_RANGE = "超出可计算的范围（1970 年至 2199 年）"


@pytest.fixture
def case_id(new_case: Callable[..., str]) -> str:
    return new_case("--source", "https://weibo.com/1/AbC")


# --- refused where they enter -------------------------------------------------------------------

ENTRIES: dict[str, tuple[str, ...]] = {
    "set-discovered-at": ("set", "{id}", f"discovered_at={YEAR_ONE}"),
    "set-published-at": ("set", "{id}", "sources.1.published_at=2200-01-01T00:00:00+08:00"),
    "act-at": ("act", "{id}", "note", "--text", "补记", "--at", YEAR_ONE),
    "close-at": (
        "close", "{id}", "--result", "已澄清", "--evaluation", "及时", "--force", "--reason", "测试",
        "--at", "9999-12-31T23:59:59-14:00",
    ),
    "new-discovered-at": (
        "new", "--title", "标题", "--unit", "后勤处", "--category", "inquiry",
        "--discovered-at", "1969-12-31T23:59:59+00:00",
    ),
    "now-of-due": ("due", "--now", YEAR_ONE),
    "now-of-grade": ("grade", "{id}", "--now", "9999-12-31T23:59:59-14:00"),
    "list-since": ("list", "--since", "0001-01-01"),
    "report-date": ("report", "daily", "--date", "9999-12-31"),
    "report-month": ("report", "monthly", "--month", "0001-01"),
    "report-week": ("report", "weekly", "--week", "2200-W01"),
    "stats-since": ("stats", "--since", "1900-01-01"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(ENTRIES))
def test_a_time_out_of_range_is_a_usage_error_wherever_it_is_typed(
    name: str, repo: Path, case_id: str, yq: Runner, snapshot: Snapshot
) -> None:
    before, commit = snapshot(repo), head(repo)
    args = [arg.replace("{id}", case_id) for arg in ENTRIES[name]]
    if "--now" not in args:
        args += ["--now", NOW]
    result = yq(*args, "--repo", str(repo))
    assert result.code == 2, (result.out, result.err)
    no_traceback(result)
    assert re.match(r"错误：\S+ '[^']+' " + re.escape(OUT_OF_RANGE), result.err), result.err
    assert snapshot(repo) == before and head(repo) == commit


def test_a_fixed_span_beyond_a_year_is_refused_in_due_and_in_a_policy(
    repo: Path, case_id: str, yq: Runner
) -> None:
    within = yq("due", "--within", "99999999h", "--repo", str(repo), "--now", NOW)
    assert within.code == 2 and "固定时长不能超过 366 天" in within.err
    policy = repo / "policies" / "university.yaml"
    policy.write_text(policy.read_text("utf-8").replace("within: 48h", "within: 99999999h"))
    git(repo, "commit", "-qam", "时限")
    problem_line(yq("check", "--repo", str(repo)), "policies/university.yaml:", "366 天")


def test_import_names_the_cell_of_a_time_out_of_range(
    repo: Path, yq: Runner, tmp_path: Path, snapshot: Snapshot
) -> None:
    export = tmp_path / "leads.csv"
    result = blocked_import(
        yq, repo, snapshot, export,
        "标题,原文链接,预警时间",
        "正常的一条,https://weibo.com/1/A,2026-11-24 09:00",
        "年份写错,https://weibo.com/1/B,0001-01-01 09:00",
    )  # fmt: skip
    problem_line(result, f"{export}:3:3: 预警时间：0001-01-01T09:00:00", OUT_OF_RANGE)


# --- a hand edit (or an older yqctl) left one in a file ------------------------------------------

HAND_EDITS = {
    "discovered-at": (("discovered_at: 2026-11-24T09:30:00+08:00", f"discovered_at: {YEAR_ONE}"), 4, 16),
    "timeline-at": (("  - at: 2026-11-24T09:30:00+08:00", "  - at: 9999-12-31T23:59:59-14:00"), 17, 9),
    "recorded-at": (
        ("    action: discovered", "    recorded_at: 1900-01-01T00:00:00+00:00\n    action: discovered"),
        18, 18,
    ),
}  # fmt: skip
READERS: dict[str, tuple[str, ...]] = {
    "check": ("check",),
    "list": ("list", "--json"),
    "due": ("due", "--json"),
    "show": ("show", BAD_ID),
    "report": ("report", "weekly", "--format", "md"),
    "stats": ("stats", "--json"),
}


@pytest.mark.parametrize("edit", list(HAND_EDITS))
def test_every_reader_names_an_out_of_range_time_at_its_line_and_goes_on(
    edit: str, repo: Path, case_id: str, yq: Runner
) -> None:
    (old, new), line, col = HAND_EDITS[edit]
    put(repo, BAD_FILE, case_text(BAD_ID, (old, new)))
    for name, args in READERS.items():
        result = yq(*args, "--repo", str(repo), "--now", NOW)
        problem_line(result, f"{BAD_FILE}:{line}:{col}: ", OUT_OF_RANGE)
        if name in ("list", "due"):
            assert {item["id"] for item in result.json()} == {case_id}
    shown = yq("show", case_id, "--repo", str(repo), "--now", NOW)
    assert shown.code == 0, shown.err  # the other case is as it was


# --- one case's deadlines cannot be computed: it is named, the rest shown ------------------------


@pytest.fixture
def beyond_the_calendar(repo: Path, case_id: str) -> Path:
    """A policy with a working-day deadline and a case in a year the calendar does not know."""
    policy = repo / "policies" / "university.yaml"
    policy.write_text(policy.read_text("utf-8").replace("within: 48h", "within: 3wd"), "utf-8")
    git(repo, "commit", "-qam", "其他舆情回应：3 个工作日")
    text = case_text(BAD_ID).replace("2026-11-24T09:30:00+08:00", "2031-11-24T09:30:00+08:00")
    return put(repo, BAD_FILE, text)


def test_readers_name_a_case_whose_deadlines_cannot_be_computed_and_show_the_rest(
    repo: Path, case_id: str, beyond_the_calendar: Path, yq: Runner
) -> None:
    later = "2031-11-25T10:00:00+08:00"  # both cases are in every report of the period
    for name, args in READERS.items():
        if name == "list":
            continue  # a listing computes no deadline (below)
        result = yq(*args, "--repo", str(repo), "--now", later)
        line = problem_line(result, f"{BAD_FILE}: ", "处置时限无法计算", "缺少 2031 年")
        assert "policies/calendar.yaml" in line, line  # it says what to add, and where
    due = yq("due", "--json", "--repo", str(repo), "--now", later).json()
    assert {item["id"] for item in due} == {case_id}
    listed = yq("list", "--json", "--repo", str(repo), "--now", later)
    assert listed.code == 0 and len(listed.json()) == 2  # a listing computes no deadline
    shown = yq("show", BAD_ID, "--json", "--repo", str(repo), "--now", later)
    assert shown.json()["title"] and shown.json()["deadlines"] == []
    assert [p["path"] for p in shown.json()["problems"]] == [BAD_FILE]
    report = yq("report", "weekly", "--format", "md", "--repo", str(repo), "--now", later)
    assert case_id in report.out and BAD_ID not in report.out


# --- a case indexed by an older yqctl is validated again -----------------------------------------


def _as_an_older_yqctl_read(path: Path) -> Read:
    """What a yqctl without the range check stored for a case file: its data, as a valid case."""
    from yqctl.core.case import Case
    from yqctl.core.listing import summarize

    raw = path.read_bytes()
    doc = yamlio.parse(raw.decode(), path.name)
    valid = Case.model_validate({**doc.data, "discovered_at": "2026-11-24T09:30:00+08:00"})
    summary = summarize(valid) | {"discovered_at": doc.data["discovered_at"]}
    text = json.dumps(summary, ensure_ascii=False)
    return Read(doc.data, oid=blob_id(raw), summary=text)  # git vouches for it: trusted as is


def _index_as(repo: Path, code: str) -> None:
    index = CaseIndex(repo, "cases", code)
    index.entries(_as_an_older_yqctl_read)
    index.close()


def test_a_case_an_older_yqctl_indexed_as_valid_is_checked_again_by_this_one(
    repo: Path, case_id: str, yq: Runner
) -> None:
    put(
        repo,
        BAD_FILE,
        case_text(
            BAD_ID, ("discovered_at: 2026-11-24T09:30:00+08:00", f"discovered_at: {YEAR_ONE}")
        ),
    )
    _index_as(repo, "0.9.0:1")  # an older yqctl's code fingerprint
    result = yq("list", "--json", "--repo", str(repo))
    problem_line(result, f"{BAD_FILE}:4:16: ", OUT_OF_RANGE)
    assert [case["id"] for case in result.json()] == [case_id]

    # what makes it so: rows stored under this code's own fingerprint would be trusted
    for stale in (repo / ".yqctl" / "cache").glob("cases.sqlite*"):
        stale.unlink()
    _index_as(repo, Repo(repo).index.code)
    trusted = yq("list", "--json", "--repo", str(repo))
    assert trusted.code == 0 and {c["id"] for c in trusted.json()} == {case_id, BAD_ID}
