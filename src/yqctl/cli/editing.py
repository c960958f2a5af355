"""One validated change to one case, committed: what ``act``, ``assign``, ``status``, ``close``,
``reopen``, ``set``, ``edit`` and ``evidence add`` share.

The repository lock is held from reading the case to committing it, so two commands on one case
never lose each other's change; the change is applied to the round-trip tree (comments and key
order kept), validated as the file will be, written atomically, and rolled back if the commit fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

    from yqctl.core.case import Case
    from yqctl.core.enums import Status
    from yqctl.core.grading import GradeResult
    from yqctl.store.repo import LoadedCase, Repo

Change = Callable[["CommentedMap", "Case"], None]


def commit_change(
    store: Repo,
    case_id: str,
    verb: str,
    change: Change,
    describe: Callable[[Case], str],
    *,
    no_commit: bool,
    author: str | None,
    before: Callable[[Callable[[str], None]], None] | None = None,
) -> LoadedCase:
    """Apply ``change`` to ``case_id`` under the lock and commit it as ``yqctl VERB ID: describe``.

    ``before`` runs under the lock before the case is changed, to write other files (evidence);
    it calls the function it is given with each one's repository path before writing it, so that
    the file is committed with the case, or removed again if the change fails.
    """

    def write(track: Callable[[str], None]) -> LoadedCase:
        if before is not None:
            before(track)
        return store.edit_case(case_id, change)

    return commit_write(store, case_id, verb, write, describe, no_commit=no_commit, author=author)


def commit_write(
    store: Repo,
    case_id: str,
    verb: str,
    write: Callable[[Callable[[str], None]], LoadedCase],
    describe: Callable[[Case], str],
    *,
    no_commit: bool,
    author: str | None,
) -> LoadedCase:
    """Run ``write`` under the lock with the case file tracked, and commit what it wrote (or roll
    it back if anything fails). ``write`` is given ``track`` for any other file it writes."""
    from yqctl.store.transaction import writing

    with writing(store.root, f"{verb} {case_id}", foreign_ok=no_commit) as transaction:
        transaction.track(store.relative(store.case_path(case_id)))
        loaded = write(transaction.track)
        if not no_commit:
            message = f"yqctl {verb} {loaded.case.id}: {describe(loaded.case)}"
            transaction.commit(message, author=author)
    return loaded


def append_to(tree: CommentedMap, key: str, item: Any, *, after: str) -> None:
    """Append to the list ``key`` (timeline, grading, evidence); the list is made, right after
    ``after`` in contract order, if the file has none."""
    from yqctl.store import roundtrip

    if not isinstance(tree.get(key), list):
        roundtrip.set_key(tree, key, [], after=after)
    roundtrip.append(tree[key], item)


def append_entry(tree: CommentedMap, item: dict[str, Any]) -> None:
    """Append a timeline entry."""
    append_to(tree, "timeline", item, after="status")


def set_status(tree: CommentedMap, status: Status) -> None:
    from yqctl.store import roundtrip

    if tree.get("status", "open") != status.value:
        roundtrip.set_key(tree, "status", status.value, after="grading")


def regrade_now(store: Repo, before: Case, after: Case) -> GradeResult | None:
    """What ``grade`` would give now, when the facts grading reads changed on a graded case."""
    from yqctl.core.grading import grade
    from yqctl.errors import YqError

    if after.level is None:
        return None
    if before.signals == after.signals and before.category == after.category:
        return None
    try:
        return grade(after, store.policy.policy)
    except YqError:
        return None  # no rule matched and no default: nothing to suggest


def regrade_text(store: Repo, case: Case, result: GradeResult) -> str:
    from yqctl.core.grading import current_major

    policy = store.policy.policy
    current = policy.level_name(case.level)
    major = current_major(case, policy)
    if result.level == case.level and result.major == major:
        return f"定级依据的信号已变；按策略仍为{result.level_name}（当前{current}），无需重新定级"
    if result.level == case.level:
        # 重大 counts only once a grading records when (core.arising): say so, and how
        change = "认定为重大舆情" if result.major else "不再认定为重大舆情"
        return (
            f"注意：按策略现应{change}（级别仍为{current}）。重大舆情的处置时限自定级记录之时起算："
            f"确认后运行 yqctl grade {case.id} 记录"
        )
    rules = "、".join(f"{r.id}（{r.clause}）" if r.clause else r.id for r in result.matched_rules)
    return (
        f"注意：级别可能变化——按策略现应定为{result.level_name}（当前{current}；命中：{rules}）。"
        f"确认后运行 yqctl grade {case.id} 重新定级"
    )
