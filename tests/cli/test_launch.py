"""The console entry point starts git's check of the case files early for the commands that read
every case, and never leaves one running."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import NOW, Runner
from yqctl.cli.launch import reader_root
from yqctl.store import gitview

pytestmark = pytest.mark.usefixtures("git_available")


def test_the_repository_of_a_reading_command_is_found_as_repo_find_finds_it(
    demo_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = demo_repo / "cases"
    monkeypatch.chdir(inner)
    assert reader_root(["due"], None) == demo_repo.resolve()  # from a folder inside it
    assert reader_root(["report", "weekly", "--repo", str(demo_repo)], None) == demo_repo.resolve()
    assert reader_root(["list", f"--repo={demo_repo}"], None) == demo_repo.resolve()
    monkeypatch.chdir(demo_repo.parent)
    assert reader_root(["stats"], str(demo_repo)) == demo_repo.resolve()  # YQCTL_REPO


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
    taken: list[gitview.Running] = []
    started = gitview.check_early

    def check_early(root: Path, folder: str) -> None:
        started(root, folder)
        taken.append(gitview._early[(root, folder)])

    monkeypatch.setattr(gitview, "check_early", check_early)
    assert yq("due", "--repo", str(demo_repo), "--now", NOW).code in (0, 1)
    assert len(taken) == 1 and gitview._early == {}
    assert taken[0]._processes["dirty"].returncode == 0  # the index waited for it: it used it
    result = yq("due", "--repo", str(demo_repo), "--within", "不是时长")
    assert result.code != 0 and len(taken) == 2
    assert gitview._early == {} and taken[1]._processes == {}  # stopped, not left behind
