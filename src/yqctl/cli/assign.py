"""``yqctl assign``: move a case to another 涉事单位 (a unit of org.yaml), with the reason in the
timeline. The policy's deadlines belong to the case's unit, so the open ones move with it: ``due``
and the reports show them under the new unit from this commit on.
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


def assign(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    unit: Annotated[
        str,
        typer.Argument(
            metavar="UNIT", help="新的涉事单位（org.yaml 中的单位）", show_default=False
        ),
    ],
    reason: Annotated[str | None, typer.Option("--reason", help="改派理由（写入时间线）")] = None,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """改派涉事单位：单位须在 org.yaml 中；记入时间线，未完成的处置时限随案件转到新单位。"""
    from ruamel.yaml.comments import CommentedMap

    from yqctl.cli.editing import append_entry, commit_change
    from yqctl.core.case import Case
    from yqctl.core.enums import Action
    from yqctl.core.lifecycle import closed_refusal
    from yqctl.core.timeline import entry
    from yqctl.errors import UsageError, YqError
    from yqctl.store.repo import check_id_argument

    store = open_repo(repo, commit=not no_commit)
    units = store.org.units
    if unit not in units:
        known = "、".join(units) or "（org.yaml 中没有单位）"
        raise UsageError(f"未知的涉事单位 {unit!r}；org.yaml 中的单位：{known}")
    moment = resolve_now(now, store)
    who = author_for(by, store)
    was: list[str] = []

    def change(tree: CommentedMap, case: Case) -> None:
        refused = closed_refusal(case, "改派")
        if refused:
            raise YqError(refused)
        if case.unit == unit:
            raise YqError(f"案件 {case.id} 的涉事单位已是 {unit}")
        was.append(case.unit)
        text = f"{case.unit} → {unit}" + (
            f"：{reason.strip()}" if reason and reason.strip() else ""
        )
        tree["unit"] = unit
        append_entry(tree, entry(Action.reassigned, moment, moment, who, text))

    loaded = commit_change(
        store,
        check_id_argument(case_id),
        "assign",
        change,
        lambda case: f"{was[0]} → {case.unit}" + (f"：{reason.strip()}" if reason else ""),
        no_commit=no_commit,
        author=by,
    )
    if as_json:
        emit_json({"id": loaded.case.id, "from": was[0], "unit": loaded.case.unit})
        return
    console().print(f"已改派 {loaded.case.id}：{was[0]} → {loaded.case.unit}", markup=False)
