"""``yqctl edit`` through the real console script, a real git repository and a scripted editor:
the case file is replaced only by a valid version, an invalid one is shown with its line and
column and may be edited again, and whatever the user typed survives a refusal."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import NOW, git

Snapshot = Callable[[Path], dict[str, bytes]]

# The editor: each run applies the next step to the file it is given (the last step repeats).
# A step may run a command first ({"run": [...]}), replaces texts once each
# ({"replace": [[old, new], …]}) and may exit with a code ({"exit": n}).
EDITOR = """
import json, os, pathlib, subprocess, sys
path = pathlib.Path(sys.argv[1])
state = pathlib.Path(os.environ["FAKE_STATE"])
runs = json.loads(state.read_text()) if state.exists() else []
runs.append(str(path))
state.write_text(json.dumps(runs))
steps = json.loads(os.environ["FAKE_STEPS"])
step = steps[min(len(runs) - 1, len(steps) - 1)]
if "run" in step:
    subprocess.run(step["run"], check=True, capture_output=True)
text = path.read_text(encoding="utf-8")
for old, new in step.get("replace", []):
    assert old in text, old
    text = text.replace(old, new, 1)
path.write_text(text, encoding="utf-8")
sys.exit(step.get("exit", 0))
"""


def _yqctl() -> str:
    script = Path(sys.executable).with_name("yqctl")
    return str(script) if script.exists() else shutil.which("yqctl") or "yqctl"


class Editing:
    """Runs ``yqctl edit`` with the scripted editor and remembers what the editor saw."""

    def __init__(self, root: Path, tmp: Path) -> None:
        self.root, self.tmp = root, tmp
        self.script = tmp / "fake_editor.py"
        self.script.write_text(EDITOR, encoding="utf-8")
        self.state = tmp / "editor-runs.json"

    def __call__(
        self, case_id: str, steps: list[dict[str, object]], answers: str = ""
    ) -> subprocess.CompletedProcess[str]:
        self.state.unlink(missing_ok=True)
        env = {
            **os.environ,
            "EDITOR": f"{sys.executable} {self.script}",
            "FAKE_STATE": str(self.state),
            "FAKE_STEPS": json.dumps(steps, ensure_ascii=False),
        }
        env.pop("VISUAL", None)
        return subprocess.run(
            [_yqctl(), "edit", case_id, "--now", NOW],
            cwd=self.root,
            env=env,
            input=answers,
            capture_output=True,
            text=True,
            timeout=120,
        )

    @property
    def runs(self) -> list[str]:
        return json.loads(self.state.read_text()) if self.state.exists() else []  # type: ignore[no-any-return]


@pytest.fixture
def editing(repo: Path, tmp_path: Path) -> Editing:
    return Editing(repo, tmp_path)


@pytest.fixture
def case_id(new_case: Callable[..., str]) -> str:
    return new_case("--discovered-at", "2026-11-24T09:00:00+08:00", "--signal", "reposts=20")


def _path(repo: Path, case_id: str) -> Path:
    return repo / "cases" / "2026" / f"{case_id}.yaml"


def _unchanged(repo: Path, snapshot: Snapshot, before: dict[str, bytes], head: str) -> None:
    assert snapshot(repo) == before
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""


def test_a_valid_edit_is_written_as_typed_and_committed_once(
    repo: Path, editing: Editing, case_id: str
) -> None:
    path = _path(repo, case_id)
    path.write_text(path.read_text("utf-8") + "# 值班员手记：保留\n", encoding="utf-8")
    git(repo, "commit", "-qam", "hand note")
    commits = int(git(repo, "rev-list", "--count", "HEAD"))
    result = editing(
        case_id, [{"replace": [["reposts: 20", "reposts: 20  # 截至 15 时\n  comments: 7"]]}]
    )
    assert result.returncode == 0, result.stderr
    text = path.read_text("utf-8")
    assert "reposts: 20  # 截至 15 时" in text and "# 值班员手记：保留" in text
    assert yaml.safe_load(text)["signals"]["comments"] == 7
    assert int(git(repo, "rev-list", "--count", "HEAD")) == commits + 1
    message = git(repo, "log", "-1", "--format=%s").strip()
    assert message == f"yqctl edit {case_id}: 修改 signals.comments"
    assert git(repo, "status", "--porcelain") == ""
    assert not Path(editing.runs[0]).parent.exists()  # the copy is cleaned up once taken


def test_invalid_yaml_then_quitting_leaves_the_case_alone_and_keeps_the_copy(
    repo: Path, editing: Editing, case_id: str, snapshot: Snapshot
) -> None:
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = editing(case_id, [{"replace": [["title: ", "title: [未闭合\n"]]}], answers="n\n")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    copy = editing.runs[0]
    assert re.search(re.escape(copy) + r":\d+:\d+: YAML 语法错误", result.stderr), result.stderr
    assert "重新编辑" in result.stderr and f"保存在 {copy}" in result.stderr
    assert "[未闭合" in Path(copy).read_text("utf-8")  # what the user typed is not lost
    assert len(editing.runs) == 1
    _unchanged(repo, snapshot, before, head)


def test_end_of_input_at_the_question_means_no(
    repo: Path, editing: Editing, case_id: str, snapshot: Snapshot
) -> None:
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = editing(case_id, [{"replace": [["reposts: 20", "reposts: -5"]]}], answers="")
    assert result.returncode == 1
    assert "signals.reposts" in result.stderr and "Traceback" not in result.stderr
    _unchanged(repo, snapshot, before, head)


def test_errors_can_be_fixed_by_editing_again(repo: Path, editing: Editing, case_id: str) -> None:
    steps: list[dict[str, object]] = [
        {"replace": [["reposts: 20", "reposts: 很多"]]},
        {"replace": [["reposts: 很多", "reposts: 3000"]]},
    ]
    result = editing(case_id, steps, answers="\n")  # Enter: the default is to edit again
    assert result.returncode == 0, result.stderr
    assert len(editing.runs) == 2 and editing.runs[0] == editing.runs[1]  # the same copy again
    assert "signals.reposts" in result.stderr  # the first save's error was shown
    assert yaml.safe_load(_path(repo, case_id).read_text("utf-8"))["signals"]["reposts"] == 3000
    assert "修改 signals.reposts" in git(repo, "log", "-1", "--format=%s")


@pytest.mark.parametrize(
    ("old", "new", "field", "command"),
    [
        ("text: ", "text: 改写过的", "timeline", "yqctl act"),
        ("unit: 后勤处", "unit: 学生处", "unit", "yqctl assign"),
        ("status: open", "status: closed", "status", "yqctl status"),
    ],
)
def test_fields_other_commands_own_are_refused(
    repo: Path,
    editing: Editing,
    case_id: str,
    snapshot: Snapshot,
    old: str,
    new: str,
    field: str,
    command: str,
) -> None:
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = editing(case_id, [{"replace": [[old, new]]}], answers="n\n")
    assert result.returncode == 1
    assert f"{field} 不能在 edit 中修改" in result.stderr and command in result.stderr
    assert re.search(re.escape(editing.runs[0]) + r":\d+:1: " + field, result.stderr)
    _unchanged(repo, snapshot, before, head)


def test_changing_the_id_is_refused(
    repo: Path, editing: Editing, case_id: str, snapshot: Snapshot
) -> None:
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = editing(case_id, [{"replace": [[f"id: {case_id}", "id: YQ-20261124-ZZZZ"]]}], "n\n")
    assert result.returncode == 1 and "不能修改案件编号" in result.stderr
    _unchanged(repo, snapshot, before, head)


def test_no_change_makes_no_commit(
    repo: Path, editing: Editing, case_id: str, snapshot: Snapshot
) -> None:
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = editing(case_id, [{}])
    assert result.returncode == 0 and "未作修改" in result.stderr
    _unchanged(repo, snapshot, before, head)
    assert not Path(editing.runs[0]).parent.exists()


def test_an_editor_that_fails_changes_nothing(
    repo: Path, editing: Editing, case_id: str, snapshot: Snapshot
) -> None:
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = editing(case_id, [{"replace": [["reposts: 20", "reposts: 30"]], "exit": 1}])
    assert result.returncode == 1 and "退出码 1" in result.stderr
    assert f"保存在 {editing.runs[0]}" in result.stderr  # typed, then abandoned: still kept
    _unchanged(repo, snapshot, before, head)


def test_a_change_made_meanwhile_is_not_overwritten(
    repo: Path, editing: Editing, case_id: str, snapshot: Snapshot
) -> None:
    # while the editor is open, another office member records a note on the same case
    note = [_yqctl(), "act", case_id, "note", "--text", "编辑期间的记录", "--now", NOW]
    step = {"run": note, "replace": [["reposts: 20", "reposts: 40"]]}
    result = editing(case_id, [step])
    assert result.returncode == 1
    assert "已被其他命令或同步修改" in result.stderr
    copy = Path(editing.runs[0])
    assert f"保存在 {copy}" in result.stderr and "reposts: 40" in copy.read_text("utf-8")
    text = _path(repo, case_id).read_text("utf-8")
    assert "编辑期间的记录" in text and "reposts: 20" in text  # the note survives
    assert git(repo, "log", "-1", "--format=%s").startswith(f"yqctl act {case_id}")
    assert git(repo, "status", "--porcelain") == ""


def test_a_closed_case_is_refused_before_the_editor_opens(
    repo: Path, editing: Editing, case_id: str
) -> None:
    subprocess.run(
        [_yqctl(), "close", case_id, "--result", "已核实", "--evaluation", "处置得当",
         "--force", "--reason", "测试", "--now", NOW],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip
    result = editing(case_id, [{"replace": [["reposts: 20", "reposts: 30"]]}])
    assert result.returncode == 1 and "已办结" in result.stderr and "yqctl reopen" in result.stderr
    assert editing.runs == []


def test_a_signal_change_on_a_graded_case_says_what_grade_would_give(
    repo: Path, editing: Editing, case_id: str
) -> None:
    subprocess.run(
        [_yqctl(), "grade", case_id, "--now", NOW], cwd=repo, check=True, capture_output=True
    )
    pairs = [["spread: isolated", "spread: local_hotspot"], ["harmful: false", "harmful: true"]]
    result = editing(case_id, [{"replace": pairs}])
    assert result.returncode == 0, result.stderr
    assert (
        "级别可能变化" in result.stdout and "二级" in result.stdout
    )  # university 四: 局部热点且有害
    assert yaml.safe_load(_path(repo, case_id).read_text("utf-8"))["level"] == 3  # not re-graded


def test_an_emptied_file_is_an_error_to_edit_again_not_a_crash(
    repo: Path, editing: Editing, case_id: str, snapshot: Snapshot
) -> None:
    text = _path(repo, case_id).read_text("utf-8")
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = editing(case_id, [{"replace": [[text, ""]]}], answers="n\n")
    assert result.returncode == 1 and "文件为空" in result.stderr and "重新编辑" in result.stderr
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    _unchanged(repo, snapshot, before, head)
