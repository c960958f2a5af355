"""``yqctl history``: a case's audit trail from git, field by field."""

import json
from typing import Annotated, Any

import typer

from yqctl.cli.common import JsonOpt, RepoOpt, console, emit_json, open_repo, styled

KINDS = {"added": "+", "removed": "-", "changed": "~"}


def history(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    repo: RepoOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """显示案件的审计记录（来自 git）：谁、何时、改了哪些字段。"""
    from dataclasses import asdict

    from yqctl.store.audit import case_history
    from yqctl.store.repo import check_id_argument

    revisions = case_history(open_repo(repo), check_id_argument(case_id))
    if as_json:
        emit_json(
            [
                {
                    **asdict(r.commit),
                    "readable": r.readable,
                    "created": r.created,
                    "changes": [asdict(c) for c in r.changes],
                }
                for r in revisions
            ]
        )
        return
    out = console()
    for revision in revisions:
        c = revision.commit
        # the author and subject are whatever the commit says, written by anyone with the remote
        out.print(
            styled(
                "[bold]{}[/]  {}  [dim]{}[/]  {}", c.authored_at, c.author, c.sha[:10], c.subject
            )
        )
        if revision.created:
            out.print("    + 新建案件")
        if not revision.readable:
            out.print("    （此版本无法解析）")
        for change in revision.changes:
            out.print("    " + _describe(change.field, change.kind, change.old, change.new))


def _describe(field: str, kind: str, old: Any, new: Any) -> str:
    if kind == "changed":
        return f"~ {field}: {_short(old)} → {_short(new)}"
    return f"{KINDS[kind]} {field}: {_short(new if kind == 'added' else old)}"


def _short(value: Any, limit: int = 100) -> str:
    if isinstance(value, dict) and "action" in value:  # a timeline entry reads best as one line
        text = " ".join(
            str(value.get(k, "")) for k in ("at", "action", "by", "text") if value.get(k)
        )
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = "null" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
