"""Chinese help and usage errors, written plainly (without rich) so that ``yqctl --help`` starts fast.

Typer formats help with rich (rich.markdown → markdown_it, rich.syntax, rich.traceback: ~80 ms
of imports, as long as the rest of yqctl's start) unless the app's ``rich_markup_mode`` is None;
its plain fallback is click's, in English ("Usage:", "Options:", "Show this message and exit.").
Typer vendors click (``typer._click``, private) without gettext, so a translation catalogue cannot
reach those texts. Instead :func:`localize` gives every command of an app the classes below, which
write the help themselves from click's documented pieces (``get_params``, ``get_help_record``,
``collect_usage_pieces``, ``list_commands``): 用法 / 参数 / 选项 / 命令, each option with its
help, default and environment variable, wrapped by display width (a Chinese character takes two
columns). :func:`usage_error_text` says click's usage errors in Chinese.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand, TyperGroup

from yqctl.cli.params import plain_coercion
from yqctl.cli.wide import WIDE

if TYPE_CHECKING:  # the types typer's own signatures use; nothing of typer._click runs from here
    from typer._click import Command, Context, HelpFormatter
    from typer.core import TyperOption

HELP_OPTION_HELP = "显示此帮助并退出"
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
INDENT = 2


# --- the command classes -----------------------------------------------------------------------


class ZhCommand(TyperCommand):
    """A typer command whose help and usage line are Chinese and plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.options_metavar == "[OPTIONS]":
            self.options_metavar = OPTIONS_METAVAR
        plain_coercion(self.params)

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write(usage_line(ctx.command_path, pieces, formatter.width) + "\n")

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        formatter.write(help_page(self, ctx, formatter.width) + "\n")

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _chinese_help_option(super().get_help_option(ctx))


class ZhGroup(TyperGroup):
    """A typer group (the app, ``report``, ``policy``) whose help lists its commands in Chinese.

    With no arguments it shows its help on stderr and exits 2, as click's ``no_args_is_help``
    does, but through :class:`ZhGroup`'s own help rather than a usage error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.options_metavar == "[OPTIONS]":
            self.options_metavar = OPTIONS_METAVAR
        if self.subcommand_metavar == "COMMAND [ARGS]...":
            self.subcommand_metavar = SUBCOMMAND_METAVAR

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write(usage_line(ctx.command_path, pieces, formatter.width) + "\n")

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        formatter.write(help_page(self, ctx, formatter.width) + "\n")

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _chinese_help_option(super().get_help_option(ctx))

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            from yqctl.cli.common import write

            write(ctx.get_help() + "\n", err=True)
            ctx.exit(2)
        return super().parse_args(ctx, args)


def _chinese_help_option(option: TyperOption | None) -> TyperOption | None:
    """The -h/--help option, in Chinese, and ``False`` when not given rather than typer's None:
    typer coerces any non-bool value of a flag through a pydantic validator that it builds on
    first use, which would import pydantic (~20 ms) for ``yqctl report --help``."""
    if option is not None:
        option.help = HELP_OPTION_HELP
        if option.default is None:
            option.default = False
    return option


def localize(app: typer.Typer) -> None:
    """Plain Chinese help for ``app`` and every command and sub-app registered on it (now):
    no rich, and :class:`ZhCommand` / :class:`ZhGroup` wherever no class was chosen."""
    app.rich_markup_mode = None
    _localize_group(app)


def _localize_group(app: typer.Typer) -> None:
    if _unset(app.info.cls, TyperGroup):
        app.info.cls = ZhGroup
    for command in app.registered_commands:
        if _unset(command.cls, TyperCommand):
            command.cls = ZhCommand
    for group in app.registered_groups:
        if _unset(group.cls, TyperGroup):
            group.cls = ZhGroup
        if group.typer_instance is not None:
            _localize_group(group.typer_instance)


def _unset(cls: object, default: type) -> bool:
    """No class chosen: None, typer's ``Default(None)`` placeholder, or typer's own default."""
    return cls is None or cls is default or not isinstance(cls, type)


# --- the help page -----------------------------------------------------------------------------


def help_page(command: Command, ctx: Context, width: int) -> str:
    """用法, the command's help text, 参数, 选项 and (for a group) 命令."""
    blocks = [usage_line(ctx.command_path, command.collect_usage_pieces(ctx), width)]
    text = inspect.cleandoc(command.help or "").partition("\f")[0].strip()
    if text:
        paragraphs = [_join_lines(p) for p in re.split(r"\n\s*\n", text)]
        blocks.append("\n\n".join(_indented(p, width, INDENT) for p in paragraphs))
    arguments: list[Row] = []
    options: list[Row] = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is not None:
            row = (_type_names(record[0]), *_extras(record[1]))
            (arguments if param.param_type_name == "argument" else options).append(row)
    if arguments:
        blocks.append("参数：\n" + definition_list(arguments, width))
    if options:
        blocks.append("选项：\n" + definition_list(options, width))
    commands = _subcommands(command, ctx)
    if commands:
        blocks.append("命令：\n" + definition_list(commands, width))
    if command.epilog:
        blocks.append(_indented(_join_lines(inspect.cleandoc(command.epilog)), width, INDENT))
    return "\n\n".join(blocks)


