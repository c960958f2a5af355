"""Three-way merge of two versions of one case (the git merge driver's logic, no I/O).

Two offices that append to the same case's timeline at the same time must not get a git conflict
in YAML that a clerk cannot resolve. So a case is merged by what its fields mean, not by lines:

- ``timeline`` and ``grading`` are append-only records: the entries of both sides, each once,
  ordered by when they were recorded (``recorded_at``, else ``at``). An entry one side removed
  or corrected (removed and added back changed) stays removed, as in any three-way merge.
- ``sources`` are matched by identity (the URL, else platform + account + publication time) and
  each one is merged field by field; a source one side removed stays removed unless the other
  changed it (then it is kept: nothing is lost).
- A mapping (``signals``, ``closure``) is merged key by key.
- A value changed on one side only takes that side's value; changed alike on both, that value.
- ``status`` changed differently on both sides takes the stage further along the work
  (open → graded → handling → responded → tracking → closed), and ``level`` the level of the
  latest grading of the merged record, when that is one of the two: both follow from records
  that the merge already unites.
- Any other value changed differently on both sides is a real conflict. The merged case keeps
  the local (ours) value and records the conflict under ``conflicts`` with all three values, so
  the file stays a valid case: ``yqctl check`` reports it and ``yqctl resolve ID`` settles it.

Values are plain data (dicts, lists, scalars); times may be datetimes or ISO strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from yqctl.core.enums import Status

CONFLICTS = "conflicts"  # the case's key for unresolved merge conflicts
RECORDS = ("timeline", "grading", "evidence")  # append-only lists: unions
STAGES = tuple(status.value for status in Status)  # the work's order: open … closed


class _Absent:
    """A key that one version does not have."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Conflict:
    """One value changed differently on both sides (``None`` for a side that removed it)."""

    field: str  # dotted: ``title``, ``signals.reposts``, ``sources.1.account``
    base: Any
    ours: Any
    theirs: Any

    def to_plain(self) -> dict[str, Any]:
        return {"field": self.field, "base": self.base, "ours": self.ours, "theirs": self.theirs}


@dataclass
class Merged:
    data: dict[str, Any]
    conflicts: list[Conflict] = field(default_factory=list)  # found by this merge


def merge_case(base: dict[str, Any] | None, ours: dict[str, Any], theirs: dict[str, Any]) -> Merged:
    """The merge of ``ours`` and ``theirs`` (``base``: their common ancestor, None when both sides
    added the file). Conflicts found now are added to the case's ``conflicts`` list, after the
    ones either side already had."""
    found: list[Conflict] = []
    data = _merge_map("", base if base is not None else {}, ours, theirs, found)
    found = _settle_level(data, found)
    earlier = data.get(CONFLICTS) or []
    if found:
        data[CONFLICTS] = [*earlier, *(c.to_plain() for c in found)]
    return Merged(data, found)


def field_path(dotted: str) -> tuple[str | int, ...]:
    """``sources.1.account`` → ``("sources", 1, "account")``."""
    return tuple(int(part) if part.isdigit() else part for part in dotted.split("."))


def _merge_map(
    path: str, base: Any, ours: dict[str, Any], theirs: dict[str, Any], found: list[Conflict]
) -> dict[str, Any]:
    base = base if isinstance(base, dict) else {}
    result: dict[str, Any] = {}
    for key in [*ours, *(k for k in theirs if k not in ours)]:
        value = _merge_value(
            f"{path}{key}",
            base.get(key, ABSENT),
            ours.get(key, ABSENT),
            theirs.get(key, ABSENT),
            found,
        )
        if value is not ABSENT:
            result[key] = value
    return result


