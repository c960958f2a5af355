"""From a repository to a finished document: build the domain object, then render it in a format.

Every template gets the same context: ``doc`` (the form or report object of ``yqctl.core``),
``head`` (its letterhead) and ``charts`` (for HTML, ``data:`` URIs of PNG images; for Word, images
placed inline; Markdown gets none and draws its own text bars from the counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from yqctl.core.case import Case
from yqctl.core.forms import FORM_TITLES, FormKind, opinion_form, registration_form
from yqctl.core.periods import Period
from yqctl.core.reports import PeriodReport, ReportOptions, period_report
from yqctl.core.special import special_report
from yqctl.core.views import Letterhead, to_jsonable

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

    template: str  # registration / opinion / daily / weekly / monthly / special
    doc: Any  # RegistrationForm / OpinionForm / PeriodReport / SpecialReport
    head: Letterhead
    filename: str  # default output name, without suffix
    charts: dict[str, Chart] = field(default_factory=dict)

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
    else:
        doc = opinion_form(case, policy, zone, head)
    return Document(kind.value, doc, head, f"{case.id}-{FORM_TITLES[kind]}")


def special_document(repo: Repo, case: Case, now: datetime) -> Document:
    head = letterhead(repo, "舆情专报", now, confidential=case.confidential)
    doc = special_report(case, repo.policy.policy, repo.calendar, repo.config.zone, now, head)
    return Document("special", doc, head, f"{case.id}-舆情专报")


def period_document(
    repo: Repo, period: Period, now: datetime, options: ReportOptions, cases: list[Case]
) -> Document:
    """The 日报/周报/月报; ``cases`` are the repository's (valid) cases, loaded by the caller."""
    hidden_shown = options.include_confidential and any(c.confidential for c in cases)
    head = letterhead(repo, period.title, now, confidential=hidden_shown)
    report = period_report(
        cases, repo.policy.policy, repo.calendar, repo.config.zone, period, now, head, options
    )
    return Document(
        period.kind.value, report, head, f"{period.title}-{period.key}", period_charts(report)
    )


def period_charts(report: PeriodReport) -> dict[str, Chart]:
    days = "近7日每日新增舆情" if report.period.kind.value == "daily" else "每日新增舆情"
    return {
        "per_day": Chart(
            days, [c.label for c in report.per_day], [c.count for c in report.per_day]
        ),
        "levels": Chart(
            "本期舆情级别分布",
            [c.label for c in report.by_level],
            [c.count for c in report.by_level],
        ),
    }


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
    return templates.render(document.template, fmt, context(document), charts=charts)
