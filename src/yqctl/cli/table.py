"""Plain-text tables for long listings (``yqctl due``): columns aligned by display width.

rich draws boxes, but importing it and laying a table out costs ~0.3 s for the 337 rows of
``due`` on 10,000 cases, more than the rest of the command; and what cron mails or a script greps
reads best as plain columns. Colour is used only on a terminal, and never with ``NO_COLOR``.
"""

import os
from collections.abc import Sequence
from typing import TextIO

from yqctl.cli.zh import cells
from yqctl.textutil import visible

GAP = "  "
ANSI = {"bold": "1", "red": "31", "green": "32", "yellow": "33", "magenta": "35"}

Cell = str | tuple[str, str]  # text, or (text, style) with style words from ANSI: "bold red"


def use_color(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


def render(headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, color: bool) -> str:
    """The header and rows, each column as wide as its widest cell (the last one unpadded)."""
    lines = [list(headers), *([printable(_text(cell)) for cell in row] for row in rows)]
    styles = (
        [("",) * len(headers), *([_style(cell) for cell in row] for row in rows)] if color else []
    )
    known: dict[str, int] = {}  # the same unit, level and status recur on many rows

    def width(text: str) -> int:
        size = known.get(text)
        if size is None:
            size = known[text] = cells(text)
        return size

    padded = len(headers) - 1  # the last column needs no width
    sizes = [[width(text) for text in line[:padded]] for line in lines]
    widths = [max(column) for column in zip(*sizes, strict=True)] if padded else []
    out = []
    for i, (line, size) in enumerate(zip(lines, sizes, strict=True)):
        texts = [_paint(t, s) for t, s in zip(line, styles[i], strict=True)] if color else line
        parts = [t + " " * (w - n) for t, w, n in zip(texts, widths, size, strict=False)]
        parts.append(texts[-1])
        out.append(GAP.join(parts).rstrip())
    return "\n".join(out) + "\n"


def paint(text: str, style: str, *, color: bool) -> str:
    return _paint(text, style) if color else text


def _text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell[0]


def _style(cell: Cell) -> str:
    return "" if isinstance(cell, str) else cell[1]


def printable(text: str) -> str:
    """Control characters (a title may hold an escape sequence or a newline) written out
    visibly (``\x1b``, ``\n``), so a case file cannot move the cursor or recolour the terminal
    of whoever lists it, nor break a row in two."""
    return visible(text, keep_lines=False)


def _paint(text: str, style: str) -> str:
    codes = ";".join(ANSI[word] for word in style.split() if word in ANSI)
    return f"\x1b[{codes}m{text}\x1b[0m" if codes and text else text
