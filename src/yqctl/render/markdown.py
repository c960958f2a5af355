"""Markdown templates escape what they print, as HTML templates do: a title ``# 标题``, a summary
with ``<script>`` or ``[点此](javascript:…)``, a unit named ``a|b`` come out as text.

The mechanism is Jinja's autoescaping, with Markdown in place of HTML: ``{{ value }}`` prints
``escape_markdown(value)`` unless the value is already Markdown — the template's own text, a
macro's output, a filter's result marked safe — which Jinja tracks with ``Markup``. Here that class
is ``Md``, whose ``escape`` is Markdown's: joining, ``+``, ``%`` and ``replace`` with Markdown
escape the other side the Markdown way. So a template author cannot forget to escape; ``|safe``
(or ``{% autoescape false %}``) prints a value as it is, on purpose.

``escape_markdown`` backslash-escapes what CommonMark and GFM read as markup inline (``\\ ` * _ [
] < > | ~`` and ``&`` before an entity) and what opens a block at the start of a line (``#``
headings, ``>`` quotes, ``-``/``+``/``1.`` list items, ``===``/``---`` underlines). A ``_`` inside
a word and any ``.`` or ``-`` elsewhere stay as they are, so dates, URLs and file names read
unchanged. Where backslashes do not work — inside an autolink, a code span, a fenced block — the
filters ``md_link``, ``md_code`` and ``md_pre`` write the value the way that place needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from jinja2 import nodes, pass_eval_context
from jinja2.compiler import Frame
from jinja2.filters import make_attrgetter
from jinja2.runtime import Context
from markupsafe import Markup

from yqctl.render.sandbox import (
    CountingCodeGenerator,
    LimitedEnvironment,
    format_checked,
    replace_checked,
)

# a `_` inside a word (letters or digits on both sides) never starts emphasis: snake_case stays
_INLINE = re.compile(r"[\\`*\[\]<>|~]|&(?=#?\w+;)|(?<![^\W_])_|_(?![^\W_])")
# at the start of a line, after up to three spaces: what opens a block in CommonMark/GFM
_LINE_START = re.compile(
    r"^([ \t]*)(?:(#)|([-+])(?=[ \t]|$)|(\d{1,9})([.)])(?=[ \t]|$)|([=-])(?=[=\- \t]*$))",
    re.MULTILINE,
)
_RAW_PIPE = re.compile(r"(?<!\\)\|")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{1,31}:")
_NOT_IN_AUTOLINK = re.compile(r"[\x00-\x20<>|\x7f]")  # a `|` would also end a table cell


class Md(Markup):
    """Markdown text that is safe to print as it is: escaping it again changes nothing."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any) -> Md:
        return md_escape(s)


def escape_markdown(text: str) -> str:
    """``text`` with everything Markdown would read as markup backslash-escaped."""
    if "\n" not in text and not _INLINE.search(text) and not _LINE_START.match(text):
        return text  # most values (names, dates, plain Chinese): a report prints millions
    return _LINE_START.sub(_escape_line_start, _INLINE.sub(r"\\\g<0>", text))


def _escape_line_start(match: re.Match[str]) -> str:
    indent, hash_, bullet, number, delimiter, underline = match.groups()
    if number is not None:
        return f"{indent}{number}\\{delimiter}"
    return f"{indent}\\{hash_ or bullet or underline}"


def md_escape(value: Any) -> Md:
    """``value`` as Markdown: escaped, unless it is Markdown already (``__html__``)."""
    if hasattr(value, "__html__"):
        markdown = value.__html__()
        return markdown if isinstance(markdown, Md) else Md(markdown)
    return Md(escape_markdown(str(value)))


def join_values(values: Iterable[Any]) -> str:
    """What ``a ~ b`` makes: plain text if all parts are, else Markdown with the rest escaped."""
    parts = [v if hasattr(v, "__html__") else str(v) for v in values]
    if any(hasattr(part, "__html__") for part in parts):
        return Md("").join(parts)
    return "".join(parts)


