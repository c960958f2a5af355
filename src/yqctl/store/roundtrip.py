"""Round-trip YAML for the one file being edited: the user's comments, key order and quoting survive.

Only ever called on text that ``yamlio`` has already accepted (no tags, anchors or aliases), so the
round-trip loader never constructs anything but maps, lists and scalars.
"""

from __future__ import annotations

import io
import sys
from datetime import datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

# YAML 1.1 (libyaml) also breaks lines at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR: pasted
# from a web page into a title, a raw NEL would be read back as a space
_OTHER_LINE_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_datetime(representer: RoundTripRepresenter, value: datetime) -> Any:
    # ISO 8601 with a "T", as the contract writes times, not the space ruamel uses by default
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # never fold a long line: a folded plain scalar loses the double spaces at the fold, and a
    # title of thousands of characters is still one line to its author
    yaml.width = sys.maxsize
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(datetime, _represent_datetime)
    # the same object used twice must be written twice, not as an anchor our reader refuses
    yaml.representer.ignore_aliases = lambda _data: True
    return yaml


def load(text: str) -> CommentedMap:
    data = _yaml().load(text)
    assert isinstance(data, CommentedMap)
    return data


def dump(data: CommentedMap) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def to_node(value: Any) -> Any:
    """Plain Python data → ruamel nodes; multi-line text becomes a ``|`` block."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = to_node(item)
        return node
    if isinstance(value, list):
        return CommentedSeq(to_node(item) for item in value)
    if not isinstance(value, str):
        return value
    if "\n" in value and not value.endswith("\n"):
        value += "\n"  # a block of text ends with a line break, however it is written
    if any(ch in value for ch in _OTHER_LINE_BREAKS):
        return DoubleQuotedScalarString(value)  # escaped: written raw, they would be line breaks
    if "\n" in value and value.lstrip("\n").startswith("\t"):
        # a `|` block takes its indentation from its first line: a Tab there cannot be read back
        return DoubleQuotedScalarString(value)
    return LiteralScalarString(value) if "\n" in value else value


def append(seq: CommentedSeq, value: Any) -> None:
    """Append to a list, keeping the comment that follows the list after the new item.

    ruamel attaches a comment that stands between a list and the next key to the list's last
    item; appended naively, the new item would land below that comment (under the next key's
    explanation). Move the trailing comment to the new last item.
    """
    trailing = _detach_trailing_comment(seq[-1]) if len(seq) else None
    node = to_node(value)
    seq.append(node)
    if trailing is not None and isinstance(node, CommentedMap) and len(node):
        node.ca.items[list(node.keys())[-1]] = [None, None, trailing, None]


def _detach_trailing_comment(item: Any) -> CommentToken | None:
    """Take the full-line comments that follow ``item`` off it (its end-of-line comment stays)."""
    if isinstance(item, CommentedSeq):
        return _detach_trailing_comment(item[-1]) if len(item) else None
    if not isinstance(item, CommentedMap) or not len(item):
        return None
    last = list(item.keys())[-1]
    if isinstance(item[last], CommentedMap | CommentedSeq) and len(item[last]):
        return _detach_trailing_comment(item[last])
    tokens = item.ca.items.get(last)
    if not tokens or len(tokens) < 3 or tokens[2] is None:
        return None
    token: CommentToken = tokens[2]
    end_of_line, _, following = token.value.partition("\n")
    if not following.strip():
        return None
    if end_of_line.strip():
        token.value = end_of_line + "\n"
    else:
        tokens[2] = None
    return CommentToken("\n" + following, token.start_mark)


def set_key(node: CommentedMap, key: str, value: Any, *, after: str | None = None) -> None:
    """Set ``key``; a new key goes right after ``after`` (contract order) rather than at the end."""
    if key in node or after is None or after not in node:
        node[key] = to_node(value)
        return
    node.insert(list(node.keys()).index(after) + 1, key, to_node(value))


def plain(node: Any) -> Any:
    """A round-trip tree as plain data (dict, list, str, int, float, bool, None, datetime)."""
    if isinstance(node, dict):
        return {str(key): plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(item) for item in node]
    if isinstance(node, bool) or node is None or isinstance(node, datetime):
        return node
    for kind in (str, int, float):  # ruamel's scalar types subclass these
        if isinstance(node, kind):
            return kind(node)
    return node


def sync(node: CommentedMap, data: dict[str, Any], order: tuple[str, ...] = ()) -> None:
    """Make ``node`` equal ``data`` while keeping every part (and its comments) that already
    equals it. A new key goes where ``order`` (else ``data``'s own order) puts it."""
    for key in [k for k in node if k not in data]:
        del node[key]
    for key, value in data.items():
        if key not in node:
            set_key(node, key, value, after=_previous_present(node, key, order or tuple(data)))
            continue
        current = node[key]
        if plain(current) == value:
            continue
        if isinstance(current, CommentedMap) and isinstance(value, dict):
            sync(current, value)
        elif isinstance(current, CommentedSeq) and isinstance(value, list):
            _sync_list(current, value)
        else:
            node[key] = to_node(value)


def _previous_present(node: CommentedMap, key: str, order: tuple[str, ...]) -> str | None:
    if key not in order:
        return None
    earlier = [k for k in order[: order.index(key)] if k in node]
    return earlier[-1] if earlier else None


def _sync_list(seq: CommentedSeq, wanted: list[Any]) -> None:
    """Keep the items that stay (in their order, with their comments); remove and insert the
    rest. If the items that stay would have to change order, the list is written anew."""
    current = [plain(item) for item in seq]
    keep = _kept_positions(current, wanted)
    if keep is None:
        seq[:] = [to_node(item) for item in wanted]
        return
    for index in sorted(set(range(len(current))) - set(keep.values()), reverse=True):
        del seq[index]
    position = 0  # where the next wanted item goes in seq
    for i, item in enumerate(wanted):
        if i in keep:
            position += 1
            continue
        if position == len(seq):
            append(seq, item)
        else:
            seq.insert(position, to_node(item))
        position += 1


def _kept_positions(current: list[Any], wanted: list[Any]) -> dict[int, int] | None:
    """For each wanted item that equals an unused current one: wanted index → current index,
    matched in order; None if the matches would cross (the stayers would change order)."""
    keep: dict[int, int] = {}
    used: set[int] = set()
    last = -1
    for i, item in enumerate(wanted):
        match = next((j for j, old in enumerate(current) if j not in used and old == item), None)
        if match is None:
            continue
        if match < last:
            return None
        keep[i], last = match, match
        used.add(match)
    return keep


def set_path(tree: CommentedMap, path: tuple[str | int, ...], value: Any) -> None:
    """Set the value at ``path`` (keys and list indexes); None removes a mapping's key."""
    *parents, last = path
    node: Any = tree
    for part in parents:
        node = node[part]
    if value is None and isinstance(node, CommentedMap):
        node.pop(last, None)
    elif isinstance(node, CommentedMap) and isinstance(last, str):
        set_key(node, last, value)
    else:
        node[last] = to_node(value)
