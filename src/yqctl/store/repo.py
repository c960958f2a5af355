"""The case repository on disk: ``yq.yaml``, ``org.yaml``, ``cases/<YYYY>/<id>.yaml``, ``evidence/``.

Reading many cases uses the fast marked loader; editing one case goes through the round-trip
loader so that the user's comments and key order survive, and every write is validated first.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from yqctl.errors import Problem, YqError
from yqctl.layout import CASES_DIR, CONFIG_FILE, ORG_FILE, POLICIES_DIR, find_root
from yqctl.store.files import atomic_write, inside

# The models (pydantic), the YAML loaders and the round-trip loader are imported where they are
# used: `yqctl due` on a warm index needs none of them, and importing them is most of a start-up.
if TYPE_CHECKING:
    from pydantic import BaseModel
    from ruamel.yaml.comments import CommentedMap

    from yqctl.core.case import Case
    from yqctl.core.config import Org, RepoConfig
    from yqctl.core.due import DueEntry
    from yqctl.core.listing import CaseSummary
    from yqctl.core.reports import CaseFacets
    from yqctl.core.workdays import WorkCalendar
    from yqctl.store import yamlio
    from yqctl.store.index import CaseIndex, Entry, Guess, Read
    from yqctl.store.policies import LoadedPolicy

M = TypeVar("M", bound="BaseModel")


def _summary_json(case: Case) -> str:
    import json

    from yqctl.core.listing import summarize

    return json.dumps(summarize(case), ensure_ascii=False)


def root_above(here: Path) -> Path | None:
    """``here`` (resolved) or its nearest parent holding a ``yq.yaml``."""
    root = find_root(str(here))
    return None if root is None else Path(root)


@dataclass
class LoadedCase:
    """A case read from disk with where it came from (for messages and JSON output)."""

    case: Case
    path: str  # relative to the repository root
    doc: yamlio.Document
    oid: str | None = None  # the git object id of the bytes it was read from


@dataclass
class CaseSet:
    """Every case in the repository, plus the problems found while reading them."""

    cases: list[LoadedCase] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Repo:
    """A yqctl case repository rooted at the directory holding ``yq.yaml``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def find(cls, start: Path | None = None) -> Repo:
        """The repository at ``start`` or the nearest parent with a ``yq.yaml``."""
        here = (start or Path.cwd()).resolve()
        if start is not None and not here.is_dir():
            raise YqError(f"仓库目录不存在：{start}")
        root = root_above(here)
        if root is not None:
            return cls(root)
        raise YqError(
            f"在 {here} 及其上级目录中找不到 {CONFIG_FILE}：请在案件仓库中运行，"
            "或用 --repo 指定，或先运行 yqctl init 创建仓库"
        )

    # --- configuration -------------------------------------------------------------------

    @cached_property
    def config(self) -> RepoConfig:
        from yqctl.core.config import RepoConfig

        return self.load_model(CONFIG_FILE, RepoConfig)

    @cached_property
    def org(self) -> Org:
        from yqctl.core.config import Org

        return self.load_model(ORG_FILE, Org)

    @cached_property
    def zone(self) -> ZoneInfo:
        """The repository's time zone (yq.yaml ``timezone``). Reading yq.yaml means the YAML
        loader and pydantic, most of a warm `due`'s time, so the index keeps the zone that the
        last validated yq.yaml of exactly these bytes gave."""
        key = f"zone:{self.policy_fingerprint}"
        name = self.index.recall(key)
        if name is not None:
            return ZoneInfo(name)
        zone = self.config.zone
        self.index.remember(key, zone.key)
        return zone

    @cached_property
    def policy(self) -> LoadedPolicy:
        from yqctl.store.policies import load_policy

        return load_policy(self.root, self.config.policy)

    @cached_property
    def calendar(self) -> WorkCalendar:
        from yqctl.store.policies import load_calendar

        return load_calendar(self.root)

    def load_model(self, relative: str, model: type[M]) -> M:
        from yqctl.store.validate import validate

        return validate(model, self.load_document(relative))

    def load_document(self, relative: str) -> yamlio.Document:
        """A repository file such as yq.yaml or org.yaml, parsed; a symlink must not lead out."""
        from yqctl.store import yamlio

        try:
            path = inside(self.root, relative, what="配置文件")
        except YqError as exc:
            raise YqError("", [Problem(relative, 0, 0, exc.message)]) from None
        return yamlio.load(path, relative)

    # --- reading cases --------------------------------------------------------------------

    def case_path(self, case_id: str) -> Path:
        from yqctl.core.case import case_relpath

        try:
            relative = case_relpath(case_id)
        except ValueError:
            raise YqError(
                f"案件编号 {case_id!r} 格式不对，应为 YQ-<YYYYMMDD>-<4位字符>，如 YQ-20261124-7KQ2"
            ) from None
        return inside(self.root, relative, what="案件路径")

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def case_files(self) -> list[Path]:
        """Every ``cases/<YYYY>/*.yaml`` file, sorted (hidden and temporary files skipped)."""
        from yqctl.store.index import case_files

        return [self.root / relative for relative, _ in sorted(case_files(self.root, CASES_DIR))]

    def read_case_file(self, path: Path) -> LoadedCase:
        from yqctl.core.case import Case, case_relpath
        from yqctl.store import yamlio
        from yqctl.store.gitview import blob_id
        from yqctl.store.validate import validate

        relative = self.relative(path)
        if path.is_symlink():
            what = "案件目录" if path.is_dir() else "案件文件"
            message = (
                f"{what}不能是符号链接（它可能指向仓库之外，yqctl 一概不跟随）："
                "请删除它，把案件文件本身放进仓库"
            )
            problem = Problem(relative, 0, 0, message)
            raise YqError(str(problem), [problem])
        raw = yamlio.read_bytes(path, relative)
        doc = yamlio.parse(yamlio.decode(raw, relative), relative)
        case = validate(Case, doc)
        expected = f"{case.id}.yaml"
        if path.name != expected or path.parent.name != case.year:
            proper = case_relpath(case.id)
            message = f"id {case.id} 与文件位置不符：应保存为 {proper}"
            if (self.root / proper).is_file():
                message = f"重复的案件编号 {case.id}：{proper} 已是这个编号的案件（{message}）"
            raise YqError("", [doc.problem(("id",), message)])
        return LoadedCase(case, relative, doc, blob_id(raw))

    def load_case(self, case_id: str) -> LoadedCase:
        path = self.case_path(case_id)
        if not path.is_file():
            raise YqError(f"找不到案件 {case_id}（{self.relative(path)} 不存在）")
        return self.read_case_file(path)

    @cached_property
    def index(self) -> CaseIndex:
        import yqctl
        from yqctl.store.index import CaseIndex, code_fingerprint

        package = Path(yqctl.__file__).parent
        return CaseIndex(self.root, CASES_DIR, code_fingerprint(yqctl.__version__, package))

    def iter_cases(self) -> Iterator[LoadedCase | Problem]:
        """Every case file (through the case index), or the problems that make it unreadable."""
        for entry in self.index.entries(self._read_entry):
            if entry.problems:
                yield from entry.problems
            else:
                yield self._loaded(entry)

    def load_all(self) -> CaseSet:
        result = CaseSet()
        for item in self.iter_cases():
            if isinstance(item, Problem):
                result.problems.append(item)
            else:
                result.cases.append(item)
        return result

    def cases_where(self, wanted: Callable[[CaseFacets], bool]) -> CaseSet:
        """The valid cases whose facets (see ``core.reports.touches``) ``wanted`` accepts, and
        every problem: only those cases are validated, once the index holds their facets."""
        import json

        from yqctl.core.reports import CaseFacets, facets_of

        context = self.policy_fingerprint
        result = CaseSet()
        chosen: list[Entry] = []
        unknown: list[Entry] = []  # no facets under this policy yet: the case decides
        for entry in self.index.entries(self._read_entry, column="facets"):
            result.problems.extend(entry.problems)
            if entry.problems:
                continue
            stored = json.loads(entry.stored) if entry.stored else None
            if stored is not None and stored[0] == context:
                if wanted(CaseFacets.from_json(stored[1])):
                    chosen.append(entry)
            else:
                unknown.append(entry)
        remembered: list[tuple[Entry, str]] = []
        for entry in self._with_data(unknown):
            result.problems.extend(entry.problems)
            if entry.problems:
                continue
            entry.case = self._loaded(entry).case
            policy, calendar = self.policy.policy, self.calendar  # a broken file stops us here
            try:
                found = facets_of(entry.case, policy, calendar, self.zone)
            except YqError as exc:
                result.problems.append(deadline_problem(entry.path, exc))
                continue
            remembered.append((entry, json.dumps([context, found.to_json()])))
            if wanted(found):
                chosen.append(entry)
        self.index.store_facets(remembered)
        for entry in sorted(self._with_data(chosen), key=lambda e: e.path):
            if entry.problems:
                result.problems.extend(entry.problems)
            else:
                result.cases.append(self._loaded(entry))
        return result

    def case_summaries(self) -> tuple[list[tuple[str, CaseSummary]], list[Problem]]:
        """Every valid case's listing summary with its path, from the index where it holds one
        (no model is built), and the problems of the files that are not valid cases."""
        import json

        found: list[tuple[str, CaseSummary]] = []
        problems: list[Problem] = []
        entries = self.index.entries(self._read_entry, column="summary")
        lacking = {e.path: e for e in self._with_data([e for e in entries if e.stored is None])}
        for entry in (lacking.get(e.path, e) for e in entries):
            problems.extend(entry.problems)
            if not entry.problems:
                text = entry.stored or _summary_json(self._loaded(entry).case)
                found.append((entry.path, json.loads(text)))
        return found, problems

    def _with_data(self, entries: list[Entry]) -> list[Entry]:
        """``entries`` in their order, each with its data (fetched from the index for those
        that came without: a stored column instead, or nothing)."""
        lacking = [e for e in entries if e.data is None and not e.problems]
        fetched = {e.path: e for e in self.index.with_data(lacking, self._read_entry)}
        return [fetched.get(e.path, e) for e in entries]

    def due_entries(
        self, *, met: bool = False, guess: Guess | None = None
    ) -> tuple[list[DueEntry], list[Problem]]:
        """What ``yqctl due`` holds against the clock: every unmet deadline of every case (and
        with ``met`` the met ones too), from the index when it was computed under the current
        policy, else computed now (and remembered). ``guess``: see :class:`store.index.Guess`."""
        from yqctl.core.due import DueEntry

        context = self.policy_fingerprint
        entries: list[DueEntry] = []
        problems: list[Problem] = []
        computed: list[tuple[Entry, list[Any], list[Any]]] = []
        stored = self.index.entries(
            self._read_entry, context=context, met=met, decode=DueEntry.from_plain, guess=guess
        )
        for entry in stored:
            problems.extend(entry.problems)
            if entry.problems:
                continue
            if entry.due is not None:
                entries.extend(entry.due)
                continue
            from yqctl.core.deadlines import due_entries

            case = self._loaded(entry).case
            policy, calendar = self.policy.policy, self.calendar  # a broken file stops us here
            try:
                found = due_entries(case, policy, calendar, self.zone)
            except YqError as exc:
                problems.append(deadline_problem(entry.path, exc))
                continue
            unmet = [item.to_plain() for item in found if item.met_at is None]
            done = [item.to_plain() for item in found if item.met_at is not None]
            computed.append((entry, unmet, done))
            entries.extend(item for item in found if met or item.met_at is None)
        self.index.store_due(context, computed)
        return entries, problems

    @cached_property
    def policy_fingerprint(self) -> str:
        """What ``due`` depends on besides the case: yq.yaml and every file in ``policies/``
        (as they are when first asked: no command changes them)."""
        digest = hashlib.sha256()
        folder = self.root / POLICIES_DIR
        names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        for relative in (CONFIG_FILE, *(f"{POLICIES_DIR}/{name}" for name in names)):
            with contextlib.suppress(OSError):
                digest.update(relative.encode() + b"\0" + (self.root / relative).read_bytes())
        return digest.hexdigest()

    def _read_entry(self, path: Path) -> Read:
        from yqctl.store.index import Read

        try:
            loaded = self.read_case_file(path)
        except YqError as exc:
            return Read(problems=exc.problems or [Problem(self.relative(path), 0, 0, exc.message)])
        return Read(
            loaded.doc.data, loaded.case, oid=loaded.oid, summary=_summary_json(loaded.case)
        )

    def _loaded(self, entry: Entry) -> LoadedCase:
        from yqctl.core.case import Case
        from yqctl.store import yamlio

        case = entry.case if entry.case is not None else Case.model_validate(entry.data)
        doc = yamlio.Document(entry.path, entry.data, source=self.root / entry.path)
        return LoadedCase(case, entry.path, doc)

    # --- writing cases --------------------------------------------------------------------

    def edit_case(self, case_id: str, change: Callable[[CommentedMap, Case], None]) -> LoadedCase:
        """Apply ``change`` to the round-trip tree of a case, validate the result, write atomically."""
        from yqctl.store import roundtrip, yamlio

        current = self.load_case(case_id)
        path = self.root / current.path
        text = yamlio.read_text(path, current.path)
        tree = roundtrip.load(text)
        change(tree, current.case)
        return self.write_case_text(current.path, roundtrip.dump(tree), expect_id=case_id)

    def write_case_text(self, relative: str, text: str, *, expect_id: str) -> LoadedCase:
        """Validate ``text`` exactly as it will be on disk, then write it atomically."""
        loaded = self.check_case_text(relative, text, expect_id=expect_id)
        self.put_case_text(relative, text)
        return loaded

    def put_case_text(self, relative: str, text: str) -> None:
        """Write a case file's text, already validated (``check_case_text``), atomically."""
        atomic_write(inside(self.root, relative, what="案件路径"), text)

    def check_case_text(self, display: str, text: str, *, expect_id: str) -> LoadedCase:
        """``text`` as the case ``expect_id``: parsed, validated, its unit known; problems are
        located in ``display`` (the file, or the copy a user is editing)."""
        from yqctl.core.case import Case
        from yqctl.store import yamlio
        from yqctl.store.validate import validate

        doc = yamlio.parse(text, display)
        case = validate(Case, doc)
        if case.id != expect_id:
            message = f"不能修改案件编号 id（{expect_id} → {case.id}）"
            raise YqError("", [doc.problem(("id",), message)])
        problem = unit_problem(case, doc, self.org)
        if problem is not None:
            raise YqError("", [problem])
        return LoadedCase(case, display, doc)

    def existing_ids(self) -> set[str]:
        return {path.stem for path in self.case_files()}


def deadline_problem(path: str, exc: YqError) -> Problem:
    """A case whose deadlines cannot be computed from its own data (a year the working-day
    calendar lacks): named as a problem, so that a reader still shows every other case."""
    return Problem(path, 0, 0, f"处置时限无法计算：{exc}")


def unit_problem(case: Case, doc: yamlio.Document, org: Org) -> Problem | None:
    """A case's unit must be one of org.yaml's units (checked on every write and by `check`)."""
    if case.unit in org.units:
        return None
    known = "、".join(org.units) or "（org.yaml 中没有单位）"
    return doc.problem(("unit",), f"unit: 未知的涉事单位 {case.unit!r}；org.yaml 中的单位：{known}")


def check_id_argument(case_id: str) -> str:
    """Validate an id given on the command line before it is used to build any path."""
    from yqctl.core.case import check_case_id

    try:
        return check_case_id(case_id)
    except ValueError:
        raise YqError(
            f"案件编号 {case_id!r} 格式不对，应为 YQ-<YYYYMMDD>-<4位字符>，如 YQ-20261124-7KQ2"
        ) from None
