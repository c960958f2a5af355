"""Case templates by incident type (``policies/types.yaml``): 食堂/食品安全, 考试/招生, 师德师风 …

A type pre-fills a new case's category, signals and unit, prefixes its title, and lists the first
things to do. ``yqctl new --type canteen`` merges it with what the user typed; what the user typed
always wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from yqctl.core.case import CategoryField, Signals
from yqctl.core.model import Model, Text
from yqctl.core.policy import Key
from yqctl.errors import YqError

TYPES_FILE = "policies/types.yaml"


class IncidentType(Model):
    """One incident type (事件类型)."""

    name: Text  # 中文名称，如 食堂/食品安全
    title_prefix: Text  # 标题前缀，如 【食品安全】
    category: CategoryField
    # 涉事单位：一个单位名，或按策略区分 {university: 后勤处, middle-school: 总务处}；
    # 不写表示须由用户指定（如师德师风：当事教师所在单位）
    unit: str | dict[Key, str] | None = None
    signals: Signals = Signals()  # 只写需要预设的字段
    first_actions: tuple[Text, ...] = ()  # 首先要做的事

    def unit_for(self, policy_id: str) -> str | None:
        if isinstance(self.unit, dict):
            return self.unit.get(policy_id)
        return self.unit


class IncidentTypes(Model):
    """``policies/types.yaml``."""

    version: Literal[1]
    types: dict[Key, IncidentType] = Field(default_factory=dict)

    def get(self, key: str) -> IncidentType:
        """The type called ``key``; a Chinese error listing the known types otherwise."""
        found = self.types.get(key)
        if found is None:
            known = "、".join(f"{k}（{t.name}）" for k, t in self.types.items())
            raise YqError(f"未知的事件类型 {key!r}；可选：{known}")
        return found


def prefixed_title(title: str, prefix: str) -> str:
    """``【食品安全】`` + title, unless the title already starts with it."""
    return title if title.startswith(prefix) else prefix + title


def apply_type(fields: Mapping[str, Any], itype: IncidentType, policy_id: str) -> dict[str, Any]:
    """New-case fields with ``itype`` filled in where ``fields`` leave a gap.

    ``fields`` are what the user gave (case-file keys: title, unit, category, signals …). The
    result has the same keys plus category/unit/signals from the type; ``signals`` is merged key
    by key. The type's ``first_actions`` are not case fields: the caller shows or records them.
    """
    merged = dict(fields)
    if merged.get("title"):
        merged["title"] = prefixed_title(str(merged["title"]), itype.title_prefix)
    merged.setdefault("category", itype.category.value)
    unit = itype.unit_for(policy_id)
    if unit is not None and not merged.get("unit"):
        merged["unit"] = unit
    preset = itype.signals.model_dump(mode="json", exclude_unset=True)
    given = fields.get("signals") or {}
    if isinstance(given, Signals):
        given = given.model_dump(mode="json", exclude_unset=True)
    if preset or given:
        merged["signals"] = preset | dict(given)
    return merged
