"""A small, strict wrapper over the git command line.

Every call is an argument list (never a shell string), runs with a timeout, never prompts for credentials,
and turns a failure into a GitError that names the command and git's own message.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Reading and writing local objects is quick; talking to a remote may not be.
LOCAL_TIMEOUT_S = 60
NETWORK_TIMEOUT_S = 300


class GitError(RuntimeError):
    """A git command failed; the message holds the command and what git said."""

    def __init__(self, args: list[str], returncode: int | None, stderr: str, hint: str = ""):
        self.args_ = args
        self.returncode = returncode
        self.stderr = stderr.strip()
        shown = " ".join(args)
        if returncode is None:
            message = f"`git {shown}` did not finish in time"
        else:
            message = f"`git {shown}` failed (exit {returncode})"
        if self.stderr:
            lines = self.stderr.splitlines()
            message += ": " + "\n".join(lines[-12:])  # git puts the reason last; keep long errors readable
        if hint:
            message += f"\n{hint}"
        super().__init__(message)


@dataclass(frozen=True)
class TreeEntry:
    mode: str  # "100644", "100755", "120000" (symlink), "160000" (submodule)
    type: str  # "blob", "tree", "commit"
    sha: str
    path: str


class Git:
    """Run git in one repository. `env` adds to (or overrides) the process environment."""

    def __init__(self, cwd: str | Path, env: dict[str, str] | None = None):
        self.cwd = Path(cwd)
        base = dict(os.environ)
        if env:
            base.update(env)
        # Never stop to ask for a password or a host key: fail with a message instead.
        base.setdefault("GIT_TERMINAL_PROMPT", "0")
        base.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        base["LC_ALL"] = "C"  # git's messages in English, so errors are recognisable
        self.env = base

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        timeout: float = LOCAL_TIMEOUT_S,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        full_env = {**self.env, **env} if env else self.env
        try:
            proc = subprocess.run(
                ["git", *args],
                cwd=self.cwd,
                input=input,
                capture_output=True,
                env=full_env,
                timeout=timeout,
            )
        except FileNotFoundError:
            raise GitError(list(args), 127, "git is not installed or not on PATH") from None
        except subprocess.TimeoutExpired:
            raise GitError(list(args), None, "") from None
        if check and proc.returncode != 0:
            raise GitError(list(args), proc.returncode, proc.stderr.decode("utf-8", "replace"))
        return proc

    def out(self, *args: str, **kwargs) -> str:
        """stdout of a command, decoded and stripped of its trailing newline."""
        return self.run(*args, **kwargs).stdout.decode("utf-8", "replace").rstrip("\n")

    def ok(self, *args: str, **kwargs) -> bool:
        return self.run(*args, check=False, **kwargs).returncode == 0

    # --- questions -------------------------------------------------------------------------------------------

    def toplevel(self) -> Path:
        return Path(self.out("rev-parse", "--show-toplevel"))

    def head_commit(self) -> str | None:
        """The commit HEAD points at, or None in a repository with no commits yet."""
        proc = self.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
        return proc.stdout.decode().strip() or None

    def current_branch(self) -> str | None:
        """The checked-out branch name, or None on a detached HEAD."""
        proc = self.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        return proc.stdout.decode().strip() or None

    def resolve(self, ref: str) -> str | None:
        proc = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return proc.stdout.decode().strip() or None

    def tree_of(self, commit: str) -> str:
        return self.out("rev-parse", f"{commit}^{{tree}}")

    def branch_exists(self, name: str) -> bool:
        return self.ok("show-ref", "--verify", "--quiet", f"refs/heads/{name}")

    def valid_branch_name(self, name: str) -> bool:
        return self.ok("check-ref-format", "--branch", name)

    def dirty_paths(self) -> list[str]:
        """Tracked files with changes, staged or not (untracked files do not count)."""
        raw = self.run("status", "--porcelain=v1", "-z", "--untracked-files=no").stdout.decode("utf-8", "replace")
        paths: list[str] = []
        entries = raw.split("\0")
        i = 0
        while i < len(entries):
            entry = entries[i]
            i += 1
            if len(entry) < 4:
                continue
            status, path = entry[:2], entry[3:]
            paths.append(path)
            if "R" in status or "C" in status:
                i += 1  # the rename's source path follows as its own entry
        return paths

    def tracked_entries(self, commit: str, paths: list[str]) -> dict[str, TreeEntry]:
        """HEAD's tree entries for the given repo-relative paths (absent paths are not tracked)."""
        if not paths:
            return {}
        raw = self.run("ls-tree", "-z", "--full-tree", commit, "--", *paths).stdout.decode("utf-8", "replace")
        out: dict[str, TreeEntry] = {}
        for record in raw.split("\0"):
            if not record:
                continue
            meta, path = record.split("\t", 1)
            mode, type_, sha = meta.split()
            out[path] = TreeEntry(mode, type_, sha, path)
        return out

    def blob(self, sha: str) -> bytes:
        return self.run("cat-file", "blob", sha).stdout

    def blobs(self, shas: list[str]) -> dict[str, bytes]:
        """Many blobs in one `git cat-file --batch` call (one process, not one per file)."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        raw = self.run("cat-file", "--batch", input=("\n".join(wanted) + "\n").encode()).stdout
        out: dict[str, bytes] = {}
        pos = 0
        for sha in wanted:
            header_end = raw.index(b"\n", pos)
            header = raw[pos:header_end].split()
            if len(header) < 3:  # "<sha> missing"
                raise GitError(["cat-file", "--batch"], 0, f"object {sha} is missing")
            size = int(header[2])
            out[sha] = raw[header_end + 1 : header_end + 1 + size]
            pos = header_end + 1 + size + 1
        return out

    def config(self, key: str) -> str | None:
        proc = self.run("config", "--get", key, check=False)
        return proc.stdout.decode().strip() or None

    def remote_names(self) -> list[str]:
        return self.out("remote").split()

    def commit_subject(self, commit: str) -> str:
        return self.out("log", "-1", "--format=%s", commit)

    def ls_remote(self, url_or_remote: str, *refs: str, symref: bool = False) -> dict[str, str]:
        """ref -> sha on the remote; with symref, also 'ref: refs/heads/main HEAD'-style lines as 'symref:HEAD'."""
        args = ["ls-remote"]
        if symref:
            args.append("--symref")
        proc = self.run(*args, url_or_remote, *refs, timeout=NETWORK_TIMEOUT_S)
        out: dict[str, str] = {}
        for line in proc.stdout.decode("utf-8", "replace").splitlines():
            left, _, right = line.partition("\t")
            if left.startswith("ref: "):
                out[f"symref:{right}"] = left[5:]
            elif right:
                out[right] = left
        return out
