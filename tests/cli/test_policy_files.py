"""The repository's own policy and calendar files, as `check`, `grade` and `due` read them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Runner
from yqctl.resources import data_dir

WORKDAY_DEADLINE = """\
  - key: written_review
    title: 涉事单位书面复盘（本校补充规定）
    within: 3wd
    closed_by: [summary]
    clause: 补充规定一
"""


def add_deadline(repo: Path, text: str) -> None:
    policy = repo / "policies" / "university.yaml"
    source = policy.read_text(encoding="utf-8")
    policy.write_text(source.replace("deadlines:\n", "deadlines:\n" + text, 1), encoding="utf-8")


def test_check_reports_a_broken_policy_at_its_line(repo: Path, yq: Runner) -> None:
    policy = repo / "policies" / "university.yaml"
    lines = policy.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip() == "level: 2") + 1
    lines[number - 1] = lines[number - 1].replace("level: 2", "level: 9")
    policy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = yq("check", "--repo", str(repo))
    assert result.code == 1
    assert f"policies/university.yaml:{number}:" in result.out
    assert "级别 9" in result.out


def test_repository_policy_wins_over_builtin(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    add_deadline(repo, WORKDAY_DEADLINE)
    case_id = new_case("--discovered-at", "2026-09-30 10:00")
    result = yq(
        "grade", case_id, "--repo", str(repo), "--now", "2026-09-30T11:00:00+08:00", "--json"
    )
    assert result.code == 0, result.err
    review = next(d for d in result.json()["deadlines"] if d["key"] == "written_review")
    # 国庆中秋 2026-10-01..08 off; Sat 10-10 is an adjusted working day: the 3rd working day
    assert review["due"] == "2026-10-10T23:59:59+08:00"


def test_missing_calendar_year_is_named_and_calendar_file_supplies_it(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    add_deadline(repo, WORKDAY_DEADLINE)
    now = "2027-01-05T09:00:00+08:00"
    case_id = new_case("--discovered-at", "2027-01-04 10:00", "--now", now)
    refused = yq("grade", case_id, "--repo", str(repo), "--now", now)
    assert refused.code == 1
    assert "2027" in refused.err and "policies/calendar.yaml" in refused.err
    assert "Traceback" not in refused.err
    shutil.copy(data_dir("policies") / "calendar.example.yaml", repo / "policies" / "calendar.yaml")
    graded = yq("grade", case_id, "--repo", str(repo), "--now", now, "--json")
    assert graded.code == 0, graded.err
    review = next(d for d in graded.json()["deadlines"] if d["key"] == "written_review")
    assert review["due"] == "2027-01-07T23:59:59+08:00"
    assert yq("check", "--repo", str(repo)).code == 0


def test_check_reports_a_broken_calendar_file(repo: Path, yq: Runner) -> None:
    (repo / "policies" / "calendar.yaml").write_text(
        "version: 1\nyears:\n  2027:\n    holidays: [2028-01-01]\n", encoding="utf-8"
    )
    result = yq("check", "--repo", str(repo))
    assert result.code == 1 and "policies/calendar.yaml:" in result.out


def test_missing_git_is_a_clear_error(
    repo: Path, yq: Runner, new_case: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = new_case()
    before = (repo / "cases" / "2026" / f"{case_id}.yaml").read_bytes()
    monkeypatch.setenv("PATH", str(repo / "no-such-bin"))
    result = yq("act", case_id, "note", "--repo", str(repo), "--text", "x")
    assert result.code == 1 and "找不到 git" in result.err
    assert (repo / "cases" / "2026" / f"{case_id}.yaml").read_bytes() == before
