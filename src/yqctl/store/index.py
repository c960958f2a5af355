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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from yqctl.errors import Problem
from yqctl.layout import LOCAL_DIR
from yqctl.store.files import LinkRefused, private_dir
from yqctl.store.gitproc import Running, dirty_check, staged_args
from yqctl.store.gitview import Staged, index_file, paths
from yqctl.store.parallel import map_shared

CACHE_DIR = f"{LOCAL_DIR}/cache"
DB_NAME = "cases.sqlite"
FORMAT = "7"  # bump when the table layout or the meaning of a column changes
RACY_NS = 2_000_000_000  # file times this close to the read are not trusted (FAT has 2-s times)
_DB_SUFFIXES = ("", "-wal", "-shm", "-journal")  # the database and SQLite's files beside it
BUSY_MS = 2000  # wait this long for another yqctl writing the cache, then go on without it

# "size:mtime_ns:ctime_ns:inode", one string so a whole table compares at C speed; or, for a file
# git vouches for, "oid:<object id>" of the bytes that were read
StatKey = str
POISONED: StatKey = "racy"  # matches no file: read again next time
OID_PREFIX = "oid:"
LISTING = "listing"  # meta: the fingerprint of git's staged listing at the last full pass
TREE = "tree"  # meta: git's index file and the case folders as the last listing pass saw them
# A column kept with each valid case that a command can take instead of the case's data: the
# listing summary (written whenever the case is read), the report facets (written by reports)
Column = Literal["summary", "facets"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (  -- small rows: every command reads the path and stat columns
    path TEXT PRIMARY KEY,   -- relative to the repository root
    stat TEXT NOT NULL,      -- the StatKey the file had when it was read
    problems TEXT,           -- JSON [[path, line, col, message], ...] of an unreadable file
    summary TEXT,            -- JSON of a valid case's listing summary (what `list` shows)
    facets TEXT,             -- JSON [policy fingerprint, what decides which reports use it]
    context TEXT,            -- the policy fingerprint `due` was computed under
    due TEXT,                -- JSON of the case's unmet DueEntry rows under `context`; NULL: none
    met TEXT                 -- and of its met ones (only `due --all` shows them)
);
CREATE TABLE IF NOT EXISTS bodies (  -- JSON of each valid case's parsed YAML, read when needed
    path TEXT PRIMARY KEY, data TEXT NOT NULL
);
-- so that a warm `due` reads the few rows it needs, not 100,000
CREATE INDEX IF NOT EXISTS files_problems ON files (path) WHERE problems IS NOT NULL;
CREATE INDEX IF NOT EXISTS files_stat_keyed ON files (path) WHERE stat NOT LIKE 'oid:%';
CREATE INDEX IF NOT EXISTS files_context ON files (context);
CREATE INDEX IF NOT EXISTS files_due ON files (context) WHERE due IS NOT NULL;
"""
_DROP = "DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS bodies; DROP TABLE IF EXISTS meta;"


@dataclass
class Entry:
    """One case file as the index knows it (fresh: checked against the file's stat just now)."""

    path: str
    key: StatKey  # as stored: the file's stat when it was read (POISONED when racy)
    data: Any = None  # the parsed YAML of a valid case
    problems: list[Problem] = field(default_factory=list)
    case: Any = None  # the validated Case when it was read in this process (saves validating)
    due: list[Any] | None = None  # cached DueEntry rows, when computed under the current context
    stored: str | None = None  # the value of the column asked for (then no data), if any


@dataclass
class Read:
    """What reading one file gave: the parsed data and validated case, or its problems."""

    data: Any = None
    case: Any = None
    problems: list[Problem] = field(default_factory=list)
    oid: str | None = None  # the git object id of the bytes read (see gitview.blob_id)
    summary: str | None = None  # the case's listing summary as JSON (stored with the entry)
    key: StatKey = POISONED  # the key of the index entry made from it
    text: str | None = None  # the data as JSON, when it came as such from a helper process


def _as_is(row: Any) -> Any:
    return row


@dataclass
class Guess:
    """A caller's answer made from the stored rows while git is still checking the files (at
    100,000 files that check is most of a warm ``due``): ``make`` gets every stored row as if all
    were fresh; ``held`` then says whether they all were and nothing else is to be added. If not,
    the caller discards ``value`` and works from the entries as usual."""

    make: Callable[[list[Any]], Any]
    value: Any = None
    held: bool = False


def _pack(got: Read | None) -> tuple[Any, ...] | None:
    """What a helper process sends back: the data as JSON (quicker to send than to pickle, and
    what the index stores anyway), not the validated case (this process validates it again only
    if it needs it)."""
    if got is None:
        return None
    text = None if got.problems else json.dumps(got.data, ensure_ascii=False)
    return (got.key, text, got.problems, got.oid, got.summary)


def _unpack(packed: tuple[Any, ...] | None) -> Read | None:
    if packed is None:
        return None
    key, text, problems, oid, summary = packed
    data = None if text is None else json.loads(text)
    return Read(data, None, problems, oid, summary, key, text)


class CaseIndex:
    """The index of one repository's case files."""

    def __init__(
        self, root: Path, cases_dir: str, code_fingerprint: str, *, use_git: bool = True
    ) -> None:
        self.root = root
        self.cases_dir = cases_dir
        self.code = code_fingerprint
        self.use_git = use_git
        self.path = root / CACHE_DIR / DB_NAME
        self._db: sqlite3.Connection | None = None

    # --- reading ---------------------------------------------------------------------------

    def entries(
        self,
        read: Callable[[Path], Read],
        *,
        context: str | None = None,
        met: bool = False,
        decode: Callable[[Any], Any] = _as_is,
        column: Column | None = None,
        guess: Guess | None = None,
    ) -> list[Entry]:
        """Every case file, sorted by path, each from the index when fresh, else read now (and
        remembered).

        With a ``context`` this is what ``due`` needs: an unreadable file's problems, and for
        each valid case its unmet due entries (and with ``met`` its met ones too) as computed
        under that context, or its data to compute them; a case with none (a closed one) is
        left out altogether. Each stored due row is passed through ``decode`` while git is
        still looking at the files. With a ``column`` (and no ``context``) a valid case's
        entry carries that column's value (None if none is stored) instead of its data, unless
        the file was read just now (:meth:`with_data` fetches the data of the others).
        """
        started = time.time_ns()
        finish = self._start_disk(started)
        stored = self._stored_rows(context, met, decode, column)  # while git looks
        if guess is not None:
            guess.value = guess.make([row for _, _, rows in stored.due for row in rows])
        disk = finish()
        result = self._fresh_entries(disk, stored)
        missing = [e for e in result if e.data is _MISSING]  # its data is not in the index
        result = [e for e in result if e.data is not _MISSING]
        updates: list[tuple[Any, ...]] = []
        bodies: list[tuple[str, str]] = []
        stale = sorted(disk.stale() | {e.path for e in missing})
        if guess is not None:  # every stored row fresh, and no other entry: the guess was right
            only_due = all(entry.due is not None for entry in result)
            guess.held = not stale and only_due and len(result) == len(stored.due)
        fresh = map_shared(
            lambda path: self._read(read, path, disk, started), stale, pack=_pack, unpack=_unpack
        )
        for path, got in zip(stale, fresh, strict=True):
            if got is None:
                disk.gone.add(path)
                continue
            value = got.summary if column == "summary" else None
            result.append(Entry(path, got.key, got.data, got.problems, got.case, stored=value))
            updates.append((path, got.key, _problems_json(got.problems), got.summary))
            if not got.problems:
                bodies.append((path, got.text or json.dumps(got.data, ensure_ascii=False)))
        gone = disk.gone if disk.vouched else (disk.stored.keys() - disk.keys.keys()) | disk.gone
        self._write(updates, bodies, gone, disk.meta)
        result.sort(key=lambda entry: entry.path)
        return result

    def with_data(self, entries: list[Entry], read: Callable[[Path], Read]) -> list[Entry]:
        """These entries (from ``entries(column=…)``) with their data: from the index, or
        read again if the index lost it meanwhile."""
        found = {e.path: e for e in self._with_data({e.path: e.key for e in entries})}
        result = []
        for entry in entries:
            stored = found[entry.path]
            if stored.data is _MISSING:
                got = read(self.root / entry.path)
                stored = Entry(entry.path, entry.key, got.data, got.problems, got.case)
            result.append(stored)
        return result

    def store_facets(self, rows: list[tuple[Entry, str]]) -> None:
        """Remember each case's facets (only where the entry is still the version read)."""
        if rows:
            self._execute(
                "UPDATE files SET facets = ? WHERE path = ? AND stat = ?",
                [(facets, entry.path, entry.key) for entry, facets in rows],
            )

    def _read(
        self, read: Callable[[Path], Read], path: str, disk: Disk, started: int
    ) -> Read | None:
        """One file read now, with the key its index entry gets; None if it is gone."""
        try:
            st = os.lstat(self.root / path)  # before reading: a later change shows
        except OSError:
            return None
        got = read(self.root / path)
        key = disk.keys.get(path)
        if got.oid and key == OID_PREFIX + got.oid:  # vouched for by git
            got.key = key
        else:
            got.key = stat_key(st)
            got.key = POISONED if _racy(got.key, started) else got.key
        return got

    def store_due(self, context: str, rows: list[tuple[Entry, list[Any], list[Any]]]) -> None:
        """Remember ``due``'s unmet and met entries of these cases under ``context`` (only where
        the stored entry is still the version they were computed from)."""
        if not rows:
            return
        statements = [
            (context, _json_or_null(due), _json_or_null(met), entry.path, entry.key)
            for entry, due, met in rows
        ]
        self._execute(
            "UPDATE files SET context = ?, due = ?, met = ? WHERE path = ? AND stat = ?",
            statements,
        )

    def _start_disk(self, started_ns: int) -> Callable[[], Disk]:
        """Start finding the keys the case files have now (git runs while the caller queries
        the index); the function returned finishes."""
        if not self.use_git:
            return self._scanned
        dirty = dirty_check(self.root, self.cases_dir)  # needed either way: start it first
        index_key = _lstat_key(index_file(self.root))
        tree = Tree.load(self.recall(TREE))
        if tree and tree.holds(self.root, index_key, self.recall(LISTING)):
            stat_keyed = self._stored_keys(_STAT_KEYED)
            return lambda: self._checked(dirty, stat_keyed)
        staged = Running(self.root, {"staged": staged_args(self.cases_dir)})
        folders: dict[str, StatKey] = {}
        files = [path for path, _ in case_files(self.root, self.cases_dir, folders)]
        tree = Tree(index_key, folders, "")
        return lambda: self._listed(dirty, staged, files, tree, started_ns)

    def _scanned(self) -> Disk:
        """Without git: every file by its stat."""
        return Disk(dict(scan(self.root, self.cases_dir)), self._stored_keys())

    def _checked(self, dirty: Running, stat_keyed: dict[str, StatKey]) -> Disk:
        """Nothing was added to or removed from git's index or the case folders since the last
        listing pass: only the files ``diff-files`` names, and those stored by their stat."""
        out = dirty.outputs()
        if out is None:
            return self._scanned()
        return self._vouched({p for p in paths(out["dirty"]) if is_case_path(p)}, stat_keyed)

    def _listed(
        self, dirty: Running, staged: Running, files: list[str], tree: Tree, started_ns: int
    ) -> Disk:
        """A pass with git's staged listing and our own walk of the folders (``files``)."""
        changed, listed = dirty.outputs(), staged.outputs()
        if changed is None or listed is None:
            return self._scanned()
        staged_now = Staged(listed["staged"])
        checked = staged_now.oids()
        named = {p for p in paths(changed["dirty"]) if is_case_path(p)}
        # git can't vouch for these (nor for a symlink: git lists the link, not a case)
        others = named.union(p for p in files if p not in checked or not is_case_path(p))
        tree.listing = staged_now.fingerprint()
        meta = [(TREE, tree.dump() if tree.trusted(started_ns) else "")]
        if self.recall(LISTING) == tree.listing:  # the staged files are as at the last full pass
            disk = self._vouched(others, self._stored_keys(_STAT_KEYED))
            disk.meta = meta
            return disk
        keys = {
            path: OID_PREFIX + oid
            for path, oid in checked.items()
            if path not in named and is_case_path(path)
        }
        keys.update(_stat_keys(self.root, others))
        return Disk(keys, self._stored_keys(), meta=[(LISTING, tree.listing), *meta])

    def _vouched(self, others: set[str], stat_keyed: dict[str, StatKey]) -> Disk:
        keys = _stat_keys(self.root, {*others, *stat_keyed})
        gone = {p for p in (*others, *stat_keyed) if p not in keys}  # deleted since
        return Disk(keys, stat_keyed, gone, vouched=True)

    def _stored_keys(self, where: str = "") -> dict[str, StatKey]:
        return dict(self._query(f"SELECT path, stat FROM files {where}"))

    def _stored_rows(
        self,
        context: str | None,
        met: bool,
        decode: Callable[[Any], Any],
        column: Column | None,
    ) -> _Stored:
        """What the index holds for this command, before knowing which of it is fresh."""
        stored = _Stored(
            self._query("SELECT path, stat, problems FROM files WHERE problems IS NOT NULL")
        )
        if context is None and column is not None:
            sql = f"SELECT path, stat, {_COLUMNS[column]} FROM files WHERE problems IS NULL"
            stored.column = self._query(sql)
            return stored
        if context is None:
            stored.need_data = self._query("SELECT path, stat FROM files WHERE problems IS NULL")
            return stored
        sql = "SELECT path, stat, due, NULL FROM files WHERE context = ? AND due IS NOT NULL"
        if met:
            sql = (
                "SELECT path, stat, due, met FROM files"
                " WHERE context = ? AND (due IS NOT NULL OR met IS NOT NULL)"
            )
        stored.due = [
            (
                path,
                key,
                [decode(row) for row in _json_rows(due) + _json_rows(more)],
            )
            for path, key, due, more in self._query(sql, (context,))
        ]
        stored.need_data = self._query(  # `<` and `>`, not `!=`: so that the index serves
            "SELECT path, stat FROM files WHERE problems IS NULL"
            " AND (context IS NULL OR context < ? OR context > ?)",
            (context, context),
        )
        return stored

    def _fresh_entries(self, disk: Disk, stored: _Stored) -> list[Entry]:
        result = [
            Entry(path, key, problems=[Problem(*p) for p in json.loads(problems)])
            for path, key, problems in stored.problems
            if disk.fresh(path, key)
        ]
        for path, key, rows in stored.due:
            if disk.fresh(path, key):
                result.append(Entry(path, key, due=rows))
        for path, key, value in stored.column:
            if disk.fresh(path, key):
                result.append(Entry(path, key, stored=value))
        fresh = {path: key for path, key in stored.need_data if disk.fresh(path, key)}
        return result + self._with_data(fresh)

    def _with_data(self, keys: dict[str, StatKey]) -> list[Entry]:
        if not keys:
            return []
        total = self._query("SELECT count(*) FROM bodies")
        if len(keys) * 4 > (total[0][0] if total else 0):  # most of them: one pass over the table
            rows = self._query("SELECT path, data FROM bodies")
        else:
            rows = [
                (path, data)
                for path in sorted(keys)
                for (data,) in self._query("SELECT data FROM bodies WHERE path = ?", (path,))
            ]
        found = {
            path: Entry(path, keys[path], json.loads(data)) for path, data in rows if path in keys
        }
        found.update({p: Entry(p, keys[p], _MISSING) for p in keys.keys() - found.keys()})
        return list(found.values())

    def recall(self, key: str) -> str | None:
        """A value remembered with :meth:`remember` (None if not, or no cache)."""
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def remember(self, key: str, value: str) -> None:
        """Keep ``value`` under ``key`` (whose name says what it depends on) until the code
        changes; older values of the same kind (the part before ":") are dropped."""
        kind = key.partition(":")[0]
        self._execute(
            "DELETE FROM meta WHERE key LIKE ? ESCAPE '!'",
            [(kind.replace("!", "!!").replace("%", "!%").replace("_", "!_") + ":%",)],
            ("INSERT INTO meta VALUES (?, ?)", [(key, value)]),
        )

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
        self,
        updates: list[tuple[Any, ...]],
        bodies: list[tuple[str, str]],
        gone: set[str],
        meta: list[tuple[str, str]],
    ) -> None:
        if not updates and not gone and not meta:
            return
        self._execute(
            "INSERT OR REPLACE INTO files"
            " (path, stat, problems, summary, context, due, met, facets)"
            " VALUES (?, ?, ?, ?, NULL, NULL, NULL, NULL)",
            updates,
            ("INSERT OR REPLACE INTO bodies (path, data) VALUES (?, ?)", bodies),
            ("DELETE FROM files WHERE path = ?", [(path,) for path in gone]),
            ("DELETE FROM bodies WHERE path = ?", [(path,) for path in gone]),
            ("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta),  # in the same transaction
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
        except sqlite3.Error as error:
            primary = "_".join(getattr(error, "sqlite_errorname", "").split("_")[:2])
            if primary not in _PASSING:  # e.g. SQLITE_BUSY_RECOVERY is a SQLITE_BUSY
                self._discard()  # a cache that refuses its own rows is rebuilt, not kept

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        try:
            self._db = self._open()
        except LinkRefused:
            return None  # a committed symlink in .yqctl: no cache (`check` names the link)
        except (sqlite3.Error, OSError):
            self._discard()
            try:
                self._db = self._open()
            except (sqlite3.Error, OSError):
                return None  # no cache this time (read-only repository, full disk…)
        return self._db

    def _open(self) -> sqlite3.Connection:
        ensure_cache_dir(self.root)
        for suffix in _DB_SUFFIXES:  # sqlite would follow a link to any file of the user's
            if os.path.islink(f"{self.path}{suffix}"):
                raise LinkRefused(f"{CACHE_DIR}/{DB_NAME}{suffix} 是符号链接")
        db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # a cache: losing the last write is fine
            wanted = {"format": FORMAT, "code": self.code}
            if _meta(db) != wanted:
                # Another yqctl version wrote it: start again from new tables, since an older
                # format's tables would refuse (or misread) this version's rows.
                db.executescript(f"BEGIN IMMEDIATE; {_DROP} {_SCHEMA}")  # one transaction
                with db:
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
        for suffix in _DB_SUFFIXES:
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


_MISSING = object()  # a stored case whose data is not in the index
# Write failures that say nothing about the cache itself: the next command reads these files
# again and writes then. Any other failure (a malformed file, a table of the wrong shape) drops it.
_PASSING = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_FULL"})


def _meta(db: sqlite3.Connection) -> dict[str, str]:
    """The format and code marks of an index (empty for a new or foreign file)."""
    try:
        rows = db.execute("SELECT key, value FROM meta WHERE key IN ('format', 'code')")
        return dict(rows.fetchall())
    except sqlite3.OperationalError:
        return {}  # no meta table yet


_STAT_KEYED = "WHERE stat NOT LIKE 'oid:%'"  # the entries git cannot vouch for
_COLUMNS: dict[str, str] = {"summary": "summary", "facets": "facets"}  # never SQL from a caller


@dataclass
class _Stored:
    problems: list[Any]  # (path, stat, problems JSON) of unreadable files
    due: list[Any] = field(default_factory=list)  # (path, stat, decoded due and met rows)
    need_data: list[Any] = field(default_factory=list)  # (path, stat) of cases to compute
    column: list[Any] = field(default_factory=list)  # (path, stat, the column's value or None)


@dataclass
class Tree:
    """What a listing pass saw: the stat of git's index file and of every folder under the
    cases folder, each taken before it was read, and the fingerprint of git's staged listing.

    While the index file and every folder have the stat remembered, no path was staged,
    unstaged, added or removed since (a new file changes its folder's mtime; git replaces its
    index file, so its inode changes), and only ``diff-files`` needs to run. Stats younger than
    the racy window are not remembered: a change in the same tick could keep them.
    """

    index: StatKey | None
    folders: dict[str, StatKey]
    listing: str

    def dump(self) -> str:
        return json.dumps([self.index, self.folders, self.listing])

    @classmethod
    def load(cls, text: str | None) -> Tree | None:
        try:
            index, folders, listing = json.loads(text or "null")
        except (TypeError, ValueError):
            return None
        return cls(index, folders, listing)

    def trusted(self, started_ns: int) -> bool:
        """Worth remembering: git has an index file, the cases folder exists (else a folder
        made later would go unseen), and no stat is racy."""
        keys = [self.index, *self.folders.values()]
        return bool(self.folders) and all(k is not None and not _racy(k, started_ns) for k in keys)

    def holds(self, root: Path, index_key: StatKey | None, listing: str | None) -> bool:
        """The index file, the folders and the index's entries are still as remembered."""
        if index_key is None or index_key != self.index or listing != self.listing:
            return False
        return _stat_keys(root, self.folders) == self.folders


@dataclass
class Disk:
    """The case files as they are now, by the key a fresh index entry has.

    Without git (or when git's staged listing changed since the last full pass) ``keys`` names
    every case file. When git vouches (``vouched``: the staged listing is as it was then), it
    names only the files git cannot vouch for (changed, untracked, or stored by their stat);
    every other stored entry keyed by an object id is fresh, unless its path is in ``gone``.
    """

    keys: dict[str, StatKey]
    stored: dict[str, StatKey]  # the index's keys: of every path, or (vouched) of the stat-keyed
    gone: set[str] = field(default_factory=set)
    vouched: bool = False
    meta: list[tuple[str, str]] = field(default_factory=list)  # to remember with the entries

    def fresh(self, path: str, stored: StatKey) -> bool:
        key = self.keys.get(path)
        if key is not None:
            return key == stored
        return self.vouched and path not in self.gone and stored.startswith(OID_PREFIX)

    def stale(self) -> set[str]:
        """The paths to read again: new, or not as stored."""
        return {path for path, key in self.keys.items() if self.stored.get(path) != key}


def ensure_cache_dir(root: Path) -> Path:
    """``.yqctl/cache/``, a real directory (``LinkRefused`` if a link is in the way)."""
    return private_dir(root, CACHE_DIR.removeprefix(f"{LOCAL_DIR}/"))


def scan(root: Path, cases_dir: str) -> list[tuple[str, StatKey]]:
    """Every case file (see ``case_files``), sorted, with its stat key."""
    found = [
        (relative, stat_key(entry.stat(follow_symlinks=False)))
        for relative, entry in case_files(root, cases_dir)
    ]
    found.sort()
    return found


def stat_key(st: os.stat_result) -> StatKey:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _stat_keys(root: Path, paths: Iterable[str]) -> dict[str, StatKey]:
    """The stat keys of those of ``paths`` that are there (as regular files or symlinks)."""
    keys: dict[str, StatKey] = {}
    for path in paths:
        with contextlib.suppress(OSError):
            keys[path] = stat_key(os.lstat(root / path))
    return keys


def is_case_path(relative: str) -> bool:
    """What ``case_files`` walks to: ``*.yaml``/``*.yml``, no hidden part (``.git``, temp files)."""
    return relative.endswith((".yaml", ".yml")) and not any(
        part.startswith(".") for part in relative.split("/")
    )


def case_files(
    root: Path, cases_dir: str, folders: dict[str, StatKey] | None = None
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every ``<cases_dir>/**/*.yaml`` (hidden and temporary files skipped), unsorted, by its
    path relative to ``root``; with each folder's stat key (taken before listing it) put in
    ``folders`` when given.

    A symlink is never followed: each one (to a folder, to a case, the cases folder itself) is
    listed as it is, whatever its name, so that every reader names it as a problem instead of
    silently leaving out the cases a linked folder would hold."""
    base = root / cases_dir
    if base.is_symlink():
        with os.scandir(root) as entries:
            yield from ((cases_dir, e) for e in entries if e.name == cases_dir)
    elif base.is_dir():
        yield from _walk_cases(str(base), cases_dir, folders)


def _walk_cases(
    folder: str, relative: str, folders: dict[str, StatKey] | None
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    if folders is not None:
        folders[relative] = stat_key(os.lstat(folder))  # before listing: a later change shows
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_symlink():
                yield f"{relative}/{name}", entry
            elif entry.is_dir(follow_symlinks=False):
                yield from _walk_cases(entry.path, f"{relative}/{name}", folders)
            elif name.endswith((".yaml", ".yml")):
                yield f"{relative}/{name}", entry


def _lstat_key(path: Path | None) -> StatKey | None:
    if path is None:
        return None
    try:
        return stat_key(os.lstat(path))
    except OSError:
        return None


def _racy(key: StatKey, started_ns: int) -> bool:
    _size, mtime_ns, ctime_ns, _inode = key.split(":")
    return max(int(mtime_ns), int(ctime_ns)) >= started_ns - RACY_NS


def _json_rows(text: str | None) -> list[Any]:
    return json.loads(text) if text else []  # NULL: none (most cases have no met rows asked for)


def _json_or_null(rows: list[Any]) -> str | None:
    return json.dumps(rows, ensure_ascii=False) if rows else None


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
