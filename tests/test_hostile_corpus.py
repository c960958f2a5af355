"""Hostile input through the real CLI, driven by the corpus in ``tests/corpus/``.

Each input ``tests/corpus/<kind>/<name>.<ext>`` has a sidecar ``<name>.expect``:

    # what is hostile about it
    at: LINE:COL            where the problem must be reported (COL 0: a template, no column)
    says: FRAGMENT          part of the Chinese message (repeatable)
    path: PATH              where the problem is reported, if not where the input is placed
    as: NAME                templates only: the template file the input replaces
    run: check              only `yqctl check` follows this reference (the file itself is valid)

The input is placed into a fresh copy of the demo repository (``yqctl init --demo``), and every
command that reads it must: exit 1; print ``PATH:LINE:COL: `` with the fragments; print no
traceback and no 内部错误; change no file and leave ``git status`` as it was; finish in 2 s.

Pathological inputs too big or too binary to commit (a 2 MiB scalar, 10,000 levels, NUL, invalid
UTF-8, BOM, CR/LF mixtures, symlinks) are generated below; the yaml-test-suite's 94 malformed
inputs (tests/data/yaml-test-suite-errors/) are each placed as a case file and as ``org.yaml``,
with their expected positions in ``tests/corpus/yaml-test-suite.expect``.

Most commands run in-process (``tests.conftest.invoke``); a representative few as subprocesses.
``yqctl check`` renders every repository template, so one check run reads all the malformed
case files at once, each in its own folder, and must report every one of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tests.conftest import NOW, Result, invoke

CORPUS = Path(__file__).parent / "corpus"
SUITE = Path(__file__).parent / "data" / "yaml-test-suite-errors"
SUITE_EXPECT = CORPUS / "yaml-test-suite.expect"
TIME_LIMIT = 2.0  # seconds per command: the requirement itself, not a tuning knob

BAD_ID = "YQ-20261124-BAD0"  # the id the case inputs carry
CASE_FILE = f"cases/2026/{BAD_ID}.yaml"
DEMO_ID = "YQ-20261124-RZ6X"  # a graded demo case: every command has something to do with it

Command = tuple[str, ...]
WEEKLY: Command = ("report", "weekly", "--now", NOW)


@dataclass(frozen=True)
class Expect:
    """What one corpus input must produce."""

    name: str
    place: str  # where the input goes in the repository
    path: str  # where the problem is reported
    line: int
    col: int
    says: tuple[str, ...]
    commands: tuple[Command, ...]
    about: str = ""
    source: Path | None = None  # the committed input, if any
    data: bytes = b""  # a generated input
    links_to: str | None = None  # the input is a symlink to this target
    needs_check: bool = False  # a case file that only `check` finds wrong

    @property
    def prefix(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: " if self.line else f"{self.path}: "

    def content(self) -> bytes:
        return self.source.read_bytes() if self.source is not None else self.data


# --- reading the corpus -----------------------------------------------------------------------

CHECK: Command = ("check",)
PLACES = {
    "case": CASE_FILE,
    "org": "org.yaml",
    "config": "yq.yaml",
    "policy": "policies/university.yaml",
    "calendar": "policies/calendar.yaml",
    "types": "policies/types.yaml",
}
COMMANDS: dict[str, tuple[Command, ...]] = {
    "case": (("show", BAD_ID), ("list",)),
    "org": (CHECK, ("act", DEMO_ID, "note", "--no-commit", "--now", NOW, "--text", "补记")),
    "config": (CHECK, ("list",), ("show", DEMO_ID)),
    "policy": (CHECK, ("show", DEMO_ID)),
    "calendar": (CHECK, ("show", DEMO_ID, "--now", NOW)),
    "types": (CHECK,),
}
TEMPLATE_COMMANDS: dict[str, Command] = {
    "weekly.md.j2": WEEKLY,
    "weekly.html.j2": (*WEEKLY, "--format", "html"),
    "_macros.md.j2": WEEKLY,
    "registration.md.j2": ("form", "YQ-20261123-CZSC", "registration", "--now", NOW),
}


def _fields(path: Path) -> tuple[str, dict[str, list[str]]]:
    about, fields = "", {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#"):
            about = about or raw.lstrip("# ")
        elif raw.strip():
            key, _, value = raw.partition(":")
            fields.setdefault(key.strip(), []).append(value.strip())
    return about, fields


def corpus_input(expect_file: Path) -> Expect:
    kind, name = expect_file.parent.name, expect_file.stem
    about, fields = _fields(expect_file)
    [source] = [p for p in expect_file.parent.glob(f"{name}.*") if p.suffix != ".expect"]
    line, col = (int(n) for n in fields["at"][0].split(":"))
    needs_check = fields.get("run") == ["check"]
    if kind == "template":  # `check` renders all of them at once (test below)
        place = f"templates/{fields['as'][0]}"
        commands: tuple[Command, ...] = (TEMPLATE_COMMANDS[fields["as"][0]],)
    else:
        place = PLACES[kind]
        commands = (CHECK,) if needs_check else COMMANDS[kind]
    return Expect(
        name=f"{kind}/{name}",
        place=place,
        path=fields.get("path", [place])[0],
        line=line,
        col=col,
        says=tuple(fields["says"]),
        commands=commands,
        about=about,
        source=source,
        needs_check=needs_check,
    )


CORPUS_INPUTS = [corpus_input(p) for p in sorted(CORPUS.glob("*/*.expect"))]


# --- generated inputs -------------------------------------------------------------------------

CASE_TEXT = (
    (CORPUS / "case" / "unknown-key.yaml")
    .read_text(encoding="utf-8")
    .replace("sumary:", "summary:")
)  # the corpus's valid reference case (its unknown-key input, corrected)
CASE_LINES = CASE_TEXT.count("\n")


def _case(data: bytes, line: int, col: int, *says: str, name: str) -> Expect:
    return Expect(
        f"generated/case-{name}", CASE_FILE, CASE_FILE, line, col, says, COMMANDS["case"], data=data
    )


def _org(data: bytes, line: int, col: int, *says: str, name: str) -> Expect:
    org = "org.yaml"
    return Expect(f"generated/org-{name}", org, org, line, col, says, COMMANDS["org"], data=data)


def _with_error_on_line_3(eol: str) -> bytes:
    lines = CASE_TEXT.replace("title: 网传某学院", "title: 网传: 某学院").splitlines()
    return eol.join(lines).encode() + eol.encode()


def generated_inputs() -> list[Expect]:
    big = b"summary: " + b"x" * (2 * 1024 * 1024) + b"\n"
    deep = ("x: " + "[" * 10_000 + "]" * 10_000 + "\n").encode()
    gbk_title = CASE_TEXT.replace("title: 网传某学院", "title: 网传某学院").encode("gbk")
    nul = CASE_TEXT.replace("summary: 有学生", "summary: 有学\0生").encode()
    bom_tag = b"\xef\xbb\xbf" + CASE_TEXT.replace("version: 1", "version: !!int 1").encode()
    mixed = _with_error_on_line_3("\r\n").replace(b"\r\n", b"\n", 4)
    long_line = CASE_TEXT.encode() + b"k" * 100_000 + b"\n"
    padded = CASE_TEXT.replace("summary: ", "summary: " + "长" * 300_000 + " ").encode()
    return [
        _case(big, 1, 1, "文件过大", "2.0 MiB", "上限 1.0 MiB", name="2mib-scalar"),
        _case(deep, 1, 1003, "嵌套过深", name="10000-deep"),
        _case(gbk_title, 3, 8, "不是 UTF-8", name="gbk-bytes"),
        _case(
            CASE_TEXT.encode() + b"x: \xed\xa0\x80\n",
            CASE_LINES + 1,
            4,
            "不是 UTF-8",
            name="surrogate",
        ),
        _case(
            CASE_TEXT.encode() + b"x: \xc0\xaf\n", CASE_LINES + 1, 4, "不是 UTF-8", name="overlong"
        ),
        _case(nul, 8, 12, "NUL", name="nul-byte"),
        _case("title: 网传\n".encode("utf-16"), 1, 1, "UTF-16", name="utf16"),
        _case(bom_tag, 1, 10, "标签", "!!int", name="bom-then-tag"),
        _case(_with_error_on_line_3("\r\n"), 3, 10, "YAML 语法错误", name="crlf"),
        _case(mixed, 3, 10, "YAML 语法错误", name="mixed-line-endings"),
        _case(_with_error_on_line_3("\r"), 3, 10, "YAML 语法错误", name="cr-only"),
        _case(long_line, CASE_LINES + 1, 1, "缺少冒号", name="100k-char-line"),
        _case(padded + b"unit2: x\n", CASE_LINES + 1, 1, "未知字段 'unit2'", name="900kb-file"),
        _case(b"", 1, 1, "文件为空", name="zero-bytes"),
        _org(big, 1, 1, "文件过大", name="2mib-scalar"),
        _org(deep, 1, 1003, "嵌套过深", name="10000-deep"),
        _org(b"version: 1\nunits:\n  \xba\xf3\xc7\xda: {}\n", 3, 3, "不是 UTF-8", name="gbk-bytes"),
        _org(b"version: 1\nunits:\n  a\0: {}\n", 3, 4, "NUL", name="nul-byte"),
        _org(b"\xef\xbb\xbfversion: 1\r\nunits: [\r\n", 3, 1, "YAML 语法错误", name="bom-crlf"),
        Expect(
            "generated/template-not-utf8",
            "templates/weekly.md.j2",
            "templates/weekly.md.j2",
            3,
            0,
            ("模板文件不是 UTF-8 编码",),
            (CHECK, WEEKLY),
            data="# 周报\n\n".encode() + "第".encode("gbk") + b"\n",
        ),
    ]


SYMLINK_INPUTS = [
    Expect(
        "symlink/case-to-etc-passwd",
        CASE_FILE,
        CASE_FILE,
        0,
        0,
        ("案件文件不能是符号链接",),
        (CHECK, ("list",)),
        links_to="/etc/passwd",
    ),
    Expect(
        "symlink/case-to-demo-case",
        CASE_FILE,
        CASE_FILE,
        0,
        0,
        ("案件文件不能是符号链接",),
        (CHECK, ("show", BAD_ID), ("list",)),
        links_to=f"{DEMO_ID}.yaml",
    ),
    Expect(
        "symlink/template-to-etc-passwd",
        "templates/weekly.md.j2",
        "templates/weekly.md.j2",
        0,
        0,
        ("模板文件是指向仓库之外的符号链接",),
        (CHECK, WEEKLY),
        links_to="/etc/passwd",
    ),
    Expect(
        "symlink/word-template-to-etc-passwd",
        "templates/weekly.docx",
        "templates/weekly.docx",
        0,
        0,
        ("模板文件是指向仓库之外的符号链接",),
        (CHECK, (*WEEKLY, "--format", "docx", "--output", "-")),
        links_to="/etc/passwd",
    ),
    Expect(
        "symlink/partial-to-etc-hostname",
        "templates/_macros.md.j2",
        "templates/_macros.md.j2",
        0,
        0,
        ("模板文件是指向仓库之外的符号链接",),
        (WEEKLY,),
        links_to="/etc/hostname",
    ),
]

SYMLINK_INPUTS += [
    Expect(
        f"symlink/{name}-to-etc-passwd",
        name,
        name,
        0,
        0,
        ("指向仓库之外，已拒绝",),
        commands,
        links_to="/etc/passwd",
    )
    for name, commands in (
        ("org.yaml", (CHECK,)),
        ("yq.yaml", (CHECK, ("due",))),
        ("policies/extra.yaml", (CHECK,)),
    )
]

ALL_INPUTS = CORPUS_INPUTS + generated_inputs() + SYMLINK_INPUTS


# --- the yaml-test-suite ----------------------------------------------------------------------


def suite_expectations() -> dict[tuple[str, str], tuple[int, int, str]]:
    """``(suite id, 'case' | 'org')`` → (line, col, message fragment)."""
    found = {}
    for raw in SUITE_EXPECT.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        suite_id, kind, at, says = raw.split("\t")
        line, col = (int(n) for n in at.split(":"))
        found[(suite_id, kind)] = (line, col, says)
    return found


SUITE_IDS = sorted(p.stem for p in SUITE.glob("*.yaml"))
SUITE_EXPECTED = suite_expectations()


def suite_input(suite_id: str, kind: str) -> Expect:
    line, col, says = SUITE_EXPECTED[(suite_id, kind)]
    place = CASE_FILE if kind == "case" else "org.yaml"
    # as a case file: `show` here; `list` and `check` walk them all in one run (test below)
    commands = (("show", BAD_ID),) if kind == "case" else COMMANDS[kind]
    return Expect(
        f"yaml-test-suite/{suite_id}-as-{kind}",
        place,
        place,
        line,
        col,
        (says,),
        commands,
        about=(SUITE / f"{suite_id}.title").read_text(encoding="utf-8").strip(),
        source=SUITE / f"{suite_id}.yaml",
    )


SUITE_INPUTS = [suite_input(i, kind) for i in SUITE_IDS for kind in ("case", "org")]


# --- repositories -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One demo repository per module; each test works on its own copy."""
    root = tmp_path_factory.mktemp("hostile") / "demo"
    env = {"GIT_AUTHOR_NAME": "测试值班员", "GIT_AUTHOR_EMAIL": "duty@example.edu.cn"}
    env |= {"GIT_COMMITTER_NAME": "测试值班员", "GIT_COMMITTER_EMAIL": "duty@example.edu.cn"}
    saved = {k: os.environ.get(k) for k in (*env, "GIT_CONFIG_NOSYSTEM")}
    os.environ.update(env, GIT_CONFIG_NOSYSTEM="1")
    try:
        result = invoke("init", str(root), "--policy", "university", "--demo")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert result.code == 0, result.err
    assert invoke("check", "--repo", str(root)).code == 0  # the demo itself is clean
    yield root


