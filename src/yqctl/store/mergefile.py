"""Merging two versions of a case file (the git merge driver): by meaning, keeping comments.

The merge itself is :mod:`yqctl.core.merge`; here the three texts are read safely (the reader
that refuses tags, aliases and bombs goes first, then the round-trip reader) and the local
version's own tree is brought to the merged data, so that its comments, key order and quoting
survive; only what changed is written anew.
"""

from __future__ import annotations

from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap

from yqctl.core.merge import CONFLICTS, Conflict, merge_case
from yqctl.store import roundtrip, yamlio
from yqctl.store.casefile import FIELD_COMMENTS, KEY_ORDER


@dataclass(frozen=True)
class FileMerge:
    text: str
    conflicts: list[Conflict]  # found by this merge (the file may hold earlier ones too)


def merge_texts(base: str | None, ours: str, theirs: str, display: str) -> FileMerge:
    """The merged text; raises ``YqError`` (located) if a version is not a readable case map."""
    trees = [_tree(text, display) for text in (base, ours, theirs)]
    base_tree, ours_tree, theirs_tree = trees
    assert ours_tree is not None and theirs_tree is not None
    had_conflicts = CONFLICTS in ours_tree
    merged = merge_case(
        roundtrip.plain(base_tree) if base_tree is not None else None,
        roundtrip.plain(ours_tree),
        roundtrip.plain(theirs_tree),
    )
    roundtrip.sync(ours_tree, merged.data, KEY_ORDER)
    if CONFLICTS in ours_tree and not had_conflicts:
        # on the key's own line, so that it goes with the key when `resolve` removes it
        ours_tree.yaml_add_eol_comment(FIELD_COMMENTS[CONFLICTS], CONFLICTS, column=12)
    return FileMerge(roundtrip.dump(ours_tree), merged.conflicts)


def _tree(text: str | None, display: str) -> CommentedMap | None:
    if text is None or not text.strip():
        return None  # no common ancestor: both sides added the file
    # the safe reader first: it refuses what the round-trip reader must never see
    yamlio.parse(text, display).mapping()
    return roundtrip.load(text)
