"""Atomic file writes and paths that never leave the repository."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from yqctl.errors import YqError


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory, fsync, rename: old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # the rename itself is durable only once the directory entry is on disk
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def inside(root: Path, relative: str, *, what: str = "路径") -> Path:
    """``root/relative``, refusing absolute paths, ``..`` and symlinks that lead outside ``root``."""
    if not relative or relative.startswith(("/", "\\")) or ":" in relative.split("/")[0]:
        raise YqError(f"{what} {relative!r} 必须是仓库内的相对路径")
    candidate = root / relative
    resolved_root = root.resolve()
    try:
        candidate.resolve().relative_to(resolved_root)
    except ValueError:
        raise YqError(f"{what} {relative!r} 指向仓库之外，已拒绝") from None
    return candidate
