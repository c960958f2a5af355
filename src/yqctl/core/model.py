"""The base of every file model, apart from the case so that reading yq.yaml or org.yaml does not
build the case's models too."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    """Base of every file model: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
