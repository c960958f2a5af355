"""One writer at a time: an exclusive lock on ``.yqctl/lock`` around every read→write→commit.

Two ``yqctl act`` on the same case would otherwise both read version N, both write N+1 and one
entry would be lost; two ``git commit`` at once fail on ``.git/index.lock``. Every command that
writes holds this lock from before it reads the case until after it has committed; readers
(``list``, ``due``, ``show``, ``report``, ``check``) never take it: a case file is always replaced
in one rename, so they see the old or the new version, never half of one.

On POSIX the lock is ``fcntl.flock``: the kernel drops it when the holding process ends, however it
ends (even SIGKILL), so a lock file left by a dead process never blocks anyone. On Windows
``msvcrt.locking`` locks one byte; Windows likewise releases it with the dead process's handles.
(Neither is reliable on network file systems; a case repository is a local clone.)

The file's content only names the holder (pid, host, command, since when) for the message of a
waiting command; it is cleared on release, and a holder's name left by a dead process is simply
overwritten by the next one. The lock file is never deleted: deleting a locked file would let a
second process lock a new file of the same name while the first still holds the old one.

Waiting: up to ``YQCTL_LOCK_TIMEOUT`` seconds (default 30; 0 = do not wait), then an error naming
the holder, exit 1.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from yqctl.errors import YqError
from yqctl.layout import LOCAL_DIR
from yqctl.store.files import open_local, private_dir, read_local

LOCK_DIR = LOCAL_DIR
LOCK_FILE = "lock"
TIMEOUT_ENV = "YQCTL_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
_FIRST_PAUSE = 0.005
_LONGEST_PAUSE = 0.05
# Windows locks a byte range that may lie beyond the end of the file: lock a byte far past the
# holder text, so that reading the holder's name is never blocked by the lock itself.
_WINDOWS_LOCK_OFFSET = 1 << 20
_held: set[str] = set()  # repositories whose lock this process holds

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(root: Path) -> Path:
    return root / LOCK_DIR / LOCK_FILE


@contextmanager
def repo_lock(root: Path, command: str, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the repository's write lock; ``command`` (e.g. ``act YQ-…``) names us to waiters.

    ``command`` must not carry free text such as ``--text``: it is shown to other users.
    """
    key = str(root.resolve())
    if key in _held:
        yield  # already ours (a command calling another writer): flock would wait for itself
        return
    path = _prepare(root)
    try:
        fd = open_local(path, os.O_RDWR | os.O_CREAT)  # a committed symlink is refused
    except OSError as exc:
        raise YqError(f"无法打开仓库锁文件 {path}：{exc.strerror or exc}") from exc
    try:
        _acquire(fd, path, command, _timeout(timeout))
        _held.add(key)
        try:
            _write_holder(fd, command)
            yield
        finally:
            _held.discard(key)
            _clear(fd)
            _unlock(fd)
    finally:
        os.close(fd)


def _prepare(root: Path) -> Path:
    """``.yqctl/``, opened without following links: a shared repository may carry a committed
    ``.yqctl/lock`` that is a symlink to any file of the user's."""
    try:
        return private_dir(root) / LOCK_FILE
    except OSError as exc:
        raise YqError(f"无法创建 {root / LOCK_DIR}：{exc.strerror or exc}") from exc


def _timeout(explicit: float | None) -> float:
    if explicit is not None:
        return explicit
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also rejects nan
        raise YqError(f"环境变量 {TIMEOUT_ENV}={raw!r} 应为等待秒数（≥ 0 的数字）")
    return value


def _acquire(fd: int, path: Path, command: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pause = _FIRST_PAUSE
    while not _try_lock(fd):
        left = deadline - time.monotonic()
        if left <= 0:
            raise YqError(_busy_message(path, command, timeout))
        # polling rather than a blocking lock: the wait must end at the deadline, portably
        time.sleep(min(pause, left))
        pause = min(pause * 2, _LONGEST_PAUSE)


def _write_holder(fd: int, command: str) -> None:
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": f"yqctl {command}",
        # wall-clock time of the machine, for people; not a case time (those use --now)
        "since": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    data = json.dumps(holder, ensure_ascii=False).encode("utf-8")
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, data)


def _clear(fd: int) -> None:
    # while we still hold the lock: a waiter must never read our name once we are gone
    with contextlib.suppress(OSError):  # the name stays: the next holder overwrites it
        os.ftruncate(fd, 0)


def _busy_message(path: Path, command: str, timeout: float) -> str:
    holder = _read_holder(path)
    waited = f"已等待 {timeout:g} 秒" if timeout > 0 else "未等待"
    return (
        f"仓库正被另一个 yqctl 命令占用（{holder}），{waited}，本次 yqctl {command} 未做任何改动。"
        f"请等它结束后重试；若要等得更久，设置环境变量 {TIMEOUT_ENV}（秒）。"
        f"该命令若已不在运行，锁会自动释放，无需删除 {LOCK_DIR}/{LOCK_FILE}"
    )


def _read_holder(path: Path) -> str:
    """The holder as people read it; it may be between taking the lock and writing its name."""
    try:
        data = json.loads((read_local(path, 4096) or b"").decode("utf-8"))
        return (
            f"进程 {int(data['pid'])}，主机 {data['host']}，命令 {data['command']}，"
            f"开始于 {data['since']}"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return "占用者信息暂不可读"
