"""Run ``yqctl ARGS`` and SIGKILL it at an exact point (helper of test_journal.py).

``python kill_driver.py POINT N -- ARGS…`` kills the process

- ``write``: as the N-th ``atomic_write`` of the run is about to start (N-1 files written);
- ``git``: as git is asked to run its N-th command whose first argument is ``commit`` (by then
  ``git add`` has staged the files);
- ``journal``: as the N-th journal is deleted (the commit is made, the journal not yet gone).

The patch is made before yqctl's modules import the patched names, so every use sees it. What
happens up to the kill is the real command on the real repository and git.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from yqctl.store import files, git, journal


def kill_at(owner: Any, name: str, count: int, when: Any = None) -> None:
    real = getattr(owner, name)
    seen = 0

    def dying(*args: Any, **kwargs: Any) -> Any:
        nonlocal seen
        if when is None or when(*args):
            seen += 1
            if seen == count:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    setattr(owner, name, dying)


def main() -> None:
    point, count, separator, *args = sys.argv[1:]
    assert separator == "--"
    if point == "write":
        kill_at(files, "atomic_write", int(count))
    elif point == "git":
        kill_at(git.Git, "run", int(count), when=lambda _self, *a: "commit" in a[:2])
    elif point == "journal":
        kill_at(journal.Journal, "close", int(count))
    from yqctl.cli.launch import main as run

    sys.argv = ["yqctl", *args]
    run()


if __name__ == "__main__":
    main()
