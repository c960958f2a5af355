"""The limited template sandbox: no way out, no way to exhaust memory or time, no file outside.

The hostile corpus (tests/test_hostile_corpus.py) runs such templates through the CLI; these
tests pin the limits themselves, and the work budget that replaced the wall-clock limit.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.render.conftest import Write
from yqctl.errors import YqError
from yqctl.render.templates import TemplateSet


def error_of(templates: TemplateSet, name: str = "daily.md.j2") -> str:
    with pytest.raises(YqError) as caught:
        templates.render_text(name, {"doc": {"title": "日报"}})
    return str(caught.value)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{{ ('a' * 10**9) | length }}", ("“*” 重复的结果过大", "1000000000")),
        ("{{ ([0] * 200000) | length }}", ("“*” 重复的结果过大",)),
        ("{{ 7 ** 100000 }}", ("“**” 乘方",)),
        ("{{ '%0100000000d' % 1 }}", ("“%” 格式化的结果过大",)),
        ("{{ '%*d' % (100000000, 1) }}", ("“%” 格式化的结果过大",)),
        ("{{ 'x'.center(10**8) }}", ("center()的结果过大",)),
        ("{{ 'x'.zfill(10**8) }}", ("zfill()的结果过大",)),
        ("{{ 'x' | center(10**8) }}", ("center 过滤器的结果过大",)),
        ("{{ 'x\\ny' | indent(10**8) }}", ("indent 过滤器的结果过大",)),
        ("{{ range(10**9) | length }}", ("range() 有 1000000000 项",)),
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            ("range() 在一次渲染中共产生超过",),
        ),
        ("{{ lipsum(10**6) }}", ("lipsum() 最多 100 段",)),
    ],
    ids=[
        "str-repeat",
        "list-repeat",
        "power",
        "percent-width",
        "percent-star",
        "center-method",
        "zfill-method",
        "center-filter",
        "indent-filter",
        "range",
        "nested-ranges",
        "lipsum",
    ],
)
def test_operation_that_would_exhaust_memory_or_time_is_refused_at_once(
    source: str, words: tuple[str, ...], templates: TemplateSet, write_repo: Write
) -> None:
    write_repo("daily.md.j2", "第一行\n" + source + "\n")
    message = error_of(templates)
    assert message.startswith("templates/daily.md.j2:2:0: 模板错误：超出模板的资源限制：")
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ '-' * 20 }}", "-" * 20),
        ("{{ 2 ** 10 }}", "1024"),
        ("{{ '%05d' % 42 }}", "00042"),
        ("{{ 'ab' | center(6) }}", "  ab  "),
        ("{{ range(3) | list }}", "[0, 1, 2]"),
        ("{{ lipsum(1, html=False) | length > 0 }}", "True"),
    ],
)
def test_ordinary_use_of_the_limited_operations_still_works(
    source: str, expected: str, templates: TemplateSet, write_repo: Write
) -> None:
    write_repo("daily.html.j2", source)
    assert templates.render_text("daily.html.j2", {}) == expected


def test_each_render_has_its_own_range_budget(templates: TemplateSet, write_repo: Write) -> None:
    write_repo("daily.md.j2", "{{ range(90000) | length + range(90000) | length }}")
    for _ in range(3):  # 180,000 items per render: under the budget every time
        assert templates.render_text("daily.md.j2", {}) == "180000"


# -- work, not time --------------------------------------------------------------------------------

DATA = {"doc": {"xs": list(range(1000)), "big": "x" * 50_000, "title": "日报"}}

RUNAWAY = {
    "nested-loops": "{% for a in doc.xs %}{% for b in doc.xs %}{% for c in doc.xs %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "macro-fan-out": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
    "{% endmacro %}{{ f(40) }}",
    "recursive-loop": "{% for x in doc.xs recursive %}{% if loop.depth < 4 %}{{ loop(doc.xs) }}"
    "{% endif %}{% endfor %}",
    "string-doubling": "{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
    "list-doubling": "{% set ns = namespace(s=[1]) %}{% for i in range(64) %}"
    "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}",
    "output-flood": "{% for a in doc.xs %}{% for b in doc.xs %}{{ doc.big }}{% endfor %}{% endfor %}",
    "literal-flood": "{% for a in doc.xs %}{% for b in doc.xs %}" + "字" * 200 + "{% endfor %}"
    "{% endfor %}",
    "filter-in-loop": "{% for a in doc.xs %}{% for b in doc.xs %}{{ doc.xs | sort | length }}"
    "{% endfor %}{% endfor %}",
    "method-in-loop": "{% for a in doc.xs %}{% for b in doc.xs %}{{ doc.big.upper() | length }}"
    "{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("name", RUNAWAY)
def test_a_runaway_template_is_stopped_by_the_work_it_does(
    name: str, templates: TemplateSet, write_repo: Write
) -> None:
    write_repo("daily.md.j2", "标题\n" + RUNAWAY[name] + "\n")
    with pytest.raises(YqError) as caught:
        templates.render_text("daily.md.j2", DATA)
    message = str(caught.value)
    assert message.startswith("templates/daily.md.j2:2:0: 模板错误：超出模板的资源限制：")
    assert "渲染的计算量超过上限" in message and "已停止" in message


@pytest.mark.parametrize(
    ("source", "what"),
    [
        ("{% set s = 'a' * 99999 %}{{ s.replace('a', s) | length }}", "replace()的结果过大"),
        ("{% set s = 'a' * 99999 %}{{ s | replace('a', s) | length }}", "replace()的结果过大"),
        ("{{ '{:>999999999}'.format(1) }}", "format()的结果过大"),
        ("{{ '{:{}}'.format(1, 10**9) }}", "format()的结果过大"),
        ("{{ '{a:{w}}'.format_map({'a': 1, 'w': 10**9}) }}", "format()的结果过大"),
        ("{{ '%0999999999d' | format(1) }}", "“%” 格式化的结果过大"),
    ],
    ids=[
        "replace-method",
        "replace-filter",
        "format-width",
        "format-nested",
        "format-map",
        "format",
    ],
)
def test_one_operation_that_would_build_gigabytes_is_refused_before_it_runs(
    source: str, what: str, templates: TemplateSet, write_repo: Write
) -> None:
    write_repo("daily.md.j2", source)
    with pytest.raises(YqError, match=re.escape(what)):
        templates.render_text("daily.md.j2", DATA)


def test_after_a_partial_used_up_the_work_the_templates_using_it_fail_at_once(
    templates: TemplateSet, write_repo: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `check` renders many documents with one partial: a runaway one is paid for once
    write_repo("_part.md.j2", RUNAWAY["nested-loops"])
    write_repo("daily.md.j2", "日报\n{% include '_part.md.j2' %}\n")
    write_repo("weekly.md.j2", "周报\n{% include '_part.md.j2' %}\n")
    write_repo("monthly.md.j2", "月报：{{ doc.title }}")
    with pytest.raises(YqError) as first:
        templates.render_text("daily.md.j2", DATA)
    assert str(first.value).startswith("templates/_part.md.j2:1:0: ")
    started: list[object] = []
    start = templates.environment("weekly.md.j2").start_render

    def recorded(data: object) -> None:
        started.append(data)
        start(data)

    monkeypatch.setattr(templates.environment("weekly.md.j2"), "start_render", recorded)
    with pytest.raises(YqError) as second:
        templates.render_text("weekly.md.j2", DATA)
    assert second.value is first.value and started == []
    assert templates.render_text("monthly.md.j2", DATA) == "月报：日报" and len(started) == 1


def test_the_limit_is_counted_in_work_so_a_slow_machine_renders_the_same(
    templates: TemplateSet, write_repo: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No clock is read and no alarm is set: every clock jumps an hour each time it is read, and
    setting a timer fails; the honest template renders, the runaway one stops at the same step."""
    import signal

    ticks = iter(range(0, 10**9, 3600))
    for clock in ("time", "monotonic", "perf_counter", "process_time", "thread_time"):
        monkeypatch.setattr(time, clock, lambda: float(next(ticks)))

    def no_timer(*args: object) -> None:
        raise AssertionError("a wall-clock timer was set")

    monkeypatch.setattr(signal, "setitimer", no_timer)
    monkeypatch.setattr(signal, "alarm", no_timer)
    write_repo("daily.md.j2", "{% for a in doc.xs %}{{ a }}{% endfor %}")
    assert templates.render_text("daily.md.j2", DATA).startswith("0123")
    write_repo("weekly.md.j2", RUNAWAY["nested-loops"])
    stopped = []
    for _ in range(2):
        fresh = TemplateSet(templates.repo_root, builtin=templates.builtin)
        with pytest.raises(YqError, match="计算量超过上限"):
            fresh.render_text("weekly.md.j2", DATA)
        stopped.append(fresh.environment("weekly.md.j2").work_left)
    assert stopped[0] == stopped[1] == -1  # the same step, whatever the clocks said


