"""Shared fixtures: drive the real ``yqctl`` entry point against real temporary git repositories."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from yqctl.cli.launch import main

NOW = "2026-11-24T16:00:00+08:00"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Runner = Callable[..., Result]


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A wide terminal, a fixed git identity and no user config leaking into the tests."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "测试值班员")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "duty@example.edu.cn")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "测试值班员")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "duty@example.edu.cn")
    monkeypatch.delenv("YQCTL_NOW", raising=False)
    monkeypatch.delenv("YQCTL_REPO", raising=False)
    (tmp_path / "home").mkdir()


def invoke(*args: str, cwd: Path | None = None) -> Result:
    """Run ``yqctl ARGS`` in this process through the console entry point ``main()``."""
    out, err = io.StringIO(), io.StringIO()
    old_argv, old_cwd = sys.argv, Path.cwd()
    sys.argv = ["yqctl", *args]
    code = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = old_argv
        os.chdir(old_cwd)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def yq() -> Runner:
    return invoke


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A fresh university repository (no demo cases), committed."""
    root = tmp_path / "repo"
    result = invoke("init", str(root), "--policy", "university")
    assert result.code == 0, result.err
    return root


def _demo(root: Path, policy: str) -> Path:
    result = invoke("init", str(root), "--policy", policy, "--demo")
    assert result.code == 0, result.err
    return root


@pytest.fixture
def demo_repo(tmp_path: Path) -> Path:
    return _demo(tmp_path / "demo", "university")


@pytest.fixture
def middle_repo(tmp_path: Path) -> Path:
    """The middle-school demo repository (《xx中学舆情应急处置预案》)."""
    return _demo(tmp_path / "middle", "middle-school")


@pytest.fixture
def new_case(repo: Path) -> Callable[..., str]:
    """Open a case in ``repo`` through the CLI and return its id."""

    def make(*extra: str) -> str:
        args = ["new", "--repo", str(repo), "--now", NOW, "--json"]
        defaults = {"--title": "网传食堂饭菜出现异物", "--unit": "后勤处", "--category": "inquiry"}
        for flag, value in defaults.items():
            if flag not in extra:
                args += [flag, value]
        result = invoke(*args, *extra)
        assert result.code == 0, result.err
        return str(result.json()["id"])

    return make


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, bytes]]:
    """Every file under a directory with its bytes, to prove nothing changed; .git and the local
    cache .yqctl (never part of the repository's content) left out."""

    def take(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and not {".git", ".yqctl"} & set(p.relative_to(root).parts)
        }

    return take


@pytest.fixture
def git_available() -> Iterator[None]:
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    yield


def add_channel(root: Path, kind: str, url_env: str) -> Path:
    """Give ``root``'s yq.yaml one notification channel (committed); its address stays in
    ``url_env``, as the project requires."""
    config = root / "yq.yaml"
    channel = f"\nnotify:\n  - name: 舆情办工作群\n    kind: {kind}\n    url_env: {url_env}\n"
    config.write_text(config.read_text("utf-8") + channel, "utf-8")
    git(root, "commit", "-qam", "通知渠道")
    return root
