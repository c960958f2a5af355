"""``yqctl list``: the cases, filtered."""

from typing import TYPE_CHECKING, Annotated

import typer

from yqctl.cli.common import (
    JsonOpt,
    NowOpt,
    RepoOpt,
    check_choices,
    emit_json,
    open_repo,
    warn_unreadable,
    write_table,
)

if TYPE_CHECKING:
    from yqctl.core.listing import CaseSummary
    from yqctl.store.repo import Repo


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
    from yqctl.core.listing import CaseFilter, discovered_at, select
    from yqctl.timeutil import parse_time

    store = open_repo(repo)
    zone = store.zone
    criteria = CaseFilter(
        statuses=check_choices(status, Status, "--status"),
        levels=frozenset(level or ()),
        units=frozenset(unit or ()),
        categories=check_choices(category, Category, "--category"),
        since=parse_time(since, zone, what="--since") if since else None,
        until=parse_time(until, zone, what="--until") if until else None,
        drills=drills,
    )
    summaries, problems = store.case_summaries()
    warn_unreadable(problems)
    chosen = [(path, s) for path, s in summaries if select(s, criteria)]
    chosen.sort(key=lambda item: discovered_at(item[1]), reverse=True)
    if as_json:
        emit_json([{**summary, "path": path} for path, summary in chosen])
    else:
        _print([summary for _, summary in chosen], store)
    if problems:
        raise typer.Exit(1)  # the others are listed, but an unreadable case file is a problem


def _print(chosen: "list[CaseSummary]", store: "Repo") -> None:
    import sys

    from yqctl.cli.table import render, use_color
    from yqctl.core.enums import Category, Status, label
    from yqctl.core.listing import discovered_at
    from yqctl.timeutil import format_time

    rows = []
    for case in chosen:
        marks = ("［演练］" if case["drill"] else "") + ("［涉密］" if case["confidential"] else "")
        rows.append(
            [
                case["id"],
                format_time(discovered_at(case), store.zone),
                f"{case['level']}级" if case["level"] else "待定级",
                label(Status(case["status"])),
                case["unit"],
                label(Category(case["category"])),
                marks + case["title"],
            ]
        )
    text = f"案件 {len(chosen)} 件\n"
    if rows:
        headers = ("编号", "发现时间", "级别", "状态", "涉事单位", "类别", "标题")
        text += render(headers, rows, color=use_color(sys.stdout))
    write_table(text)
