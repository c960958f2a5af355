"""``yqctl evidence add`` and ``yqctl evidence verify``: preserve posts before they are deleted
(迅速保留舆情证据) and prove later that the copies are unchanged."""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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

if TYPE_CHECKING:
    from yqctl.store.evidence import Preserved
    from yqctl.store.repo import LoadedCase

app = typer.Typer(
    help="证据保全：保存截图、网页存档（HTML/MHTML/WARC）、PDF，记录 sha256；核验是否被改动。",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command("add")
def add(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE…", help="截图、网页存档或 PDF", show_default=False),
    ],
    source: Annotated[
        int | None, typer.Option("--source", help="证据对应的来源编号（从 1 起，见 yqctl show）")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="说明")] = None,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """把文件复制到 evidence/<编号>/，在案件中记录路径、sha256、大小、类型和保存时间，并提交。"""
    from ruamel.yaml.comments import CommentedMap

    from yqctl.cli.editing import append_entry, append_to, commit_change
    from yqctl.core.case import Case
    from yqctl.core.enums import Action
    from yqctl.core.lifecycle import closed_refusal
    from yqctl.core.timeline import entry
    from yqctl.errors import UsageError, YqError
    from yqctl.store import roundtrip
    from yqctl.store.evidence import check_source_file, preserve
    from yqctl.store.repo import check_id_argument

    store = open_repo(repo, commit=not no_commit)
    case_id = check_id_argument(case_id)
    current = store.load_case(case_id).case  # refuse early, before anything is copied
    refused = closed_refusal(current, "保存证据")
    if refused:
        raise YqError(refused)
    if source is not None and not 1 <= source <= len(current.sources):
        raise UsageError(f"--source 应为 1–{len(current.sources)}（案件的来源编号）")
    limit = store.config.evidence_max_mb * 1_000_000
    kinds = [check_source_file(file, limit) for file in files]  # every file checked first
    moment = resolve_now(now, store)
    who = author_for(by, store)
    preserved: list[Preserved] = []
    recorded: list[Preserved] = []  # those not yet in the case: what this command records

    def copy(track: Callable[[str], None]) -> None:
        for file, kind in zip(files, kinds, strict=True):
            preserved.append(preserve(store.root, case_id, file, kind, track))

    def change(tree: CommentedMap, case: Case) -> None:
        known = {item.path for item in case.evidence}
        recorded[:] = [p for p in preserved if p.path not in known]
        if not recorded:
            raise YqError("这些文件已作为证据保存过，未做改动")
        for item in recorded:
            append_to(tree, "evidence", _record(item, moment, source, note), after="timeline")
        if source is not None and not case.sources[source - 1].evidence:
            first = recorded[0]
            roundtrip.set_path(tree, ("sources", source - 1, "evidence"), first.path)
            roundtrip.set_path(tree, ("sources", source - 1, "sha256"), first.sha256)
        text = f"保存证据 {len(recorded)} 份：{_names(recorded)}" + (f"（{note}）" if note else "")
        append_entry(tree, entry(Action.evidence_saved, moment, moment, who, text))

    loaded = commit_change(
        store,
        case_id,
        "evidence",
        change,
        lambda _: f"保存证据 {_names(recorded)}",
        no_commit=no_commit,
        author=by,
        before=copy,
    )
    _added(loaded, preserved, recorded, as_json)


@app.command("verify")
def verify(
    case_id: Annotated[
        str | None,
        typer.Argument(metavar="[ID]", help="案件编号（默认：所有案件）", show_default=False),
    ] = None,
    repo: RepoOpt = None,
    now: NowOpt = None,  # accepted like every command's; a hash does not depend on the time
    as_json: JsonOpt = False,
) -> None:
    """重新计算每个证据文件的 sha256，与案件中的记录核对；缺失或被改动的文件使退出码为 1。"""
    from yqctl.cli.common import warn_unreadable
    from yqctl.store.evidence import evidence_states
    from yqctl.store.repo import check_id_argument

    store = open_repo(repo)
    if case_id is not None:
        cases = [store.load_case(check_id_argument(case_id)).case]
    else:
        case_set = store.load_all()
        warn_unreadable(case_set.problems)
        cases = [loaded.case for loaded in case_set.cases]
    rows = [row for case in cases for row in evidence_states(store.root, case)]
    _verified(rows, as_json)
    if any(row["status"] != "ok" for row in rows):
        raise typer.Exit(1)


def _record(item: "Preserved", moment: Any, source: int | None, note: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "path": item.path,
        "sha256": item.sha256,
        "size": item.size,
        "media_type": item.media_type,
        "captured_at": moment,
    }
    if source is not None:
        record["source"] = source
    if note:
        record["note"] = note
    return record


def _names(items: "list[Preserved]") -> str:
    return "、".join(Path(item.path).name for item in items)


def _added(
    loaded: "LoadedCase", preserved: "list[Preserved]", recorded: "list[Preserved]", as_json: bool
) -> None:
    if as_json:
        emit_json(
            {
                "id": loaded.case.id,
                "evidence": [item.model_dump(mode="json") for item in loaded.case.evidence],
                "added": [p.path for p in recorded],
            }
        )
        return
    out = console()
    for item in preserved:
        how = "（同一文件已保存过）" if item.already else ""
        out.print(
            f"已保存 {item.path}  sha256 {item.sha256[:16]}…  {item.size} 字节{how}", markup=False
        )


def _verified(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        emit_json(rows)
        return
    from yqctl.store.evidence import STATE_LABELS

    out = console()
    bad = [row for row in rows if row["status"] != "ok"]
    for row in bad:
        out.print(f"{row['id']}  {STATE_LABELS[row['status']]}：{row['message']}", markup=False)
    out.print(f"核验证据文件 {len(rows)} 个：完好 {len(rows) - len(bad)}，有问题 {len(bad)}")
