"""Text cannot drive the terminal (issue 18 item 9), through the real CLI on real repositories.

A title holding ``ESC]0;…BEL ESC[2J`` (retitle the window, clear the screen) passed ``check`` and
``show``/``history`` printed it raw. Now: every write and ``check`` refuse control characters
and bidi overrides (``path:line:col``; newlines and tabs only in prose), everything shown goes
out through ``cli/common.py``, which writes any control character that is there anyway (a
commit's author or message, a file's name) visibly as ``\\x1b``, and rich markup in a value
(``[bold red]``, ``[link=…]``) is shown as the text it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_bad_input import case_text, head, no_traceback, problem_line, put
from tests.conftest import NOW, Result, Runner, git

Snapshot = Callable[[Path], dict[str, bytes]]

ESC = "\x1b]0;已处理\x07\x1b[2J"  # retitle the window, then clear the screen
SHOWN_ESC = "\\x1b]0;已处理\\x07\\x1b[2J"  # as a terminal must be given it
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BAD_ID = "YQ-20261124-BAD1"
BAD_FILE = f"cases/2026/{BAD_ID}.yaml"


@pytest.fixture
def case_id(new_case: Callable[..., str]) -> str:
    return new_case("--source", "https://weibo.com/1/AbC")


def raw_controls(*texts: str) -> list[str]:
    return [found for text in texts for found in RAW.findall(text)]


def refused(
    yq: Runner, repo: Path, snapshot: Snapshot, args: tuple[str, ...], case_id: str, *, code: int
) -> Result:
    """Run a write that must be refused with ``code``: nothing raw said, nothing changed."""
    before, commit = snapshot(repo), head(repo)
    result = yq(*(a.replace("{id}", case_id) for a in args), "--repo", str(repo), "--now", NOW)
    assert result.code == code, (result.out, result.err)
    no_traceback(result)
    assert not raw_controls(result.out, result.err)
    assert snapshot(repo) == before and head(repo) == commit
    return result


# --- every write refuses them, and leaves everything as it was --------------------------------

# Each write, its exit code and how its message starts: a value that goes into the case file is
# named at the file's line and column; grade and close build part of the case before the file
# is validated, so they name the flag (a usage error)
AT_FILE = r"cases/2026/YQ-\S+\.yaml:\d+:\d+: "
REFUSALS: dict[str, tuple[tuple[str, ...], int, str]] = {
    "new-title": (
        ("new", "--title", f"标题{ESC}", "--unit", "后勤处", "--category", "inquiry"),
        1, AT_FILE + "title: 含有控制字符 ",
    ),
    "new-by": (
        ("new", "--title", "标题", "--unit", "后勤处", "--category", "inquiry", "--by", ESC),
        1, AT_FILE + "discovered_by: 含有控制字符 ",
    ),
    "set-title": (("set", "{id}", f"title=标题{ESC}"), 1, AT_FILE + "title: 含有控制字符 "),
    "set-account": (
        ("set", "{id}", f"sources.1.account=账号{ESC}"),
        1, AT_FILE + r"sources\[0\]\.account: 含有控制字符 ",
    ),
    "act-text": (
        ("act", "{id}", "note", "--text", f"补记{ESC}"),
        1, AT_FILE + r"timeline\[1\]\.text: 含有控制字符 ",
    ),
    "act-bidi": (
        ("act", "{id}", "note", "--text", "附件\u202egnp.exe"),
        1, AT_FILE + r"timeline\[1\]\.text: 含有控制字符 \\u202e",
    ),
    "title-newline": (("set", "{id}", "title=第一行\n第二行"), 1, AT_FILE + "title: 只能写一行"),
    "grade-reason": (
        ("grade", "{id}", "--level", "2", "--reason", f"上级要求{ESC}"),
        2, "错误：--reason 含有控制字符 ",
    ),
    "close-result": (
        ("close", "{id}", "--result", f"已澄清{ESC}", "--evaluation", "及时",
         "--force", "--reason", "测试"),
        2, "错误：--result 含有控制字符 ",
    ),
    "close-by": (
        ("close", "{id}", "--result", "已澄清", "--evaluation", "及时", "--by", "值班\n员"),
        2, "错误：--by 只能写一行",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(REFUSALS))
def test_every_write_refuses_control_characters_and_changes_nothing(
    name: str, repo: Path, case_id: str, yq: Runner, snapshot: Snapshot
) -> None:
    args, code, message = REFUSALS[name]
    result = refused(yq, repo, snapshot, args, case_id, code=code)
    assert re.match(message, result.err), result.err


def test_a_default_author_in_yq_yaml_must_be_plain_too(repo: Path, yq: Runner) -> None:
    config = repo / "yq.yaml"
    hostile = 'default_author: "值班员\\e[2J"'  # YAML's \e is ESC
    text = re.sub(r"(?m)^default_author:.*$", lambda _: hostile, config.read_text("utf-8"))
    config.write_text(text, "utf-8")
    git(repo, "commit", "-qam", "默认经办")
    checked = yq("check", "--repo", str(repo))
    problem_line(checked, "yq.yaml:", "default_author", "控制字符")


def test_a_policy_level_name_that_grading_copies_into_cases_must_be_plain(
    repo: Path, case_id: str, yq: Runner, snapshot: Snapshot
) -> None:
    policy = repo / "policies" / "university.yaml"
    text = policy.read_text("utf-8")
    assert "    name: 三级\n" in text
    policy.write_text(text.replace("    name: 三级\n", '    name: "三级\\e[2J"\n'), "utf-8")
    git(repo, "commit", "-qam", "级别名称")
    problem_line(yq("check", "--repo", str(repo)), "policies/university.yaml:", "控制字符")
    result = refused(yq, repo, snapshot, ("grade", "{id}"), case_id, code=1)
    assert "policies/university.yaml:" in result.err and "控制字符" in result.err


def test_evidence_note_is_refused_and_the_copy_is_taken_back(
    repo: Path, case_id: str, yq: Runner, snapshot: Snapshot, tmp_path: Path
) -> None:
    shot = tmp_path / "截图.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n")
    before, commit = snapshot(repo), head(repo)
    result = yq("evidence", "add", case_id, str(shot), "--note", ESC, "--repo", str(repo))
    assert result.code == 1 and "控制字符" in result.err
    assert snapshot(repo) == before and head(repo) == commit


def test_an_evidence_file_named_with_control_characters_is_kept_under_a_plain_name(
    repo: Path, case_id: str, yq: Runner, tmp_path: Path
) -> None:
    shot = tmp_path / "截图\x1b[2J\u202e.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n")
    result = yq("evidence", "add", case_id, str(shot), "--repo", str(repo), "--json")
    assert result.code == 0, result.err
    assert result.json()["added"] == [f"evidence/{case_id}/截图_[2J_.png"]


def blocked_import(yq: Runner, repo: Path, snapshot: Snapshot, export: Path, *lines: str) -> Result:
    """Import an export of ``lines`` that a bad row blocks: exit 1, nothing raw said, nothing
    changed."""
    export.write_text("\n".join(lines) + "\n", "utf-8")
    result = refused(yq, repo, snapshot, ("import", str(export), "--unit", "后勤处"), "", code=1)
    assert "未导入任何案件" in result.err
    return result


def test_import_names_the_cell_and_opens_nothing(
    repo: Path, yq: Runner, tmp_path: Path, snapshot: Snapshot
) -> None:
    export = tmp_path / "leads.csv"
    result = blocked_import(
        yq, repo, snapshot, export,
        "标题,原文链接,正文",
        "正常的一条,https://weibo.com/1/A,内容",
        f"网传食堂{ESC},https://weibo.com/1/B,内容",
        '正文有换行也可以,https://weibo.com/1/C,"第一行\r\n第二行"',
    )  # fmt: skip
    assert f"{export}:3:1: 标题：含有控制字符 \\x1b" in result.err
    taken = yq(
        "import", str(export), "--unit", "后勤处", "--skip-invalid", "--json",
        "--repo", str(repo), "--now", NOW,
    )  # fmt: skip
    assert taken.code == 0, taken.err
    assert [item["row"] for item in taken.json()["opened"]] == [2, 4]  # a CRLF in a cell is a line


# --- check names what a hand edit (or an older yqctl) left in a file --------------------------

HAND_EDITS = {
    "escape-in-title": (
        ("title: 网传某学院食堂饭菜出现异物", 'title: "网传\\e]0;x\\a\\e[2J"'),
        3,
        8,
    ),
    "c1-in-summary": (("summary: 有学生", 'summary: "\\x9b31m有学生'), 8, 10),
    "bidi-in-account": (
        ("    url: https://weibo.com/1234567890/AbCdEf", '    account: "\\u202eabc"'),
        11,
        14,
    ),
    "newline-in-unit": (("unit: 后勤处", 'unit: "后勤处\\n学生处"'), 6, 7),
}


@pytest.mark.parametrize("name", list(HAND_EDITS))
def test_check_show_and_list_name_a_control_character_at_its_line_and_column(
    name: str, repo: Path, case_id: str, yq: Runner
) -> None:
    (old, new), line, col = HAND_EDITS[name]
    text = case_text(BAD_ID, (old, new))
    if name == "c1-in-summary":
        text = text.replace("出现异物。\n", '出现异物。"\n')
    put(repo, BAD_FILE, text)
    word = "只能写一行" if name == "newline-in-unit" else "控制字符"
    checked = yq("check", "--repo", str(repo))
    problem_line(checked, f"{BAD_FILE}:{line}:{col}: ", word)
    problem_line(yq("show", BAD_ID, "--repo", str(repo)), f"{BAD_FILE}:{line}:{col}: ", word)
    listed = yq("list", "--repo", str(repo), "--json")
    problem_line(listed, f"{BAD_FILE}:{line}:{col}: ", word)
    assert [case["id"] for case in listed.json()] == [case_id]
    for result in (checked, listed):
        assert not raw_controls(result.out, result.err)


# --- what is there anyway is shown visibly -----------------------------------------------------


def test_history_shows_a_commit_authors_and_messages_controls_visibly(
    repo: Path, case_id: str, yq: Runner
) -> None:
    path = repo / f"cases/2026/{case_id}.yaml"
    path.write_text(path.read_text("utf-8").replace("网传食堂", "网传二食堂"), "utf-8")
    git(repo, "add", "-A")
    git(
        repo, "-c", f"user.name=值班员{ESC}", "-c", "user.email=x@example.cn",
        "commit", "-q", "--author", f"值班员{ESC} <x@example.cn>", "-m", f"改标题{ESC}\u202e",
    )  # fmt: skip
    result = yq("history", case_id, "--repo", str(repo))
    assert result.code == 0, result.err
    assert not raw_controls(result.out, result.err)
    assert f"值班员{SHOWN_ESC}" in result.out and f"改标题{SHOWN_ESC}\\u202e" in result.out

    as_json = yq("history", case_id, "--repo", str(repo), "--json")
    assert not raw_controls(as_json.out)  # JSON escapes them as \u001b, \u202e …
    assert any(r["subject"] == f"改标题{ESC}\u202e" for r in as_json.json())


def test_a_file_name_with_controls_is_named_visibly_by_check_and_list(
    repo: Path, case_id: str, yq: Runner
) -> None:
    name = f"cases/2026/{ESC}\x9b.yaml"
    put(repo, name, case_text(BAD_ID))
    for args in (("check",), ("list",), ("due", "--now", NOW), ("list", "--json")):
        result = yq(*args, "--repo", str(repo))
        assert result.code == 1, (args, result.err)
        assert not raw_controls(result.out, result.err), args
        assert f"cases/2026/{SHOWN_ESC}\\x9b.yaml" in result.out + result.err, args
    problems = yq("check", "--repo", str(repo), "--json").json()["problems"]
    assert [p["path"] for p in problems] == [name]  # JSON says the name as it is


def test_rich_markup_in_a_value_is_shown_as_text(
    repo: Path, new_case: Callable[..., str], yq: Runner
) -> None:
    title = "[bold red]假通知[/] [link=https://evil.example]点此[/link] :warning:"
    case_id = new_case("--title", title, "--by", "[red]值班员[/red]")
    acted = yq("act", case_id, "note", "--text", "[reverse]补记[/]", "--repo", str(repo),
               "--now", NOW)  # fmt: skip
    assert acted.code == 0, acted.err
    shown = yq("show", case_id, "--repo", str(repo), "--now", NOW)
    assert title in shown.out and "[reverse]补记[/]" in shown.out
    assert "[red]值班员[/red]" in shown.out
    history = yq("history", case_id, "--repo", str(repo))
    assert f"yqctl new {case_id}: {title}" in history.out
    listed = yq("list", "--repo", str(repo))
    assert title in listed.out


# --- one place for all of it -------------------------------------------------------------------

WRITERS = re.compile(r"sys\.(stdout|stderr)\.write|typer\.echo\(|(?<![\w.])print\(|Console\(")


def test_no_command_writes_to_the_terminal_but_through_common() -> None:
    cli = Path(__file__).resolve().parents[2] / "src" / "yqctl" / "cli"
    found = {
        f"{path.name}:{number}": line.strip()
        for path in sorted(cli.glob("*.py"))
        if path.name != "common.py"
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if WRITERS.search(line)
    }
    assert found == {}, "write through cli/common.py (console, write, write_table, emit_json)"


def test_json_output_holds_no_raw_control_and_reads_back_the_same() -> None:
    import io
    from contextlib import redirect_stdout

    from yqctl.cli.common import emit_json

    value = {"title": f"{ESC}\x7f\x9b\u202e\u2028尾"}
    out = io.StringIO()
    with redirect_stdout(out):
        emit_json(value)
    assert not raw_controls(out.getvalue()) and "\u2028" not in out.getvalue()
    assert json.loads(out.getvalue()) == value