# -- filters -----------------------------------------------------------------------------------


def md_cell(value: Any) -> Md:
    """A value that stays inside one table cell: escaped, ``|`` escaped, line breaks as ``<br>``."""
    text = str(md_escape("" if value is None else value))  # a macro's Markdown may hold a |
    return Md(_RAW_PIPE.sub(r"\\|", text).replace("\r\n", "\n").replace("\n", "<br>"))


def md_code(value: Any) -> Md:
    """A code span of ``value`` for a table cell: fenced by more backticks than it holds."""
    text = ("" if value is None else str(value)).replace("\r", " ").replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Md(f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}")


def md_link(value: Any) -> Md:
    """``<URL>``, an autolink, with what would end it (space, ``<``, ``>``, ``|``) %-encoded; a
    value that is not an absolute URL is printed as escaped text instead."""
    url = "" if value is None else str(value)
    if not _SCHEME.match(url):
        return md_escape(url)
    return Md("<" + _NOT_IN_AUTOLINK.sub(lambda m: f"%{ord(m.group()):02X}", url) + ">")


def md_pre(value: Any) -> Md:
    """Text for one line of a fenced code block: no line break, no run of backticks that could
    close the fence (each ` becomes ˋ)."""
    text = "" if value is None else str(value)
    return Md(re.sub(r"[\r\n]+", " ", text).replace("`", "ˋ"))


@pass_eval_context
def _join(eval_ctx: Any, value: Iterable[Any], d: Any = "", attribute: Any = None) -> str:
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    items = list(value)
    if any(hasattr(item, "__html__") for item in items) or hasattr(d, "__html__"):
        return md_escape(d).join(items)
    return str(d).join(map(str, items))


@pass_eval_context
def _replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> str:
    times = -1 if count is None else count
    if any(hasattr(part, "__html__") for part in (s, old, new)):
        return md_escape(s).replace(old, new, times)
    return str(s).replace(str(old), str(new), times)


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    text = md_escape(value) if hasattr(value, "__html__") else str(value)
    return text % (kwargs or args)


MARKDOWN_FILTERS = {
    "md_cell": md_cell,
    "md_code": md_code,
    "md_link": md_link,
    "md_pre": md_pre,
    "escape": md_escape,
    "e": md_escape,
    "forceescape": lambda value: Md(escape_markdown(str(value))),
    "join": _join,
    "replace": replace_checked(_replace),
    "format": format_checked(_format),
}


# -- the environment ------------------------------------------------------------------------------


class _MarkdownCodeGenerator(CountingCodeGenerator):
    """Compiled Markdown templates use ``Md`` where Jinja's HTML autoescaping uses ``Markup``:
    the names the compiled module imports from jinja2.runtime are bound anew at its end (its
    functions look them up when they run)."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        super().visit_Template(node, frame)
        self.writeline("Markup = environment.markup_class")
        self.writeline("escape = environment.escape_value")
        self.writeline("markup_join = environment.join_values")


class MarkdownEnvironment(LimitedEnvironment):
    """The limited sandbox for ``.md.j2`` templates: autoescaping, with Markdown's escaping."""

    code_generator_class = _MarkdownCodeGenerator
    markup_class = Md
    escape_value = staticmethod(md_escape)
    join_values = staticmethod(join_values)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        # a macro's output is Jinja's (HTML) Markup: as Md, `+` and `%` escape the Markdown way
        return super().call_binop(context, operator, _as_md(left), _as_md(right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, Markup) and not isinstance(owner, Md):  # (macro output).replace(…)
            __obj = getattr(Md(owner), __obj.__name__)
        return super().call(__context, __obj, *args, **kwargs)


def _as_md(value: Any) -> Any:
    return Md(value) if isinstance(value, Markup) and not isinstance(value, Md) else value
