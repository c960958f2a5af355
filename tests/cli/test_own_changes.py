"""A command commits only its own change (issue 18 item 3): a hand edit left uncommitted in a case
file is never committed under another command's message and author."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.cli.test_git_failures import case_file
from tests.conftest import NOW, Runner, git


def hand_edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_hand_edit_is_refused_not_committed_under_the_next_acts_name(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    assert yq("grade", case_id, "--level", "1", "--reason", "测试", "--now", NOW,
              "--repo", str(repo)).code == 0  # fmt: skip
    path = case_file(repo, case_id)
    relative = path.relative_to(repo).as_posix()
    hand_edit(path, "level: 1", "level: 3")  # someone lowers the level by hand, not committed
    head = git(repo, "rev-parse", "HEAD")
    edited = path.read_bytes()
    refused = yq("act", case_id, "reply", "--text", "已回复", "--by", "后勤处",
                 "--now", NOW, "--repo", str(repo))  # fmt: skip
    assert refused.code == 1 and "Traceback" not in refused.err
    assert f"{relative}（有未提交的修改）" in refused.err
    assert f"git diff HEAD -- {relative}" in refused.err  # how to see it
    assert "git commit" in refused.err and "git restore" in refused.err  # keep it, or drop it
    assert "yqctl act" in refused.err and "未做任何改动" in refused.err
    assert path.read_bytes() == edited and git(repo, "rev-parse", "HEAD") == head
    # the person who changed it commits it, under their own name; then the act goes ahead
    git(repo, "-c", "user.name=值班员甲", "commit", "-qm", "手工改为三级", "--", relative)
    done = yq("act", case_id, "reply", "--text", "已回复", "--by", "后勤处",
              "--now", NOW, "--repo", str(repo))  # fmt: skip
    assert done.code == 0, done.err
    history = yq("history", case_id, "--json", "--repo", str(repo)).json()
    by_subject = {entry["subject"]: entry for entry in history}
    assert by_subject["手工改为三级"]["author"] == "测试值班员"  # GIT_AUTHOR_NAME of the tests
    act = next(e for e in history if e["subject"].startswith(f"yqctl act {case_id}"))
    assert act["author"] == "后勤处"
    assert all(change["field"] != "level" for change in act["changes"])  # not the act's doing


def test_a_staged_change_is_refused_too(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    path = case_file(repo, case_id)
    hand_edit(path, "harmful: false", "harmful: true")
    git(repo, "add", path.relative_to(repo).as_posix())
    refused = yq("set", case_id, "posts=3", "--now", NOW, "--repo", str(repo))
    assert refused.code == 1 and "（有已暂存、未提交的修改）" in refused.err
    assert "harmful: true" in path.read_text("utf-8") and "posts: 3" not in path.read_text("utf-8")


def test_with_no_commit_the_write_goes_ahead_and_commits_nothing(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    path = case_file(repo, case_id)
    hand_edit(path, "harmful: false", "harmful: true")
    head = git(repo, "rev-parse", "HEAD")
    result = yq("act", case_id, "reply", "--no-commit", "--now", NOW, "--repo", str(repo))
    assert result.code == 0, result.err
    text = path.read_text("utf-8")
    assert "harmful: true" in text and "action: reply" in text  # both kept, for the user
    assert git(repo, "rev-parse", "HEAD") == head
