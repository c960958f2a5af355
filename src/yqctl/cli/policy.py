"""``yqctl policy show``: a policy as readable Chinese tables, to check against the document."""

from pathlib import Path
from typing import Annotated

import typer

from yqctl.cli.common import JsonOpt, RepoOpt, console, emit_json, open_repo, styled

app = typer.Typer(help="查看处置策略（定级规则、时限、通知对象）", no_args_is_help=True)


@app.command("show")
def show(
    name: Annotated[
        str | None,
        typer.Argument(
            help="策略名（默认：yq.yaml 中的 policy）；university 或 middle-school",
            show_default=False,
        ),
    ] = None,
    repo: RepoOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """以表格显示策略：级别、定级规则（含条款）、处置时限、逐级通知对象。"""
    from rich.table import Table

    from yqctl.core.policy_table import policy_tables
    from yqctl.errors import YqError
    from yqctl.store.policies import load_policy

    if name is None:
        loaded = open_repo(repo).policy
    else:
        try:
            root = open_repo(repo).root
        except YqError:
            root = Path.cwd()  # a built-in policy can be shown outside any repository
        loaded = load_policy(root, name)
    tables = policy_tables(loaded.policy)
    if as_json:
        emit_json(
            {
                "id": loaded.policy.id,
                "name": loaded.policy.name,
                "path": loaded.path,
                "sha256": loaded.sha256,
                "tables": [table.to_json() for table in tables],
            }
        )
        return
    out = console()
    policy = loaded.policy
    out.print(
        styled("[bold]{}[/]（{}，{}，{}）", policy.name, policy.id, loaded.path, loaded.short_hash)
    )
    for spec in tables:
        table = Table(title=spec.title, title_justify="left", show_lines=True)
        for header in spec.headers:
            table.add_column(header, overflow="fold")
        for row in spec.rows:
            table.add_row(*row)
        out.print(table)
