"""``yqctl import --dry-run`` on hostile workbooks, as a real process held to 1 GB of address
space: a few KB that claim (``<dimension>``) or unpack to gigabytes are read by their rows or
refused with the limit named, and never take the memory (before the streaming reader, the
dimension A1:XFD20000 took 2.6 GB and the 400 MB cell 6 GB: here both died with MemoryError)."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.store import hostile_xlsx as hx

MEMORY = 1 << 30  # yqctl itself needs about 300 MB of address space


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _import(repo: Path, path: Path) -> subprocess.CompletedProcess[str]:
    yqctl = shutil.which("yqctl", path=os.path.dirname(sys.executable)) or "yqctl"
    command = [yqctl, "import", str(path), "--dry-run", "--unit", "后勤处", "--repo", str(repo)]
    return subprocess.run(
        command, capture_output=True, text=True, preexec_fn=_capped, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda p: hx.lying_dimension(p, 20_000), None),
        (lambda p: hx.lying_dimension(p, 100_000), None),
        (lambda p: hx.one_huge_shared_string(p, 400 << 20), "单元格超过 100000 字符"),
        (lambda p: hx.wide_rows(p, 1_000_000), "bad.xlsx:3:201: 超过 200 列"),
        (lambda p: hx.far_cell(p, 20_000), "bad.xlsx:3:16384: 超过 200 列"),
    ],
    ids=["dimension-20k", "dimension-100k", "400MB-cell", "million-columns", "far-columns"],
)
def test_a_hostile_workbook_never_takes_the_memory(
    repo: Path, tmp_path: Path, build: Callable[[Path], Path], message: str | None
) -> None:
    path = build(tmp_path / "bad.xlsx")
    assert path.stat().st_size < 4 << 20
    result = _import(repo, path)
    assert "MemoryError" not in result.stderr and "内部错误" not in result.stderr
    if message is None:  # read by its rows: the one lead is planned
        assert result.returncode == 0, result.stderr
        assert "食堂异物" in result.stdout
    else:
        assert result.returncode == 1 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
