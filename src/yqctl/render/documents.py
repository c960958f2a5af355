"""From a repository to a finished document: build the domain object, then render it in a format.

Every template gets the same context: ``doc`` (the form or report object of ``yqctl.core``),
``head`` (its letterhead) and ``charts`` (for HTML, ``data:`` URIs of PNG images; for Word, images
placed inline; Markdown gets none and draws its own text bars from the counts).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yqctl.core.case import Case
from yqctl.core.district import School, district_report
from yqctl.core.enums import FormKind
from yqctl.core.forms import FORM_TITLES, opinion_form, record_form, registration_form
from yqctl.core.periods import Period
from yqctl.core.reports import Count, PeriodReport, ReportOptions, period_report
from yqctl.core.special import special_report
from yqctl.core.views import Letterhead, to_jsonable
from yqctl.layout import EVIDENCE_DIR

if TYPE_CHECKING:
    from yqctl.render.templates import TemplateSet
    from yqctl.store.repo import Repo


@dataclass(frozen=True)
class Chart:
    """A bar chart to draw: the same figures whatever the output format."""

    title: str
    labels: list[str]
    values: list[int]
    horizontal: bool = False


@dataclass(frozen=True)
class Document:
    """A form or report ready to render with the template family ``template``."""

    template: str  # registration / opinion / record / daily / weekly / monthly / special / district
    doc: Any  # RegistrationForm / OpinionForm / RecordForm / PeriodReport / SpecialReport / …
    head: Letterhead
    filename: str  # default output name, without suffix
    charts: dict[str, Chart] = field(default_factory=dict)
    # the files on disk it may show: its case's evidence (the PDF step reads no other file)
    shows: tuple[Path, ...] = ()

    def to_json(self) -> Any:
        return to_jsonable(self.doc)


def letterhead(repo: Repo, title: str, now: datetime, *, confidential: bool) -> Letterhead:
    config = repo.config
    return Letterhead(
        institution=config.institution,
        office=config.office,
        marking=config.marking_for(confidential),
        title=title,
        generated_at=now.astimezone(config.zone),
    )


def form_document(repo: Repo, case: Case, kind: FormKind, now: datetime) -> Document:
    head = letterhead(repo, FORM_TITLES[kind], now, confidential=case.confidential)
    policy, zone = repo.policy.policy, repo.config.zone
    if kind is FormKind.registration:
        doc: Any = registration_form(case, policy, repo.org, zone, head)
    elif kind is FormKind.opinion:
        doc = opinion_form(case, policy, zone, head)
    else:  # its deadlines are judged as of now, as the 专报's next steps are
        doc = record_form(case, policy, repo.org, repo.calendar, zone, now, head)
    name = f"{case.id}-{FORM_TITLES[kind]}"
    return Document(kind.value, doc, head, name, shows=evidence_files(repo, case))


def special_document(repo: Repo, case: Case, now: datetime) -> Document:
    head = letterhead(repo, "舆情专报", now, confidential=case.confidential)
    doc = special_report(case, repo.policy.policy, repo.calendar, repo.config.zone, now, head)
    name = f"{case.id}-舆情专报"
    return Document("special", doc, head, name, shows=evidence_files(repo, case))


def evidence_files(repo: Repo, case: Case) -> tuple[Path, ...]:
    """The case's recorded evidence files that really are in its ``evidence/<id>/`` folder.

    Resolved (``realpath``) before the comparison: a path with ``..`` or a symlink out of the
    folder, which a hand edit or a hostile commit can record, is left out.
    """
    folder = Path(os.path.realpath(repo.root / EVIDENCE_DIR / case.id))
    recorded = {item.path for item in case.evidence}
    recorded |= {source.evidence for source in case.sources if source.evidence}
    resolved = (Path(os.path.realpath(repo.root / path)) for path in sorted(recorded))
    return tuple(path for path in resolved if path.is_relative_to(folder) and path != folder)


def period_document(
    repo: Repo, period: Period, now: datetime, options: ReportOptions, cases: list[Case]
) -> Document:
    """The 日报/周报/月报; ``cases`` are the repository's (valid) cases, loaded by the caller."""
    report = school_report(repo, period, now, options, cases)
    return Document(
        period.kind.value,
        report,
        report.head,
        f"{period.title}-{period.key}",
        period_charts(report),
    )


