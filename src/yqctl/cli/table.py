"""Plain-text tables for long listings (``yqctl due``): columns aligned by display width.

rich draws boxes, but importing it and laying a table out costs ~0.3 s for the 337 rows of
``due`` on 10,000 cases, more than the rest of the command; and what cron mails or a script greps
reads best as plain columns. Colour is used only on a terminal, and never with ``NO_COLOR``.
"""

import os
import unicodedata
from collections.abc import Sequence
from typing import TextIO

from yqctl.cli.zh import cells

GAP = "  "
ANSI = {"bold": "1", "red": "31", "green": "32", "yellow": "33", "magenta": "35"}

Cell = str | tuple[str, str]  # text, or (text, style) with style words from ANSI: "bold red"


def use_color(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


def render(headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, color: bool) -> str:
    """The header and rows, each column as wide as its widest cell (the last one unpadded)."""
    lines = [[(text, "") for text in headers], *([_cell(cell) for cell in row] for row in rows)]
    sizes = [[cells(text) for text, _ in line] for line in lines]
    widths = [max(size[i] for size in sizes) for i in range(len(headers))]
    out = []
    for line, size in zip(lines, sizes, strict=True):
        parts = []
        for i, (text, style) in enumerate(line):
            pad = "" if i == len(line) - 1 else " " * (widths[i] - size[i])
            parts.append((_paint(text, style) if color else text) + pad)
        out.append(GAP.join(parts).rstrip())
    return "\n".join(out) + "\n"


def paint(text: str, style: str, *, color: bool) -> str:
    return _paint(text, style) if color else text


def _cell(cell: Cell) -> tuple[str, str]:
    text, style = (cell, "") if isinstance(cell, str) else cell
    return printable(text), style


def printable(text: str) -> str:
    """Control characters (a title may hold an escape sequence or a newline) as spaces, so a
    case file cannot move the cursor or recolour the terminal of whoever lists it."""
    if text.isprintable():
        return text
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)


def _paint(text: str, style: str) -> str:
    codes = ";".join(ANSI[word] for word in style.split() if word in ANSI)
    return f"\x1b[{codes}m{text}\x1b[0m" if codes and text else text
