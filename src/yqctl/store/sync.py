"""``yqctl sync``: fetch the shared remote, merge (cases by meaning), check, push; retry when
someone pushed in between. Local commits are never rewritten or dropped: a failed step leaves
them where they were and says what to do.

A merge that fails is aborted, except when every conflict is a case deleted on one side and
changed on the other: that needs a decision, so the merge waits for it (store/parted.py), and the
next sync, once every such case is decided, commits the merge and goes on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from yqctl.errors import YqError
from yqctl.store import parted
from yqctl.store.git import Git, GitFailed
from yqctl.store.gitsetup import register_driver
from yqctl.store.lock import repo_lock

PUSH_ATTEMPTS = 3  # a push refused because someone pushed first: fetch, merge and push again

# what git says (LC_ALL=C) → why
_UNREACHABLE = (
    "could not resolve host",
    "connection refused",
    "connection timed out",
    "network is unreachable",
    "failed to connect",
    "does not appear to be a git repository",
    "could not read from remote repository",
    "unable to access",
)
_AUTH = (
    "authentication failed",
    "could not read username",
    "could not read password",
    "permission denied",
    "terminal prompts disabled",
    "the requested url returned error: 401",
    "the requested url returned error: 403",
)
_REJECTED = ("[rejected]", "non-fast-forward", "fetch first", "[remote rejected] ")


@dataclass
class SyncResult:
    remote: str
    branch: str
    merged: str = "up-to-date"  # up-to-date | fast-forward | merge
    pushed: bool = False
    attempts: int = 0
    incoming: int = 0  # commits that came in
    outgoing: int = 0  # local commits that went out
    conflicted: list[str] = field(default_factory=list)  # cases with recorded conflicts


def sync(
    root: Path,
    *,
    remote: str | None,
    push: bool,
    check: Callable[[], list[str]],
) -> SyncResult:
    """``check`` validates the merged repository and returns what stops a push (problems other
    than recorded merge conflicts), and is called with the lock held."""
    git = Git(root)
    git.require_repo()
    branch = _branch(git)
    name = remote or _remote_of(git, branch)
    register_driver(git)  # this clone merges cases by meaning from now on
    result = SyncResult(name, branch)
    env = _no_prompt_env()
    with repo_lock(root, "sync"):
        waiting = parted.paused(git)
        if waiting is not None:
            parted.finish(git, waiting)  # the merge an earlier sync stopped, once decided
        _refuse_uncommitted(git)
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            result.attempts = attempt
            tracking = _fetch(git, name, branch, env)
            if tracking is not None:
                _merge(git, tracking, result)
            blocking = check()
            if blocking:
                raise YqError(
                    "合并后的检查发现问题，未推送（本地提交和合并都在）：\n"
                    + "\n".join(blocking)
                    + "\n修正后（yqctl check 查看）再运行 yqctl sync"
                )
            if not push or _push(git, name, branch, tracking, env, result):
                break
        else:
            raise YqError(
                f"推送 {PUSH_ATTEMPTS} 次都被拒绝（远程仓库一直有新的提交）：本地提交都在，稍后再运行 yqctl sync"
            )
    result.conflicted = _conflicted(git)
    return result


def _branch(git: Git) -> str:
    branch = git.run("symbolic-ref", "--short", "-q", "HEAD", check=False).strip()
    if not branch:
        raise YqError("当前不在任何分支上（detached HEAD）：先 git switch 到工作分支再 yqctl sync")
    return branch


def _remote_of(git: Git, branch: str) -> str:
    configured = git.config(f"branch.{branch}.remote")
    if configured:
        return configured
    remotes = git.run("remote").split()
    if len(remotes) == 1:
        return remotes[0]
    if "origin" in remotes:
        return "origin"
    if not remotes:
        raise YqError("没有配置远程仓库：先运行 git remote add origin <共享仓库地址>")
    raise YqError(f"有多个远程仓库（{'、'.join(remotes)}）：用 --remote 指定同步哪一个")


def _refuse_uncommitted(git: Git) -> None:
    changed = git.run("status", "--porcelain", "--untracked-files=no").splitlines()
    if changed:
        files = "、".join(line[3:] for line in changed[:5]) + ("等" if len(changed) > 5 else "")
        raise YqError(
            f"有未提交的改动（{files}）：先提交（git commit）或撤销，再 yqctl sync；"
            "yqctl 的命令写入后都会自动提交"
        )


def _no_prompt_env() -> dict[str, str]:
    # from cron or CI a password prompt would wait forever: fail and say so instead
    return {} if sys.stdin.isatty() else {"GIT_TERMINAL_PROMPT": "0", "GIT_SSH_COMMAND": _ssh()}


def _ssh() -> str:
    return os.environ.get("GIT_SSH_COMMAND") or "ssh -o BatchMode=yes"


def _fetch(git: Git, remote: str, branch: str, env: dict[str, str]) -> str | None:
    """Fetch the remote's branch; the ref it is kept under, or None if the remote has none yet."""
    tracking = f"refs/remotes/{remote}/{branch}"
    try:
        git.run("fetch", "--quiet", remote, f"+refs/heads/{branch}:{tracking}", env=env)
    except GitFailed as exc:
        if "couldn't find remote ref" in exc.stderr.lower():
            return None  # a new shared repository: the first push creates the branch
        raise YqError(_explain("拉取", remote, exc.stderr)) from None
    return tracking


