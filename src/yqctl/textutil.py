"""Cutting text down for messages and records: pure string functions used at every layer."""

from __future__ import annotations


def first_line(text: str) -> str:
    """The first line that has anything on it, stripped ("" if none)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last of them "…" when it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
