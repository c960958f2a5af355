"""``yqctl report weekly --repo A --repo B``: the district's report of several schools.

Driven through the CLI against two real demo repositories with different policies (a
university's 办法 and a middle school's 预案). The district's figures must be each school's own
report's figures, side by side and summed; see tests/golden for the rendered Markdown and HTML.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_forms_reports import _docx_text, _pdf_text
from tests.conftest import NOW, Runner, git, invoke

WEEK = ("report", "weekly", "--week", "2026-W47", "--now", NOW)
SECRET = "YQ-20261117-HQ8N"  # the university demo's confidential case in W47


@pytest.fixture
def middle(middle_repo: Path) -> Path:
    return middle_repo


def district(yq: Runner, *repos: Path, extra: tuple[str, ...] = ()) -> dict:  # type: ignore[type-arg]
    args = [arg for repo in repos for arg in ("--repo", str(repo))]
    result = yq(*WEEK, *args, *extra, "--json")
    assert result.code == 0, result.err
    return result.json()  # type: ignore[no-any-return]


def test_each_schools_figures_are_its_own_reports(
    yq: Runner, demo_repo: Path, middle: Path
) -> None:
    report = district(yq, demo_repo, middle)
    own = [yq(*WEEK, "--repo", str(r), "--json").json() for r in (demo_repo, middle)]
    assert [s["name"] for s in report["schools"]] == ["XX工程学院", "xx中学"]
    for row, school in zip(report["schools"], own, strict=True):
        assert row["totals"] == school["totals"]
        assert row["deadline_tally"] == school["deadline_tally"]
        assert row["by_level"] == school["by_level"]  # each under its own policy's names
        assert row["policy_name"] == school["policy_name"]
        assert row["key_count"] == len(school["key_cases"])
    for key in ("in_period", "new", "closed", "open_at_end", "ungraded", "redacted"):
        assert report["totals"][key] == sum(s["totals"][key] for s in own), key
    for key in ("total", "on_time", "late", "missed", "pending"):
        assert report["deadline_tally"][key] == sum(s["deadline_tally"][key] for s in own), key
    assert report["totals"]["in_period"] > own[0]["totals"]["in_period"] > 0


def test_the_order_of_the_repositories_is_the_order_of_the_schools(
    yq: Runner, demo_repo: Path, middle: Path
) -> None:
    report = district(yq, middle, demo_repo)
    assert [s["name"] for s in report["schools"]] == ["xx中学", "XX工程学院"]


def test_confidential_cases_stay_redacted_unless_asked(
    yq: Runner, demo_repo: Path, middle: Path
) -> None:
    args = (*WEEK, "--repo", str(demo_repo), "--repo", str(middle), "--format", "md")
    hidden = yq(*args)
    assert hidden.code == 0, hidden.err
    secret = _title(demo_repo, SECRET)
    assert SECRET in hidden.out and secret not in hidden.out
    assert hidden.out.splitlines()[0].endswith(" · 内部资料")
    shown = yq(*args, "--include-confidential")
    assert shown.code == 0, shown.err
    assert secret in shown.out
    # the head bears the confidential marking of the school whose secret it prints
    assert shown.out.splitlines()[0].endswith(" · 内部资料 严格控制知悉范围")


def test_issuer_heads_the_report(yq: Runner, demo_repo: Path, middle: Path) -> None:
    args = (*WEEK, "--repo", str(demo_repo), "--repo", str(middle), "--format", "md")
    named = yq(*args, "--issuer", "某区教育局")
    assert named.out.startswith("某区教育局 · ") and "发文单位：某区教育局" in named.out
    default = yq(*args)
    assert default.out.startswith("XX工程学院、xx中学 · ")


def test_word_and_pdf_hold_every_school(
    yq: Runner, demo_repo: Path, middle: Path, tmp_path: Path
) -> None:
    from docx import Document

    repos = ("--repo", str(demo_repo), "--repo", str(middle))
    docx_file, pdf_file = tmp_path / "汇总.docx", tmp_path / "汇总.pdf"
    for target in (docx_file, pdf_file):
        result = yq(*WEEK, *repos, "-o", str(target))
        assert result.code == 0, result.err
    for text in (_docx_text(Document(str(docx_file))), _pdf_text(pdf_file)):
        assert "舆情周报（汇总）" in text
        assert "XX工程学院" in text and "xx中学" in text
        assert "各校落实情况" in text and "xx中学舆情应急处置预案" in text
        assert "{{" not in text and "{%" not in text


def test_default_file_name_says_it_is_the_district_report(
    yq: Runner, demo_repo: Path, middle: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    repos = ("--repo", str(demo_repo), "--repo", str(middle))
    result = invoke(*WEEK, *repos, "--format", "docx", cwd=work)
    assert result.code == 0, result.err
    assert (work / "舆情周报（汇总）-2026-W47.docx").is_file()


def test_two_schools_of_the_same_name_are_told_apart_by_folder(
    yq: Runner, demo_repo: Path, tmp_path: Path
) -> None:
    twin = tmp_path / "分校"
    assert invoke("init", str(twin), "--policy", "university", "--demo").code == 0
    names = [s["name"] for s in district(yq, demo_repo, twin)["schools"]]
    assert names == ["XX工程学院（demo）", "XX工程学院（分校）"]


def test_an_unreadable_case_marks_its_school_and_exits_1(
    yq: Runner, demo_repo: Path, middle: Path
) -> None:
    broken = next((middle / "cases").rglob("*.yaml"))
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    result = yq(*WEEK, "--repo", str(demo_repo), "--repo", str(middle), "--format", "md")
    assert result.code == 1
    assert f"{broken.name}:" in result.err and "无法读取" in result.err
    assert "| xx中学（数据不全） |" in result.out
    assert "有 1 个案件文件无法读取" in result.out


def test_refusals(yq: Runner, demo_repo: Path, middle: Path, tmp_path: Path) -> None:
    twice = yq(*WEEK, "--repo", str(demo_repo), "--repo", str(demo_repo / "cases"))
    assert twice.code == 2 and "同一个仓库给了不止一次" in twice.err
    issuer = yq(*WEEK, "--repo", str(demo_repo), "--issuer", "某区教育局")
    assert issuer.code == 2 and "--issuer 只用于汇总报告" in issuer.err
    missing = yq(*WEEK, "--repo", str(demo_repo), "--repo", str(tmp_path / "nowhere"))
    assert missing.code == 1 and "仓库目录不存在" in missing.err
    assert "Traceback" not in twice.err + issuer.err + missing.err


def test_yqctl_repo_with_a_space_still_names_one_repository(
    yq: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spaced = tmp_path / "my schools" / "demo"
    assert invoke("init", str(spaced), "--policy", "university", "--demo").code == 0
    monkeypatch.setenv("YQCTL_REPO", str(spaced))
    result = yq(*WEEK, "--json")
    assert result.code == 0, result.err
    assert result.json()["totals"]["in_period"] > 0


def _title(repo: Path, case_id: str) -> str:
    import yaml

    path = next((repo / "cases").rglob(f"{case_id}.yaml"))
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["title"])


def test_the_schools_repositories_are_left_untouched(
    yq: Runner, demo_repo: Path, middle: Path
) -> None:
    before = [
        git(r, "status", "--porcelain") + git(r, "rev-parse", "HEAD") for r in (demo_repo, middle)
    ]
    district(yq, demo_repo, middle)
    after = [
        git(r, "status", "--porcelain") + git(r, "rev-parse", "HEAD") for r in (demo_repo, middle)
    ]
    assert after == before
