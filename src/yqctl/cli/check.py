"""``yqctl check``: validate every file; each problem as ``path:line:col: message``; exit 1 if any."""

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

SHOWN_WARNINGS = 5


def check(repo: RepoOpt = None, now: NowOpt = None, as_json: JsonOpt = False) -> None:
    """检查仓库中的每个文件（案件、yq.yaml、org.yaml、证据哈希），逐条列出问题；有问题时退出码为 1。"""
    from yqctl.errors import UsageError, YqError
    from yqctl.store.checker import check as run_check

    store = open_repo(repo)
    try:
        moment = resolve_now(now, store)
    except UsageError:
        raise
    except YqError:
        moment = None  # yq.yaml is broken: the check reports it with everything else
    report = run_check(store, moment)
    if as_json:
        emit_json(
            {
                "files": report.files,
                "problems": [p.to_json() for p in report.failed],
                "conflicts": [p.to_json() for p in report.conflicts],
                "warnings": [p.to_json() for p in report.warnings],
            }
        )
    else:
        out = console()
        for problem in report.failed:
            out.print(str(problem))
        for warning in report.warnings[:SHOWN_WARNINGS]:
            out.print(styled("[yellow]提醒[/] {}", warning))
        if len(report.warnings) > SHOWN_WARNINGS:
            hidden = len(report.warnings) - SHOWN_WARNINGS
            out.print(styled("[yellow]提醒[/] 另有 {} 条提醒未显示（--json 可查看全部）", hidden))
        verdict = "[red]有问题[/]" if report.failed else "[green]全部通过[/]"
        out.print(
            styled(
                f"检查了 {{}} 个文件：{verdict}，问题 {{}} 个，提醒 {{}} 个",
                report.files,
                len(report.failed),
                len(report.warnings),
            )
        )
    if report.failed:
        raise typer.Exit(1)