def _merge_value(path: str, base: Any, ours: Any, theirs: Any, found: list[Conflict]) -> Any:
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    if path in RECORDS or path == CONFLICTS:
        return _union(_list(base), _list(ours), _list(theirs))
    if path == "sources":
        return _merge_sources(_list(base), _list(ours), _list(theirs), found)
    if path == "status" and ours in STAGES and theirs in STAGES:
        return max(ours, theirs, key=STAGES.index)
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return _merge_map(f"{path}.", base, ours, theirs, found)
    found.append(Conflict(path, _shown(base), _shown(ours), _shown(theirs)))
    return ours if ours is not ABSENT else theirs  # a value one side removed is kept


def _shown(value: Any) -> Any:
    return None if value is ABSENT else value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _key(item: Any) -> str:
    """Identity of a record entry: its whole content."""
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


def _union(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    """Three-way union of append-only records: what either side has and did not remove."""
    base_keys = {_key(item) for item in base}
    theirs_keys = {_key(item) for item in theirs}
    kept = [item for item in ours if _key(item) in theirs_keys or _key(item) not in base_keys]
    seen = {_key(item) for item in kept}
    for item in theirs:
        key = _key(item)
        if key not in seen and key not in base_keys:  # new on their side
            kept.append(item)
            seen.add(key)
    return _in_time_order(kept)


def _in_time_order(items: list[Any]) -> list[Any]:
    """Stable sort by when each was recorded; left as it is if any time cannot be read."""
    times = [_record_time(item) for item in items]
    if any(t is None for t in times):
        return items
    try:
        order = sorted(range(len(items)), key=lambda i: times[i])  # type: ignore[arg-type,return-value]
    except TypeError:  # naive and aware times mixed: a hand edit; the merge does not guess
        return items
    return [items[i] for i in order]


def _record_time(item: Any) -> datetime | None:
    """A timeline entry's ``recorded_at`` (else ``at``); a grading entry's ``at``; an evidence
    item's ``captured_at``."""
    if not isinstance(item, dict):
        return None
    return as_time(item.get("recorded_at") or item.get("at") or item.get("captured_at"))


def as_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def source_identity(source: Any) -> str:
    """A source is the same post when it has the same URL (else platform, account and time)."""
    if not isinstance(source, dict):
        return _key(source)
    if source.get("url"):
        return f"url:{source['url']}"
    return _key([source.get("platform"), source.get("account"), str(source.get("published_at"))])


def _merge_sources(
    base: list[Any], ours: list[Any], theirs: list[Any], found: list[Conflict]
) -> list[Any]:
    by_base = {source_identity(s): s for s in base}
    by_theirs = {source_identity(s): s for s in theirs}
    ours_ids = {source_identity(s) for s in ours}
    result: list[Any] = []
    for source in ours:
        identity = source_identity(source)
        old = by_base.get(identity, ABSENT)
        other = by_theirs.get(identity, ABSENT)
        if other is ABSENT and old is not ABSENT and source == old:
            continue  # theirs removed it and ours did not touch it
        if other is ABSENT or not isinstance(source, dict) or not isinstance(other, dict):
            result.append(source)
            continue
        result.append(_merge_map(f"sources.{len(result)}.", old, source, other, found))
    for identity, source in by_theirs.items():
        if identity in ours_ids:
            continue
        if identity in by_base and by_base[identity] == source:
            continue  # ours removed it and theirs did not touch it
        result.append(source)
    return result


def _settle_level(data: dict[str, Any], found: list[Conflict]) -> list[Conflict]:
    """Both sides graded anew: the level is the latest grading's, if it is one of theirs."""
    latest = _latest_grading(data.get("grading"))
    settled = []
    for conflict in found:
        if conflict.field == "level" and latest in (conflict.ours, conflict.theirs):
            data["level"] = latest
            continue
        settled.append(conflict)
    return settled


def _latest_grading(grading: Any) -> Any:
    entries = [g for g in _list(grading) if isinstance(g, dict) and as_time(g.get("at"))]
    if not entries:
        return ABSENT
    try:
        return max(entries, key=lambda g: as_time(g["at"]))["level"]  # type: ignore[arg-type,return-value]
    except (TypeError, KeyError):
        return ABSENT
