"""``yqctl due``: every open deadline of every open case, overdue first."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yqctl.cli.common import (
    JsonOpt,
    NowOpt,
    RepoOpt,
    emit_json,
    open_repo,
    resolve_now,
    styled,
    warn_unreadable,
    write_table,
)
from yqctl.timeutil import format_time  # light: datetime only; due's table calls it per row

if TYPE_CHECKING:
    from datetime import datetime, tzinfo

    from rich.table import Table

    from yqctl.cli.table import Cell
    from yqctl.core.due import Deadline, DeadlineState, DueEntry, DueItem
    from yqctl.store.repo import Repo

HEADERS = ("状态", "到期", "起算", "编号", "级别", "涉事单位", "责任方", "事项", "条款", "标题")
UNGRADED_TODO = "尚未定级：yqctl grade"
STYLES = {
    "overdue": "bold red",
    "due_soon": "yellow",
    "open": "",
    "met": "green",
    "met_late": "magenta",
}


def due(
    within: Annotated[
        str | None, typer.Option("--within", help="只显示此时间内到期（及已超时）的，如 2h、30m")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="只看某个涉事单位")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="同时列出已完成的时限及完成时间")] = False,
    drills: Annotated[bool, typer.Option("--drills", help="包括演练案件")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="有超时的时限时退出码为 1（供 cron/CI 使用）")
    ] = False,
    ics: Annotated[
        Path | None,
        typer.Option(
            "--ics",
            help="同时把未完成的时限写成 iCalendar 日历文件（手机、Outlook 可导入，提前 30 分钟提醒）",
            show_default=False,
        ),
    ] = None,
    notify: Annotated[
        bool,
        typer.Option(
            "--notify",
            help="把新出现的超时、即将到期的时限发到 yq.yaml 的通知渠道（同一状态只发一次）",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="与 --notify 一起用：只显示将发送的内容，不发送")
    ] = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """列出所有未办结案件的处置时限：已超时的在前（按超时长短），然后是即将到期的，再是其余的。"""
    from yqctl.core.due import due_items
    from yqctl.core.durations import parse_span
    from yqctl.store.index import Guess

    store = open_repo(repo)
    moment = resolve_now(now, store)
    span = parse_span(within) if within else None

    def listing(entries: "list[DueEntry]") -> "tuple[list[DueItem], str | None]":
        found = due_items(
            entries, moment, within=span, unit=unit, include_drills=drills, include_met=show_all
        )
        return found, None if as_json else _table(found, store)

    # Laid out from the stored rows while git checks the files; taken if they proved unchanged
    guess = Guess(listing)
    entries, problems = store.due_entries(met=show_all, guess=guess)
    warn_unreadable(problems)
    items, text = guess.value if guess.held else listing(entries)
    hidden = _confidential(store) if ics is not None or notify else set()
    if ics is not None:
        _write_calendar(ics, items, moment, hidden, store)
    if text is None:
        emit_json([item.to_json() for item in items])
    else:
        write_table(text)
    sent = _notify(items, moment, hidden, store, dry_run=dry_run) if notify else True
    overdue = any(item.state and item.state.status.value == "overdue" for item in items)
    if problems or (check and overdue) or not sent:
        raise typer.Exit(1)  # an unreadable case may hide a missed deadline


def status_label(state: "DeadlineState") -> tuple[str, str]:
    """``已超时 2小时10分钟`` etc. and its terminal style."""
    from yqctl.core.due import STATUS_LABELS
    from yqctl.core.durations import minutes_label

    text = STATUS_LABELS[state.status]
    late = state.overdue_by_minutes or state.late_by_minutes  # at most one of them is set
    if late:
        text += f" {minutes_label(late)}"
    return text, STYLES[state.status]


def status_text(state: "DeadlineState") -> str:
    """:func:`status_label` as rich markup (for the tables of ``grade`` and ``show``)."""
    text, style = status_label(state)
    return styled(f"[{style}]{{}}[/]", text) if style else text


def due_text(deadline: "Deadline", zone: "tzinfo") -> str:
    """When a deadline is due, as tables and messages show it (``办结前`` when it has no time)."""
    return format_time(deadline.due, zone) if deadline.due else "办结前"


def start_text(deadline: "Deadline", zone: "tzinfo") -> str:
    """When the deadline's clock started and why: ``2026-11-24 15:00 定为二级``."""
    return f"{format_time(deadline.start, zone)} {deadline.start_label}".rstrip()


