"""What a killed command can leave behind, and that the next commands cope with it.

A writer killed between creating its temporary file and the rename leaves ``.<name>.<random>.tmp``;
one killed between the rename and ``git commit`` leaves a written but uncommitted case (the same
state ``--no-commit`` produces, which these tests use to get there deterministically).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from tests.cli.test_git_failures import case_file
from tests.conftest import NOW, Runner, git

STALE = 20 * 60  # seconds: well past yqctl's threshold for "left by a killed writer"


def leftover(repo: Path, case_id: str, tag: str, *, age: float) -> Path:
    """A temporary file as a writer killed mid-write leaves it: half of a case file."""
    path = case_file(repo, case_id)
    temp = path.with_name(f".{path.name}.{tag}.tmp")
    text = path.read_bytes()
    temp.write_bytes(text[: len(text) // 2])
    moment = time.time() - age
    os.utime(temp, (moment, moment))
    return temp


def test_leftover_temp_files_are_not_cases_are_reported_when_stale_and_cleaned_by_next_write(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    args = ("--repo", str(repo), "--now", NOW)
    files_before = yq("check", *args, "--json").json()["files"]
    stale = leftover(repo, case_id, "k1ll3d00", age=STALE)
    fresh = leftover(repo, case_id, "wr1t1ng0", age=0)  # may be a write in progress
    listed = yq("list", *args, "--json")
    assert listed.code == 0 and [c["id"] for c in listed.json()] == [case_id]
    checked = yq("check", *args, "--json")
    assert checked.code == 0, checked.out
    report = checked.json()
    assert report["problems"] == [] and report["files"] == files_before  # not read as cases
    warned = [w["path"] for w in report["warnings"] if "临时文件" in w["message"]]
    assert warned == [stale.relative_to(repo).as_posix()]  # the fresh one is not a leftover yet
    assert yq("act", case_id, "reply", *args).code == 0
    assert not stale.exists()  # the next write of that case removed it
    assert fresh.exists()  # and left the young one alone
    assert git(repo, "status", "--porcelain") == ""


def test_case_written_but_not_committed_is_named_by_check_and_kept_out_of_the_next_commit(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    args = ("--repo", str(repo), "--now", NOW)
    case_id = new_case()
    assert yq("act", case_id, "statement", "--text", "先写未提交", "--no-commit", *args).code == 0
    fresh_id = new_case("--no-commit")
    report = yq("check", *args, "--json").json()
    named = {w["path"]: w["message"] for w in report["warnings"] if "未提交到 git" in w["message"]}
    assert set(named) == {f"cases/2026/{case_id}.yaml", f"cases/2026/{fresh_id}.yaml"}
    assert "有未提交到 git 的修改" in named[f"cases/2026/{case_id}.yaml"]
    assert "新案件文件尚未提交" in named[f"cases/2026/{fresh_id}.yaml"]
    assert report["problems"] == []
    # the next committing command would sweep the written version into its own commit: refused
    relative = f"cases/2026/{case_id}.yaml"
    written = (repo / relative).read_bytes()
    refused = yq("act", case_id, "reply", "--text", "再写并提交", *args)
    assert refused.code == 1 and f"git diff HEAD -- {relative}" in refused.err
    assert (repo / relative).read_bytes() == written  # nothing lost, nothing added
    # once the person who wrote it commits it, the command goes ahead
    git(repo, "commit", "-qm", "先写的处置记录", "--", relative)
    assert yq("act", case_id, "reply", "--text", "再写并提交", *args).code == 0
    committed = git(repo, "show", f"HEAD:{relative}")
    assert "先写未提交" in committed and "再写并提交" in committed
    assert git(repo, "status", "--porcelain", "--", relative) == ""


def test_check_names_uncommitted_cases_in_a_repository_below_the_git_top_level(
    tmp_path: Path, yq: Runner
) -> None:
    outer = tmp_path / "office"
    outer.mkdir()
    git(outer, "init", "-q")
    root = outer / "yq"
    assert yq("init", str(root), "--no-commit").code == 0
    git(outer, "add", "-A")
    git(outer, "commit", "-qm", "仓库在子目录中")
    made = yq(
        "new", "--repo", str(root), "--now", NOW, "--json", "--no-commit",
        "--title", "t", "--unit", "后勤处", "--category", "inquiry",
    )  # fmt: skip
    path = json.loads(made.out)["path"]
    report = yq("check", "--repo", str(root), "--json").json()
    assert [w["path"] for w in report["warnings"] if "未提交到 git" in w["message"]] == [path]
