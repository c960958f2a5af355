"""Options every command shares, and the few edge services commands need (repo, now, output)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

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


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def check_choices(values: list[str] | None, enum: type[StrEnum], flag: str) -> frozenset[str]:
    """Flag values that must be members of an enumeration; anything else is a usage error."""
    from yqctl.core.enums import choices_text
    from yqctl.errors import UsageError

    for value in values or ():
        if value not in enum.__members__:
            raise UsageError(f"{flag} {value!r} 不是有效取值；可选：{choices_text(enum)}")
    return frozenset(values or ())


def author_for(by: str | None, repo: Repo) -> str | None:
    """Who did it (timeline ``by``): the flag, else the repository's default author."""
    return by or repo.config.default_author


def warn_unreadable(problems: list[Any]) -> None:
    """Name every case file a listing had to skip (the command then exits 1)."""
    if not problems:
        return
    err = console(stderr=True)
    for problem in problems:
        err.print(str(problem), markup=False)
    files = len({problem.path for problem in problems})  # a file may have several problems
    err.print(f"[yellow]有 {files} 个文件无法读取，已跳过（运行 yqctl check 查看）[/]")
