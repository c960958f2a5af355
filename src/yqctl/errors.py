"""Errors and problems reported to the user: always Chinese, always with ``path:line:col`` when known."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, located as precisely as we can."""

    path: str  # relative to the repository where possible
    line: int  # 1-based; 0 when unknown
    col: int  # 1-based; 0 when unknown
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col}: {self.message}"
        return f"{self.path}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "col": self.col, "message": self.message}


class YqError(Exception):
    """A failure the user can act on. The CLI prints it without a traceback and exits 1."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def __str__(self) -> str:
        lines = [self.message] if self.message else []
        lines += [str(p) for p in self.problems if str(p) != self.message]
        return "\n".join(lines)


class UsageError(YqError):
    """Wrong use of the command line (exit code 2)."""
