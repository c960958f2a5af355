"""The safe marked YAML loader: what it accepts, what it refuses, and where it says the problem is."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from yqctl.core.case import Case
from yqctl.errors import Problem, YqError
from yqctl.store import yamlio
from yqctl.store.validate import validate

SUITE = Path(__file__).resolve().parents[1] / "data" / "yaml-test-suite-errors"


def refused(text: str, display: str = "cases/2026/x.yaml") -> Problem:
    """Parse ``text``; it must be refused with exactly one located problem, which is returned."""
    with pytest.raises(YqError) as info:
        yamlio.parse(text, display)
    [problem] = info.value.problems
    assert problem.path == display
    assert str(info.value).startswith(f"{display}:{problem.line}:{problem.col}: ")
    return problem


def refused_bytes(raw: bytes, display: str = "cases/2026/x.yaml") -> Problem:
    with pytest.raises(YqError) as info:
        yamlio.parse(yamlio.decode(raw, display), display)
    [problem] = info.value.problems
    assert problem.path == display
    return problem


# --- good input: YAML 1.2 core types and marks ------------------------------------------------


def test_plain_scalars_resolve_by_yaml_1_2_core_schema() -> None:
    doc = yamlio.parse(
        "a: yes\nb: no\nc: on\nd: true\ne: False\nf: null\ng: ~\nh:\ni: 42\nj: -7\n"
        "k: 0o17\nl: 0x1F\nm: 1.5\nn: 1e3\no: 2026-11-24T09:30:00+08:00\np: 2026-11-24\n"
        "q: '1'\nr: \"true\"\ns: 012\nt: 1_000\n",
        "t.yaml",
    )
    assert doc.data == {
        "a": "yes",  # YAML 1.1 booleans stay text
        "b": "no",
        "c": "on",
        "d": True,
        "e": False,
        "f": None,
        "g": None,
        "h": None,
        "i": 42,
        "j": -7,
        "k": 15,
        "l": 31,
        "m": 1.5,
        "n": 1000.0,
        "o": "2026-11-24T09:30:00+08:00",  # timestamps stay text for pydantic
        "p": "2026-11-24",
        "q": "1",  # quoted scalars are always text
        "r": "true",
        "s": 12,  # 1.2 core: a leading zero is still decimal, not octal
        "t": "1_000",  # 1.1's digit separators are gone in 1.2
    }
    assert type(doc.data["d"]) is bool and type(doc.data["i"]) is int


def test_block_scalars_and_nested_collections_are_plain_python_data() -> None:
    doc = yamlio.parse(
        "summary: |\n  第一行\n  第二行\nsources:\n  - {platform: weibo, posts: 3}\n  - [a, b]\n",
        "t.yaml",
    )
    assert doc.data == {
        "summary": "第一行\n第二行\n",
        "sources": [{"platform": "weibo", "posts": 3}, ["a", "b"]],
    }
    assert type(doc.data) is dict and type(doc.data["sources"]) is list


def test_numeric_and_boolean_keys_are_kept_as_their_text() -> None:
    doc = yamlio.parse("1: a\ntrue: b\n", "t.yaml")
    assert doc.data == {"1": "a", "true": "b"}


def test_marks_give_one_based_line_and_column_of_values_and_keys() -> None:
    doc = yamlio.parse(
        "version: 1\ntitle: 网传食堂\nsources:\n  - platform: weibo\n    url: https://x.cn/1\n",
        "t.yaml",
    )
    assert doc.marks[()] == (1, 1)
    assert doc.marks[("version",)] == (1, 10)
    assert doc.marks[("title",)] == (2, 8)
    assert doc.key_marks[("title",)] == (2, 1)
    assert doc.marks[("sources",)] == (4, 3)
    assert doc.marks[("sources", 0)] == (4, 5)
    assert doc.marks[("sources", 0, "url")] == (5, 10)
    assert doc.key_marks[("sources", 0, "url")] == (5, 5)


def test_columns_count_characters_not_bytes_after_chinese_text() -> None:
    doc = yamlio.parse("单位名称: 后勤处\n", "t.yaml")
    assert doc.marks[("单位名称",)] == (1, 7)


def test_mark_of_a_missing_location_falls_back_to_the_nearest_enclosing_value() -> None:
    doc = yamlio.parse("signals:\n  posts: 3\n", "t.yaml")
    assert doc.mark(("signals", "reposts")) == (2, 3)
    assert doc.mark(("nothing", "here")) == (1, 1)
    assert doc.mark(("signals", "posts"), key=True) == (2, 3)
    problem = doc.problem(("signals", "posts"), "应为整数")
    assert str(problem) == "t.yaml:2:10: 应为整数"


def test_leading_utf8_bom_is_accepted() -> None:
    text = yamlio.decode(b"\xef\xbb\xbftitle: a\n", "t.yaml")
    assert yamlio.parse(text, "t.yaml").data == {"title": "a"}


def test_a_comment_only_file_parses_to_none_which_validation_refuses_at_1_1() -> None:
    doc = yamlio.parse("# 只有注释\n", "t.yaml")
    assert doc.data is None
    with pytest.raises(YqError) as info:
        validate(Case, doc)
    assert str(info.value.problems[0]).startswith("t.yaml:1:1: 文件顶层应为映射")


# --- git conflict markers ---------------------------------------------------------------------

CONFLICT = """\
version: 1
title: 网传食堂饭菜出现异物
<<<<<<< HEAD
status: graded
=======
status: handling
>>>>>>> feature
"""


def test_git_conflict_markers_are_named_as_a_conflict_at_the_first_marker_line() -> None:
    problem = refused(CONFLICT)
    assert (problem.line, problem.col) == (3, 1)
    assert "冲突" in problem.message and "<<<<<<<" in problem.message


def test_conflict_markers_are_detected_before_yaml_would_fail_with_a_scanner_error() -> None:
    # the markers inside a mapping make libyaml fail on a later line with no word of "conflict"
    text = "signals:\n  posts: 3\n<<<<<<< ours\n  harmful: true\n=======\n  harmful: false\n>>>>>>> theirs\n"
    problem = refused(text)
    assert (problem.line, problem.col) == (3, 1)
    assert "合并冲突" in problem.message


def test_diff3_conflict_base_marker_alone_is_detected() -> None:
    problem = refused("title: a\n||||||| base\ntitle: b\n")
    assert (problem.line, problem.col) == (2, 1)
    assert "冲突" in problem.message


def test_seven_equals_inside_a_value_is_not_a_conflict_marker() -> None:
    doc = yamlio.parse("text: 分隔线 ======= 之后\n", "t.yaml")
    assert doc.data == {"text": "分隔线 ======= 之后"}


# --- anchors, aliases, tags -------------------------------------------------------------------

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(c)}: &{chr(c)} [*{chr(c - 1)}, *{chr(c - 1)}, *{chr(c - 1)}, *{chr(c - 1)}, *{chr(c - 1)}, "
    f"*{chr(c - 1)}, *{chr(c - 1)}, *{chr(c - 1)}, *{chr(c - 1)}]\n"
    for c in range(ord("b"), ord("j") + 1)
)


def test_alias_bomb_is_refused_at_its_first_anchor_without_expanding_it() -> None:
    started = time.perf_counter()
    problem = refused(ALIAS_BOMB)
    assert time.perf_counter() - started < 1.0  # 9**10 items if anything expanded it
    assert (problem.line, problem.col) == (1, 4)
    assert "锚点 &a" in problem.message and "别名" in problem.message


def test_alias_alone_is_refused_with_its_position() -> None:
    problem = refused("title: a\nsummary: *a\n")
    assert (problem.line, problem.col) == (2, 10)
    assert "别名 *a" in problem.message


def test_merge_key_with_anchor_is_refused() -> None:
    problem = refused("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert (problem.line, problem.col) == (1, 7)
    assert "锚点" in problem.message


@pytest.mark.parametrize(
    ("text", "col", "shown"),
    [
        ("x: !!python/object:os.system\n  a: 1\n", 4, "!!python/object:os.system"),
        ("x: !!python/object/apply:os.system [ls]\n", 4, "!!python/object/apply:os.system"),
        ("x: !!python/name:os.system ''\n", 4, "!!python/name:os.system"),
        ("x: !!binary aGVsbG8=\n", 4, "!!binary"),
        ("x: !!str 1\n", 4, "!!str"),
        ("x: !!timestamp 2026-11-24\n", 4, "!!timestamp"),
        ("x: !custom {a: 1}\n", 4, "!custom"),
        ("x: !<tag:yaml.org,2002:str> a\n", 4, "!!str"),
    ],
    ids=[
        "python-object",
        "python-apply",
        "python-name",
        "binary",
        "str",
        "timestamp",
        "local",
        "verbatim",
    ],
)
def test_every_explicit_tag_is_refused_with_its_name_and_position(
    text: str, col: int, shown: str
) -> None:
    problem = refused(text)
    assert (problem.line, problem.col) == (1, col)
    assert "标签" in problem.message and shown in problem.message


def test_tag_on_the_document_root_is_refused_at_1_1() -> None:
    problem = refused("!!python/object:__main__.X\ntitle: a\n")
    assert (problem.line, problem.col) == (1, 1)
    assert "标签" in problem.message


# --- duplicate keys ---------------------------------------------------------------------------


def test_duplicate_top_level_key_points_at_the_second_and_names_the_first_line() -> None:
    problem = refused("title: a\nunit: 后勤处\ntitle: b\n")
    assert (problem.line, problem.col) == (3, 1)
    assert "重复的键 'title'" in problem.message and "第 1 行" in problem.message


def test_duplicate_nested_key_is_refused_at_its_own_indentation() -> None:
    problem = refused("signals:\n  posts: 1\n  reposts: 2\n  posts: 3\n")
    assert (problem.line, problem.col) == (4, 3)
    assert "重复的键 'posts'" in problem.message and "第 2 行" in problem.message


def test_duplicate_key_in_flow_mapping_is_refused() -> None:
    problem = refused("sources:\n  - {platform: weibo, platform: wechat}\n")
    assert (problem.line, problem.col) == (2, 23)
    assert "重复的键 'platform'" in problem.message


def test_same_key_in_two_list_items_is_not_a_duplicate() -> None:
    doc = yamlio.parse("timeline:\n  - action: note\n  - action: reply\n", "t.yaml")
    assert [item["action"] for item in doc.data["timeline"]] == ["note", "reply"]


# --- other structural refusals ----------------------------------------------------------------


def test_a_second_document_is_refused_at_its_separator() -> None:
    problem = refused("title: a\n---\ntitle: b\n")
    assert (problem.line, problem.col) == (2, 1)
    assert "一个 YAML 文档" in problem.message


def test_nesting_deeper_than_the_cap_is_refused_at_the_first_level_too_deep() -> None:
    problem = refused("x: " + "[" * 40 + "]" * 40 + "\n")
    # the root mapping is one level: the MAX_DEPTH-th bracket (at column 3 + MAX_DEPTH) is one too many
    assert (problem.line, problem.col) == (1, 3 + yamlio.MAX_DEPTH)
    assert "嵌套过深" in problem.message


def test_thousands_of_levels_are_refused_by_libyaml_without_recursion_error() -> None:
    problem = refused("x: " + "[" * 5000 + "]" * 5000 + "\n")
    assert problem.line == 1 and problem.col > yamlio.MAX_DEPTH
    assert "嵌套过深" in problem.message


def test_complex_mapping_key_is_refused() -> None:
    problem = refused("? [a, b]\n: c\n")
    assert (problem.line, problem.col) == (1, 3)
    assert "键必须是简单文本" in problem.message


def test_malformed_yaml_names_the_line_and_column_in_chinese() -> None:
    problem = refused("title: a\nsummary: 说明: 有冒号\n")
    assert (problem.line, problem.col) == (2, 12)  # the second colon, counted in characters
    assert problem.message.startswith("YAML 语法错误：")


def test_missing_colon_is_explained_at_the_key_that_lacks_it() -> None:
    problem = refused("title: a\nsummary\nunit: b\n")
    assert (problem.line, problem.col) == (2, 1)  # libyaml notices it on line 3
    assert "缺少冒号" in problem.message


def test_unclosed_quote_is_explained_as_unexpected_end() -> None:
    problem = refused('title: "网传食堂\n')
    assert problem.line == 2
    assert "文件意外结束" in problem.message


def test_tab_indentation_is_explained_in_chinese_at_the_tab() -> None:
    problem = refused("signals:\n\tposts: 3\n")
    assert (problem.line, problem.col) == (2, 1)
    assert "Tab" in problem.message and "空格" in problem.message


def test_control_character_is_located_at_its_own_line_and_column() -> None:
    problem = refused("title: a\nsummary: 网传\x07食堂\n")
    assert (problem.line, problem.col) == (2, 12)
    assert "控制字符 #x0007" in problem.message


# --- bytes: empty, encoding, size -------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", [b"", b"   \n\n\t\n", b"\xef\xbb\xbf"], ids=["zero-bytes", "blank", "bom-only"]
)
def test_empty_file_is_refused_as_empty_at_1_1(raw: bytes) -> None:
    problem = refused_bytes(raw)
    assert (problem.line, problem.col) == (1, 1)
    assert "为空" in problem.message


def test_gbk_file_is_refused_as_not_utf8_at_the_first_bad_byte() -> None:
    raw = "version: 1\ntitle: 网传食堂\n".encode("gbk")
    problem = refused_bytes(raw)
    assert (problem.line, problem.col) == (2, 8)
    assert "UTF-8" in problem.message


def test_not_utf8_column_counts_the_characters_before_the_bad_byte() -> None:
    raw = "title: 网传".encode() + b"\xff\n"
    problem = refused_bytes(raw)
    assert (problem.line, problem.col) == (1, 10)
    assert "不是 UTF-8" in problem.message


def test_utf16_file_is_named_as_utf16_not_as_binary() -> None:
    problem = refused_bytes("title: 网传\n".encode("utf-16"))
    assert (problem.line, problem.col) == (1, 1)
    assert "UTF-16" in problem.message and "UTF-8" in problem.message


def test_nul_byte_is_refused_as_not_text_at_its_position() -> None:
    problem = refused_bytes(b"title: a\nsum\x00mary: b\n")
    assert (problem.line, problem.col) == (2, 4)
    assert "NUL" in problem.message


def test_file_over_the_cap_is_refused_with_its_size_before_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.write(b"title: ")
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MiB on paper, nothing on disk
    started = time.perf_counter()
    with pytest.raises(YqError) as info:
        yamlio.load(path, "cases/2026/big.yaml")
    assert time.perf_counter() - started < 2.0
    [problem] = info.value.problems
    assert (problem.path, problem.line, problem.col) == ("cases/2026/big.yaml", 1, 1)
    assert (
        "过大" in problem.message and "50.0 MiB" in problem.message and "1.0 MiB" in problem.message
    )


def test_size_cap_is_exact_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(b"a: " + b"x" * 1021 + b"\n")  # 1025 bytes
    with pytest.raises(YqError) as info:
        yamlio.load(path, "c.yaml", max_bytes=1024)
    assert "过大" in info.value.problems[0].message
    assert yamlio.load(path, "c.yaml", max_bytes=1025).data == {"a": "x" * 1021}


def test_missing_file_and_directory_are_refused_with_their_name(tmp_path: Path) -> None:
    with pytest.raises(YqError, match=r"nothing\.yaml: 文件不存在"):
        yamlio.load(tmp_path / "nothing.yaml", "nothing.yaml")
    with pytest.raises(YqError, match="dir: 是目录"):
        yamlio.load(tmp_path, "dir")


# --- the yaml-test-suite's malformed inputs ---------------------------------------------------

# libyaml (PyYAML's C parser) is lenient with these error cases of the suite. Each parses to the
# plain data shown, which is what its author evidently meant: no tag, no alias, nothing executed.
# A case file made of any of them still fails validation (test below), so nothing slips through.
LIBYAML_ACCEPTS: dict[str, tuple[str, Any]] = {
    "9C9N": ("flow sequence lines indented less than its key", {"flow": ["a", "b", "c"]}),
    "9JBA": ("'#' comment right after ']' without a space", ["a", "b", "c"]),
    "CVW2": ("'#' comment right after ',' without a space", ["a", "b", "c"]),
    "DK95-01": ("tab at the start of a double-quoted continuation line", {"foo": "bar baz"}),
    "G5U8": ("plain '-' items in a flow sequence", [["-", "-"]]),
    "MUS6-00": ("'#' right after a %YAML directive; the document is empty", None),
    "QB6E": ("quoted continuation lines indented less than the key", {"quoted": "a b c"}),
    "S98Z": (
        "block scalar whose leading blank line has more spaces than its content",
        {"empty block scalar": ""},
    ),
    "SU5Z": ("'#' comment right after a quoted scalar without a space", {"key": "value"}),
    "X4QW": ("'#' comment right after the block scalar indicator", {"block": "scalar\n"}),
    "Y79Y-003": ("tab before an item of a flow sequence", [["foo", "foo"]]),
    "YJV2": ("a lone '-' in a flow sequence", ["-"]),
}

SUITE_IDS = sorted(path.stem for path in SUITE.glob("*.yaml"))


def _suite_text(case_id: str) -> str:
    return yamlio.decode((SUITE / f"{case_id}.yaml").read_bytes(), f"{case_id}.yaml")


def test_yaml_test_suite_error_corpus_is_present() -> None:
    assert len(SUITE_IDS) == 94
    assert set(LIBYAML_ACCEPTS) <= set(SUITE_IDS)
    assert all((SUITE / f"{case_id}.title").is_file() for case_id in SUITE_IDS)


@pytest.mark.parametrize("case_id", [c for c in SUITE_IDS if c not in LIBYAML_ACCEPTS])
def test_yaml_test_suite_error_case_is_refused_at_a_line_and_column_inside_the_file(
    case_id: str,
) -> None:
    text = _suite_text(case_id)
    display = f"cases/2026/{case_id}.yaml"
    problem = refused(text, display)
    lines = text.split("\n")
    assert 1 <= problem.line <= len(lines), (problem, (SUITE / f"{case_id}.title").read_text())
    assert 1 <= problem.col <= len(lines[problem.line - 1]) + 1, problem
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem.message), problem  # says it in Chinese


@pytest.mark.parametrize("case_id", sorted(LIBYAML_ACCEPTS))
def test_yaml_test_suite_case_libyaml_accepts_gives_harmless_data_that_validation_rejects(
    case_id: str,
) -> None:
    _reason, expected = LIBYAML_ACCEPTS[case_id]
    doc = yamlio.parse(_suite_text(case_id), f"cases/2026/{case_id}.yaml")
    assert doc.data == expected
    with pytest.raises(YqError) as info:
        validate(Case, doc)
    assert info.value.problems
    assert all(p.path == f"cases/2026/{case_id}.yaml" and p.line >= 1 for p in info.value.problems)


FAST_PATH_SAMPLES = [
    "a: 1\nb: -2\nc: +3\nd: 0o17\ne: 0x1F\nf: 1.5\ng: .5\nh: 1e3\ni: -.5e-2\n",
    "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: ''\ng: \"\"\n",
    "a: true\nb: False\nc: TRUE\nd: yes\ne: no\nf: on\ng: 'true'\n",
    "a: '1'\nb: \"2\"\nc: |\n  3\n  四\nd: >\n  五\n  六\n",
    "1: a\ntrue: b\nnull: c\n'x': d\n",
    "t: 2026-11-24T09:30:00+08:00\nd: 2026-11-24\nv: 1.0.0\nu: https://x.cn/a?b=1&c=2\n",
    "l:\n  - 1\n  - [a, {b: c}]\n  - {}\n  - []\nm: {x: [1, 2], y: {z: 中文}}\n",
    "中文键: 值\n标题: 食堂饭菜 “涨价”\n",
    "- a\n- b\n",
    "plain text\n",
]


@pytest.mark.parametrize("text", FAST_PATH_SAMPLES)
def test_fast_path_reads_exactly_what_the_marked_walk_reads(text: str) -> None:
    fast = yamlio.parse(text, "x.yaml")
    marked = yamlio._parse_marked(text, "x.yaml")
    assert fast.data == marked.data
    assert type(fast.data) is type(marked.data)
    assert fast.marks == marked.marks  # computed on demand from the kept text
    assert fast.key_marks == marked.key_marks


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2\n", "重复的键 'a'"),
        ("a: &x 1\nb: *x\n", "锚点"),
        ("a: !!python/object:os.system x\n", "标签"),
        ("a: 1\n---\nb: 2\n", "只能包含一个 YAML 文档"),
        ("? [a, b]\n: c\n", "映射的键必须是简单文本"),
        ("a:" + " [" * 40 + "]" * 40 + "\n", "嵌套过深"),
    ],
)
def test_what_the_fast_path_declines_gets_the_marked_walks_message(text: str, message: str) -> None:
    with pytest.raises(YqError) as caught:
        yamlio.parse(text, "x.yaml")
    assert message in str(caught.value)
    assert caught.value.problems[0].line >= 1
