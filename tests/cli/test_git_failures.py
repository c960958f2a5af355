"""When git refuses the commit, a writing command undoes its change and says what to do.

Real git, real hooks, no mocks: after the failure the case file, the index and HEAD are exactly as
they were before the command (see store/transaction.py for the semantics).
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import NOW, Runner, git

HOOK_MESSAGE = "禁止提交：缺少审批单号"


def install_hook(repo: Path, name: str, body: str) -> None:
    hook = repo / ".git" / "hooks" / name
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)


def refusing_hook(repo: Path, name: str = "pre-commit") -> None:
    install_hook(repo, name, f'echo "{HOOK_MESSAGE}" >&2\nexit 1')


def git_state(repo: Path) -> dict[str, str]:
    """Everything a failed command must leave as it was: HEAD, status, staged changes."""
    return {
        "head": git(repo, "rev-parse", "HEAD"),
        "status": git(repo, "status", "--porcelain", "--untracked-files=all"),
        "staged": git(repo, "diff", "--cached"),
    }


def case_file(root: Path, case_id: str) -> Path:
    return root / "cases" / case_id[3:7] / f"{case_id}.yaml"


WRITERS = {
    "act": lambda case_id: ("act", case_id, "reply", "--text", "已答复"),
    "grade": lambda case_id: ("grade", case_id),
    "new": lambda case_id: (
        "new",
        "--title",
        "又一起",
        "--unit",
        "后勤处",
        "--category",
        "inquiry",
    ),
}


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_refusing_pre_commit_hook_leaves_files_index_and_head_unchanged(
    command: str,
    repo: Path,
    yq: Runner,
    new_case: Callable[..., str],
    snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    case_id = new_case()
    refusing_hook(repo)
    files, state = snapshot(repo), git_state(repo)
    result = yq(*WRITERS[command](case_id), "--repo", str(repo), "--now", NOW)
    assert result.code == 1, result
    assert "Traceback" not in result.err
    assert "pre-commit 钩子拒绝了提交" in result.err and HOOK_MESSAGE in result.err
    assert "已全部撤销" in result.err and "修正后重试" in result.err
    assert snapshot(repo) == files  # byte for byte; `new` left no file behind
    assert git_state(repo) == state
    assert git(repo, "diff", "--cached") == ""


def test_new_refused_by_hook_names_the_deleted_file(repo: Path, yq: Runner) -> None:
    refusing_hook(repo)
    result = yq(*WRITERS["new"](""), "--repo", str(repo), "--now", NOW)
    assert result.code == 1
    assert "新建的 cases/2026/YQ-20261124-" in result.err and "已删除" in result.err
    assert list((repo / "cases").rglob("*.yaml")) == []


def test_refusing_commit_msg_hook_is_named(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    refusing_hook(repo, "commit-msg")
    before = case_file(repo, case_id).read_bytes()
    result = yq(*WRITERS["act"](case_id), "--repo", str(repo), "--now", NOW)
    assert result.code == 1
    assert "commit-msg 钩子拒绝了提交" in result.err and HOOK_MESSAGE in result.err
    assert case_file(repo, case_id).read_bytes() == before


def test_index_lock_of_another_git_leaves_everything_unchanged_and_says_what_to_do(
    repo: Path,
    yq: Runner,
    new_case: Callable[..., str],
    snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    case_id = new_case()
    index_lock = repo / ".git" / "index.lock"
    index_lock.write_bytes(b"")  # what a running (or crashed) git process leaves
    files, state = snapshot(repo), git_state(repo)
    for command in ("act", "new"):
        result = yq(*WRITERS[command](case_id), "--repo", str(repo), "--now", NOW)
        assert result.code == 1, result
        assert "另一个 git 进程正在运行；若没有，删除 .git/index.lock 后重试" in result.err
        assert "Another git process seems" not in result.err  # git's boilerplate trimmed
        assert snapshot(repo) == files
        index_lock.unlink()  # (git status itself would need the lock)
        assert git_state(repo) == state
        index_lock.write_bytes(b"")
    index_lock.unlink()  # as the message says …
    result = yq(*WRITERS["act"](case_id), "--repo", str(repo), "--now", NOW)
    assert result.code == 0, result.err  # … and then it works
    assert git(repo, "status", "--porcelain") == ""


def test_stale_ref_lock_is_named_too(repo: Path, yq: Runner, new_case: Callable[..., str]) -> None:
    case_id = new_case()
    branch = git(repo, "symbolic-ref", "--short", "HEAD").strip()
    ref_lock = repo / ".git" / "refs" / "heads" / f"{branch}.lock"
    ref_lock.write_bytes(b"")  # a git killed while moving the branch leaves this
    before = case_file(repo, case_id).read_bytes()
    result = yq(*WRITERS["act"](case_id), "--repo", str(repo), "--now", NOW)
    assert result.code == 1
    assert f"删除 .git/refs/heads/{branch}.lock 后重试" in result.err
    assert case_file(repo, case_id).read_bytes() == before
    assert git(repo, "diff", "--cached") == ""


def test_failed_commit_restores_an_uncommitted_version_not_the_committed_one(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    # a change written with --no-commit (or by an act killed before its commit), partly staged:
    # rolling back must return to exactly that, not to HEAD, or the earlier entry would be lost
    case_id = new_case()
    path = case_file(repo, case_id)
    args = ("--repo", str(repo), "--now", NOW)
    assert yq("act", case_id, "statement", "--no-commit", *args).code == 0
    git(repo, "add", "--", path.relative_to(repo).as_posix())
    assert yq("act", case_id, "reply", "--no-commit", *args).code == 0
    uncommitted, state = path.read_bytes(), git_state(repo)
    assert state["staged"] and "MM " in state["status"]  # staged and further modified
    refusing_hook(repo)
    result = yq("act", case_id, "follow_up", *args)
    assert result.code == 1
    assert path.read_bytes() == uncommitted
    assert git_state(repo) == state  # the staged version is staged again


def test_init_refused_by_hook_leaves_no_repository_and_can_be_rerun(
    tmp_path: Path, yq: Runner
) -> None:
    root = tmp_path / "school"
    root.mkdir()
    git(root, "init", "-q")
    refusing_hook(root)
    result = yq("init", str(root))
    assert result.code == 1, result
    assert "pre-commit 钩子拒绝了提交" in result.err
    assert not (root / "yq.yaml").exists() and not (root / "org.yaml").exists()
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    (root / ".git" / "hooks" / "pre-commit").unlink()
    assert yq("init", str(root)).code == 0
    assert git(root, "status", "--porcelain") == ""
