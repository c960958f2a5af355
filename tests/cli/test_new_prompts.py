"""``yqctl new`` asks for missing required fields on a terminal, and only there."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import NOW, Runner, git


def _yqctl() -> str:
    script = Path(sys.executable).with_name("yqctl")
    return str(script) if script.exists() else shutil.which("yqctl") or "yqctl"


def _converse(args: list[str], answers: list[str], cwd: Path) -> tuple[int, str]:
    """Run the real console script with a pseudo-terminal as stdin; answer each prompt in turn."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env={**os.environ, "TERM": "dumb"}
    )
    os.close(slave)
    seen, pending, deadline = b"", list(answers), time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            seen += chunk
            if pending and seen.rstrip().endswith(b":"):
                os.write(master, (pending.pop(0) + "\n").encode())
        elif process.poll() is not None:
            break
    process.wait(timeout=30)
    os.close(master)
    return process.returncode, seen.decode("utf-8", "replace")


def test_new_prompts_for_missing_fields_on_a_terminal(repo: Path) -> None:
    code, screen = _converse(
        [_yqctl(), "new", "--now", NOW, "--unit", "后勤处"], ["宿舍供暖不足投诉", "inquiry"], repo
    )
    assert code == 0, screen
    assert "舆情标题" in screen and "舆情类别" in screen
    assert "涉事单位（" not in screen  # given by flag, so not asked
    assert "已登记 YQ-20261124-" in screen
    assert "宿舍供暖不足投诉" in git(repo, "log", "-1", "--format=%s")


def test_new_without_terminal_names_missing_flags(repo: Path, yq: Runner) -> None:
    result = yq("new", "--repo", str(repo), "--now", NOW, "--unit", "后勤处")
    assert result.code == 2
    assert "--title" in result.err and "--category" in result.err
    assert "--unit" not in result.err


def test_new_asks_again_after_an_invalid_answer(repo: Path) -> None:
    code, screen = _converse(
        [_yqctl(), "new", "--now", NOW, "--title", "t", "--unit", "后勤处"],
        ["bogus", "other"],
        repo,
    )
    assert code == 0, screen
    assert "“bogus”不是有效取值" in screen
    [written] = list((repo / "cases").rglob("*.yaml"))
    assert "category: other" in written.read_text(encoding="utf-8")


def test_new_refuses_unknown_unit_flag_before_writing(repo: Path, yq: Runner) -> None:
    result = yq(
        "new",
        "--repo",
        str(repo),
        "--now",
        NOW,
        "--title",
        "t",
        "--unit",
        "食堂",
        "--category",
        "other",
    )
    assert result.code == 2
    assert "--unit '食堂' 不是有效取值" in result.err and "后勤处" in result.err
    assert not list((repo / "cases").rglob("*.yaml"))
