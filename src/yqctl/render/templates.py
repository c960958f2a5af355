"""Form and report templates: the repository's ``templates/`` first, then the built-in ones.

A file in the repository overrides the built-in file of the same name, partials (``_*.j2``)
included; a repository template that is a symlink leading out of the repository is refused (a
report must not print ``/etc/passwd`` or a private key). Templates run in a limited Jinja sandbox
(``render.sandbox``) with ``StrictUndefined``: a template can neither reach Python internals, nor
exhaust memory or time, nor silently print nothing for a misspelt variable. Every failure becomes
a ``YqError`` naming the template file and line.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    meta,
    nodes,
)
from jinja2.exceptions import SecurityError

from yqctl import resources
from yqctl.errors import Problem, YqError
from yqctl.render.filters import FILTERS, finalize
from yqctl.render.markdown import MARKDOWN_FILTERS, MarkdownEnvironment
from yqctl.render.sandbox import LimitedEnvironment, TemplateLimitError, WorkLimitError

TEXT_SUFFIXES = (".md.j2", ".html.j2")
DOCX_SUFFIX = ".docx"
TEMPLATE_SUFFIXES = (*TEXT_SUFFIXES, DOCX_SUFFIX)
# which template file renders which output format: PDF is printed from the HTML template
SUFFIX_FOR_FORMAT = {"md": ".md.j2", "html": ".html.j2", "pdf": ".html.j2", "docx": DOCX_SUFFIX}
CHART_WIDTH_MM = 150  # an A4 text column


class TemplateSet:
    """The effective templates of one repository (or only the built-in ones)."""

    def __init__(self, repo_root: Path | None = None, *, builtin: Path | None = None) -> None:
        self.repo_root = repo_root.resolve() if repo_root is not None else None
        self.builtin = (builtin or resources.data_dir("templates")).resolve()
        self.repo_dir = self.repo_root / "templates" if self.repo_root is not None else None
        self.dirs = [d for d in (self.repo_dir, self.builtin) if d is not None]
        loaders = [_Loader(d, self.repo_root if d == self.repo_dir else None) for d in self.dirs]
        self._env = _text_environment(LimitedEnvironment, loaders, autoescape=_autoescape)
        self._md_env = _text_environment(MarkdownEnvironment, loaders, autoescape=True)
        # files a render used up its work in, with the error: the next render using one would too
        self._exhausted: dict[str, YqError] = {}

    # -- which files ----------------------------------------------------------------------------

    def names(self) -> list[str]:
        """Every template a user can ask for (built-in ∪ repository), without partials."""
        found: set[str] = set()
        for directory in self.dirs:
            if directory.is_dir():
                found.update(p.name for p in directory.iterdir() if _is_public(p))
        return sorted(found)

    def origin(self, name: str) -> Path:
        """The file that renders ``name``: the repository's if it has one, else the built-in."""
        _check_name(name)
        for directory in self.dirs:
            candidate = directory / name
            if candidate.is_file():
                if directory == self.repo_dir and not _stays_in(candidate, self.repo_root):
                    raise self._outside(_OutsideRepository(candidate))
                return candidate
        raise YqError(f"找不到模板 {name}：{self._looked_in()}")

    def from_repository(self, name: str) -> bool:
        """Whether rendering ``name`` reads a file of the repository's ``templates/``: its own,
        or one it extends, includes or imports. ``check`` renders only these: the built-in
        templates on their own are tested with yqctl itself."""
        if self.repo_dir is None or not any(
            p.name.endswith(TEMPLATE_SUFFIXES) for p in _files(self.repo_dir)
        ):
            return False  # nothing overridden (parsing the built-in ones would cost 0.3 s)
        return any(path is None or path.parent == self.repo_dir for path in self._chain(name))

    def _chain(self, name: str) -> Iterator[Path | None]:
        """The files rendering ``name`` reads: its own, then those it extends, includes or
        imports; None for one that cannot be known before rendering (missing, refused, computed
        while rendering, unparsable)."""
        todo, seen = [name], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                origin = self.origin(current)
            except YqError:
                yield None
                continue
            yield origin
            if current.endswith(TEXT_SUFFIXES):
                try:
                    parsed = self._env.parse(origin.read_text("utf-8"))
                except (OSError, UnicodeDecodeError, TemplateSyntaxError):
                    yield None
                    continue
                for referenced in meta.find_referenced_templates(parsed):
                    if referenced is None:
                        yield None
                    else:
                        todo.append(referenced)

    def display(self, path: Path) -> str:
        """A path as the user should see it: relative to the repository when inside it."""
        if self.repo_root is not None and path.is_relative_to(self.repo_root):
            return path.relative_to(self.repo_root).as_posix()
        return str(path)

    # -- rendering ------------------------------------------------------------------------------

    def render(
        self,
        stem: str,
        fmt: str,
        context: Mapping[str, Any],
        *,
        charts: Mapping[str, bytes] | None = None,
        files: Iterable[Path] = (),
    ) -> str | bytes:
        """``stem`` (e.g. ``daily``) in ``fmt``: text for md/html, bytes for docx/pdf.

        ``charts`` are PNGs: ``charts.KEY`` in a template is an inline image in Word and a
        ``data:`` URI (for ``<img src>`` or ``![](…)``) in HTML, PDF and Markdown.

        For PDF, relative URLs resolve against the repository (where the evidence paths a
        document carries are relative to), and besides ``data:`` URIs only the built-in
        templates' folder and ``files`` (the case's evidence) can be read (``render.pdf``).
        """
        name = template_name(stem, fmt)
        if fmt == "docx":
            return self.render_docx(name, context, charts)
        text = self.render_text(name, _with_chart_uris(context, charts))
        if fmt == "pdf":
            from yqctl.render.pdf import html_to_pdf  # weasyprint is slow to import

            base = self.repo_root or self.origin(name).parent
            allowed = [self.builtin, *files]
            return html_to_pdf(text, base_url=base.as_uri() + "/", allowed=allowed)
        return text

    def render_text(self, name: str, context: Mapping[str, Any]) -> str:
        """Render a ``.md.j2`` or ``.html.j2`` template, each escaping what it prints its own way
        (``render.markdown`` for Markdown)."""
        if not name.endswith(TEXT_SUFFIXES):
            raise YqError(f"{name} 不是文本模板（应以 .md.j2 或 .html.j2 结尾）")
        origin = self.origin(name)
        self._stop_if_exhausted_before(name)
        env = self.environment(name)
        env.start_render(context)
        try:
            return env.get_template(name).render(context)
        except Exception as exc:  # anything a template does wrong is the template's problem
            raise self._stop_if_exhausted(exc, self._text_error(exc, origin)) from exc

    def environment(self, name: str) -> LimitedEnvironment:
        """The environment that renders the text template ``name``."""
        return self._md_env if name.endswith(".md.j2") else self._env

    def render_docx(
        self, name: str, context: Mapping[str, Any], images: Mapping[str, bytes] | None = None
    ) -> bytes:
        """Render a docxtpl Word template; ``images`` (PNGs) become ``charts.KEY`` inline images."""
        if not name.endswith(DOCX_SUFFIX):
            raise YqError(f"{name} 不是 Word 模板（应以 .docx 结尾）")
        origin = self.origin(name)
        from docxtpl import DocxTemplate  # heavy: only when a Word file is asked for

        template = DocxTemplate(origin)
        try:
            template.init_docx()
        except Exception as exc:  # not a zip, or not a Word document inside
            problem = Problem(self.display(origin), 0, 0, f"不是有效的 Word（.docx）文件：{exc}")
            raise YqError(str(problem), [problem]) from exc
        self._stop_if_exhausted_before(name)
        env = _DocxEnvironment()
        env.start_render(context)
        try:
            template.render(_with_inline_images(template, context, images), env, autoescape=True)
        except Exception as exc:
            error = self._docx_error(exc, origin, template, env)
            raise self._stop_if_exhausted(exc, error) from exc
        buffer = io.BytesIO()
        template.save(buffer)
        return buffer.getvalue()

    # -- errors ---------------------------------------------------------------------------------

    def _looked_in(self) -> str:
        builtin = f"内置模板目录 {self.builtin}"
        if self.repo_dir is None:
            return f"已查找{builtin}"
        return f"已查找仓库的 {self.display(self.repo_dir)}/ 和{builtin}"

    def _stop_if_exhausted(self, exc: Exception, error: YqError) -> YqError:
        if isinstance(exc, WorkLimitError) and error.problems:
            self._exhausted[error.problems[0].path] = error
        return error

    def _stop_if_exhausted_before(self, name: str) -> None:
        """``check`` renders many documents with one partial: a runaway one is paid for once."""
        if self._exhausted:
            for path in self._chain(name):
                if path is not None and (error := self._exhausted.get(self.display(path))):
                    raise error

    def _outside(self, exc: _OutsideRepository) -> YqError:
        problem = Problem(self.display(exc.path), 0, 0, str(exc))
        return YqError(str(problem), [problem])

    def _text_error(self, exc: Exception, origin: Path) -> YqError:
        if isinstance(exc, _OutsideRepository):  # the link itself is at fault, not who includes it
            return self._outside(exc)
        path, line = _locate(exc, self.dirs) or (origin, 0)
        problem = Problem(self.display(path), line, 0, f"模板错误：{describe(exc)}")
        return YqError(str(problem), [problem])

    def _docx_error(
        self, exc: Exception, origin: Path, template: Any, env: _DocxEnvironment
    ) -> YqError:
        # a Word template has no lines the user can see: name the XML part and the nearby text
        line = exc.lineno if isinstance(exc, TemplateSyntaxError) else _frame_line(exc, None)
        part = getattr(getattr(template, "current_rendering_part", None), "partname", "")
        where = [str(part).lstrip("/")] if part else []
        near = _xml_text_at(env.last_source, line)
        if near:
            where.append(f"「{near}」附近")
        detail = f"（{'，'.join(where)}）" if where else ""
        problem = Problem(self.display(origin), 0, 0, f"模板错误：{describe(exc)}{detail}")
        return YqError(str(problem), [problem])


