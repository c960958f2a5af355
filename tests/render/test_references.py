"""``check``'s reading of repository HTML templates: each reference the PDF step would refuse is
named at path:line:col; data: URIs, the document's own values and evidence paths are not."""

from __future__ import annotations

import pytest

from yqctl import resources
from yqctl.render.references import html_templates, outside_references

REFUSED = {
    '<link rel="attachment" href="file:///etc/passwd">': "file:///etc/passwd",
    "<a rel='attachment' href='../../x'>附件</a>": "../../x",
    '<img src="../../x">': "../../x",
    "<img src=/etc/passwd>": "/etc/passwd",
    '<img src="https://example.com/p.png">': "https://example.com/p.png",
    '<img src="//example.com/p.png">': "//example.com/p.png",
    '<link rel="stylesheet" href="style.css">': "style.css",
    "<div style=\"background: url('file:///etc/x.png')\"></div>": "file:///etc/x.png",
    "<style>div { background: url(../../../x.png) }</style>": "../../../x.png",
    '<style>@import "file:///etc/x.css";</style>': "file:///etc/x.css",
    "<style>@import url('http://e.com/x.css');</style>": "http://e.com/x.css",
    '<object data="cases/2026/x.yaml"></object>': "cases/2026/x.yaml",
    '<svg><image xlink:href="file:///etc/x.png"/></svg>': "file:///etc/x.png",
    '<img src="../{{ e.path }}">': "../{{ e.path }}",
    '<img src="file://{{ e.path }}">': "file://{{ e.path }}",
}

ALLOWED = [
    '<img src="{{ charts.per_day }}">',
    '<img src="{{ e.path }}" alt="证据">',
    '<img src="evidence/{{ doc.case_id }}/shot.png">',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<a href="https://www.gov.cn/">政府网</a>',  # a link in the PDF, nothing is read
    '<a href="#sec-2">见下文</a>',
    "<style>p { color: red }</style>",
    '{# <img src="file:///etc/passwd"> #}',  # a Jinja comment never reaches the page
]


@pytest.mark.parametrize("html", REFUSED)
def test_a_reference_the_pdf_step_refuses_is_named_at_its_line_and_column(html: str) -> None:
    text = f"<!doctype html>\n<p>{{{{ doc.title }}}}</p>\n  {html}\n"
    [problem] = outside_references(text, "templates/special.html.j2")
    value = REFUSED[html]
    assert problem.path == "templates/special.html.j2" and problem.line == 3
    assert text.splitlines()[2][problem.col - 1 :].startswith(value)
    assert value in problem.message and "PDF" in problem.message


@pytest.mark.parametrize("html", ALLOWED)
def test_data_uris_document_values_and_links_are_not_flagged(html: str) -> None:
    assert outside_references(f"<p>正文</p>\n{html}\n", "templates/x.html.j2") == []


def test_the_built_in_templates_refer_to_nothing_outside() -> None:
    paths = html_templates(resources.data_dir("templates"))
    assert len(paths) >= 8
    for path in paths:
        assert outside_references(path.read_text("utf-8"), path.name) == [], path.name
