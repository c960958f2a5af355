"""``yqctl show``: one case, whole."""

from typing import TYPE_CHECKING, Annotated

import typer

from yqctl.cli.common import (
    JsonOpt,
    NowOpt,
    RepoOpt,
    Styled,
    console,
    emit_json,
    open_repo,
    resolve_now,
    styled,
)

if TYPE_CHECKING:
    from yqctl.core.deadlines import DeadlineState
    from yqctl.store.repo import LoadedCase, Repo


def show(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """显示一个案件的全部信息：事实、级别及依据、来源、处置时限（按 --now 判断）、时间线、证据及其哈希核验、办结情况。"""
    from yqctl.core.deadlines import case_states
    from yqctl.errors import YqError
    from yqctl.store.evidence import evidence_states
    from yqctl.store.repo import check_id_argument, deadline_problem

    store = open_repo(repo)
    loaded = store.load_case(check_id_argument(case_id))
    moment = resolve_now(now, store)
    policy, calendar, problems = store.policy.policy, store.calendar, []
    try:
        states = case_states(loaded.case, policy, calendar, store.zone, moment)
    except YqError as exc:  # this case's own year is beyond the calendar: show the rest of it
        states, problems = [], [deadline_problem(loaded.path, exc)]
    evidence = evidence_states(store.root, loaded.case)
    if as_json:
        data = loaded.case.model_dump(mode="json")
        deadlines = [s.to_json() for s in states]
        emit_json(
            {**data, "path": loaded.path, "deadlines": deadlines, "evidence_status": evidence}
            | {"problems": [problem.to_json() for problem in problems]}
        )
    else:
        _print(loaded, store, states)
        _print_evidence(evidence)
        _print_closure(loaded, store)
        for problem in problems:
            console(stderr=True).print(str(problem))
    if problems:
        raise typer.Exit(1)


def _print(loaded: "LoadedCase", store: "Repo", states: "list[DeadlineState]") -> None:
    from rich.table import Table

    from yqctl.core.enums import label
    from yqctl.core.views import spread_of
    from yqctl.timeutil import format_time

    case, zone, out = loaded.case, store.config.zone, console()
    flags = "".join(
        f" [reverse] {f} [/]" for f, on in (("演练", case.drill), ("涉密", case.confidential)) if on
    )
    out.print(styled("[bold]{}[/]  {}" + flags, case.id, case.title))
    level = store.policy.policy.level_name(case.level)
    facts = Table.grid(padding=(0, 2))
    for name, value in (
        ("文件", loaded.path),
        ("发现", f"{format_time(case.discovered_at, zone)}  {case.discovered_by or ''}"),
        ("涉事单位", case.unit),
        ("类别", f"{case.category.value}（{label(case.category)}）"),
        ("级别", level),
        ("状态", f"{case.status.value}（{label(case.status)}）"),
    ):
        facts.add_row(styled("[dim]{}[/]", name), value)
    out.print(facts)
    if case.summary:
        out.print(styled("\n[bold]摘要[/]\n{}", case.summary.rstrip()))
    if case.sources:
        out.print(Styled("\n[bold]来源[/]"))
        for source in case.sources:
            when = format_time(source.published_at, zone) if source.published_at else ""
            fans = f"（粉丝 {source.followers}）" if source.followers is not None else ""
            out.print(
                f"  {label(source.platform)}  {source.account or ''}{fans}  {when}  {source.url or ''}",
                markup=False,
            )
            alert = [f"预警级别：{source.alert_level}"] if source.alert_level else []
            alert += [f"命中关键词：{source.keywords}"] if source.keywords else []
            if alert:
                out.print(f"    {'；'.join(alert)}（监测平台）", markup=False)
    spread = spread_of(case)
    shown = f"{spread.spread_label}，{spread.counts}" + ("，有害信息" if spread.harmful else "")
    out.print(styled("\n[bold]传播[/]  {}", shown))
    policy = store.policy.policy
    rules = {rule.id: (rule.text, rule.clause) for rule in policy.rules}
    if policy.default is not None:  # the level of a case no rule matches
        rules[policy.default.id] = (policy.default.text, policy.default.clause)
    for grading in case.grading:
        name = grading.level_name or str(grading.level)
        out.print(styled("[bold]定级[/]  {}  {}", format_time(grading.at, zone), name))
        if grading.override_reason:
            out.print(f"      人工定级：{grading.override_reason}", markup=False)
            continue
        for rule_id in grading.matched:  # why: each rule's text and clause
            text, clause = rules.get(rule_id, ("（现行策略中已无此规则）", ""))
            why = f"{text}（{clause}）" if clause else text
            out.print(f"      依据 {rule_id}：{why}", markup=False)
    if states:
        from yqctl.cli.due import deadline_table

        out.print(deadline_table(states, store))
    table = Table(title="时间线", title_justify="left", show_lines=False)
    for column in ("时间", "动作", "经办", "说明"):
        table.add_column(column)
    for item in case.timeline:
        table.add_row(
            format_time(item.at, zone), label(item.action), item.by or "", item.text or ""
        )
    out.print(table)


def _print_evidence(rows: list[dict[str, object]]) -> None:
    from rich.table import Table

    from yqctl.store.evidence import STATE_LABELS

    if not rows:
        return
    table = Table(title="证据", title_justify="left")
    for column in ("文件", "核验"):
        table.add_column(column)
    for row in rows:
        state = STATE_LABELS[str(row["status"])]
        shown = state if row["status"] == "ok" else styled("[red]{}[/]", state)
        table.add_row(str(row["path"]), shown)
    console().print(table)


def _print_closure(loaded: "LoadedCase", store: "Repo") -> None:
    from yqctl.timeutil import format_time

    closure, out = loaded.case.closure, console()
    if closure is None:
        return
    out.print(styled("[bold]办结[/]  {}", format_time(closure.closed_at, store.zone)), end="  ")
    for name, value in (
        ("处置结果", closure.result),
        ("总结评估", closure.evaluation),
        ("经验教训", closure.lessons),
        ("改进措施", closure.improvements),
    ):
        if value:
            out.print(f"{name}：{value}", markup=False)
