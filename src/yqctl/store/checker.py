"""``yqctl check``: validate every file of the repository, like beancount's bean-check.

Problems make the check fail; warnings (placeholders still to fill in) do not.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from yqctl.core.case import Case, MergeConflict
from yqctl.core.config import Org
from yqctl.core.incident_types import IncidentTypes
from yqctl.core.policy import Policy
from yqctl.core.timeline import FUTURE_TOLERANCE
from yqctl.core.workdays import CalendarFile
from yqctl.errors import Problem, YqError
from yqctl.layout import (
    CASES_DIR,
    CONFIG_FILE,
    EVIDENCE_DIR,
    LOCAL_DIR,
    ORG_FILE,
    POLICIES_DIR,
    TEMPLATES_DIR,
)
from yqctl.store import yamlio
from yqctl.store.files import STALE_TEMP_SECONDS, inside, is_temp_name, link_message
from yqctl.store.placeholders import placeholder_warnings
from yqctl.store.repo import LoadedCase, Repo, unit_problem
from yqctl.store.validate import validate
from yqctl.textutil import shortened

PLACEHOLDER = "待填写"
LINKLESS_DIRS = (CASES_DIR, EVIDENCE_DIR, TEMPLATES_DIR, POLICIES_DIR, LOCAL_DIR)
EVIDENCE_MAX_BYTES = 200 * 1024 * 1024


@dataclass
class Report:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)  # recorded merge conflicts

    @property
    def failed(self) -> list[Problem]:
        """Everything that makes ``check`` fail, in order."""
        return sorted([*self.problems, *self.conflicts])


def check(repo: Repo, now: datetime | None = None) -> Report:
    """Every file; with ``now``, times later than it are flagged (a mistyped year, a wrong zone)."""
    report = Report()
    _check_config(repo, report)
    # the sample names still in yq.yaml, the policy and org.yaml: printed on every document
    report.warnings.extend(placeholder_warnings(repo, _configured_policy(repo)))
    org = _check_org(repo, report)
    policy = _check_policies(repo, report)
    if policy is not None and org is not None:
        _check_escalation(policy, org, report)
    if org is not None:
        _check_import_units(repo, org, report)
    seen: dict[str, str] = {}
    case_files: set[str] = set()  # a file with three problems is still one file checked
    for item in repo.iter_cases():
        case_files.add(item.path)
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        _check_case(repo, item, org, seen, report)
        if now is not None:
            report.warnings.extend(_future_times(item, now))
        if policy is not None:
            _check_level(item, policy, report)
    report.files += len(case_files)
    report.problems.extend(p for p in _symlinks(repo.root) if p.path not in case_files)
    if policy is not None:
        _check_deadlines(repo, report)
    if policy is not None and org is not None:
        _check_templates(repo, report)
    report.problems.extend(_undecided_deletions(repo))
    report.warnings.extend(_leftover_warnings(repo, time.time()))
    report.warnings.extend(_schema_warnings(repo))
    report.problems.sort()
    return report


def _symlinks(root: Path) -> Iterator[Problem]:
    """Every symlink in the folders whose files yqctl reads or writes: a shared repository may
    carry one that leads out of it (yqctl never follows them; this names them)."""
    for folder in LINKLESS_DIRS:
        path = root / folder
        if path.is_symlink():
            yield Problem(folder, 0, 0, link_message(folder, path))
        elif path.is_dir():
            for link in _links_under(path):
                shown = link.relative_to(root).as_posix()
                yield Problem(shown, 0, 0, link_message(shown, link))


def _links_under(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            yield Path(entry.path)
        elif entry.is_dir(follow_symlinks=False):
            yield from _links_under(Path(entry.path))


def _check_deadlines(repo: Repo, report: Report) -> None:
    """Every case's deadlines can be computed, as ``due`` and the reports will compute them (and
    remember them for ``due``): a case in a year the working-day calendar lacks is named here,
    not first by a failing ``due``. The unreadable files among the problems are named already."""
    try:
        _, problems = repo.due_entries()
    except YqError:
        return  # the calendar file itself is broken: reported with the policies
    named = set(report.problems)
    report.problems.extend(problem for problem in problems if problem not in named)


def _schema_warnings(repo: Repo) -> list[Problem]:
    """The editors' schema (case.schema.json) should describe this yqctl's case file."""
    from yqctl.store.schema import SCHEMA_FILE, schema_text

    try:
        current = (repo.root / SCHEMA_FILE).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        current = None
    if current == schema_text():
        return []
    state = "不存在" if current is None else "与当前版本的案件格式不一致"
    fix = f"运行 yqctl schema -o {SCHEMA_FILE} 更新并提交"
    return [Problem(SCHEMA_FILE, 0, 0, f"编辑器用的案件格式说明{state}：{fix}")]


def _undecided_deletions(repo: Repo) -> list[Problem]:
    """Cases the merge ``sync`` stopped waits on: one side deleted, the other changed them."""
    from yqctl.store.git import Git
    from yqctl.store.parted import undecided

    try:
        waiting = undecided(Git(repo.root))
    except YqError:
        return []  # no git installed
    return [
        Problem(p.path, 0, 0, f"同步暂停：{p.sides}，需要决定："
                f"yqctl resolve {p.case_id} --keep（保留修改）或 --delete（接受删除）")
        for p in waiting
    ]  # fmt: skip


def _leftover_warnings(repo: Repo, now: float) -> list[Problem]:
    """What an interrupted command can leave behind; neither is a broken case, so: warnings."""
    return [*_stale_temps(repo, now), *_uncommitted_cases(repo)]


def _stale_temps(repo: Repo, now: float) -> list[Problem]:
    # a younger one may belong to a write in progress (check takes no lock)
    base = repo.root / CASES_DIR
    found = []
    for path in sorted(base.glob("*/.*")) if base.is_dir() else []:
        with contextlib.suppress(OSError):  # removed meanwhile
            if is_temp_name(path.name) and now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                found.append(
                    Problem(
                        repo.relative(path),
                        0,
                        0,
                        "写入中途被终止留下的临时文件，不是案件，已被忽略；可删除"
                        "（下次写入该案件时也会自动清理）",
                    )
                )
    return found


def _uncommitted_cases(repo: Repo) -> list[Problem]:
    """Case files that differ from their last commit: not yet in the audit trail."""
    from yqctl.store.git import Git

    try:
        git = Git(repo.root)
    except YqError:
        return []  # no git installed: nothing to compare with
    # porcelain paths are relative to the git top level, which may lie above the repository
    prefix = git.run("rev-parse", "--show-prefix", check=False).strip()
    # no optional locks: a reader must not take .git/index.lock from under a writer's commit
    out = git.run(
        "--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=all",
        "--", CASES_DIR, check=False,
    )  # fmt: skip
    found = []
    records = iter(out.split("\0"))
    for record in records:
        state, path = record[:2], record[3:].removeprefix(prefix)
        if state[:1] in ("R", "C"):
            next(records, None)  # a rename's old name follows: not a file on disk
        if path.endswith(".yaml") and not Path(path).name.startswith("."):
            found.append(Problem(path, 0, 0, _uncommitted_message(state)))
    return found


def _uncommitted_message(state: str) -> str:
    what = "新案件文件尚未提交到 git" if state == "??" else "有未提交到 git 的修改"
    return (
        f"{what}（用了 --no-commit、手工编辑，或命令在提交前被中断），"
        "不在审计记录（yqctl history）中：确认无误后 git add 并 git commit 提交"
    )


def _check_templates(repo: Repo, report: Report) -> None:
    """Render every template against the demo cases (a broken one is caught before it is needed)."""
    from yqctl.render.verify import check_templates

    try:
        problems, warnings = check_templates(repo)
    except YqError:
        return  # the demo documents need the calendar and policy: their problems are reported above
    report.problems.extend(problems)
    report.warnings.extend(warnings)


def _check_config(repo: Repo, report: Report) -> None:
    report.files += 1
    try:
        repo.config  # noqa: B018 - validates yq.yaml once; later steps reuse the cached result
    except YqError as exc:
        report.problems.extend(_problems(exc, CONFIG_FILE))


def _check_import_units(repo: Repo, org: Org, report: Report) -> None:
    """An import mapping's default unit must be one of org.yaml's (as a case's must)."""
    try:
        mappings = repo.config.import_mappings
    except YqError:
        return  # yq.yaml's own problems are reported by _check_config
    wrong = {name: m.unit for name, m in mappings.items() if m.unit and m.unit not in org.units}
    if not wrong:
        return
    doc = repo.load_document(CONFIG_FILE)
    known = "、".join(org.units)
    for name, unit in wrong.items():
        message = (
            f"导入映射 {name} 的默认单位 {unit!r} 不在 org.yaml 中；org.yaml 中的单位：{known}"
        )
        report.problems.append(doc.problem(("import_mappings", name, "unit"), message))


def _check_policies(repo: Repo, report: Report) -> Policy | None:
    """Every file in ``policies/`` by its kind, then the policy that yq.yaml names."""
    from yqctl.store.policies import CALENDAR_NAME, TYPES_NAME, PolicyNotFound, load_policy

    name = _configured_policy(repo)  # None: yq.yaml itself is broken, reported above
    special: dict[str, type[BaseModel]] = {CALENDAR_NAME: CalendarFile, TYPES_NAME: IncidentTypes}
    folder = repo.root / POLICIES_DIR
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        relative = f"{POLICIES_DIR}/{path.name}"
        if path.name.endswith(".example.yaml"):
            continue  # a sample to copy from, not in force
        model = special.get(path.name, Policy)
        if model is Policy and path.stem == name:
            continue  # loaded below, with its id checked too
        report.files += 1
        try:
            checked = inside(repo.root, relative, what="策略目录中的文件")
            validate(model, yamlio.load(checked, relative))
        except YqError as exc:
            report.problems.extend(_problems(exc, relative))
    if name is None:
        return None
    report.files += 1
    try:
        return load_policy(repo.root, name).policy
    except PolicyNotFound as exc:  # the mistake is in yq.yaml: point at its `policy:`
        config = repo.load_document(CONFIG_FILE)
        report.problems.append(config.problem(("policy",), f"policy: {exc.message}"))
    except YqError as exc:
        report.problems.extend(_problems(exc, f"{POLICIES_DIR}/{name}.yaml"))
    return None


def _configured_policy(repo: Repo) -> str | None:
    try:
        return repo.config.policy
    except YqError:
        return None


def _check_escalation(policy: Policy, org: Org, report: Report) -> None:
    """Roles the policy notifies must be in org.yaml, or `grade` can only print placeholders."""
    from yqctl.core.escalation import missing_targets

    for target in missing_targets(policy, org):
        title = policy.target_title(target)
        report.warnings.append(
            Problem(
                ORG_FILE,
                0,
                0,
                f"策略 {policy.id} 要通知 {target}（{title}），但 org.yaml 中没有登记",
            )
        )


def _future_times(loaded: LoadedCase, now: datetime) -> list[Problem]:
    case, limit = loaded.case, now + FUTURE_TOLERANCE
    times: list[tuple[tuple[str | int, ...], datetime]] = [(("discovered_at",), case.discovered_at)]
    times += [(("timeline", i, "at"), entry.at) for i, entry in enumerate(case.timeline)]
    return [
        loaded.doc.problem(
            loc, f"时间 {when.isoformat()} 晚于现在（{now.isoformat()}）：年份或时区写错了？"
        )
        for loc, when in times
        if when > limit
    ]


def _check_level(loaded: LoadedCase, policy: Policy, report: Report) -> None:
    from yqctl.core.grading import current_major, derive_major

    case = loaded.case
    level = case.level
    if level is not None and level not in policy.level_ids:
        levels = "、".join(f"{i}（{policy.level_name(i)}）" for i in policy.level_ids)
        report.problems.append(
            loaded.doc.problem(
                ("level",), f"level: 策略 {policy.id} 中没有级别 {level}；可选：{levels}"
            )
        )
    # 重大 is what the grading recorded (its duties count from then): a flag changed since waits
    wanted = derive_major(level, case.signals, policy)
    if case.grading and level is not None and wanted != current_major(case, policy):
        change = "认定为重大舆情" if wanted else "不再认定为重大舆情"
        message = (
            f"signals.major 已改为按策略{change}，但尚未重新定级：运行 yqctl grade {case.id} 记录"
        )
        report.warnings.append(loaded.doc.problem(("signals", "major"), message))


def _check_org(repo: Repo, report: Report) -> Org | None:
    report.files += 1
    try:
        doc = repo.load_document(ORG_FILE)
        org = validate(Org, doc)
    except YqError as exc:
        report.problems.extend(_problems(exc, ORG_FILE))
        return None
    by_entry: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for loc in _placeholders(doc.data, ()):
        by_entry.setdefault(loc[:2], []).append(loc)
    for entry, locs in by_entry.items():
        fields = "、".join(".".join(str(p) for p in loc[2:]) for loc in locs)
        report.warnings.append(
            doc.problem(
                locs[0],
                f"{'.'.join(map(str, entry))} 的 {fields} 仍是占位内容“{PLACEHOLDER}”，请填写",
            )
        )
    return org


def _placeholders(node: Any, loc: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [hit for key, value in node.items() for hit in _placeholders(value, (*loc, key))]
    if isinstance(node, list):
        return [
            hit for index, value in enumerate(node) for hit in _placeholders(value, (*loc, index))
        ]
    return [loc] if node == PLACEHOLDER else []


def _check_case(
    repo: Repo, loaded: LoadedCase, org: Org | None, seen: dict[str, str], report: Report
) -> None:
    case, doc = loaded.case, loaded.doc
    if case.id in seen:
        report.problems.append(
            doc.problem(("id",), f"重复的案件编号 {case.id}（另见 {seen[case.id]}）")
        )
    seen.setdefault(case.id, loaded.path)
    problem = unit_problem(case, doc, org) if org is not None else None
    if problem is not None:
        report.problems.append(problem)
    report.problems.extend(_check_evidence(repo, case, doc))
    for index, conflict in enumerate(case.conflicts):
        report.conflicts.append(doc.problem(("conflicts", index), conflict_message(case, conflict)))


def conflict_message(case: Case, conflict: MergeConflict) -> str:
    return (
        f"合并冲突未解决：{conflict.field} 本地为 {_brief(conflict.ours)}，"
        f"对方为 {_brief(conflict.theirs)}；运行 yqctl resolve {case.id} 选定"
    )


def _brief(value: Any, limit: int = 40) -> str:
    return shortened("（无）" if value is None else str(value), limit)


def _check_evidence(repo: Repo, case: Case, doc: yamlio.Document) -> list[Problem]:
    """Every evidence file a case records (its sources' and its own) exists and is unchanged."""
    from yqctl.store.evidence import flaw_of

    found = []
    for index, source in enumerate(case.sources):
        if source.evidence is not None:
            flaw = flaw_of(repo.root, source.evidence, source.sha256, None)
            if flaw:
                key = "evidence" if flaw.field == "file" else flaw.field
                found.append(doc.problem(("sources", index, key), flaw.message))
    for index, item in enumerate(case.evidence):
        flaw = flaw_of(repo.root, item.path, item.sha256, item.size)
        if flaw:
            key = "path" if flaw.field == "file" else flaw.field
            found.append(doc.problem(("evidence", index, key), flaw.message))
    return found


def _problems(exc: YqError, display: str) -> list[Problem]:
    return exc.problems or [Problem(display, 0, 0, exc.message)]
