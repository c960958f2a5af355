"""The console entry point starts git's check of the case files early for the commands that read
every case, and never leaves one running."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import NOW, Runner
from yqctl.cli.launch import reader_root
from yqctl.store import gitproc
from yqctl.store.repo import Repo

pytestmark = pytest.mark.usefixtures("git_available")


def test_the_repository_of_a_reading_command_is_found_as_repo_find_finds_it(
    demo_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = str(Repo.find(demo_repo / "cases").root)
    monkeypatch.chdir(demo_repo / "cases")
    assert reader_root(["due"], None) == root  # from a folder inside it
    assert reader_root(["report", "weekly", "--repo", str(demo_repo)], None) == root
    assert reader_root(["list", f"--repo={demo_repo}"], None) == root
    monkeypatch.chdir(demo_repo.parent)
    assert reader_root(["stats"], str(demo_repo)) == root  # YQCTL_REPO
    assert reader_root(["due", "--repo", "cases"], str(demo_repo)) is None  # relative to here


@pytest.mark.parametrize(
    "args",
    [["new"], ["act", "X"], ["due", "--help"], ["list", "-h"], [], ["due", "--repo"]],
    ids=["writer", "act", "help", "short-help", "nothing", "repo-without-value"],
)
def test_no_head_start_for_other_commands_or_when_unsure(
    args: list[str], demo_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(demo_repo)
    assert reader_root(args, None) is None


def test_no_head_start_outside_a_repository(tmp_path: Path) -> None:
    assert reader_root(["due", "--repo", str(tmp_path)], None) is None
    assert reader_root(["due", "--repo", str(tmp_path / "missing")], None) is None


def test_the_index_takes_the_early_check_and_a_failed_command_leaves_none_running(
    demo_repo: Path, yq: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[gitproc.Running] = []
    started = gitproc.check_early

    def check_early(root: str, folder: str) -> None:
        started(root, folder)
        taken.append(gitproc._early[(root, folder)])

    monkeypatch.setattr(gitproc, "check_early", check_early)
    assert yq("due", "--repo", str(demo_repo), "--now", NOW).code in (0, 1)
    assert len(taken) == 1 and gitproc._early == {}
    assert taken[0]._processes["dirty"].returncode == 0  # the index waited for it: it used it
    result = yq("due", "--repo", str(demo_repo), "--within", "不是时长")
    assert result.code != 0 and len(taken) == 2
    assert gitproc._early == {} and taken[1]._processes == {}  # stopped, not left behind