def deadline_table(states: "list[DeadlineState]", store: "Repo") -> "Table":
    """One case's deadlines (for ``grade`` and ``show``): what, who, clause, since when, due,
    state, how it closes."""
    from rich.table import Table

    zone = store.zone
    table = Table(title="处置时限", title_justify="left")
    for column in ("事项", "责任方", "条款", "起算", "时限", "状态", "完成于", "完成方式"):
        table.add_column(column)
    for state in states:
        deadline = state.deadline
        table.add_row(
            deadline.title,
            deadline.owner,
            deadline.clause,
            start_text(deadline, zone),
            due_text(deadline, zone),
            status_text(state),
            format_time(state.met_at, zone) if state.met_at else "",
            "、".join(action.value for action in deadline.closed_by),
        )
    return table


def _table(items: list["DueItem"], store: "Repo") -> str:
    """The listing as printed: a count, the aligned table, the number overdue."""
    from yqctl.cli.table import paint, render, use_color

    if not items:
        return "没有未完成的处置时限。\n"
    zone = store.zone
    color = use_color(sys.stdout)
    rows: list[list[Cell]] = []
    for item in items:
        state = item.state
        if state is None:
            rows.append(
                [
                    ("待定级", "bold"),
                    "",
                    "",
                    item.case_id,
                    "待定级",
                    item.unit,
                    "",
                    UNGRADED_TODO,
                    "",
                    item.title,
                ]
            )
            continue
        deadline = state.deadline
        when = due_text(deadline, zone)
        if state.met_at is not None:
            when = f"{when}（{format_time(state.met_at, zone)} 完成）"
        rows.append(
            [
                status_label(state),
                when,
                start_text(deadline, zone),
                item.case_id,
                item.level_name,
                item.unit,
                deadline.owner,
                deadline.title,
                deadline.clause,
                item.title,
            ]
        )
    text = f"处置时限 {len(items)} 项\n" + render(HEADERS, rows, color=color)
    overdue = sum(1 for i in items if i.state and i.state.status.value == "overdue")
    if overdue:
        text += paint(f"{overdue} 项已超时", "bold red", color=color) + "\n"
    return text


def _notify(
    items: list["DueItem"], now: "datetime", hidden: set[str], store: "Repo", *, dry_run: bool
) -> bool:
    """Announce what became overdue or due soon since the last announcement."""
    from yqctl.cli.notifying import notify
    from yqctl.core.notify import due_message, to_announce
    from yqctl.store.notifier import load_announced, save_announced

    fresh, state = to_announce(items, load_announced(store.root))
    message = due_message(fresh, now, hidden, store.config.institution)
    sent = notify(store, message, "due", dry_run=dry_run)
    if sent and not dry_run:
        save_announced(store.root, state)
    return sent


def _confidential(store: "Repo") -> set[str]:
    """The ids of confidential cases: messages and calendars name them by id only."""
    summaries, _ = store.case_summaries()
    return {str(s["id"]) for _, s in summaries if s.get("confidential")}


def _write_calendar(
    path: Path, items: list["DueItem"], now: "datetime", hidden: set[str], store: "Repo"
) -> None:
    """The calendar file, written atomically (a phone may be syncing the old one)."""
    from yqctl.render.ics import calendar_bytes
    from yqctl.store.files import atomic_write

    name = f"{store.config.institution} 舆情处置时限"
    atomic_write(path, calendar_bytes(items, now, hidden, name=name))
