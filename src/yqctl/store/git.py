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

_ARGS_AT_ONCE = 1000  # paths on one git command line (far below any system's limit)
_STATUS_KINDS = {"1": "changed", "u": "unmerged", "?": "untracked"}  # porcelain v2 record kinds

FALLBACK_NAME = "yqctl"
FALLBACK_EMAIL = "yqctl@localhost"


class GitFailed(YqError):
    """A git command exited non-zero; ``stderr`` is what git (or a hook) said."""

    def __init__(self, args: Sequence[str], stderr: str) -> None:
        super().__init__(f"git {args[0]} 失败：{stderr}")
        self.args_given = tuple(args)
        self.stderr = stderr

    def lock_file(self) -> str | None:
        """The lock file that stopped git (another git running, or one killed holding it)."""
        # git: "Unable to create '/repo/.git/index.lock': File exists." (refs: '…/x.lock')
        marker = "Unable to create '"
        start = self.stderr.find(marker)
        if start < 0 or "File exists" not in self.stderr:
            return None
        start += len(marker)
        end = self.stderr.find("'", start)
        return self.stderr[start:end] if end > start else None

    def lock_advice(self, root: Path) -> str | None:
        """What to do about ``lock_file``, if that is what stopped git."""
        stale = self.lock_file()
        if stale is None:
            return None
        shown = relative_to(stale, root)
        return f"另一个 git 进程正在运行；若没有，删除 {shown} 后重试"


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

    def run(
        self,
        *args: str,
        check: bool = True,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> str:
        result = subprocess.run(
            ["git", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, "LC_ALL": "C", **(env or {})},
            input=stdin,
            check=False,
        )
        if check and result.returncode != 0:
            raise GitFailed(args, (result.stderr or result.stdout).strip())
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
        env = self.identity_env()
        args = ["commit", "-q", "-m", message]
        name = _ident_name(author or "")
        if name:
            email = env.get("GIT_AUTHOR_EMAIL") or self.config("user.email")
            args += ["--author", f"{name} <{email}>"]
        if len(paths) <= _ARGS_AT_ONCE:
            self.run("--literal-pathspecs", "add", "--", *paths)
            self.run("--literal-pathspecs", *args, "--only", "--", *paths, env=env)
        else:
            self._commit_through_own_index(paths, args, env)
        return self.run("rev-parse", "HEAD").strip()

    def _commit_through_own_index(
        self, paths: Sequence[str], args: list[str], env: dict[str, str]
    ) -> None:
        """What ``commit --only PATHS`` does, for more paths than a command line holds (and than
        git's pathspec matching, which compares every path with every entry, can take): an index
        made from HEAD plus ``paths`` is committed (hooks run as usual), and then those paths
        are staged in the real index too. Other staged changes stay staged, uncommitted."""
        import tempfile

        from yqctl.store.files import private_dir

        listed = "".join(f"{path}\0" for path in paths)
        with tempfile.TemporaryDirectory(prefix="commit-", dir=private_dir(self.root)) as folder:
            own = {"GIT_INDEX_FILE": os.path.join(folder, "index")}
            self.run("read-tree", self.head() or "--empty", env=own)
            self.run("update-index", "--add", "--remove", "-z", "--stdin", env=own, stdin=listed)
            self.run(*args, env={**env, **own})
        self.run("update-index", "--add", "--remove", "-z", "--stdin", stdin=listed)

    def many(self, paths: Sequence[str]) -> bool:
        """More paths than one command line takes: no index entries are saved for them (the
        real index is changed only once the commit is made)."""
        return len(paths) > _ARGS_AT_ONCE

    def changes(self, paths: Sequence[str]) -> dict[str, str] | None:
        """How each of ``paths`` differs from HEAD, for those that do: ``modified`` (in the
        work tree), ``staged``, ``untracked`` or ``unmerged``; None before the first commit."""
        found: dict[str, str] = {}
        for start in range(0, len(paths), _ARGS_AT_ONCE):  # status reads no pathspec file
            chunk = paths[start : start + _ARGS_AT_ONCE]
            out = self.run(
                "--no-optional-locks", "--literal-pathspecs", "status", "--porcelain=v2", "-z",
                "--branch", "--untracked-files=all", "--no-renames", "--", *chunk,
            )  # fmt: skip
            records = out.split("\0")
            if "# branch.oid (initial)" in records:
                return None
            for record in records:
                state = _STATUS_KINDS.get(record[:1])
                if state == "changed":  # "1 XY sub mH mI mW hH hI path": X staged, Y not
                    fields = record.split(" ", 8)
                    state = "staged" if fields[1][0] != "." else "modified"
                    found[_given(fields[8], chunk)] = state
                elif state == "unmerged":  # "u XY sub m1 m2 m3 mW h1 h2 h3 path"
                    found[_given(record.split(" ", 10)[10], chunk)] = state
                elif state == "untracked":  # "? path"
                    found[_given(record[2:], chunk)] = state
        return found

    def head(self) -> str:
        """The commit HEAD points at; empty before the first commit."""
        return self.run("rev-parse", "-q", "--verify", "HEAD", check=False).strip()

    def index_entries(self, paths: Sequence[str]) -> str:
        """The index entries of ``paths`` (``git ls-files -s`` lines), to put back later."""
        return self.run("ls-files", "-s", "--", *paths)

    def restore_index(self, paths: Sequence[str], entries: str) -> None:
        """Put back the index entries of ``paths`` as ``index_entries`` gave them (none: unstaged)."""
        null = f"0 {'0' * 40}\t"
        lines = [null + path for path in paths]  # mode 0 removes the entry …
        lines += entries.splitlines()  # … and the saved one, if any, puts it back
        self.run("update-index", "--index-info", stdin="".join(line + "\n" for line in lines))

    def commit_hooks(self) -> list[str]:
        """The hooks that can refuse a commit and are installed (core.hooksPath honoured)."""
        found = []
        for name in ("pre-commit", "prepare-commit-msg", "commit-msg"):
            where = self.run("rev-parse", "--git-path", f"hooks/{name}", check=False).strip()
            path = self.root / where if where else None
            if path is not None and path.is_file() and os.access(path, os.X_OK):
                found.append(name)
        return found

    def identity_env(self) -> dict[str, str]:
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


def _given(shown: str, given: Sequence[str]) -> str:
    """The path as the caller gave it: git shows paths from its top level, which may lie above
    the case repository."""
    for path in given:
        if shown == path or shown.endswith(f"/{path}"):
            return path
    return shown


def relative_to(path: str | Path, root: Path) -> str:
    """``path`` relative to ``root`` for messages (as given when it lies elsewhere)."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _ident_name(name: str) -> str:
    """``name`` as a git author name: git refuses ``<``, ``>`` and line breaks in one (``--by
    "后勤处<值班>"`` is still recorded as typed in the case; the commit shows 后勤处值班)."""
    return " ".join(name.translate({ord("<"): None, ord(">"): None}).split())
