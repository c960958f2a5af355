"""``yqctl sync``: bring this clone and the shared remote together (pull, check, push)."""

from typing import TYPE_CHECKING, Annotated

import typer

from yqctl.cli.common import (
    JsonOpt,
    NowOpt,
    RepoOpt,
    console,
    emit_json,
    open_repo,
    resolve_now,
    styled,
)

if TYPE_CHECKING:
    from yqctl.store.sync import SyncResult


def sync(
    remote: Annotated[
        str | None,
        typer.Option("--remote", help="远程仓库名（默认：当前分支跟踪的，或唯一的那个）"),
    ] = None,
    no_push: Annotated[bool, typer.Option("--no-push", help="只拉取合并并检查，不推送")] = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """与共享的远程仓库同步：拉取并合并（案件按字段合并，时间线取并集），检查，再推送。

    推送被拒（别人刚推送过）时自动重新拉取合并；网络或身份验证失败时说明原因，本地提交不会丢失。"""
    from yqctl.store.checker import check
    from yqctl.store.sync import sync as run_sync

    store = open_repo(repo, commit=True)
    moment = resolve_now(now, store)

    def blocking() -> list[str]:
        return [str(problem) for problem in check(store, moment).problems]

    result = run_sync(store.root, remote=remote, push=not no_push, check=blocking)
    if as_json:
        emit_json(
            {
                "remote": result.remote,
                "branch": result.branch,
                "merged": result.merged,
                "incoming": result.incoming,
                "outgoing": result.outgoing,
                "pushed": result.pushed,
                "attempts": result.attempts,
                "conflicted": result.conflicted,
            }
        )
    else:
        _print(result)
    if result.conflicted:
        raise typer.Exit(1)


def _print(result: "SyncResult") -> None:
    out = console()
    came = f"拉取 {result.incoming} 个提交" if result.incoming else "远程没有新提交"
    went = f"推送 {result.outgoing} 个提交" if result.pushed else "没有需要推送的提交"
    out.print(f"已与 {result.remote}/{result.branch} 同步：{came}，{went}", markup=False)
    for path in result.conflicted:
        case_id = path.rsplit("/", 1)[-1].removesuffix(".yaml")
        out.print(styled("[yellow]有未解决的合并冲突[/] {}：运行 yqctl resolve {}", path, case_id))
