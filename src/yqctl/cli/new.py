"""``yqctl new``: open a case (all fields by flags, from a file, or by prompts on a terminal)."""

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
    styled,
    write,
)

if TYPE_CHECKING:
    from yqctl.store.repo import Repo

REQUIRED = {"title": "--title", "unit": "--unit", "category": "--category"}


def new(
    title: Annotated[str | None, typer.Option("--title", help="舆情标题")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="涉事单位（org.yaml 中的单位名）")
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            help="类别：inquiry 询问/置疑/诉求 | malicious_spread 恶意传播/炒作 | "
            "fabrication 捏造/歪曲/诽谤 | constructive 建议 | other 其他",
        ),
    ] = None,
    discovered_at: Annotated[
        str | None, typer.Option("--discovered-at", help="发现时间（默认：现在）")
    ] = None,
    discovered_by: Annotated[
        str | None,
        typer.Option(
            "--discovered-by", help="发现人岗位（默认：--by 或 yq.yaml 的 default_author）"
        ),
    ] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="内容摘要")] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="来源链接，可多次给出")
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", help="来源平台（默认按链接识别）")
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="发布账号（公开账号名）")] = None,
    signal: Annotated[
        list[str] | None,
        typer.Option("--signal", help="定级事实 KEY=VALUE，如 harmful=true、spread=local_hotspot"),
    ] = None,
    incident_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="事件类型（policies/types.yaml），如 canteen、exam：预填类别、单位、信号和标题前缀",
        ),
    ] = None,
    from_file: Annotated[
        Path | None, typer.Option("--from", help="从 YAML 文件读取字段（命令行参数优先）")
    ] = None,
    drill: Annotated[bool, typer.Option("--drill", help="演练案件")] = False,
    confidential: Annotated[bool, typer.Option("--confidential", help="涉密/敏感案件")] = False,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """登记一起新舆情，输出新案件编号。缺少的必填项在终端上会逐项询问。"""
    from yqctl.store import newcase
    from yqctl.store.transaction import writing

    store = open_repo(repo, commit=not no_commit)
    moment = resolve_now(now, store)
    fields: dict[str, Any] = newcase.from_file(store, from_file) if from_file else {}
    flags = {
        "title": title,
        "unit": unit,
        "category": category,
        "discovered_by": discovered_by,
        "summary": summary,
    }
    fields.update({key: value for key, value in flags.items() if value is not None})
    if discovered_at is not None:
        fields["discovered_at"] = discovered_at
    if source:
        fields["sources"] = newcase.sources_from_flags(source, platform, account)
    if signal:
        fields["signals"] = {**fields.get("signals", {}), **newcase.parse_signals(signal)}
    if drill:
        fields["drill"] = True
    if confidential:
        fields["confidential"] = True
    first_actions: tuple[str, ...] = ()
    if incident_type:
        from yqctl.core.incident_types import apply_type
        from yqctl.store.policies import load_types

        itype = load_types(store.root).get(incident_type)
        fields = apply_type(fields, itype, store.config.policy)
        first_actions = itype.first_actions
    _ask_missing(fields, store)
    if incident_type and not fields["title"].startswith(itype.title_prefix):
        from yqctl.core.incident_types import prefixed_title

        fields["title"] = prefixed_title(fields["title"], itype.title_prefix)  # a prompted title
    who = author_for(by, store)
    # the id is drawn under the lock: two concurrent `new` never hand out the same one
    with writing(store.root, "new", foreign_ok=no_commit) as change:
        loaded = newcase.create(store, fields, now=moment, by=who, track=change.track)
        if not no_commit:
            change.commit(f"yqctl new {loaded.case.id}: {loaded.case.title}", author=by)
    if as_json:
        extra = {"first_actions": list(first_actions)} if incident_type else {}
        emit_json({**loaded.case.model_dump(mode="json"), "path": loaded.path, **extra})
        return
    out = console()
    out.print(
        styled("已登记 [bold]{}[/]：{}（{}）", loaded.case.id, loaded.case.title, loaded.path)
    )
    if first_actions:
        out.print("首先要做的事：")
        for number, step in enumerate(first_actions, 1):
            out.print(f"  {number}. {step}", markup=False)
    out.print(f"下一步：yqctl grade {loaded.case.id}", markup=False)


def _ask_missing(fields: dict[str, Any], store: "Repo") -> None:
    """Prompt for required fields on a terminal (again until valid); elsewhere name the flags."""
    import sys

    from yqctl.core.enums import Category, choices_text
    from yqctl.errors import UsageError

    units = list(store.org.units)
    allowed = {"unit": units, "category": list(Category.__members__)}
    for key in ("unit", "category"):
        value = fields.get(key)
        if value and value not in allowed[key]:
            shown = choices_text(Category) if key == "category" else "、".join(units)
            raise UsageError(f"{REQUIRED[key]} {value!r} 不是有效取值；可选：{shown}")
    missing = [key for key in REQUIRED if not fields.get(key)]
    if missing and not sys.stdin.isatty():
        flags = "、".join(REQUIRED[key] for key in missing)
        raise UsageError(f"缺少必填项：{flags}（在终端上运行时会逐项询问）")
    prompts = {
        "title": "舆情标题",
        "unit": f"涉事单位（{'、'.join(units)}）",
        "category": f"舆情类别（{choices_text(Category)}）",
    }
    for key in missing:
        fields[key] = _prompt(prompts[key], allowed.get(key))


def _prompt(text: str, allowed: list[str] | None) -> str:
    while True:
        answer = str(typer.prompt(text)).strip()
        if answer and (allowed is None or answer in allowed):
            return answer
        write(f"“{answer}”不是有效取值，请重新输入\n", err=True)
