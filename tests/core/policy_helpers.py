"""Builders shared by the policy-engine tests: the shipped policies, cases, times."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from yqctl.core.case import Case
from yqctl.core.policy import Policy
from yqctl.core.workdays import WorkCalendar

ZONE = ZoneInfo("Asia/Shanghai")
POLICIES = Path(__file__).resolve().parents[2] / "policies"
CALENDAR = WorkCalendar()
DISCOVERED = "2026-11-24T09:30:00+08:00"


def load_yaml(name: str) -> Any:
    # The team's marked loader replaces yaml.safe_load in the store; the data is the same.
    return yaml.safe_load((POLICIES / name).read_text(encoding="utf-8"))


def policy_data(name: str) -> dict[str, Any]:
    return copy.deepcopy(load_yaml(f"{name}.yaml"))


def load_policy(name: str) -> Policy:
    return Policy.model_validate(policy_data(name))


UNIVERSITY = load_policy("university")
MIDDLE = load_policy("middle-school")


def t(text: str) -> datetime:
    """An aware time; a bare ``HH:MM`` is on the discovery day, 2026-11-24, in +08:00."""
    if len(text) == 5:
        text = f"2026-11-24T{text}:00+08:00"
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None
    return value


def make_case(
    *,
    signals: dict[str, Any] | None = None,
    level: int | None = None,
    category: str = "inquiry",
    unit: str = "后勤处",
    timeline: list[tuple[str, str]] | None = None,
    grading: list[tuple[str, int]] | list[tuple[str, int, bool]] | None = None,
    discovered_at: str = DISCOVERED,
    **extra: Any,
) -> Case:
    """A valid case; ``timeline`` as (time, action) pairs, ``grading`` as (time, level) pairs or
    (time, level, major) triples."""
    data: dict[str, Any] = {
        "version": 1,
        "id": extra.pop("id", "YQ-20261124-7KQ2"),
        "title": extra.pop("title", "网传某学院食堂饭菜出现异物"),
        "discovered_at": discovered_at,
        "unit": unit,
        "category": category,
        "signals": signals or {},
        "level": level,
        "timeline": [{"at": t(at), "action": action} for at, action in timeline or []],
        "grading": [_grading(*entry) for entry in grading or []],
        **extra,
    }
    return Case.model_validate(data)


def _grading(at: str, level: int, major: bool = False) -> dict[str, Any]:
    return {"at": t(at), "level": level, "major": major, "policy": "test"}


def minimal_policy(**overrides: Any) -> dict[str, Any]:
    """A small valid policy document to mutate in validation tests."""
    data: dict[str, Any] = {
        "version": 1,
        "id": "test",
        "name": "测试策略",
        "immediate": "30m",
        "levels": [{"id": 1, "name": "一级"}, {"id": 2, "name": "二级"}],
        "default": {"level": 2, "id": "t2", "text": "其他", "clause": "一"},
        "rules": [
            {
                "id": "t1",
                "level": 1,
                "when": {"signals.harmful": True},
                "text": "有害",
                "clause": "一",
            }
        ],
        "deadlines": [
            {
                "key": "reply",
                "title": "回应",
                "within": "2h",
                "closed_by": ["reply"],
                "clause": "二",
            }
        ],
        "roles": {"office": "办公室"},
        "external": {"police": "公安"},
        "escalation": {2: ["unit.head", "office"], 1: ["external.police"]},
    }
    data.update(overrides)
    return data
