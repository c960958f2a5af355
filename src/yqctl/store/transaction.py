"""Changing the repository so that nothing is lost: lock, remember, write, commit — or roll back.

Every command that writes (``init``, ``new``, ``act``, ``grade``) does so inside ``writing()``:

1. it holds the repository lock (``store/lock.py``) from before it reads what it will change until
   after the commit, so two commands never interleave and none overwrites another's change;
2. before writing a file it ``track``\\ s it: the transaction remembers the file's exact bytes (or
   that it did not exist) and removes temporary files a killed writer left next to it;
3. each file is written atomically (``store/files.py``: temporary file, fsync, rename), so a reader
   or a crash sees the old or the new version, never a mixture;
4. ``commit`` commits exactly the tracked files.

**If the commit fails, the change is rolled back.** A ``pre-commit`` or ``commit-msg`` hook that
refuses it, ``.git/index.lock`` (or a ref's ``.lock``) left by another git process, any other git
error — and likewise an error or Ctrl-C before the commit: every tracked file gets its previous
bytes back (atomically; a file the command created is deleted) and the index entries of those paths
are put back as they were. Work tree, index and HEAD are then exactly as before the command, and the
error says what git said, that nothing was changed, and what to do. Rolling back rather than keeping
the written file keeps the audit trail whole: a case file that differs from its last commit is a
change nobody can see in ``yqctl history``. (With ``--no-commit`` the user asked for exactly that.)

If HEAD did move — the commit was made and only something after it failed — nothing is undone.

What no program can undo is being killed (SIGKILL, power loss) between the rename and the commit:
the new version is then on disk but not committed. Nothing is lost: ``yqctl check`` names the
uncommitted file, and the next command that writes the case commits it along with its own change.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from yqctl.errors import YqError
from yqctl.store.files import atomic_write, leftover_temps
from yqctl.store.git import Git, GitFailed
from yqctl.store.lock import repo_lock
from yqctl.store.yamlio import MAX_BYTES
from yqctl.textutil import first_line

_LOCK_RETRY_PAUSES = (0.05, 0.1, 0.2, 0.4)  # seconds
_MAX_DETAIL_LINES = 12
_MAX_DETAIL_CHARS = 1200


@dataclass
class Transaction:
    """The files one command changes, with their bytes from before it changed them."""

    root: Path
    before: dict[str, bytes | None] = field(default_factory=dict)  # None: did not exist
    unread: set[str] = field(default_factory=set)  # too large to be a case: never written
    committed: bool = False
    # each directory listed once: a stale temporary file is a minute old, so none appears while
    # one command runs, and `import` tracks hundreds of files in a directory of thousands
    listings: dict[Path, list[str]] = field(default_factory=dict)

    def track(self, relative: str) -> None:
        """Call before writing ``relative``: remembers what to restore should the commit fail."""
        path = self.root / relative
        for stale in leftover_temps(path, time.time(), self._listing(path.parent)):
            with contextlib.suppress(OSError):  # another command got there first
                stale.unlink()
        if relative in self.before or relative in self.unread:
            return
        with contextlib.suppress(OSError):
            if path.stat().st_size > MAX_BYTES:
                # too large for any yqctl reader: refused before it could be written, and
                # a copy must not be read into memory just in case
                self.unread.add(relative)
                return
        self.before[relative] = _read(path)

    def _listing(self, directory: Path) -> list[str]:
        if directory not in self.listings:
            try:
                self.listings[directory] = os.listdir(directory)
            except OSError:
                self.listings[directory] = []
        return self.listings[directory]

    def commit(self, message: str, *, author: str | None = None) -> str:
        """Commit exactly the tracked files; on failure roll back and say what to do."""
        git = Git(self.root)
        git.require_repo()
        paths = list(self.before)
        head = git.head()
        entries = git.index_entries(paths)
        try:
            sha = _commit(git, paths, message, author)
        except BaseException as exc:  # Ctrl-C too: git may or may not have committed
            if git.head() != head:
                self.committed = True  # the commit was made; only a later step failed: keep it
                raise
            undone = self.rollback(git, entries)
            if isinstance(exc, GitFailed):
                raise YqError(self._failure_message(git, exc, undone)) from None
            raise
        self.committed = True
        return sha

    def rollback(self, git: Git | None = None, entries: str | None = None) -> list[str]:
        """Restore every tracked file and, given the saved ``entries``, their index entries.

        Returns what could not be restored, for the message.
        """
        failed = []
        for relative, old in self.before.items():
            try:
                _restore(self.root / relative, old)
            except OSError as exc:
                failed.append(f"{relative}（{exc.strerror or exc}）")
        if git is not None and entries is not None:
            paths = list(self.before)
            try:
                if git.index_entries(paths) != entries:
                    git.restore_index(paths, entries)
            except GitFailed as exc:
                failed.append(
                    f"暂存区（{first_line(exc.stderr)}；可运行 git reset -q -- 这些文件）"
                )
        return failed

    def _failure_message(self, git: Git, exc: GitFailed, undone: list[str]) -> str:
        reason, advice = _explain(git, exc)
        lines = [f"git 提交失败：{reason}"]
        lines += ["  " + line for line in _trimmed(exc.stderr)]
        if undone:
            lines.append(f"已尝试撤销本次修改，但以下内容未能恢复：{'、'.join(undone)}；请手工检查")
        else:
            lines.append(
                f"本次修改已全部撤销（{self._restored()}），文件、暂存区和提交历史与运行命令前相同"
            )
        lines.append(f"处理：{advice}")
        return "\n".join(lines)

    def _restored(self) -> str:
        return "；".join(
            f"新建的 {relative} 已删除" if old is None else f"{relative} 已恢复原样"
            for relative, old in self.before.items()
        )


@contextmanager
def writing(root: Path, command: str) -> Iterator[Transaction]:
    """Hold the lock for one command's changes; roll them back if it fails before committing.

    ``command`` (like ``act YQ-…``) names the lock's holder to other users: no free text in it.
    """
    with repo_lock(root, command):
        change = Transaction(root)
        try:
            yield change
        except BaseException:
            if not change.committed:
                change.rollback()  # after a failed commit this finds nothing left to restore
            raise


def _commit(git: Git, paths: list[str], message: str, author: str | None) -> str:
    """``git.commit``, retried for a moment while a git lock file is in the way: an editor's or
    IDE's background ``git status`` holds ``.git/index.lock`` for a few milliseconds."""
    for pause in _LOCK_RETRY_PAUSES:
        try:
            return git.commit(paths, message, author=author)
        except GitFailed as exc:
            if _lock_file(exc.stderr) is None:
                raise
        time.sleep(pause)
    return git.commit(paths, message, author=author)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _restore(path: Path, old: bytes | None) -> None:
    if _read(path) == old:
        return
    if old is None:
        os.unlink(path)
    else:
        atomic_write(path, old)


