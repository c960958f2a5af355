"""Git as the audit trail: every change yqctl makes is a commit of exactly the files it changed.

Git is always called with an argument list, never through a shell.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from yqctl.errors import YqError

FALLBACK_NAME = "yqctl"
FALLBACK_EMAIL = "yqctl@localhost"


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    email: str
    authored_at: str  # ISO 8601 with the author's offset
    committer: str
    subject: str


class Git:
    """A thin wrapper over the git command in one work tree."""

    def __init__(self, root: Path) -> None:
        self.root = root
        if shutil.which("git") is None:
            raise YqError("找不到 git 命令：请先安装 git（如 apt-get install git）")

    def run(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            ["git", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, "LC_ALL": "C", **(env or {})},
            check=False,
        )
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip()
            raise YqError(f"git {args[0]} 失败：{detail}")
        return result.stdout

    def is_repo(self) -> bool:
        out = self.run("rev-parse", "--is-inside-work-tree", check=False)
        return out.strip() == "true"

    def require_repo(self) -> None:
        if not self.is_repo():
            raise YqError(
                f"{self.root} 不是 git 仓库：yqctl 用 git 历史作审计记录，"
                "请先运行 git init（或用 yqctl init 创建仓库），或加 --no-commit"
            )

    def init(self) -> None:
        self.run("init", "-q")

    def config(self, key: str) -> str:
        return self.run("config", "--get", key, check=False).strip()

    def commit(self, paths: Sequence[str], message: str, *, author: str | None = None) -> str:
        """Commit exactly ``paths`` (staged changes of other files stay staged, uncommitted)."""
        self.require_repo()
        env = self._identity_env()
        self.run("add", "--", *paths)
        args = ["commit", "-q", "-m", message]
        if author:
            email = env.get("GIT_AUTHOR_EMAIL") or self.config("user.email")
            args += ["--author", f"{author} <{email}>"]
        self.run(*args, "--only", "--", *paths, env=env)
        return self.run("rev-parse", "HEAD").strip()

    def _identity_env(self) -> dict[str, str]:
        # a fresh machine has no user.name: commit anyway, as "yqctl", rather than fail the write
        env: dict[str, str] = {}
        for key, fallback in (("name", FALLBACK_NAME), ("email", FALLBACK_EMAIL)):
            if self.config(f"user.{key}"):
                continue
            for role in ("AUTHOR", "COMMITTER"):
                variable = f"GIT_{role}_{key.upper()}"
                env[variable] = os.environ.get(variable) or fallback
        return env

    def log(self, path: str) -> list[Commit]:
        """The commits that touched ``path``, oldest first (renames followed)."""
        fmt = "%H%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%s%x1e"
        out = self.run("log", "--follow", f"--format={fmt}", "--", path, check=False)
        commits = []
        for record in out.split("\x1e"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) == 6:
                commits.append(Commit(*fields))
        return list(reversed(commits))

    def show(self, sha: str, path: str) -> bytes | None:
        result = subprocess.run(
            ["git", "show", f"{sha}:{path}"], cwd=self.root, capture_output=True, check=False
        )
        return result.stdout if result.returncode == 0 else None

    def deleted_paths(self, pathspec: str) -> set[str]:
        """Paths matching ``pathspec`` deleted in any branch's history (ids are never reused)."""
        out = self.run(
            "log",
            "--all",
            "--format=",
            "--name-only",
            "--diff-filter=D",
            "--",
            pathspec,
            check=False,
        )
        return {line.strip() for line in out.splitlines() if line.strip()}
