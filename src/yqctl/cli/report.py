"""``yqctl report``: 舆情日报 / 周报 / 月报 of a period, and the 专报 on one case."""

import os
from dataclasses import dataclass
from pathlib import Path
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
from yqctl.errors import UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from yqctl.core.periods import Period
    from yqctl.core.reports import ReportOptions
    from yqctl.render.documents import Document
    from yqctl.store.repo import CaseSet, Repo

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
ReposOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--repo",
        help="案件仓库目录（默认：从当前目录向上查找 yq.yaml）；给出多个时生成各校汇总报告",
        show_default=False,
    ),
]
IssuerOpt = Annotated[
    str | None,
    typer.Option(
        "--issuer",
        help="汇总报告的编制单位，印在页眉和发文单位处，如 某区教育局（只用于多个 --repo）",
        show_default=False,
    ),
]


@app.command("daily")
def daily(
    day: Annotated[
        str | None, typer.Option("--date", help="日期，如 2026-11-24（默认：--now 当天）")
    ] = None,
    include_confidential: ConfidentialOpt = False,
    drills: DrillsOpt = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repo: ReposOpt = None,
    issuer: IssuerOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """舆情日报：当日新增、办结、在办，各类统计，时限落实情况，近 7 日趋势图。"""
    options = _options(include_confidential, drills)
    _period_report("daily", {"day": day}, options, Output(fmt, output, as_json), repo, issuer, now)


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
    repo: ReposOpt = None,
    issuer: IssuerOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """舆情周报（周一至周日）：统计、重点舆情、各单位处置时限落实情况、每日新增图。"""
    options = _options(include_confidential, drills)
    _period_report(
        "weekly", {"week": week}, options, Output(fmt, output, as_json), repo, issuer, now
    )


@app.command("monthly")
def monthly(
    month: Annotated[
        str | None, typer.Option("--month", help="月份，如 2026-11（默认：--now 所在的月）")
    ] = None,
    include_confidential: ConfidentialOpt = False,
    drills: DrillsOpt = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repo: ReposOpt = None,
    issuer: IssuerOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """舆情月报：统计、重点舆情、各单位处置时限落实情况、每日新增图。"""
    options = _options(include_confidential, drills)
    _period_report(
        "monthly", {"month": month}, options, Output(fmt, output, as_json), repo, issuer, now
    )


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


@dataclass(frozen=True)
class Output:
    """Where and how the report goes (``--format``, ``-o``, ``--json``)."""

    fmt: str | None
    path: "Path | None"
    as_json: bool

    def deliver(self, store: "Repo | None", document: "Document") -> None:
        deliver(store, document, self.fmt, self.path, self.as_json)


def _period_report(
    kind: str,
    flags: dict[str, str | None],
    options: "ReportOptions",
    out: Output,
    repos: "list[Path] | None",
    issuer: str | None,
    now: str | None,
) -> None:
    """One repository's report, or with several ``--repo`` the district's (各校汇总)."""
    from yqctl.render.documents import period_document

    paths: list[Path | None] = list(repos) if repos else [_env_repo()]
    if len(paths) > 1:
        failed = _district_report(kind, flags, options, out, paths, issuer, now)
    else:
        if issuer is not None:
            raise UsageError("--issuer 只用于汇总报告：请给出两个以上的 --repo")
        store = open_repo(paths[0])
        moment = resolve_now(now, store)
        period, case_set = _period_cases(store, kind, flags, moment, options)
        cases = [loaded.case for loaded in case_set.cases]
        out.deliver(store, period_document(store, period, moment, options, cases))
        failed = bool(case_set.problems)
    if failed:
        raise typer.Exit(1)


def _district_report(
    kind: str,
    flags: dict[str, str | None],
    options: "ReportOptions",
    out: Output,
    paths: "list[Path | None]",
    issuer: str | None,
    now: str | None,
) -> bool:
    """Every school's report of the period, summed; whether some school's files were unreadable.

    Each school's report is built as its own would be (its policy, calendar, zone); the
    district's document uses the built-in templates, since it belongs to no one school.
    """
    from yqctl.render.documents import SchoolCases, district_document

    stores = _distinct_repos(paths)
    moment = resolve_now(now, stores[0])
    parts = []
    for store, name in zip(stores, school_names(stores), strict=True):
        period, case_set = _period_cases(store, kind, flags, moment, options)
        cases = [loaded.case for loaded in case_set.cases]
        unreadable = len({problem.path for problem in case_set.problems})
        parts.append(SchoolCases(store, name, period, cases, unreadable))
    out.deliver(None, district_document(parts, moment, options, issuer))
    return any(part.unreadable for part in parts)


def _period_cases(
    store: "Repo",
    kind: str,
    flags: dict[str, str | None],
    moment: "datetime",
    options: "ReportOptions",
) -> "tuple[Period, CaseSet]":
    """The period asked for, in the repository's zone, and the cases its report can touch."""
    from yqctl.core.periods import PeriodKind, choose_period
    from yqctl.core.reports import touches

    period = choose_period(PeriodKind(kind), moment, store.config.zone, **flags)
    if moment < period.start:
        raise UsageError(
            f"{period.label}尚未开始（现在是 {moment:%Y-%m-%d %H:%M}），没有可报告的内容"
        )
    case_set = store.cases_where(lambda facets: touches(facets, period, moment, options))
    warn_unreadable(case_set.problems)  # the report would be incomplete: say so loudly
    return period, case_set


def school_names(stores: "list[Repo]") -> list[str]:
    """Each repository's institution; two of the same name are told apart by their folders."""
    names = [store.config.institution for store in stores]
    return [
        f"{name}（{store.root.name}）" if names.count(name) > 1 else name
        for name, store in zip(names, stores, strict=True)
    ]


def _env_repo() -> "Path | None":
    """``YQCTL_REPO``, read here: a repeatable option would split its value at spaces."""
    value = os.environ.get("YQCTL_REPO")
    return Path(value) if value else None


def _distinct_repos(paths: "list[Path | None]") -> "list[Repo]":
    stores = [open_repo(path) for path in paths]
    roots = [store.root for store in stores]
    twice = sorted({str(root) for root in roots if roots.count(root) > 1})
    if twice:
        raise UsageError(f"同一个仓库给了不止一次：{'、'.join(twice)}")
    return stores
