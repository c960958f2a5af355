"""Jinja's sandbox, plus limits on how much work a template may ask for.

Jinja's ``SandboxedEnvironment`` stops templates from reaching Python internals (``__class__``,
``__globals__`` …) and caps a single ``range()``, but lets ``{{ 'a' * 10**9 }}`` build a gigabyte
string, ``{{ 9 ** 10**8 }}`` compute for minutes, nested ``range()`` loops run for hours and
``lipsum(10**6)`` fill the memory. A report template needs none of that: this environment refuses
such operations with a Chinese message.

What is left — loops within loops, macros calling themselves twice, a string doubled in a loop —
is bounded by counting work, not by a clock: a busy machine makes a render slower, never wrong,
and the same template on the same data passes or fails alike everywhere. Each render gets a
budget of work units, scaled with the size of its data (``work_budget``), so a report over
100,000 cases gets a budget 100,000 cases large. A unit is one pass of a ``for`` loop, one call
(a macro, a method), one filter, or about ``CHARS_PER_UNIT`` characters written or joined;
calls and filters on a string or a list also pay for its size. ``spend`` counts and stops the
render with ``WorkLimitError`` when the budget is used up.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from jinja2 import nodes, pass_environment
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, LoopContext, Macro
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment
from jinja2.utils import generate_lorem_ipsum

MAX_SIZE = 100_000  # characters or items a template may build with one `*`, `%` or padding call
MAX_POWER_BITS = 10_000  # bits of the result of `a ** b` on integers (about 3000 digits)
MAX_RANGE_TOTAL = 2 * MAX_RANGE  # items all range() calls of one render may produce together
MAX_LIPSUM = 100  # paragraphs of lipsum()
# The work budget of one render: BASE_WORK for the template itself, WORK_PER_UNIT for each unit of
# its data (``measure``). The built-in templates use 1.5-1.9 units of work per unit of data (a
# weekly report over 100,000 cases: 7.2 million units as Markdown, 9.3 million as HTML, of 246
# million), and a runaway template over the 16 demo cases is stopped within half a million units.
BASE_WORK = 200_000
WORK_PER_UNIT = 50
CHARS_PER_UNIT = 64  # characters written or joined that cost one unit of work
_SAMPLE = 32  # items of a long list measured one by one; the rest are taken to be alike

_PERCENT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_FORMAT_SPEC = re.compile(r"\{[^{}:]*:((?:[^{}]|\{[^{}]*\})*)\}")  # the spec after ':' of a field


class TemplateLimitError(SecurityError):
    """A template asked for more work or memory than any form or report needs."""


class WorkLimitError(TemplateLimitError):
    """A render used up its budget of work (loops within loops, endless recursion …)."""


def work_budget(data: Any) -> int:
    """The units of work a render of ``data`` may use."""
    return BASE_WORK + WORK_PER_UNIT * measure(data)


def weight(value: Any) -> int:
    """What handling ``value`` once costs: 1, plus its length (strings: per CHARS_PER_UNIT)."""
    if isinstance(value, str | bytes):
        return 1 + len(value) // CHARS_PER_UNIT
    if isinstance(value, list | tuple | dict | set | frozenset):
        return 1 + len(value)
    return 1


def measure(data: Any) -> int:
    """The size of ``data`` in units of ``weight``: its values, nested, and their lengths.

    Of a long list only ``_SAMPLE`` items, spread over it, are measured and the rest counted as
    their average, so that sizing a report over 100,000 cases costs next to nothing.
    """
    total, seen = 0.0, set()
    stack: list[tuple[Any, float]] = [(data, 1.0)]  # (value, how many values it stands for)
    while stack:
        value, times = stack.pop()
        total += weight(value) * times
        if isinstance(value, str | bytes | int | float) or value is None or id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, Mapping):
            items: list[Any] = [*value.keys(), *value.values()]
        elif isinstance(value, list | tuple | set | frozenset):
            items = list(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            items = [getattr(value, f.name) for f in dataclasses.fields(value)]
        else:
            continue
        if len(items) > _SAMPLE:
            step = len(items) / _SAMPLE
            picked = [items[int(i * step)] for i in range(_SAMPLE)]
            stack.extend((item, times * len(items) / _SAMPLE) for item in picked)
        else:
            stack.extend((item, times) for item in items)
    return int(total)


class CountingCodeGenerator(CodeGenerator):
    """Jinja's compiler, with the template's own work paid for: each ``for`` loop iterates
    through ``environment.loop_passes``, each ``~`` join and each run of the template's literal
    text is paid for by its length."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        passes = nodes.EnvironmentAttribute("loop_passes", lineno=node.lineno)
        node.iter = nodes.Call(passes, [node.iter], [], None, None, lineno=node.lineno)
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.paid(")
        super().visit_Concat(node, frame)
        self.write(")")

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        literal = sum(
            len(child.data) for child in node.nodes if isinstance(child, nodes.TemplateData)
        )
        if literal >= CHARS_PER_UNIT:
            self.writeline(f"environment.spend({literal // CHARS_PER_UNIT})")
        super().visit_Output(node, frame)


class LimitedEnvironment(SandboxedEnvironment):
    """A sandbox whose templates cannot exhaust memory or time: operators and ranges are capped,
    and every loop pass, call, filter and character written is paid from a work budget."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = CountingCodeGenerator

    def __init__(self, **options: Any) -> None:
        finalize = options.pop("finalize", None)
        super().__init__(**options)
        self.finalize = self._charged_finalize(finalize)
        self.range_left = MAX_RANGE_TOTAL
        self.work_budget = self.work_left = BASE_WORK
        self.globals["range"] = self._range
        self.globals["lipsum"] = _lipsum
        for name in ("center", "indent"):
            self.filters[name] = _width_checked(self.filters[name], name)
        self.filters["replace"] = replace_checked(self.filters["replace"])
        self.filters["format"] = format_checked(self.filters["format"])

    def charge_filters(self) -> None:
        """Make every filter pay for the size of what it is given (after all are registered)."""
        self.filters = {name: self._charged_filter(f) for name, f in self.filters.items()}

    def start_render(self, data: Any = None) -> None:
        """Give the next render its own budgets: range() items, and work scaled with ``data``."""
        self.range_left = MAX_RANGE_TOTAL
        self.work_budget = self.work_left = work_budget(data)

    # -- paying for work ----------------------------------------------------------------------

    def spend(self, units: int) -> None:
        self.work_left -= units
        if self.work_left < 0:
            raise WorkLimitError(
                f"渲染的计算量超过上限（按本次数据量为 {self.work_budget} 步），已停止"
                "（循环嵌套过多、无穷递归，或输出过大？）"
            )

    def paid(self, value: Any) -> Any:
        """``value`` (a joined string), paid for by its size."""
        self.spend(weight(value))
        return value

    def loop_passes(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """The items of a ``for`` loop, one unit each."""
        for item in iterable:
            self.spend(1)
            yield item

    def _charged_finalize(self, finalize: Callable[[Any], Any] | None) -> Callable[..., Any]:
        # pass_environment also keeps Jinja from printing constants at compile time, which
        # would escape them as HTML in a Markdown template
        @pass_environment
        def charged(environment: LimitedEnvironment, value: Any) -> Any:  # every {{ value }}
            if finalize is not None:
                value = finalize(value)
            environment.spend(weight(value))
            return value

        return charged

    def _charged_filter(self, function: Callable[..., Any]) -> Callable[..., Any]:
        # a filter marked pass_context/pass_environment gets that first, then the value
        offset = 1 if hasattr(function, "jinja_pass_arg") else 0

        @functools.wraps(function)
        def charged(*args: Any, **kwargs: Any) -> Any:
            self.spend(1 + weight(args[offset]) if len(args) > offset else 1)
            return function(*args, **kwargs)

        return charged

    # -- the sandbox's hooks ------------------------------------------------------------------

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_repeat(left, right)
        elif operator == "%":
            _check_percent(left, right)
        result = super().call_binop(context, operator, left, right)
        if operator != "**":
            self.spend(weight(result))
        return result

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", None)
        if isinstance(owner, str):
            if name in _PADDING_METHODS:
                width = max([a for a in args if isinstance(a, int)] or [0])
                _check_size(width, f"{name}()")
            elif name == "replace":
                _check_replace(owner, *args)
        if isinstance(__obj, LoopContext) and args:  # loop(children) in a recursive loop
            args = (__self.loop_passes(args[0]), *args[1:])
        __self.spend(1 if owner is None else weight(owner))
        result = super().call(__context, __obj, *args, **kwargs)
        if not isinstance(__obj, Macro | LoopContext):  # their output was paid as it was written
            __self.spend(weight(result) - 1)
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # Jinja hands out its own wrapper of str.format when the attribute is read: check it there
        if getattr(value, "__name__", None) not in ("format", "format_map"):
            return None  # every attribute read comes here: the common case first
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            if value.__name__ == "format_map" and args and isinstance(args[0], Mapping):
                kwargs = dict(args[0])
            _check_format(text, args, kwargs)
            return wrapped(*args, **kwargs)

        return functools.update_wrapper(checked, value)

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


def _check_replace(text: str, old: Any = "", new: Any = "", count: Any = -1, *_: Any) -> None:
    if isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        times = text.count(old) if old else len(text) + 1
        if isinstance(count, int) and count >= 0:
            times = min(times, count)
        _check_size(len(text) + times * (len(new) - len(old)), "replace()")


def _check_format(text: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Widths and precisions of ``str.format`` fields, written out or given as arguments."""
    for spec in _FORMAT_SPEC.findall(text):
        if "{" in spec:  # '{:{}}'.format(x, width): the width is one of the arguments
            values = [*args, *kwargs.values()]
            _check_size(max([v for v in values if isinstance(v, int)] or [0]), "format()")
        for number in re.findall(r"\d+", spec):
            _check_size(int(number), "format()")


def replace_checked(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def checked(eval_ctx: Any, text: Any, old: Any, new: Any, count: Any = None) -> Any:
        _check_replace(str(text), str(old), str(new), -1 if count is None else count)
        return function(eval_ctx, text, old, new, count)

    return checked


def format_checked(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def checked(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_percent(str(value), args if args else kwargs)
        return function(value, *args, **kwargs)

    return checked


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if n > MAX_LIPSUM or max > MAX_SIZE:
        raise TemplateLimitError(f"lipsum() 最多 {MAX_LIPSUM} 段")
    return str(generate_lorem_ipsum(n, html, min, max))
