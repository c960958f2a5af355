"""Registering yqctl's merge driver with git, so that clones merge cases by their meaning.

Two halves: ``.gitattributes`` (committed, shared by every clone) says which files use the
``yqctl`` driver; each clone's own ``.git/config`` says how to run it. A clone without the
second half still merges, line by line, as git always has: ``yqctl init --hooks`` (and
``yqctl sync``, every time) adds it.
"""

from __future__ import annotations

import shlex
import sys

from yqctl.store.git import Git

DRIVER = "yqctl"
ATTRIBUTES_FILE = ".gitattributes"  # committed: every clone shares it
ATTRIBUTE = f"cases/**/*.yaml merge={DRIVER}"
ATTRIBUTES_COMMENT = "# yqctl：案件文件按字段合并（时间线取并集），由 yqctl merge-driver 完成"


def driver_command() -> str:
    """How git runs the driver: this very interpreter, so it works outside the virtualenv too.

    git runs it through the shell with ``%O %A %B %P`` replaced by file names it quotes itself.
    """
    return f"{shlex.quote(sys.executable)} -m yqctl merge-driver %O %A %B %P"


def register_driver(git: Git) -> bool:
    """Point this clone's git config at the driver; True if that changed anything."""
    command = driver_command()
    if git.config(f"merge.{DRIVER}.driver") == command:
        return False
    git.run("config", f"merge.{DRIVER}.name", "yqctl 案件合并（时间线取并集，冲突记入 conflicts）")
    git.run("config", f"merge.{DRIVER}.driver", command)
    return True


def attributes_text(current: str) -> str | None:
    """``.gitattributes`` with the driver's line added, or None if it is there already."""
    lines = current.splitlines()
    if ATTRIBUTE in (line.strip() for line in lines):
        return None
    head = current if not current or current.endswith("\n") else current + "\n"
    return f"{head}{ATTRIBUTES_COMMENT}\n{ATTRIBUTE}\n"
