"""The limited template sandbox: no way out, no way to exhaust memory or time, no file outside.

The hostile corpus (tests/test_hostile_corpus.py) runs such templates through the CLI; these
tests pin the limits themselves, and the time limit, which the corpus cannot afford to wait for.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.render.conftest import Write
from yqctl.errors import YqError
from yqctl.render import sandbox
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
    started = time.monotonic()
    message = error_of(templates)
    assert time.monotonic() - started < 1.0
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
    write_repo("daily.md.j2", source)
    assert templates.render_text("daily.md.j2", {}) == expected


def test_each_render_has_its_own_range_budget(templates: TemplateSet, write_repo: Write) -> None:
    write_repo("daily.md.j2", "{{ range(90000) | length + range(90000) | length }}")
    for _ in range(3):  # 180,000 items per render: under the budget every time
        assert templates.render_text("daily.md.j2", {}) == "180000"


def test_render_running_too_long_is_stopped_at_its_line_and_later_renders_fail_fast(
    templates: TemplateSet, write_repo: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.2)
    write_repo(
        "daily.md.j2",
        "标题\n{% set s = 'a' * 50000 %}\n"
        "{% for a in s %}{% for b in s %}{{ '' }}{% endfor %}{% endfor %}\n",
    )
    started = time.monotonic()
    first = error_of(templates)
    assert time.monotonic() - started < 1.5
    assert first.startswith("templates/daily.md.j2:3:0: 模板错误：超出模板的资源限制：")
    assert "渲染超过 0.2 秒仍未完成" in first
    started = time.monotonic()
    assert error_of(templates) == first  # `check` renders many documents: it does not wait again
    assert time.monotonic() - started < 0.1


def test_time_limit_restores_the_previous_alarm_handler() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    with sandbox.time_limit(5):
        assert signal.getsignal(signal.SIGALRM) is not before
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


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
