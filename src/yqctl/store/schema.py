"""The JSON Schema of the case file, for editors: with the ``yaml-language-server`` line that
``yqctl new`` writes at the top of each case, VS Code and other editors complete and check fields.

Generated from the same pydantic model that validates cases, with the Chinese explanation of
every field (the comments ``yqctl new`` writes) as descriptions.
"""

from __future__ import annotations

import json
from typing import Any

from yqctl.core.case import ID_RE, Case
from yqctl.core.enums import LABELS, NOUNS
from yqctl.store.casefile import FIELD_COMMENTS, SCHEMA_FILE, SIGNAL_COMMENTS

__all__ = ["SCHEMA_FILE", "case_schema", "schema_text"]


def case_schema() -> dict[str, Any]:
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "yqctl 舆情案件文件"
    _describe(schema["properties"], FIELD_COMMENTS)
    schema["properties"]["id"]["pattern"] = ID_RE.pattern
    definitions = schema["$defs"]
    _describe(definitions["Signals"]["properties"], SIGNAL_COMMENTS)
    for enum, noun in NOUNS.items():
        if enum.__name__ not in definitions:
            continue  # an enumeration of another file (a policy's forms), not of the case
        labels = LABELS[enum]
        definitions[enum.__name__]["description"] = f"{noun}：" + "；".join(
            f"{value} {meaning}" for value, meaning in labels.items()
        )
    return schema


def schema_text() -> str:
    return json.dumps(case_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _describe(properties: dict[str, Any], comments: dict[str, str]) -> None:
    for key, comment in comments.items():
        if key in properties:
            properties[key]["description"] = comment
