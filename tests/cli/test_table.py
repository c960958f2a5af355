"""Plain listings: columns aligned by display width, no terminal control from case text."""

import importlib.util
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from yqctl.cli.table import printable, render
from yqctl.cli.wide import UNICODE_VERSION
from yqctl.cli.zh import cells


def test_columns_line_up_by_display_width_with_chinese_text() -> None:
    text = render(
        ("状态", "编号", "标题"), [["已超时", "YQ-1", "甲"], ["open", "YQ-22", "b"]], color=False
    )
    header, first, second = text.splitlines()
    for line in (first, second):
        assert cells(line[: line.index("YQ-")]) == cells(header[: header.index("编号")])
    assert not any(line.endswith(" ") for line in text.splitlines())


def _wide_table_tool() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "tools" / "make_wide_table.py"
    spec = importlib.util.spec_from_file_location("make_wide_table", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_display_width_is_unicode_east_asian_width_for_every_character() -> None:
    tool = _wide_table_tool()
    for code in (*range(0xD800), *range(0xE000, 0x40000)):
        assert cells(chr(code)) == (2 if tool.is_wide(code) else 1), hex(code)
    assert [cells(ch) for ch in "中Ａa😀\u0378\u3400"] == [2, 2, 1, 2, 1, 2]


@pytest.mark.skipif(
    unicodedata.unidata_version != UNICODE_VERSION, reason="the table is for another Unicode"
)
def test_the_wide_table_is_what_its_generator_writes() -> None:
    assert (Path(__file__).resolve().parents[2] / "src/yqctl/cli/wide.py").read_text(
        "utf-8"
    ) == _wide_table_tool().source(), "run python tools/make_wide_table.py"


def test_a_title_cannot_send_escape_sequences_or_break_the_line() -> None:
    title = "标题\x1b[2J\x1b]0;pwned\x07第二行\n第三行\r"
    out = render(("标题",), [[title]], color=False)
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert out.count("\n") == 2  # the header and one row
    assert printable("正常的标题") == "正常的标题"


def test_colour_only_when_asked() -> None:
    rows = [[("已超时", "bold red"), "x"]]
    assert "\x1b[1;31m已超时\x1b[0m" in render(("状态", "x"), rows, color=True)
    assert "\x1b" not in render(("状态", "x"), rows, color=False)
