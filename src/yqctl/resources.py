"""Where the built-in policies, templates and demo cases are.

A wheel carries them under ``yqctl/_data`` (see pyproject's force-include); an editable install or
a source checkout reads the project's top-level folders directly.
"""

from __future__ import annotations

from pathlib import Path

from yqctl.errors import YqError

_PACKAGE = Path(__file__).resolve().parent


def data_dir(kind: str) -> Path:
    """``policies``, ``templates`` or ``cases`` (the demo cases) as shipped with yqctl."""
    for candidate in (_PACKAGE / "_data" / kind, _PACKAGE.parents[1] / kind):
        if candidate.is_dir():
            return candidate
    raise YqError(f"yqctl 安装不完整：找不到内置的 {kind} 目录，请重新安装")
