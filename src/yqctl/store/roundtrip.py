"""Round-trip YAML for the one file being edited: the user's comments, key order and quoting survive.

Only ever called on text that ``yamlio`` has already accepted (no tags, anchors or aliases), so the
round-trip loader never constructs anything but maps, lists and scalars.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import LiteralScalarString


def _represent_datetime(representer: RoundTripRepresenter, value: datetime) -> Any:
    # ISO 8601 with a "T", as the contract writes times, not the space ruamel uses by default
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a user's long Chinese lines
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
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value if value.endswith("\n") else value + "\n")
    return value


def set_key(node: CommentedMap, key: str, value: Any, *, after: str | None = None) -> None:
    """Set ``key``; a new key goes right after ``after`` (contract order) rather than at the end."""
    if key in node or after is None or after not in node:
        node[key] = to_node(value)
        return
    node.insert(list(node.keys()).index(after) + 1, key, to_node(value))