def usage_line(path: str, pieces: Iterable[str], width: int) -> str:
    """``用法：yqctl act [选项] {ID} {ACTION}``, continued under the arguments when long."""
    prefix = f"用法：{path} "
    args = " ".join(pieces)
    room = width - cells(prefix)
    if room >= 20:
        return prefix + ("\n" + " " * cells(prefix)).join(wrap(args, room))
    return prefix.rstrip() + "\n" + _indented(args, width, INDENT + 4)


Row = tuple[str, str, str]  # name, help, and the bracket after the help: [默认：…；环境变量：…]


def definition_list(rows: list[Row], width: int, col_max: int = 30) -> str:
    """Names in the first column, their help wrapped in the second (click's layout, but measured
    in display cells); a name wider than ``col_max`` has its help start on the next line, and the
    bracket after a help is kept whole."""
    fitting = [cells(name) for name, _, _ in rows if cells(name) <= col_max]
    first = max(fitting, default=col_max) + 2
    text_width = max(width - INDENT - first, 10)
    pad = " " * (INDENT + first)
    out = []
    for name, text, extra in rows:
        lines = wrap(text, text_width)
        if extra and lines and cells(lines[-1]) + 2 + cells(extra) <= text_width:
            lines[-1] += "  " + extra
        elif extra:
            lines += wrap(extra, text_width)
        line = " " * INDENT + name
        if not lines:
            out.append(line)
        elif cells(name) <= first - 2:
            out.append(line + " " * (first - cells(name)) + lines[0])
        else:
            out += [line, pad + lines[0]]
        out += [pad + rest for rest in lines[1:]]
    return "\n".join(out)


def _subcommands(command: Command, ctx: Context) -> list[Row]:
    if not isinstance(command, TyperGroup):
        return []
    rows = []
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is not None and not sub.hidden:
            rows.append((name, short_help(sub), ""))
    return rows


def short_help(command: Command) -> str:
    """A command's line in its group's list: its short help, else its help's first sentence."""
    if command.short_help:
        return _join_lines(inspect.cleandoc(command.short_help))
    text = inspect.cleandoc(command.help or "").partition("\f")[0].strip()
    first = _join_lines(re.split(r"\n\s*\n", text)[0]) if text else ""
    return re.split(r"(?<=[。！？])|(?<=\.)\s", first)[0].rstrip("。 ")


_EXTRAS = {"env var": "环境变量", "default": "默认"}
_EXTRA_FLAGS = {"required": "必填"}


def _extras(text: str) -> tuple[str, str]:
    """A help text and, apart, typer's ``[env var: X; default: Y; required]`` after it, in Chinese."""
    found = re.fullmatch(r"(?s)(?P<help>.*?)\s*\[(?P<extra>[^\[\]]*)\]", text)
    if found is None:
        return text, ""
    parts = []
    for part in found["extra"].split("; "):
        key, sep, value = part.partition(": ")
        if sep and key in _EXTRAS:
            parts.append(f"{_EXTRAS[key]}：{value}")
        else:
            parts.append(_EXTRA_FLAGS.get(part, part))
    return found["help"], f"[{'；'.join(parts)}]"


_TYPE_NAMES = {"str": "文本", "int": "整数", "float": "数值", "path": "路径", "bool": "是/否"}


def _type_names(name: str) -> str:
    """``--level <list[int]>`` → ``--level <整数>...``; names typer does not show stay as they are."""

    def one(found: re.Match[str]) -> str:
        inner = found[1]
        many = inner.startswith("list[") and inner.endswith("]")
        zh = _TYPE_NAMES.get(inner[5:-1] if many else inner)
        if zh is None:
            return found[0]
        return f"<{zh}>" + ("..." if many else "")

    return re.sub(r"<([\w\[\]]+)>", one, name)


# --- wrapping by display width -----------------------------------------------------------------

_NO_LINE_START = frozenset("，。、；：？！）」』》〉】”’,.;:?!)]}…")
_NO_LINE_END = frozenset("（「『《〈【“‘([{")


def cells(text: str) -> int:
    """Terminal columns of ``text``: wide and full-width characters take two."""
    if text.isascii():
        return len(text)
    return len(text) + len(WIDE.findall(text))


def _wide(ch: str) -> bool:
    return WIDE.match(ch) is not None


def _tokens(text: str) -> list[str]:
    """Units a line may break between: spaces, runs of narrow characters (a word, a flag, a
    file name) and single wide characters, with closing punctuation kept on the unit before it
    and opening punctuation on the unit after it."""
    units: list[str] = []
    for ch in re.findall(r"\s+|\S", text):
        if units and _joins(units[-1][-1], ch):
            units[-1] += ch
        else:
            units.append(ch)
    return units


