"""The code stays ruff-clean and mypy-clean (strict): checked on every test run, so CI enforces it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]')")
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    result = _run(_tool("ruff"), "check", "src", "tests", "bench", "tools")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = _run(_tool("ruff"), "format", "--check", "src", "tests", "bench", "tools")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    if not (ROOT / "src" / "yqctl").is_dir():
        pytest.skip("not a source checkout")
    result = _run(_tool("mypy"), "--cache-dir", str(ROOT / ".mypy_cache"), "src/yqctl", "tools")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readmes_security_section_names_tests_that_exist() -> None:
    """Each promise of the README's security section names the tests that hold it: a renamed
    or removed test file must not leave a promise pointing at nothing."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## 安全 / Security", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(tests/[\w/]+\.py)`", section))
    assert len(named) >= 10
    assert sorted(name for name in named if not (ROOT / name).is_file()) == []
