"""The git checks behind the case index run as child processes started with ``os`` alone: their
output and exit status arrive whole, a killed one is reaped, a missing git means "no answer"
(the index then stats every file), and on two cores git checks the files on one thread."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git
from tests.store.test_index import committed_cases
from yqctl.store import gitproc

pytestmark = pytest.mark.usefixtures("git_available")


def changed_repo(root: Path) -> Path:
    """A repository with two committed cases, one of them edited since."""
    folder = committed_cases(root, "A.yaml", "B.yaml")
    (folder / "B.yaml").write_text("title: edited\n", "utf-8")
    return root


@pytest.fixture(params=[True, False], ids=["posix_spawn", "subprocess"])
def spawn(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Each test with both ways of starting the child (subprocess: as on Windows)."""
    if request.param and not hasattr(os, "posix_spawnp"):
        pytest.skip("no posix_spawn here")
    monkeypatch.setattr(gitproc, "_POSIX_SPAWN", request.param)
    return bool(request.param)


def test_the_dirty_check_names_the_edited_file_as_git_does(tmp_path: Path, spawn: bool) -> None:
    root = changed_repo(tmp_path)
    out = gitproc.dirty_check(root, "cases").outputs()
    assert out is not None
    assert out["dirty"] == b"cases/2026/B.yaml\0"
    assert git(root, "diff-files", "--name-only") == "cases/2026/B.yaml\n"


def test_large_output_arrives_whole(tmp_path: Path, spawn: bool) -> None:
    root = changed_repo(tmp_path)
    many = [f"cases/{i:05}.yaml" for i in range(3000)]  # ~50 KB of listing, more than a pipe holds
    for path in many:
        (root / path).write_text("x\n", "utf-8")
    git(root, "add", "-A")
    out = gitproc.Running(root, {"staged": gitproc.staged_args("cases")}).outputs()
    assert out is not None
    listed = [record.split(b"\t")[1].decode() for record in out["staged"].split(b"\0") if record]
    assert listed == sorted([*many, "cases/2026/A.yaml", "cases/2026/B.yaml"])


def test_a_failed_command_gives_no_answer(tmp_path: Path, spawn: bool) -> None:
    (tmp_path / "cases").mkdir()  # not a git repository: git exits 128
    assert gitproc.dirty_check(tmp_path, "cases").outputs() is None


def test_without_git_there_is_no_answer_and_no_error(
    tmp_path: Path, spawn: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = changed_repo(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    running = gitproc.dirty_check(root, "cases")
    assert running.outputs() is None


def test_a_stopped_check_is_killed_and_reaped(tmp_path: Path, spawn: bool) -> None:
    root = changed_repo(tmp_path)
    gitproc.check_early(str(root), "cases")
    (running,) = gitproc._early.values()
    (child,) = running._processes.values()
    gitproc.stop_early()
    assert gitproc._early == {} and running._processes == {}
    assert child.returncode is not None  # waited for: no zombie left behind
    assert running.outputs() is None


def test_the_early_check_is_taken_by_the_same_repository_only(tmp_path: Path) -> None:
    root = changed_repo(tmp_path)
    gitproc.check_early(str(root), "cases")
    try:
        other = gitproc.dirty_check(root / "cases" / "..", "cases")
        assert other not in gitproc._early.values()
        other.stop()
        taken = gitproc.dirty_check(root, "cases")  # a Path equal to the string started early
        assert gitproc._early == {}
        assert taken.outputs() == {"dirty": b"cases/2026/B.yaml\0"}
    finally:
        gitproc.stop_early()


def test_the_child_holds_no_other_end_of_its_pipe() -> None:
    """A copy of the pipe's ends kept open in the child (or any process it starts) would leave
    the reader waiting for an end of file that never comes."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("no /proc")
    script = (
        "import os\n"
        "links = []\n"
        "for n in os.listdir('/proc/self/fd'):\n"
        "    try: links.append(os.readlink('/proc/self/fd/' + n))\n"
        "    except OSError: pass\n"  # the listing's own handle, closed by now
        "print(links.count(os.readlink('/proc/self/fd/1')))"
    )
    child = gitproc.Child([sys.executable, "-c", script], dict(os.environ))
    assert child.output().strip() == b"1"  # stdout only
    assert child.returncode == 0


def test_a_child_nobody_waited_for_is_reaped_when_dropped(tmp_path: Path) -> None:
    child = gitproc.Child([sys.executable, "-c", "import time; time.sleep(30)"], dict(os.environ))
    pid = child._pid
    del child
    with pytest.raises(ChildProcessError):  # killed and waited for: nothing left to wait for
        os.waitpid(pid, os.WNOHANG)


@pytest.mark.parametrize(("cores", "one_thread"), [(1, True), (2, True), (4, False)])
def test_on_two_cores_git_checks_the_files_on_one_thread(
    cores: int, one_thread: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitproc, "_cores", lambda: cores)
    command = gitproc.git_command("/repo", gitproc.dirty_args("cases"))
    assert ("core.preloadIndex=false" in command) is one_thread
    assert command[:3] == ["git", "-C", "/repo"] and command[-2:] == ["--", "cases"]
    assert "core.trustctime=true" in command and "--no-optional-locks" in command


def test_the_options_are_ones_git_accepts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gitproc, "_cores", lambda: 2)
    root = changed_repo(tmp_path)
    command = gitproc.git_command(str(root), gitproc.dirty_args("cases"))
    done = subprocess.run(command, capture_output=True, check=True)
    assert done.stdout == b"cases/2026/B.yaml\0"