def school_report(
    repo: Repo, period: Period, now: datetime, options: ReportOptions, cases: list[Case]
) -> PeriodReport:
    """One repository's period report, under its own policy, calendar, zone and letterhead."""
    shown = _confidential_shown(options, cases)
    head = letterhead(repo, period.title, now, confidential=shown)
    return period_report(
        cases, repo.policy.policy, repo.calendar, repo.config.zone, period, now, head, options
    )


def _confidential_shown(options: ReportOptions, cases: list[Case]) -> bool:
    """Whether the report prints a confidential case in full (then it bears 涉密 marking)."""
    return options.include_confidential and any(c.confidential for c in cases)


@dataclass(frozen=True)
class SchoolCases:
    """One school's repository and the cases its report of ``period`` can touch."""

    repo: Repo
    name: str  # as the district report names the school
    period: Period  # in the school's zone
    cases: list[Case]
    unreadable: int  # case files that could not be read


def district_document(
    parts: list[SchoolCases], now: datetime, options: ReportOptions, issuer: str | None
) -> Document:
    """The 区域汇总 report: each school's report of the period, summed.

    The head names the ``--issuer`` (编制单位), else the schools; it bears the confidential
    marking when any school's part prints a confidential case in full.
    """
    schools = [
        School(
            part.name,
            school_report(part.repo, part.period, now, options, part.cases),
            part.unreadable,
        )
        for part in parts
    ]
    secret = [
        p.repo.config.marking_for(True) for p in parts if _confidential_shown(options, p.cases)
    ]
    first = parts[0]
    names = [part.name for part in parts]
    head = Letterhead(
        institution=issuer
        or ("、".join(names) if len(names) <= 3 else f"{names[0]}等 {len(names)} 所学校"),
        office=issuer or "各校汇总",
        marking=secret[0] if secret else first.repo.config.marking,
        title=f"{first.period.title}（汇总）",
        generated_at=now.astimezone(first.repo.config.zone),
    )
    report = district_report(schools, head)
    charts = {
        "per_day": _counts_chart(_per_day_title(report.period), report.per_day),
        "schools": Chart(
            "各校本期涉及舆情",
            names,
            [row.totals.in_period for row in report.schools],
            horizontal=True,
        ),
    }
    return Document("district", report, head, f"{head.title}-{report.period.key}", charts)


def period_charts(report: PeriodReport) -> dict[str, Chart]:
    return {
        "per_day": _counts_chart(_per_day_title(report.period), report.per_day),
        "levels": _counts_chart("本期舆情级别分布", report.by_level),
    }


def _per_day_title(period: Period) -> str:
    return "近7日每日新增舆情" if period.kind.value == "daily" else "每日新增舆情"


def _counts_chart(title: str, counts: list[Count]) -> Chart:
    return Chart(title, [c.label for c in counts], [c.count for c in counts])


# ---- rendering ----------------------------------------------------------------------------------


def context(document: Document) -> dict[str, Any]:
    return {"doc": document.doc, "head": document.head}


def chart_images(document: Document) -> dict[str, bytes]:
    from yqctl.render.charts import bar_chart

    return {
        key: bar_chart(chart.title, chart.labels, chart.values, horizontal=chart.horizontal)
        for key, chart in document.charts.items()
    }


def render(templates: TemplateSet, document: Document, fmt: str) -> str | bytes:
    """The document as Markdown or HTML text, or .docx / .pdf bytes."""
    # Markdown draws its own text bars from the counts: no need to draw the charts for it
    charts = None if fmt == "md" else chart_images(document)
    return templates.render(
        document.template, fmt, context(document), charts=charts, files=document.shows
    )
