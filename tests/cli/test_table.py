"""Plain listings: columns aligned by display width, no terminal control from case text."""

from yqctl.cli.table import printable, render
from yqctl.cli.zh import cells


def test_columns_line_up_by_display_width_with_chinese_text() -> None:
    text = render(
        ("状态", "编号", "标题"), [["已超时", "YQ-1", "甲"], ["open", "YQ-22", "b"]], color=False
    )
    header, first, second = text.splitlines()
    for line in (first, second):
        assert cells(line[: line.index("YQ-")]) == cells(header[: header.index("编号")])
    assert not any(line.endswith(" ") for line in text.splitlines())


def test_display_width_is_unicode_east_asian_width_for_every_character() -> None:
    import unicodedata

    for code in (*range(0xD800), *range(0xE000, 0x30000)):
        ch = chr(code)
        assert cells(ch) == (2 if unicodedata.east_asian_width(ch) in "WF" else 1), hex(code)


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
