"""Template directories for the rendering tests: a fake built-in one and a repository's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document

from yqctl.render.templates import TemplateSet

Write = Callable[[str, str], Path]


@pytest.fixture
def builtin(tmp_path: Path) -> Path:
    directory = tmp_path / "builtin"
    directory.mkdir()
    return directory


@pytest.fixture
def repo_root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "templates").mkdir(parents=True)
    return root


@pytest.fixture
def write_builtin(builtin: Path) -> Write:
    def write(name: str, text: str) -> Path:
        path = builtin / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def write_repo(repo_root: Path) -> Write:
    def write(name: str, text: str) -> Path:
        path = repo_root / "templates" / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def templates(repo_root: Path, builtin: Path) -> TemplateSet:
    return TemplateSet(repo_root, builtin=builtin)


def make_docx(path: Path, *, heading: str = "{{ title }}") -> Path:
    """A small docxtpl template: a heading, a blank to fill, a row loop and a chart."""
    document = Document()
    document.add_paragraph(heading)
    document.add_paragraph("经办人：{{ handler | blank }}；备注：[{{ note }}]")
    table = document.add_table(rows=4, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "单位", "数量"
    table.cell(1, 0).text = "{%tr for e in rows %}"
    table.cell(2, 0).text, table.cell(2, 1).text = "{{ e.unit }}", "{{ e.count }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    document.add_paragraph("{{ charts.by_unit }}")
    document.save(str(path))
    return path
