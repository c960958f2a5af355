"""The case index (.yqctl/cache/cases.sqlite): never trusted when stale, rebuilt transparently, safe
to delete or corrupt, invisible to git, and giving exactly what reading every file gives."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import NOW, Runner, git
from yqctl.store.index import CACHE_DIR, DB_NAME, RACY_NS, CaseIndex, Read

pytestmark = pytest.mark.usefixtures("git_available")


def titles(yq: Runner, root: Path) -> dict[str, str]:
    result = yq("list", "--repo", str(root), "--json", "--drills")
    assert result.code == 0, result.err
    return {item["id"]: item["title"] for item in result.json()}


def a_case(root: Path) -> Path:
    return sorted((root / "cases").glob("*/YQ-*.yaml"))[0]


def retitle_same_size(path: Path) -> tuple[str, str]:
    """Change one character of the title in place: same size, same inode."""
    text = path.read_text("utf-8")
    line = next(x for x in text.splitlines() if x.startswith("title: "))
    old = line.removeprefix("title: ")
    new = old[:-1] + ("甲" if old[-1] != "甲" else "乙")
    assert len(new.encode()) == len(old.encode())
    with path.open("r+b") as handle:  # rewrite in place: the inode stays
        handle.write(text.replace(line, f"title: {new}", 1).encode())
    return old, new


def test_a_hand_edit_in_the_same_second_at_the_same_size_is_seen(
    demo_repo: Path, yq: Runner
) -> None:
    path = a_case(demo_repo)
    case_id = path.stem
    titles(yq, demo_repo)  # builds the index; the file is younger than the racy window
    size = path.stat().st_size
    old, new = retitle_same_size(path)
    assert path.stat().st_size == size and old != new
    assert titles(yq, demo_repo)[case_id] == new


def test_a_hand_edit_that_keeps_size_and_mtime_of_a_trusted_entry_is_seen(
    demo_repo: Path, yq: Runner
) -> None:
    path = a_case(demo_repo)
    case_id = path.stem
    time.sleep(RACY_NS / 1e9 + 0.2)  # old enough for the index to trust the entry
    titles(yq, demo_repo)
    before = path.stat()
    _old, new = retitle_same_size(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a careless tool would
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert titles(yq, demo_repo)[case_id] == new  # the ctime gave it away


def test_due_from_the_index_equals_due_from_the_files(demo_repo: Path, yq: Runner) -> None:
    args = ("due", "--repo", str(demo_repo), "--now", NOW, "--json", "--all")
    cold = yq(*args)
    warm = yq(*args)
    shutil.rmtree(demo_repo / ".yqctl")
    again = yq(*args)
    assert cold.code == warm.code == again.code == 0
    assert cold.json() and cold.out == warm.out == again.out


def test_a_policy_change_is_seen_by_due_on_a_warm_index(demo_repo: Path, yq: Runner) -> None:
    args = ("due", "--repo", str(demo_repo), "--now", NOW, "--json", "--all")
    before = yq(*args).json()
    policy = demo_repo / "policies" / "university.yaml"
    text = policy.read_text("utf-8")
    assert "title: " in text
    policy.write_text(text.replace("title: ", "title: 改后·", 1), "utf-8")
    after = yq(*args).json()
    changed = [
        row["deadline"]["title"] for row in after if row["deadline"]["title"].startswith("改后·")
    ]
    assert changed, "the deadline title edited in the policy file shows up"
    shutil.rmtree(demo_repo / ".yqctl")
    assert yq(*args).json() == after != before


def test_new_deleted_and_broken_files_are_seen_warm_as_cold(demo_repo: Path, yq: Runner) -> None:
    first, second = sorted((demo_repo / "cases").glob("*/YQ-*.yaml"))[:2]
    titles(yq, demo_repo)
    gone = first.stem
    first.unlink()
    second.write_text(second.read_text("utf-8") + "title: 重复\n", "utf-8")
    warm = yq("list", "--repo", str(demo_repo), "--json")
    shutil.rmtree(demo_repo / ".yqctl")
    cold = yq("list", "--repo", str(demo_repo), "--json")
    assert warm.code == cold.code == 1
    assert warm.out == cold.out and gone not in warm.out
    assert "重复的键 'title'" in warm.err and warm.err == cold.err
    again = yq("list", "--repo", str(demo_repo), "--json")  # the problem itself from the index
    assert again.err == cold.err


def test_a_corrupt_index_is_rebuilt_without_a_word(demo_repo: Path, yq: Runner) -> None:
    expected = titles(yq, demo_repo)
    database = demo_repo / CACHE_DIR / DB_NAME
    assert database.is_file()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.write_bytes(b"this is not a database" * 100)
    result = yq("list", "--repo", str(demo_repo), "--json", "--drills")
    assert result.code == 0 and result.err == ""
    assert {item["id"]: item["title"] for item in result.json()} == expected
    assert titles(yq, demo_repo) == expected  # and the rebuilt index serves the next command


def test_an_index_row_without_its_summary_lists_the_same(demo_repo: Path, yq: Runner) -> None:
    """A stored column that is missing (NULL) is made again from the case's data."""
    import sqlite3

    listed = yq("list", "--repo", str(demo_repo), "--json", "--drills")
    with sqlite3.connect(demo_repo / CACHE_DIR / DB_NAME) as db:
        assert db.execute("UPDATE files SET summary = NULL").rowcount > 0
    again = yq("list", "--repo", str(demo_repo), "--json", "--drills")
    assert (again.code, again.out) == (listed.code, listed.out) and listed.code == 0


