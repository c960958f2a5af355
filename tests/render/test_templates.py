"""TemplateSet: which file wins, how text templates render, and how their failures are reported."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.render.conftest import Write
from yqctl import resources
from yqctl.errors import YqError
from yqctl.render.templates import TemplateSet, template_name

BEIJING = timezone(timedelta(hours=8))
BASE = '<html lang="zh-CN"><body>{% block body %}{% endblock %}</body></html>\n'


def error_of(
    templates: TemplateSet, name: str, context: dict[str, object] | None = None
) -> YqError:
    with pytest.raises(YqError) as caught:
        templates.render_text(name, context or {})
    return caught.value


# -- which file ---------------------------------------------------------------------------------


def test_repository_file_overrides_builtin_of_same_name(
    templates: TemplateSet, write_builtin: Write, write_repo: Write
) -> None:
    write_builtin("daily.md.j2", "内置日报\n")
    write_builtin("weekly.md.j2", "内置周报\n")
    override = write_repo("daily.md.j2", "本校日报\n")
    write_repo("special.md.j2", "专报\n")

    assert templates.names() == ["daily.md.j2", "special.md.j2", "weekly.md.j2"]
    assert templates.origin("daily.md.j2") == override.resolve()
    assert templates.render_text("daily.md.j2", {}) == "本校日报\n"
    assert templates.render_text("weekly.md.j2", {}) == "内置周报\n"


def test_repository_partial_overrides_builtin_partial(
    templates: TemplateSet, write_builtin: Write, write_repo: Write
) -> None:
    write_builtin("_base.html.j2", BASE)
    write_builtin(
        "daily.html.j2", '{% extends "_base.html.j2" %}{% block body %}日报{% endblock %}'
    )
    write_repo("_base.html.j2", "<main>XX工程学院 {% block body %}{% endblock %}</main>")

    assert templates.render_text("daily.html.j2", {}) == "<main>XX工程学院 日报</main>"


def test_names_leave_out_partials_and_other_files(
    templates: TemplateSet, write_builtin: Write, write_repo: Write, repo_root: Path
) -> None:
    write_builtin("_base.html.j2", BASE)
    write_builtin("README.md", "说明")
    write_builtin("form.docx", "")
    write_repo(".daily.md.j2.swp", "")
    write_repo("~$form.docx", "")  # Word's lock file while the template is open
    (repo_root / "templates" / "sub.md.j2").mkdir()

    assert templates.names() == ["form.docx"]


def test_without_repository_only_builtin_templates(builtin: Path, write_builtin: Write) -> None:
    write_builtin("daily.md.j2", "日报")
    templates = TemplateSet(None, builtin=builtin)
    assert templates.names() == ["daily.md.j2"]
    assert templates.render_text("daily.md.j2", {}) == "日报"


def test_default_builtin_directory_is_the_shipped_one(repo_root: Path) -> None:
    templates = TemplateSet(repo_root)
    assert templates.builtin == resources.data_dir("templates").resolve()
    assert all(not name.startswith("_") for name in templates.names())


def test_missing_template_names_both_places(templates: TemplateSet, builtin: Path) -> None:
    message = str(error_of(templates, "monthly.md.j2"))
    assert "找不到模板 monthly.md.j2" in message
    assert "templates/" in message and str(builtin.resolve()) in message


@pytest.mark.parametrize("name", ["../yq.yaml", "sub/daily.md.j2", "..", ""])
def test_names_outside_the_templates_directory_are_refused(
    templates: TemplateSet, name: str
) -> None:
    with pytest.raises(YqError, match="模板名"):
        templates.origin(name)


def test_wrong_kind_of_template_is_refused(templates: TemplateSet) -> None:
    with pytest.raises(YqError, match="不是文本模板"):
        templates.render_text("form.docx", {})
    with pytest.raises(YqError, match="不是 Word 模板"):
        templates.render_docx("daily.md.j2", {})


# -- how text renders ---------------------------------------------------------------------------


def test_html_is_autoescaped(templates: TemplateSet, write_builtin: Write) -> None:
    write_builtin("daily.html.j2", "<h1>{{ title }}</h1>\n")
    html = templates.render_text("daily.html.j2", {"title": "<script>&"})
    assert html == "<h1>&lt;script&gt;&amp;</h1>\n"


def test_partials_of_html_are_autoescaped_too(templates: TemplateSet, write_builtin: Write) -> None:
    write_builtin("_title.html.j2", "<h1>{{ title }}</h1>")
    write_builtin("daily.html.j2", '{% include "_title.html.j2" %}')
    assert templates.render_text("daily.html.j2", {"title": "A&B"}) == "<h1>A&amp;B</h1>"


def test_markdown_escapes_what_it_prints(templates: TemplateSet, write_builtin: Write) -> None:
    write_builtin("daily.md.j2", "# {{ title }}\n")
    assert templates.render_text("daily.md.j2", {"title": "<script>&"}) == "# \\<script\\>&\n"


def test_none_renders_as_nothing(templates: TemplateSet, write_builtin: Write) -> None:
    write_builtin("form.md.j2", "处置结果：[{{ result }}]；{{ result | blank(4) }}\n")
    assert templates.render_text("form.md.j2", {"result": None}) == "处置结果：[]；＿＿＿＿\n"


def test_block_tags_leave_no_blank_lines(templates: TemplateSet, write_builtin: Write) -> None:
    write_builtin("list.md.j2", "| 单位 |\n{% for u in units %}\n  | {{ u }} |\n{% endfor %}\n")
    assert templates.render_text("list.md.j2", {"units": ["后勤处", "教务处"]}) == (
        "| 单位 |\n  | 后勤处 |\n  | 教务处 |\n"
    )


def test_chinese_filters_are_available(templates: TemplateSet, write_builtin: Write) -> None:
    write_builtin("t.md.j2", "{{ at | cn_datetime }}；{{ at | cn_date }}；{{ who | blank }}")
    at = datetime(2026, 11, 24, 9, 30, tzinfo=BEIJING)
    assert templates.render_text("t.md.j2", {"at": at, "who": ""}) == (
        "2026年11月24日 09:30；2026年11月24日；＿＿＿＿＿＿＿＿"
    )


# -- failures name the file and the line --------------------------------------------------------


def test_undefined_variable_names_file_and_line(templates: TemplateSet, write_repo: Write) -> None:
    write_repo("bad.html.j2", "<h1>\n{{ title }}\n{{ titel }}\n</h1>\n")
    error = error_of(templates, "bad.html.j2", {"title": "日报"})
    assert "templates/bad.html.j2:3" in str(error)
    assert "未定义的变量 'titel'" in str(error)
    [problem] = error.problems
    assert (problem.path, problem.line) == ("templates/bad.html.j2", 3)


def test_missing_attribute_is_an_error_too(templates: TemplateSet, write_repo: Write) -> None:
    write_repo("bad.md.j2", "{{ case.titel }}\n")
    message = str(error_of(templates, "bad.md.j2", {"case": {"title": "x"}}))
    assert "templates/bad.md.j2:1" in message and "未定义的属性 'titel'" in message


def test_syntax_error_names_file_and_line(templates: TemplateSet, write_repo: Write) -> None:
    write_repo("bad.html.j2", "<p>\n{% if x %}\n{{ x }\n")
    error = error_of(templates, "bad.html.j2", {"x": 1})
    assert "templates/bad.html.j2:3" in str(error)
    assert "语法错误" in str(error)


def test_error_inside_a_partial_names_the_partial(
    templates: TemplateSet, write_builtin: Write, write_repo: Write
) -> None:
    write_builtin("daily.html.j2", 'x\n{% include "_row.html.j2" %}\n')
    write_repo("_row.html.j2", "\n\n{{ 1 // zero }}\n")
    message = str(error_of(templates, "daily.html.j2", {"zero": 0}))
    assert "templates/_row.html.j2:3" in message
    assert "ZeroDivisionError" in message


def test_error_in_builtin_template_shows_its_full_path(
    templates: TemplateSet, write_builtin: Write
) -> None:
    path = write_builtin("daily.md.j2", "{{ nope }}")
    assert f"{path.resolve()}:1" in str(error_of(templates, "daily.md.j2"))


def test_filter_given_the_wrong_type_is_a_template_error(
    templates: TemplateSet, write_repo: Write
) -> None:
    write_repo("bad.md.j2", "\n{{ 5 | cn_date }}\n")
    message = str(error_of(templates, "bad.md.j2"))
    assert "templates/bad.md.j2:2" in message and "cn_date 需要日期或时间" in message


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__.__mro__",
        "''.__class__",
        "cycler.__init__.__globals__",
        "range.__subclasses__()",
        "lipsum.__globals__['os']",
    ],
)
def test_sandbox_refuses_python_internals(
    templates: TemplateSet, write_repo: Write, expression: str
) -> None:
    write_repo("evil.html.j2", f"正文\n{{{{ {expression} }}}}\n")
    error = error_of(templates, "evil.html.j2")
    assert "templates/evil.html.j2:2" in str(error)
    assert "模板错误" in str(error)


def test_sandbox_error_says_so(templates: TemplateSet, write_repo: Write) -> None:
    write_repo("evil.md.j2", "{{ ''.__class__.__mro__ }}")
    assert "沙箱拒绝了不安全的访问" in str(error_of(templates, "evil.md.j2"))


def test_template_not_utf8_is_reported(templates: TemplateSet, repo_root: Path) -> None:
    (repo_root / "templates" / "gbk.md.j2").write_bytes("日报".encode("gbk"))
    message = str(error_of(templates, "gbk.md.j2"))
    assert "templates/gbk.md.j2" in message and "UTF-8" in message


# -- one call per format ------------------------------------------------------------------------


def test_template_name_per_format() -> None:
    assert template_name("daily", "md") == "daily.md.j2"
    assert template_name("daily", "html") == "daily.html.j2"
    assert template_name("daily", "pdf") == "daily.html.j2"
    assert template_name("daily", "docx") == "daily.docx"
    with pytest.raises(YqError, match="不支持的格式"):
        template_name("daily", "odt")


def test_render_gives_charts_as_data_uris_to_text_formats(
    templates: TemplateSet, write_builtin: Write
) -> None:
    write_builtin("daily.html.j2", '<img src="{{ charts.by_unit }}">')
    write_builtin("daily.md.j2", "![各单位]({{ charts.by_unit }})")
    charts = {"by_unit": b"\x89PNG fake"}
    html = templates.render("daily", "html", {}, charts=charts)
    assert html == '<img src="data:image/png;base64,iVBORyBmYWtl">'
    assert templates.render("daily", "md", {}, charts=charts) == (
        "![各单位](data:image/png;base64,iVBORyBmYWtl)"
    )


def test_render_pdf_prints_the_html_template(templates: TemplateSet, write_builtin: Write) -> None:
    write_builtin("daily.html.j2", '<html lang="zh-CN"><body><p>{{ title }}</p></body></html>')
    pdf = templates.render("daily", "pdf", {"title": "舆情日报"})
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")


def test_importing_the_render_package_loads_no_heavy_library() -> None:
    # `yqctl --help` must stay fast: weasyprint, docxtpl and matplotlib load only when used
    code = (
        "import sys, yqctl.render.templates, yqctl.render.output, yqctl.render.pdf,"
        " yqctl.render.charts, yqctl.render.filters;"
        "print(sorted(m for m in ('weasyprint', 'docxtpl', 'docx', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
