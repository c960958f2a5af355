"""``FIELD=VALUE`` assignments of ``yqctl set``: which fields a user may set this way, and the value
each text stands for. Pure: the caller validates the changed case against the model.

Fields that other commands own, with their checks and timeline entries, are refused with the
command to use: the unit (``assign``), the level (``grade``), the status (``status``/``close``),
the timeline (``act``), evidence (``evidence add``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from yqctl.core.case import COUNT_SIGNALS, Case, Signals
from yqctl.core.counts import EXAMPLES, count_value
from yqctl.errors import UsageError
from yqctl.timeutil import parse_time

TEXT = "text"  # kept as typed: 123 stays the text "123"
TIME = "time"  # 2026-11-24 09:30 in the repository's zone, or with an offset
VALUE = "value"  # a YAML scalar: true, 5000, local_hotspot, null
COUNT = "count"  # as import reads a count: 5000, 5,000, 1.2万, 10万+

TOP_LEVEL = {
    "title": TEXT,
    "summary": TEXT,
    "discovered_at": TIME,
    "discovered_by": TEXT,
    "category": VALUE,
    "confidential": VALUE,
    "drill": VALUE,
}
SOURCE_FIELDS = {
    "platform": VALUE,
    "url": TEXT,
    "account": TEXT,
    "followers": COUNT,
    "published_at": TIME,
    "stance": VALUE,
    "excerpt": TEXT,
    "keywords": TEXT,
    "alert_level": TEXT,
}
OWNED_BY = {
    "id": "案件编号不能修改",
    "version": "version 由 yqctl 维护",
    "unit": "改派涉事单位请用 yqctl assign ID UNIT --reason …",
    "level": "定级请用 yqctl grade ID（人工定级：--level N --reason …）",
    "grading": "定级记录由 yqctl grade 追加",
    "status": "处置状态随处置推进；人工调整请用 yqctl status ID STATUS --reason …，办结用 yqctl close",
    "timeline": "时间线只能追加：请用 yqctl act",
    "closure": "办结信息由 yqctl close 填写",
    "conflicts": "合并冲突请用 yqctl resolve 处理",
    "evidence": "证据请用 yqctl evidence add 保存（同时记录哈希）",
}
SOURCE_OWNED = {"evidence", "sha256"}


@dataclass(frozen=True)
class Assignment:
    field: str  # as typed: signals.reposts, sources.1.account
    path: tuple[str | int, ...]  # in the file: ("sources", 0, "account")
    value: Any  # None removes the key

    @property
    def text(self) -> str:
        return f"{self.field}={'null' if self.value is None else _shown(self.value)}"


def parse_assignment(raw: str, zone: tzinfo, sources: int) -> Assignment:
    """One ``FIELD=VALUE``; ``sources``: how many sources the case has (they count from 1)."""
    field, sep, text = raw.partition("=")
    field = field.strip()
    if not sep or not field:
        raise UsageError(f"{raw!r} 不是 FIELD=VALUE 的形式，如 signals.reposts=5000")
    path, kind = _field(field, sources)
    return Assignment(field, path, _value(kind, text, zone, field))


def parse_assignments(raws: list[str], zone: tzinfo, sources: int) -> list[Assignment]:
    found = [parse_assignment(raw, zone, sources) for raw in raws]
    fields = [a.path for a in found]
    twice = sorted({a.field for a in found if fields.count(a.path) > 1})
    if twice:
        raise UsageError(f"同一字段给了不止一次：{'、'.join(twice)}")
    return found


def owned_changes(before: Case, after: Case) -> list[str]:
    """The fields other commands own that an edited case changes (``yqctl edit`` refuses them:
    the timeline and the grading records stay append-only, the unit moves with a reason …)."""
    return [name for name in OWNED_BY if getattr(before, name) != getattr(after, name)]


def _field(field: str, sources: int) -> tuple[tuple[str | int, ...], str]:
    parts = field.split(".")
    head = parts[0]
    if head in OWNED_BY:
        raise UsageError(f"{field}：{OWNED_BY[head]}")
    if head in TOP_LEVEL and len(parts) == 1:
        return (head,), TOP_LEVEL[head]
    if head == "signals" and len(parts) == 2 and parts[1] in Signals.model_fields:
        return ("signals", parts[1]), COUNT if parts[1] in COUNT_SIGNALS else VALUE
    if head == "sources" and len(parts) == 3:
        return _source_field(field, parts[1], parts[2], sources)
    raise UsageError(f"不能用 set 修改 {field}；可改：{_settable()}")


def _source_field(
    field: str, number: str, name: str, sources: int
) -> tuple[tuple[str | int, ...], str]:
    if not number.isdigit() or not 1 <= int(number) <= sources:
        which = f"1–{sources}" if sources else "（案件还没有来源）"
        raise UsageError(f"{field}：来源编号应为 {which}")
    if name in SOURCE_OWNED:
        raise UsageError(f"{field}：{OWNED_BY['evidence']}")
    if name not in SOURCE_FIELDS:
        raise UsageError(f"{field}：来源没有字段 {name}；可改：{'、'.join(SOURCE_FIELDS)}")
    return ("sources", int(number) - 1, name), SOURCE_FIELDS[name]


def _value(kind: str, text: str, zone: tzinfo, field: str) -> Any:
    if kind == TEXT:
        return text if text.strip() else None
    if kind == TIME:
        return parse_time(text, zone, what=field) if text.strip() else None
    if kind == COUNT:
        return read_count(text, field)
    return _scalar(text, field)


def read_count(text: str, field: str) -> int | None:
    """A count as ``import`` reads one (``1.2万`` → 12000); empty removes it."""
    if not text.strip():
        return None
    number = count_value(text)
    if number is None:
        raise UsageError(f"{field}：{text.strip()!r} 不是数量（{EXAMPLES}）")
    return number


def _scalar(text: str, field: str) -> Any:
    """A YAML scalar, read safely (no tags); lists and mappings are not values here."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if not text.strip():
        return None
    try:
        value = YAML(typ="safe", pure=True).load(text)
    except YAMLError:
        return text
    if isinstance(value, list | dict):
        raise UsageError(f"{field}：只能设为单个值，不能是列表或映射")
    return value


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _settable() -> str:
    names = [*TOP_LEVEL, "signals.<信号>", "sources.<N>.<字段>"]
    return "、".join(names)
