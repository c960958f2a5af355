"""Option values without pydantic: str and Path options taken as given on the command line.

Typer 0.29 coerces every non-flag option through a pydantic ``TypeAdapter`` that it builds on first
use, even when the option was not given. For ``yqctl due`` that is four adapters and the import of
pydantic: ~0.15 s of a command whose whole budget is 0.2 s. A string from argv needs no validation
to be a ``str``, and ``Path(text)`` cannot fail, so for these annotations (most of yqctl's options)
:func:`plain_coercion` installs a coercion that does just that. Other annotations (int, enums,
choices, lists of int) keep typer's own, with its error messages, but built only when the option
is given (``yqctl list`` without ``--level`` then imports no pydantic).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typer._coercion import (  # private: typer is pinned to 0.29.x for this and zh.py
    RuntimeParam,
    build_runtime_param,
)

if TYPE_CHECKING:
    from typer._click import Context, Parameter
    from typer._coercion import TypeDescriptor
    from typer.core import _TyperParameter

PLAIN: dict[Any, type] = {str: str, Path: Path, list[str]: str}


@dataclass(frozen=True)
class PlainRuntimeParam(RuntimeParam):
    """A ``str``, ``Path`` or ``list[str]`` option: argv's text as it is (a list for lists)."""

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        make = PLAIN[self.annotation]
        if isinstance(value, (list, tuple)):
            return [make(item) for item in value]
        return make(value)


@dataclass(frozen=True)
class DeferredRuntimeParam(RuntimeParam):
    """Typer's own coercion, built when a value comes (an absent option needs none)."""

    descriptor: TypeDescriptor | None = None

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        assert self.descriptor is not None
        return build_runtime_param(self.descriptor)._coerce_value(value, param, ctx)


def plain_coercion(params: Iterable[Parameter]) -> None:
    """Give each plain-typed typer parameter of a command :class:`PlainRuntimeParam`, and every
    other (not a file) a :class:`DeferredRuntimeParam`."""
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or descriptor.file_annotation is not None:
            continue
        annotation = descriptor.annotation
        info = descriptor.parameter_info
        if annotation in PLAIN and not descriptor.is_choice:
            runtime: RuntimeParam = PlainRuntimeParam(parameter_info=info, annotation=annotation)
        elif annotation is bool:
            continue  # flags are not coerced
        else:
            runtime = DeferredRuntimeParam(info, annotation, descriptor)
        param._runtime_param = runtime  # type: ignore[attr-defined]
