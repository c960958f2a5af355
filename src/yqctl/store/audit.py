"""A case's audit trail, read back from git: who changed which fields, when, with what message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yqctl.core.diff import Change, diff
from yqctl.errors import YqError
from yqctl.store import yamlio
from yqctl.store.git import Commit, Git
from yqctl.store.repo import Repo


@dataclass(frozen=True)
class Revision:
    commit: Commit
    changes: list[Change]
    readable: bool  # False when that version of the file could not be parsed
    created: bool = False  # the commit that added the file: listed as one line, not field by field


def case_history(repo: Repo, case_id: str) -> list[Revision]:
    relative = repo.relative(repo.case_path(case_id))
    git = Git(repo.root)
    git.require_repo()
    commits = git.log(relative)
    if not commits:
        raise YqError(f"案件 {case_id} 在 git 历史中没有记录（{relative} 尚未提交？）")
    revisions: list[Revision] = []
    previous: Any = {}
    for commit in commits:
        blob = git.show(commit.sha, relative)
        data = _parse(blob, relative)
        if data is None:
            revisions.append(Revision(commit, [], readable=False))
            continue
        if previous == {}:
            revisions.append(Revision(commit, [], readable=True, created=True))
        else:
            revisions.append(Revision(commit, diff(previous, data), readable=True))
        previous = data
    return revisions


def _parse(blob: bytes | None, display: str) -> Any:
    if blob is None:
        return None
    try:
        return yamlio.parse(yamlio.decode(blob, display), display).data
    except YqError:
        return None
