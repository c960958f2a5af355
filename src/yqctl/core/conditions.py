"""The policy's condition language (条件): data, never Python ``eval``.

A condition is a mapping. Each key is either a field compared with a test, or a connective:

    signals.harmful: true                    # shorthand for {eq: true}
    signals.spread: [local_hotspot, global_hotspot]   # a list is shorthand for {in: [...]}
    signals.posts: {gte: 100, lt: 1000}      # several operators in one test: all must hold
    all: [<condition>, ...]                  # 且
    any: [<condition>, ...]                  # 或
    not: <condition>                         # 非

Several keys in one mapping must all hold (an implicit ``all``). Fields are ``signals.*`` and
``category``; deadline and escalation conditions may also read ``level`` (the case's current level)
and ``major`` (重大舆情, as the policy derives it). A grading rule may not read ``level``/``major``:
they are what grading produces. Operators: ``eq ne gt gte lt lte in not_in`` (``gt``… for numbers
only). A missing value (an ungraded case's ``level``) satisfies no comparison.

Unknown fields and operators are pydantic errors located at the offending key, in Chinese.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from yqctl.core.case import Case, CategoryField, SpreadField
from yqctl.core.enums import Category, Spread, label
from yqctl.core.model import Model

# What a condition reads: "signals.harmful" → True, "category" → Category.inquiry, "level" → 2 …
Facts = Mapping[str, object]

# 字段的中文名: shown in `policy show` and in error messages.
FIELD_LABELS: dict[str, str] = {
    "signals.spread": "传播范围",
    "signals.harmful": "有害信息",
    "signals.posts": "帖文数",
    "signals.reposts": "转发数",
    "signals.comments": "评论数",
    "signals.views": "浏览量",
    "signals.likes": "点赞数",
    "signals.favorites": "收藏数",
    "signals.authority_request": "公安机关等国家行政管理部门要求中断和查找",
    "signals.staff_confidentiality_breach": "学校工作人员违反保密规定违规发布信息",
    "signals.superior_attention": "引起上级有关部门的重视",
    "signals.serious_consequences": "产生严重后果",
    "signals.stability_impact": "严重影响学校和社会稳定",
    "signals.official_account_compromised": "官方微博/微信/网站被攻击、主页被篡改",
    "signals.foreign_media": "外媒介入",
    "signals.spreads_after_truth": "告知事实真相后仍继续恶意传播或炒作",
    "signals.referral_needed": "研判须上报执纪执法部门查处",
    "signals.major": "标记为重大舆情",
    "category": "舆情类别",
    "level": "舆情级别",
    "major": "重大舆情",
}

_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in_": lambda value, choices: value in choices,
    "not_in": lambda value, choices: value not in choices,
}
_SYMBOLS = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
_SYMBOLS |= {"in_": "属于", "not_in": "不属于"}


# ---- values: strict, with Chinese messages ---------------------------------------------------


def _strict_bool(value: Any) -> Any:
    if not isinstance(value, bool):
        raise PydanticCustomError(
            "bool_zh", "应为 true 或 false，而不是 {value}", {"value": repr(value)}
        )
    return value


def _strict_count(value: Any) -> Any:
    # bool is an int in Python; `posts: true` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PydanticCustomError(
            "count_zh", "应为非负整数，而不是 {value}", {"value": repr(value)}
        )
    return value


def _strict_level(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PydanticCustomError(
            "level_zh", "级别应为正整数（1 最严重），而不是 {value}", {"value": repr(value)}
        )
    return value


ZhBool = Annotated[bool, BeforeValidator(_strict_bool)]
ZhCount = Annotated[int, BeforeValidator(_strict_count)]
ZhLevel = Annotated[int, BeforeValidator(_strict_level)]


def _shorthand(value: Any) -> Any:
    """``true`` → ``{eq: true}``; ``[a, b]`` → ``{in: [a, b]}``; a mapping is the long form."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {"in": value}
    return {"eq": value}


def _rejector(kind: str, allowed: str) -> AfterValidator:
    """Validator for unknown keys: pydantic puts the key itself in ``loc``; we word the message."""

    def reject(_: Any) -> Any:
        raise PydanticCustomError(kind, "未知的{allowed}", {"allowed": allowed})

    return AfterValidator(reject)


# ---- tests: one per value type ----------------------------------------------------------------


