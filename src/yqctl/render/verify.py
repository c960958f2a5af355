"""``yqctl check`` renders the repository's own templates against the demo cases, so that a broken
template is found on a quiet day, not when the 专报 is due.

Only templates that read a file of the repository's ``templates/`` are rendered (an override, or a
built-in template that includes an overriding partial): the built-in ones on their own are pinned
by yqctl's tests, and rendering all eighteen was most of ``check``'s time. The demo cases ship with
yqctl; the repository's own configuration, organisation and policy are used, so a template that
reads them is checked against the real ones. Charts are a blank image here: drawing them would
test matplotlib, not the template.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from yqctl import resources
from yqctl.core.case import Case
from yqctl.core.enums import FormKind
from yqctl.core.periods import PeriodKind, period_containing
from yqctl.core.reports import ReportOptions
from yqctl.errors import Problem, YqError
from yqctl.render.documents import (
    Document,
    context,
    form_document,
    period_document,
    special_document,
)
from yqctl.render.references import html_templates, outside_references
from yqctl.render.templates import TemplateSet, template_name

if TYPE_CHECKING:
    from yqctl.store.repo import Repo

# A 1×1 white PNG: a valid image for <img> and for Word's InlineImage.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c63f80f040009fb03fdfb5e6b2b0000000049454e44ae426082"
)
TEMPLATE_FAMILIES = ("registration", "opinion", "record", "daily", "weekly", "monthly", "special")
FORMATS = ("md", "html", "docx")  # PDF is printed from the HTML template


def check_templates(repo: Repo) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings): every template that fails to render or refers to a resource the PDF
    step would refuse, and repository templates that no document uses (a misspelt name would
    silently never override anything)."""
    templates = TemplateSet(repo.root)
    rendered = {name for name in templates.names() if templates.from_repository(name)}
    problems: list[Problem] = list(_outside_references(templates))
    for document in demo_documents(repo) if rendered else ():
        for fmt in FORMATS:
            name = template_name(document.template, fmt)
            if name not in rendered:
                continue
            try:
                _render(templates, document, fmt)
            except YqError as exc:
                problems += exc.problems or [
                    Problem(templates.display(templates.origin(name)), 0, 0, exc.message)
                ]
    return _unique(problems), list(_unused(templates, repo))


def _render(templates: TemplateSet, document: Document, fmt: str) -> None:
    charts = None if fmt == "md" else {key: BLANK_PNG for key in document.charts}
    templates.render(document.template, fmt, context(document), charts=charts)


def demo_documents(repo: Repo) -> Iterator[Document]:
    """One of each document, from the demo cases nearest the repository's policy."""
    cases = demo_cases(repo.config.policy)
    if not cases:
        return
    now = max(c.discovered_at for c in cases)
    by_level = sorted(cases, key=lambda c: (c.level is None, c.level or 0))
    yield form_document(repo, _pick(cases, 3), FormKind.registration, now)
    yield form_document(repo, _pick(cases, 2), FormKind.opinion, now)
    yield form_document(repo, by_level[0], FormKind.record, now)  # the most steps to fill
    yield special_document(repo, by_level[0], now)
    options = ReportOptions(include_confidential=False, include_drills=True)
    for kind in (PeriodKind.daily, PeriodKind.weekly, PeriodKind.monthly):
        period = period_containing(kind, now, repo.config.zone)
        yield period_document(repo, period, now, options, cases)


def _pick(cases: list[Case], level: int) -> Case:
    return next((c for c in cases if c.level == level), cases[0])


def demo_cases(policy_name: str) -> list[Case]:
    """The shipped demo cases of this policy (or of the university, for a policy of one's own)."""
    from yqctl.store import yamlio
    from yqctl.store.validate import validate

    root = resources.data_dir("cases")
    folder = root / policy_name if (root / policy_name).is_dir() else root / "university"
    paths = sorted(folder.glob("*/*.yaml"))
    return [validate(Case, yamlio.load(path, path.name)) for path in paths]


def _outside_references(templates: TemplateSet) -> Iterator[Problem]:
    if templates.repo_dir is None:
        return
    for path in html_templates(templates.repo_dir):
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # rendering it names the problem
        yield from outside_references(text, templates.display(path))


def _unused(templates: TemplateSet, repo: Repo) -> Iterator[Problem]:
    if templates.repo_dir is None or not templates.repo_dir.is_dir():
        return
    known = {template_name(family, fmt) for family in TEMPLATE_FAMILIES for fmt in FORMATS}
    for path in sorted(templates.repo_dir.iterdir()):
        if path.name.startswith(("_", ".")) or path.name.lower() == "readme.md":
            continue
        if path.is_file() and path.name not in known:
            choices = "、".join(sorted(known))
            yield Problem(
                templates.display(path),
                0,
                0,
                f"未使用的模板：没有文档叫这个名字；可覆盖的模板：{choices}",
            )


def _unique(problems: list[Problem]) -> list[Problem]:
    """A broken partial fails every document that includes it: report it once."""
    return list(dict.fromkeys(problems))
