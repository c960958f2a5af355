"""Reading YAML safely and fast, with a line:col mark for every value.

Case files come from many hands, so the reader refuses outright what a loader would otherwise
accept silently or choke on later: tags (``!!python/object``), anchors and aliases (alias bombs),
duplicate keys, git conflict markers, files that are not UTF-8, and files above a size cap. It
walks libyaml's event stream (PyYAML's C parser) without recursion and resolves plain scalars by
YAML 1.2's core schema, leaving timestamps as text for pydantic to parse (so a naive time is seen).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from yqctl.errors import Problem, YqError

MAX_BYTES = 1024 * 1024  # a real case is a few KB; anything near this is an accident or an attack
MAX_DEPTH = 32

Loc = tuple[str | int, ...]

_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# matched whole (fullmatch), so a trailing newline never passes for a number
_INT = re.compile(r"[-+]?[0-9]+")
_INT_OCT = re.compile(r"0o[0-7]+")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_MAX_DIGITS = 4300  # sys.get_int_max_str_digits(): longer decimal ints cannot be converted
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})( .*)?$", re.MULTILINE)


class Document:
    """A parsed YAML file: plain Python data plus where each value and key stands.

    Marks are computed when first asked for: a valid file read in bulk never needs them, so the
    fast reader skips them and only a problem to report pays for the marked walk.
    """

    def __init__(
        self,
        path: str,
        data: Any,
        *,
        text: str | None = None,
        source: Path | None = None,
        marks: dict[Loc, tuple[int, int]] | None = None,
        key_marks: dict[Loc, tuple[int, int]] | None = None,
    ) -> None:
        self.path = path
        self.data = data
        self.text = text
        self.source = (
            source  # where to read the text from when marks are needed and text is not kept
        )
        self._marks = marks
        self._key_marks = key_marks

    @property
    def marks(self) -> dict[Loc, tuple[int, int]]:
        """Value positions, 1-based."""
        self._ensure_marks()
        assert self._marks is not None
        return self._marks

    @property
    def key_marks(self) -> dict[Loc, tuple[int, int]]:
        """Positions of map keys, 1-based."""
        self._ensure_marks()
        assert self._key_marks is not None
        return self._key_marks

    def _ensure_marks(self) -> None:
        if self._marks is not None and self._key_marks is not None:
            return
        if self.text is None and self.source is not None:
            with contextlib.suppress(YqError):  # gone since it was read: positions are unknown
                self.text = read_text(self.source, self.path)
        if self.text is None:
            self._marks, self._key_marks = {}, {}
            return
        try:
            marked = _parse_marked(self.text, self.path)
        except YqError:  # the file changed since its data was read: positions are unknown
            self._marks, self._key_marks = {}, {}
            return
        self._marks, self._key_marks = marked._marks, marked._key_marks

    def with_data(self, data: Any) -> Document:
        """The same file's positions for other data (e.g. with defaults filled in)."""
        return Document(
            self.path,
            data,
            text=self.text,
            source=self.source,
            marks=self._marks,
            key_marks=self._key_marks,
        )

    def mark(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The position of ``loc`` or of its nearest enclosing value that has one."""
        marks, key_marks = self.marks, self.key_marks
        for end in range(len(loc), -1, -1):
            sub = loc[:end]
            if key and sub in key_marks:
                return key_marks[sub]
            if sub in marks:
                return marks[sub]
        return (1, 1)

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, col = self.mark(loc, key=key)
        return Problem(self.path, line, col, message)

    def mapping(self) -> dict[str, Any]:
        """The data, which must be a mapping (every yqctl file is)."""
        if not isinstance(self.data, dict):
            raise YqError("", [self.problem((), "文件顶层应为映射（每行“键: 值”）")])
        return self.data


def read_text(path: Path, display: str, *, max_bytes: int = MAX_BYTES) -> str:
    """Read a file as UTF-8 text, refusing what no YAML file of ours should be."""
    return decode(read_bytes(path, display, max_bytes=max_bytes), display)


def read_bytes(path: Path, display: str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """A file's bytes, refusing what no YAML file of ours should be (too big, not a file)."""
    if path.exists() and not path.is_file() and not path.is_dir():  # opening a FIFO would hang
        raise _fail(display, 0, 0, "不是普通文件（设备、管道或套接字），拒绝读取")
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise _fail(display, 0, 0, "文件不存在") from None
    except IsADirectoryError:
        raise _fail(display, 0, 0, "是目录，不是文件") from None
    except OSError as exc:
        raise _fail(display, 0, 0, f"无法读取（{exc.strerror}）") from None
    if len(raw) > max_bytes:
        shown = f"{_size_text(max(size, len(raw)))}，上限 {_size_text(max_bytes)}"
        raise _fail(display, 1, 1, f"文件过大（{shown}），拒绝读取")
    return raw


def decode(raw: bytes, display: str) -> str:
    """Bytes to text: UTF-8 (a leading BOM is allowed), no NUL bytes, never empty."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise _fail(display, 1, 1, "文件为空")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(display, 1, 1, "文件是 UTF-16 编码，不是 UTF-8（请用 UTF-8 保存）")
    nul = raw.find(b"\0")
    if nul >= 0:
        line, col = _byte_position(raw, nul)
        raise _fail(display, line, col, "文件包含 NUL 字节，不是文本文件")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        raise _fail(display, line, col, "文件不是 UTF-8 编码（请用 UTF-8 保存）") from None
    return text


def parse(text: str, display: str) -> Document:
    """Parse one YAML document into plain data; raise YqError (with a mark) on anything unsafe.

    Most files take the fast path: libyaml composes the node tree in C and a flat walk builds the
    data. A file that might hold an anchor, alias or tag, or that the fast path cannot take
    as it is, goes through the marked event walk, which is the reference for every error message.
    """
    conflict = _CONFLICT.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise _fail(
            display,
            line,
            1,
            "文件中有 git 合并冲突标记（<<<<<<< / ======= / >>>>>>>）：请先解决冲突，"
            "保留正确的内容并删除这些标记行",
        )
    if not _may_hold_node_property(text):
        data = _parse_fast(text)
        if data is not _SLOW:
            return Document(display, data, text=text)
    return _parse_marked(text, display)


def _parse_marked(text: str, display: str) -> Document:
    builder = _Builder(display)
    try:
        data = builder.build(yaml.parse(text, Loader=yaml.CSafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context == "while scanning a simple key" and exc.context_mark:
            mark = exc.context_mark  # the key without its colon, not the next line libyaml reached
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        lines = text.split("\n")
        at = lines[line - 1][col - 1 : col] if line <= len(lines) else ""
        raise _fail(display, line, col, f"YAML 语法错误：{_explain(exc, at)}") from None
    except yaml.reader.ReaderError as exc:
        # libyaml reports a byte offset; the first occurrence of the character is the one it met
        offset = max(text.find(chr(exc.character)), 0) if isinstance(exc.character, int) else 0
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        shown = f"#x{exc.character:04x}" if isinstance(exc.character, int) else "?"
        raise _fail(display, line, col, f"文件包含不允许的控制字符 {shown}") from None
    except yaml.YAMLError as exc:
        raise _fail(display, 1, 1, f"YAML 语法错误：{exc}") from None
    return Document(display, data, text=text, marks=builder.marks, key_marks=builder.key_marks)


# An anchor (&), alias (*) or tag (!) starts a node: at a line start, after a space or a flow
# indicator. Text without one of these can take the fast path; a false alarm only costs speed.
_MAYBE_NODE_PROPERTY = re.compile(r"(?:^|[\s\[\]{},:])[&*!]", re.MULTILINE)
_PLAIN_TAG = "tag:yaml.org,2002:str"


def _may_hold_node_property(text: str) -> bool:
    # `in` scans at C speed; the pattern's alternation costs ~50 µs on a 5 KB case, and Chinese
    # text uses the full-width ！, so most cases hold none of the three characters at all
    if "&" not in text and "*" not in text and "!" not in text:
        return False
    return _MAYBE_NODE_PROPERTY.search(text) is not None


_SLOW = object()  # the fast path declines: let the marked walk decide (and word the error)


class _FastLoader(yaml.CSafeLoader):
    """libyaml's C composer with resolution left to the walk (YAML 1.2 core, as the slow path)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return _PLAIN_TAG


def _parse_fast(text: str) -> Any:
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return _SLOW
    finally:
        loader.dispose()
    return _walk_nodes(node) if node is not None else _SLOW


def _walk_nodes(root: yaml.Node) -> Any:
    """Plain data from a node tree, iteratively; anything unusual is left to the marked walk."""
    pending: list[tuple[yaml.Node, list[Any] | dict[str, Any], int]] = []

    def value(node: yaml.Node, depth: int) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.style else _resolve_plain(node.value)
        if depth >= MAX_DEPTH:
            raise _Decline
        container: list[Any] | dict[str, Any] = {} if isinstance(node, yaml.MappingNode) else []
        pending.append((node, container, depth + 1))
        return container

    try:
        data = value(root, 0)
        while pending:
            node, container, depth = pending.pop()
            if isinstance(container, list):
                container.extend(value(item, depth) for item in node.value)
                continue
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.value in container:
                    raise _Decline  # a complex or duplicate key: the marked walk words it
                container[key_node.value] = value(value_node, depth)
    except _Decline:
        return _SLOW
    return data


class _Decline(Exception):
    pass


def load(path: Path, display: str, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse a YAML file."""
    return parse(read_text(path, display, max_bytes=max_bytes), display)


class _Builder:
    """Builds plain data from libyaml events with an explicit stack (no recursion limit to hit)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.marks: dict[Loc, tuple[int, int]] = {}
        self.key_marks: dict[Loc, tuple[int, int]] = {}

    def build(self, events: Iterator[yaml.Event]) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self._refuse(event, "文件只能包含一个 YAML 文档（多了一个 ---）")
                continue
            if isinstance(event, yaml.AliasEvent):
                self._refuse(event, f"不允许使用别名 *{event.anchor}（案件文件中禁用锚点和别名）")
            if isinstance(event, yaml.NodeEvent):
                self._check_node(event)
            if isinstance(event, yaml.ScalarEvent):
                value: Any = _resolve(event)
                if stack and stack[-1].wants_key():
                    stack[-1].set_key(value, event, self)
                    continue
                self._place(stack, value, event)
                if not stack:
                    root = value
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    self._refuse(event, f"嵌套过深（超过 {MAX_DEPTH} 层）")
                if stack and stack[-1].wants_key():
                    self._refuse(event, "映射的键必须是简单文本")
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                loc = self._place(stack, container, event)
                stack.append(_Frame(container, loc))
                if len(stack) == 1:
                    root = container
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
        return root

    def _place(self, stack: list[_Frame], value: Any, event: yaml.Event) -> Loc:
        mark = _position(event)
        if not stack:
            loc: Loc = ()
        else:
            loc = stack[-1].add(value)
        self.marks[loc] = mark
        return loc

    def _check_node(self, event: yaml.NodeEvent) -> None:
        if event.anchor is not None:
            self._refuse(event, f"不允许使用锚点 &{event.anchor}（案件文件中禁用锚点和别名）")
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = (
            (not implicit[0] and not implicit[1]) if isinstance(implicit, tuple) else not implicit
        )
        if tag is not None and tag != "!" and explicit:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self._refuse(event, f"不允许使用 YAML 标签 {shown}")

    def _refuse(self, event: yaml.Event, message: str) -> None:
        raise _fail(self.path, *_position(event), message)


class _Frame:
    """A mapping or sequence being filled."""

    def __init__(self, container: dict[str, Any] | list[Any], loc: Loc) -> None:
        self.container = container
        self.loc = loc
        self.key: str | None = None
        self.has_key = False

    def wants_key(self) -> bool:
        return isinstance(self.container, dict) and not self.has_key

    def set_key(self, value: Any, event: yaml.ScalarEvent, builder: _Builder) -> None:
        assert isinstance(self.container, dict)
        if not isinstance(value, str):
            value = event.value  # keys are names: `1:` or `true:` mean the text
        if value in self.container:
            first = builder.key_marks.get((*self.loc, value), (0, 0))[0]
            builder._refuse(event, f"重复的键 {value!r}（第一次出现在第 {first} 行）")
        self.key, self.has_key = value, True
        builder.key_marks[(*self.loc, value)] = _position(event)

    def add(self, value: Any) -> Loc:
        if isinstance(self.container, list):
            self.container.append(value)
            return (*self.loc, len(self.container) - 1)
        assert self.key is not None
        self.container[self.key] = value
        self.has_key = False
        return (*self.loc, self.key)


def _resolve(event: yaml.ScalarEvent) -> Any:
    """YAML 1.2 core schema for plain scalars; quoted and block scalars stay text."""
    return event.value if event.style else _resolve_plain(event.value)


_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")  # first characters of null/bool/number


def _resolve_plain(value: str) -> Any:
    if value and value[0] not in _MAYBE_NOT_TEXT:
        return value  # most values (Chinese text) are settled by their first character
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if _INT.fullmatch(value):
        # beyond Python's limit int() raises ValueError; as text, validation says "应为整数" at it
        return int(value) if len(value.lstrip("+-")) <= _MAX_DIGITS else value
    if _INT_OCT.fullmatch(value):
        return int(value[2:], 8)
    if _INT_HEX.fullmatch(value):
        return int(value[2:], 16)
    if _FLOAT.fullmatch(value) and any(ch.isdigit() for ch in value):
        return float(value)
    return value


_EXPLAINED = {
    "mapping values are not allowed here": "此处不能出现“键: 值”（值里有冒号时请加引号，或检查缩进）",
    # libyaml (the C parser) says "in this context" where PyYAML's Python parser says "here"
    "mapping values are not allowed in this context": "此处不能出现“键: 值”（值里有冒号时请加引号，或检查缩进）",
    "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请改用空格",
    "could not find expected ':'": "缺少冒号“:”",
    "found undefined alias": "未定义的别名",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合？）",
    "exceeded maximum nesting depth": "嵌套过深",
    "did not find expected key": "此处应为“键: 值”（缩进没有对齐，或多了不属于任何键的内容？）",
    "did not find expected <document start>": "文件内容已结束，此处却还有内容（缩进不对或多了一行？）",
    "did not find expected ',' or ']'": "方括号列表 [...] 中此处应为“,”或“]”（括号未闭合？）",
    "did not find expected ',' or '}'": "花括号映射 {...} 中此处应为“,”或“}”（括号未闭合？）",
    "did not find expected comment or line break": "此处应为注释或换行（值后面多了内容？）",
    "did not find expected node content": "此处缺少值",
    "did not find expected '-' indicator": "此处应为以“- ”开头的列表项（检查缩进）",
    "did not find expected whitespace or line break": "此处应为空格或换行",
    "block sequence entries are not allowed in this context": "此处不能出现列表项“- ”（检查缩进）",
    "found unexpected document indicator": "此处不能出现文档标记 --- 或 ...",
    "found unknown escape character": "双引号文本中有无效的转义（反斜杠 \\ 请写成 \\\\，或改用单引号）",
    "found an indentation indicator equal to 0": "块文本的缩进指示不能为 0",
    "found duplicate %YAML directive": "重复的 %YAML 指令",
    "found character that cannot start any token": "此处的字符不能作为值的开头（如 @ 或 `，请给值加引号）",
    "found undefined tag handle": "未定义的标签前缀",
}


def _explain(exc: yaml.MarkedYAMLError, at: str = "") -> str:
    problem = exc.problem or exc.context or "无法解析"
    if at == "\t" or "tab character" in problem:  # libyaml does not always say it is a Tab
        return f"不能用 Tab 缩进，请改用空格（{problem}）"
    for english, chinese in _EXPLAINED.items():
        if problem.startswith(english):
            return f"{chinese}（{problem}）"
    return problem


def _position(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset; the column counts characters, as libyaml's do."""
    before = raw[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    col = len(raw[start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    return f"{size / 1024:.0f} KiB" if size >= 1024 else f"{size} 字节"


def _fail(display: str, line: int, col: int, message: str) -> YqError:
    problem = Problem(display, line, col, message)
    return YqError(str(problem), [problem])
