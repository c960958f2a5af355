"""Counts as exports and people write them: ``1234``, ``1,234``, ``1.2万``, ``10万+``, ``3亿``.

One reader for ``yqctl import`` (a cell of an alert export), ``yqctl set`` and ``yqctl new
--signal`` (``signals.reposts=1.2万``), so a count means the same wherever it is typed.
"""

from __future__ import annotations

import re

_MULTIPLIERS = {"万": 10_000, "w": 10_000, "亿": 100_000_000, "k": 1_000, "千": 1_000}
_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿|千|w|k)?\+?", re.IGNORECASE)
EXAMPLES = "如 1234、1,234、1.2万、10万+"


def count_value(text: str) -> int | None:
    """``1234``, ``1,234``, ``1.2万``, ``3亿``, ``10万+``; None if it is not a count (``1.5``,
    ``-3``, ``很多``). ``10万+`` (at least 100,000) is read as 100,000: the most it says for sure."""
    match = _COUNT.fullmatch(text.replace(",", "").replace("，", "").strip())
    if match is None:
        return None
    number = float(match[1]) * _MULTIPLIERS.get((match[2] or "").lower(), 1)
    return round(number) if match[2] else (int(match[1]) if match[1].isdigit() else None)