class _Test(Model):
    """A comparison of one field with one or more operators (all must hold)."""

    model_config = ConfigDict(extra="allow")

    @model_validator(mode="after")
    def _not_empty(self) -> _Test:
        if not self.operators():
            raise PydanticCustomError("test_empty", "比较至少要有一个运算符，如 {eq: true}")
        return self

    def operators(self) -> list[tuple[str, Any]]:
        """The operators set, by field name (``in_`` for ``in``), in declaration order."""
        return [
            (name, getattr(self, name))
            for name in type(self).model_fields
            if getattr(self, name) is not None
        ]

    def check(self, value: object) -> bool:
        if value is None:  # an unknown value (ungraded level) satisfies no comparison
            return False
        return all(_OPERATORS[name](value, operand) for name, operand in self.operators())

    def describe(self, field: str) -> str:
        return "且".join(self._describe_one(field, n, v) for n, v in self.operators())

    def _describe_one(self, field: str, name: str, operand: Any) -> str:
        text = FIELD_LABELS[field]
        if isinstance(operand, bool) and name in {"eq", "ne"}:
            return text if operand == (name == "eq") else f"非{text}"
        if isinstance(operand, tuple):
            return f"{text}{_SYMBOLS[name]}{'/'.join(_value_label(v) for v in operand)}"
        return f"{text}{_SYMBOLS[name]}{_value_label(operand)}"


def _value_label(value: Any) -> str:
    if isinstance(value, Spread | Category):
        return label(value)
    return str(value)


_EQ_OPS = "运算符；布尔字段可用 eq、ne"
_CHOICE_OPS = "运算符；可用 eq、ne、in、not_in"
_NUMBER_OPS = "运算符；可用 eq、ne、gt、gte、lt、lte、in、not_in"


class BoolTest(_Test):
    __pydantic_extra__: dict[str, Annotated[Any, _rejector("operator_unknown", _EQ_OPS)]] = Field(
        init=False
    )
    eq: ZhBool | None = None
    ne: ZhBool | None = None


class CountTest(_Test):
    __pydantic_extra__: dict[str, Annotated[Any, _rejector("operator_unknown", _NUMBER_OPS)]] = (
        Field(init=False)
    )
    eq: ZhCount | None = None
    ne: ZhCount | None = None
    gt: ZhCount | None = None
    gte: ZhCount | None = None
    lt: ZhCount | None = None
    lte: ZhCount | None = None
    in_: tuple[ZhCount, ...] | None = Field(None, alias="in")
    not_in: tuple[ZhCount, ...] | None = None


class LevelTest(CountTest):
    eq: ZhLevel | None = None
    ne: ZhLevel | None = None
    gt: ZhLevel | None = None
    gte: ZhLevel | None = None
    lt: ZhLevel | None = None
    lte: ZhLevel | None = None
    in_: tuple[ZhLevel, ...] | None = Field(None, alias="in")
    not_in: tuple[ZhLevel, ...] | None = None


class SpreadTest(_Test):
    __pydantic_extra__: dict[str, Annotated[Any, _rejector("operator_unknown", _CHOICE_OPS)]] = (
        Field(init=False)
    )
    eq: SpreadField | None = None
    ne: SpreadField | None = None
    in_: tuple[SpreadField, ...] | None = Field(None, alias="in")
    not_in: tuple[SpreadField, ...] | None = None


class CategoryTest(_Test):
    __pydantic_extra__: dict[str, Annotated[Any, _rejector("operator_unknown", _CHOICE_OPS)]] = (
        Field(init=False)
    )
    eq: CategoryField | None = None
    ne: CategoryField | None = None
    in_: tuple[CategoryField, ...] | None = Field(None, alias="in")
    not_in: tuple[CategoryField, ...] | None = None


Bool = Annotated[BoolTest, BeforeValidator(_shorthand)]
Count = Annotated[CountTest, BeforeValidator(_shorthand)]
Level = Annotated[LevelTest, BeforeValidator(_shorthand)]
SpreadT = Annotated[SpreadTest, BeforeValidator(_shorthand)]
CategoryT = Annotated[CategoryTest, BeforeValidator(_shorthand)]


# ---- conditions -------------------------------------------------------------------------------

_RULE_FIELDS = "条件字段；可用：all、any、not、signals.*（见 case 文件的 signals）、category"
_ALL_FIELDS = _RULE_FIELDS + "、level、major"
_CONNECTIVES = ("all_", "any_", "not_")


def _result_in_rule(_: Any) -> Any:
    raise PydanticCustomError(
        "condition_result_field",
        "定级规则不能引用 level 或 major：它们是定级的结果；请改用 signals.* 或 category",
    )


ResultInRule = Annotated[Any, AfterValidator(_result_in_rule)]


def _non_empty(items: tuple[Any, ...]) -> tuple[Any, ...]:
    if not items:
        raise PydanticCustomError("condition_list_empty", "all/any 的列表不能为空")
    return items


NonEmpty = AfterValidator(_non_empty)


