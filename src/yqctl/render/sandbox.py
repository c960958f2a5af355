"""Jinja's sandbox, plus limits on how much work a template may ask for.

Jinja's ``SandboxedEnvironment`` stops templates from reaching Python internals (``__class__``,
``__globals__`` …) and caps a single ``range()``, but lets ``{{ 'a' * 10**9 }}`` build a gigabyte
string, ``{{ 9 ** 10**8 }}`` compute for minutes, nested ``range()`` loops run for hours and
``lipsum(10**6)`` fill the memory. A report template needs none of that: this environment refuses
such operations with a Chinese message, and a render that still runs too long is stopped.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment
from jinja2.utils import generate_lorem_ipsum

MAX_SIZE = 100_000  # characters or items a template may build with one `*`, `%` or padding call
MAX_POWER_BITS = 10_000  # bits of the result of `a ** b` on integers (about 3000 digits)
MAX_RANGE_TOTAL = 2 * MAX_RANGE  # items all range() calls of one render may produce together
MAX_LIPSUM = 100  # paragraphs of lipsum()
RENDER_SECONDS = 1.0  # a real form or report renders in a few hundredths of a second

_PERCENT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


class TemplateLimitError(SecurityError):
    """A template asked for more work or memory than any form or report needs."""


class LimitedEnvironment(SandboxedEnvironment):
    """A sandbox whose templates cannot exhaust memory or time through operators or ranges."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.range_left = MAX_RANGE_TOTAL
        self.globals["range"] = self._range
        self.globals["lipsum"] = _lipsum
        for name in ("center", "indent"):
            self.filters[name] = _width_checked(self.filters[name], name)

    def start_render(self) -> None:
        """Give the next render its own budget of range() items."""
        self.range_left = MAX_RANGE_TOTAL

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_repeat(left, right)
        elif operator == "%":
            _check_percent(left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(__obj, "__name__", None) in _PADDING_METHODS and isinstance(
            getattr(__obj, "__self__", None), str
        ):
            _check_size(max([a for a in args if isinstance(a, int)] or [0]), f"{__obj.__name__}()")
        return super().call(__context, __obj, *args, **kwargs)

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise TemplateLimitError(f"range() 有 {len(numbers)} 项，超过上限 {MAX_RANGE}")
        self.range_left -= len(numbers)
        if self.range_left < 0:
            raise TemplateLimitError(
                f"range() 在一次渲染中共产生超过 {MAX_RANGE_TOTAL} 项（嵌套循环过多？）"
            )
        return numbers


def _check_size(size: int, what: str) -> None:
    if size > MAX_SIZE:
        raise TemplateLimitError(f"{what}的结果过大（{size} 个字符或元素，上限 {MAX_SIZE}）")


def _check_repeat(left: Any, right: Any) -> None:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(times, int):
            _check_size(len(sequence) * times, "“*” 重复")


def _check_power(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        bits = abs(left).bit_length() * right
        if bits > MAX_POWER_BITS:
            raise TemplateLimitError(f"“**” 乘方的结果约有 {bits} 位二进制数，超过上限")


def _check_percent(left: Any, right: Any) -> None:
    if not isinstance(left, str):
        return
    values = right if isinstance(right, tuple) else (right,)
    for match in _PERCENT_WIDTH.finditer(left):
        for width in match.groups():
            if width == "*":
                _check_size(max([v for v in values if isinstance(v, int)] or [0]), "“%” 格式化")
            elif width:
                _check_size(int(width), "“%” 格式化")


def _width_checked(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    def checked(value: Any, width: Any = 0, *args: Any, **kwargs: Any) -> Any:
        if isinstance(width, int):
            _check_size(width, f"{name} 过滤器")
        return function(value, width, *args, **kwargs)

    checked.__name__ = name
    return checked


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if n > MAX_LIPSUM or max > MAX_SIZE:
        raise TemplateLimitError(f"lipsum() 最多 {MAX_LIPSUM} 段")
    return str(generate_lorem_ipsum(n, html, min, max))


class RenderTimeout(TemplateLimitError):
    """A render took longer than ``RENDER_SECONDS`` (an endless or enormous loop)."""


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Stop the code inside after ``seconds`` with ``RenderTimeout``.

    Uses SIGALRM, so only in the main thread of a POSIX process; elsewhere the code simply runs.
    """
    limit = RENDER_SECONDS if seconds is None else seconds
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise RenderTimeout(f"渲染超过 {limit:g} 秒仍未完成，已停止（循环过多或无穷递归？）")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
