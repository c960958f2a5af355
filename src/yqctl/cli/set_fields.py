"""``yqctl set``: change facts of a case (``FIELD=VALUE …``), type-checked against the model,
comments kept, one commit. When a fact the grading reads changes on a graded case, it says
whether the level would change and what ``grade`` would now give.
"""

from typing import Annotated

import typer

from yqctl.cli.common import (
    JsonOpt,
    NoCommitOpt,
    NowOpt,
    RepoOpt,
    console,
    emit_json,
    open_repo,
)


def set_fields(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    assignments: Annotated[
        list[str],
        typer.Argument(
            metavar="FIELD=VALUE…",
            help="如 signals.spread=local_hotspot signals.reposts=5000 category=malicious_spread；"
            "值留空（FIELD=）则删去该项",
            show_default=False,
        ),
    ],
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """修改案件事实（标题、摘要、类别、传播信号、来源等），按模型校验后写入并提交。"""
    from ruamel.yaml.comments import CommentedMap

    from yqctl.cli.editing import commit_change, regrade_now, regrade_text
    from yqctl.core.assignments import Assignment, parse_assignments
    from yqctl.core.case import Case
    from yqctl.core.lifecycle import closed_refusal
    from yqctl.errors import YqError
    from yqctl.store import roundtrip
    from yqctl.store.repo import check_id_argument

    store = open_repo(repo, commit=not no_commit)
    case_id = check_id_argument(case_id)
    before: list[Case] = []
    chosen: list[Assignment] = []

    def change(tree: CommentedMap, case: Case) -> None:
        refused = closed_refusal(case, "修改")
        if refused:
            raise YqError(refused)
        chosen[:] = parse_assignments(assignments, store.zone, len(case.sources))
        before.append(case)
        for item in chosen:
            if item.path[0] == "signals" and not isinstance(tree.get("signals"), dict):
                roundtrip.set_key(tree, "signals", {}, after="sources")
            roundtrip.set_path(tree, item.path, item.value)

    loaded = commit_change(
        store,
        case_id,
        "set",
        change,
        lambda _: "，".join(item.text for item in chosen),
        no_commit=no_commit,
        author=None,
    )
    regrade = regrade_now(store, before[0], loaded.case)
    if as_json:
        from yqctl.core.views import to_jsonable

        emit_json(
            {
                "id": loaded.case.id,
                "path": loaded.path,
                "set": {item.field: to_jsonable(item.value) for item in chosen},
                "grade_now": regrade.to_json() if regrade else None,
            }
        )
        return
    out = console()
    out.print(f"已修改 {loaded.case.id}：{'，'.join(i.text for i in chosen)}", markup=False)
    if regrade is not None:
        out.print(regrade_text(store, loaded.case, regrade), markup=False)
