"""Running the user's text editor on a file, as git does: ``$VISUAL``, then ``$EDITOR``, then the
system's ``editor``, ``nano`` or ``vi``. The command is split like a shell word list (so
``code --wait`` works) and run with an argument list, never through a shell."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from yqctl.errors import YqError

FALLBACKS = ("editor", "nano", "vi")


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """The editor to run, as an argument list."""
    for variable in ("VISUAL", "EDITOR"):
        value = environ.get(variable, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError as exc:
                raise YqError(f"环境变量 {variable}={value!r} 无法解析（{exc}）") from None
            if words:
                return words
    for name in FALLBACKS:
        found = shutil.which(name)
        if found:
            return [found]
    raise YqError("没有可用的文本编辑器：请设置环境变量 EDITOR，如 export EDITOR=nano")


def run_editor(command: list[str], path: Path) -> None:
    """Open ``path`` in the editor and wait for it; an editor that fails or exits non-zero
    (vim's ``:cq``) means the user gave up."""
    try:
        code = subprocess.run([*command, str(path)], check=False).returncode
    except OSError as exc:
        raise YqError(f"无法启动编辑器 {command[0]}（{exc.strerror or exc}）") from None
    if code != 0:
        raise YqError(f"编辑器 {Path(command[0]).name} 以退出码 {code} 结束：放弃编辑，案件未修改")
