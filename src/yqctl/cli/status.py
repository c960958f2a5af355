"""``yqctl status``: set a case's status by hand, for the exceptions the timeline does not show.

Status normally follows the work (see ``yqctl.core.lifecycle``); this command moves it either way
with a reason, recorded in the timeline. It will not close or reopen a case (``close`` and
``reopen`` do, with their checks), nor un-grade a graded one.
"""

from typing import Annotated

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


def status(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    target: Annotated[
        str,
        typer.Argument(
            metavar="STATUS",
            help="open、graded、handling、responded、tracking（办结用 close）",
            show_default=False,
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="调整理由（写入时间线）", show_default=False)
    ],
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """人工调整处置状态（须说明理由）；不合规的调整会被拒绝并说明原因。"""
    from ruamel.yaml.comments import CommentedMap

    from yqctl.cli.editing import append_entry, commit_change, set_status
    from yqctl.core.case import Case
    from yqctl.core.enums import Action, Status, choices_text, label
    from yqctl.core.lifecycle import status_refusal
    from yqctl.core.timeline import entry
    from yqctl.errors import UsageError, YqError
    from yqctl.store.repo import check_id_argument

    if target not in Status.__members__:
        raise UsageError(f"未知的处置状态 {target!r}；可选：{choices_text(Status)}")
    if not reason.strip():
        raise UsageError("--reason 不能为空：请说明为何调整状态")
    wanted = Status(target)
    store = open_repo(repo, commit=not no_commit)
    moment = resolve_now(now, store)
    who = author_for(by, store)
    was: list[Status] = []

    def change(tree: CommentedMap, case: Case) -> None:
        refused = status_refusal(case, wanted)
        if refused:
            raise YqError(refused)
        was.append(case.status)
        text = f"{label(case.status)} → {label(wanted)}：{reason.strip()}"
        append_entry(tree, entry(Action.status_changed, moment, moment, who, text))
        set_status(tree, wanted)

    loaded = commit_change(
        store,
        check_id_argument(case_id),
        "status",
        change,
        lambda case: f"{was[0].value} → {case.status.value}：{reason.strip()}",
        no_commit=no_commit,
        author=by,
    )
    if as_json:
        emit_json({"id": loaded.case.id, "from": was[0].value, "status": wanted.value})
        return
    console().print(f"{loaded.case.id}：{label(was[0])} → {label(wanted)}", markup=False)
