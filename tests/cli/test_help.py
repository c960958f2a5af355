"""Help and usage errors: plain Chinese text, no rich, and a start-up that imports nothing heavy."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperCommand, TyperGroup

from tests.conftest import NOW, Runner
from yqctl.cli.main import app
from yqctl.cli.zh import cells, wrap

# Modules a command imports when it runs, never at start-up or for help.
HEAVY = (
    "rich",
    "markdown_it",
    "pydantic",
    "pydantic_core",
    "yaml",
    "ruamel",
    "jinja2",
    "matplotlib",
    "weasyprint",
    "docx",
    "docxtpl",
    "dateutil",
    "chinese_calendar",
)

# What click and typer would have said in English.
ENGLISH = (
    "Usage:",
    "Options",
    "Arguments",
    "Commands",
    "Show this message",
    "default:",
    "env var",
    "required",
    "[OPTIONS]",
    "COMMAND [ARGS]",
    "<str>",
    "<path>",
    "<int>",
)


def _commands() -> Iterator[tuple[tuple[str, ...], TyperCommand | TyperGroup]]:
    """Every command and group of the app, as (path, click command), the app itself first."""

    def walk(path: tuple[str, ...], command: object) -> Iterator[tuple[tuple[str, ...], object]]:
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk((*path, name), sub)

    for path, command in walk((), typer.main.get_command(app)):
        assert isinstance(command, TyperCommand | TyperGroup)
        yield path, command


COMMANDS = [path for path, _ in _commands()]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    "argv",
    [None, ["--help"], ["report", "--help"], ["new", "--help"], ["--version"], []],
    ids=["import", "help", "report-help", "new-help", "version", "no-args"],
)
def test_start_up_and_help_import_nothing_heavy(argv: list[str] | None) -> None:
    loaded = modules_loaded_by(argv)
    assert "yqctl" in loaded
    assert sorted(loaded & set(HEAVY)) == []


@pytest.mark.parametrize("command", ["due", "list"])
@pytest.mark.parametrize("output", [[], ["--json"]], ids=["table", "json"])
def test_due_and_list_on_a_warm_index_import_nothing_heavy(
    command: str, output: list[str], demo_repo: Path, yq: Runner
) -> None:
    """Cron runs `due` every few minutes: once the index is warm it reads no YAML, builds no
    model, and prints without rich (each of those is ~30–100 ms of start-up). `list` works on
    the summaries the index keeps."""
    argv = [command, "--repo", str(demo_repo), "--now", NOW, *output]
    assert yq(*argv).code == 0  # warms the index
    assert sorted(modules_loaded_by(argv) & set(HEAVY)) == []


def modules_loaded_by(argv: list[str] | None) -> set[str]:
    """The top-level packages imported by running ``yqctl *argv`` (None: just importing)."""
    script = (
        "import contextlib, io, json, sys\n"
        "from yqctl.cli.launch import main\n"
        f"argv = {argv!r}\n"
        "if argv is not None:\n"
        "    sys.argv = ['yqctl', *argv]\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "        try:\n"
        "            main()\n"
        "        except SystemExit:\n"
        "            pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in json.loads(done.stdout)}


def test_commands_have_no_string_annotations() -> None:
    """typer evaluates a string annotation (``from __future__ import annotations``) twice per
    option at every start, compiling each: ~45 ms for yqctl's 16 commands."""
    for path, command in _commands():
        callback = command.callback
        if callback is None:
            continue
        hints = getattr(callback, "__wrapped__", callback).__annotations__
        strings = [name for name, hint in hints.items() if isinstance(hint, str)]
        assert strings == [], (path, strings)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "yqctl")
def test_every_help_is_chinese_and_lists_every_option(path: tuple[str, ...], yq: Runner) -> None:
    command = dict(_commands())[path]
    result = yq(*path, "--help")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("用法：" + " ".join(("yqctl", *path)) + " [选项]")
    assert "\n选项：\n" in out and "-h, --help" in out and "显示此帮助并退出" in out
    for english in ENGLISH:
        assert english not in out, english
    compact = _compact(out)
    for param in command.params:
        if getattr(param, "hidden", False):
            continue
        for flag in param.opts if param.param_type_name == "option" else []:
            assert flag in out
        text = getattr(param, "help", None)
        if text:
            assert _compact(text) in compact, text
        envvar = getattr(param, "envvar", None)
        if envvar:
            assert f"环境变量：{envvar}" in compact
    if isinstance(command, TyperGroup):
        assert "\n命令：\n" in out and " [选项] 命令 [参数]..." in out
        for name, sub in command.commands.items():
            listed = f"\n  {name} " in out
            assert listed != sub.hidden, name  # hidden ones (git's merge driver) are not listed