def _explain(git: Git, exc: GitFailed) -> tuple[str, str]:
    """Why the commit failed, and what the user should do about it."""
    stale = _lock_file(exc.stderr)
    if stale is not None:
        shown = _relative_to(stale, git.root)
        return (
            f"{shown} 已存在（git 的锁文件）",
            f"另一个 git 进程正在运行；若没有，删除 {shown} 后重试",
        )
    hooks = git.commit_hooks()
    if hooks:
        names = "、".join(hooks)
        which = f"{names} 钩子" if len(hooks) == 1 else f"git 钩子（{names} 之一）"
        return (
            f"{which}拒绝了提交",
            "按钩子的要求修正后重试；或加 --no-commit 只写文件，之后自行 git commit",
        )
    return "git 报错", "按上面 git 的提示处理后重试；或加 --no-commit 只写文件，之后自行提交"


def _lock_file(stderr: str) -> str | None:
    # git: "Unable to create '/repo/.git/index.lock': File exists." (refs: '…/refs/heads/x.lock')
    marker = "Unable to create '"
    start = stderr.find(marker)
    if start < 0 or "File exists" not in stderr:
        return None
    start += len(marker)
    end = stderr.find("'", start)
    return stderr[start:end] if end > start else None


def _relative_to(path: str | Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _trimmed(stderr: str) -> list[str]:
    """Git's (or the hook's) own words, without git's long lock-file boilerplate."""
    text = stderr.split("\n\nAnother git process seems to be running")[0].strip()
    if len(text) > _MAX_DETAIL_CHARS:
        text = text[:_MAX_DETAIL_CHARS] + "…"
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    if len(lines) > _MAX_DETAIL_LINES:
        lines = [*lines[:_MAX_DETAIL_LINES], f"…（另有 {len(lines) - _MAX_DETAIL_LINES} 行）"]
    return lines
