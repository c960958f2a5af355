"""``yqctl import``: open cases in bulk from a monitoring platform's alert export (CSV or .xlsx).

A row whose link an open case already records is a duplicate and is skipped (and said); so is a
second row with the same link. A row that cannot be read is named as ``file:row:column``; then
nothing is imported unless ``--skip-invalid`` says to take the others. All new cases are one
commit, or none (an error midway rolls back every file written). ``--dry-run`` shows the plan.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    styled,
    warn_unreadable,
    write,
    write_table,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from yqctl.core.config import ImportMapping
    from yqctl.core.leads import Defaults, Header, ImportPlan
    from yqctl.errors import Problem
    from yqctl.store.repo import Repo


def import_leads(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="监测平台导出的预警表（.csv / .xlsx）", show_default=False
        ),
    ],
    mapping: Annotated[
        str,
        typer.Option("--mapping", help="列映射：generic（通用，见 README）或 yq.yaml 中定义的名称"),
    ] = "generic",
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="表中没有涉事单位时使用的单位（org.yaml 中的单位名）"),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option("--category", help="表中没有类别时使用的舆情类别（默认 other）"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只显示将新建哪些案件、哪些重复，不写入")
    ] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="跳过格式错误的行，导入其余各行")
    ] = False,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """从监测平台导出的预警表批量登记舆情：跳过已在未办结案件中的链接（列为重复），格式错误的行标明行列。"""
    from yqctl.core.leads import find_header, mapping_named, plan_import, read_leads
    from yqctl.errors import YqError
    from yqctl.store.tables import read_table

    store = open_repo(repo, commit=not (no_commit or dry_run))
    moment = resolve_now(now, store)
    chosen = mapping_named(mapping, store.config.import_mappings)
    display = str(file)
    rows = read_table(file, display)
    header = find_header(rows, chosen, display)
    defaults = _defaults(store, chosen, header, unit, category, moment)
    leads, invalid = read_leads(rows, header, chosen, defaults, list(store.org.units), display)
    blocked = bool(invalid) and not skip_invalid

    def plan_now() -> "ImportPlan":
        return plan_import(leads, *_recorded_urls(store))

    created: list[str] = []
    if dry_run or blocked or not leads:
        plan = plan_now()
    else:
        plan, created = _open_cases(store, plan_now, file.name, moment, by=by, no_commit=no_commit)
    if as_json:
        emit_json(_json(plan, created, invalid, dry_run=dry_run))
    else:
        _print(plan, created, invalid, dry_run=dry_run, blocked=blocked)
    if blocked:
        raise YqError(
            f"有 {len({p.line for p in invalid})} 行无法读取，未导入任何案件；"
            "修正后重试，或加 --skip-invalid 只导入其余各行"
        )


def _defaults(
    store: "Repo",
    chosen: "ImportMapping",
    header: "Header",
    unit: str | None,
    category: str | None,
    moment: "datetime",
) -> "Defaults":
    from yqctl.cli.common import check_choices
    from yqctl.core.enums import Category
    from yqctl.core.leads import Defaults
    from yqctl.errors import UsageError

    default_unit = unit or chosen.unit
    if default_unit is not None and default_unit not in store.org.units:
        flag = "--unit" if unit else "映射的 unit"
        known = "、".join(store.org.units)
        raise UsageError(f"{flag} {default_unit!r} 不是 org.yaml 中的单位；可选：{known}")
    if default_unit is None and "unit" not in header.columns:
        raise UsageError("表中没有涉事单位列：请用 --unit 指定这些线索的涉事单位")
    check_choices([category] if category else None, Category, "--category")
    default_category = Category(category) if category else chosen.category or Category.other
    return Defaults(default_unit, default_category, store.zone, moment)


def _recorded_urls(store: "Repo") -> tuple[dict[str, str], dict[str, str]]:
    """The links that open cases record, and those only closed ones do (``url_key`` → id)."""
    from yqctl.core.leads import url_key

    summaries, problems = store.case_summaries()
    warn_unreadable(problems)  # a case that cannot be read cannot hold a lead back: say so
    open_urls: dict[str, str] = {}
    closed_urls: dict[str, str] = {}
    for _, summary in summaries:
        target = closed_urls if summary["status"] == "closed" else open_urls
        for source in summary.get("sources") or ():
            if source.get("url"):
                target.setdefault(url_key(source["url"]), summary["id"])
    return open_urls, closed_urls


def _open_cases(
    store: "Repo",
    plan_now: "Callable[[], ImportPlan]",
    file_name: str,
    moment: "datetime",
    *,
    by: str | None,
    no_commit: bool,
) -> "tuple[ImportPlan, list[str]]":
    """One new case per new lead, all in one commit (or, should anything fail, none): their ids.
    The plan is made under the lock: two imports of one export at once do not both open its
    leads. Cases are written a batch at a time: one journal entry for each batch, and only the
    ids are kept, so that 100,000 rows need no more memory than a few hundred."""
    from yqctl.core.leads import case_fields, first_entry_text
    from yqctl.store import newcase
    from yqctl.store.transaction import writing

    who = author_for(by, store)
    created: list[str] = []
    with writing(store.root, "import", foreign_ok=no_commit) as change:
        plan = plan_now()
        if not plan.new:
            return plan, []
        taken = newcase.taken_ids(store)
        for start in range(0, len(plan.new), _BATCH):
            batch = plan.new[start : start + _BATCH]
            cases = [
                newcase.prepare(
                    store,
                    case_fields(lead),
                    now=moment,
                    by=who,
                    first_text=first_entry_text(lead, file_name),
                    taken=taken,
                )
                for lead in batch
            ]
            change.write_all([(new.relative, new.text) for new in cases])
            created.extend(new.loaded.case.id for new in cases)
        if not no_commit:
            change.commit(f"yqctl import {file_name}: 新建 {len(created)} 起舆情", author=by)
    return plan, created


_BATCH = 500  # new cases written per journal entry
_BOXED_ROWS = 200  # a longer listing of new cases is printed as plain columns


def _json(
    plan: "ImportPlan",
    created: list[str],
    invalid: "list[Problem]",
    *,
    dry_run: bool,
) -> dict[str, object]:
    ids = _ids(plan, created)
    return {
        "dry_run": dry_run,
        "written": bool(created),
        "opened": [
            {
                "row": lead.row,
                "id": case_id,
                "title": lead.title,
                "url": lead.url,
                "unit": lead.unit,
                "seen_in_closed": plan.seen_closed.get(lead.row),
            }
            for lead, case_id in zip(plan.new, ids, strict=True)
        ],
        "duplicates": [
            {"row": d.lead.row, "url": d.lead.url, "case": d.case_id, "same_as_row": d.row_of}
            for d in plan.duplicates
        ],
        "invalid": [problem.to_json() for problem in invalid],
    }


def _print(
    plan: "ImportPlan",
    created: list[str],
    invalid: "list[Problem]",
    *,
    dry_run: bool,
    blocked: bool,
) -> None:
    from rich.table import Table

    out = console()
    if plan.new:
        taken = bool(created)
        heading = "已新建" if taken else ("将新建" if dry_run or not blocked else "本可新建")
        columns = [c for c in ("行", "编号" if taken else "", "标题", "涉事单位", "链接") if c]
        rows = []
        for lead, case_id in zip(plan.new, _ids(plan, created), strict=True):
            seen = plan.seen_closed.get(lead.row)
            title = lead.title + (f"（链接曾见于已办结的 {seen}）" if seen else "")
            ids = [case_id or ""] if taken else []
            rows.append([str(lead.row), *ids, title, lead.unit, lead.url or ""])
        if len(rows) > _BOXED_ROWS:  # rich lays out ~1,000 rows a second: plain columns
            from yqctl.cli.table import render

            write(f"{heading} {len(rows)} 起\n")
            write_table(render(columns, rows, color=False))
        else:
            table = Table(title=f"{heading} {len(rows)} 起", title_justify="left")
            for column in columns:
                table.add_column(column, overflow="fold")
            for row in rows:
                table.add_row(*row)
            out.print(table)
    else:
        out.print("没有要新建的案件", markup=False)
    if plan.duplicates:
        table = Table(title=f"重复 {len(plan.duplicates)} 条（已跳过）", title_justify="left")
        for column in ("行", "链接", "已记录于"):
            table.add_column(column, overflow="fold")
        for dup in plan.duplicates:
            where = dup.case_id or f"本表第 {dup.row_of} 行"
            table.add_row(str(dup.lead.row), dup.lead.url or "", where)
        out.print(table)
    if invalid:
        err = console(stderr=True)
        bad = len({problem.line for problem in invalid})
        err.print(styled("[red]格式错误 {} 行{}：[/]", bad, "" if blocked else "（已跳过）"))
        for problem in invalid:
            err.print(str(problem), markup=False)
    if created:
        out.print(f"下一步：逐起定级，如 yqctl grade {created[0]}", markup=False)


def _ids(plan: "ImportPlan", created: list[str]) -> list[str | None]:
    """The new cases' ids by lead (none before they are written)."""
    return list(created) if created else [None] * len(plan.new)
