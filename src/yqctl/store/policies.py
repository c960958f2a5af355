"""Loading the repository's policy (``policies/<name>.yaml``, else the built-in one) and calendar.

A repository may copy and adapt a built-in policy; the file in the repository wins. The policy's
content hash goes into every grading record, so a later reader knows which rules were applied.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from yqctl.core.incident_types import IncidentTypes
from yqctl.core.policy import Policy
from yqctl.core.workdays import CalendarFile, WorkCalendar
from yqctl.errors import YqError
from yqctl.layout import POLICIES_DIR
from yqctl.resources import data_dir
from yqctl.store import yamlio
from yqctl.store.files import inside
from yqctl.store.validate import validate

CALENDAR_NAME = "calendar.yaml"
TYPES_NAME = "types.yaml"


@dataclass(frozen=True)
class LoadedPolicy:
    policy: Policy
    path: str  # repository-relative, or ``(内置) university.yaml`` for a built-in one
    sha256: str  # of the file's bytes

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


class PolicyNotFound(YqError):
    """yq.yaml names a policy that is neither in ``policies/`` nor built in."""


def policy_file(root: Path, name: str) -> tuple[Path, str]:
    """Where policy ``name`` is read from: the repository's copy first, then the built-in one."""
    local = inside(root, f"{POLICIES_DIR}/{name}.yaml", what="策略文件")
    if local.is_file():
        return local, f"{POLICIES_DIR}/{name}.yaml"
    builtin = data_dir("policies") / f"{name}.yaml"
    if builtin.is_file():
        return builtin, f"(内置) {name}.yaml"
    raise PolicyNotFound(
        f"找不到策略 {name!r}：{POLICIES_DIR}/{name}.yaml 不存在，也不是内置策略"
        "（university、middle-school）；请检查 yq.yaml 的 policy"
    )


def load_policy(root: Path, name: str) -> LoadedPolicy:
    path, display = policy_file(root, name)
    text = yamlio.read_text(path, display)
    doc = yamlio.parse(text, display)
    policy = validate(Policy, doc)
    if policy.id != name:
        message = f"id: 策略文件的 id 为 {policy.id!r}，与文件名 {name!r} 不一致"
        raise YqError("", [doc.problem(("id",), message)])
    return LoadedPolicy(policy, display, hashlib.sha256(text.encode("utf-8")).hexdigest())


def load_calendar(root: Path) -> WorkCalendar:
    """The repository's calendar file (years the library lacks), or the library alone."""
    relative = f"{POLICIES_DIR}/{CALENDAR_NAME}"
    path = inside(root, relative, what="日历文件")
    if not path.is_file():
        return WorkCalendar()
    return WorkCalendar.from_file(validate(CalendarFile, yamlio.load(path, relative)))


def load_types(root: Path) -> IncidentTypes:
    """Incident types for ``yqctl new --type``: the repository's ``policies/types.yaml`` first."""
    relative = f"{POLICIES_DIR}/{TYPES_NAME}"
    local = inside(root, relative, what="事件类型文件")
    path, display = (
        (local, relative)
        if local.is_file()
        else (data_dir("policies") / TYPES_NAME, f"(内置) {TYPES_NAME}")
    )
    return validate(IncidentTypes, yamlio.load(path, display))
