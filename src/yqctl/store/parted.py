"""A case one office deleted while another changed it: git's modify/delete conflict, which no merge
by meaning can settle (one side has nothing to merge) and which someone has to decide.

``sync`` does not abort such a merge: it stops with the merge in progress (every other file merged
and staged, the changed version of the case in the work tree), names each case, who deleted it and
who changed it meanwhile (from git log), and says how to settle it: ``yqctl resolve ID --keep``
(or ``git add``) keeps the changed version, ``--delete`` (or ``git rm``) accepts the deletion.
``resolve`` does it under the repository lock and, once every such case is decided, commits the
merge with a message saying what was decided; a merge settled with plain git is committed by the
next ``sync``. Either way the next ``sync`` pushes. Until then git refuses other commits (``cannot
do a partial commit during a merge``), so nothing can be committed on top of a half merge, and
``check`` names each undecided case.

The merge ``sync`` stopped is known by the message it leaves in ``MERGE_MSG`` (which a plain
``git commit`` then offers): a merge somebody started by hand is theirs to finish. Only case files
are handled so; a case file renamed by hand, or any other conflict, makes ``sync`` abort the merge
as before (yqctl never renames a case file: its name is its id).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yqctl.core.case import ID_RE
from yqctl.errors import YqError
from yqctl.layout import CASES_DIR
from yqctl.store.git import Git, GitFailed
from yqctl.store.lock import repo_lock
from yqctl.textutil import shortened

MARK = "yqctl sync: 合并 "  # the first line of MERGE_MSG while sync's merge waits
_LOG_FORMAT = "--format=%h%x1f%an%x1f%aI%x1f%s"
_SHOWN_CHANGES = 3


@dataclass(frozen=True)
class Parted:
    """One case deleted on one side of the merge and changed on the other."""

    path: str  # relative to the repository, like cases/2026/YQ-20261124-0001.yaml
    case_id: str
    deleted_here: bool  # deleted in this clone and changed on the remote, or the reverse
    deletion: str  # who deleted it: author, time, subject, commit
    changes: list[str]  # who changed it meanwhile, newest first
    settled: bool  # decided already (git add / git rm), waiting for the other cases

    @property
    def sides(self) -> str:
        return "本地删除、远程修改" if self.deleted_here else "本地修改、远程删除"


@dataclass(frozen=True)
class Settled:
    merged: bool  # the merge was committed: this was the last case to decide
    pending: list[str]  # the cases still to decide


def paused(git: Git) -> str | None:
    """The upstream (``origin/main``) of the merge ``sync`` stopped; None when no merge is in
    progress. A merge somebody started by hand is refused: it is theirs to finish."""
    if not git.run("rev-parse", "-q", "--verify", "MERGE_HEAD", check=False).strip():
        return None
    try:
        first = _merge_message(git).read_text("utf-8", errors="replace").split("\n", 1)[0]
    except OSError:
        first = ""
    if not first.startswith(MARK):
        raise YqError(
            "正在进行一次不是 yqctl sync 开始的 git 合并：先完成（解决冲突后 git commit）"
            "或放弃（git merge --abort），再运行 yqctl"
        )
    return first.removeprefix(MARK).strip()


def stop(git: Git, upstream: str) -> str | None:
    """After a merge of ``upstream`` failed: if every conflict is a case deleted on one side and
    changed on the other, leave the merge waiting for decisions and return what to tell the user;
    otherwise None (the caller aborts the merge)."""
    left = _unmerged(git)
    parted = parted_cases(git)
    if not left or not left <= {p.path for p in parted}:
        return None
    _merge_message(git).write_text(f"{MARK}{upstream}\n", "utf-8")
    return report(parted)


def finish(git: Git, upstream: str) -> None:
    """Commit the merge ``sync`` stopped once every case in it is decided (with plain git);
    while one is not, say again what there is to decide."""
    parted = parted_cases(git)
    left = _unmerged(git)
    other = sorted(left - {p.path for p in parted})
    if other:
        raise YqError(
            f"合并中还有其他未解决的冲突（{'、'.join(other)}）：按 git status 的提示处理，"
            "或放弃这次合并（git merge --abort），再运行 yqctl sync"
        )
    if left:
        raise YqError(report(parted))
    decided = "；".join(_decision(git, p) for p in parted)
    _commit(git, f"yqctl sync: 完成与 {upstream} 的合并" + (f"：{decided}" if decided else ""))


def settle(root: Path, case_id: str, *, keep: bool) -> Settled:
    """``resolve ID --keep|--delete``: decide one case of the merge ``sync`` stopped, and commit
    the merge when it was the last. Under the repository lock, like every write."""
    git = Git(root)
    with repo_lock(root, f"resolve {case_id}"):
        upstream = paused(git)
        if upstream is None:
            raise YqError(
                "--keep/--delete 用于同步时一方删除、另一方修改的案件，现在没有等待处理的同步合并"
            )
        parted = {p.case_id: p for p in parted_cases(git)}
        found = parted.get(case_id)
        if found is None or found.settled:
            waiting = "、".join(p.case_id for p in parted.values() if not p.settled) or "无"
            raise YqError(f"{case_id} 不是等待决定的删除/修改冲突；等待决定的：{waiting}")
        if keep:
            if not (root / found.path).exists():  # removed by hand meanwhile: the changed version
                side = "--theirs" if found.deleted_here else "--ours"
                git.run("checkout", side, "--", found.path)
            git.run("add", "--", found.path)
        else:
            git.run("rm", "-q", "--force", "--", found.path)
        pending = [p.case_id for p in parted_cases(git) if not p.settled]
        merged = not pending and not _unmerged(git)
        if merged:
            decision = _decision(git, found)
            others = [_decision(git, p) for p in parted.values() if p.case_id != case_id]
            body = "\n\n" + "\n".join([decision, *others]) if others else ""
            _commit(git, f"yqctl resolve {case_id}: {decision}，完成与 {upstream} 的合并{body}")
    return Settled(merged, pending)


def parted_cases(git: Git) -> list[Parted]:
    """The case files deleted on one side of the merge in progress and changed on the other
    (decided or not), from what each side did since their common ancestor."""
    base = git.run("merge-base", "HEAD", "MERGE_HEAD").strip()
    here, there = (_changes(git, base, side) for side in ("HEAD", "MERGE_HEAD"))
    left = _unmerged(git)
    found = []
    for path in sorted(here.keys() | there.keys()):
        kinds = here.get(path, ""), there.get(path, "")
        if kinds not in (("D", "M"), ("M", "D")) or not _is_case_file(path):
            continue
        deleted_here = kinds[0] == "D"
        deleter, changer = ("HEAD", "MERGE_HEAD") if deleted_here else ("MERGE_HEAD", "HEAD")
        deletion = _log(git, base, deleter, path, "-1", "--diff-filter=D")
        changes = _log(git, base, changer, path)
        found.append(
            Parted(
                path=path,
                case_id=path.rsplit("/", 1)[-1].removesuffix(".yaml"),
                deleted_here=deleted_here,
                deletion=deletion[0] if deletion else "（未找到删除它的提交）",
                changes=changes,
                settled=path not in left,
            )
        )
    return found


def undecided(git: Git) -> list[Parted]:
    """The cases the merge ``sync`` stopped still waits on (none when no such merge is on)."""
    try:
        upstream = paused(git)
    except YqError:
        return []  # somebody's own merge: not ours to report
    return [p for p in parted_cases(git) if not p.settled] if upstream is not None else []


def report(parted: list[Parted]) -> str:
    lines = ["同步暂停：以下案件一方删除、另一方修改，无法自动合并，需要决定保留修改还是接受删除："]
    for case in (p for p in parted if not p.settled):
        here, there = ("本地", "远程") if case.deleted_here else ("远程", "本地")
        shown = case.changes[:_SHOWN_CHANGES]
        more = len(case.changes) - len(shown)
        lines.append(f"  {case.case_id}（{case.path}）")
        lines.append(f"    {here}删除：{case.deletion}")
        lines.append(f"    {there}修改：{'；'.join(shown) or '（未找到）'}")
        if more:
            lines.append(f"      另有 {more} 个修改它的提交（git log -- {case.path} 查看）")
        lines.append(f"    保留修改：yqctl resolve {case.case_id} --keep（或 git add {case.path}）")
        lines.append(
            f"    接受删除：yqctl resolve {case.case_id} --delete（或 git rm {case.path}）"
        )
    lines.append(
        "每个案件二选一，然后运行 yqctl sync 完成合并并推送。合并停在进行中："
        "其他文件已合并、尚未提交，决定之前 yqctl 的写入命令无法提交"
    )
    return "\n".join(lines)


def _decision(git: Git, case: Parted) -> str:
    kept = bool(git.run("ls-files", "--", case.path).strip())
    return f"{case.case_id} {'保留修改' if kept else '接受删除'}（{case.sides}）"


def _commit(git: Git, message: str) -> None:
    try:
        git.run("commit", "-q", "-m", message, env=git.identity_env())
    except GitFailed as exc:  # a hook refused it: the decisions stay staged
        raise YqError(
            f"合并提交失败：{exc.stderr.strip()}\n决定已记在暂存区；处理后再运行 yqctl sync 完成合并"
        ) from None


def _merge_message(git: Git) -> Path:
    return git.root / git.run("rev-parse", "--git-path", "MERGE_MSG").strip()


def _unmerged(git: Git) -> set[str]:
    out = git.run("ls-files", "-u", "-z", "--", ".")
    return {record.split("\t", 1)[1] for record in out.split("\0") if "\t" in record}


def _changes(git: Git, base: str, side: str) -> dict[str, str]:
    """Path → what ``side`` did to it since ``base`` (A, M or D; renames as D and A)."""
    out = git.run(
        "diff", "--name-status", "--no-renames", "--relative", "-z", base, side, "--", CASES_DIR
    )
    fields = out.split("\0")
    return {path: kind[:1] for kind, path in zip(fields[::2], fields[1::2], strict=False) if path}


def _log(git: Git, base: str, side: str, path: str, *extra: str) -> list[str]:
    out = git.run("log", *extra, _LOG_FORMAT, f"{base}..{side}", "--", path, check=False)
    commits = []
    for line in out.splitlines():
        sha, author, when, subject = [*line.split("\x1f", 3), "", "", ""][:4]
        commits.append(
            f"{_visible(author)}，{when[:16].replace('T', ' ')}，“{_visible(subject)}”（{sha}）"
        )
    return commits


def _visible(text: str) -> str:
    """A name or subject another clone wrote, to print: no control character reaches the terminal."""
    return shortened("".join(ch if ch.isprintable() else "?" for ch in text), 80)


def _is_case_file(path: str) -> bool:
    parts = path.split("/")
    return (
        len(parts) == 3
        and parts[0] == CASES_DIR
        and parts[2].endswith(".yaml")
        and ID_RE.fullmatch(parts[2].removesuffix(".yaml")) is not None
    )
