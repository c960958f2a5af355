"""The write journal: what a command is changing, on disk before it changes it, so that a command
killed half-way (``kill -9``, a power cut, a closed laptop) is undone by the next one.

A transaction (:mod:`yqctl.store.transaction`) opens ``.yqctl/journal/<random>.jsonl`` under the
repository lock and appends to it, each record on disk (fsync) *before* what it announces happens:

1. a header: the command, its process and when it started;
2. each file it is about to change, with its bytes from before (or that it did not exist);
3. each write it is about to make, by the git object id of the bytes it will write;
4. just before ``git commit``: the commit HEAD points at, the message, and the index entries of
   those files.

It deletes the journal once the commit is made (or the change rolled back, or written for the
user to commit with ``--no-commit``). A journal still there when the next command takes the lock
belongs to a command that died: no live writer can hold it, since the lock is held from opening
the journal to deleting it. :func:`recover` then decides, file by file, from what is on disk now:

- as before the command: nothing to do;
- as the command wrote it (its announced object id), or — for a file it created — empty (a power
  cut after the rename, before the data reached the disk): given its bytes from before back (a
  file it created is deleted);
- as HEAD has it: the change is in the history (the command's commit was made, or someone
  committed it since): left alone;
- anything else: changed by someone since the command died: left alone, and said.

If it had reached ``git add`` and HEAD has not moved, the index entries of its files are put back
too. The repository is then exactly as before that command, and a re-run starts clean (``import``
finds no half-imported rows to skip as duplicates). A journal that cannot be settled (a git lock
left by a killed git, say) is kept, and a command that writes refuses to start until it is.

A last line cut off by the kill is ignored: what it announced had not happened yet (the action
waits for the line to be on disk). Journals stay local (``.yqctl/`` is never committed).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yqctl.errors import YqError
from yqctl.layout import LOCAL_DIR
from yqctl.store.files import inside, open_local, private_dir, read_or_none, restore
from yqctl.store.gitview import blob_id
from yqctl.textutil import first_line

if TYPE_CHECKING:
    from yqctl.store.git import Git

JOURNAL_DIR = "journal"  # in .yqctl/
SUFFIX = ".jsonl"
# Who hears what was recovered (the command line prints it to stderr); the store prints nothing.
listener: Callable[[str], None] | None = None


class Journal:
    """One transaction's journal, open for appending."""

    def __init__(self, root: Path, command: str) -> None:
        import secrets
        import socket

        folder = private_dir(root, JOURNAL_DIR)
        self.path = folder / f"{secrets.token_hex(8)}{SUFFIX}"
        self._fd: int | None = open_local(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        header = {
            "command": f"yqctl {command}",
            "pid": os.getpid(),
            "host": socket.gethostname(),
            # the machine's clock, for people reading the notice; not a case time
            "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        self._append([header])

    def tracked(self, files: Iterable[tuple[str, bytes | None]]) -> None:
        """Before changing these files: each with its bytes from before (None: did not exist)."""
        self._append([{"path": path, **_encoded(old)} for path, old in files])

    def writing(self, files: Iterable[tuple[str, bytes]]) -> None:
        """Before writing these bytes to these (tracked) files."""
        self._append([{"wrote": path, "oid": blob_id(data)} for path, data in files])

    def committing(self, head: str, message: str, index_entries: str | None) -> None:
        """Before ``git commit``: where HEAD was, the message, and how the index stood (None:
        the commit changes the real index only once it is made)."""
        self._append([{"head": head, "commit": message, "index": index_entries}])

    def close(self) -> None:
        """The change is committed, rolled back or handed to the user: nothing left to do."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    def _append(self, records: list[dict[str, Any]]) -> None:
        if self._fd is None or not records:
            return
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]
        os.fsync(self._fd)  # on disk before what it announces happens


def _encoded(old: bytes | None) -> dict[str, Any]:
    if old is None:
        return {"absent": True}
    try:
        return {"text": old.decode("utf-8")}
    except UnicodeDecodeError:
        import base64

        return {"base64": base64.b64encode(old).decode("ascii")}


def _decoded(record: dict[str, Any]) -> bytes | None:
    if record.get("absent"):
        return None
    if "text" in record:
        return str(record["text"]).encode("utf-8")
    import base64

    return base64.b64decode(str(record["base64"]))


@dataclass
class Unfinished:
    """What a dead command's journal says it was doing."""

    path: Path
    command: str = "yqctl"
    pid: int | None = None
    started: str = ""
    before: dict[str, bytes | None] = field(default_factory=dict)  # in the order tracked
    wrote: dict[str, set[str]] = field(default_factory=dict)  # object ids it wrote, by file
    head: str | None = None  # set once it reached `git commit`
    index: str | None = None  # the index entries to put back, if the commit could touch them

    @classmethod
    def read(cls, path: Path) -> Unfinished:
        found = cls(path)
        with path.open("rb") as handle:
            for number, line in enumerate(handle):
                try:
                    record = json.loads(line)
                except ValueError:
                    break  # cut off by the kill: what it announced had not happened
                found._take(record, first=number == 0)
        return found

    def _take(self, record: dict[str, Any], *, first: bool) -> None:
        if first:
            self.command = str(record.get("command", "yqctl"))
            self.pid = record.get("pid")
            self.started = str(record.get("started", ""))
        elif "path" in record:
            self.before.setdefault(str(record["path"]), _decoded(record))
        elif "wrote" in record:
            self.wrote.setdefault(str(record["wrote"]), set()).add(str(record["oid"]))
        elif "commit" in record:
            self.head = str(record.get("head", ""))
            self.index = record.get("index")

    def who(self) -> str:
        pid = f"，进程 {self.pid}" if self.pid else ""
        started = f"，开始于 {self.started}" if self.started else ""
        return f"{self.command}{pid}{started}"

    def written_by_it(self, relative: str, current: bytes) -> bool:
        """``current`` is what the command wrote (or, for a file it made, the empty file a power
        cut leaves when the rename reached the disk before the data)."""
        if blob_id(current) in self.wrote.get(relative, ()):
            return True
        return self.before.get(relative) is None and current == b""


@dataclass
class Recovery:
    """What was done about one dead command's journal, for the notice."""

    unfinished: Unfinished
    restored: list[str] = field(default_factory=list)  # given their bytes from before back
    in_history: list[str] = field(default_factory=list)  # changed, and committed as changed
    changed_since: list[str] = field(default_factory=list)  # someone else's change since: kept
    failed: list[str] = field(default_factory=list)  # could not be restored: journal kept
    index_restored: bool = False  # the index entries it had staged were put back

    def notice(self) -> str:
        who = f"发现上次中断的 {self.unfinished.who()}："
        parts = []
        if self.restored:
            parts.append(
                f"已撤销它未完成的改动，{len(self.restored)} 个文件恢复到该命令之前的状态"
                f"（{_listed(self.restored)}）"
            )
        if self.index_restored and not self.restored:
            parts.append("已把它暂存的内容从暂存区撤下")
        if self.in_history:
            parts.append(f"{len(self.in_history)} 个文件的改动已提交（{_listed(self.in_history)}）")
        if self.changed_since:
            parts.append(
                f"{_listed(self.changed_since)} 在它中断后又被改动，未作处理："
                "请用 git diff 查看并自行提交或放弃"
            )
        if self.failed:
            parts.append(
                f"以下未能恢复：{'、'.join(self.failed)}；处理后再运行 yqctl 命令即可继续恢复"
                f"（日志：{LOCAL_DIR}/{JOURNAL_DIR}/{self.unfinished.path.name}）"
            )
        return who + ("；".join(parts) if parts else "它尚未改动任何文件，无需处理")


def _listed(paths: list[str], shown: int = 3) -> str:
    more = f" 等 {len(paths)} 个" if len(paths) > shown else ""
    return "、".join(paths[:shown]) + more


def pending(root: Path) -> list[Path]:
    """The journals left in this clone, oldest first (an ``os.listdir``: cheap when none)."""
    folder = root / LOCAL_DIR / JOURNAL_DIR
    try:
        names = [n for n in os.listdir(folder) if n.endswith(SUFFIX)]
    except OSError:
        return []
    if folder.is_symlink() or folder.parent.is_symlink():
        return []  # never read through a link (`check` names it)
    paths = [folder / name for name in names if not (folder / name).is_symlink()]
    return sorted(paths, key=_mtime)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def recover(root: Path) -> list[Recovery]:
    """Settle every dead command's journal (the caller holds the repository lock); a journal
    that could not be settled is kept for the next command."""
    done = []
    for path in pending(root):
        try:
            unfinished = Unfinished.read(path)
        except OSError:
            continue
        recovery = _settle(root, unfinished)
        if not recovery.failed:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        if listener is not None:
            listener(recovery.notice())
        done.append(recovery)
    return done


def _settle(root: Path, unfinished: Unfinished) -> Recovery:
    recovery = Recovery(unfinished)
    git = _git(root)
    committed = _in_head(git, list(unfinished.before)) if git is not None else {}
    for relative, old in unfinished.before.items():
        try:
            path = inside(root, relative, what="日志中的路径")
            current = read_or_none(path)
            if current == old:
                continue
            if relative in committed and committed[relative] == _oid(current):
                recovery.in_history.append(relative)
            elif current is not None and unfinished.written_by_it(relative, current):
                restore(path, old)
                recovery.restored.append(relative)
            else:
                recovery.changed_since.append(relative)
        except (OSError, YqError) as exc:
            recovery.failed.append(f"{relative}（{getattr(exc, 'strerror', None) or exc}）")
    if git is not None and unfinished.head is not None and not recovery.changed_since:
        _restore_index(git, unfinished, recovery)
    if git is not None and recovery.in_history:
        _stage(git, recovery)
    return recovery


def _stage(git: Git, recovery: Recovery) -> None:
    """A commit made through an index of its own stages its files in the real index after the
    commit: killed in between, they are committed but not staged. Stage them as committed."""
    from yqctl.store.git import GitFailed

    listed = "".join(f"{path}\0" for path in recovery.in_history)
    try:
        git.run("update-index", "--add", "--remove", "-z", "--stdin", stdin=listed)
    except GitFailed as exc:
        recovery.failed.append(f"暂存区（{exc.lock_advice(git.root) or first_line(exc.stderr)}）")


def _restore_index(git: Git, unfinished: Unfinished, recovery: Recovery) -> None:
    """It had reached ``git add``: put back the index entries of its files, unless a commit was
    made since (then the index belongs to that commit)."""
    from yqctl.store.git import GitFailed

    paths = list(unfinished.before)
    if unfinished.index is None:
        return
    try:
        if git.head() != unfinished.head:
            return
        if git.index_entries(paths) != unfinished.index:
            git.restore_index(paths, unfinished.index)
            recovery.index_restored = True
    except GitFailed as exc:
        recovery.failed.append(f"暂存区（{exc.lock_advice(git.root) or first_line(exc.stderr)}）")


def _git(root: Path) -> Git | None:
    from yqctl.store.git import Git

    try:
        git = Git(root)
    except YqError:
        return None
    return git if git.is_repo() else None


def _in_head(git: Git, paths: list[str]) -> dict[str, str | None]:
    """The object id HEAD holds at each of ``paths`` (None: not in HEAD), by their folders."""
    folders = sorted({os.path.dirname(path) or "." for path in paths})
    found: dict[str, str | None] = dict.fromkeys(paths)
    # paths relative to the current folder (the case repository), which git runs in
    out = git.run("--literal-pathspecs", "ls-tree", "-r", "-z", "HEAD", "--", *folders, check=False)
    for record in out.split("\0"):
        meta, _, name = record.partition("\t")
        if name in found and len(meta.split()) == 3:
            found[name] = meta.split()[2]
    return found


def _oid(data: bytes | None) -> str | None:
    return None if data is None else blob_id(data)


def recover_if_any(root: Path) -> None:
    """For a command that does not write: settle dead commands' journals if the lock is free
    right now (a held lock means a write in progress, whose journal is alive)."""
    if not pending(root):
        return
    from yqctl.store.lock import repo_lock

    # a writer at work holds the lock: it settles them when it starts
    with contextlib.suppress(YqError), repo_lock(root, "recover", timeout=0):
        recover(root)
