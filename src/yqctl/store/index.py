"""The case index: what every case file held when it was last read, so that a command on 10,000
cases does not parse 10,000 YAML files.

It lives in ``.yqctl/cache/cases.sqlite`` (``.yqctl/`` carries its own ``.gitignore``), is safe to
delete and is rebuilt transparently. An entry is trusted only while its file's size, mtime_ns,
ctime_ns and inode are what they were when it was read, and only if the file was already older
than the racy window then: a change in the same clock tick as our read would otherwise look
unchanged (git's "racily clean" problem), so such an entry is stored poisoned and read again
next time. What depends on the policy (``due``'s entries) is also keyed by a fingerprint of
``yq.yaml`` and ``policies/``. Any trouble with the cache itself (corrupt file, read-only disk,
a lock held too long) costs speed, never correctness: the files are read as without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yqctl.errors import Problem

CACHE_DIR = ".yqctl/cache"
DB_NAME = "cases.sqlite"
FORMAT = "2"  # bump when the table layout or the meaning of a column changes
RACY_NS = 2_000_000_000  # file times this close to the read are not trusted (FAT has 2-s times)
BUSY_MS = 2000  # wait this long for another yqctl writing the cache, then go on without it

StatKey = str  # "size:mtime_ns:ctime_ns:inode", one string so a whole table compares at C speed
POISONED: StatKey = "racy"  # matches no file: read again next time

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (  -- small rows: every command reads the path and stat columns
    path TEXT PRIMARY KEY,   -- relative to the repository root
    stat TEXT NOT NULL,      -- the StatKey the file had when it was read
    problems TEXT,           -- JSON [[path, line, col, message], ...] of an unreadable file
    context TEXT,            -- the policy fingerprint `due` was computed under
    due TEXT                 -- JSON of the case's DueEntry rows under `context`; NULL: none
);
CREATE TABLE IF NOT EXISTS bodies (  -- JSON of each valid case's parsed YAML, read when needed
    path TEXT PRIMARY KEY, data TEXT NOT NULL
);
"""


@dataclass
class Entry:
    """One case file as the index knows it (fresh: checked against the file's stat just now)."""

    path: str
    key: StatKey  # as stored: the file's stat when it was read (POISONED when racy)
    data: Any = None  # the parsed YAML of a valid case
    problems: list[Problem] = field(default_factory=list)
    case: Any = None  # the validated Case when it was read in this process (saves validating)
    due: list[Any] | None = None  # cached DueEntry rows, when computed under the current context


@dataclass
class Read:
    """What reading one file gave: the parsed data and validated case, or its problems."""

    data: Any = None
    case: Any = None
    problems: list[Problem] = field(default_factory=list)


