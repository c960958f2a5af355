"""Word templates (docxtpl): rows, charts, escaping, and errors that name the file and the text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

from tests.render.conftest import make_docx
from yqctl.errors import YqError
from yqctl.render.charts import bar_chart
from yqctl.render.templates import TemplateSet

CONTEXT = {
    "title": "关于网传食堂饭菜出现异物的处置情况",
    "handler": None,
    "note": None,
    "rows": [{"unit": "后勤处", "count": 3}, {"unit": "教务处", "count": 1}],
}


@pytest.fixture
def form(repo_root: Path) -> Path:
    return make_docx(repo_root / "templates" / "form.docx")


@pytest.fixture(scope="module")
def png() -> bytes:
    return bar_chart("各单位舆情数量", ["后勤处", "教务处"], [3, 1])


def render(templates: TemplateSet, context: dict[str, object], png: bytes) -> Document:
    data = templates.render_docx("form.docx", context, {"by_unit": png})
    return Document(io.BytesIO(data))


def test_rows_blanks_and_chart(templates: TemplateSet, form: Path, png: bytes) -> None:
    document = render(templates, CONTEXT, png)

    texts = [p.text for p in document.paragraphs]
    assert texts[0] == CONTEXT["title"]
    assert texts[1] == "经办人：＿＿＿＿＿＿＿＿；备注：[]"
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows == [["单位", "数量"], ["后勤处", "3"], ["教务处", "1"]]
    [image] = document.inline_shapes
    assert abs(image.width.mm - 150) < 0.5


def test_chart_bytes_are_stored_in_the_document(
    templates: TemplateSet, form: Path, png: bytes
) -> None:
    data = templates.render_docx("form.docx", CONTEXT, {"by_unit": png})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert [archive.read(n) for n in media] == [png]


def test_ampersand_and_angle_brackets_survive(
    templates: TemplateSet, form: Path, png: bytes
) -> None:
    context = {**CONTEXT, "title": 'A&B <食堂> "饭菜"', "rows": [{"unit": "R&D", "count": 0}]}
    document = render(templates, context, png)
    assert document.paragraphs[0].text == 'A&B <食堂> "饭菜"'
    assert document.tables[0].rows[1].cells[0].text == "R&D"


def test_template_file_is_left_unchanged(templates: TemplateSet, form: Path, png: bytes) -> None:
    before = form.read_bytes()
    render(templates, CONTEXT, png)
    render(templates, CONTEXT, png)  # twice from the same file: no state kept between renders
    assert form.read_bytes() == before


def test_repository_word_template_overrides_builtin(
    templates: TemplateSet, builtin: Path, repo_root: Path, png: bytes
) -> None:
    make_docx(builtin / "form.docx", heading="内置：{{ title }}")
    make_docx(repo_root / "templates" / "form.docx", heading="本校：{{ title }}")
    assert "form.docx" in templates.names()
    assert render(templates, CONTEXT, png).paragraphs[0].text.startswith("本校：")


def test_undefined_variable_names_file_part_and_text(
    templates: TemplateSet, repo_root: Path
) -> None:
    make_docx(repo_root / "templates" / "form.docx", heading="标题：{{ titel }}")
    with pytest.raises(YqError) as caught:
        templates.render_docx("form.docx", CONTEXT)
    message = str(caught.value)
    assert message.startswith("templates/form.docx: 模板错误：未定义的变量 'titel'")
    assert "word/document.xml" in message and "「标题：{{ titel }}」附近" in message


def test_syntax_error_names_file(templates: TemplateSet, repo_root: Path) -> None:
    make_docx(repo_root / "templates" / "form.docx", heading="{{ title }")
    with pytest.raises(YqError, match=r"^templates/form\.docx: 模板错误：语法错误"):
        templates.render_docx("form.docx", CONTEXT)


def test_sandbox_refuses_python_internals(templates: TemplateSet, repo_root: Path) -> None:
    make_docx(repo_root / "templates" / "form.docx", heading="{{ ''.__class__.__mro__ }}")
    with pytest.raises(YqError, match="沙箱拒绝了不安全的访问"):
        templates.render_docx("form.docx", CONTEXT)


def test_not_a_word_file(templates: TemplateSet, repo_root: Path) -> None:
    (repo_root / "templates" / "form.docx").write_text("不是 Word 文件")
    with pytest.raises(YqError, match=r"templates/form\.docx: 不是有效的 Word"):
        templates.render_docx("form.docx", CONTEXT)


def test_bad_chart_image_is_a_template_error(templates: TemplateSet, form: Path) -> None:
    with pytest.raises(YqError, match=r"templates/form\.docx: 模板错误"):
        templates.render_docx("form.docx", CONTEXT, {"by_unit": b"not a png"})


def test_render_dispatches_docx(templates: TemplateSet, form: Path, png: bytes) -> None:
    data = templates.render("form", "docx", CONTEXT, charts={"by_unit": png})
    assert isinstance(data, bytes)
    assert len(Document(io.BytesIO(data)).inline_shapes) == 1


def test_charts_can_be_optional(templates: TemplateSet, repo_root: Path) -> None:
    # `charts` is always defined, so a template can test for a chart it may not get
    make_docx(repo_root / "templates" / "form.docx")
    document = Document(repo_root / "templates" / "form.docx")
    document.paragraphs[
        -1
    ].text = "{% if charts.by_unit is defined %}{{ charts.by_unit }}{% endif %}"
    document.save(str(repo_root / "templates" / "form.docx"))
    data = templates.render_docx("form.docx", CONTEXT)
    assert len(Document(io.BytesIO(data)).inline_shapes) == 0
