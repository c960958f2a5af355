"""What a shared repository's template can make ``report special -o x.pdf`` read: the case's own
evidence images, and nothing outside the repository (issue 18, item 2). Driven through the CLI on
the demo repository; the secret stands for /etc/passwd and lives outside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import NOW, Runner
from tests.render.test_pdf import LEAKS, leaked, write_secrets
from yqctl.render.charts import bar_chart

LEVEL1 = "YQ-20261124-RZ6X"  # 一级: the special report's case
OTHER = "YQ-20261123-4TAV"  # another open case


def special_template(repo: Path, body: str) -> None:
    (repo / "templates" / "special.html.j2").write_text(
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"></head>\n'
        f"<body><h1>{{{{ doc.title }}}}</h1>\n{body}\n</body></html>\n",
        encoding="utf-8",
    )


def special_pdf(yq: Runner, repo: Path, target: Path) -> tuple[int, str]:
    result = yq("report", "special", LEVEL1, "--repo", str(repo), "--now", NOW, "-o", str(target))
    return result.code, result.out + result.err


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    return write_secrets(tmp_path / "outside")


@pytest.mark.parametrize(
    "attack", ["link-attachment", "a-attachment", "img-relative", "css-url", "css-import"]
)
def test_a_repository_template_cannot_put_a_file_from_outside_into_the_pdf(
    yq: Runner, demo_repo: Path, secret: Path, tmp_path: Path, attack: str
) -> None:
    # LEAKS climb ../../ from their base; PDFs resolve against the repository, one level deeper
    up = "../" * len(demo_repo.relative_to(tmp_path).parts)
    body = LEAKS[attack].format(out=secret.as_uri()).replace("../../", up)
    special_template(demo_repo, body)
    target = tmp_path / "专报.pdf"
    code, said = special_pdf(yq, demo_repo, target)
    if target.exists():
        assert leaked(target.read_bytes()) == [], "the secret reached the PDF"
    assert code == 1 and not target.exists(), said
    assert "已拒绝" in said and "/outside/" in said and "Traceback" not in said


def test_the_cases_own_evidence_image_is_shown_and_another_cases_is_refused(
    yq: Runner, demo_repo: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "热搜截图.png"
    shot.write_bytes(bar_chart("截图", ["甲"], [1]))
    for case in (LEVEL1, OTHER):
        added = yq("evidence", "add", case, str(shot), "--source", "1", "--repo", str(demo_repo),
                   "--now", NOW)  # fmt: skip
        assert added.code == 0, added.err
    special_template(demo_repo, '{% for e in doc.evidence %}<img src="{{ e.path }}">{% endfor %}')
    target = tmp_path / "专报.pdf"
    assert special_pdf(yq, demo_repo, target) == (0, f"已生成 {target}\n")
    from pypdf import PdfReader

    assert sum(len(page.images) for page in PdfReader(target).pages) == 1

    special_template(demo_repo, f'<img src="evidence/{OTHER}/热搜截图.png">')
    code, said = special_pdf(yq, demo_repo, tmp_path / "别案.pdf")
    assert code == 1 and f"evidence/{OTHER}/" in said and "已拒绝" in said


def test_an_evidence_file_replaced_by_a_symlink_out_of_the_repository_is_refused(
    yq: Runner, demo_repo: Path, secret: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "截图.png"
    shot.write_bytes(bar_chart("截图", ["甲"], [1]))
    added = yq("evidence", "add", LEVEL1, str(shot), "--source", "1", "--repo", str(demo_repo),
               "--now", NOW)  # fmt: skip
    assert added.code == 0, added.err
    kept = demo_repo / "evidence" / LEVEL1 / "截图.png"
    kept.unlink()
    kept.symlink_to(secret / "leak.png")  # as a hostile commit would leave it
    special_template(demo_repo, '{% for e in doc.evidence %}<img src="{{ e.path }}">{% endfor %}')
    target = tmp_path / "专报.pdf"
    code, said = special_pdf(yq, demo_repo, target)
    assert code == 1 and not target.exists() and "截图.png" in said and "已拒绝" in said


def test_check_names_each_outside_reference_of_a_repository_template(
    yq: Runner, demo_repo: Path
) -> None:
    (demo_repo / "templates" / "_base.html.j2").write_text(
        '<!doctype html>\n<link rel="attachment" href="file:///etc/passwd">\n'
        '<style>@import "../../x.css";</style>\n'
        "{% block body %}{% endblock %}\n",
        encoding="utf-8",
    )
    result = yq("check", "--repo", str(demo_repo))
    said = result.out + result.err
    assert result.code == 1, said
    assert "templates/_base.html.j2:2:30" in said and "file:///etc/passwd" in said
    assert "templates/_base.html.j2:3:17" in said and "../../x.css" in said
