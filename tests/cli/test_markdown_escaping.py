"""User text cannot change a Markdown document's structure (issue 18, item 10).

One case carries hostile text in every field a form or report prints (title, summary, discovered
by, account, excerpt, timeline, grading reason, unit name); a twin repository carries the same
case with every character replaced by ``x``. Each Markdown form and report is rendered through
the CLI from both, parsed with markdown-it (CommonMark with GFM tables and strikethrough), and the
two token structures must be the same: no heading, list, quote, link, image, HTML, code or table
cell that the template did not write. The hostile text must still be readable in the document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests.conftest import NOW, git, invoke

HOSTILE = {
    "title": "# 假标题 <script>alert(1)</script> | 竖线 *粗* _斜_ `码` ~~删~~",
    "summary": "第一行 <img src=x onerror=alert(1)>\n# 伪造的标题\n- 伪造的列表\n1. 伪造的编号\n"
    "> 伪造的引用\n[点此](javascript:alert(1)) ![图](http://evil.example/x.png)\n"
    "| a | b |\n---\n```\n&lt;b&gt; &amp; \\ 结尾",
    "discovered_by": "- 网信办 <b>值班</b>",
    "account": "[账号](http://evil.example) | 热点",
    "excerpt": "> 原帖：<i>学校</i> **造假**\n## 二级标题",
    "act": "1. 已回复 <a href='http://evil.example'>链接</a>\n===",
    "by": "# 后勤处 | 信息员 *值班* [x](y)",  # no < >: it is also the git author name
    "reason": "+ 理由 [x]: http://evil.example\n***",
    "unit": "后勤处 <b>|</b> #1",
}
URL = "https://example.com/a?x=1&y=2"
UNIT_FIELDS = (
    "{head: {title: 处长, name: 甲, phone: '1'}, officers: [{title: 信息员, name: 乙, phone: '2'}]}"
)
DOCUMENTS = [
    ("form", "{id}", "registration"),
    ("form", "{id}", "opinion"),
    ("report", "special", "{id}"),
    ("report", "daily", "--date", "2026-11-24"),
    ("report", "weekly", "--week", "2026-W48"),
    ("report", "monthly", "--month", "2026-11"),
    ("report", "weekly", "--week", "2026-W48", "--repo", "{second}", "--issuer", "区教育局"),
]


def placeholder(text: str) -> str:
    """The same text with every ASCII letter, digit and mark an x: no Markdown in it, and sorted
    where the hostile text sorts (a unit's name orders the tables)."""
    return "".join("x" if char.isascii() and not char.isspace() else char for char in text)


def run(*args: str) -> Any:
    result = invoke(*args, "--now", NOW, "--json")
    assert result.code == 0, result.err
    return result.json()


def case_repository(root: Path, text: Callable[[str], str]) -> tuple[Path, str]:
    """A repository with one case, its fields and a unit written by ``text`` (no demo cases: an
    id is random, and the order of cases with it)."""
    assert invoke("init", str(root)).code == 0
    unit = text(HOSTILE["unit"])
    org = root / "org.yaml"
    entry = f"units:\n  {json.dumps(unit, ensure_ascii=False)}: {UNIT_FIELDS}\n"
    org.write_text(org.read_text("utf-8").replace("units:\n", entry, 1), encoding="utf-8")
    git(root, "commit", "-qam", "org.yaml: 新增单位")
    fields = {
        "title": text(HOSTILE["title"]),
        "unit": unit,
        "category": "malicious_spread",
        "summary": text(HOSTILE["summary"]),
        "discovered_by": text(HOSTILE["discovered_by"]),
        "discovered_at": "2026-11-24T09:00:00+08:00",
        "sources": [
            {
                "url": URL,
                "platform": "weibo",
                "account": text(HOSTILE["account"]),
                "excerpt": text(HOSTILE["excerpt"]),
                "stance": "critical",
            }
        ],
    }
    spec = root.parent / f"{root.name}-case.yaml"
    spec.write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    repo = ("--repo", str(root))
    case_id = run("new", *repo, "--from", str(spec))["id"]
    run("act", case_id, "statement", *repo, "--text", text(HOSTILE["act"]),
        "--by", text(HOSTILE["by"]), "--at", "2026-11-24T10:00:00+08:00")  # fmt: skip
    run("grade", case_id, *repo, "--level", "1", "--reason", text(HOSTILE["reason"]))
    return root, case_id


@pytest.fixture(scope="module")
def repositories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    base = tmp_path_factory.mktemp("md")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(base))
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for who in ("AUTHOR", "COMMITTER"):
            env.setenv(f"GIT_{who}_NAME", "测试值班员")
            env.setenv(f"GIT_{who}_EMAIL", "duty@example.edu.cn")
        second = base / "second"
        assert invoke("init", str(second), "--demo", "--policy", "middle-school").code == 0
        return {
            "hostile": case_repository(base / "hostile", lambda text: text),
            "plain": case_repository(base / "plain", placeholder),
            "second": (second, ""),
        }


def markdown(repos: dict[str, tuple[Path, str]], kind: str, args: tuple[str, ...]) -> str:
    root, case_id = repos[kind]
    filled = [a.format(id=case_id, second=repos["second"][0]) for a in args]
    result = invoke(*filled, "--format", "md", "--repo", str(root), "--now", NOW)
    assert result.code == 0, result.err
    return result.out


PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def structure(tokens: list[Token]) -> list[Any]:
    """What the document is made of, without its text: blocks, inline marks, cells, links."""
    shape: list[Any] = []
    for token in tokens:
        children = [(c.type, c.tag, c.attrs.get("href")) for c in token.children or []]
        shape.append((token.type, token.tag, token.nesting, token.markup, children))
    return shape


def visible(tokens: list[Token]) -> str:
    """The text a reader sees (inline text and code), lines joined."""
    parts = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
    return "".join(parts)


def _name(args: tuple[str, ...]) -> str:
    return "-".join(args[:3:2] if args[0] == "form" else args[:2]) + (
        "-district" * ("{second}" in args)
    )


@pytest.mark.parametrize("args", DOCUMENTS, ids=_name)
def test_hostile_text_leaves_the_markdown_structure_as_the_template_wrote_it(
    repositories: dict[str, tuple[Path, str]], args: tuple[str, ...]
) -> None:
    hostile = PARSER.parse(markdown(repositories, "hostile", args))
    plain = PARSER.parse(markdown(repositories, "plain", args))
    assert structure(hostile) == structure(plain)
    seen = visible(hostile)
    if "{second}" not in args:  # the district report counts; the others name the case
        assert HOSTILE["title"] in seen
    if "special" in args:
        for line in [
            HOSTILE["unit"],
            *HOSTILE["summary"].splitlines(),
            *HOSTILE["excerpt"].splitlines(),
        ]:
            assert line.strip() in seen, line
