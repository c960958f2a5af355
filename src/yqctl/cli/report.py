"""``yqctl report``: 舆情日报 / 周报 / 月报 of a period, and the 专报 on one case."""

from typing import TYPE_CHECKING, Annotated

import typer

from yqctl.cli.common import (
    JsonOpt,
    NowOpt,
    RepoOpt,
    open_repo,
    resolve_now,
    warn_unreadable,
)
from yqctl.cli.deliver import FormatOpt, OutputOpt, deliver

if TYPE_CHECKING:
    from pathlib import Path

    from yqctl.core.reports import ReportOptions

app = typer.Typer(
    help="生成舆情日报、周报、月报（按时段汇总）和专报（单个案件）。",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ConfidentialOpt = Annotated[
    bool,
    typer.Option(
        "--include-confidential",
        help="涉密案件也列出标题、摘要和处置过程（默认只列编号、级别、涉事单位和状态）",
    ),
]
DrillsOpt = Annotated[bool, typer.Option("--drills", help="包括演练案件（默认不计入）")]


@app.command("daily")
def daily(
    day: Annotated[
        str | None, typer.Option("--date", help="日期，如 2026-11-24（默认：--now 当天）")
    ] = None,
    include_confidential: ConfidentialOpt = False,
    drills: DrillsOpt = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """舆情日报：当日新增、办结、在办，各类统计，时限落实情况，近 7 日趋势图。"""
    options = _options(include_confidential, drills)
    _period_report("daily", {"day": day}, options, fmt, output, repo, now, as_json)


@app.command("weekly")
def weekly(
    week: Annotated[
        str | None,
        typer.Option("--week", help="ISO 周，如 2026-W47（默认：--now 所在的周）"),
    ] = None,
    include_confidential: ConfidentialOpt = False,
    drills: DrillsOpt = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """舆情周报（周一至周日）：统计、重点舆情、各单位处置时限落实情况、每日新增图。"""
    options = _options(include_confidential, drills)
    _period_report("weekly", {"week": week}, options, fmt, output, repo, now, as_json)


@app.command("monthly")
def monthly(
    month: Annotated[
        str | None, typer.Option("--month", help="月份，如 2026-11（默认：--now 所在的月）")
    ] = None,
    include_confidential: ConfidentialOpt = False,
    drills: DrillsOpt = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """舆情月报：统计、重点舆情、各单位处置时限落实情况、每日新增图。"""
    options = _options(include_confidential, drills)
    _period_report("monthly", {"month": month}, options, fmt, output, repo, now, as_json)


@app.command("special")
def special(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """舆情专报：核心摘要与风险研判，事件概况、传播态势、研判、处置情况、下一步工作、证据清单。"""
    from yqctl.render.documents import special_document
    from yqctl.store.repo import check_id_argument

    store = open_repo(repo)
    moment = resolve_now(now, store)
    case = store.load_case(check_id_argument(case_id)).case
    deliver(store, special_document(store, case, moment), fmt, output, as_json)


def _options(include_confidential: bool, drills: bool) -> "ReportOptions":
    from yqctl.core.reports import ReportOptions

    return ReportOptions(include_confidential=include_confidential, include_drills=drills)


def _period_report(
    kind: str,
    flags: dict[str, str | None],
    options: "ReportOptions",
    fmt: str | None,
    output: "Path | None",
    repo: "Path | None",
    now: str | None,
    as_json: bool,
) -> None:
    from yqctl.core.periods import PeriodKind, choose_period
    from yqctl.errors import UsageError
    from yqctl.render.documents import period_document

    store = open_repo(repo)
    moment = resolve_now(now, store)
    period = choose_period(PeriodKind(kind), moment, store.config.zone, **flags)
    if moment < period.start:
        raise UsageError(
            f"{period.label}尚未开始（现在是 {moment:%Y-%m-%d %H:%M}），没有可报告的内容"
        )
    from yqctl.core.reports import touches

    case_set = store.cases_where(lambda facets: touches(facets, period, moment, options))
    warn_unreadable(case_set.problems)  # the report would be incomplete: say so loudly
    cases = [loaded.case for loaded in case_set.cases]
    deliver(store, period_document(store, period, moment, options, cases), fmt, output, as_json)
    if case_set.problems:
        raise typer.Exit(1)