class CaseIndex:
    """The index of one repository's case files."""

    def __init__(self, root: Path, cases_dir: str, code_fingerprint: str) -> None:
        self.root = root
        self.cases_dir = cases_dir
        self.code = code_fingerprint
        self.path = root / CACHE_DIR / DB_NAME
        self._db: sqlite3.Connection | None = None

    # --- reading ---------------------------------------------------------------------------

    def entries(self, read: Callable[[Path], Read], *, context: str | None = None) -> list[Entry]:
        """Every case file, sorted by path, each from the index when fresh, else read now (and
        remembered).

        With a ``context`` this is what ``due`` needs: an unreadable file's problems, and for
        each valid case its due entries as computed under that context (or its data, to compute
        them); a case with none under the context (a closed one) is left out altogether.
        """
        started = time.time_ns()
        on_disk = scan(self.root, self.cases_dir)
        stored = self._query("SELECT path, stat FROM files")
        known: dict[str, StatKey] = dict(stored)
        stale = [(path, key) for path, key in on_disk if known.get(path) != key]
        fresh = known.keys() & {path for path, _ in on_disk}
        fresh.difference_update(path for path, _ in stale)
        result = self._stored_entries(fresh, known, context)
        missing = [(e.path, known[e.path]) for e in result if e.data is _MISSING]
        result = [e for e in result if e.data is not _MISSING]
        updates: list[tuple[Any, ...]] = []
        bodies: list[tuple[str, str]] = []
        for path, key in stale + missing:  # missing: its data is not in the index: read again
            got = read(self.root / path)
            stored_key = POISONED if _racy(key, started) else key
            result.append(Entry(path, stored_key, got.data, got.problems, got.case))
            updates.append((path, stored_key, _problems_json(got.problems)))
            if not got.problems:
                bodies.append((path, json.dumps(got.data, ensure_ascii=False)))
        gone = known.keys() - {path for path, _ in on_disk}
        self._write(updates, bodies, gone)
        result.sort(key=lambda entry: entry.path)
        return result

    def store_due(self, context: str, rows: list[tuple[Entry, list[Any]]]) -> None:
        """Remember ``due``'s entries of these cases under ``context`` (only where the stored
        entry is still the version they were computed from)."""
        if not rows:
            return
        statements = [
            (context, json.dumps(due, ensure_ascii=False) if due else None, entry.path, entry.key)
            for entry, due in rows
        ]
        self._execute(
            "UPDATE files SET context = ?, due = ? WHERE path = ? AND stat = ?", statements
        )

    def _stored_entries(
        self, fresh: set[str], known: dict[str, StatKey], context: str | None
    ) -> list[Entry]:
        result: list[Entry] = []
        for path, problems in self._query(
            "SELECT path, problems FROM files WHERE problems IS NOT NULL"
        ):
            if path in fresh:
                rows = json.loads(problems)
                result.append(Entry(path, known[path], problems=[Problem(*p) for p in rows]))
        need_data: set[str] = set()
        if context is None:
            need_data = fresh - {e.path for e in result}
        else:
            for path, due in self._query(
                "SELECT path, due FROM files WHERE context = ? AND due IS NOT NULL", (context,)
            ):
                if path in fresh:
                    result.append(Entry(path, known[path], due=json.loads(due)))
            need_data = {
                path
                for (path,) in self._query(
                    "SELECT path FROM files WHERE problems IS NULL"
                    " AND (context IS NULL OR context != ?)",
                    (context,),
                )
                if path in fresh
            }
        return result + self._with_data(need_data, known, len(fresh))

    def _with_data(self, paths: set[str], known: dict[str, StatKey], total: int) -> list[Entry]:
        if not paths:
            return []
        if len(paths) * 4 > total:  # most of them: one pass over the table
            rows = self._query("SELECT path, data FROM bodies")
        else:
            rows = [
                (path, data)
                for path in sorted(paths)
                for (data,) in self._query("SELECT data FROM bodies WHERE path = ?", (path,))
            ]
        found = {
            path: Entry(path, known[path], json.loads(data)) for path, data in rows if path in paths
        }
        found.update({p: Entry(p, known[p], _MISSING) for p in paths - found.keys()})
        return list(found.values())

    # --- the database ------------------------------------------------------------------------

    def _query(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
        db = self._connect()
        if db is None:
            return []
        try:
            return db.execute(sql, parameters).fetchall()
        except sqlite3.Error:
            self._discard()
            return []

    def _write(
        self, updates: list[tuple[Any, ...]], bodies: list[tuple[str, str]], gone: set[str]
    ) -> None:
        if not updates and not gone:
            return
        self._execute(
            "INSERT OR REPLACE INTO files (path, stat, problems, context, due)"
            " VALUES (?, ?, ?, NULL, NULL)",
            updates,
            ("INSERT OR REPLACE INTO bodies (path, data) VALUES (?, ?)", bodies),
            ("DELETE FROM files WHERE path = ?", [(path,) for path in gone]),
            ("DELETE FROM bodies WHERE path = ?", [(path,) for path in gone]),
        )

    def _execute(
        self, sql: str, rows: list[tuple[Any, ...]], *more: tuple[str, list[tuple[Any, ...]]]
    ) -> None:
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.executemany(sql, rows)
                for other_sql, other_rows in more:
                    db.executemany(other_sql, other_rows)
        except sqlite3.OperationalError:
            pass  # busy or read-only: the next command reads these files again
        except sqlite3.Error:
            self._discard()

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        try:
            self._db = self._open()
        except (sqlite3.Error, OSError):
            self._discard()
            try:
                self._db = self._open()
            except (sqlite3.Error, OSError):
                return None  # no cache this time (read-only repository, full disk…)
        return self._db

    def _open(self) -> sqlite3.Connection:
        ensure_cache_dir(self.root)
        db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # a cache: losing the last write is fine
            db.executescript(_SCHEMA)
            wanted = {"format": FORMAT, "code": self.code}
            stored = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if any(stored.get(key) != value for key, value in wanted.items()):
                with db:  # another yqctl version wrote it: start again
                    db.execute("DELETE FROM files")
                    db.execute("DELETE FROM bodies")
                    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", wanted.items())
        except BaseException:
            db.close()
            raise
        return db

    def _discard(self) -> None:
        """Drop a cache that cannot be read; it is rebuilt from the case files."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


_MISSING = object()  # a stored case whose data is not in the index


def ensure_cache_dir(root: Path) -> Path:
    """``.yqctl/cache/`` with a ``.gitignore`` in ``.yqctl/`` so git never sees what is there."""
    folder = root / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder.parent / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(OSError):
            ignore.write_text("# yqctl 的本地缓存和锁，可随时删除；不进入 git\n*\n", "utf-8")
    return folder


def scan(root: Path, cases_dir: str) -> list[tuple[str, StatKey]]:
    """Every case file (see ``case_files``), sorted, with its stat key."""
    found = []
    for relative, entry in case_files(root, cases_dir):
        st = entry.stat(follow_symlinks=False)
        found.append((relative, f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"))
    found.sort()
    return found


def case_files(root: Path, cases_dir: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every ``<cases_dir>/**/*.yaml`` (hidden and temporary files skipped), unsorted, by its
    path relative to ``root``."""
    base = root / cases_dir
    if base.is_dir():
        yield from _walk_cases(str(base), cases_dir)


def _walk_cases(folder: str, relative: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from _walk_cases(entry.path, f"{relative}/{name}")
            elif name.endswith((".yaml", ".yml")):
                yield f"{relative}/{name}", entry


def _racy(key: StatKey, started_ns: int) -> bool:
    _size, mtime_ns, ctime_ns, _inode = key.split(":")
    return max(int(mtime_ns), int(ctime_ns)) >= started_ns - RACY_NS


def _problems_json(problems: list[Problem]) -> str | None:
    if not problems:
        return None
    return json.dumps([[p.path, p.line, p.col, p.message] for p in problems], ensure_ascii=False)


def code_fingerprint(version: str, package: Path) -> str:
    """yqctl's version plus the newest source time, so a development checkout never trusts an
    index written by other code."""
    newest = 0
    for folder, _dirs, files in _walk(package):
        for name in files:
            if name.endswith(".py"):
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime_ns)
    return f"{version}:{newest}"


def _walk(package: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    for folder, dirs, files in os.walk(package):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
        yield folder, dirs, files
