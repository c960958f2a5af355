"""Markdown templates escape what they print (render/markdown.py): the escaping itself, and the
ways a value can reach the output — printed, joined, added, formatted, replaced, in a macro."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from tests.render.conftest import Write
from yqctl.render.markdown import escape_markdown, md_cell, md_code, md_link, md_pre
from yqctl.render.templates import TemplateSet

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("[点此](javascript:alert(1))", "\\[点此\\](javascript:alert(1))"),
        ("![图](http://e.com/x.png)", "!\\[图\\](http://e.com/x.png)"),
        ("# 标题", "\\# 标题"),
        ("  ## 标题", "  \\## 标题"),
        ("第一行\n# 第二行", "第一行\n\\# 第二行"),
        ("> 引用", "\\> 引用"),
        ("- 列表", "\\- 列表"),
        ("+ 列表", "\\+ 列表"),
        ("* 列表", "\\* 列表"),
        ("1. 编号", "1\\. 编号"),
        ("2) 编号", "2\\) 编号"),
        ("---", "\\---"),
        ("===", "\\==="),
        ("a | b", "a \\| b"),
        ("**粗** _斜_ ~~删~~ `码`", "\\*\\*粗\\*\\* \\_斜\\_ \\~\\~删\\~\\~ \\`码\\`"),
        ("```", "\\`\\`\\`"),
        ("&lt;b&gt; &#60; & 和", "\\&lt;b\\&gt; \\&#60; & 和"),
        ("C:\\temp", "C:\\\\temp"),
        # left as they are: nothing Markdown reads in them
        ("2026-11-24 09:30", "2026-11-24 09:30"),
        ("1.5万 -5℃ a-b", "1.5万 -5℃ a-b"),
        ("snake_case_name", "snake_case_name"),
        ("https://weibo.com/1/abc?x=1&y=2", "https://weibo.com/1/abc?x=1&y=2"),
        ("网传食堂饭菜出现异物", "网传食堂饭菜出现异物"),
    ],
)
def test_escape_markdown(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "# 标题\n- 列表\n1. 编号\n> 引用\n---\n| a | b |\n|---|---|\n```\ncode",
        "[x](javascript:alert(1)) ![y](http://e.com/y.png) <http://e.com> *a* _b_ ~~c~~ `d`",
        "&lt;b&gt; &amp; \\* \\",
    ],
)
def test_escaped_text_is_one_paragraph_of_the_same_text(text: str) -> None:
    tokens = PARSER.parse(escape_markdown(text).replace("\n", " "))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert [c.type for c in tokens[1].children or []] == ["text"]
    assert tokens[1].children[0].content == text.replace("\n", " ")  # type: ignore[index]


def test_filters_for_places_where_backslashes_do_not_work() -> None:
    assert md_cell("a|b\r\nc <i>") == "a\\|b<br>c \\<i\\>"
    assert md_cell(None) == "" and md_cell(3) == "3"
    assert md_code("evidence/YQ-1/_shot.png") == "`evidence/YQ-1/_shot.png`"
    assert md_code("a`b|c") == "``a`b\\|c``"
    assert md_code("`x`") == "`` `x` ``"
    assert md_link("https://e.com/a_b?x=1&y=2") == "<https://e.com/a_b?x=1&y=2>"
    assert md_link("https://e.com/a>b|c d") == "<https://e.com/a%3Eb%7Cc%20d>"
    assert md_link("script") == "script" and md_link("<b>") == "\\<b\\>"  # never `<` + text + `>`
    assert md_pre("```\n一级") == "ˋˋˋ 一级"


HOSTILE = "# 标题 <b>x</b> | *y*"
ESCAPED = "\\# 标题 \\<b\\>x\\</b\\> \\| \\*y\\*"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ t }}", ESCAPED),
        ("{{ t | trim }}", ESCAPED),
        ("{{ t ~ '!' }}", ESCAPED + "!"),
        ("{% set s %}{{ t }}{% endset %}{{ s }}", ESCAPED),  # a block's output is Markdown already
        ("{{ m() ~ t }}", "**粗**" + ESCAPED),
        ("{{ m() + t }}", "**粗**" + ESCAPED),
        ("{{ [m(), t] | join(' ') }}", "**粗** " + ESCAPED),
        ("{{ [t, t] | join('|') }}", escape_markdown(HOSTILE + "|" + HOSTILE)),  # one text
        ("{{ m() | replace('粗', t) }}", "**" + ESCAPED + "**"),
        ("{{ m().replace('粗', t) }}", "**" + ESCAPED + "**"),
        ("{{ '%s！' | format(t) }}", ESCAPED + "！"),
        ("{{ (m() ~ '%s') % t }}", "**粗**" + ESCAPED),
        ("{{ t | e }}", ESCAPED),
        ("{{ t | md_cell }}", ESCAPED),
        ("{{ t | safe }}", HOSTILE),  # on purpose
    ],
)
def test_every_way_to_print_user_text_escapes_it_once(
    source: str, expected: str, templates: TemplateSet, write_repo: Write
) -> None:
    write_repo("daily.md.j2", "{% macro m() %}**粗**{% endmacro %}" + source)
    assert templates.render_text("daily.md.j2", {"t": HOSTILE}) == expected


def test_html_templates_still_escape_as_html(templates: TemplateSet, write_repo: Write) -> None:
    write_repo("daily.html.j2", "<p>{{ t }}</p><p>{{ t | md_cell }}</p>")
    html = templates.render_text("daily.html.j2", {"t": HOSTILE})
    assert (
        html == "<p># 标题 &lt;b&gt;x&lt;/b&gt; | *y*</p><p># 标题 &lt;b&gt;x&lt;/b&gt; \\| *y*</p>"
    )
