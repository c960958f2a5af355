"""Ids, hashes, links and durations are matched whole (issue 18 item 11): a pattern
ending in ``$`` also matches just before a final newline, so ``re.match`` let "…\\n" through."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from yqctl.core.case import EvidenceItem, Source, check_case_id
from yqctl.core.durations import DurationError, parse_duration

SHA = "0" * 64


def test_case_id_with_a_final_newline_is_refused() -> None:
    assert check_case_id("YQ-20261124-7KQ2") == "YQ-20261124-7KQ2"
    with pytest.raises(ValueError, match="格式不对"):
        check_case_id("YQ-20261124-7KQ2\n")


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Source, {"platform": "weibo", "url": "https://weibo.com/1/AbC\n"}),
        (Source, {"platform": "weibo", "sha256": SHA + "\n"}),
        (
            EvidenceItem,
            {
                "path": "evidence/x.png",
                "sha256": SHA + "\n",
                "size": 1,
                "media_type": "image/png",
                "captured_at": "2026-11-24T09:30:00+08:00",
            },
        ),
    ],
    ids=["source-url", "source-sha256", "evidence-sha256"],
)
def test_link_and_hash_with_a_final_newline_are_refused(model: Any, fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(fields)


@pytest.mark.parametrize("text", ["2h\n", "90m\n", "3wd\n"])
def test_duration_with_a_final_newline_is_refused(text: str) -> None:
    assert parse_duration(text.strip()).text == text.strip()
    with pytest.raises(DurationError):
        parse_duration(text)
