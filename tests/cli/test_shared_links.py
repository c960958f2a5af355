"""A shared repository is untrusted: a symlink one office commits reaches every other clone, and
yqctl must never follow it — not to write (the lock, the cache), not to read (a case folder).

Each test commits the link in one clone, pushes it through a real bare remote, and drives the
real CLI in a fresh clone of that remote, as the second office would."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import NOW, Runner, git

pytestmark = pytest.mark.usefixtures("git_available")

Poison = Callable[[dict[str, str]], Path]


@pytest.fixture
def poisoned(tmp_path: Path, repo: Path, new_case: Callable[..., str]) -> Poison:
    """``poisoned({link: target})``: the repository (with one open case) with these symlinks
    committed by an office, as another office's fresh clone of the shared remote has it."""
    new_case()
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))

    def make(links: dict[str, str]) -> Path:
        for link, target in links.items():
            path = repo / link
            if path.is_dir() and not path.is_symlink():
                for child in sorted(path.rglob("*"), reverse=True):
                    child.rmdir() if child.is_dir() else child.unlink()
                path.rmdir()
            elif path.exists():
                path.unlink()
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, path)
            git(repo, "add", "-f", link)
        git(repo, "commit", "-qm", "一个办公室提交的符号链接")
        git(repo, "push", "-q", str(remote), "HEAD:main")
        clone = tmp_path / "office2"
        git(tmp_path, "clone", "-q", "-b", "main", str(remote), str(clone))
        return clone

    return make


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file of the user's outside any repository, which no link may make yqctl touch."""
    path = tmp_path / "home" / ".bashrc"
    path.write_text("export PATH=$HOME/bin:$PATH\n", "utf-8")
    return path


def the_case(clone: Path) -> str:
    return next((clone / "cases").glob("*/*.yaml")).stem


def test_a_committed_lock_symlink_is_refused_and_its_target_left_untouched(
    poisoned: Poison, victim: Path, yq: Runner
) -> None:
    clone = poisoned({".yqctl/lock": str(victim)})
    before = victim.read_bytes()
    result = yq("act", the_case(clone), "reported_to_office", "--text", "报办公室", "--now", NOW,
                cwd=clone)  # fmt: skip
    assert result.code == 1
    assert ".yqctl/lock" not in result.out
    assert "lock 是符号链接" in result.err and "Traceback" not in result.err
    assert victim.read_bytes() == before  # not truncated, no holder's name written into it
    assert git(clone, "log", "-1", "--format=%s") == "一个办公室提交的符号链接\n"  # nothing done


def test_a_dangling_lock_symlink_creates_no_file_where_it_points(
    poisoned: Poison, tmp_path: Path, yq: Runner
) -> None:
    target = tmp_path / "home" / "planted"
    clone = poisoned({".yqctl/lock": str(target)})
    result = yq("act", the_case(clone), "reported_to_office", "--text", "报办公室", "--now", NOW,
                cwd=clone)  # fmt: skip
    assert result.code == 1 and "符号链接" in result.err
    assert not target.exists()


def test_a_committed_symlinked_yqctl_folder_is_refused(
    poisoned: Poison, tmp_path: Path, yq: Runner
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    clone = poisoned({".yqctl": str(outside)})
    result = yq("act", the_case(clone), "reported_to_office", "--text", "报办公室", "--now", NOW,
                cwd=clone)  # fmt: skip
    assert result.code == 1 and ".yqctl 是符号链接" in result.err
    assert list(outside.iterdir()) == []  # no lock, no .gitignore written there


def test_a_symlinked_cache_folder_gets_no_index_written_outside(
    poisoned: Poison, tmp_path: Path, yq: Runner
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    clone = poisoned({".yqctl/cache": str(outside)})
    for command in (["due"], ["list"], ["report", "weekly", "--format", "md"]):
        result = yq(*command, "--now", NOW, cwd=clone)
        assert result.code == 0, (command, result.err)  # the commands work, without a cache
    listed = yq("list", "--json", "--now", NOW, cwd=clone)
    assert [case["id"] for case in listed.json()] == [the_case(clone)]
    assert list(outside.iterdir()) == []
    checked = yq("check", "--now", NOW, cwd=clone)
    assert checked.code == 1
    assert ".yqctl/cache: .yqctl/cache 是符号链接" in checked.out + checked.err


def test_a_symlinked_cache_database_is_not_opened(
    poisoned: Poison, tmp_path: Path, yq: Runner
) -> None:
    notes = tmp_path / "home" / "notes.txt"  # empty: sqlite would make it a database
    notes.touch()
    clone = poisoned({".yqctl/cache/cases.sqlite": str(notes)})
    assert yq("due", "--now", NOW, cwd=clone).code == 0
    assert notes.read_bytes() == b""
    assert (clone / ".yqctl/cache/cases.sqlite").is_symlink()  # the committed file is kept


def test_a_symlinked_year_folder_is_named_by_every_reader_not_skipped(
    poisoned: Poison, tmp_path: Path, repo: Path, yq: Runner
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # a valid case file out there: following the link would list it
    case_id = the_case(repo)
    text = (repo / "cases" / case_id[3:7] / f"{case_id}.yaml").read_text("utf-8")
    (elsewhere / "YQ-20271124-AAAA.yaml").write_text(
        text.replace(case_id, "YQ-20271124-AAAA"), "utf-8"
    )
    clone = poisoned({"cases/2027": str(elsewhere)})
    for command in (["check"], ["list"], ["due"], ["report", "weekly", "--format", "md"]):
        result = yq(*command, "--now", NOW, cwd=clone)
        assert result.code == 1, command
        assert "cases/2027: 案件目录不能是符号链接" in result.out + result.err, command
        assert "YQ-20271124-AAAA" not in result.out, command
    # warm: the index remembers the problem, and still names it
    result = yq("due", "--now", NOW, cwd=clone)
    assert result.code == 1 and "cases/2027: 案件目录不能是符号链接" in result.err


def test_a_symlinked_cases_folder_is_named_and_not_read(
    poisoned: Poison, tmp_path: Path, yq: Runner
) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "2026").mkdir(parents=True)
    clone = poisoned({"cases": str(elsewhere)})
    for command in (["check"], ["list"], ["due"]):
        result = yq(*command, "--now", NOW, cwd=clone)
        assert result.code == 1, command
        assert "cases: 案件目录不能是符号链接" in result.out + result.err, command


@pytest.mark.parametrize(
    "link",
    [
        "evidence/YQ-20261124-AAAA/shot.png",
        "templates/weekly.md.j2",
        "templates/partials",
        "policies/extra.yaml",
        ".yqctl/notified.json",
    ],
)
def test_check_names_every_symlink_where_yqctl_reads_or_writes(
    poisoned: Poison, victim: Path, link: str, yq: Runner
) -> None:
    clone = poisoned({link: str(victim.parent if link.endswith("partials") else victim)})
    result = yq("check", "--now", NOW, cwd=clone)
    assert result.code == 1
    assert f"{link}: {link} 是符号链接" in result.out + result.err


def test_a_symlink_inside_the_repository_is_named_too(
    poisoned: Poison, repo: Path, yq: Runner
) -> None:
    """Even a link that stays inside: what it points to can change in any later commit."""
    clone = poisoned({"policies/alias.yaml": "university.yaml"})
    result = yq("check", "--now", NOW, cwd=clone)
    assert result.code == 1
    assert "policies/alias.yaml: policies/alias.yaml 是符号链接（指向 university.yaml）" in (
        result.out + result.err
    )
