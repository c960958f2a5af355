"""``yqctl list``: the cases, filtered."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from yqctl.cli.common import (
    JsonOpt,
    NowOpt,
    RepoOpt,
    check_choices,
    console,
    emit_json,
    open_repo,
    warn_unreadable,
)

if TYPE_CHECKING:
    from yqctl.store.repo import LoadedCase, Repo


def list_cases(
    status: Annotated[
        list[str] | None, typer.Option("--status", help="按状态筛选，可多次给出")
    ] = None,
    level: Annotated[
        list[int] | None, typer.Option("--level", help="按级别筛选（1、2、3）")
    ] = None,
    unit: Annotated[list[str] | None, typer.Option("--unit", help="按涉事单位筛选")] = None,
    category: Annotated[list[str] | None, typer.Option("--category", help="按类别筛选")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="发现时间不早于（日期或时间）")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="发现时间早于（日期或时间）")] = None,
    drills: Annotated[bool, typer.Option("--drills", help="包括演练案件")] = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出案件，最新发现的在前。演练案件默认不显示。"""
    from yqctl.core.enums import Category, Status
    from yqctl.core.listing import CaseFilter, select
    from yqctl.timeutil import parse_time

    store = open_repo(repo)
    zone = store.config.zone
    case_set = store.load_all()
    warn_unreadable(case_set.problems)
    criteria = CaseFilter(
        statuses=check_choices(status, Status, "--status"),
        levels=frozenset(level or ()),
        units=frozenset(unit or ()),
        categories=check_choices(category, Category, "--category"),
        since=parse_time(since, zone, what="--since") if since else None,
        until=parse_time(until, zone, what="--until") if until else None,
        drills=drills,
    )
    chosen = [c for c in case_set.cases if select(c.case, criteria)]
    chosen.sort(key=lambda c: c.case.discovered_at, reverse=True)
    if as_json:
        emit_json([_summary(c) for c in chosen])
    else:
        _print(chosen, store)
    if case_set.problems:
        raise typer.Exit(1)  # the others are listed, but an unreadable case file is a problem


def _summary(loaded: "LoadedCase") -> dict[str, Any]:
    data = loaded.case.model_dump(
        mode="json", exclude={"timeline", "grading", "summary", "closure"}
    )
    return {**data, "path": loaded.path}


def _print(chosen: "list[LoadedCase]", store: "Repo") -> None:
    from rich.table import Table

    from yqctl.core.enums import label
    from yqctl.timeutil import format_time

    table = Table(title=f"案件 {len(chosen)} 件", title_justify="left")
    for column in ("编号", "发现时间", "级别", "状态", "涉事单位", "类别", "标题"):
        table.add_column(column, no_wrap=column in ("编号", "发现时间"))
    for loaded in chosen:
        case = loaded.case
        marks = ("［演练］" if case.drill else "") + ("［涉密］" if case.confidential else "")
        table.add_row(
            case.id,
            format_time(case.discovered_at, store.config.zone),
            f"{case.level}级" if case.level else "待定级",
            label(case.status),
            case.unit,
            label(case.category),
            marks + case.title,
        )
    console().print(table)
