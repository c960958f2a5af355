"""`yqctl form` offers the forms the repository's policy lists (issue 19 item 6), end to end.

The university 办法 has 附件3/附件4; the middle-school 预案 has none of them, and its 四(一)-(五)
is filled in as a 《舆情处置记录》. The wording of the record is pinned by the golden files
(tests/render); these tests pin which forms are offered, the messages and the formats.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NOW, Runner, git, invoke

MAJOR = "YQ-20261124-NXJY"  # middle school: 重大网络舆情, 报辖区公安 missed
LEVEL3 = "YQ-20261106-VF40"  # university: 三级, closed


def set_forms(root: Path, policy: str, line: str | None) -> None:
    """Replace the policy's ``forms:`` line (None: remove it, as in a policy file written before
    the key existed), committed."""
    path = root / "policies" / f"{policy}.yaml"
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(r"^forms: .*\n", "" if line is None else line + "\n", text, flags=re.M)
    assert count == 1
    path.write_text(text, encoding="utf-8")
    git(root, "commit", "-qam", "forms")


def test_the_middle_school_is_offered_its_record_and_not_the_universitys_forms(
    yq: Runner, middle_repo: Path
) -> None:
    for kind in ("registration", "opinion"):
        refused = yq("form", MAJOR, kind, "--repo", str(middle_repo), "--now", NOW)
        assert refused.code == 2, refused.out
        assert f"没有表单 {kind}" in refused.err and "xx中学舆情应急处置预案" in refused.err
        assert "可用：record（《舆情处置记录》" in refused.err and "Traceback" not in refused.err
        assert refused.out == ""
    made = yq("form", MAJOR, "record", "--repo", str(middle_repo), "--now", NOW)
    assert made.code == 0, made.err
    assert made.err == ""  # no "不要求此表": the record is every case's account
    for words in (
        "# 舆情处置记录",
        "一、研判预警（四(一)）",
        "二、快速反应（四(二)）",
        "五、总结评估",
    ):
        assert words in made.out, words
    police = next(line for line in made.out.splitlines() if "马上报学校辖区公安部门" in line)
    assert "已超时" in police


def test_the_university_is_refused_the_record_and_keeps_its_annexes(
    yq: Runner, demo_repo: Path
) -> None:
    refused = yq("form", LEVEL3, "record", "--repo", str(demo_repo))
    assert refused.code == 2
    assert "没有表单 record" in refused.err
    assert "registration（附件3《舆情处置情况登记表》" in refused.err
    assert "opinion（附件4《舆情处置意见表》" in refused.err
    made = yq("form", LEVEL3, "registration", "--repo", str(demo_repo), "--now", NOW)
    assert made.code == 0 and "舆情处置情况登记表" in made.out


def test_form_without_a_kind_lists_the_policys_forms(
    yq: Runner, demo_repo: Path, middle_repo: Path
) -> None:
    listed = yq("form", LEVEL3, "--repo", str(demo_repo))
    assert listed.code == 0, listed.err
    lines = listed.out.splitlines()
    assert "《XX工程学院舆情管理与处置办法（试行）》提供的表单" in lines[0]
    registration = next(line for line in lines if "registration" in line)
    assert "本案须填此表" in registration  # 三级: 附件3 within 24 hours
    assert "本案须填此表" not in next(line for line in lines if "opinion" in line)
    assert "record" not in listed.out
    data = yq("form", LEVEL3, "--repo", str(demo_repo), "--json").json()
    assert [(row["kind"], row["required"]) for row in data] == [
        ("registration", True),
        ("opinion", False),
    ]
    middle = yq("form", MAJOR, "--repo", str(middle_repo), "--json").json()
    assert [(row["kind"], row["required"]) for row in middle] == [("record", None)]


def test_the_policys_forms_key_decides_what_form_offers(yq: Runner, demo_repo: Path) -> None:
    set_forms(demo_repo, "university", "forms: [registration, opinion, record]")
    made = yq("form", LEVEL3, "record", "--repo", str(demo_repo), "--now", NOW)
    assert made.code == 0, made.err
    assert "舆情处置记录" in made.out
    set_forms(demo_repo, "university", "forms: []")
    refused = yq("form", LEVEL3, "registration", "--repo", str(demo_repo))
    assert refused.code == 2 and "没有列出任何表单" in refused.err
    assert "没有列出任何表单" in yq("form", LEVEL3, "--repo", str(demo_repo)).out


@pytest.mark.parametrize(
    ("policy", "case_id", "offered"),
    [("university", LEVEL3, ["registration", "opinion"]), ("middle-school", MAJOR, ["record"])],
)
def test_a_policy_written_before_forms_existed_offers_what_its_deadlines_ask_for(
    yq: Runner, tmp_path: Path, policy: str, case_id: str, offered: list[str]
) -> None:
    root = tmp_path / policy
    assert invoke("init", str(root), "--policy", policy, "--demo").code == 0
    set_forms(root, policy, None)
    data = yq("form", case_id, "--repo", str(root), "--json").json()
    assert [row["kind"] for row in data] == offered
    assert yq("check", "--repo", str(root)).code == 0


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("forms: [registration, annex5]", "forms[1]: 未知的表单 'annex5'；可选值："),
        ("forms: [registration, registration]", "表单 registration 重复"),
    ],
)
def test_a_bad_forms_key_is_named_by_check_at_its_line(
    yq: Runner, demo_repo: Path, line: str, said: str
) -> None:
    set_forms(demo_repo, "university", line)
    text = (demo_repo / "policies" / "university.yaml").read_text("utf-8")
    number = next(n for n, row in enumerate(text.splitlines(), 1) if row == line)
    result = yq("check", "--repo", str(demo_repo))
    assert result.code == 1
    problem = next(row for row in result.out.splitlines() if said in row)
    assert problem.startswith(f"policies/university.yaml:{number}:")
    if "未知" in said:
        assert "record（《舆情处置记录》）" in problem


def _complete(cwd: Path, *words: str) -> list[str]:
    """What yqctl offers when bash, in ``cwd``, completes ``words`` (the last one partial)."""
    env = {
        **os.environ,
        "_YQCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": " ".join(["yqctl", *words]),
        "COMP_CWORD": str(len(words)),
    }
    result = subprocess.run(
        [sys.executable, "-m", "yqctl"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.split()


def test_completion_offers_the_repositorys_forms(
    demo_repo: Path, middle_repo: Path, tmp_path: Path
) -> None:
    assert _complete(middle_repo, "form", MAJOR, "") == ["record"]
    assert _complete(demo_repo, "form", LEVEL3, "") == ["registration", "opinion"]
    assert _complete(demo_repo, "form", LEVEL3, "op") == ["opinion"]
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert _complete(outside, "form", "X", "") == ["registration", "opinion", "record"]


def test_help_names_every_form_and_says_the_policy_decides(yq: Runner) -> None:
    text = re.sub(r"\s+", "", yq("form", "--help").out)
    for words in ("registration", "opinion", "record", "forms所列为准", "不给时列出可用的表单"):
        assert words in text, words


def test_the_record_in_word_and_pdf(yq: Runner, middle_repo: Path, tmp_path: Path) -> None:
    from docx import Document

    word = tmp_path / "记录.docx"
    made = yq("form", MAJOR, "record", "--repo", str(middle_repo), "--now", NOW, "-o", str(word))
    assert made.code == 0, made.err
    document = Document(str(word))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    paragraphs = [p.text for p in document.paragraphs]
    assert "舆情处置记录" in paragraphs
    assert "二、快速反应（四(二)）" in paragraphs
    assert "马上报学校辖区公安部门" in cells
    assert any(cell.startswith("已超时（") for cell in cells)  # the 报辖区公安 left undone
    assert not any("None" in text or "{{" in text for text in cells + paragraphs)
    pdf = tmp_path / "记录.pdf"
    made = yq("form", MAJOR, "record", "--repo", str(middle_repo), "--now", NOW, "-o", str(pdf))
    assert made.code == 0, made.err
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in ("舆情处置记录", "快速反应", "马上报学校辖区公安部门", "已超时", "总结评估"):
        assert words in text, words


def test_check_renders_a_repository_record_template(yq: Runner, middle_repo: Path) -> None:
    (middle_repo / "templates" / "record.md.j2").write_text(
        "{{ doc.respond.stepz }}\n", encoding="utf-8"
    )
    result = yq("check", "--repo", str(middle_repo))
    assert result.code == 1
    assert "templates/record.md.j2:1" in result.out and "stepz" in result.out