def test_report_and_policy_list_their_commands(yq: Runner) -> None:
    report = yq("report", "--help").out
    for name in ("daily", "weekly", "monthly", "special"):
        assert re.search(rf"^  {name} +舆情", report, re.MULTILINE), name
    assert re.search(r"^  show +以表格显示策略", yq("policy", "--help").out, re.MULTILINE)


def test_defaults_and_required_arguments_are_shown_in_chinese(yq: Runner) -> None:
    assert "[默认：university]" in yq("init", "--help").out
    show = yq("show", "--help").out
    assert "\n参数：\n" in show and re.search(r"^  ID <文本> +案件编号  \[必填\]$", show, re.M)
    assert "--level <整数>..." in yq("list", "--help").out


def test_group_lists_each_command_by_its_first_sentence(yq: Runner) -> None:
    out = yq("--help").out
    assert re.search(r"^  new +登记一起新舆情，输出新案件编号$", out, re.MULTILINE)
    assert "逐项询问" not in out  # the second sentence is for `yqctl new --help`


@pytest.mark.parametrize("path", [(), ("report",), ("policy",)], ids=["yqctl", "report", "policy"])
def test_group_without_arguments_shows_its_help(path: tuple[str, ...], yq: Runner) -> None:
    result = yq(*path)
    assert result.code == 2
    assert result.err.startswith("用法：" + " ".join(("yqctl", *path)))
    assert "\n命令：\n" in result.err


def test_help_fits_a_narrow_terminal(yq: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")  # click's formatter: 2 columns less
    for path in COMMANDS:
        for line in yq(*path, "--help").out.splitlines():
            assert cells(line) <= 58, line


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["bogus"], "错误：没有命令 'bogus'"),
        (["repot"], "错误：没有命令 'repot'；是否想用 'report'？"),
        (["report", "dayly"], "错误：没有命令 'dayly'；是否想用 'daily'？"),
        (["new", "--bogus"], "错误：没有选项 --bogus"),
        (["new", "--titl", "x"], "错误：没有选项 --titl（可能是："),
        (["list", "--level", "x"], "错误：'--level' 的值无效：应为整数"),
        (["show"], "错误：缺少参数 'ID'"),
        (["show", "a", "b"], "错误：多余的参数：b"),
        (["init", "--policy", "foo"], "错误：'--policy' 的值无效：'foo' 不是可选值；可选："),
        (["new", "--title"], "错误：选项 '--title' 需要一个值"),
        (["--version=1"], "错误：选项 '--version' 不接受值"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_usage_errors_are_chinese_with_exit_code_2(args: list[str], said: str, yq: Runner) -> None:
    result = yq(*args)
    assert result.code == 2
    assert said in result.err
    assert "Error" not in result.err and "Usage" not in result.err and "Try " not in result.err


def test_usage_error_shows_the_usage_line_and_where_help_is(yq: Runner) -> None:
    err = yq("show", "a", "b").err
    assert err == "用法：yqctl show [选项] {ID}\n查看帮助：yqctl show -h\n\n错误：多余的参数：b\n"


def test_wrap_counts_chinese_as_two_columns_and_keeps_punctuation_off_line_starts() -> None:
    lines = wrap("案件仓库目录（默认：从当前目录向上查找 yq.yaml），每个事件一个文件。", 20)
    assert all(cells(line) <= 20 for line in lines)
    assert (
        "".join(lines).replace(" ", "")
        == "案件仓库目录（默认：从当前目录向上查找yq.yaml），每个事件一个文件。"
    )
    assert not any(line[0] in "，。）：" for line in lines)
    assert wrap("--policy university 或 middle-school", 16) == [
        "--policy",
        "university 或",
        "middle-school",
    ]
