"""``yqctl stats``: how each owner (责任方) kept the policy's deadlines in a period, on the terminal,
and — where the policy ties poor handling to evaluations (university 六(一) 一票否决) — the list of
owners with missed or late deadlines on the cases it covers, for the leading group to judge. That
list lives here, in the office's own tool, and not in the reports, which circulate more widely."""

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
    warn_unreadable,
)

if TYPE_CHECKING:
    from datetime import tzinfo

    from yqctl.core.policy import Policy
    from yqctl.core.reports import Candidate, PeriodReport

CANDIDATE_NOTE = "以下只是名单，供领导小组研判，不是结论；不列入周报、月报等外发文件。"


def stats(
    day: Annotated[str | None, typer.Option("--date", help="某一天，如 2026-11-24")] = None,
    week: Annotated[str | None, typer.Option("--week", help="某一周，如 2026-W47")] = None,
    month: Annotated[
        str | None, typer.Option("--month", help="某一月，如 2026-11（默认：--now 所在的月）")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="起始日期（含），如 2026-09-01")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="截止日期（含），默认 --now 当天")
    ] = None,
    drills: Annotated[bool, typer.Option("--drills", help="包括演练案件")] = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """各责任方在时段内到期的处置时限：按时完成、逾期完成、超时未完成、未到期，以及按时完成率；策略规定处置不力后果的（高校六(一)），另列供领导小组研判的名单。"""
    from yqctl.core.periods import PeriodKind, choose_period
    from yqctl.core.reports import (
        ReportOptions,
        accountability_candidates,
        period_report,
        touches,
    )
    from yqctl.core.views import Letterhead

    store = open_repo(repo)
    moment = resolve_now(now, store)
    zone = store.config.zone
    period = choose_period(
        PeriodKind.monthly, moment, zone, day=day, week=week, month=month, since=since, until=until
    )
    options = ReportOptions(include_drills=drills)
    case_set = store.cases_where(lambda facets: touches(facets, period, moment, options))
    warn_unreadable(case_set.problems)
    head = Letterhead(store.config.institution, store.config.office, "", "舆情统计", moment)
    cases = [loaded.case for loaded in case_set.cases]
    policy = store.policy.policy
    report = period_report(cases, policy, store.calendar, zone, period, moment, head, options)
    known = {line.case_id for line in report.deadlines}  # drills and cases out of scope left out
    candidates = accountability_candidates(
        [case for case in cases if case.id in known], report.deadlines, policy, report.as_of
    )
    if as_json:
        emit_json(_json(report) | {"accountability": _accountability_json(policy, candidates)})
    else:
        _print(report)
        _print_accountability(policy, candidates, zone)
    if case_set.problems:
        raise typer.Exit(1)


def _json(report: "PeriodReport") -> dict[str, object]:
    from yqctl.core.views import to_jsonable

    return {
        "period": report.period.to_json(),
        "as_of": report.as_of.isoformat(),
        "total": report.deadline_tally.to_json(),
        "owners": [{"owner": row.unit, **row.tally.to_json()} for row in report.unit_tallies],
        "deadlines": to_jsonable(report.deadlines),
    }


def _print(report: "PeriodReport") -> None:
    from rich.table import Table

    out = console()
    suffix = "" if report.complete else f"（截至 {report.as_of:%Y-%m-%d %H:%M}）"
    out.print(styled("[bold]处置时限落实情况[/]  {}{}", report.period.label, suffix))
    if not report.deadlines:
        out.print("本时段内没有到期的处置时限。")
        return
    table = Table(show_footer=True)
    total = report.deadline_tally
    columns = (
        ("责任方", "合计"),
        ("应办", str(total.total)),
        ("按时完成", str(total.on_time)),
        ("逾期完成", str(total.late)),
        ("超时未完成", str(total.missed)),
        ("未到期", str(total.pending)),
        ("按时完成率", total.rate_text),
    )
    for name, footer in columns:
        table.add_column(name, footer=footer, justify="left" if name == "责任方" else "right")
    for row in report.unit_tallies:
        t = row.tally
        missed = styled("[bold red]{}[/]", t.missed) if t.missed else "0"
        table.add_row(
            row.unit, str(t.total), str(t.on_time), str(t.late), missed, str(t.pending), t.rate_text
        )
    out.print(table)
    out.print(
        Styled(
            "[dim]按时完成率 = 按时完成 ÷（按时完成 + 逾期完成 + 超时未完成）；未到期的不计入。[/]"
        )
    )


def _accountability_json(
    policy: "Policy", candidates: "list[Candidate]"
) -> dict[str, object] | None:
    spec = policy.accountability
    if spec is None:
        return None
    return {
        "clause": spec.clause,
        "text": spec.text,
        "note": CANDIDATE_NOTE,
        "candidates": [candidate.to_json() for candidate in candidates],
    }


def _print_accountability(policy: "Policy", candidates: "list[Candidate]", zone: "tzinfo") -> None:
    """The owners with missed or late deadlines on the cases the policy's consequence covers."""
    from rich.table import Table

    from yqctl.timeutil import format_time

    spec = policy.accountability
    if spec is None:
        return
    out = console()
    out.print(styled("\n[bold]处置不力候选名单[/]（{}：{}）", spec.clause, spec.text))
    out.print(styled("[yellow]{}[/]", CANDIDATE_NOTE))
    if not candidates:
        out.print("本时段内这些案件的处置时限没有超时或逾期完成的。")
        return
    table = Table()
    for column in ("责任方", "案件", "级别", "时限事项", "条款", "应完成时间", "落实情况"):
        table.add_column(column, overflow="fold")
    for candidate in candidates:
        for line in candidate.lines:
            table.add_row(
                candidate.owner,
                line.case_id,
                candidate.level_names[line.case_id],
                line.title,
                line.clause,
                format_time(line.due, zone),
                line.outcome_label,
            )
    out.print(table)