def test_repository_template_that_is_a_symlink_out_of_the_repository_is_refused(
    templates: TemplateSet, repo_root: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("私钥内容\n", encoding="utf-8")
    (repo_root / "templates" / "daily.md.j2").symlink_to(secret)
    message = error_of(templates)
    assert message.startswith("templates/daily.md.j2: 模板文件是指向仓库之外的符号链接")
    assert "私钥内容" not in message


def test_partial_that_is_a_symlink_out_of_the_repository_is_refused_as_itself(
    templates: TemplateSet, write_repo: Write, repo_root: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("私钥内容\n", encoding="utf-8")
    (repo_root / "templates" / "_part.md.j2").symlink_to(secret)
    write_repo("daily.md.j2", "标题\n{% include '_part.md.j2' %}\n")
    message = error_of(templates)
    assert message.startswith("templates/_part.md.j2: 模板文件是指向仓库之外的符号链接")
    assert "私钥内容" not in message


def test_symlink_that_stays_inside_the_repository_is_allowed(
    templates: TemplateSet, repo_root: Path, write_repo: Write
) -> None:
    write_repo("shared.txt", "{{ doc.title }}")
    (repo_root / "templates" / "daily.md.j2").symlink_to("shared.txt")
    assert templates.render_text("daily.md.j2", {"doc": {"title": "日报"}}) == "日报"


def test_template_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte(
    templates: TemplateSet, repo_root: Path
) -> None:
    (repo_root / "templates" / "daily.md.j2").write_bytes("一\n二\n".encode() + "三".encode("gbk"))
    assert error_of(templates) == "templates/daily.md.j2:3:0: 模板错误：模板文件不是 UTF-8 编码"


def test_a_large_honest_report_is_rendered_in_every_format(demo_repo: Path) -> None:
    """A weekly report over 3,000 cases (the demo cases, copied): the work budget grows with the
    data, and the built-in templates use a small part of it (the 1-second limit stopped such a
    report, and at 100,000 cases every format)."""
    from datetime import timedelta

    from yqctl.core.periods import PeriodKind, period_containing
    from yqctl.core.reports import ReportOptions
    from yqctl.render.documents import context, period_document
    from yqctl.render.verify import BLANK_PNG, demo_cases
    from yqctl.store.repo import Repo

    repo = Repo(demo_repo)
    demo = demo_cases("university")
    now = max(case.discovered_at for case in demo)
    cases = [
        demo[i % len(demo)].model_copy(
            update={
                "id": f"YQ-20261124-{i:04d}",
                "discovered_at": now - timedelta(minutes=i % 1800),
            }
        )
        for i in range(3000)
    ]
    period = period_containing(PeriodKind.weekly, now, repo.config.zone)
    document = period_document(repo, period, now, ReportOptions(include_drills=True), cases)
    last = document.doc.new_cases[-1].id
    assert len(document.doc.new_cases) > 1000
    templates = TemplateSet(demo_repo)
    charts = {"charts": {key: "data:," for key in document.charts}}
    for name in ("weekly.md.j2", "weekly.html.j2"):
        text = templates.render_text(name, {**context(document), **charts})
        assert last in text
        env = templates.environment(name)
        assert env.work_budget - env.work_left < env.work_budget / 10, name
    blank = {key: BLANK_PNG for key in document.charts}
    word = templates.render(document.template, "docx", context(document), charts=blank)
    assert isinstance(word, bytes) and word.startswith(b"PK")
