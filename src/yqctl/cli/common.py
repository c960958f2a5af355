"""Options every command shares, and the few edge services commands need (repo, now, output).

Everything yqctl shows goes out through here (:func:`console`, :func:`write`,
:func:`write_table`, :func:`emit_json`), so that no text from a case file, a commit, an export or
a policy can drive the terminal (issue 18 item 9): control characters and bidi overrides are
written out visibly (``\x1b``), and rich reads markup only in :class:`Styled` text, which yqctl
writes itself; a ``[bold red]`` or ``[link=…]`` in a title stays text.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from yqctl.textutil import visible

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from yqctl.store.repo import Repo

RepoOpt = Annotated[
    Path | None,
    typer.Option(
        "--repo",
        envvar="YQCTL_REPO",
        help="案件仓库目录（默认：从当前目录向上查找 yq.yaml）",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出，供程序读取")]
NowOpt = Annotated[
    str | None,
    typer.Option(
        "--now",
        envvar="YQCTL_NOW",
        help="把“现在”固定为此时间（ISO 8601），使结果可复现",
        show_default=False,
    ),
]
NoCommitOpt = Annotated[bool, typer.Option("--no-commit", help="只写文件，不提交 git")]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="经办（单位或岗位，如“后勤处舆情信息员”）；也作为 git 提交的作者名"),
]


def open_repo(repo: Path | None, *, commit: bool = False) -> Repo:
    """The repository; ``commit=True`` (a command that will commit) also requires git up front,
    so that nothing is written that could not then be committed."""
    from yqctl.store import journal
    from yqctl.store.repo import Repo

    found = Repo.find(repo)
    journal.listener = _say_recovered
    journal.recover_if_any(found.root)  # what a killed command left half-done
    if commit:
        from yqctl.store.git import Git

        Git(found.root).require_repo()
    return found


def _say_recovered(notice: str) -> None:
    console(stderr=True).print(notice, style="yellow", markup=False)


def resolve_now(now: str | None, repo: Repo) -> datetime:
    """The one place that reads the clock; ``--now`` / ``YQCTL_NOW`` fix it."""
    zone = repo.zone
    if now:
        from yqctl.timeutil import parse_time

        return parse_time(now, zone, what="--now")
    return datetime.now(zone).replace(microsecond=0)


class Styled(str):
    """Rich markup that yqctl wrote itself: the only text :func:`console` reads markup in. Put
    values in with :func:`styled`, never by formatting them into it."""


def styled(template: str, *values: object) -> Styled:
    """``template`` (our markup, ``{}`` for each value) with ``values`` as plain text."""
    from rich.markup import escape

    return Styled(template.format(*(escape(str(value)) for value in values)))


def console(stderr: bool = False) -> Console:
    """A rich console on which every string shows as it is (see the module's docstring)."""
    return _safe_console()(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


@functools.cache
def _safe_console() -> type[Console]:
    from rich.console import Console

    class SafeConsole(Console):
        # Every string rich shows becomes Text here: printed, a table cell, a title
        def render_str(self, text: str, *, markup: bool | None = None, **options: Any) -> Text:
            markup = isinstance(text, Styled) and markup is not False
            return super().render_str(visible(text), markup=markup, **options)

    return SafeConsole


def write(text: str, *, err: bool = False) -> None:
    """Plain text to standard output (or error), with any control character made visible."""
    (sys.stderr if err else sys.stdout).write(visible(text))


def write_table(text: str) -> None:
    """A table from :func:`yqctl.cli.table.render`: it made its cells visible and one line each
    itself, and its colours are its own."""
    sys.stdout.write(text)


# json.dumps writes C0 controls as \u escapes, but with ensure_ascii=False not DEL, C1 or the
# bidi overrides: those get the same escape (JSON text is ASCII outside strings, so only string
# content can hold them, and the escape reads back as the same character)
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def emit_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda found: f"\\u{ord(found[0]):04x}", text) + "\n")


def check_choices(values: list[str] | None, enum: type[StrEnum], flag: str) -> frozenset[str]:
    """Flag values that must be members of an enumeration; anything else is a usage error."""
    from yqctl.core.enums import choices_text
    from yqctl.errors import UsageError

    for value in values or ():
        if value not in enum.__members__:
            raise UsageError(f"{flag} {value!r} 不是有效取值；可选：{choices_text(enum)}")
    return frozenset(values or ())


def refuse_unsafe(flags: dict[str, str | None], *, one_line: tuple[str, ...] = ("--by",)) -> None:
    """Flag values a command builds part of a case from before the case file is validated:
    no control characters (issue 18 item 9); the ``one_line`` ones no newline or tab either."""
    from yqctl.errors import UsageError
    from yqctl.textutil import unsafe_message

    for flag, value in flags.items():
        message = unsafe_message(value, multiline=flag not in one_line) if value else None
        if message:
            raise UsageError(f"{flag} {message}")


def author_for(by: str | None, repo: Repo) -> str | None:
    """Who did it (timeline ``by``): the flag, else the repository's default author."""
    return by or repo.config.default_author


def warn_unreadable(problems: list[Any]) -> None:
    """Name every case file a listing had to skip (the command then exits 1)."""
    if not problems:
        return
    err = console(stderr=True)
    for problem in problems:
        err.print(str(problem))
    files = len({problem.path for problem in problems})  # a file may have several problems
    err.print(
        styled(
            "[yellow]有 {} 个文件无法读取或无法计算处置时限，已跳过（运行 yqctl check 查看）[/]",
            files,
        )
    )