def template_name(stem: str, fmt: str) -> str:
    """The template file that renders ``stem`` in ``fmt``: ``daily`` + ``pdf`` → ``daily.html.j2``."""
    if fmt not in SUFFIX_FOR_FORMAT:
        raise YqError(f"不支持的格式 {fmt}（可选：{'、'.join(SUFFIX_FOR_FORMAT)}）")
    return stem + SUFFIX_FOR_FORMAT[fmt]


def describe(exc: BaseException) -> str:
    """A Chinese sentence for what went wrong inside a template."""
    if isinstance(exc, _NotUtf8):
        return "模板文件不是 UTF-8 编码"
    if isinstance(exc, TemplateSyntaxError):
        return f"语法错误：{exc.message}"
    if isinstance(exc, TemplateLimitError):
        return f"超出模板的资源限制：{exc}"
    if isinstance(exc, SecurityError):
        return f"沙箱拒绝了不安全的访问（{exc}）"
    if isinstance(exc, UndefinedError):
        return _undefined(str(exc))
    if isinstance(exc, TemplateNotFound):
        return f"找不到被引用的模板 {exc.name}"
    if isinstance(exc, UnicodeDecodeError):
        return "模板文件不是 UTF-8 编码"
    return f"渲染出错（{type(exc).__name__}: {exc}）"


