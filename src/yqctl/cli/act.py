"""``yqctl act``: append what was done to a case's timeline (closes deadlines)."""

from typing import Annotated, Any

import typer

from yqctl.cli.common import (
    ByOpt,
    JsonOpt,
    NoCommitOpt,
    NowOpt,
    RepoOpt,
    author_for,
    console,
    emit_json,
    open_repo,
    resolve_now,
)


def _act_actions(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of ACTION: the actions act records, with their meaning; never one that
    another command owns."""
    from yqctl.core.enums import label
    from yqctl.core.lifecycle import ACT_ACTIONS

    return [(a.value, label(a)) for a in ACT_ACTIONS if a.value.startswith(incomplete)]


def act(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    action: Annotated[
        str,
        typer.Argument(
            metavar="ACTION",
            help="处置动作，如 reported_to_office、unit_report、statement、reply、summary"
            "（定级、发现、证据保全、改派、调整状态、办结、重新办理由各自的命令记录）",
            show_default=False,
            autocompletion=_act_actions,
        ),
    ],
    at: Annotated[str | None, typer.Option("--at", help="发生时间（默认：现在；可补记）")] = None,
    by: ByOpt = None,
    text: Annotated[str | None, typer.Option("--text", help="说明（做了什么、批示内容等）")] = None,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """在案件时间线上追加一条处置记录；相应的处置时限随之关闭，处置状态随之推进。"""
    from ruamel.yaml.comments import CommentedMap

    from yqctl.cli.editing import append_entry, commit_change, set_status
    from yqctl.core.case import Case
    from yqctl.core.enums import Action, label
    from yqctl.core.lifecycle import ACT_ACTIONS, owned_refusal, status_after
    from yqctl.core.timeline import entry, refusal
    from yqctl.errors import UsageError, YqError
    from yqctl.store.repo import check_id_argument
    from yqctl.timeutil import parse_time

    if action not in Action.__members__:
        choices = "、".join(f"{a.value}（{label(a)}）" for a in ACT_ACTIONS)
        raise UsageError(f"未知的处置动作 {action!r}；可选：{choices}")
    kind = Action(action)
    owned = owned_refusal(kind)
    if owned:
        raise UsageError(owned)
    store = open_repo(repo, commit=not no_commit)
    moment = resolve_now(now, store)
    when = parse_time(at, store.config.zone, what="--at") if at is not None else moment
    who = author_for(by, store)
    new_entry: dict[str, Any] = entry(kind, when, moment, who, text)

    def append(tree: CommentedMap, case: Case) -> None:
        reason = refusal(case, kind, when, moment)
        if reason:
            raise YqError(reason)
        append_entry(tree, new_entry)
        set_status(tree, status_after(case.status, kind))

    summary = f"{kind.value}（{label(kind)}）" + (f" {text}" if text else "")
    loaded = commit_change(
        store,
        check_id_argument(case_id),
        "act",
        append,
        lambda _: summary,
        no_commit=no_commit,
        author=by,
    )
    if as_json:
        emit_json(
            {
                "id": loaded.case.id,
                "path": loaded.path,
                "entry": loaded.case.timeline[-1].model_dump(mode="json"),
                "status": loaded.case.status.value,
            }
        )
        return
    console().print(
        f"已记录 {loaded.case.id}：{label(kind)}（{when.isoformat()}）；状态：{label(loaded.case.status)}"
    )
