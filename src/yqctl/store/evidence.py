"""Evidence files (证据保全): copies of posts kept under ``evidence/<id>/`` with their sha256.

The seed documents ask to preserve evidence at once (迅速保留舆情证据), before posts are deleted. A
file is copied in one pass that also hashes it, fsynced and renamed into place, so a copy is
either whole or absent; its commit then proves when it was preserved, and its hash that it has
not changed since (``yqctl evidence verify``, ``yqctl check``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yqctl.errors import YqError
from yqctl.store.files import inside
from yqctl.textutil import UNSAFE_IN_LINE

EVIDENCE_DIR = "evidence"
# What a preserved post can be: screenshots, saved pages, PDFs, short videos
MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".htm": "text/html",
    ".mhtml": "multipart/related",
    ".mht": "multipart/related",
    ".warc": "application/warc",
    ".mp4": "video/mp4",
}
BLOCK = 1 << 20


@dataclass(frozen=True)
class Preserved:
    path: str  # repository-relative, evidence/<id>/<name>
    sha256: str
    size: int
    media_type: str
    already: bool  # the same bytes were preserved before: nothing copied


def media_type(name: str) -> str | None:
    return MEDIA_TYPES.get(Path(name).suffix.lower())


def check_source_file(file: Path, max_bytes: int) -> str:
    """The media type of a file to preserve; a YqError saying why it cannot be."""
    if not file.is_file():
        raise YqError(f"{file}: 文件不存在或不是普通文件")
    kind = media_type(file.name)
    if kind is None:
        known = "、".join(sorted(MEDIA_TYPES))
        raise YqError(f"{file}: 不支持的证据类型；可保存：{known}")
    size = file.stat().st_size
    if size > max_bytes:
        raise YqError(
            f"{file}: {size / 1e6:.1f} MB，超过证据文件上限 {max_bytes / 1e6:.0f} MB"
            "（yq.yaml 的 evidence_max_mb）；请压缩或截取后再保存"
        )
    return kind


def preserve(
    root: Path, case_id: str, file: Path, kind: str, track: Callable[[str], None]
) -> Preserved:
    """Copy ``file`` into ``evidence/<case_id>/`` (hashing as it copies), unless the same bytes
    are already there; a name taken by other bytes gets ``-2``, ``-3`` …; ``track`` is told the
    target's repository path before it is written."""
    folder = inside(root, f"{EVIDENCE_DIR}/{case_id}", what="证据目录")
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{_safe_name(file.name)}.{os.getpid()}.tmp"
    try:
        digest, size = _copy(file, temp)
        target, already = _target(folder, _safe_name(file.name), digest)
        relative = target.relative_to(root).as_posix()
        track(relative)  # also when already there: a copy never committed is committed now
        if not already:
            os.replace(temp, target)
            _fsync_dir(folder)
    finally:
        temp.unlink(missing_ok=True)
    return Preserved(relative, digest, size, kind, already)


@dataclass(frozen=True)
class Flaw:
    """What is wrong with a recorded evidence file, and which recorded value it contradicts."""

    field: str  # "file" (missing, outside), "sha256" or "size"
    message: str


def flaw_of(root: Path, relative: str, sha256: str | None, size: int | None) -> Flaw | None:
    """What is wrong with a recorded evidence file (missing, changed), or None if it is intact."""
    try:
        path = inside(root, relative, what="证据路径")
    except YqError as exc:
        return Flaw("file", exc.message)
    if not path.is_file():
        return Flaw("file", f"证据文件不存在：{relative}")
    if sha256 is None:
        return Flaw("file", "证据文件没有记录 sha256，无法证明未被改动")
    actual = sha256_of(path)
    if actual != sha256:
        return Flaw(
            "sha256",
            f"证据文件 {relative} 的 sha256 不符：记录 {sha256[:12]}…，实际 {actual[:12]}…"
            "（文件可能被改动或替换）",
        )
    if size is not None and path.stat().st_size != size:
        return Flaw(
            "size",
            f"证据文件 {relative} 的大小不符：记录 {size} 字节，实际 {path.stat().st_size} 字节",
        )
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy(source: Path, temp: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as reader, open(temp, "xb") as writer:
        for block in iter(lambda: reader.read(BLOCK), b""):
            digest.update(block)
            writer.write(block)
            size += len(block)
        writer.flush()
        os.fsync(writer.fileno())
    return digest.hexdigest(), size


def _target(folder: Path, name: str, digest: str) -> tuple[Path, bool]:
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, number = folder / name, 1
    while candidate.exists():
        if candidate.is_file() and sha256_of(candidate) == digest:
            return candidate, True
        number += 1
        candidate = folder / f"{stem}-{number}{suffix}"
    return candidate, False


def _safe_name(name: str) -> str:
    """A file name that stays one plain name in the evidence folder (no path, no control chars,
    nothing the case's ``path`` may not hold)."""
    plain = UNSAFE_IN_LINE.sub("_", Path(name).name)
    cleaned = re.sub(r"[/\\:*?\"<>|]", "_", plain).strip(" .")
    return cleaned or "evidence"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def evidence_states(root: Path, case: Any) -> list[dict[str, Any]]:
    """Every evidence file of ``case`` (its own and its sources'), once each, with its state:
    ok 完好, missing 缺失, changed 已被改动 — for ``evidence verify`` and ``show``."""
    recorded = [(item.path, item.sha256, item.size) for item in case.evidence]
    recorded += [(s.evidence, s.sha256, None) for s in case.sources if s.evidence]
    rows, seen = [], set()
    for path, digest, size in recorded:
        if path in seen:
            continue
        seen.add(path)
        flaw = flaw_of(root, path, digest, size)
        status = "ok" if flaw is None else "missing" if flaw.field == "file" else "changed"
        rows.append(
            {"id": case.id, "path": path, "status": status, "message": flaw and flaw.message}
        )
    return rows


STATE_LABELS = {"ok": "完好", "missing": "缺失", "changed": "已被改动"}
