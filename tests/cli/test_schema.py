"""``yqctl schema`` and the editors' schema line: editors complete and check what yqctl accepts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import NOW, Runner
from yqctl.store import yamlio

pytestmark = pytest.mark.usefixtures("git_available")


def test_every_demo_case_fits_the_schema_and_a_wrong_value_does_not(
    demo_repo: Path, yq: Runner
) -> None:
    result = yq("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    cases = sorted(demo_repo.glob("cases/*/*.yaml"))
    assert cases
    for path in cases:
        data = yamlio.load(path, path.name).mapping()
        assert not list(validator.iter_errors(data)), path.name
        wrong = {**data, "category": "rumour"}
        assert list(validator.iter_errors(wrong))
        assert list(validator.iter_errors({**data, "titel": "拼错的键"}))  # unknown keys too
    described = schema["properties"]["unit"]["description"]
    assert "org.yaml" in described  # the field's Chinese explanation


def test_init_writes_the_schema_and_new_points_each_case_at_it(repo: Path, yq: Runner) -> None:
    assert (repo / "case.schema.json").read_text("utf-8") == yq("schema").out
    made = yq("new", "--repo", str(repo), "--now", NOW, "--title", "标题", "--unit", "后勤处",
              "--category", "inquiry", "--json")  # fmt: skip
    path = repo / made.json()["path"]
    first = path.read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../case.schema.json"
    assert (path.parent / "../../case.schema.json").resolve() == repo / "case.schema.json"
    assert yq("check", "--repo", str(repo), "--now", NOW, "--json").json()["problems"] == []


def test_check_says_when_the_schema_is_missing_or_out_of_date(repo: Path, yq: Runner) -> None:
    (repo / "case.schema.json").write_text("{}", "utf-8")
    warnings = yq("check", "--repo", str(repo), "--now", NOW, "--json").json()["warnings"]
    assert any(
        w["path"] == "case.schema.json" and "yqctl schema -o case.schema.json" in w["message"]
        for w in warnings
    )
    written = yq("schema", "-o", str(repo / "case.schema.json"))
    assert written.code == 0
    warnings = yq("check", "--repo", str(repo), "--now", NOW, "--json").json()["warnings"]
    assert not any(w["path"] == "case.schema.json" for w in warnings)


def test_the_schema_knows_the_platforms_and_figures_an_export_gives(yq: Runner) -> None:
    """Editors offer 小红书, 知乎, B站 … (not only other) and the engagement fields of issue 19."""
    schema = json.loads(yq("schema").out)
    platform = schema["$defs"]["Platform"]
    for value, name in (("xiaohongshu", "小红书"), ("zhihu", "知乎"), ("bilibili", "B站"),
                        ("kuaishou", "快手"), ("wechat_channels", "视频号"),
                        ("toutiao", "今日头条"), ("douban", "豆瓣")):  # fmt: skip
        assert value in platform["enum"] and f"{value} {name}" in platform["description"]
    assert {"followers", "keywords", "alert_level"} <= schema["$defs"]["Source"][
        "properties"
    ].keys()
    signals = schema["$defs"]["Signals"]["properties"]
    assert signals["likes"]["description"] == "点赞数" and signals["favorites"]["minimum"] == 0
