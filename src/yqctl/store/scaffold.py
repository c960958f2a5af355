"""What ``yqctl init`` lays down: configuration, the chosen policy, folders, demo cases, git."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yqctl.core.config import Channel
from yqctl.errors import YqError
from yqctl.layout import CASES_DIR, CONFIG_FILE, EVIDENCE_DIR, ORG_FILE
from yqctl.resources import data_dir
from yqctl.store import roundtrip, yamlio
from yqctl.store.ci import ci_file
from yqctl.store.files import atomic_write
from yqctl.store.git import Git
from yqctl.store.gitsetup import (
    ATTRIBUTE,
    ATTRIBUTES_COMMENT,
    ATTRIBUTES_FILE,
    attributes_text,
    driver_command,
    register_driver,
)
from yqctl.store.schema import SCHEMA_FILE, schema_text
from yqctl.store.transaction import Transaction, writing

GITATTRIBUTES = f"""\
# yqctl：案件文件统一用 LF 换行；证据文件按字节原样保存（sha256 才能在各平台一致）
*.yaml text eol=lf
evidence/** -text -diff
{ATTRIBUTES_COMMENT}
{ATTRIBUTE}
"""

GITIGNORE = """\
# yqctl 的本地缓存，可随时删除
.yqctl/
# 写入中途被终止留下的临时文件（半个文件，绝不能提交）；yqctl check 会提示
.*.tmp
"""

TEMPLATES_README = """\
# templates/：表单与报告模板

yqctl 自带全部模板。在此放一个与内置模板同名的文件，即可覆盖它（其余仍用内置的）：

| 文档 | 命令 | Markdown / HTML（PDF 由 HTML 打印）/ Word |
|---|---|---|
| 附件3《舆情处置情况登记表》 | yqctl form ID registration | registration.md.j2 / registration.html.j2 / registration.docx |
| 附件4《舆情处置意见表》 | yqctl form ID opinion | opinion.md.j2 / opinion.html.j2 / opinion.docx |
| 《舆情处置记录》（中学预案四(一)至(五)） | yqctl form ID record | record.md.j2 / record.html.j2 / record.docx |
| 舆情日报、周报、月报 | yqctl report daily/weekly/monthly | daily.* / weekly.* / monthly.*（共用 _period.*） |
| 舆情专报 | yqctl report special ID | special.md.j2 / special.html.j2 / special.docx |

yqctl form 只提供本仓库策略（policies/ 中的策略文件）forms 所列的表单。

公共部分：_base.html.j2（页面、页眉“学校名称 · 内部资料”、页码）、_macros.*。
模板内可用：doc（表单或报告的内容，字段见 `yqctl report weekly --json`）、head（页眉：
institution、office、marking、title、generated_at）、charts（图表）。
过滤器：cn_date、cn_datetime、blank（空栏留出下划线供手填）；Markdown 模板另有 md_cell（表格单元格）、
md_link（<链接>）、md_code（`代码`）、md_pre（代码块中的一行）。
Markdown 模板与 HTML 模板一样，自动转义输出的文字（# 标题、<script>、[链接](…) 都原样显示为文字）；
宏的输出不再转义，确需原样输出时用 |safe。

模板在 Jinja 沙箱中运行；写错的变量名会报错并指出文件和行号。
生成 PDF 时只读取 data: 图片、yqctl 的图表和本案的证据文件（如 <img src="{{ e.path }}">），
其他文件和网址一律拒绝，也不嵌入附件；`yqctl check` 会指出模板中这样的引用。
`yqctl check` 会用演示案件渲染本目录中的模板（及引用它们的内置模板），模板出错在用到之前就能发现。

Put a file here with the name of a built-in template to override it; `yqctl check` renders
the templates here (and the built-in ones that include them) against the demo cases.
"""


def scaffold(
    directory: Path,
    policy: str,
    *,
    institution: str | None,
    demo: bool,
    commit: bool,
    policy_title: str | None = None,
) -> dict[str, Any]:
    """Lay down a new repository; ``institution`` names the school in yq.yaml, org.yaml and the
    policy's title (its placeholder replaced), ``policy_title`` gives the document's own title."""
    root = directory.resolve()
    if (root / CONFIG_FILE).exists():
        raise YqError(f"{root} 已经是 yqctl 仓库（已有 {CONFIG_FILE}），未做任何改动")
    policies = data_dir("policies")
    if not (policies / f"{policy}.yaml").is_file():
        raise YqError(f"找不到内置政策 {policy}")
    root.mkdir(parents=True, exist_ok=True)
    with writing(root, "init", foreign_ok=True) as change:
        if (root / CONFIG_FILE).exists():  # another init got here first, while we waited
            raise YqError(f"{root} 已经是 yqctl 仓库（已有 {CONFIG_FILE}），未做任何改动")
        names = Names(institution, policy_title)
        demo_cases, title = _lay_down(root, policies, policy, names, demo, change)
        if commit:
            git = Git(root)
            if not git.is_repo():
                git.init()
            register_driver(git)
            name = institution or "示例学校"
            change.commit(f"yqctl init: {name}（{policy}）" + ("，含演示案件" if demo else ""))
    return {
        "root": str(root),
        "policy": policy,
        "policy_title": title,
        "demo_cases": demo_cases,
    }


@dataclass(frozen=True)
class Names:
    """What ``init`` was told of the school: its name, its policy document's title."""

    institution: str | None
    policy_title: str | None


def _lay_down(
    root: Path,
    policies: Path,
    policy: str,
    names: Names,
    demo: bool,
    change: Transaction,
) -> tuple[int, str]:
    """Write every file of a new repository; the number of demo cases among them, and the title
    the policy now bears.

    ``yq.yaml`` comes last: it is what makes a folder a repository, so an init killed half-way
    leaves no ``yq.yaml`` and can simply be run again (files already there are kept).
    """
    institution = names.institution
    _write(root / ORG_FILE, _config_text(policies / f"{policy}.org.yaml", institution), change)
    shipped = policies / f"{policy}.yaml"
    policy_text, title = _policy_text(shipped, _placeholder(policies, policy), names)
    _write(root / "policies" / shipped.name, policy_text, change)
    _write(
        root / "policies" / "types.yaml",
        yamlio.read_text(policies / "types.yaml", "types.yaml"),
        change,
    )
    _write(root / "templates" / "README.md", TEMPLATES_README, change)
    _write(root / ATTRIBUTES_FILE, GITATTRIBUTES, change)
    _write(root / ".gitignore", GITIGNORE, change)
    _write(root / SCHEMA_FILE, schema_text(), change)
    for folder in (CASES_DIR, EVIDENCE_DIR):
        _write(root / folder / ".gitkeep", "", change)
    demo_cases = _copy_demo(policy, root, change) if demo else 0
    yq_yaml = _config_text(policies / f"{policy}.yq.yaml", institution)
    _write(root / CONFIG_FILE, yq_yaml, change)
    return demo_cases, title


def _config_text(source: Path, institution: str | None) -> str:
    text = yamlio.read_text(source, source.name)
    if institution:
        tree = roundtrip.load(text)
        tree["institution"] = institution
        text = roundtrip.dump(tree)
    return text


def _placeholder(policies: Path, policy: str) -> str:
    """The school name the shipped files use (XX工程学院, xx中学): yq.yaml's ``institution``."""
    source = policies / f"{policy}.yq.yaml"
    return str(yamlio.load(source, source.name).mapping()["institution"])


def policy_title(policy: str, institution: str | None) -> str:
    """The title ``init`` gives the built-in policy ``policy`` for a school of that name."""
    policies = data_dir("policies")
    source = policies / f"{policy}.yaml"
    shipped = str(yamlio.load(source, source.name).mapping()["name"])
    return _titled(shipped, _placeholder(policies, policy), Names(institution, None))


def _titled(shipped: str, placeholder: str, names: Names) -> str:
    """The document's own title if given; else, with the school's name, the shipped title with
    the placeholder school replaced (XX工程学院舆情管理与处置办法（试行） → 某某大学舆情管理与处置办法
    （试行））; else the shipped title, which ``check`` names as a placeholder to fill in."""
    if names.policy_title:
        return names.policy_title
    if names.institution and placeholder in shipped:
        return shipped.replace(placeholder, names.institution)
    return shipped


def _policy_text(source: Path, placeholder: str, names: Names) -> tuple[str, str]:
    """The policy file with its ``name`` (制度全称) set, comments and all kept; and that name."""
    text = yamlio.read_text(source, source.name)
    tree = roundtrip.load(text)
    title = _titled(str(tree["name"]), placeholder, names)
    if title == tree["name"]:
        return text, title
    tree["name"] = title
    return roundtrip.dump(tree), title


def _write(path: Path, data: str | bytes, change: Transaction) -> None:
    # a file already there is part of the first commit, but never overwritten
    change.track(path.relative_to(change.root).as_posix())
    if not path.exists():
        atomic_write(path, data)


def _copy_demo(policy: str, root: Path, change: Transaction) -> int:
    source = data_dir("cases") / policy
    count = 0
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(source)
        # demo cases/<policy>/2026/X.yaml → cases/2026/X.yaml; evidence/… stays evidence/…
        target = root / (relative if relative.parts[0] == EVIDENCE_DIR else CASES_DIR / relative)
        if target.exists():
            continue
        _write(target, path.read_bytes(), change)  # atomic: a killed init leaves no half file
        count += int(target.suffix == ".yaml")
    return count


def install_hooks(root: Path, *, commit: bool) -> dict[str, Any]:
    """On an existing clone: add the merge driver's line to ``.gitattributes`` (committed) and
    register the driver in this clone's git config."""
    git = Git(root)
    git.require_repo()
    path = root / ATTRIBUTES_FILE
    with writing(root, "init --hooks", foreign_ok=not commit) as change:
        change.track(ATTRIBUTES_FILE)
        current = path.read_text("utf-8") if path.exists() else ""
        text = attributes_text(current)
        if text is not None:
            atomic_write(path, text)
            if commit:
                change.commit("yqctl init --hooks: 案件文件按字段合并（.gitattributes）")
        registered = register_driver(git)
    return {
        "root": str(root),
        "attributes_added": text is not None,
        "driver_registered": registered,
        "driver": driver_command(),
    }


def install_ci(root: Path, kind: str, channels: list[Channel], *, commit: bool) -> str:
    """Write (or rewrite) the CI file for ``kind``; its path."""
    relative, text = ci_file(kind, channels)
    with writing(root, f"init --ci {kind}", foreign_ok=not commit) as change:
        change.track(relative)
        path = root / relative
        if path.exists() and path.read_text("utf-8") == text:
            return relative
        atomic_write(path, text)
        if commit:
            change.commit(
                f"yqctl init --ci {kind}: check on every push, due --check --notify on a schedule"
            )
    return relative
