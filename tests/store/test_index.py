"""The case index (.yqctl/cache/cases.sqlite): never trusted when stale, rebuilt transparently, safe
to delete or corrupt, invisible to git, and giving exactly what reading every file gives."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import NOW, Runner, git
from yqctl.store.index import CACHE_DIR, DB_NAME, RACY_NS

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
