"""Each repository's clone in the work folder: asked about first (`probe`), then cloned or brought up to date.

The clones belong to the fleet run, not to a person: `sync` resets the base branch to the remote's and removes
untracked files, so a run never works on a stale or half-edited tree. A clone is made in a temporary folder
and renamed into place once complete, so an interrupted clone is never mistaken for a finished one.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from migrate.pr.git import NETWORK_TIMEOUT_S, Git, GitError
from migrate.pr.remote import redact


class SyncError(RuntimeError):
    """The repository could not be read or cloned; the message says why, for the summary."""


@dataclass(frozen=True)
class Probe:
    """What the remote holds now, from one `git ls-remote`."""

    base: str  # the branch the pull request targets
    base_sha: str
    branch_sha: str | None  # the migration branch, when it exists


def probe(url: str, *, branch: str, base: str | None, env: dict[str, str] | None = None, cwd: Path | None = None) -> Probe:
    git = Git(cwd or Path.cwd(), env=env)
    try:
        refs = git.ls_remote(url, "HEAD", f"refs/heads/{branch}", *([f"refs/heads/{base}"] if base else []), symref=True)
    except GitError as e:
        raise SyncError(f"cannot reach {redact(url)}: {_gist(e)}") from None
    if base is None:
        head = refs.get("symref:HEAD", "")
        if not head.startswith("refs/heads/"):
            if not refs:
                raise SyncError(f"{redact(url)} has no commits yet (or no default branch): nothing to migrate")
            raise SyncError(f"{redact(url)} does not say which branch is its default: pass --base BRANCH")
        base = head[len("refs/heads/") :]
        base_sha = refs.get("HEAD")
    else:
        base_sha = refs.get(f"refs/heads/{base}")
    if not base_sha:
        raise SyncError(f"{redact(url)} has no branch {base!r}: check --base" if refs else f"{redact(url)} has no commits yet")
    return Probe(base, base_sha, refs.get(f"refs/heads/{branch}"))


def sync(url: str, checkout: Path, state: Probe, *, env: dict[str, str] | None = None) -> str:
    """Clone `url` into `checkout`, or fetch into the existing clone; check out `state.base` as fetched.

    Returns the commit checked out: the probe's, or a newer one when the branch moved since the probe."""
    if not (checkout / ".git").is_dir():
        _clone(url, checkout, env)
    else:
        _drop_stale_locks(checkout / ".git")
    git = Git(checkout, env=env)
    try:
        if (git.config("remote.origin.url") or "") != url:
            git.run("remote", "set-url", "origin", url)
        git.run("fetch", "--quiet", "--prune", "--no-tags", "origin",
                f"+refs/heads/{state.base}:refs/remotes/origin/{state.base}", timeout=NETWORK_TIMEOUT_S)
        fetched = git.resolve(f"refs/remotes/origin/{state.base}")
        if not fetched:
            raise SyncError(f"{redact(url)}: the branch {state.base!r} went away while it was being fetched: run again")
        git.run("remote", "set-head", "origin", state.base)  # `migrate pr` reads the base branch from here
        git.run("checkout", "--quiet", "--force", "-B", state.base, fetched)
        git.run("clean", "-q", "-f", "-f", "-d", "-x")
        return fetched
    except GitError as e:
        raise SyncError(f"git failed in the clone of {redact(url)}: {_gist(e)}") from None


def _clone(url: str, checkout: Path, env: dict[str, str] | None) -> None:
    if checkout.exists():
        shutil.rmtree(checkout)  # a folder without .git: not a clone of ours that can be reused
    partial = checkout.with_name(f".{checkout.name}.partial-{os.getpid()}")
    if partial.exists():
        shutil.rmtree(partial)
    checkout.parent.mkdir(parents=True, exist_ok=True)
    git = Git(checkout.parent, env=env)
    try:
        git.run("clone", "--quiet", "--no-tags", "--no-checkout", url, str(partial), timeout=NETWORK_TIMEOUT_S)
    except GitError as e:
        shutil.rmtree(partial, ignore_errors=True)
        raise SyncError(f"cannot clone {redact(url)}: {_gist(e)}") from None
    os.replace(partial, checkout)


def _drop_stale_locks(git_dir: Path) -> None:
    """Lock files a killed run left in our clone (index.lock, a ref's .lock): the work folder is locked for this
    run, so no other git process can be holding them, and git would refuse to go on while they exist."""
    for pattern in ("*.lock", "refs/**/*.lock"):
        for lock in git_dir.glob(pattern):
            try:
                lock.unlink()
            except OSError:
                pass


def clean_partials(repos_dir: Path) -> None:
    """Clones that a killed run left half made."""
    if repos_dir.is_dir():
        for leftover in repos_dir.glob(".*.partial-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _gist(error: GitError) -> str:
    """git's own reason, in one line, without the command line around it."""
    lines = [line.strip() for line in (error.stderr or str(error)).splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:", "remote:"))]
    return redact("; ".join(fatal[-2:] or lines[-2:]) or str(error))
