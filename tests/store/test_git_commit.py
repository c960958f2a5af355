"""``Git.commit`` of more paths than a command line holds (issue 18 item 5): an import of 100,000
rows failed with ``OSError: Argument list too long: 'git'``. Above ``_ARGS_AT_ONCE`` paths the
commit goes through an index of its own; it must mean exactly what ``commit --only`` means."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import git
from yqctl.errors import YqError
from yqctl.store import git as gitmodule
from yqctl.store.git import Git
from yqctl.store.transaction import writing

pytestmark = pytest.mark.usefixtures("git_available")


@pytest.fixture(params=["arguments", "own index"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways to commit, the second forced with a small threshold."""
    if request.param == "own index":
        monkeypatch.setattr(gitmodule, "_ARGS_AT_ONCE", 3)
    return str(request.param)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "kept.txt").write_text("v1\n", "utf-8")
    (root / "staged.txt").write_text("v1\n", "utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "start")
    return root


def write(root: Path, names: list[str]) -> list[str]:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"{name}\n", "utf-8")
    return names


def test_exactly_the_given_paths_are_committed_and_other_staged_work_stays_staged(
    root: Path, way: str
) -> None:
    (root / "staged.txt").write_text("someone's staged change\n", "utf-8")
    git(root, "add", "staged.txt")
    (root / "kept.txt").write_text("someone's unstaged change\n", "utf-8")
    paths = write(root, [f"cases/2026/c{n}.yaml" for n in range(7)] + ["cases/2026/[x]*.yaml"])
    Git(root).commit(paths, "导入", author="值班员")
    shown = git(root, "show", "--name-only", "--format=%an|%s", "HEAD").split("\n")
    assert shown[0] == "值班员|导入"
    assert sorted(p for p in shown[1:] if p) == sorted(paths)  # `[x]*` matched itself only
    status = sorted(git(root, "status", "--porcelain").splitlines())
    assert status == [" M kept.txt", "M  staged.txt"]  # as it was: unstaged, and staged


def test_a_refused_commit_is_rolled_back_files_index_and_all(root: Path, way: str) -> None:
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 不许提交 >&2\nexit 1\n", "utf-8")
    os.chmod(hook, 0o755)
    head = git(root, "rev-parse", "HEAD")
    index = git(root, "ls-files", "-s")
    paths = [f"cases/2026/c{n}.yaml" for n in range(5)]
    with pytest.raises(YqError, match="不许提交"), writing(root, "import") as change:
        change.write_all([(path, f"{path}\n") for path in paths])
        change.commit("导入")
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "ls-files", "-s") == index
    assert not any((root / path).exists() for path in paths)


def test_a_first_commit_works_too(tmp_path: Path, way: str) -> None:
    root = tmp_path / "new"
    root.mkdir()
    git(root, "init", "-q")
    paths = write(root, [f"f{n}.txt" for n in range(5)])
    Git(root).commit(paths, "第一次")
    assert git(root, "status", "--porcelain") == ""
    assert int(git(root, "rev-list", "--count", "HEAD")) == 1


@pytest.mark.slow
def test_more_paths_than_a_command_line_holds(root: Path) -> None:
    """40,000 paths of 60 characters are 2.4 MB of arguments: past Linux's 2 MB."""
    paths = write(root, [f"cases/2026/YQ-20261124-{n:05d}-{'x' * 30}.yaml" for n in range(40_000)])
    Git(root).commit(paths, "导入 40000 起")
    assert git(root, "status", "--porcelain") == ""
    assert int(git(root, "ls-tree", "-r", "HEAD", "--name-only").count("\n")) == 40_002


def test_an_author_name_git_would_refuse_is_committed_without_the_characters(root: Path) -> None:
    paths = write(root, ["a.txt"])
    Git(root).commit(paths, "记录", author="后勤处<值班>\n员")
    assert git(root, "log", "-1", "--format=%an").strip() == "后勤处值班 员"
