"""Turning pydantic's validation errors into Chinese problems located at ``path:line:col``."""

from __future__ import annotations

import difflib
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from yqctl.errors import Problem, YqError
from yqctl.store.yamlio import Document, Loc

M = TypeVar("M", bound=BaseModel)

TIME_EXAMPLE = "2026-11-24T09:30:00+08:00"

_MESSAGES: dict[str, str] = {
    "missing": "缺少必填字段",
    "string_type": "应为文本（数字或 true/false 请加引号）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "float_type": "应为数字",
    "datetime_type": f"应为带时区的时间，如 {TIME_EXAMPLE}",
    "datetime_parsing": f"不是有效的时间，应为 ISO 8601 格式，如 {TIME_EXAMPLE}",
    "datetime_from_date_parsing": f"不是有效的时间，应为 ISO 8601 格式，如 {TIME_EXAMPLE}",
    "timezone_aware": f"时间缺少时区，请写成 {TIME_EXAMPLE} 这样带 +08:00 的形式",
    "list_type": "应为列表（每项以“- ”开头）",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "model_attributes_type": "应为映射（键: 值）",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
    "none_required": "应为空（null）",
}


def validate(model: type[M], doc: Document) -> M:
    """Validate a parsed document against a model; every problem is located and in Chinese."""
    doc.mapping()
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise _raise(problems_of(model, doc, exc)) from None


def problems_of(model: type[BaseModel], doc: Document, exc: ValidationError) -> list[Problem]:
    problems = [_problem(model, doc, error) for error in exc.errors(include_url=False)]
    return sorted(set(problems))


def _problem(model: type[BaseModel], doc: Document, error: Any) -> Problem:
    loc = _real_loc(doc.data, error["loc"])
    kind = error["type"]
    on_key = bool(loc) and loc[-1] == "[key]"  # a mapping key of the wrong type: point at the key
    if on_key:
        loc = loc[:-1]
    where = _dotted(loc) + (" 的键" if on_key else "")
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else ""
        hint = _suggest(model, loc)
        message = f"未知字段 {name!r}" + (f"，是否想写 {hint!r}？" if hint else "（拼写错误？）")
        return doc.problem(loc, f"{_dotted(loc[:-1]) or '顶层'}: {message}", key=True)
    if kind == "missing":
        return doc.problem(loc[:-1], f"缺少必填字段 {where}")
    if kind == "literal_error":
        message = f"应为 {error['ctx']['expected']}"
    elif kind.startswith(("greater_than", "less_than")):
        bound = next(iter(error.get("ctx", {}).values()), "")
        message = ("应不小于 " if kind.startswith("greater") else "应不大于 ") + str(bound)
    elif kind == "string_pattern_mismatch":
        message = f"格式不对（应匹配 {error['ctx']['pattern']}）"
    elif kind in _MESSAGES:
        message = _MESSAGES[kind]
    elif error["msg"] and not error["msg"].isascii():
        message = error["msg"]  # our own validators already speak Chinese
    else:
        message = f"取值无效（{error['msg']}）"
    shown = error.get("input")
    if kind in _MESSAGES and isinstance(shown, str | int | float | bool) and kind != "missing":
        message += f"，实际为 {_shorten(repr(shown))}"
    return doc.problem(loc, f"{where}: {message}" if where else message, key=on_key)


def _shorten(text: str, limit: int = 60) -> str:
    """A wrong value as the message shows it: a 900 KB title or a 5000-digit number is cut."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…（共 {len(text)} 个字符）"


def _real_loc(data: Any, loc: tuple[Any, ...]) -> Loc:
    """Pydantic puts union member names into ``loc``; keep the keys and indexes the data has,
    plus a last key that is missing or extra."""
    kept: list[str | int] = []
    node = data
    for position, item in enumerate(loc):
        in_dict = isinstance(node, dict) and item in node
        if in_dict or (isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node)):
            node = node[item]
        elif not (position == len(loc) - 1 and isinstance(item, str)):
            continue  # a union member's name, not a place in the file
        kept.append(item)
    return tuple(kept)


def _suggest(model: type[BaseModel], loc: Loc) -> str | None:
    fields = _fields_at(model, loc[:-1])
    matches = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed at ``loc`` (walking through lists, dicts and optional models)."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _step(annotation: Any, part: str | int) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _unwrap(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, …]`` → ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = args[0]
        elif args and type(None) in args and len(args) == 2:
            annotation = next(a for a in args if a is not type(None))
        else:
            return annotation


def _dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _raise(problems: list[Problem]) -> YqError:
    return YqError("", problems)
