"""Placeholders left from the shipped samples (XX工程学院, xx中学, 20XX, X同志, 待填写), named by
``yqctl check`` as warnings at ``path:line:col`` with how to fill each in.

The school's name and its policy's title are printed on every form and report ("按《XX工程学院舆情
管理与处置办法（试行）》规定的处置时限"); a sample name left in yq.yaml, org.yaml or the policy is
worth a warning, not a failure: the office may fill it in later. Only values are read (not keys or
comments), and only the repository's own files (a built-in policy cannot be edited). "XX" counts
where it stands apart from Latin letters, so 20XX and XX市 are placeholders and Foxx or XXL are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from yqctl.errors import Problem, YqError
from yqctl.layout import CONFIG_FILE, ORG_FILE, POLICIES_DIR
from yqctl.store import yamlio
from yqctl.store.files import inside
from yqctl.store.repo import Repo
from yqctl.textutil import shortened

CONTACT_PLACEHOLDER = "待填写"  # org.yaml's contacts: check groups these per unit or role itself
_FOUND = re.compile(
    r"待填写|X同志"  # the scaffold's contacts; the 预案's 分管副校长X同志
    r"|(?<![A-Za-z0-9])(?:19|20)?(?:X{2,}|x{2,})(?![A-Za-z])"  # XX工程学院, xx中学, [20XX]
)
_ALONE = frozenset({"X", "x"})  # 副组长：X

Loc = tuple[str | int, ...]

# what a value is for, by file and key: the advice that fits it best
_ADVICE: dict[tuple[str, Loc], str] = {
    (CONFIG_FILE, ("institution",)): "改为学校全称（表单、报告的页眉印的就是它；新建仓库时可用 "
    "yqctl init --institution 指定）",
    (ORG_FILE, ("institution",)): "改为学校全称，与 yq.yaml 的 institution 一致",
    ("policy", ("name",)): "改为本校处置文件的标题（周报、月报写作“按《…》规定的处置时限”；"
    "新建仓库时可用 yqctl init --policy-title 指定）",
}


def placeholder_warnings(repo: Repo, policy: str | None) -> list[Problem]:
    """Every placeholder in yq.yaml, the policy ``policy`` (the repository's copy) and org.yaml,
    in that order: the names printed on documents first. org.yaml's contacts that are exactly
    待填写 are left to check's own per-unit warning."""
    files: list[tuple[str, str]] = [(CONFIG_FILE, CONFIG_FILE)]
    if policy is not None:
        files.append((f"{POLICIES_DIR}/{policy}.yaml", "policy"))
    files.append((ORG_FILE, ORG_FILE))
    found: list[Problem] = []
    for relative, kind in files:
        doc = _document(repo, relative)
        if doc is None:
            continue
        skip = CONTACT_PLACEHOLDER if kind == ORG_FILE else None
        found += [_warning(doc, kind, hit) for hit in _hits(doc.data, (), skip)]
    return found


def _document(repo: Repo, relative: str) -> yamlio.Document | None:
    """The file parsed, or None: absent (a built-in policy), or broken (check names that)."""
    try:
        if not inside(repo.root, relative, what="配置文件").is_file():
            return None
        return repo.load_document(relative)
    except YqError:
        return None


@dataclass(frozen=True)
class _Hit:
    """A value holding placeholders: where, the value, the first one's offset, the distinct ones."""

    loc: Loc
    value: str
    offset: int
    tokens: list[str]


def _hits(node: Any, loc: Loc, skip: str | None) -> Iterator[_Hit]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _hits(value, (*loc, key), skip)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _hits(value, (*loc, index), skip)
    elif isinstance(node, str) and node != skip:
        found = list(_FOUND.finditer(node))
        if found:
            tokens = list(dict.fromkeys(hit.group(0) for hit in found))
            yield _Hit(loc, node, found[0].start(), tokens)
        elif node.strip() in _ALONE:
            yield _Hit(loc, node, node.index(node.strip()), [node.strip()])


def _warning(doc: yamlio.Document, kind: str, hit: _Hit) -> Problem:
    line, col = doc.mark(hit.loc)
    col = _column(doc, line, col, hit.value, hit.offset)
    where = ".".join(str(part) for part in hit.loc)
    marks = "”“".join(hit.tokens)
    message = (
        f"{where} 仍含样例的占位内容“{marks}”（“{shortened(hit.value.strip(), 40)}”）："
        f"{_advice(kind, hit.loc, hit.tokens)}"
    )
    return Problem(doc.path, line, col, message)


def _advice(kind: str, loc: Loc, tokens: list[str]) -> str:
    if (kind, loc) in _ADVICE:
        return _ADVICE[kind, loc]
    if all(token.startswith(("19", "20")) for token in tokens):
        return "照本校文件填写文号的实际年份"
    if all(token in _ALONE or token.endswith("同志") for token in tokens):
        return "改为实际姓名或岗位"
    if tokens == [CONTACT_PLACEHOLDER]:
        return "请填写实际内容"
    return "改为实际名称"


def _column(doc: yamlio.Document, line: int, col: int, value: str, offset: int) -> int:
    """The column of the placeholder itself when the value is written plainly or quoted on its
    line (it is, in every shipped file); else the value's own column."""
    lines = (doc.text or "").splitlines()
    if not 1 <= line <= len(lines):
        return col
    rest = lines[line - 1][col - 1 :]
    if rest.startswith(value[: offset + 1]):
        return col + offset
    if rest[:1] in {'"', "'"} and rest[1:].startswith(value[: offset + 1]):
        return col + 1 + offset
    return col
