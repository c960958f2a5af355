"""What git already knows about the case files, so that the case index need not stat each one.

Checking 100,000 files from Python costs ~0.6 s (one ``lstat`` call each); git does the same check
in C in ~0.15 s, with its own answer to the racy-clean problem (a file changed in the same tick as
the index is compared by content). Two read-only commands (:mod:`yqctl.store.gitproc` runs them),
at once and alongside the caller's own work:

- ``ls-files -s -v``: each tracked path with the object id of its staged content, and a tag that
  says whether git checks the file at all (``assume-unchanged`` and ``skip-worktree`` entries it
  does not);
- ``diff-files``: the tracked paths whose file differs from the staged content (or is gone).

A path tagged ``H`` that ``diff-files`` does not name holds exactly its staged object, so an index
entry read from bytes with that object id is fresh. Every other file is checked by its stat, as
without git.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

# Variables that point git at another index or repository: then .git/index is not the one
_ELSEWHERE = ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_COMMON_DIR")


@dataclass
class Staged:
    """``ls-files -s -v -z`` output: "<tag> <mode> <oid> <stage>\\t<path>\\0" …"""

    raw: bytes

    def fingerprint(self) -> str:
        """A hash of the listing: equal means every tracked path, object id and tag is too."""
        return hashlib.sha1(self.raw, usedforsecurity=False).hexdigest()

    def oids(self) -> dict[str, str]:
        """The paths git checks, with their object ids. Left out: what git does not check
        (assume-unchanged, skip-worktree: ``diff-files`` is silent on them) and a merge
        conflict's stages; the caller checks those by their stat."""
        checked: dict[str, str] = {}
        for record in self.raw.split(b"\0"):
            head, _, path = record.partition(b"\t")
            parts = head.split(b" ")
            if len(parts) == 4 and parts[0] == b"H" and parts[3] == b"0":
                checked[os.fsdecode(path)] = parts[2].decode("ascii")
        return checked


def paths(output: bytes) -> set[str]:
    return {os.fsdecode(path) for path in output.split(b"\0") if path}


def index_file(root: Path) -> Path | None:
    """The git index file that commands in ``root`` read: ``root/.git/index`` for a plain
    repository whose top is ``root``; None when git may read another (a worktree, a submodule,
    ``GIT_INDEX_FILE``…)."""
    if any(name in os.environ for name in _ELSEWHERE):
        return None
    folder = root / ".git"
    return folder / "index" if folder.is_dir() and not folder.is_symlink() else None


def blob_id(raw: bytes) -> str:
    """The (sha1) git object id of a file holding ``raw``. In a sha256 repository it never
    matches, and every file is checked by its stat instead: slower, still right."""
    digest = hashlib.sha1(b"blob %d\0" % len(raw), usedforsecurity=False)
    digest.update(raw)
    return digest.hexdigest()
