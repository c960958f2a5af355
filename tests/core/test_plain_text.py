"""Text that cannot drive a terminal (issue 18 item 9): what a case may hold, and how any
control character that is there anyway is shown."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from yqctl.core.case import Case
from yqctl.textutil import unsafe_char, visible

CASE: dict[str, Any] = {
    "version": 1,
    "id": "YQ-20261124-7KQ2",
    "title": "网传某学院食堂饭菜出现异物",
    "discovered_at": "2026-11-24T09:30:00+08:00",
    "unit": "后勤处",
    "category": "inquiry",
}
ESCAPES = {
    "window-title": "\x1b]0;已处理\x07",
    "clear-screen": "\x1b[2J",
    "c1-csi": "\x9b31m",
    "delete": "\x7f",
    "bidi-override": "\u202egnp.exe",
    "bidi-isolate": "\u2067x\u2069",
    "carriage-return": "\r",
    "nul": "\x00",
}


@pytest.mark.parametrize("bad", list(ESCAPES.values()), ids=list(ESCAPES))
@pytest.mark.parametrize(
    "where",
    [
        {"title": "标题{}"},
        {"summary": "摘要{}"},
        {"sources": [{"platform": "weibo", "account": "账号{}"}]},
        {"timeline": [{"at": "2026-11-24T09:30:00+08:00", "action": "note", "text": "说明{}"}]},
        {"conflicts": [{"field": "title", "theirs": {"k": ["对方{}"]}}]},
    ],
    ids=["title", "summary", "source-account", "timeline-text", "conflict-value"],
)
def test_control_characters_and_bidi_overrides_are_refused_in_every_text(
    where: dict[str, Any], bad: str
) -> None:
    data = {**CASE, **_filled(where, bad)}
    with pytest.raises(ValidationError, match="控制字符"):
        Case.model_validate(data)


def _filled(value: Any, bad: str) -> Any:
    if isinstance(value, str):
        return value.format(bad)
    if isinstance(value, dict):
        return {key: _filled(item, bad) for key, item in value.items()}
    return [_filled(item, bad) for item in value]


@pytest.mark.parametrize("field", ["title", "unit", "discovered_by"])
@pytest.mark.parametrize("brk", ["\n", "\t", "\u2028"])
def test_one_line_fields_refuse_a_line_break_or_tab(field: str, brk: str) -> None:
    with pytest.raises(ValidationError, match="只能写一行"):
        Case.model_validate({**CASE, field: f"第一行{brk}第二行"})


def test_prose_keeps_its_newlines_and_tabs() -> None:
    case = Case.model_validate({**CASE, "summary": "第一段\n\t第二段\u3000全角空格"})
    assert case.summary == "第一段\n\t第二段\u3000全角空格"


def test_unsafe_char_says_where_and_what() -> None:
    assert unsafe_char("中文标题，全角　空格 and ASCII", multiline=False) is None
    assert unsafe_char("ab\x1b[2J", multiline=True) == (2, "\x1b")
    assert unsafe_char("ab\ncd", multiline=True) is None
    assert unsafe_char("ab\ncd", multiline=False) == (2, "\n")


def test_visible_writes_every_control_out_and_keeps_the_rest() -> None:
    assert visible("标题\x1b]0;x\x07\x9b\u202e尾") == "标题\\x1b]0;x\\x07\\x9b\\u202e尾"
    assert visible("一\n\t二") == "一\n\t二"
    assert visible("一\n\t二", keep_lines=False) == "一\\n\\t二"
    text = "正常的标题 [bold]"
    assert visible(text) is text  # nothing to do: the same object, no copy
