"""The ``yqctl`` console entry point: before importing the application, start git's check of
the case files for the commands that read every case.

At 100,000 cases ``git diff-files`` (one lstat per file, in C) takes ~0.12 s; started here, in the
first milliseconds, it runs while Python imports typer and the command's modules and queries the
case index, instead of after. It is only a head start: the case index takes it for the same
repository (:func:`yqctl.store.gitview.dirty_check`), and anything unclear here (a help request,
an unknown option, no repository) just means no head start.
"""

import os
import sys
from pathlib import Path

# The commands that read every case through the case index (read-only ones: nothing they write
# can race the check)
READERS = frozenset({"due", "list", "report", "stats"})


def main() -> None:
    from yqctl.store import gitview

    root = reader_root(sys.argv[1:], os.environ.get("YQCTL_REPO"))
    if root is not None:
        from yqctl.store.repo import CASES_DIR

        gitview.check_early(root, CASES_DIR)
    try:
        from yqctl.cli.main import main as run

        run()
    finally:
        gitview.stop_early()  # one the command did not take (it failed before reading cases)


def reader_root(args: list[str], env_repo: str | None) -> Path | None:
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
    from yqctl.store.repo import root_above

    try:
        here = Path(repo).resolve() if repo else Path.cwd().resolve()
    except OSError:
        return None
    return root_above(here) if here.is_dir() else None