def test_the_index_stays_out_of_git(demo_repo: Path, yq: Runner) -> None:
    titles(yq, demo_repo)
    assert (demo_repo / CACHE_DIR / DB_NAME).is_file()
    assert git(demo_repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_an_unwritable_cache_costs_speed_not_answers(
    demo_repo: Path, yq: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = titles(yq, demo_repo)
    shutil.rmtree(demo_repo / ".yqctl")
    (demo_repo / ".yqctl").write_text("a file where the cache directory should be", "utf-8")
    result = yq("list", "--repo", str(demo_repo), "--json", "--drills")
    assert result.code == 0 and result.err == ""
    assert {item["id"]: item["title"] for item in result.json()} == expected


def test_files_younger_than_the_racy_window_are_read_again_until_they_are_older(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yqctl.store import index as index_module
    from yqctl.store.index import CaseIndex, Read

    folder = tmp_path / "cases" / "2026"
    folder.mkdir(parents=True)
    for name in ("YQ-20261124-AAAA.yaml", "YQ-20261124-BBBB.yaml"):
        (folder / name).write_text("id: x\n", "utf-8")
    reads: list[str] = []

    def read(path: Path) -> Read:
        reads.append(path.name)
        return Read(data={"id": path.stem})

    index = CaseIndex(tmp_path, "cases", "test")
    index.entries(read)
    index.entries(read)
    assert len(reads) == 4  # just written: not trusted, read both times
    later = time.time_ns() + RACY_NS + 1_000_000_000
    monkeypatch.setattr(index_module.time, "time_ns", lambda: later)
    reads.clear()
    index.entries(read)  # now old enough: stored as trusted
    entries = index.entries(read)
    assert len(reads) == 2  # read once more, then served from the index
    assert {e.data["id"] for e in entries} == {"YQ-20261124-AAAA", "YQ-20261124-BBBB"}


# --- git vouching for tracked files -------------------------------------------------------------


class Reads:
    """A ``read`` callback that records which files it read, with their git object ids."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, path: Path) -> Read:
        from yqctl.store.gitview import blob_id

        self.names.append(path.name)
        raw = path.read_bytes()
        return Read(data={"text": raw.decode()}, oid=blob_id(raw))

    def take(self) -> list[str]:
        names, self.names = sorted(self.names), []
        return names


def committed_cases(root: Path, *names: str) -> Path:
    folder = root / "cases" / "2026"
    folder.mkdir(parents=True)
    git(root, "init", "-q")
    an_hour_ago = time.time_ns() - 3600 * 10**9  # not "racily clean" for git: stat decides
    for name in names:
        (folder / name).write_text(f"title: {name}\n", "utf-8")
        os.utime(folder / name, ns=(an_hour_ago, an_hour_ago))
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "cases")
    return folder


def texts(index: CaseIndex, read: Reads) -> dict[str, str]:
    return {Path(e.path).name: e.data["text"] for e in index.entries(read)}


def test_git_vouches_for_committed_files_so_none_is_read_twice(tmp_path: Path) -> None:
    committed_cases(tmp_path, "A.yaml", "B.yaml")
    read = Reads()
    with_git = CaseIndex(tmp_path, "cases", "test")
    texts(with_git, read)
    assert read.take() == ["A.yaml", "B.yaml"]
    texts(with_git, read)  # just written, yet trusted: git checked them, and their ids match
    assert read.take() == []
    without_git = CaseIndex(tmp_path / "elsewhere", "cases", "test", use_git=False)
    shutil.copytree(tmp_path / "cases", tmp_path / "elsewhere" / "cases")
    texts(without_git, read)
    texts(without_git, read)
    assert read.take() == ["A.yaml", "A.yaml", "B.yaml", "B.yaml"]  # racy: stat alone can't


def test_with_git_every_kind_of_change_is_seen(tmp_path: Path) -> None:
    folder = committed_cases(tmp_path, "A.yaml", "B.yaml", "C.yaml", "D.yaml")
    index, read = CaseIndex(tmp_path, "cases", "test"), Reads()
    texts(index, read)
    read.take()
    # git compares whole seconds of ctime: an edit that restores the mtime within the second
    # git recorded the file in would pass `git status` too. A second later, the ctime tells.
    time.sleep(1.05)
    before = (folder / "A.yaml").stat()
    (folder / "A.yaml").write_text("title: A.yamX\n", "utf-8")  # in place, same size
    os.utime(folder / "A.yaml", ns=(before.st_atime_ns, before.st_mtime_ns))
    (folder / "B.yaml").unlink()
    (folder / "E.yaml").write_text("title: new\n", "utf-8")  # untracked
    (folder / "C.yaml").write_text("title: staged\n", "utf-8")
    git(tmp_path, "add", "cases/2026/C.yaml")  # staged, not committed
    (tmp_path / ".gitignore").write_text("cases/2026/F.yaml\n", "utf-8")
    (folder / "F.yaml").write_text("title: ignored by git, not by yqctl\n", "utf-8")
    found = texts(index, read)
    assert found == {
        "A.yaml": "title: A.yamX\n",
        "C.yaml": "title: staged\n",
        "D.yaml": "title: D.yaml\n",
        "E.yaml": "title: new\n",
        "F.yaml": "title: ignored by git, not by yqctl\n",
    }
    assert read.take() == ["A.yaml", "C.yaml", "E.yaml", "F.yaml"]  # D was not read again
    assert texts(index, read) == found


def test_an_index_left_by_an_older_format_is_rebuilt_and_then_serves(tmp_path: Path) -> None:
    """An upgrade must not leave the old tables in place: they refused every new row, so each
    command read all files again (51 s a command at 100k cases) without a word."""
    import sqlite3

    committed_cases(tmp_path, "A.yaml", "B.yaml")
    database = tmp_path / CACHE_DIR / DB_NAME
    database.parent.mkdir(parents=True)
    with sqlite3.connect(database) as db:
        db.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE files (path TEXT PRIMARY KEY, stat TEXT NOT NULL, problems TEXT,"
            " summary TEXT, context TEXT, due TEXT, met TEXT);"  # format 5 had no facets
            "CREATE TABLE bodies (path TEXT PRIMARY KEY, data TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('format', '5'), ('code', 'older');"
        )
    index, read = CaseIndex(tmp_path, "cases", "test"), Reads()
    assert texts(index, read) == {"A.yaml": "title: A.yaml\n", "B.yaml": "title: B.yaml\n"}
    assert read.take() == ["A.yaml", "B.yaml"]
    again = CaseIndex(tmp_path, "cases", "test")  # the next command
    assert texts(again, read) == {"A.yaml": "title: A.yaml\n", "B.yaml": "title: B.yaml\n"}
    assert read.take() == []


def test_a_cache_that_refuses_its_own_rows_is_dropped_not_kept(tmp_path: Path) -> None:
    import sqlite3

    folder = committed_cases(tmp_path, "A.yaml")
    index, read = CaseIndex(tmp_path, "cases", "test"), Reads()
    texts(index, read)
    index.close()
    database = tmp_path / CACHE_DIR / DB_NAME
    with sqlite3.connect(database) as db:  # the same marks, but a table of the wrong shape
        db.execute("ALTER TABLE files DROP COLUMN facets")
    (folder / "A.yaml").write_text("title: edited\n", "utf-8")  # to be read and written again
    an_hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(folder / "A.yaml", ns=(an_hour_ago, an_hour_ago))
    git(tmp_path, "add", "-A")  # so that git vouches for it once it is stored
    read.take()
    texts(CaseIndex(tmp_path, "cases", "test"), read)  # its write is refused: drops the cache
    texts(CaseIndex(tmp_path, "cases", "test"), read)  # builds a new one
    texts(CaseIndex(tmp_path, "cases", "test"), read)
    assert read.take() == ["A.yaml", "A.yaml"]


def test_a_change_after_git_last_vouched_is_seen(tmp_path: Path) -> None:
    """The fast path (git's staged listing unchanged): only the files git can't vouch for."""
    folder = committed_cases(tmp_path, "A.yaml", "B.yaml")
    index, read = CaseIndex(tmp_path, "cases", "test"), Reads()
    texts(index, read)
    (folder / "A.yaml").write_text("title: edited\n", "utf-8")
    assert texts(index, read)["A.yaml"] == "title: edited\n"
    (folder / "A.yaml").write_text("title: edited again\n", "utf-8")
    assert texts(index, read)["A.yaml"] == "title: edited again\n"
    git(tmp_path, "checkout", "--", "cases/2026/A.yaml")  # back to the committed text
    (folder / "B.yaml").unlink()
    assert texts(index, read) == {"A.yaml": "title: A.yaml\n"}


class GitRuns:
    """Records which git commands the index starts (``diff-files``, ``ls-files``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from yqctl.store import gitproc

        self.commands: list[str] = []
        start = gitproc.Running.__init__

        def recording(running: gitproc.Running, root: Path, commands: dict[str, list[str]]) -> None:
            self.commands.extend(args[0] for args in commands.values())
            start(running, root, commands)

        monkeypatch.setattr(gitproc.Running, "__init__", recording)

    def take(self) -> list[str]:
        commands, self.commands = sorted(self.commands), []
        return commands


def trust_every_stat(monkeypatch: pytest.MonkeyPatch) -> None:
    """Move the index's clock past the racy window, so what was just written counts as old."""
    from yqctl.store import index as index_module

    later = time.time_ns() + RACY_NS + 10**9
    monkeypatch.setattr(index_module.time, "time_ns", lambda: later)


def test_while_git_and_the_folders_are_unchanged_only_diff_files_runs_and_sees_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = committed_cases(tmp_path, "A.yaml", "B.yaml")
    (tmp_path / "cases" / "later").mkdir()  # an empty folder: a file put in it later must show
    trust_every_stat(monkeypatch)
    runs, read = GitRuns(monkeypatch), Reads()
    index = CaseIndex(tmp_path, "cases", "test")
    found = texts(index, read)
    assert runs.take() == ["diff-files", "ls-files"] and read.take() == ["A.yaml", "B.yaml"]
    assert texts(index, read) == found
    assert runs.take() == ["diff-files"] and read.take() == []  # the fast path

    later = tmp_path / "cases" / "later"
    expected = {"A.yaml": "title: A.yaml\n", "B.yaml": "title: B.yaml\n"}
    # (what changes, the file and its text afterwards (None: gone), whether git lists again)
    steps: list[tuple[Callable[[], object], str, str | None, bool]] = [
        (
            lambda: (folder / "A.yaml").write_text("title: edited\n"),
            "A.yaml",
            "title: edited\n",
            False,
        ),
        (lambda: (folder / "C.yaml").write_text("title: C\n"), "C.yaml", "title: C\n", True),
        (lambda: (later / "D.yaml").write_text("title: D\n"), "D.yaml", "title: D\n", True),
        (lambda: (folder / "B.yaml").unlink(), "B.yaml", None, True),  # its folder changes
        (lambda: git(tmp_path, "add", "cases"), "A.yaml", "title: edited\n", True),  # git's index
    ]
    for change, name, text, lists in steps:
        change()
        if text is None:
            del expected[name]
        else:
            expected[name] = text
        assert texts(index, read) == expected, name
        assert runs.take() == (["diff-files", "ls-files"] if lists else ["diff-files"]), name
        read.take()
        assert texts(index, read) == expected  # and again, on the fast path, reading nothing
        assert runs.take() == ["diff-files"] and read.take() == [], name


def test_a_file_git_is_told_not_to_check_is_checked_by_its_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``assume-unchanged`` and ``skip-worktree`` files are invisible to ``diff-files``."""
    folder = committed_cases(tmp_path, "A.yaml", "B.yaml")
    git(tmp_path, "update-index", "--assume-unchanged", "cases/2026/A.yaml")
    git(tmp_path, "update-index", "--skip-worktree", "cases/2026/B.yaml")
    trust_every_stat(monkeypatch)
    index, read = CaseIndex(tmp_path, "cases", "test"), Reads()
    texts(index, read)
    (folder / "A.yaml").write_text("title: edited A\n")
    (folder / "B.yaml").write_text("title: edited B\n")
    assert git(tmp_path, "diff-files", "--name-only") == ""  # git itself does not see them
    assert texts(index, read) == {"A.yaml": "title: edited A\n", "B.yaml": "title: edited B\n"}


def test_a_guess_made_while_git_checks_holds_only_when_every_file_was_as_stored(
    demo_repo: Path, yq: Runner
) -> None:
    from yqctl.store.index import Guess
    from yqctl.store.repo import Repo

    def guessed() -> Guess:
        guess = Guess(lambda rows: sorted(row.title for row in rows))
        entries, _ = Repo(demo_repo).due_entries(guess=guess)
        assert not guess.held or guess.value == sorted(entry.title for entry in entries)
        return guess

    guessed()  # the first pass computes and stores the rows
    assert guessed().held
    open_case = next(
        path
        for path in sorted((demo_repo / "cases").glob("*/YQ-*.yaml"))
        if "status: closed" not in path.read_text("utf-8")
    )
    _old, new = retitle_same_size(open_case)
    stale = guessed()
    assert not stale.held and new not in stale.value  # made from the stored rows: discarded


def listed_and_closed(root: Path, listing: str) -> tuple[Path, Path]:
    """A case that ``listing`` (``due``'s output) names, and a closed one."""
    paths = sorted((root / "cases").glob("*/YQ-*.yaml"))
    closed = next(p for p in paths if "status: closed" in p.read_text("utf-8"))
    return next(p for p in paths if p.stem in listing), closed


def copy_as_new_case(path: Path) -> None:
    new_id = path.stem[:-4] + "ZZZZ"
    text = path.read_text("utf-8").replace(path.stem, new_id)
    (path.parent / f"{new_id}.yaml").write_text(text, "utf-8")


HAND_CHANGES: dict[str, Callable[[Path, Path], object]] = {
    "listed case retitled": lambda listed, _: retitle_same_size(listed),
    "closed case retitled": lambda _, closed: retitle_same_size(closed),
    "listed case deleted": lambda listed, _: listed.unlink(),
    "new case file": lambda listed, _: copy_as_new_case(listed),
    "unreadable file": lambda listed, _: (listed.parent / "YQ-BAD.yaml").write_text(": ["),
    "closed case reopened": lambda _, closed: closed.write_text(
        closed.read_text("utf-8").replace("status: closed", "status: responding", 1), "utf-8"
    ),
}


@pytest.mark.parametrize("change", HAND_CHANGES, ids=list(HAND_CHANGES))
def test_the_table_laid_out_in_advance_is_dropped_after_any_hand_change(
    change: str, demo_repo: Path, yq: Runner
) -> None:
    from yqctl.store.index import Guess
    from yqctl.store.repo import Repo

    args = ("due", "--repo", str(demo_repo), "--now", NOW)
    first = yq(*args)
    held = Guess(lambda rows: rows)
    Repo(demo_repo).due_entries(guess=held)
    assert held.held  # nothing changed: the table laid out in advance is the one printed
    HAND_CHANGES[change](*listed_and_closed(demo_repo, first.out))
    guess = Guess(lambda rows: rows)
    Repo(demo_repo).due_entries(guess=guess)
    assert not guess.held
    warm = yq(*args)
    shutil.rmtree(demo_repo / CACHE_DIR)
    assert warm.out == yq(*args).out  # as read from every file


def test_the_due_table_shows_a_hand_edit_made_since_the_last_run(
    demo_repo: Path, yq: Runner
) -> None:
    args = ("due", "--repo", str(demo_repo), "--now", NOW)
    first = yq(*args)
    open_case = next(
        path for path in sorted((demo_repo / "cases").glob("*/YQ-*.yaml")) if path.stem in first.out
    )
    old, new = retitle_same_size(open_case)
    warm = yq(*args)
    assert new in warm.out and old not in warm.out
    shutil.rmtree(demo_repo / CACHE_DIR)
    cold = yq(*args)
    assert warm.out == cold.out == yq(*args).out
