"""Opening a new case: gathering its fields, a fresh id, and the first file version."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from yqctl.core.assignments import read_count
from yqctl.core.case import COUNT_SIGNALS, Case, case_relpath, new_case_id
from yqctl.core.enums import Action, Platform, label
from yqctl.core.sources import guess_platform
from yqctl.core.timeline import entry
from yqctl.errors import UsageError, YqError
from yqctl.store import yamlio
from yqctl.store.casefile import render_new_case
from yqctl.store.git import Git
from yqctl.store.repo import LoadedCase, Repo
from yqctl.store.validate import validate
from yqctl.timeutil import parse_time

FORBIDDEN_IN_FROM = ("version", "id", "level", "grading", "status", "timeline", "closure")
_PLACEHOLDER_ID = "YQ-20000101-0000"


def from_file(repo: Repo, path: Path) -> dict[str, Any]:
    """New-case fields from a YAML file, validated there so errors point into that file."""
    display = str(path)
    doc = yamlio.load(path, display)
    doc.mapping()
    for key in FORBIDDEN_IN_FROM:
        if key in doc.data:
            raise YqError(
                "", [doc.problem((key,), f"{key} 由 yqctl 生成，--from 文件中不能填写", key=True)]
            )
    data = {"version": 1, "id": _PLACEHOLDER_ID, **doc.data}
    probe = doc.with_data(data)  # the file's marks, key marks too: unknown keys
    _validate_partial(probe)
    return dict(doc.data)


def _validate_partial(doc: yamlio.Document) -> None:
    """Validate what the file gives; fields the flags or prompts will add are not yet required."""
    defaults = {
        "title": "-",
        "unit": "-",
        "category": "other",
        "discovered_at": "2000-01-01T00:00:00+00:00",
    }
    for key, value in defaults.items():
        doc.data.setdefault(key, value)
    validate(Case, doc)


def sources_from_flags(
    urls: list[str], platform: str | None, account: str | None
) -> list[dict[str, Any]]:
    sources = []
    for url in urls:
        item: dict[str, Any] = {"platform": platform or guess_platform(url).value, "url": url}
        if account:
            item["account"] = account
        sources.append(item)
    return sources


def parse_signals(pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs: true/false, counts as ``import`` reads them (5000, 1.2万), null, or
    text (spread)."""
    result: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--signal {pair!r} 应写成 KEY=VALUE，如 harmful=true")
        counted = key in COUNT_SIGNALS and raw.strip().lower() not in ("null", "none")
        result[key] = read_count(raw, f"--signal {key}") if counted else _scalar(raw.strip())
    return result


def _scalar(raw: str) -> Any:
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "none", ""):
        return None
    if raw.isdigit():
        return int(raw)
    return raw


@dataclass
class NewCase:
    """A new case's file, rendered and validated, not yet written."""

    relative: str  # cases/<YYYY>/<id>.yaml
    text: str
    loaded: LoadedCase


def create(
    repo: Repo,
    fields: dict[str, Any],
    *,
    now: datetime,
    by: str | None,
    track: Callable[[str], object] = lambda relative: None,
    first_text: str | None = None,
    taken: set[str] | None = None,
) -> LoadedCase:
    """Write a new case file (validated, atomic) with a fresh id and its ``discovered`` entry.

    ``track`` is told the file's path just before it is written (to undo it should the commit fail).
    Other arguments: see ``prepare``.
    """
    new = prepare(repo, fields, now=now, by=by, first_text=first_text, taken=taken)
    track(new.relative)
    repo.put_case_text(new.relative, new.text)
    return new.loaded


def prepare(
    repo: Repo,
    fields: dict[str, Any],
    *,
    now: datetime,
    by: str | None,
    first_text: str | None = None,
    taken: set[str] | None = None,
) -> NewCase:
    """A new case with a fresh id and its ``discovered`` entry, as its file will be.

    ``first_text`` says how the case came in (default: where it was found); ``taken``, the ids
    not to use (``taken_ids``; the new one is added), saves looking them up for each of many.
    """
    zone = repo.config.zone
    raw_discovered = fields.get("discovered_at")
    if isinstance(raw_discovered, datetime):
        discovered = raw_discovered
    elif raw_discovered:
        discovered = parse_time(str(raw_discovered), zone, what="发现时间")
    else:
        discovered = now
    if discovered > now:
        raise UsageError(f"发现时间 {discovered.isoformat()} 晚于当前时间 {now.isoformat()}")
    day = discovered.astimezone(zone).strftime("%Y%m%d")
    case_id = fresh_id(day, taken if taken is not None else taken_ids(repo, day))
    if taken is not None:
        taken.add(case_id)
    discovered_by = fields.get("discovered_by") or by
    text = first_text or _first_text(fields)
    first = entry(Action.discovered, discovered, now, discovered_by, text)
    record: dict[str, Any] = {
        "version": 1,
        "id": case_id,
        "title": fields.get("title"),
        "discovered_at": discovered,
        "discovered_by": discovered_by,
        "unit": fields.get("unit"),
        "category": fields.get("category"),
        "summary": fields.get("summary"),
        "sources": fields.get("sources", []),
        "signals": {"spread": "isolated", "harmful": False, **fields.get("signals", {})},
        "level": None,
        "grading": [],
        "status": "open",
        "timeline": [first],
        "confidential": bool(fields.get("confidential", False)),
        "drill": bool(fields.get("drill", False)),
        "closure": None,
    }
    relative = case_relpath(case_id)
    file_text = render_new_case(record)
    return NewCase(
        relative, file_text, repo.check_case_text(relative, file_text, expect_id=case_id)
    )


def _first_text(fields: dict[str, Any]) -> str:
    sources = fields.get("sources") or []
    if sources:
        platform = sources[0].get("platform", "other")
        if platform in Platform.__members__:
            return f"{label(Platform(platform))}发现"
    return "登记"


def taken_ids(repo: Repo, day: str = "*") -> set[str]:
    """The ids of that day (``YYYYMMDD``; every day by default) that files have, or had in any
    branch's history: never to be handed out again."""
    taken = repo.existing_ids()
    try:
        git = Git(repo.root)
        deleted = git.deleted_paths(f":(glob)cases/**/YQ-{day}-*") if git.is_repo() else set()
    except YqError:
        deleted = set()
    return taken | {Path(path).stem for path in deleted}


def fresh_id(date: str, taken: set[str]) -> str:
    """A random id for the day that is not ``taken``."""
    for _ in range(1000):
        case_id = new_case_id(date, secrets.randbits(20))
        if case_id not in taken:
            return case_id
    raise YqError(f"{date} 的案件编号已用尽，无法再生成新编号")
