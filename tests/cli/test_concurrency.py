"""Concurrent writers: the repository lock serializes them, so no entry and no id is lost.

Real ``yqctl`` processes against a real git repository.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_git_failures import case_file, install_hook
from tests.conftest import NOW, Runner, git

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and hooks")

WRITERS = 20
LOCK_FILE = Path(".yqctl") / "lock"


def spawn(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    """A real ``yqctl`` process (the environment, with its fixed git identity, is inherited)."""
    return subprocess.Popen(
        [sys.executable, "-m", "yqctl", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = process.communicate(timeout=120)
    return process.returncode, err


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_twenty_concurrent_acts_on_one_case_lose_no_entry(
    repo: Path, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    before = commits(repo)
    texts = [f"并发记录第{n:02d}条" for n in range(WRITERS)]
    processes = [
        spawn("act", case_id, "note", "--text", text, "--repo", str(repo), "--now", NOW)
        for text in texts
    ]
    results = [finish(process) for process in processes]
    assert [code for code, _ in results] == [0] * WRITERS, [err for _, err in results]
    text = case_file(repo, case_id).read_text(encoding="utf-8")
    assert sorted(t for t in texts if t in text) == texts  # every one of the 20 entries
    assert text.count("action: note") == WRITERS
    assert commits(repo) == before + WRITERS  # one commit each
    assert git(repo, "status", "--porcelain") == ""
    subjects = git(repo, "log", f"-{WRITERS}", "--format=%s").splitlines()
    assert sorted(s.rsplit(" ", 1)[-1] for s in subjects) == texts


def test_concurrent_new_hand_out_distinct_ids_each_committed(repo: Path) -> None:
    before = commits(repo)
    fields = ("--unit", "后勤处", "--category", "inquiry", "--repo", str(repo), "--now", NOW)
    processes = [spawn("new", "--title", f"同时登记{n}", *fields, "--json") for n in range(10)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0] * 10, [err for _, err in outputs]
    ids = {json.loads(out)["id"] for out, _ in outputs}
    assert len(ids) == 10
    assert len(list((repo / "cases").rglob("*.yaml"))) == 10
    assert commits(repo) == before + 10
    assert git(repo, "status", "--porcelain") == ""


def test_a_held_lock_makes_a_writer_give_up_naming_the_holder(
    repo: Path, yq: Runner, new_case: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = new_case()
    started, release = repo.parent / "hook-started", repo.parent / "hook-release"
    # the first act holds the lock while its pre-commit hook waits for the test
    install_hook(
        repo,
        "pre-commit",
        f'touch "{started}"\nfor i in $(seq 300); do [ -e "{release}" ] && exit 0; sleep 0.1; done',
    )
    holder = spawn("act", case_id, "reply", "--repo", str(repo), "--now", NOW)
    try:
        wait_for(started.exists, "the first act to reach its commit")
        path = case_file(repo, case_id)
        written = path.read_bytes()
        monkeypatch.setenv("YQCTL_LOCK_TIMEOUT", "0.3")
        waited = time.monotonic()
        result = yq("act", case_id, "statement", "--repo", str(repo), "--now", NOW)
        waited = time.monotonic() - waited
        assert result.code == 1, result
        assert "Traceback" not in result.err
        assert "仓库正被另一个 yqctl 命令占用" in result.err
        assert f"进程 {holder.pid}" in result.err and f"yqctl act {case_id}" in result.err
        assert "开始于" in result.err and "已等待 0.3 秒" in result.err
        assert "YQCTL_LOCK_TIMEOUT" in result.err
        assert 0.3 <= waited < 5
        assert path.read_bytes() == written  # the refused act changed nothing
    finally:
        release.touch()
        code, err = finish(holder)
    assert code == 0, err
    assert git(repo, "status", "--porcelain") == ""
    assert (repo / LOCK_FILE).read_bytes() == b""  # holder's name cleared on release


def test_a_lock_left_by_a_killed_process_does_not_block_the_next_command(
    repo: Path, yq: Runner, new_case: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = new_case()
    hold = (
        "import sys, time; from pathlib import Path; from yqctl.store.lock import repo_lock\n"
        f"with repo_lock(Path(sys.argv[1]), 'act {case_id}'):\n"
        "    print('held', flush=True); time.sleep(120)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(repo)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    os.kill(holder.pid, signal.SIGKILL)  # no chance to release or clean up anything
    holder.wait()
    left = json.loads((repo / LOCK_FILE).read_text(encoding="utf-8"))
    assert left["pid"] == holder.pid  # the dead holder's name is still in the file
    monkeypatch.setenv("YQCTL_LOCK_TIMEOUT", "5")
    started = time.monotonic()
    result = yq("act", case_id, "reply", "--repo", str(repo), "--now", NOW)
    assert result.code == 0, result.err
    assert time.monotonic() - started < 5  # did not wait for the dead holder
    assert git(repo, "status", "--porcelain") == ""


def test_lock_directory_stays_out_of_git_even_without_inits_gitignore(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    (repo / ".gitignore").unlink()
    git(repo, "commit", "-qam", "没有 .gitignore 的仓库")
    case_id = new_case()
    assert yq("act", case_id, "reply", "--repo", str(repo), "--now", NOW).code == 0
    assert (repo / LOCK_FILE).exists()
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_invalid_lock_timeout_is_a_clear_error(
    repo: Path, yq: Runner, new_case: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = new_case()
    monkeypatch.setenv("YQCTL_LOCK_TIMEOUT", "半分钟")
    result = yq("act", case_id, "reply", "--repo", str(repo), "--now", NOW)
    assert result.code == 1
    assert "YQCTL_LOCK_TIMEOUT" in result.err and "秒数" in result.err
