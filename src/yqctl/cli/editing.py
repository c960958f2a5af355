"""One validated change to one case, committed: what ``act``, ``assign``, ``status``, ``close``,
``reopen``, ``set`` and ``evidence add`` share.

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
    from yqctl.store.transaction import writing

    with writing(store.root, f"{verb} {case_id}") as transaction:
        transaction.track(store.relative(store.case_path(case_id)))
        if before is not None:
            before(transaction.track)
        loaded = store.edit_case(case_id, change)
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
