"""The ``yqctl`` console entry point: before importing the application, start git's check of
the case files for the commands that read every case.

At 100,000 cases ``git diff-files`` (one lstat per file, in C) takes ~0.17 s of CPU; started here,
in the first milliseconds and with nothing imported but ``os`` (:mod:`yqctl.layout`,
:mod:`yqctl.store.gitproc`), it runs while Python imports typer and the command's modules and
queries the case index, instead of after. It is only a head start: the case index takes it for
the same repository (:func:`yqctl.store.gitproc.dirty_check`), and anything unclear here (a help
request, an unknown option, no repository) just means no head start.
"""

import os
import sys

from yqctl.layout import CASES_DIR, find_root
from yqctl.store import gitproc

# The commands that read every case through the case index (read-only ones: nothing they write
# can race the check)
READERS = frozenset({"due", "list", "report", "stats"})


def main() -> None:
    root = reader_root(sys.argv[1:], os.environ.get("YQCTL_REPO"))
    if root is not None:
        gitproc.check_early(root, CASES_DIR)
    try:
        from yqctl.cli.main import main as run

        run()
    finally:
        gitproc.stop_early()  # one the command did not take (it failed before reading cases)


def reader_root(args: list[str], env_repo: str | None) -> str | None:
    """The repository a reading command will open, as ``Repo.find`` would find it; None for
    any other command, a help request, or when unsure."""
    if not args or args[0] not in READERS or "-h" in args or "--help" in args:
        return None
    repo = env_repo
    for i, arg in enumerate(args):
        if arg == "--repo":
            if i + 1 == len(args):
                return None  # a usage error is coming
            repo = args[i + 1]
        elif arg.startswith("--repo="):
            repo = arg.removeprefix("--repo=")
    try:
        here = os.path.realpath(repo or os.getcwd())
    except OSError:  # the current folder was removed
        return None
    return find_root(here) if os.path.isdir(here) else None
