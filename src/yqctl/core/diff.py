"""Field-by-field differences between two versions of a case (for ``yqctl history``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    field: str  # dotted path, e.g. ``signals.spread`` or ``timeline[3]``
    kind: str  # added | removed | changed
    old: Any = None
    new: Any = None


def diff(old: Any, new: Any, prefix: str = "") -> list[Change]:
    """What changed from ``old`` to ``new``; a list element or key that is new is one change."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[Change] = []
        for key in [*old, *(k for k in new if k not in old)]:
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in new:
                changes.append(Change(path, "removed", old=old[key]))
            elif key not in old:
                changes.append(Change(path, "added", new=new[key]))
            else:
                changes.extend(diff(old[key], new[key], path))
        return changes
    if isinstance(old, list) and isinstance(new, list):
        changes = []
        for index in range(max(len(old), len(new))):
            path = f"{prefix}[{index}]"
            if index >= len(old):
                changes.append(Change(path, "added", new=new[index]))
            elif index >= len(new):
                changes.append(Change(path, "removed", old=old[index]))
            else:
                changes.extend(diff(old[index], new[index], path))
        return changes
    return [] if old == new else [Change(prefix, "changed", old, new)]
