"""Atomic file writes and paths that never leave the repository.

A shared repository is untrusted: a file one clone commits (a symlink, say) reaches every other
clone. yqctl's own local folder ``.yqctl/`` (lock, cache, journal) is therefore opened without
following links: a committed ``.yqctl/lock -> ~/.bashrc`` must not get the lock holder's name
written over the link's target.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from yqctl.errors import YqError
from yqctl.layout import LOCAL_DIR

TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 60


class LinkRefused(YqError):
    """A path yqctl would open is a symbolic link, which it never follows in a repository."""


def link_message(shown: str, path: Path) -> str:
    try:
        target = f"（指向 {os.readlink(path)}）"
    except OSError:
        target = ""
    return (
        f"{shown} 是符号链接{target}：仓库中的符号链接可能指向仓库之外，yqctl 一概不跟随。"
        f"请删除它（若已提交：git rm {shown} 并提交），换成真实的文件或目录"
    )


def local_dir(root: Path, relative: str) -> Path:
    """``root/relative`` as a real directory (each missing part made), never through a link.

    For yqctl's own folders (``.yqctl/cache``…): raises ``LinkRefused`` if any part of
    ``relative`` is a symlink or not a directory."""
    folder = root
    shown = ""
    for part in relative.split("/"):
        folder = folder / part
        shown = f"{shown}/{part}" if shown else part
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):  # another yqctl made it meanwhile
                os.mkdir(folder)
            st = os.lstat(folder)
        if stat.S_ISLNK(st.st_mode):
            raise LinkRefused(link_message(shown, folder))
        if not stat.S_ISDIR(st.st_mode):
            raise LinkRefused(f"{shown} 应是 yqctl 的本地目录，却是一个文件：请删除它后重试")
    return folder


def private_dir(root: Path, sub: str = "") -> Path:
    """``.yqctl/`` (or a folder in it), a real directory with a ``.gitignore`` of ``*``, so that
    the lock, the cache and the journal never show up in ``git status``."""
    folder = local_dir(root, LOCAL_DIR)
    ignore = folder / ".gitignore"
    if not os.path.lexists(ignore):
        # O_EXCL: two first writers at once must not truncate each other's file
        with contextlib.suppress(FileExistsError):
            fd = open_local(ignore, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write("# yqctl 的本地文件（锁、缓存、日志），可随时删除；不进入 git\n*\n")
    return local_dir(root, f"{LOCAL_DIR}/{sub}") if sub else folder


def open_local(path: Path, flags: int, mode: int = 0o644) -> int:
    """``os.open`` that refuses a symlink at ``path`` itself (``O_NOFOLLOW``; on systems without
    it, an ``lstat`` first). Its folder must come from ``local_dir``."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if not nofollow and os.path.islink(path):
        raise LinkRefused(link_message(path.name, path))
    try:
        return os.open(path, flags | nofollow | getattr(os, "O_CLOEXEC", 0), mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (os.path.islink(path) and exc.errno == errno.EEXIST):
            raise LinkRefused(link_message(path.name, path)) from None
        raise


def read_local(path: Path, limit: int = 1 << 20) -> bytes | None:
    """The bytes of one of yqctl's own small files (not following a link); None if it is
    missing, a link, or unreadable: such files are only ever hints (the lock holder's name,
    what was announced)."""
    try:
        fd = open_local(path, os.O_RDONLY)
    except (OSError, LinkRefused):
        return None
    try:
        return os.read(fd, limit)
    except OSError:
        return None
    finally:
        os.close(fd)


# Told each path and the bytes ``atomic_write`` is about to put there: a transaction announces
# the write in its journal first (store/journal.py), so that a kill after the rename is undone.
_before_write: Callable[[Path, bytes], None] | None = None


@contextmanager
def writes_observed(observer: Callable[[Path, bytes], None]) -> Iterator[None]:
    global _before_write
    previous, _before_write = _before_write, observer
    try:
        yield
    finally:
        _before_write = previous


def atomic_write(path: Path, data: str | bytes, *, durable: bool = True) -> None:
    """Write via a temporary file in the same directory, fsync, rename: old or new, never half.

    Text is written as UTF-8 with ``\n`` line endings; bytes (Word, PDF, PNG) exactly as given.
    ``durable=False`` skips the fsyncs: for a bulk write whose journal undoes it after a crash.
    """
    if _before_write is not None:
        _before_write(path, data.encode("utf-8") if isinstance(data, str) else data)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with _open_for(fd, data) as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        _fsync_dir(path.parent)


def read_or_none(path: Path) -> bytes | None:
    """The file's bytes, or None if there is no such file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def restore(path: Path, old: bytes | None) -> None:
    """Give ``path`` the bytes ``old`` (atomically), or remove it if ``old`` is None."""
    if read_or_none(path) == old:
        return
    if old is None:
        os.unlink(path)
    else:
        atomic_write(path, old)


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
