"""Cutting text down for messages and records, and keeping control characters out of text and off
the terminal: pure string functions used at every layer."""

from __future__ import annotations

import re


def first_line(text: str) -> str:
    """The first line that has anything on it, stripped ("" if none)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last of them "…" when it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# What text must never hold, as stored or as shown: C0 controls (ESC starts the sequences that
# retitle a window or clear a screen, BEL ends them), DEL, C1 controls (0x9B is a one-byte ESC [),
# and the bidi embeddings, overrides and isolates, which make text read in another order than it
# is stored (a title or a link can then show what it is not). Newline and tab are apart: prose
# may hold them, a one-line field may not (nor the Unicode line and paragraph separators).
_BIDI = r"\u202a-\u202e\u2066-\u2069"
_IN_PROSE = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
UNSAFE_IN_LINE = re.compile(rf"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")


def unsafe_char(text: str, *, multiline: bool) -> tuple[int, str] | None:
    """The first character (its 0-based position and itself) that ``text`` may not hold:
    controls and bidi overrides always, and in one-line text (``multiline`` false) newlines and
    tabs too; None when there is none."""
    if text.isprintable():
        return None  # almost all text: C speed, no regex (a space is printable, a newline not)
    found = (_IN_PROSE if multiline else UNSAFE_IN_LINE).search(text)
    return None if found is None else (found.start(), found[0])


def unsafe_message(text: str, *, multiline: bool) -> str | None:
    """Why ``text`` cannot be stored (see :func:`unsafe_char`), in Chinese; None if it can."""
    found = unsafe_char(text, multiline=multiline)
    if found is None:
        return None
    position, char = found
    if char in "\n\t\u2028\u2029":
        return f"只能写一行：第 {position + 1} 个字符是换行或制表符（{escaped(char)}），请删去"
    return (
        f"含有控制字符 {escaped(char)}（第 {position + 1} 个字符）："
        "它能操纵终端或让文字显示得与实际不同，不能写入，请删去"
    )


def escaped(char: str) -> str:
    r"""A character as Python writes it in a literal: ``\x1b``, ``\n``, ``\u202e``."""
    return char.encode("unicode_escape").decode("ascii")


def visible(text: str, *, keep_lines: bool = True) -> str:
    r"""``text`` as a terminal may be given it: every control character and bidi override
    written out (``\x1b``, ``\u202e``) so that it shows and does nothing; newlines and tabs are
    kept unless ``keep_lines`` is false (a table row must stay one line)."""
    if text.isprintable():
        return text
    return (_IN_PROSE if keep_lines else UNSAFE_IN_LINE).sub(lambda found: escaped(found[0]), text)
