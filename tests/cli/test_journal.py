"""A command killed half-way is undone by the next one (issue 18 item 4): the write journal.

Each test kills the real ``yqctl`` at an exact point (kill_driver.py: before the N-th file write,
once ``git add`` has staged the files, after the commit) on a real repository, then runs the
next command as a user would, and checks that the repository is as before the killed command —
or, if its commit was made, as after it — and that the next command said so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_git_failures import case_file
from tests.conftest import NOW, Runner, git
from yqctl.store.journal import JOURNAL_DIR
from yqctl.store.lock import repo_lock

DRIVER = Path(__file__).with_name("kill_driver.py")


def killed(root: Path, point: str, count: int, *args: str) -> None:
    """Run ``yqctl ARGS`` in ``root`` and kill it at ``point`` (see kill_driver.py)."""
    result = subprocess.run(
        [sys.executable, str(DRIVER), point, str(count), "--", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == -9, result.stderr  # it was killed, not finished or failed


def journals(root: Path) -> list[str]:
    folder = root / ".yqctl" / JOURNAL_DIR
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def leads(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "leads.csv"
    lines = ["标题,原文链接,来源,发布时间,涉事单位"]
    lines += [
        f"网传食堂饭菜有异物（{n}）,https://weibo.com/{n}/Ab{n},新浪微博,2026-11-24 09:00,后勤处"
        for n in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_an_import_killed_half_way_is_undone_by_the_next_command_and_runs_again_whole(
    repo: Path, yq: Runner, tmp_path: Path
) -> None:
    export = leads(tmp_path, 40)
    head = git(repo, "rev-parse", "HEAD")
    killed(repo, "write", 24, "import", str(export), "--now", NOW)  # 23 case files written
    assert len(list((repo / "cases").rglob("*.yaml"))) == 23
    assert journals(repo)
    listed = yq("list", "--json", "--now", NOW, cwd=repo)  # the next command, a reader
    assert listed.code == 0 and listed.json() == []
    assert "发现上次中断的 yqctl import" in listed.err
    assert "已撤销它未完成的改动，23 个文件恢复到该命令之前的状态" in listed.err
    assert journals(repo) == []
    assert git(repo, "status", "--porcelain") == "" and git(repo, "rev-parse", "HEAD") == head
    assert yq("check", "--now", NOW, cwd=repo).code == 0
    again = yq("import", str(export), "--now", NOW, "--json", cwd=repo)
    assert again.code == 0, again.err
    assert len(again.json()["opened"]) == 40 and again.json()["duplicates"] == []
    assert git(repo, "status", "--porcelain") == ""


def test_an_import_killed_after_git_add_leaves_nothing_staged(
    repo: Path, yq: Runner, tmp_path: Path
) -> None:
    killed(repo, "git", 1, "import", str(leads(tmp_path, 5)), "--now", NOW)
    assert git(repo, "diff", "--cached", "--name-only")  # git add had run
    result = yq("import", str(leads(tmp_path, 5)), "--now", NOW, "--json", cwd=repo)  # a writer
    assert result.code == 0, result.err
    assert "5 个文件恢复到该命令之前的状态" in result.err
    assert len(result.json()["opened"]) == 5
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%s").strip() == "yqctl import leads.csv: 新建 5 起舆情"
    shown = git(repo, "show", "--stat", "--format=", "HEAD")
    assert shown.count("cases/2026/") == 5  # the killed run's files are not in the commit


def test_a_command_killed_after_its_commit_is_acknowledged_not_undone(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    killed(repo, "journal", 1, "act", case_id, "reply", "--text", "已回复", "--now", NOW)
    assert git(repo, "log", "-1", "--format=%s").startswith(f"yqctl act {case_id}")
    written = case_file(repo, case_id).read_bytes()
    result = yq("due", "--now", NOW, cwd=repo)
    assert "改动已提交" in result.err and "恢复" not in result.err
    assert case_file(repo, case_id).read_bytes() == written
    assert journals(repo) == [] and git(repo, "status", "--porcelain") == ""


def test_an_act_killed_after_writing_is_not_swept_into_the_next_commit(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    before = case_file(repo, case_id).read_bytes()
    killed(repo, "git", 1, "act", case_id, "statement", "--text", "写了一半", "--now", NOW)
    assert case_file(repo, case_id).read_bytes() != before  # written, not committed
    result = yq("act", case_id, "reply", "--text", "下一条", "--by", "宣传部", "--now", NOW,
                cwd=repo)  # fmt: skip
    assert result.code == 0, result.err
    assert "已撤销它未完成的改动" in result.err
    committed = git(repo, "show", f"HEAD:{case_file(repo, case_id).relative_to(repo)}")
    assert "下一条" in committed and "写了一半" not in committed
    assert git(repo, "log", "-1", "--format=%an").strip() == "宣传部"
    assert git(repo, "status", "--porcelain") == ""


def test_a_hand_change_made_after_the_kill_is_kept_and_named(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    killed(repo, "git", 1, "act", case_id, "statement", "--text", "写了一半", "--now", NOW)
    path = case_file(repo, case_id)
    edited = path.read_text("utf-8").replace("写了一半", "值班员手工改过")
    path.write_text(edited, "utf-8")
    result = yq("list", "--now", NOW, cwd=repo)
    assert f"{path.relative_to(repo).as_posix()} 在它中断后又被改动，未作处理" in result.err
    assert path.read_text("utf-8") == edited  # nobody's work is thrown away
    assert journals(repo) == []


def test_a_reader_leaves_the_journal_of_a_write_in_progress_alone(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    killed(repo, "git", 1, "act", case_id, "statement", "--text", "写了一半", "--now", NOW)
    written = case_file(repo, case_id).read_bytes()
    with repo_lock(repo, "act 测试中"):  # as if a writer were at work right now
        listed = subprocess.run(
            [sys.executable, "-m", "yqctl", "list", "--now", NOW], cwd=repo, capture_output=True
        )
        assert listed.returncode == 0
        assert journals(repo) and case_file(repo, case_id).read_bytes() == written
    assert yq("list", "--now", NOW, cwd=repo).code == 0  # the lock is free: settled now
    assert journals(repo) == [] and git(repo, "status", "--porcelain") == ""


def test_a_journal_that_cannot_be_settled_stops_the_next_write_until_it_is(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    killed(repo, "git", 1, "act", case_id, "statement", "--text", "写了一半", "--now", NOW)
    stale = repo / ".git" / "index.lock"  # as a git killed mid-commit leaves it
    stale.touch()
    refused = yq("act", case_id, "reply", "--text", "下一条", "--now", NOW, cwd=repo)
    assert refused.code == 1
    assert "以下未能恢复：暂存区" in refused.err and "本次 yqctl act" in refused.err
    assert journals(repo)
    stale.unlink()
    done = yq("act", case_id, "reply", "--text", "下一条", "--now", NOW, cwd=repo)
    assert done.code == 0, done.err
    assert "已把它暂存的内容从暂存区撤下" in done.err  # the file was put back the first time
    assert journals(repo) == [] and git(repo, "status", "--porcelain") == ""


@pytest.mark.slow
def test_a_3000_row_import_killed_after_958_files_is_undone(
    repo: Path, yq: Runner, tmp_path: Path
) -> None:
    """The issue's report: 958 of 3,000 files written and never committed; check passed; the
    re-run skipped them as duplicates."""
    export = leads(tmp_path, 3000)
    killed(repo, "write", 959, "import", str(export), "--now", NOW)
    checked = yq("check", "--now", NOW, cwd=repo)
    assert "958 个文件恢复到该命令之前的状态" in checked.err
    assert checked.code == 0 and git(repo, "status", "--porcelain") == ""
    again = yq("import", str(export), "--now", NOW, "--json", cwd=repo)
    assert again.code == 0 and len(again.json()["opened"]) == 3000