class RuleCondition(Model):
    """A grading rule's condition: reads ``signals.*`` and ``category`` only."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Annotated[Any, _rejector("field_unknown", _RULE_FIELDS)]] = Field(
        init=False
    )
    fields_label: ClassVar[str] = _RULE_FIELDS

    signals_spread: SpreadT | None = Field(None, alias="signals.spread")
    signals_harmful: Bool | None = Field(None, alias="signals.harmful")
    signals_posts: Count | None = Field(None, alias="signals.posts")
    signals_reposts: Count | None = Field(None, alias="signals.reposts")
    signals_comments: Count | None = Field(None, alias="signals.comments")
    signals_views: Count | None = Field(None, alias="signals.views")
    signals_likes: Count | None = Field(None, alias="signals.likes")
    signals_favorites: Count | None = Field(None, alias="signals.favorites")
    signals_authority_request: Bool | None = Field(None, alias="signals.authority_request")
    signals_staff_confidentiality_breach: Bool | None = Field(
        None, alias="signals.staff_confidentiality_breach"
    )
    signals_superior_attention: Bool | None = Field(None, alias="signals.superior_attention")
    signals_serious_consequences: Bool | None = Field(None, alias="signals.serious_consequences")
    signals_stability_impact: Bool | None = Field(None, alias="signals.stability_impact")
    signals_official_account_compromised: Bool | None = Field(
        None, alias="signals.official_account_compromised"
    )
    signals_foreign_media: Bool | None = Field(None, alias="signals.foreign_media")
    signals_spreads_after_truth: Bool | None = Field(None, alias="signals.spreads_after_truth")
    signals_referral_needed: Bool | None = Field(None, alias="signals.referral_needed")
    signals_major: Bool | None = Field(None, alias="signals.major")
    category: CategoryT | None = None
    level: ResultInRule | None = None  # refused in rules, see _result_in_rule
    major: ResultInRule | None = None
    # Connectives last, so that descriptions read field comparisons first.
    all_: Annotated[tuple[RuleCondition, ...], NonEmpty] | None = Field(None, alias="all")
    any_: Annotated[tuple[RuleCondition, ...], NonEmpty] | None = Field(None, alias="any")
    not_: RuleCondition | None = Field(None, alias="not")

    @model_validator(mode="after")
    def _not_empty(self) -> RuleCondition:
        if not any(True for _ in self._parts()):
            raise PydanticCustomError(
                "condition_empty", "条件不能为空：至少写一个字段比较，或 all/any/not"
            )
        return self

    def _parts(self) -> Iterator[tuple[str, Any]]:
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            if value is not None:
                yield (info.alias or name), value

    def matches(self, facts: Facts) -> bool:
        """Does the case described by ``facts`` satisfy this condition?"""
        return all(_part_matches(key, value, facts) for key, value in self._parts())

    def fields(self) -> set[str]:
        """Every field path this condition reads (for checks and tests)."""
        found: set[str] = set()
        for key, value in self._parts():
            if key in {"all", "any"}:
                for child in value:
                    found |= child.fields()
            elif key == "not":
                found |= value.fields()
            else:
                found.add(key)
        return found

    def describe(self) -> str:
        """The condition in Chinese, e.g. ``传播范围=全局性热点 且 有害信息``."""
        return " 且 ".join(_describe_part(key, value) for key, value in self._parts())

    def describe_grouped(self) -> str:
        """As ``describe``, in brackets when it is more than one simple comparison."""
        parts = list(self._parts())
        text = self.describe()
        simple = len(parts) == 1 and parts[0][0] not in {"all", "any"}
        return text if simple else f"（{text}）"


class Condition(RuleCondition):
    """A deadline's or escalation item's condition: may also read ``level`` and ``major``."""

    __pydantic_extra__: dict[str, Annotated[Any, _rejector("field_unknown", _ALL_FIELDS)]] = Field(
        init=False
    )
    fields_label: ClassVar[str] = _ALL_FIELDS

    all_: Annotated[tuple[Condition, ...], NonEmpty] | None = Field(None, alias="all")
    any_: Annotated[tuple[Condition, ...], NonEmpty] | None = Field(None, alias="any")
    not_: Condition | None = Field(None, alias="not")
    level: Level | None = None
    major: Bool | None = None


def _part_matches(key: str, value: Any, facts: Facts) -> bool:
    if key == "all":
        return all(child.matches(facts) for child in value)
    if key == "any":
        return any(child.matches(facts) for child in value)
    if key == "not":
        return not value.matches(facts)
    test: _Test = value
    return test.check(facts.get(key))


def _describe_part(key: str, value: Any) -> str:
    if key in {"all", "any"}:
        joiner = " 且 " if key == "all" else " 或 "
        return "（" + joiner.join(child.describe_grouped() for child in value) + "）"
    if key == "not":
        return f"非{value.describe_grouped()}"
    test: _Test = value
    return test.describe(key)


def condition_paths() -> list[str]:
    """Every field a deadline condition may compare (the rule fields plus level/major)."""
    return [
        info.alias or name
        for name, info in Condition.model_fields.items()
        if name not in _CONNECTIVES
    ]


def case_facts(case: Case, *, level: int | None, major: bool) -> dict[str, object]:
    """What conditions read from a case: its signals, category, and the given level/major."""
    facts: dict[str, object] = {
        f"signals.{name}": value for name, value in case.signals.model_dump().items()
    }
    facts |= {"category": case.category, "level": level, "major": major}
    return facts
