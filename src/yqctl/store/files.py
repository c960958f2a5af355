"""Atomic file writes and paths that never leave the repository."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path
from typing import IO, Any

from yqctl.errors import YqError

TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 60


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same directory, fsync, rename: old or new, never half.

    Text is written as UTF-8 with ``\n`` line endings; bytes (Word, PDF, PNG) exactly as given.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with _open_for(fd, data) as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def leftover_temps(path: Path, now: float, names: list[str] | None = None) -> list[Path]:
    """Temporary files of ``atomic_write(path)`` older than ``STALE_TEMP_SECONDS`` at ``now``.

    A write takes milliseconds, so these were left by a writer killed mid-write (a younger one
    may be a write in progress). They are hidden (a leading dot) and not ``.yaml``: no reader
    takes them for a case. ``names``: the directory's listing, if the caller has it already.
    """
    prefix = f".{path.name}."
    if names is None:
        try:
            names = os.listdir(path.parent)
        except OSError:
            return []
    found = []
    for name in sorted(names):
        if name.startswith(prefix) and name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(OSError):  # gone meanwhile
                if now - (path.parent / name).stat().st_mtime > STALE_TEMP_SECONDS:
                    found.append(path.parent / name)
    return found


def is_temp_name(name: str) -> bool:
    """A name ``atomic_write`` gives its temporary files (``.<name>.<random>.tmp``)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX) and name.count(".") >= 3


def _open_for(fd: int, data: str | bytes) -> IO[Any]:
    if isinstance(data, bytes):
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8", newline="\n")


def _mode_for(path: Path) -> int:
    # keep an existing file's mode; a new one gets what open() would give (mkstemp's is 0600)
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    # the rename itself is durable only once the directory entry is on disk
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@functools.lru_cache(maxsize=8)
def _resolved(root: Path) -> Path:
    return root.resolve()  # `check` asks for thousands of evidence paths under one root


def inside(root: Path, relative: str, *, what: str = "路径") -> Path:
    """``root/relative``, refusing absolute paths, ``..`` and symlinks that lead outside ``root``."""
    if not relative or relative.startswith(("/", "\\")) or ":" in relative.split("/")[0]:
        raise YqError(f"{what} {relative!r} 必须是仓库内的相对路径")
    candidate = root / relative
    try:
        candidate.resolve().relative_to(_resolved(root))
    except ValueError:
        raise YqError(f"{what} {relative!r} 指向仓库之外，已拒绝") from None
    return candidate
