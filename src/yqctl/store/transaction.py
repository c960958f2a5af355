"""Changing the repository so that nothing is lost: lock, remember, write, commit — or roll back.

Every command that writes (``init``, ``new``, ``act``, ``grade``…) does so inside ``writing()``:

1. it holds the repository lock (``store/lock.py``) from before it reads what it will change until
   after the commit, so two commands never interleave and none overwrites another's change; and,
   having the lock, first settles what a command killed earlier left half-done (``journal.py``);
2. before writing a file it ``track``\\ s it: the transaction remembers the file's exact bytes (or
   that it did not exist), in memory and in the journal on disk, and removes temporary files a
   killed writer left next to it;
3. each file is written atomically (``store/files.py``: temporary file, fsync, rename), so a reader
   or a crash sees the old or the new version, never a mixture;
4. ``commit`` commits exactly the tracked files.

**A command commits only its own change.** A tracked file that already differs from its last
commit — a hand edit, a ``--no-commit`` write, a file git has not seen — is refused before
anything is written, with how to see, keep or discard that change: committing it along with the
command's own change would put someone's edit in ``yqctl history`` under the command's message and
author. (With ``--no-commit`` nothing is committed under anyone's name, and such files are
written as asked.)

**If the commit fails, the change is rolled back.** A ``pre-commit`` or ``commit-msg`` hook that
refuses it, ``.git/index.lock`` (or a ref's ``.lock``) left by another git process, any other git
error — and likewise an error or Ctrl-C before the commit: every tracked file gets its previous
bytes back (atomically; a file the command created is deleted) and the index entries of those paths
are put back as they were. Work tree, index and HEAD are then exactly as before the command, and the
error says what git said, that nothing was changed, and what to do.

If HEAD did move — the commit was made and only something after it failed — nothing is undone.

**If the command is killed** (SIGKILL, power loss) before it could roll back, the journal it left
is found by the next command that takes the lock, or by the next reader while the lock is free:
the half-done change is undone (or, if its commit was made, simply acknowledged) and a notice says
so. A case file is never left written but uncommitted by a dead command.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from yqctl.errors import YqError
from yqctl.store.files import (
    atomic_write,
    inside,
    leftover_temps,
    read_or_none,
    restore,
    writes_observed,
)
from yqctl.store.git import Git, GitFailed, relative_to
from yqctl.store.gitview import blob_id
from yqctl.store.journal import Journal, recover
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
    command: str = ""  # as the lock names it (``act YQ-…``)
    foreign_ok: bool = False  # a file with uncommitted changes may be written (see `writing`)
    before: dict[str, bytes | None] = field(default_factory=dict)  # None: did not exist
    unread: set[str] = field(default_factory=set)  # too large to be a case: never written
    committed: bool = False
    # each directory listed once: a stale temporary file is a minute old, so none appears while
    # one command runs, and `import` tracks hundreds of files in a directory of thousands
    listings: dict[Path, list[str]] = field(default_factory=dict)
    journal: Journal | None = None
    announced: set[tuple[str, str]] = field(default_factory=set)  # (path, object id) journaled

    def track(self, relative: str) -> None:
        """Call before writing ``relative``: remembers what to restore should the commit fail."""
        self.track_all([relative])

    def track_all(self, relatives: Iterable[str]) -> None:
        """``track`` for many files at once (one journal entry, one ``git status``)."""
        found: dict[str, bytes | None] = {}
        for relative in relatives:
            path = self.root / relative
            for stale in leftover_temps(path, time.time(), self._listing(path.parent)):
                with contextlib.suppress(OSError):  # another command got there first
                    stale.unlink()
            if relative in self.before or relative in self.unread or relative in found:
                continue
            with contextlib.suppress(OSError):
                if path.stat().st_size > MAX_BYTES:
                    # too large for any yqctl reader: refused before it could be written, and
                    # a copy must not be read into memory just in case
                    self.unread.add(relative)
                    continue
            found[relative] = read_or_none(path)
        if not found:
            return
        if not self.foreign_ok:
            existing = [relative for relative, old in found.items() if old is not None]
            refuse_foreign_changes(self.root, existing, self.command)
        if self.journal is None:
            self.journal = Journal(self.root, self.command or "yqctl")
        self.journal.tracked(found.items())
        self.before.update(found)

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
        entries = None if git.many(paths) else git.index_entries(paths)
        if self.journal is not None:
            self.journal.committing(head, message, entries)
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
                restore(self.root / relative, old)
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

    def write_all(self, files: list[tuple[str, str]]) -> None:
        """Write many files at once (``import``): tracked and announced in one journal entry,
        then written without an fsync each — should the machine die before the commit, the
        journal has them removed again."""
        self.track_all(relative for relative, _ in files)
        data = [(relative, text.encode("utf-8")) for relative, text in files]
        if self.journal is not None:
            self.journal.writing(data)
            self.announced.update((relative, blob_id(raw)) for relative, raw in data)
        for relative, raw in data:
            atomic_write(inside(self.root, relative, what="案件路径"), raw, durable=False)

    def announce(self, path: Path, data: bytes) -> None:
        """Journal a write to a tracked file before it lands (``files.writes_observed``)."""
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            relative = relative_to(path, self.root)
        if self.journal is None or relative not in self.before:
            return
        if self.announced and (relative, blob_id(data)) in self.announced:
            return  # announced by write_all
        self.journal.writing([(relative, data)])

    def finish(self) -> None:
        """Done (committed, or written for the user to commit): the journal has served."""
        if self.journal is not None:
            self.journal.close()


@contextmanager
def writing(root: Path, command: str, *, foreign_ok: bool = False) -> Iterator[Transaction]:
    """Hold the lock for one command's changes; roll them back if it fails before committing.

    ``command`` (like ``act YQ-…``) names the lock's holder to other users: no free text in it.
    ``foreign_ok``: a file that already differs from its last commit may be written — with
    ``--no-commit`` (nothing is committed under anyone's name), and by ``init``, which makes the
    files already in the folder part of the first commit.
    """
    with repo_lock(root, command):
        unsettled = [r for r in recover(root) if r.failed]  # what killed commands left
        if unsettled:
            raise YqError(f"本次 yqctl {command} 未做任何改动：先处理上次中断留下的问题")
        change = Transaction(root, command, foreign_ok)
        try:
            with writes_observed(change.announce):
                yield change
        except BaseException:
            undone: list[str] = []
            if not change.committed:
                undone = change.rollback()  # after a failed commit this finds nothing left
            if not undone:
                change.finish()
            raise
        change.finish()


def refuse_foreign_changes(root: Path, paths: list[str], command: str) -> None:
    """Refuse to write files that differ from their last commit: this command would commit
    someone else's change under its own name. (No commit yet: a new repository's first files.)"""
    if not paths:
        return
    git = Git(root)
    found = git.changes(paths)
    if found is None or not found:
        return
    lines = [f"以下文件有不是本命令所做、尚未提交的修改，yqctl {command} 未做任何改动："]
    lines += [f"  {path}（{_STATES[state]}）" for path, state in found.items()]
    if "unmerged" in found.values():
        lines.append(f"git 正在合并中：{_MERGE_ADVICE}")
        raise YqError("\n".join(lines))
    lines.append(
        "yqctl 每次只提交它自己的改动：若一并提交，这些修改会以本命令的名义、"
        "记在执行者名下（yqctl history），而不是真正修改的人。请先处理它们再重试："
    )
    shown = " ".join(_quoted(path) for path in found)
    lines.append(f"  查看修改：git diff HEAD -- {shown}")
    lines.append(
        f'  保留修改：git add -- {shown} && git commit -m "说明修改的原因"（以您的名义提交）'
    )
    lines.append(f"  放弃修改：git restore --staged --worktree -- {shown}（新文件则直接删除）")
    raise YqError("\n".join(lines))


_MERGE_ADVICE = (
    "运行 yqctl sync 查看待决定的案件，用 yqctl resolve 编号 --keep 或 --delete 决定后重试"
)
_STATES = {
    "modified": "有未提交的修改",
    "staged": "有已暂存、未提交的修改",
    "untracked": "是 git 中没有的新文件",
    "unmerged": "处于未解决的 git 合并冲突中",
}


def _quoted(path: str) -> str:
    import shlex

    return shlex.quote(path)


def _commit(git: Git, paths: list[str], message: str, author: str | None) -> str:
    """``git.commit``, retried for a moment while a git lock file is in the way: an editor's or
    IDE's background ``git status`` holds ``.git/index.lock`` for a few milliseconds."""
    for pause in _LOCK_RETRY_PAUSES:
        try:
            return git.commit(paths, message, author=author)
        except GitFailed as exc:
            if exc.lock_file() is None:
                raise
        time.sleep(pause)
    return git.commit(paths, message, author=author)


def _explain(git: Git, exc: GitFailed) -> tuple[str, str]:
    """Why the commit failed, and what the user should do about it."""
    advice = exc.lock_advice(git.root)
    if advice is not None:
        return f"{relative_to(str(exc.lock_file()), git.root)} 已存在（git 的锁文件）", advice
    if "during a merge" in exc.stderr:  # sync paused on a case deleted on one side (parted.py)
        return (
            "git 正在合并中，合并完成前不能提交其他改动",
            _MERGE_ADVICE,
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


def _trimmed(stderr: str) -> list[str]:
    """Git's (or the hook's) own words, without git's long lock-file boilerplate."""
    text = stderr.split("\n\nAnother git process seems to be running")[0].strip()
    if len(text) > _MAX_DETAIL_CHARS:
        text = text[:_MAX_DETAIL_CHARS] + "…"
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    if len(lines) > _MAX_DETAIL_LINES:
        lines = [*lines[:_MAX_DETAIL_LINES], f"…（另有 {len(lines) - _MAX_DETAIL_LINES} 行）"]
    return lines
