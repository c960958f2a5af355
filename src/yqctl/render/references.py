"""What a repository's HTML template asks the PDF step to read, found in its source by ``check``.

``render.pdf`` refuses at print time every resource but ``data:`` URIs, the built-in templates'
folder and the evidence files of the case on the page. ``yqctl check`` renders no PDF, so it
reads the templates instead and names, at ``path:line:col``, each reference the PDF step would
refuse: another scheme (``file:``, ``http(s):`` …), an absolute path, a ``..`` that climbs out of
the repository, or any other fixed file of the repository (only ``evidence/…`` can be shown, and
only the case's own). A reference that a value of the document fills in (``src="{{ e.path }}"``)
is judged by its fixed beginning; what it becomes is checked when the PDF is made.

This is a reading of the text, not an HTML parser: it finds attributes that WeasyPrint fetches
(``src``, ``data``, ``poster``, ``background``, ``href`` except on a plain ``<a>`` link) and CSS
``url(…)`` and ``@import``, wherever they stand.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from yqctl.errors import Problem
from yqctl.layout import EVIDENCE_DIR

_COMMENT = re.compile(r"\{#.*?#\}", re.S)  # Jinja comments never reach the page
_TAG = re.compile(r"<([A-Za-z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)")
_CSS = re.compile(
    r"url\(\s*(\"[^\"]*\"|'[^']*'|[^)\s]*)\s*\)|@import\s+(\"[^\"]*\"|'[^']*')", re.IGNORECASE
)
_FETCHED = frozenset({"src", "data", "poster", "background", "href", "xlink:href"})
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_JINJA = re.compile(r"\{[{%]")


def outside_references(text: str, shown_path: str) -> list[Problem]:
    """Each reference in ``text`` (an HTML template) that the PDF step would refuse."""
    text = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    return [
        Problem(shown_path, *_line_col(text, offset), message)
        for offset, value in _references(text)
        if (message := _judge(value)) is not None
    ]


def _references(text: str) -> Iterator[tuple[int, str]]:
    """(offset, value) of every fetched attribute and CSS reference, in order."""
    found: list[tuple[int, str]] = []
    for tag in _TAG.finditer(text):
        name = tag[1].lower()
        attributes = list(_ATTRIBUTE.finditer(tag[2]))
        rel = next((_unquote(a[2]) for a in attributes if a[1].lower() == "rel"), "")
        plain_link = name == "a" and "attachment" not in rel.lower().split()
        for attribute in attributes:
            key = attribute[1].lower()
            if key in _FETCHED and not (plain_link and key.endswith("href")):
                quoted = attribute[2][0] in "\"'"
                offset = tag.start(2) + attribute.start(2) + quoted
                found.append((offset, _unquote(attribute[2])))
    for css in _CSS.finditer(text):
        group = 1 if css[1] is not None else 2
        quoted = css[group][:1] in ("'", '"')
        found.append((css.start(group) + quoted, _unquote(css[group])))
    return iter(sorted(found))


def _judge(value: str) -> str | None:
    """Why the PDF step would refuse ``value``, or None if it may be read."""
    jinja = _JINJA.search(value)
    fixed = value[: jinja.start()] if jinja else value
    if jinja and not fixed:
        return None  # wholly a value of the document (a chart, an evidence path)
    if fixed.lower().startswith("data:") or fixed.startswith("#"):
        return None
    if _SCHEME.match(fixed) or fixed.startswith("//"):
        return (
            f"模板引用了外部资源 {value}：生成 PDF 时会被拒绝（只允许 data: 图片和本案的证据文件）"
        )
    if fixed.startswith(("/", "\\")):
        return (
            f"模板引用了绝对路径 {value}：生成 PDF 时会被拒绝（只允许 data: 图片和本案的证据文件）"
        )
    normal = posixpath.normpath(fixed.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        return f"模板引用了仓库之外的文件 {value}：生成 PDF 时会被拒绝"
    if jinja and (normal + "/").startswith(f"{EVIDENCE_DIR}/"):
        return None  # evidence/{{ … }}: allowed for the case's own files, checked when printed
    return (
        f"模板引用了文件 {value}：生成 PDF 时会被拒绝（只允许 data: 图片和本案的证据文件，"
        f"如 {{{{ e.path }}}}）"
    )


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value.strip()


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def html_templates(directory: Path) -> list[Path]:
    """The HTML templates (partials too) of a ``templates/`` folder; symlinks are left to the
    rendering, which refuses one leading out of the repository."""
    if not directory.is_dir() or directory.is_symlink():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.name.endswith(".html.j2") and path.is_file() and not path.is_symlink()
    )
