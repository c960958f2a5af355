"""``yqctl resolve``: settle the merge conflicts a case records, one value at a time; or, with
``--keep``/``--delete``, decide a case that one office deleted while another changed it (the merge
``sync`` stopped for it, store/parted.py)."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from yqctl.cli.common import (
    JsonOpt,
    NoCommitOpt,
    RepoOpt,
    console,
    emit_json,
    open_repo,
    styled,
    write,
)

if TYPE_CHECKING:
    from pathlib import Path

    from yqctl.core.case import MergeConflict

SIDES = {"ours": "本地", "theirs": "对方", "base": "原值"}
KEYS = {"1": "ours", "2": "theirs", "3": "base"}  # what a clerk types at the prompt


def resolve(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    take: Annotated[
        str | None,
        typer.Option(
            "--take", help="所有冲突都取这一方的值：ours（本地）、theirs（对方）或 base（原值）"
        ),
    ] = None,
    pick: Annotated[
        list[str] | None,
        typer.Option(
            "--pick",
            help="某个字段取某一方，如 --pick title=theirs（可多次使用）",
            show_default=False,
        ),
    ] = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="同步时一方删除、另一方修改的案件：保留修改")
    ] = False,
    delete: Annotated[
        bool, typer.Option("--delete", help="同步时一方删除、另一方修改的案件：接受删除")
    ] = False,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """逐项处理案件合并时两边改得不同的字段（conflicts），选定后写回并提交。

    在终端上运行时逐项询问；否则用 --take 或 --pick 指定。同步时一方删除、另一方修改的案件
    用 --keep（保留修改）或 --delete（接受删除）决定，全部决定后提交合并。"""
    from yqctl.core.merge import CONFLICTS, field_path
    from yqctl.store import roundtrip
    from yqctl.store.repo import check_id_argument
    from yqctl.store.transaction import writing

    case_id = check_id_argument(case_id)
    every = _side(take)
    if keep or delete:
        _decide(case_id, keep, delete, take is not None or bool(pick) or no_commit, repo, as_json)
        return
    store = open_repo(repo, commit=not no_commit)
    _refuse_while_paused(store.root)
    chosen: dict[str, str] = {}

    def settle(tree: Any, case: Any) -> None:  # the case has conflicts: checked under the lock
        picks = _picks(pick or [], {c.field for c in case.conflicts})
        for conflict in case.conflicts:
            side = picks.get(conflict.field) or every or _ask(conflict)
            chosen[conflict.field] = side
            roundtrip.set_path(tree, field_path(conflict.field), getattr(conflict, side))
        del tree[CONFLICTS]

    with writing(store.root, f"resolve {case_id}", foreign_ok=no_commit) as change:
        change.track(store.relative(store.case_path(case_id)))
        current = store.load_case(case_id)
        if not current.case.conflicts:
            _say(as_json, case_id, chosen, "没有未解决的合并冲突，未做改动")
            return
        loaded = store.edit_case(case_id, settle)
        summary = "，".join(f"{field} 取{SIDES[side]}" for field, side in chosen.items())
        if not no_commit:
            change.commit(f"yqctl resolve {loaded.case.id}: {summary}")
    _say(as_json, case_id, chosen, f"已解决 {len(chosen)} 处合并冲突：{summary}")


def _decide(
    case_id: str, keep: bool, delete: bool, other: bool, repo: "Path | None", as_json: bool
) -> None:
    from yqctl.errors import UsageError
    from yqctl.store.parted import settle

    if (keep and delete) or other:
        raise UsageError("--keep 和 --delete 只能选一个，且不与 --take、--pick、--no-commit 同用")
    store = open_repo(repo, commit=True)
    done = settle(store.root, case_id, keep=keep)
    if as_json:
        emit_json({"id": case_id, "decided": "keep" if keep else "delete", "merged": done.merged,
                   "pending": done.pending})  # fmt: skip
        return
    what = "保留了修改" if keep else "接受了删除"
    if done.merged:
        after = "合并已提交，运行 yqctl sync 推送"
    else:
        after = f"还有 {'、'.join(done.pending)} 待决定（yqctl resolve 编号 --keep 或 --delete）"
    console().print(f"{case_id}：{what}；{after}", markup=False)


def _refuse_while_paused(root: "Path") -> None:
    """A field conflict is settled by a commit of its own, which git refuses in a merge."""
    from yqctl.errors import YqError
    from yqctl.store.git import Git
    from yqctl.store.parted import undecided

    waiting = undecided(Git(root))
    if waiting:
        names = "、".join(p.case_id for p in waiting)
        raise YqError(
            f"同步暂停在合并中：先决定 {names}（yqctl resolve 编号 --keep 或 --delete，"
            "yqctl sync 查看详情），再处理字段冲突"
        )


def _side(take: str | None) -> str | None:
    from yqctl.errors import UsageError

    if take is not None and take not in SIDES:
        raise UsageError(f"--take 应为 ours、theirs 或 base，而不是 {take!r}")
    return take


def _picks(given: list[str], fields: set[str]) -> dict[str, str]:
    from yqctl.errors import UsageError

    picks = {}
    for item in given:
        field, _, side = item.partition("=")
        if field not in fields:
            known = "、".join(sorted(fields))
            raise UsageError(
                f"--pick {item!r}：{field!r} 不是这个案件的冲突字段；冲突字段：{known}"
            )
        picks[field] = _side(side) or ""
    return picks


def _ask(conflict: "MergeConflict") -> str:
    import sys

    from yqctl.errors import UsageError

    if not sys.stdin.isatty():
        raise UsageError(
            f"字段 {conflict.field} 两边改得不同，需要选定：在终端上运行会逐项询问，"
            "或用 --take ours|theirs|base、--pick 字段=ours|theirs|base 指定"
        )
    out = console()
    out.print(styled("[bold]{}[/] 两边改得不同：", conflict.field))
    for key, side in KEYS.items():
        out.print(f"  {key}. {SIDES[side]}：{_shown(getattr(conflict, side))}", markup=False)
    while True:
        answer = str(typer.prompt("取哪一个（1/2/3）")).strip()
        if answer in KEYS:
            return KEYS[answer]
        write(f"“{answer}”不是 1、2 或 3，请重新输入\n", err=True)


def _shown(value: Any) -> str:
    return "（无）" if value is None else str(value)


def _say(as_json: bool, case_id: str, chosen: dict[str, str], message: str) -> None:
    if as_json:
        emit_json({"id": case_id, "resolved": chosen})
    else:
        console().print(message, markup=False)
