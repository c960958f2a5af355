"""The base of every file model, apart from the case so that reading yq.yaml or org.yaml does not
build the case's models too."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from yqctl.core.enums import LABELS, NOUNS, choices_text
from yqctl.textutil import unsafe_message

Text = Annotated[str, Field(min_length=1)]


def _plain(value: str, *, multiline: bool) -> str:
    """Text that cannot drive a terminal: no control characters or bidi overrides (see
    ``textutil.unsafe_char``); one-line text (``multiline`` false) no newline or tab either."""
    message = unsafe_message(value, multiline=multiline)
    if message is not None:
        raise PydanticCustomError("unsafe_text", message)
    return value


def _one_line(value: str) -> str:
    return _plain(value, multiline=False)


def _prose(value: str) -> str:
    return _plain(value, multiline=True)


def _plain_values(value: Any) -> Any:
    """Every text inside a free-form value (a merge conflict's sides), keys too, as prose."""
    if isinstance(value, str):
        return _prose(value)
    inner = [*value, *value.values()] if isinstance(value, dict) else value
    for item in inner if isinstance(inner, list) else ():
        _plain_values(item)
    return value


Line = Annotated[str, AfterValidator(_one_line)]  # a title, a name, a path: one line
Prose = Annotated[str, AfterValidator(_prose)]  # a summary, a note: newlines and tabs allowed
LineText = Annotated[Line, Field(min_length=1)]
ProseText = Annotated[Prose, Field(min_length=1)]
PlainValue = Annotated[Any, AfterValidator(_plain_values)]


class Model(BaseModel):
    """Base of every file model: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def strict_choice(enum: type[StrEnum]) -> BeforeValidator:
    """A validator that refuses unknown values with a Chinese message listing every allowed one."""

    def check(value: Any) -> Any:
        if isinstance(value, enum):
            return value
        if isinstance(value, str) and value in LABELS[enum]:
            return value
        raise PydanticCustomError(
            "enum_zh",
            "未知的{noun} {value}；可选值：{choices}",
            {"noun": NOUNS[enum], "value": repr(value), "choices": choices_text(enum)},
        )

    return BeforeValidator(check)