def _merge(git: Git, tracking: str, result: SyncResult) -> None:
    head = git.head()
    incoming = _count(git, f"HEAD..{tracking}")
    if not incoming:
        return
    try:
        git.run("merge", "--no-edit", "--quiet", tracking, env=git.identity_env())
    except GitFailed as exc:
        stopped = parted.stop(git, tracking.removeprefix("refs/remotes/"))
        if stopped is not None:
            raise YqError(stopped) from None
        unmerged = git.run("diff", "--name-only", "--diff-filter=U").split()
        git.run("merge", "--abort", check=False)
        files = "、".join(unmerged) or "（见 git 的提示）"
        raise YqError(
            f"无法自动合并：{files}\n  {exc.stderr.splitlines()[0] if exc.stderr else ''}\n"
            "已撤销这次合并，本地提交都在。这些文件无法按字段合并（不是有效的案件文件？），"
            "请先修正（yqctl check 查看）并提交，再运行 yqctl sync"
        ) from None
    result.incoming += incoming
    result.merged = "fast-forward" if _count(git, f"{head}..HEAD") == incoming else "merge"


def _push(
    git: Git, remote: str, branch: str, tracking: str | None, env: dict[str, str], r: SyncResult
) -> bool:
    """Push; False if refused because the remote moved (fetch and merge again)."""
    outgoing = _count(git, f"{tracking}..HEAD") if tracking else _count(git, "HEAD")
    if not outgoing:
        return True
    args = ["push", "--quiet", remote, f"HEAD:refs/heads/{branch}"]
    if not git.config(f"branch.{branch}.remote"):
        args.insert(1, "--set-upstream")
    try:
        git.run(*args, env=env)
    except GitFailed as exc:
        if any(marker in exc.stderr.lower() for marker in _REJECTED) and "hook" not in exc.stderr:
            return False
        raise YqError(_explain("推送", remote, exc.stderr)) from None
    r.pushed, r.outgoing = True, outgoing
    return True


def _count(git: Git, revisions: str) -> int:
    return int(git.run("rev-list", "--count", revisions).strip() or 0)


def _explain(step: str, remote: str, stderr: str) -> str:
    said = stderr.lower()
    first = next((line for line in stderr.splitlines() if line.strip()), stderr).strip()
    if any(marker in said for marker in _AUTH):
        return (
            f"{step}失败：远程仓库 {remote} 拒绝了身份验证（{first}）。检查账号、访问令牌或 SSH 密钥"
            "（git remote -v 查看地址）；本地提交都在，修正后再运行 yqctl sync"
        )
    if any(marker in said for marker in _UNREACHABLE):
        return (
            f"{step}失败：连不上远程仓库 {remote}（{first}）。检查网络和远程地址（git remote -v）；"
            "本地提交都在，联网后再运行 yqctl sync"
        )
    return f"{step}失败：{first}\n本地提交都在；按 git 的提示处理后再运行 yqctl sync"


def _conflicted(git: Git) -> list[str]:
    """Case files that record unresolved merge conflicts (a quick text search; check confirms)."""
    out = git.run("grep", "-l", "-e", "^conflicts:", "--", "cases/", check=False)
    return sorted(line.strip() for line in out.splitlines() if line.strip())
