"""A policy file (``policies/<id>.yaml``, contract v1): levels, grading rules, deadlines, escalation.

The grading engine is generic; each seed document is one of these files. ``Policy.model_validate``
checks both the shape (unknown keys, bad values) and the cross-references (a rule's level is
declared, an escalation target names a declared role …); every error is a pydantic
``ValidationError`` whose ``loc`` points at the offending key, with a Chinese message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from yqctl.core.case import ActionField
from yqctl.core.conditions import Condition, RuleCondition
from yqctl.core.durations import Duration, DurationError, parse_duration, parse_fixed
from yqctl.core.enums import FORM_ACTIONS, Action, FormKind, StartPoint
from yqctl.core.model import LineText, Model, Text, strict_choice

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]  # ids and keys: ascii, readable
LevelId = Annotated[int, Field(ge=1)]  # 1 is the most severe level in every policy


# Deadline keys the engine itself uses: the 续报 series and the 待定级 entries of `due`.
RESERVED_KEYS = frozenset({"follow_up", "grade"})


def _duration(parse: Callable[[object], Duration]) -> Callable[[object], Duration]:
    """A duration parser whose errors pydantic reports as they are (Chinese, no "Value error")."""

    def validate(value: object) -> Duration:
        try:
            return parse(value)
        except DurationError as error:
            raise PydanticCustomError(error.kind, error.message) from None

    return validate


# Validated from the spelling, written back as the same spelling.
DurationField = Annotated[Duration, PlainValidator(_duration(parse_duration)), PlainSerializer(str)]
FixedDurationField = Annotated[
    Duration, PlainValidator(_duration(parse_fixed)), PlainSerializer(str)
]

START_LABELS = {
    StartPoint.discovered_at: "发现时间",
    StartPoint.graded_at: "定级时间",
    StartPoint.applicable: "职责产生之时",
}


def _start_point(value: Any) -> Any:
    if isinstance(value, StartPoint) or value in START_LABELS:
        return value
    choices = "、".join(f"{k.value}（{v}）" for k, v in START_LABELS.items())
    raise PydanticCustomError(
        "start_point",
        "未知的起算点 {value}；可选值：{choices}",
        {"value": repr(value), "choices": choices},
    )


OWNER_HELP = "应为 unit（涉事单位）、units.<单位名>（指定单位）或 roles 中的岗位键"
UNIT_OWNER = "unit"


def _owner(value: Any) -> Any:
    if not isinstance(value, str) or not _owner_ok(value):
        raise PydanticCustomError(
            "owner", "责任方 {value} 格式不对：{help}", {"value": repr(value), "help": OWNER_HELP}
        )
    return value


def _owner_ok(value: str) -> bool:
    parts = value.split(".")
    if parts[0] == "units":
        return len(parts) == 2 and bool(parts[1].strip())
    return len(parts) == 1 and bool(value.strip())


# Who must do it (责任方): the case's own unit, a named unit, or a role of the policy. Charged with
# the deadline by `stats` and the reports (university 六(一) ties poor handling to evaluations).
OwnerField = Annotated[str, BeforeValidator(_owner)]


class LevelSpec(Model):
    """A level (舆情级别): its number is its order, 1 the most severe."""

    id: LevelId
    name: LineText  # 一级 / 重大网络舆情 … (goes into each case graded at this level)
    description: str | None = None


class RuleSpec(Model):
    """A grading rule: a case matching ``when`` is at least at ``level``."""

    id: Key
    level: LevelId
    when: RuleCondition
    text: Text  # 规则原文（中文）
    clause: Text | None = None  # 条款，如 四; none for a criterion the document does not give
    quote: Text | None = None  # 原文：the document's own words, shown by `policy show`
    enabled: StrictBool = True  # false: documented but switched off (an office may switch it on)


class DefaultLevel(Model):
    """The level of a case that no rule matches (university 三级, middle school 一般)."""

    level: LevelId
    id: Key
    text: Text
    clause: Text


class MajorSpec(Model):
    """How 重大舆情 is derived: these levels are major; ``signals.major`` overrides when not null."""

    levels: tuple[LevelId, ...] = ()


def _closers(value: tuple[Action, ...]) -> tuple[Action, ...]:
    if not value:
        raise PydanticCustomError("closed_by_empty", "closed_by 至少要列一个处置动作")
    return value


class DeadlineSpec(Model):
    """A deadline (时限要求) the policy starts for matching cases."""

    key: Key
    title: Text  # 要做的事（中文）
    when: Condition | None = None  # None: every case
    within: DurationField  # 2h / immediate / end_of_day / 3wd / until_done …
    from_: Annotated[StartPoint, BeforeValidator(_start_point)] = Field(
        StartPoint.discovered_at, alias="from"
    )
    closed_by: Annotated[tuple[ActionField, ...], AfterValidator(_closers)]  # any one closes it
    clause: Text
    owner: OwnerField = UNIT_OWNER  # 责任方; a policy that names none charges the 涉事单位
    quote: Text | None = None  # 原文：the words that make the duty, its time and its owner


class NotModelled(Model):
    """A sentence of the document the policy deliberately does not track (``policy show`` lists
    them last, so that a clerk checking it against the paper sees they were considered)."""

    clause: Text
    text: Text  # 原文
    why: Text  # 为何不作为时限或规则


class Accountability(Model):
    """The document's consequence of poor handling (university 六(一) 一票否决): ``stats`` lists, per
    period, who has a missed or late deadline on a case matching ``when`` — for the leading group
    to judge, never as a verdict."""

    clause: Text
    text: Text  # 原文
    when: Condition  # which cases (e.g. 一级/二级 or 重大舆情)


TARGET_HELP = (
    "应为 unit.head（涉事单位第一责任人）、unit.officers（涉事单位舆情信息员）、"
    "units.<单位名>.head / units.<单位名>.officers、external.<外部机构键> 或 roles 中的岗位键"
)


def _target(value: Any) -> Any:
    if not isinstance(value, str) or not _target_ok(value):
        raise PydanticCustomError(
            "escalation_target",
            "通知对象 {value} 格式不对：{help}",
            {"value": repr(value), "help": TARGET_HELP},
        )
    return value


def _target_ok(value: str) -> bool:
    parts = value.split(".")
    if parts[0] == "unit":
        return len(parts) == 2 and parts[1] in {"head", "officers"}
    if parts[0] == "units":
        return len(parts) == 3 and bool(parts[1]) and parts[2] in {"head", "officers"}
    if parts[0] == "external":
        return len(parts) == 2 and bool(parts[1])
    return len(parts) == 1 and bool(value)


def _item_shorthand(value: Any) -> Any:
    return {"to": value} if isinstance(value, str) else value


class EscalationItem(Model):
    """Whom to notify: a role key, ``external.<key>``, ``unit.head``/``unit.officers`` …"""

    to: Annotated[str, BeforeValidator(_target)]
    note: str | None = None  # 视情况 / 必要时 …, shown next to the contact
    when: Condition | None = None  # only when this holds (e.g. signals.foreign_media)

    @property
    def kind(self) -> str:
        """``unit`` (the case's unit), ``units`` (a named unit), ``external`` or ``role``."""
        head = self.to.split(".")[0]
        return head if head in {"unit", "units", "external"} else "role"


EscalationList = tuple[Annotated[EscalationItem, BeforeValidator(_item_shorthand)], ...]


def _default_follow_up_when() -> Condition:
    return Condition.model_validate({"level": {"lte": 2}})


class Policy(Model):
    """``policies/<id>.yaml``."""

    version: Literal[1]
    id: Key  # university / middle-school
    name: Text  # 制度全称
    source: str | None = None  # 依据的文件
    immediate: FixedDurationField  # 第一时间/马上 = this span (30m in the seed policies)
    levels: Annotated[tuple[LevelSpec, ...], Field(min_length=1)]
    default: DefaultLevel | None = None
    rules: tuple[RuleSpec, ...] = ()
    major: MajorSpec = MajorSpec()
    deadlines: tuple[DeadlineSpec, ...] = ()
    follow_up_every: FixedDurationField | None = None  # 续报间隔；null = 不设定期续报
    follow_up_when: Condition = Field(default_factory=_default_follow_up_when)
    follow_up_clause: str | None = None
    follow_up_owner: OwnerField = UNIT_OWNER
    follow_up_quote: Text | None = None
    accountability: Accountability | None = None
    not_modelled: tuple[NotModelled, ...] = ()  # 未建模的原文
    roles: dict[Key, Text] = {}  # 岗位键 → 中文职务（org.yaml roles 的键）
    external: dict[Key, Text] = {}  # 外部机构键 → 中文名称（org.yaml external 的键）
    escalation: dict[LevelId, EscalationList] = {}
    # the forms its document has (yqctl form); None: those its deadlines name, else the record
    forms: tuple[Annotated[FormKind, strict_choice(FormKind)], ...] | None = None

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate the shape, then the cross-references, each error located at its key."""
        policy = super().model_validate(obj, *args, **kwargs)
        if problems := list(policy._cross_check()):
            raise ValidationError.from_exception_data(cls.__name__, problems)
        return policy

    # ---- cross-references ---------------------------------------------------------------------

    def _cross_check(self) -> Iterator[InitErrorDetails]:
        yield from _duplicates("levels", "id", [level.id for level in self.levels])
        yield from _duplicates("rules", "id", [rule.id for rule in self.rules])
        yield from _duplicates("deadlines", "key", [d.key for d in self.deadlines])
        forms = list(self.forms or ())
        for i, kind in enumerate(forms):
            if kind in forms[:i]:
                yield _error(("forms", i), kind.value, "表单 {value} 重复", value=kind.value)
        yield from self._undeclared_levels()
        yield from self._unknown_targets()
        yield from self._unknown_owners()
        for i, spec in enumerate(self.deadlines):
            if spec.key in RESERVED_KEYS:
                yield _error(
                    ("deadlines", i, "key"),
                    spec.key,
                    "{value} 为保留键名，请换一个",
                    value=spec.key,
                )

    def _undeclared_levels(self) -> Iterator[InitErrorDetails]:
        declared = self.level_ids
        uses: list[tuple[tuple[str | int, ...], int]] = []
        if self.default:
            uses.append((("default", "level"), self.default.level))
        uses += [(("rules", i, "level"), rule.level) for i, rule in enumerate(self.rules)]
        uses += [(("major", "levels", i), level) for i, level in enumerate(self.major.levels)]
        uses += [(("escalation", level), level) for level in self.escalation]
        for loc, level in uses:
            if level not in declared:
                yield _error(loc, level, "级别 {value} 未在 levels 中声明", value=level)

    def _unknown_targets(self) -> Iterator[InitErrorDetails]:
        for level, items in self.escalation.items():
            for i, item in enumerate(items):
                key = item.to.removeprefix("external.")
                known = self.external if item.kind == "external" else self.roles
                if item.kind in {"role", "external"} and key not in known:
                    where = "external" if item.kind == "external" else "roles"
                    yield _error(
                        ("escalation", level, i),
                        item.to,
                        "通知对象 {value} 未在本策略的 {where} 中声明",
                        value=item.to,
                        where=where,
                    )

    def _unknown_owners(self) -> Iterator[InitErrorDetails]:
        owners: list[tuple[tuple[str | int, ...], str]] = [
            (("deadlines", i, "owner"), d.owner) for i, d in enumerate(self.deadlines)
        ]
        owners.append((("follow_up_owner",), self.follow_up_owner))
        for loc, owner in owners:
            if owner != UNIT_OWNER and not owner.startswith("units.") and owner not in self.roles:
                yield _error(loc, owner, "责任方 {value} 未在本策略的 roles 中声明", value=owner)

    # ---- lookups ------------------------------------------------------------------------------

    @property
    def level_ids(self) -> list[int]:
        return sorted(level.id for level in self.levels)

    def level_spec(self, level: int) -> LevelSpec | None:
        return next((spec for spec in self.levels if spec.id == level), None)

    def level_name(self, level: int | None) -> str:
        """一级 / 重大网络舆情 …; ``待定级`` for an ungraded case; ``N级`` if undeclared."""
        if level is None:
            return "待定级"
        spec = self.level_spec(level)
        return spec.name if spec else f"{level}级"

    @property
    def form_kinds(self) -> tuple[FormKind, ...]:
        """The forms ``yqctl form`` offers: ``forms``; unlisted (a policy file written before
        ``forms`` existed), the forms its deadlines ask for (the university's 附件3/附件4), and a
        policy that asks for none has the 舆情处置记录 (the middle school's)."""
        if self.forms is not None:
            return self.forms
        closers = {action for spec in self.deadlines for action in spec.closed_by}
        named = tuple(kind for kind, action in FORM_ACTIONS.items() if action in closers)
        return named or (FormKind.record,)

    @property
    def active_rules(self) -> tuple[RuleSpec, ...]:
        return tuple(rule for rule in self.rules if rule.enabled)

    def owner_name(self, owner: str, unit: str) -> str:
        """Who is charged with a deadline: the case's ``unit``, a named unit, or a role's title."""
        if owner == UNIT_OWNER:
            return unit
        if owner.startswith("units."):
            return owner.removeprefix("units.")
        return self.roles.get(owner, owner)

    def owner_title(self, owner: str) -> str:
        """The owner as ``policy show`` names it, without a case: 涉事单位 for ``unit``."""
        return "涉事单位" if owner == UNIT_OWNER else self.owner_name(owner, "")

    def target_title(self, target: str) -> str:
        """The Chinese name of an escalation target, for tables and placeholders."""
        parts = target.split(".")
        if target == "unit.head":
            return "涉事单位第一责任人"
        if target == "unit.officers":
            return "涉事单位舆情信息员"
        if parts[0] == "units":
            return parts[1] + ("第一责任人" if parts[2] == "head" else "舆情信息员")
        if parts[0] == "external":
            return self.external.get(parts[1], target)
        return self.roles.get(target, target)


def _duplicates(section: str, field: str, values: list[Any]) -> Iterator[InitErrorDetails]:
    """Every repeat after the first occurrence, located at the repeat."""
    seen: set[Any] = set()
    for i, value in enumerate(values):
        if value in seen:
            yield _error(
                (section, i, field), value, "{field} {value} 重复", field=field, value=value
            )
        seen.add(value)


def _error(
    loc: tuple[str | int, ...], given: Any, message: str, **context: Any
) -> InitErrorDetails:
    return {
        "type": PydanticCustomError("policy_reference", message, context),
        "loc": loc,
        "input": given,
    }