_UNDEFINED_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^(['\"])(?P<name>.+)\1 is undefined$"), lambda m: f"未定义的变量 '{m['name']}'"),
    (
        re.compile(r"^(?P<obj>.+) has no attribute (['\"])(?P<name>.+)\2$"),
        lambda m: f"未定义的属性 '{m['name']}'（{m['obj']} 没有这个属性）",
    ),
    (
        re.compile(r"^(?P<obj>.+) has no element (?P<name>.+)$"),
        lambda m: f"未定义的元素 {m['name']}（{m['obj']} 没有这个元素）",
    ),
]


def _undefined(message: str) -> str:
    for pattern, say in _UNDEFINED_PATTERNS:
        if match := pattern.match(message):
            return say(match)
    return f"使用了未定义的值（{message}）"


# -- environments -------------------------------------------------------------------------------


def _configure(env: LimitedEnvironment) -> LimitedEnvironment:
    env.filters.update(FILTERS)
    if isinstance(env, MarkdownEnvironment):
        env.filters.update(MARKDOWN_FILTERS)
    env.charge_filters()
    return env


def _autoescape(name: str | None) -> bool:
    # select_autoescape looks at the last suffix only, and ours is always .j2
    return name is not None and name.endswith((".html.j2", ".htm.j2", ".xml.j2"))


class _NotUtf8(TemplateSyntaxError):
    """A template file that is not UTF-8: located at the line of its first bad byte."""


class _Loader(FileSystemLoader):
    """Templates of one directory; with ``inside``, none may resolve outside that directory."""

    def __init__(self, directory: Path, inside: Path | None) -> None:
        super().__init__(str(directory), encoding="utf-8")
        self.inside = inside

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            source, filename, uptodate = super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            path = Path(self.searchpath[0]) / template
            line = exc.object[: exc.start].count(b"\n") + 1
            raise _NotUtf8("not UTF-8", line, template, str(path)) from None
        if self.inside is not None and not _stays_in(Path(filename), self.inside):
            raise _OutsideRepository(Path(filename))
        return source, filename, uptodate


class _OutsideRepository(SecurityError):
    """A repository template (a partial, say) that is a symlink leading out of the repository."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"模板文件是指向仓库之外的符号链接（{path.resolve()}），已拒绝")
        self.path = path


def _stays_in(path: Path, root: Path | None) -> bool:
    return root is None or path.resolve().is_relative_to(root)


def _text_environment(
    kind: type[LimitedEnvironment], loaders: list[_Loader], *, autoescape: Any
) -> LimitedEnvironment:
    return _configure(
        kind(
            loader=ChoiceLoader(loaders),
            autoescape=autoescape,
            undefined=StrictUndefined,
            finalize=finalize,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    )


class _DocxEnvironment(LimitedEnvironment):
    """docxtpl compiles each XML part with ``from_string``: remember the source for error reports."""

    def __init__(self) -> None:
        # no trim/lstrip here: docxtpl's own XML patching assumes Jinja's defaults
        super().__init__(autoescape=True, undefined=StrictUndefined, finalize=finalize)
        _configure(self)
        self.last_source = ""

    def from_string(
        self,
        source: str | nodes.Template,
        globals: MutableMapping[str, Any] | None = None,
        template_class: type[Template] | None = None,
    ) -> Template:
        self.last_source = source if isinstance(source, str) else ""
        return super().from_string(source, globals, template_class)


# -- locating errors ----------------------------------------------------------------------------


def _locate(exc: BaseException, dirs: list[Path]) -> tuple[Path, int] | None:
    """The template file and line where ``exc`` happened (innermost template frame)."""
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return Path(exc.filename), exc.lineno
    roots = {str(d) for d in dirs}
    found: tuple[Path, int] | None = None
    for filename, line in _frames(exc.__traceback__):
        if str(Path(filename).parent) in roots:
            found = (Path(filename), line)
    return found


def _frame_line(exc: BaseException, filename: str | None) -> int:
    """The innermost line of a template compiled from a string (Jinja names it ``<template>``)."""
    wanted = filename or "<template>"
    lines = [line for name, line in _frames(exc.__traceback__) if name == wanted]
    return lines[-1] if lines else 0


def _frames(tb: TracebackType | None) -> list[tuple[str, int]]:
    # Jinja rewrites the traceback so that template frames carry the template's file and line
    frames = []
    while tb is not None:
        frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    return frames


def _xml_text_at(source: str, line: int, limit: int = 60) -> str:
    """The visible text of one line of Word XML (docxtpl puts each paragraph on its own line)."""
    lines = source.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    text = re.sub(r"<[^>]*>", "", lines[line - 1]).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- context helpers ----------------------------------------------------------------------------


# `charts` is always in the context, so that `{% if charts.x is defined %}` works under
# StrictUndefined for a chart that a report may or may not have.


def _with_chart_uris(
    context: Mapping[str, Any], charts: Mapping[str, bytes] | None
) -> dict[str, Any]:
    uris = {
        k: "data:image/png;base64," + base64.b64encode(v).decode("ascii")
        for k, v in (charts or {}).items()
    }
    return {**context, "charts": {**(context.get("charts") or {}), **uris}}


def _with_inline_images(
    template: Any, context: Mapping[str, Any], images: Mapping[str, bytes] | None
) -> dict[str, Any]:
    from docx.shared import Mm
    from docxtpl import InlineImage

    inline = {
        key: InlineImage(template, io.BytesIO(png), width=Mm(CHART_WIDTH_MM))
        for key, png in (images or {}).items()
    }
    return {**context, "charts": {**(context.get("charts") or {}), **inline}}


def _files(directory: Path) -> list[Path]:
    return list(directory.iterdir()) if directory.is_dir() else []


def _is_public(path: Path) -> bool:
    name = path.name
    return (
        path.is_file() and name.endswith(TEMPLATE_SUFFIXES) and not name.startswith(("_", ".", "~"))
    )


def _check_name(name: str) -> None:
    # template names are plain file names: no way out of the templates directories
    if not name or "/" in name or "\\" in name or name in {".", ".."} or "\0" in name:
        raise YqError(f"模板名 {name!r} 无效：只能是 templates/ 目录中的文件名")
