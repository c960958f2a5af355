"""The built-in templates' Markdown and HTML for the demo cases, pinned by golden files.

Driven through the CLI (`yqctl form` / `yqctl report`) on a fresh demo repository at the README's
"now". Chart images are replaced by a placeholder before comparing: their pixels belong to
matplotlib, not to the templates. After changing a template on purpose, regenerate with

    UPDATE_GOLDEN=1 pytest tests/render/test_templates_golden.py

and read the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from tests.conftest import NOW, Runner

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CASES = Path(__file__).resolve().parents[2] / "cases" / "university" / "2026"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

SECRET = "YQ-20261117-HQ8N"  # confidential: true, in week 2026-W47
CHART = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")
SECOND = "<the middle school's demo repository>"  # in DOCUMENTS' arguments
MIDDLE = "<run in the middle school's demo repository>"  # first of DOCUMENTS' arguments

# golden name → yqctl arguments (without format, repository and now)
DOCUMENTS = {
    "registration-YQ-20261106-VF40": ("form", "YQ-20261106-VF40", "registration"),  # 三级, closed
    "registration-YQ-20261123-CZSC": ("form", "YQ-20261123-CZSC", "registration"),  # 三级, blanks
    "opinion-YQ-20261123-4TAV": ("form", "YQ-20261123-4TAV", "opinion"),  # 二级
    "weekly-2026-W47": ("report", "weekly", "--week", "2026-W47"),
    "monthly-2026-11": ("report", "monthly", "--month", "2026-11"),
    "special-YQ-20261124-RZ6X": ("report", "special", "YQ-20261124-RZ6X"),
    # the middle school's 《舆情处置记录》: 重大 with a missed report, a closed inquiry, a fabrication
    "record-YQ-20261124-NXJY": (MIDDLE, "form", "YQ-20261124-NXJY", "record"),
    "record-YQ-20261104-2ZDQ": (MIDDLE, "form", "YQ-20261104-2ZDQ", "record"),
    "record-YQ-20261121-2W30": (MIDDLE, "form", "YQ-20261121-2W30", "record"),
    # and its 日报 (三(二) 建立舆情日报制度)
    "daily-middle-school-2026-11-24": (MIDDLE, "report", "daily", "--date", "2026-11-24"),
    # the district's report of the middle school (with its own policy) and the university
    "district-weekly-2026-W47": (
        "report",
        "weekly",
        "--week",
        "2026-W47",
        "--repo",
        SECOND,
        "--issuer",
        "某区教育局",
    ),
}
FORMATS = ("md", "html")


def render(
    yq: Runner, repo: Path, args: tuple[str, ...], fmt: str, second: Path | None = None
) -> str:
    if args[:1] == (MIDDLE,):
        assert second is not None
        repo, args = second, args[1:]
    args = tuple(str(second) if arg == SECOND else arg for arg in args)
    result = yq(*args, "--format", fmt, "--repo", str(repo), "--now", NOW)
    assert result.code == 0, result.err
    return result.out


def normalized(text: str) -> str:
    return CHART.sub("data:image/png;base64,CHART", text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    """Every golden document in both formats, from one demo repository."""
    from tests.conftest import invoke

    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        env.setenv("COLUMNS", "200")
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for who in ("AUTHOR", "COMMITTER"):
            env.setenv(f"GIT_{who}_NAME", "测试值班员")
            env.setenv(f"GIT_{who}_EMAIL", "duty@example.edu.cn")
        env.delenv("YQCTL_NOW", raising=False)
        env.delenv("YQCTL_REPO", raising=False)
        repo = tmp_path_factory.mktemp("golden") / "demo"
        made = invoke("init", str(repo), "--policy", "university", "--demo")
        assert made.code == 0, made.err
        second = tmp_path_factory.mktemp("golden") / "middle"
        made = invoke("init", str(second), "--policy", "middle-school", "--demo")
        assert made.code == 0, made.err
        return {
            (name, fmt): render(invoke, repo, args, fmt, second)
            for name, args in DOCUMENTS.items()
            for fmt in FORMATS
        }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_output_matches_the_golden_file(
    rendered: dict[tuple[str, str], str], name: str, fmt: str
) -> None:
    text = normalized(rendered[name, fmt])
    golden = GOLDEN / f"{name}.{fmt}"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run with UPDATE_GOLDEN=1 to create it"
    assert text == golden.read_text(encoding="utf-8"), (
        f"{name}.{fmt} differs from {golden}; if the change is intended, "
        "regenerate with UPDATE_GOLDEN=1 and review the diff"
    )


def test_no_output_prints_none_or_empty_lists(rendered: dict[tuple[str, str], str]) -> None:
    for (name, fmt), text in rendered.items():
        text = normalized(text)  # base64 may spell anything
        for word in ("None", "[]", "False", "True", "()"):
            assert word not in text, (name, fmt, word)


@pytest.mark.parametrize("fmt", FORMATS)
def test_weekly_report_lists_the_confidential_case_but_not_its_content(
    rendered: dict[tuple[str, str], str], fmt: str
) -> None:
    case = yaml.safe_load((CASES / f"{SECRET}.yaml").read_text(encoding="utf-8"))
    text = rendered["weekly-2026-W47", fmt]
    assert SECRET in text and "涉密，内容从略" in text
    assert case["title"] not in text
    for line in case["summary"].splitlines():
        assert not line.strip() or line.strip() not in text, line
    for entry in case["timeline"]:
        assert entry["text"] not in text, entry["text"]


def test_empty_fields_of_a_form_are_blanks_to_fill_by_hand(
    rendered: dict[tuple[str, str], str],
) -> None:
    markdown = rendered["registration-YQ-20261123-CZSC", "md"]
    result = next(line for line in markdown.splitlines() if line.startswith("| 处置结果 |"))
    assert "＿＿＿＿" in result
    assert "＿＿＿＿年＿＿月＿＿日" in markdown  # 填报时间 and the signature date
    html = rendered["registration-YQ-20261123-CZSC", "html"]
    assert 'class="text fill"' in html and 'class="sign"' in html


def test_opinion_form_offers_both_boxes_while_the_report_to_superiors_is_unknown(
    rendered: dict[tuple[str, str], str],
) -> None:
    assert "□是　□否" in rendered["opinion-YQ-20261123-4TAV", "md"]
    assert "☑" not in rendered["opinion-YQ-20261123-4TAV", "html"]


def test_special_report_quotes_critical_and_supportive_voices(
    rendered: dict[tuple[str, str], str],
) -> None:
    for fmt in FORMATS:
        text = rendered["special-YQ-20261124-RZ6X", fmt]
        critical, supportive = text.index("批评/质疑的声音"), text.index("支持/理解的声音")
        assert critical < text.index("教育观察小站", critical) < supportive
        assert supportive < text.index("建工校友圈", supportive)
        assert text.index("建工校友圈", critical) > supportive  # not among the critical ones
        assert "暂无记录" not in text
        # the core summary and the risk line come before the first section
        assert text.index("核心摘要") < text.index("风险研判") < text.index("一、事件概况")


def test_special_report_says_so_when_no_voice_is_recorded(yq: Runner, demo_repo: Path) -> None:
    for fmt in FORMATS:
        text = render(yq, demo_repo, ("report", "special", "YQ-20261123-CZSC"), fmt)
        assert text.count("暂无记录") == 2, fmt


# ---- well-formed output -------------------------------------------------------------------------


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_markdown_tables_are_valid_gfm(rendered: dict[tuple[str, str], str], name: str) -> None:
    text = rendered[name, "md"]
    lines = text.splitlines()
    separators = [i for i, line in enumerate(lines) if re.fullmatch(r"\|( -+:? \|)+", line)]
    assert separators, "expected at least one table"
    for i in separators:
        width = _unescaped_pipes(lines[i])
        assert _unescaped_pipes(lines[i - 1]) == width, lines[i - 1]
        row = i + 1
        while row < len(lines) and lines[row].startswith("|"):
            assert _unescaped_pipes(lines[row]) == width, lines[row]
            row += 1
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert sum(1 for t in tokens if t.type == "table_open") == len(separators)
    assert not any(line.startswith(("    ", "\t")) for line in lines), "no indented code"


class _TagBalance(HTMLParser):
    VOID = {"meta", "br", "img", "col", "hr", "link", "input", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.sources += [value or "" for key, value in attrs if key in {"src", "href"}]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_html_is_balanced_and_self_contained(
    rendered: dict[tuple[str, str], str], name: str
) -> None:
    text = rendered[name, "html"]
    assert text.lstrip().lower().startswith("<!doctype html>")
    parser = _TagBalance()
    parser.feed(text)
    parser.close()
    assert parser.stack == []
    assert all(source.startswith("data:image/png;base64,") for source in parser.sources)
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert "@page" in text and "counter(pages)" in text


def test_case_text_is_escaped_in_html_and_in_markdown_kept_in_one_cell(
    yq: Runner, demo_repo: Path
) -> None:
    title = "<b>网传</b> 食堂 | 饭菜 & “异物”"
    made = yq(
        "new",
        "--repo",
        str(demo_repo),
        "--now",
        NOW,
        "--json",
        "--title",
        title,
        "--unit",
        "后勤处",
        "--category",
        "inquiry",
        "--summary",
        "第一行 | 有竖线\n第二行 <script>alert(1)</script>",
        "--source",
        "https://example.com/a?x=1&y=2",
        "--account",
        "校园 | 热点",
    )
    assert made.code == 0, made.err
    case_id = made.json()["id"]
    args = ("form", case_id, "registration")
    html = render(yq, demo_repo, args, "html")
    assert "<b>网传</b>" not in html and "&lt;b&gt;网传&lt;/b&gt; 食堂 | 饭菜 &amp; “异物”" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "x=1&amp;y=2" in html
    markdown = render(yq, demo_repo, args, "md")
    row = next(line for line in markdown.splitlines() if line.startswith("| 舆情标题 |"))
    assert row == "| 舆情标题 | \\<b\\>网传\\</b\\> 食堂 \\| 饭菜 & “异物” |"
    summary = next(line for line in markdown.splitlines() if line.startswith("| 内容摘要 |"))
    assert summary.endswith("第一行 \\| 有竖线<br>第二行 \\<script\\>alert(1)\\</script\\> |")
    assert "校园 \\| 热点" in markdown
    assert "None" not in markdown + html