@pytest.fixture
def fresh(demo_template: Path, tmp_path: Path) -> Path:
    # hard links make the copy cheap; yqctl replaces files by rename and place() unlinks before
    # writing, so the shared template is never written through (and every test checks its hashes)
    root = tmp_path / "repo"
    shutil.copytree(demo_template, root, symlinks=True, copy_function=os.link)
    return root


def place(root: Path, expect: Expect) -> None:
    target = root / expect.place
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() or target.is_symlink():
        target.unlink()
    if expect.links_to is not None:
        target.symlink_to(expect.links_to)
    else:
        target.write_bytes(expect.content())


def files_of(root: Path) -> dict[str, str]:
    """Every file's hash (a symlink by its target), .git and the local cache .yqctl aside: to prove nothing changed."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".yqctl")]
        for name in (*filenames, *(d for d in dirnames if os.path.islink(Path(dirpath, d)))):
            path = Path(dirpath, name)
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                files[relative] = "-> " + os.readlink(path)
            else:
                files[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def git_status(root: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


# --- running and judging ----------------------------------------------------------------------

Run = Callable[[Path, Command], tuple[Result, float]]


def run_in_process(root: Path, command: Command) -> tuple[Result, float]:
    started = time.monotonic()
    result = invoke(*command, "--repo", str(root), cwd=root)
    return result, time.monotonic() - started


def run_subprocess(root: Path, command: Command) -> tuple[Result, float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "yqctl", *command, "--repo", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )
    return Result(done.returncode, done.stdout, done.stderr), time.monotonic() - started


def judge(result: Result, elapsed: float, command: Command, expect: Expect) -> None:
    output = result.out + result.err
    where = f"{expect.name}（{expect.about}）: yqctl {' '.join(command)}\n{output[-3000:]}"
    assert result.code == 1, where
    assert "Traceback" not in output and "内部错误" not in output, where
    lines = [line for line in output.splitlines() if line.startswith(expect.prefix)]
    assert lines, f"no line starts with {expect.prefix!r} — {where}"
    for fragment in expect.says:
        assert any(fragment in line for line in lines), f"{fragment!r} missing — {where}"
    assert elapsed < TIME_LIMIT, f"{elapsed:.2f} s — {where}"


def exercise(root: Path, expect: Expect, run: Run = run_in_process) -> None:
    place(root, expect)  # as a colleague's change would be: not yet committed
    before, status = files_of(root), git_status(root)
    for command in expect.commands:
        result, elapsed = run(root, command)
        judge(result, elapsed, command, expect)
        assert files_of(root) == before, f"{expect.name}: yqctl {' '.join(command)} changed files"
    assert git_status(root) == status


def ids(inputs: list[Expect]) -> list[str]:
    return [e.name for e in inputs]


# --- the tests --------------------------------------------------------------------------------


def test_corpus_is_complete_and_every_input_has_its_expectation() -> None:
    kinds = {e.name.split("/")[0] for e in CORPUS_INPUTS}
    assert kinds == {"case", "org", "config", "policy", "calendar", "types", "template"}
    assert len(CORPUS_INPUTS) + len(generated_inputs()) + len(SYMLINK_INPUTS) >= 100
    for path in CORPUS.glob("*/*"):
        if path.suffix != ".expect":
            assert path.with_suffix(".expect").is_file() or any(
                path.parent.glob(f"{path.name.split('.')[0]}.expect")
            ), path
    assert len(SUITE_IDS) == 94
    assert set(SUITE_EXPECTED) == {(i, kind) for i in SUITE_IDS for kind in ("case", "org")}


@pytest.mark.parametrize("expect", ALL_INPUTS, ids=ids(ALL_INPUTS))
def test_hostile_input_is_refused_at_its_line_and_column_with_nothing_changed(
    expect: Expect, fresh: Path
) -> None:
    exercise(fresh, expect)


@pytest.mark.parametrize("expect", SUITE_INPUTS, ids=ids(SUITE_INPUTS))
def test_yaml_test_suite_input_is_refused_as_case_file_and_as_org_yaml(
    expect: Expect, fresh: Path
) -> None:
    exercise(fresh, expect)


def test_one_check_and_list_report_every_malformed_case_file_at_its_own_line_and_column(
    fresh: Path,
) -> None:
    """`check` and `list` on a repository holding every corpus case file and every yaml-test-suite
    input (each in its own folder, since they all carry the same id): each is reported where
    expected, and the good cases are still listed."""
    placed: list[Expect] = []
    case_inputs = [e for e in CORPUS_INPUTS + generated_inputs() if e.place == CASE_FILE]
    case_inputs += [e for e in SUITE_INPUTS if e.place == CASE_FILE]
    for number, expect in enumerate(case_inputs):
        if expect.needs_check or "id-mismatch" in expect.name:
            continue  # a valid file whose only fault is where it is: covered one by one above
        relative = f"cases/x{number:03d}/{BAD_ID}.yaml"
        target = fresh / relative
        target.parent.mkdir(parents=True)
        target.write_bytes(expect.content())
        placed.append(
            Expect(expect.name, relative, relative, expect.line, expect.col, expect.says, ())
        )
    before, status = files_of(fresh), git_status(fresh)
    result, elapsed = run_in_process(fresh, CHECK)
    for expect in placed:
        judge(result, elapsed, CHECK, expect)
    listed, elapsed = run_in_process(fresh, ("list", "--json"))
    for expect in placed:
        judge(listed, elapsed, ("list",), expect)
    assert (
        len(json.loads(listed.out)) == 15
    )  # the good demo cases are still listed (one is a drill)
    assert f"有 {len(placed)} 个文件无法读取" in listed.err
    # each file once, however many problems it has: 16 demo cases, yq.yaml, org.yaml, 2 policies
    assert f"检查了 {len(placed) + 20} 个文件" in result.out
    assert files_of(fresh) == before and git_status(fresh) == status


TEXT_TEMPLATES = [
    f"{family}.{fmt}.j2"
    for family in ("registration", "opinion", "daily", "weekly", "monthly", "special")
    for fmt in ("md", "html")
]


def test_check_reports_every_broken_template_at_its_own_line(fresh: Path) -> None:
    """`check` renders every template: each corpus template, put in place of one of the twelve
    text templates (twelve at a time), is reported at its own line."""
    inputs = [e for e in CORPUS_INPUTS if e.name.startswith("template/") and e.path == e.place]
    for start in range(0, len(inputs), len(TEXT_TEMPLATES)):
        batch = list(zip(TEXT_TEMPLATES, inputs[start : start + len(TEXT_TEMPLATES)], strict=False))
        for name, expect in batch:
            (fresh / "templates" / name).write_bytes(expect.content())
        before, status = files_of(fresh), git_status(fresh)
        result, elapsed = run_in_process(fresh, CHECK)
        for name, expect in batch:
            at = f"templates/{name}"
            judge(result, elapsed, CHECK, replace(expect, place=at, path=at))
        assert files_of(fresh) == before and git_status(fresh) == status
        for name, _ in batch:
            (fresh / "templates" / name).unlink()


def test_check_reports_a_broken_partial_template(fresh: Path) -> None:
    [expect] = [e for e in CORPUS_INPUTS if e.name == "template/partial-escape"]
    exercise(fresh, replace(expect, commands=(CHECK,)))


SUBPROCESS_SAMPLE = [
    "case/colon-in-plain-title",
    "case/alias-bomb",
    "org/python-tag",
    "config/policy-traversal",
    "template/mro-subclasses",  # report weekly
    "generated/case-nul-byte",
    "symlink/template-to-etc-passwd",
]


@pytest.mark.parametrize("name", SUBPROCESS_SAMPLE)
def test_real_process_refuses_hostile_input_the_same_way(name: str, fresh: Path) -> None:
    [expect] = [e for e in ALL_INPUTS if e.name == name]
    exercise(fresh, expect, run_subprocess)


def test_real_process_refuses_yaml_test_suite_input(fresh: Path) -> None:
    [expect] = [e for e in SUITE_INPUTS if e.name == "yaml-test-suite/236B-as-org"]
    exercise(fresh, expect, run_subprocess)


# --- references out of the repository that only `check` follows --------------------------------


def test_evidence_file_that_is_a_symlink_out_of_the_repository_is_refused(fresh: Path) -> None:
    link = fresh / "evidence" / BAD_ID / "weibo.html"
    link.parent.mkdir(parents=True)
    link.symlink_to("/etc/passwd")
    source = (CORPUS / "case" / "evidence-missing.yaml").read_bytes()
    expect = Expect(
        "symlink/evidence-to-etc-passwd",
        CASE_FILE,
        CASE_FILE,
        12,
        15,
        (f"证据路径 'evidence/{BAD_ID}/weibo.html' 指向仓库之外",),
        (CHECK,),
        data=source.replace(b"nothing.png", b"weibo.html"),
    )
    exercise(fresh, expect)


# --- case ids on the command line -------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("show", "../../x"),
        ("show", "../../../etc/passwd"),
        ("show", "/etc/passwd"),
        ("show", f"{DEMO_ID}/../../x"),
        ("show", f"{DEMO_ID}.yaml"),
        ("show", DEMO_ID.lower()),
        ("form", "../../x", "registration", "--now", NOW),
        ("report", "special", "../cases/2026/x", "--now", NOW),
        ("act", "../../x", "note", "--no-commit", "--now", NOW),
        ("grade", "../../x", "--no-commit", "--now", NOW),
        ("history", "../../x"),
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_case_id_with_a_path_on_the_command_line_is_refused_before_any_file_is_touched(
    command: Command, fresh: Path
) -> None:
    before, status = files_of(fresh), git_status(fresh)
    result, elapsed = run_in_process(fresh, command)
    output = result.out + result.err
    assert result.code == 1, output
    assert "Traceback" not in output and "内部错误" not in output
    case_id = command[2] if command[0] == "report" else command[1]
    assert f"案件编号 {case_id!r} 格式不对" in result.err
    assert elapsed < TIME_LIMIT
    assert files_of(fresh) == before and git_status(fresh) == status
