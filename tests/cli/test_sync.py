"""Many clones, one history: ``init --hooks``, the merge driver, ``sync`` and ``resolve`` against a
real bare repository as the shared remote (git runs the real driver as a subprocess)."""

from __future__ import annotations

import http.server
import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW, Runner, git
from yqctl.store import yamlio

pytestmark = pytest.mark.usefixtures("git_available")

Clones = Callable[..., list[Path]]


@pytest.fixture
def shared(tmp_path: Path, repo: Path, yq: Runner) -> Iterator[Clones]:
    """``shared(n)``: n clones of ``repo`` (pushed to a bare remote), each registered with
    ``init --hooks`` as a new office would do, with its own git identity."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(remote))

    def make(count: int) -> list[Path]:
        clones = []
        for number in range(count):
            clone = tmp_path / f"office{number}"
            git(tmp_path, "clone", "-q", str(remote), str(clone))
            git(clone, "config", "user.name", f"办公室{number}")
            git(clone, "config", "user.email", f"office{number}@example.edu.cn")
            result = yq("init", "--hooks", cwd=clone)
            assert result.code == 0, result.err
            clones.append(clone)
        return clones

    yield make


def at(minutes: int) -> str:
    return (datetime.fromisoformat(NOW) + timedelta(minutes=minutes)).isoformat()


def open_case(yq: Runner, clone: Path, title: str) -> str:
    result = yq("new", "--title", title, "--unit", "后勤处", "--category", "inquiry", "--json",
                "--now", NOW, cwd=clone)  # fmt: skip
    assert result.code == 0, result.err
    return str(result.json()["id"])


def case_in_both(yq: Runner, a: Path, b: Path, title: str) -> tuple[str, Path]:
    """A case opened by office A and synced to B: its id and its path in the repository."""
    case_id = open_case(yq, a, title)
    sync(yq, a)
    sync(yq, b)
    return case_id, Path("cases") / case_id[3:7] / f"{case_id}.yaml"


def hand_edit(clone: Path, path: Path, old: str, new: str) -> None:
    """Edit a case file by hand and commit it, as a clerk with an editor would."""
    text = (clone / path).read_text("utf-8")
    assert old in text
    (clone / path).write_text(text.replace(old, new, 1), "utf-8")
    git(clone, "commit", "-qam", "手工修改")


def sync(yq: Runner, clone: Path, minutes: int = 0) -> dict[str, object]:
    result = yq("sync", "--json", "--now", at(minutes), cwd=clone)
    assert result.code in (0, 1), result.err
    data: dict[str, object] = result.json()
    return data


def case_data(clone: Path, case_id: str) -> dict[str, object]:
    path = clone / "cases" / case_id[3:7] / f"{case_id}.yaml"
    return yamlio.load(path, path.name).mapping()


def test_init_registers_the_driver_for_case_files(repo: Path) -> None:
    assert "cases/**/*.yaml merge=yqctl" in (repo / ".gitattributes").read_text("utf-8")
    assert "merge-driver %O %A %B %P" in git(repo, "config", "--get", "merge.yqctl.driver")
    assert (
        git(repo, "check-attr", "merge", "cases/2026/YQ-20261124-AAAA.yaml")
        .strip()
        .endswith("merge: yqctl")
    )


def test_init_hooks_adds_the_attribute_to_an_older_repository(
    repo: Path, yq: Runner, tmp_path: Path
) -> None:
    attributes = repo / ".gitattributes"
    attributes.write_text("*.yaml text eol=lf\n", "utf-8")
    git(repo, "commit", "-qam", "an older yqctl")
    git(repo, "config", "--unset", "merge.yqctl.driver")
    result = yq("init", "--hooks", "--json", cwd=repo)
    assert result.code == 0, result.err
    assert result.json()["attributes_added"] and result.json()["driver_registered"]
    assert attributes.read_text("utf-8").startswith("*.yaml text eol=lf\n")
    assert "merge=yqctl" in git(repo, "show", "HEAD:.gitattributes")
    again = yq("init", "--hooks", "--json", cwd=repo)
    assert not again.json()["attributes_added"] and not again.json()["driver_registered"]


def test_two_offices_appending_to_one_case_both_keep_every_entry_and_comments(
    shared: Clones, yq: Runner
) -> None:
    a, b = shared(2)
    case_id, path = case_in_both(yq, a, b, "网传食堂饭菜出现异物")
    # a comment only office B's file has (B wrote it by hand) must survive the merge
    hand_edit(b, path, "title:", "# B 的备注：标题来自微博原帖\ntitle:")
    assert yq("act", case_id, "note", "--text", "A 记录", "--now", at(5), cwd=a).code == 0
    assert yq("act", case_id, "note", "--text", "B 记录", "--now", at(6), cwd=b).code == 0
    assert sync(yq, a, 10)["pushed"]
    result = sync(yq, b, 10)
    assert result["merged"] == "merge" and result["pushed"] and result["conflicted"] == []
    sync(yq, a, 11)
    for clone in (a, b):
        texts = [e["text"] for e in case_data(clone, case_id)["timeline"]]  # type: ignore[index,union-attr]
        assert texts[-2:] == ["A 记录", "B 记录"]
        assert "# B 的备注：标题来自微博原帖" in (clone / path).read_text("utf-8")
    assert (a / path).read_bytes() == (b / path).read_bytes()
    assert yq("check", "--now", at(12), cwd=b).code == 0


def test_a_true_conflict_is_recorded_reported_by_check_and_settled_by_resolve(
    shared: Clones, yq: Runner
) -> None:
    a, b = shared(2)
    case_id, path = case_in_both(yq, a, b, "原标题")
    for clone, title in ((a, "A 改的标题"), (b, "B 改的标题")):
        hand_edit(clone, path, "title: 原标题", f"title: {title}")
    sync(yq, a)
    merged = yq("sync", "--now", NOW, cwd=b)
    assert merged.code == 1 and f"yqctl resolve {case_id}" in merged.out
    assert case_data(b, case_id)["title"] == "B 改的标题"  # ours until resolved
    check = yq("check", "--now", NOW, cwd=b)
    line = next(x for x in check.out.splitlines() if "合并冲突未解决" in x)
    assert line.startswith(f"{path.as_posix()}:") and "title 本地为 B改的标题" not in line
    assert "title 本地为 B 改的标题，对方为 A 改的标题" in line and check.code == 1
    refused = yq("resolve", case_id, cwd=b)  # not a terminal: it must be told what to take
    assert refused.code == 2 and "--take" in refused.err
    done = yq("resolve", case_id, "--pick", "title=theirs", cwd=b)
    assert done.code == 0, done.err
    data = case_data(b, case_id)
    assert data["title"] == "A 改的标题" and "conflicts" not in data
    assert "conflicts" not in (b / path).read_text("utf-8")  # its comment went with it
    assert git(b, "log", "-1", "--format=%s").startswith(f"yqctl resolve {case_id}: title 取对方")
    assert sync(yq, b)["pushed"]
    sync(yq, a)
    assert case_data(a, case_id)["title"] == "A 改的标题"
    assert yq("check", "--now", NOW, cwd=a).code == 0


def test_an_unreachable_remote_says_so_and_keeps_local_commits(
    shared: Clones, yq: Runner, tmp_path: Path
) -> None:
    (a,) = shared(1)
    open_case(yq, a, "离线时登记的案件")
    head = git(a, "rev-parse", "HEAD")
    git(a, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    result = yq("sync", "--now", NOW, cwd=a)
    assert result.code == 1 and "连不上远程仓库 origin" in result.err
    assert "本地提交都在" in result.err and "Traceback" not in result.err
    assert git(a, "rev-parse", "HEAD") == head


class _Refuse(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="yq"')
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_an_authentication_failure_says_so(shared: Clones, yq: Runner) -> None:
    (a,) = shared(1)
    server = http.server.HTTPServer(("127.0.0.1", 0), _Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        git(a, "remote", "set-url", "origin", f"http://127.0.0.1:{server.server_port}/yq.git")
        result = yq("sync", "--now", NOW, cwd=a)
    finally:
        server.shutdown()
    assert result.code == 1 and "拒绝了身份验证" in result.err, result.err


def test_uncommitted_changes_stop_sync_before_anything_happens(shared: Clones, yq: Runner) -> None:
    (a,) = shared(1)
    (a / "org.yaml").write_text((a / "org.yaml").read_text("utf-8") + "\n# 改了\n", "utf-8")
    result = yq("sync", "--now", NOW, cwd=a)
    assert result.code == 1 and "有未提交的改动（org.yaml）" in result.err


def test_a_file_that_cannot_be_merged_by_meaning_aborts_the_merge_and_keeps_everything(
    shared: Clones, yq: Runner
) -> None:
    a, b = shared(2)
    case_id, path = case_in_both(yq, a, b, "原标题")
    hand_edit(a, path, "title: 原标题", "title: [未闭合")
    git(a, "push", "-q")
    hand_edit(b, path, "title: 原标题", "title: B 的标题")
    head = git(b, "rev-parse", "HEAD")
    result = yq("sync", "--now", NOW, cwd=b)
    assert result.code == 1 and f"无法自动合并：{path.as_posix()}" in result.err
    assert git(b, "rev-parse", "HEAD") == head and git(b, "status", "--porcelain") == ""
    assert case_data(b, case_id)["title"] == "B 的标题"


@pytest.mark.slow
def test_three_offices_making_50_interleaved_edits_each_lose_nothing(
    shared: Clones, yq: Runner
) -> None:
    offices = shared(3)
    cases = [open_case(yq, offices[0], f"案件{n}") for n in range(3)]
    sync(yq, offices[0])
    for clone in offices[1:]:
        sync(yq, clone)
    expected: dict[str, set[str]] = {case_id: set() for case_id in cases}
    gradings = 0
    minute = 0
    for step in range(50):
        for number, clone in enumerate(offices):
            minute += 1
            case_id = cases[(step + number) % 3]
            if step % 10 == 9:  # a re-grade now and then
                level = str(1 + (step + number) % 3)
                args = ["grade", case_id, "--level", level, "--reason", f"办公室{number}研判"]
                gradings += 1
            else:
                text = f"办公室{number}第{step}步"
                args = ["act", case_id, "note", "--text", text]
                expected[case_id].add(text)
            result = yq(*args, "--now", at(minute), cwd=clone)
            assert result.code == 0, result.err
            if step % 5 == 4:
                assert sync(yq, clone, minute)["conflicted"] == []
    # closes: two offices close a case each while the third, not yet synced, notes both
    for number, case_id in enumerate(cases[:2]):
        minute += 1
        result = yq("close", case_id, "--result", f"办公室{number}办结", "--evaluation", "处置及时",
                    "--force", "--reason", "演练结束", "--now", at(minute), cwd=offices[number])  # fmt: skip
        assert result.code == 0, result.err
        text = f"办公室2补记{number}"
        result = yq("act", case_id, "note", "--text", text, "--now", at(minute), cwd=offices[2])
        assert result.code == 0, result.err
        expected[case_id].add(text)
    for clone in [*offices, *offices]:  # twice round: everyone has everyone's commits
        sync(yq, clone, minute + 1)
    for case_id in cases:
        versions = {
            (clone / "cases" / "2026" / f"{case_id}.yaml").read_bytes() for clone in offices
        }
        assert len(versions) == 1  # every office holds the same file
        data = case_data(offices[0], case_id)
        notes = {e["text"] for e in data["timeline"] if e["action"] == "note"}  # type: ignore[index,union-attr]
        assert notes == expected[case_id]
        assert len(data["timeline"]) == len({str(e) for e in data["timeline"]})  # type: ignore[arg-type]
    closed = [case_data(offices[0], c) for c in cases[:2]]
    assert [c["status"] for c in closed] == ["closed", "closed"]
    assert [c["closure"]["result"] for c in closed] == ["办公室0办结", "办公室1办结"]  # type: ignore[index]
    assert case_data(offices[0], cases[2])["status"] != "closed"
    total = sum(len(case_data(offices[0], c)["grading"]) for c in cases)  # type: ignore[arg-type]
    assert total == gradings
    assert yq("check", "--now", at(minute + 2), cwd=offices[2]).code == 0


def test_a_push_refused_because_another_office_pushed_first_is_merged_and_pushed_again(
    shared: Clones, yq: Runner
) -> None:
    """The race ``sync`` cannot prevent: B pushes between A's fetch and A's push."""
    from yqctl.store.sync import sync as run_sync

    a, b = shared(2)
    case_id, _ = case_in_both(yq, a, b, "同时处置的案件")
    assert yq("act", case_id, "note", "--text", "A 记录", "--now", at(1), cwd=a).code == 0
    assert yq("act", case_id, "note", "--text", "B 记录", "--now", at(2), cwd=b).code == 0
    raced: list[int] = []

    def check_then_b_pushes() -> list[str]:
        if not raced:  # after A merged and checked, before A pushes
            raced.append(1)
            git(b, "push", "-q", "origin", "HEAD")
        return []

    result = run_sync(a, remote=None, push=True, check=check_then_b_pushes)
    assert result.attempts == 2 and result.pushed and result.merged == "merge"
    sync(yq, b, 5)
    for clone in (a, b):
        texts = [e["text"] for e in case_data(clone, case_id)["timeline"]]  # type: ignore[index,union-attr]
        assert texts[-2:] == ["A 记录", "B 记录"]


def test_resolve_asks_field_by_field_on_a_terminal(shared: Clones, yq: Runner) -> None:
    from tests.cli.test_new_prompts import _converse, _yqctl

    a, b = shared(2)
    case_id, path = case_in_both(yq, a, b, "原标题")
    hand_edit(a, path, "title: 原标题", "title: A 的标题")
    hand_edit(a, path, "category: inquiry", "category: constructive")
    git(a, "push", "-q")
    hand_edit(b, path, "title: 原标题", "title: B 的标题")
    hand_edit(b, path, "category: inquiry", "category: fabrication")
    assert sync(yq, b, 1)["conflicted"] == [path.as_posix()]
    code, screen = _converse([_yqctl(), "resolve", case_id], ["x", "2", "3"], b)
    assert code == 0, screen
    assert "title 两边改得不同" in screen and "2. 对方：A 的标题" in screen
    assert "不是 1、2 或 3" in screen  # a wrong answer is asked again
    data = case_data(b, case_id)
    assert data["title"] == "A 的标题" and data["category"] == "inquiry"  # 2: theirs, 3: base
    assert "conflicts" not in data


def _delete(clone: Path, path: Path, subject: str) -> None:
    """An office deletes a case file by hand (a case opened twice, say) and commits it."""
    git(clone, "rm", "-q", "--", path.as_posix())
    office = git(clone, "config", "user.name").strip()
    git(clone, "commit", "-qm", subject, "--author", f"{office} <{office}@example.edu.cn>")


def _merging(clone: Path) -> bool:
    return (clone / ".git" / "MERGE_HEAD").exists()


def test_a_case_deleted_in_one_office_and_changed_in_another_is_named_and_decided_by_resolve(
    shared: Clones, yq: Runner
) -> None:
    """Office A deletes X while B works on it, and B deletes Y while A works on it. B's sync stops
    the merge for a decision (before: it pointed to check, which was clean, and resolve could not
    settle it), says who did what, and check names both; resolve --keep X and --delete Y, each
    under the lock, commit the merge once both are decided, and the next sync pushes it."""
    a, b = shared(2)
    x, x_path = case_in_both(yq, a, b, "宿舍停水")
    y, y_path = case_in_both(yq, a, b, "食堂涨价")
    _delete(a, x_path, "删除重复登记的案件")
    assert yq("act", y, "note", "--text", "A 跟进", "--now", at(5), cwd=a).code == 0
    assert sync(yq, a, 6)["pushed"]
    assert yq("act", x, "note", "--text", "B 跟进", "--now", at(7), cwd=b).code == 0
    _delete(b, y_path, "删除误登记的案件")
    stopped = yq("sync", "--now", at(8), cwd=b)
    assert stopped.code == 1 and "Traceback" not in stopped.err
    said = stopped.err
    assert f"{x}（{x_path.as_posix()}）" in said and f"{y}（{y_path.as_posix()}）" in said
    assert "远程删除：办公室0" in said and "“删除重复登记的案件”" in said
    assert "本地修改：测试值班员，2026-" in said and f"“yqctl act {x}" in said
    assert "本地删除：办公室1" in said and "“删除误登记的案件”" in said
    assert "远程修改：测试值班员，2026-" in said and f"“yqctl act {y}" in said
    assert f"保留修改：yqctl resolve {x} --keep（或 git add {x_path.as_posix()}）" in said
    assert f"接受删除：yqctl resolve {y} --delete（或 git rm {y_path.as_posix()}）" in said
    assert _merging(b) and (b / x_path).exists()  # waiting, with the changed version at hand
    check = yq("check", "--now", at(9), cwd=b)
    assert check.code == 1
    assert f"{x_path.as_posix()}: 同步暂停：本地修改、远程删除" in check.out
    assert f"{y_path.as_posix()}: 同步暂停：本地删除、远程修改" in check.out
    again = yq("sync", "--now", at(9), cwd=b)  # still undecided: says the same, changes nothing
    assert again.code == 1 and f"{x}（" in again.err and _merging(b)
    blocked = yq("act", x, "note", "--text", "暂停时记录", "--now", at(9), cwd=b)
    assert blocked.code == 1 and "暂停时记录" not in (b / x_path).read_text("utf-8")
    assert "git 正在合并中" in blocked.err and "yqctl resolve 编号 --keep" in blocked.err
    fields = yq("resolve", x, "--take", "ours", cwd=b)
    assert fields.code == 1 and "同步暂停在合并中" in fields.err
    head = git(b, "rev-parse", "HEAD")
    kept = yq("resolve", x, "--keep", cwd=b)
    assert kept.code == 0, kept.err
    assert f"还有 {y} 待决定" in kept.out and git(b, "rev-parse", "HEAD") == head
    deleted = yq("resolve", y, "--delete", "--json", cwd=b)
    assert deleted.code == 0, deleted.err
    assert deleted.json() == {"id": y, "decided": "delete", "merged": True, "pending": []}
    assert not _merging(b) and git(b, "status", "--porcelain") == ""
    subject, body = git(b, "log", "-1", "--format=%s%n%b").split("\n", 1)
    branch = git(b, "branch", "--show-current").strip()
    decided = f"{y} 接受删除（本地删除、远程修改）"
    assert subject == f"yqctl resolve {y}: {decided}，完成与 origin/{branch} 的合并"
    assert f"{x} 保留修改（本地修改、远程删除）" in body
    assert len(git(b, "log", "-1", "--format=%P").split()) == 2  # the merge commit
    assert sync(yq, b, 10)["pushed"]
    sync(yq, a, 11)
    for clone in (a, b):
        texts = [e["text"] for e in case_data(clone, x)["timeline"]]  # type: ignore[index,union-attr]
        assert texts[-1] == "B 跟进" and not (clone / y_path).exists()
        assert yq("check", "--now", at(12), cwd=clone).code == 0


def test_plain_git_settles_it_too_and_the_next_sync_finishes_the_merge(
    shared: Clones, yq: Runner
) -> None:
    a, b = shared(2)
    x, x_path = case_in_both(yq, a, b, "宿舍停水")
    _delete(a, x_path, "删除重复登记的案件")
    sync(yq, a, 1)
    assert yq("act", x, "note", "--text", "B 跟进", "--now", at(2), cwd=b).code == 0
    assert yq("sync", "--now", at(3), cwd=b).code == 1 and _merging(b)
    git(b, "rm", "-q", "--", x_path.as_posix())
    result = sync(yq, b, 4)
    assert result["pushed"] and not _merging(b)
    branch = git(b, "branch", "--show-current").strip()
    decided = f"{x} 接受删除（本地修改、远程删除）"
    assert git(b, "log", "-1", "--format=%s").strip() == (
        f"yqctl sync: 完成与 origin/{branch} 的合并：{decided}"
    )
    assert not (b / x_path).exists() and yq("check", "--now", at(5), cwd=b).code == 0


def test_a_merge_started_by_hand_is_not_finished_by_sync(shared: Clones, yq: Runner) -> None:
    a, b = shared(2)
    x, x_path = case_in_both(yq, a, b, "宿舍停水")
    _delete(a, x_path, "删除重复登记的案件")
    git(a, "push", "-q")
    assert yq("act", x, "note", "--text", "B 跟进", "--now", at(2), cwd=b).code == 0
    git(b, "fetch", "-q")
    merged = subprocess.run(
        ["git", "merge", "origin/HEAD"], cwd=b, capture_output=True, check=False
    )
    assert merged.returncode != 0 and _merging(b)
    result = yq("sync", "--now", at(3), cwd=b)
    assert result.code == 1 and "不是 yqctl sync 开始的 git 合并" in result.err
    assert yq("resolve", x, "--keep", cwd=b).code == 1 and _merging(b)