def _joins(last: str, ch: str) -> bool:
    """No line break between ``last`` and ``ch``."""
    if last.isspace() or ch.isspace():
        return False
    if ch in _NO_LINE_START or last in _NO_LINE_END:
        return True
    return not _wide(last) and not _wide(ch)  # inside a word


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` display cells (longer units are cut)."""
    width = max(width, 2)
    lines: list[str] = []
    line, used = "", 0
    for unit in _tokens(text):
        if unit.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        size = cells(unit)
        if line and used + size > width:
            lines.append(line.rstrip())
            line, used = "", 0
        while size > width:  # a single unit wider than the line: cut it
            head, unit = _cut(unit, width - used)
            lines.append((line + head).rstrip())
            line, used, size = "", 0, cells(unit)
        line, used = line + unit, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _cut(unit: str, room: int) -> tuple[str, str]:
    used = 0
    for i, ch in enumerate(unit):
        used += cells(ch)
        if used > room:
            return unit[: max(i, 1)], unit[max(i, 1) :]
    return unit, ""


def _join_lines(paragraph: str) -> str:
    """A paragraph's source lines as one: joined by a space, except between two wide characters."""
    out = ""
    for line in paragraph.splitlines():
        line = line.strip()
        if out and line and not (_wide(out[-1]) and _wide(line[0])):
            out += " "
        out += line
    return out


def _indented(text: str, width: int, indent: int) -> str:
    return "\n".join(" " * indent + line for line in wrap(text, width - indent))


# --- usage errors ------------------------------------------------------------------------------


def usage_error_text(exc: typer.TyperException) -> str:
    """Click's usage error (unknown command or option, bad or missing value) as Chinese lines:
    the usage line and where to find help when the command is known, then 错误：…"""
    lines = []
    ctx: Context | None = getattr(exc, "ctx", None)
    if ctx is not None:
        lines.append(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(f"查看帮助：{ctx.command_path} {ctx.help_option_names[0]}")
        lines.append("")
    lines.append("错误：" + translate(exc.format_message()))
    return "\n".join(lines) + "\n"


def _no_such_option(found: re.Match[str]) -> str:
    text = f"没有选项 {found[1]}"
    return text + (f"（可能是：{found[2]}）" if found[2] else "")


def _no_such_command(found: re.Match[str]) -> str:
    return f"没有命令 {found[1]}" + (f"；是否想用 {found[2]}？" if found[2] else "")


def _missing(found: re.Match[str]) -> str:
    what = {"argument": "参数", "option": "选项"}.get(found[1], "参数")
    rest = translate(found[3]) if found[3] else ""
    return f"缺少{what} {found[2]}" + (f"。{rest}" if rest else "")


def _invalid(found: re.Match[str]) -> str:
    return f"{found[1]} 的值无效：{translate(found[2])}"


# Whole messages, as click and typer word them; a message matching none stays as it is.
_MESSAGES: list[tuple[str, str | Callable[[re.Match[str]], str]]] = [
    (r"No such option: (\S+)(?: \(Possible options: (.+)\))?", _no_such_option),
    (r"No such command ('.*')\.(?: Did you mean (.+)\?)?", _no_such_command),
    (r"Missing (argument|option|parameter) (.+?)\.(?: (.+))?", _missing),
    (r"Missing parameter: (.+)", r"缺少参数 \1"),
    (r"Missing command\.", "缺少命令"),
    (r"Invalid value for (.+?): (.+)", _invalid),
    (r"Invalid value: (.+)", lambda found: "值无效：" + translate(found[1])),
    (r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", r"多余的参数：\1"),
    (r"Option ('.+') requires an argument\.", r"选项 \1 需要一个值"),
    (r"Option ('.+') requires (\d+) arguments\.", r"选项 \1 需要 \2 个值"),
    (r"Option ('.+') does not take a value\.", r"选项 \1 不接受值"),
    (r"Choose from:\s*(.+)", lambda found: "可选：" + re.sub(r",\s+", "、", found[1])),
    (r"Value error, (.+)", lambda found: translate(found[1])),
    (r"('.*') is not one of (.+?)\.?", r"\1 不是可选值；可选：\2"),
    (r"Input should be a valid integer\b.*", "应为整数"),
    (r"Input should be a valid number\b.*", "应为数字"),
    (r"Input should be a valid boolean\b.*", "应为 true 或 false"),
    (r"(?:File|Directory|Path) ('.*') does not exist\.", r"\1 不存在"),
    (r"(?:File|Directory|Path) ('.*') is a file\.", r"\1 是文件，不是目录"),
    (r"(?:File|Directory|Path) ('.*') is a directory\.", r"\1 是目录，不是文件"),
    (r"(?:File|Directory|Path) ('.*') is not readable\.", r"\1 不可读"),
    (r"(?:File|Directory|Path) ('.*') is not writable\.", r"\1 不可写"),
]


def translate(message: str) -> str:
    """One of click's or typer's English messages in Chinese, if it is one we know."""
    for pattern, replacement in _MESSAGES:
        found = re.fullmatch(pattern, message, flags=re.DOTALL)
        if found is not None:
            return found.expand(replacement) if isinstance(replacement, str) else replacement(found)
    return message
