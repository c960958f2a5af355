"""``yqctl evidence add`` / ``verify`` through the real CLI and git: files copied with their
sha256 and committed with the case, refusals that change nothing, and tampering found."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import NOW, Runner, git

Snapshot = Callable[[Path], dict[str, bytes]]
SHOT = b"\x89PNG\r\n\x1a\n fake screenshot"
PAGE = "<html><body>网传帖子原文</body></html>".encode()


@pytest.fixture
def case_id(new_case: Callable[..., str]) -> str:
    return new_case("--source", "https://weibo.com/1/abc")


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    shot, page = tmp_path / "热搜截图.png", tmp_path / "帖子.mhtml"
    shot.write_bytes(SHOT)
    page.write_bytes(PAGE)
    return [shot, page]


def run(yq: Runner, repo: Path, *args: str) -> Any:
    result = yq(*args, "--repo", str(repo), "--now", NOW, "--json")
    assert result.code == 0, result.err
    return result.json()


def case_data(repo: Path, case_id: str) -> Any:
    return yaml.safe_load((repo / "cases" / "2026" / f"{case_id}.yaml").read_text("utf-8"))


def test_add_copies_records_and_commits_the_files_with_the_case(
    yq: Runner, repo: Path, case_id: str, files: list[Path]
) -> None:
    out = run(yq, repo, "evidence", "add", case_id, *map(str, files), "--source", "1",
              "--note", "删帖前保存")  # fmt: skip
    folder = f"evidence/{case_id}"
    assert out["added"] == [f"{folder}/热搜截图.png", f"{folder}/帖子.mhtml"]
    case = case_data(repo, case_id)
    shot, page = case["evidence"]
    assert shot["sha256"] == hashlib.sha256(SHOT).hexdigest() and shot["size"] == len(SHOT)
    assert shot["media_type"] == "image/png" and page["media_type"] == "multipart/related"
    assert shot["source"] == 1 and shot["note"] == "删帖前保存"
    assert str(shot["captured_at"]) == "2026-11-24 16:00:00+08:00"
    assert (repo / folder / "热搜截图.png").read_bytes() == SHOT
    # the source it shows now points at the first file
    assert case["sources"][0]["evidence"] == f"{folder}/热搜截图.png"
    assert case["sources"][0]["sha256"] == shot["sha256"]
    entry = case["timeline"][-1]
    assert entry["action"] == "evidence_saved" and "热搜截图.png、帖子.mhtml" in entry["text"]
    committed = git(
        repo, "-c", "core.quotePath=false", "show", "--name-only", "--format=%s", "HEAD"
    )
    committed = committed.splitlines()
    assert committed[0].startswith(f"yqctl evidence {case_id}: 保存证据")
    assert set(committed[2:]) == {
        f"cases/2026/{case_id}.yaml",
        f"{folder}/热搜截图.png",
        f"{folder}/帖子.mhtml",
    }
    assert git(repo, "status", "--porcelain") == ""
    assert yq("check", "--repo", str(repo), "--now", NOW).code == 0


def test_the_same_bytes_are_kept_once_and_a_taken_name_gets_a_number(
    yq: Runner, repo: Path, case_id: str, files: list[Path], snapshot: Snapshot
) -> None:
    run(yq, repo, "evidence", "add", case_id, str(files[0]))
    before = snapshot(repo)
    again = yq("evidence", "add", case_id, str(files[0]), "--repo", str(repo), "--now", NOW)
    assert again.code == 1 and "已作为证据保存过" in again.err and snapshot(repo) == before
    files[0].write_bytes(SHOT + b" later")  # a new screenshot under the same name
    out = run(yq, repo, "evidence", "add", case_id, str(files[0]))
    assert out["added"] == [f"evidence/{case_id}/热搜截图-2.png"]


def refused(yq: Runner, repo: Path, snapshot: Snapshot, *args: str) -> str:
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = yq(*args, "--repo", str(repo), "--now", NOW)
    assert result.code in (1, 2) and "Traceback" not in result.err
    assert snapshot(repo) == before and git(repo, "rev-parse", "HEAD") == head
    return result.err


def test_refusals_copy_nothing(
    yq: Runner, repo: Path, case_id: str, files: list[Path], snapshot: Snapshot, tmp_path: Path
) -> None:
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    assert "不支持的证据类型" in refused(
        yq, repo, snapshot, "evidence", "add", case_id, str(files[0]), str(exe)
    )
    assert "不存在" in refused(
        yq, repo, snapshot, "evidence", "add", case_id, str(tmp_path / "无.png")
    )
    assert "--source" in refused(
        yq, repo, snapshot, "evidence", "add", case_id, str(files[0]), "--source", "3"
    )


def test_a_file_above_the_configured_size_is_refused(
    yq: Runner, repo: Path, case_id: str, snapshot: Snapshot, tmp_path: Path
) -> None:
    config = repo / "yq.yaml"
    text = config.read_text("utf-8")
    assert "evidence_max_mb: 50" in text  # the scaffold's default, explained in a comment
    config.write_text(text.replace("evidence_max_mb: 50", "evidence_max_mb: 1"), "utf-8")
    git(repo, "commit", "-qam", "上限 1 MB")
    big = tmp_path / "录屏.mp4"
    big.write_bytes(b"\0" * 1_500_000)
    err = refused(yq, repo, snapshot, "evidence", "add", case_id, str(big))
    assert "1.5 MB，超过证据文件上限 1 MB" in err and "evidence_max_mb" in err


def test_a_closed_case_takes_no_evidence(
    yq: Runner, repo: Path, case_id: str, files: list[Path], snapshot: Snapshot
) -> None:
    run(
        yq, repo, "close", case_id, "--result", "r", "--evaluation", "e", "--force", "--reason", "x"
    )
    assert "reopen" in refused(yq, repo, snapshot, "evidence", "add", case_id, str(files[0]))


def test_verify_finds_a_tampered_and_a_missing_file(
    yq: Runner, repo: Path, case_id: str, files: list[Path]
) -> None:
    run(yq, repo, "evidence", "add", case_id, *map(str, files))
    rows = run(yq, repo, "evidence", "verify")
    assert {row["status"] for row in rows} == {"ok"} and len(rows) == 2
    folder = repo / "evidence" / case_id
    (folder / "热搜截图.png").write_bytes(SHOT + b"!")  # same name, other bytes
    (folder / "帖子.mhtml").unlink()
    result = yq("evidence", "verify", case_id, "--repo", str(repo), "--json")
    assert result.code == 1
    states = {Path(row["path"]).name: row["status"] for row in result.json()}
    assert states == {"热搜截图.png": "changed", "帖子.mhtml": "missing"}
    text = yq("evidence", "verify", "--repo", str(repo))
    assert text.code == 1 and "已被改动" in text.out and "缺失" in text.out
    shown = run(yq, repo, "show", case_id)["evidence_status"]
    assert [row["status"] for row in shown] == ["changed", "missing"]
    page = yq("show", case_id, "--repo", str(repo), "--now", NOW)
    assert "证据" in page.out and "已被改动" in page.out and "缺失" in page.out
    check = yq("check", "--repo", str(repo), "--now", NOW)
    assert check.code == 1 and f"cases/2026/{case_id}.yaml:" in check.out + check.err
    assert "sha256 不符" in check.out + check.err


def test_a_copy_left_on_disk_but_never_committed_is_not_committed_under_the_command(
    yq: Runner, repo: Path, case_id: str, files: list[Path]
) -> None:
    folder = repo / "evidence" / case_id
    folder.mkdir(parents=True)
    copy = folder / "热搜截图.png"
    copy.write_bytes(SHOT)  # copied by hand, never committed: not this command's file
    refused = yq("evidence", "add", case_id, str(files[0]), "--repo", str(repo), "--now", NOW)
    assert refused.code == 1
    assert f"evidence/{case_id}/热搜截图.png（是 git 中没有的新文件）" in refused.err
    assert copy.read_bytes() == SHOT and not case_data(repo, case_id).get("evidence")
    copy.unlink()  # as the message says: or commit it under one's own name
    out = run(yq, repo, "evidence", "add", case_id, str(files[0]))
    assert out["added"] == [f"evidence/{case_id}/热搜截图.png"]
    assert git(repo, "status", "--porcelain") == ""
    assert "热搜截图.png" in last_commit_message(repo)


def last_commit_message(repo: Path) -> str:
    return git(repo, "log", "-1", "--format=%s")
