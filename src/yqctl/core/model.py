"""The base of every file model, apart from the case so that reading yq.yaml or org.yaml does not
build the case's models too."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from yqctl.core.enums import LABELS, NOUNS, choices_text

Text = Annotated[str, Field(min_length=1)]


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
