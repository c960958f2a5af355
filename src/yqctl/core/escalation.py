"""Escalation (上报/通知): who must be told about a case at a level, resolved from ``org.yaml``.

A policy lists targets per level; lists are cumulative towards the severe end (level 2 also
notifies level 3's targets; level 1 also level 2's and 3's). Targets are role keys, ``external.<key>``
(网信办, 教育局, 公安 …), ``unit.head``/``unit.officers`` (the case's own 第一责任人 and 舆情信息员)
and ``units.<name>.head``/``.officers`` (a named linkage unit). A target missing from org.yaml gives
a placeholder entry (``missing=True``) so the office sees the gap instead of a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yqctl.core.case import Case
from yqctl.core.conditions import case_facts
from yqctl.core.config import Contact, Org, Unit
from yqctl.core.grading import derive_major
from yqctl.core.policy import EscalationItem, Policy

MISSING = "（org.yaml 未登记）"


@dataclass(frozen=True)
class Notify:
    """One person or body to notify: a post-holder's contact, never a private dossier."""

    role: str  # the target: office_director / external.cac / unit.head …
    title: str  # 职务或机构名
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    note: str | None = None  # 视情况 / 必要时 … from the policy
    level: int = 0  # the level whose list brought it in
    missing: bool = False  # not in org.yaml: fill it in

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "title": self.title,
            "name": self.name,
            "phone": self.phone,
            "email": self.email,
            "note": self.note,
            "missing": self.missing,
        }


def targets_for(policy: Policy, level: int) -> list[tuple[int, EscalationItem]]:
    """The policy's items for ``level`` and every less severe level, least severe first."""
    return [
        (listed, item)
        for listed in sorted(policy.escalation, reverse=True)
        if listed >= level
        for item in policy.escalation[listed]
    ]


def contacts(case: Case, level: int, policy: Policy, org: Org) -> list[Notify]:
    """Whom to notify about ``case`` graded at ``level``, each target once, in policy order."""
    facts = case_facts(case, level=level, major=derive_major(level, case.signals, policy))
    found: list[Notify] = []
    seen: set[str] = set()
    for listed, item in targets_for(policy, level):
        if item.to in seen or (item.when is not None and not item.when.matches(facts)):
            continue
        seen.add(item.to)
        found += resolve(item, listed, case.unit, policy, org)
    return found


def resolve(item: EscalationItem, level: int, unit: str, policy: Policy, org: Org) -> list[Notify]:
    """The contacts one escalation item stands for (several for a unit's officers)."""
    parts = item.to.split(".")
    if item.kind == "unit":
        return _unit_contacts(item, level, unit, parts[1], org)
    if item.kind == "units":
        return _unit_contacts(item, level, parts[1], parts[2], org)
    if item.kind == "external":
        return [_one(item, level, policy, org.external.get(parts[1]))]
    return [_one(item, level, policy, org.roles.get(item.to))]


def _one(item: EscalationItem, level: int, policy: Policy, contact: Contact | None) -> Notify:
    title = policy.target_title(item.to)
    if contact is None:
        return _placeholder(item, level, title + MISSING)
    return _notify(item, level, contact, title)


def _unit_contacts(
    item: EscalationItem, level: int, unit: str, which: str, org: Org
) -> list[Notify]:
    fallback = unit + ("第一责任人" if which == "head" else "舆情信息员")
    if unit not in org.units:
        return [_placeholder(item, level, f"{fallback}（org.yaml 未登记单位 {unit}）")]
    people = _people(org.unit(unit), which)
    if not people:
        return [_placeholder(item, level, fallback + MISSING)]
    return [_notify(item, level, person, fallback) for person in people]


def _people(unit: Unit, which: str) -> list[Contact]:
    if which == "head":
        return [unit.head] if unit.head else []
    return list(unit.officers)


def _placeholder(item: EscalationItem, level: int, title: str) -> Notify:
    return Notify(item.to, title, note=item.note, level=level, missing=True)


def _notify(item: EscalationItem, level: int, contact: Contact, fallback: str) -> Notify:
    title = contact.title or fallback
    if item.kind in {"unit", "units"} and contact.title:
        title = f"{fallback}（{contact.title}）"  # 学生处第一责任人（处长）
    return Notify(
        role=item.to,
        title=title,
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        note=item.note,
        level=level,
    )


def missing_targets(policy: Policy, org: Org) -> list[str]:
    """Roles and external bodies the policy escalates to that org.yaml lacks (for `yqctl check`)."""
    missing: list[str] = []
    for items in policy.escalation.values():
        for item in items:
            key = item.to.removeprefix("external.")
            table = org.external if item.kind == "external" else org.roles
            if item.kind in {"role", "external"} and key not in table and item.to not in missing:
                missing.append(item.to)
    return missing
