"""`migrate pr` end to end: plan the rewrite, commit it to a branch, push it, open the pull request.

The commit is built with git's plumbing (a private index, `hash-object`, `commit-tree`, `update-ref`), so the
checked-out branch, the index and the work tree are never touched: nothing can be lost, and an untracked
`.env` cannot slip into the commit, because only the files the rewrite changed are ever staged. The price is
that commit hooks do not run (there is no `git commit`); the pull request's CI is where checks belong.

The run is safe to repeat: a branch that already holds exactly this rewrite is reused (no empty commit), an
existing pull request is updated rather than duplicated, and a push never overwrites a remote branch it did
not expect (`--force-with-lease` with the value read before pushing).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from migrate._version import __version__
from migrate.pr import secrets
from migrate.pr.body import (
    BodyContext,
    ChangedFile,
    FindingEntry,
    ReviewEntry,
    ServeReason,
    render_body,
    render_commit_message,
)
from migrate.pr.git import NETWORK_TIMEOUT_S, Git, GitError
from migrate.pr.github import GitHubClient, GitHubError, PullRequest
from migrate.pr.options import PrOptions
from migrate.pr.remote import Remote, parse_remote, redact

ZERO_SHA = "0" * 40
TOKEN_ENVS = ("GITHUB_TOKEN", "GH_TOKEN")
PARITY_COMMANDS = (
    "# 1. capture real traffic: run the app with OPENAI_BASE_URL=http://127.0.0.1:8089/v1 while this runs",
    "migrate record proxy --upstream https://api.openai.com/v1 --out recordings.jsonl",
    "# 2. replay it against the vLLM server, compare, and get a go / no-go report",
    "migrate parity --help",
)

Log = Callable[[str], None]


class PrError(RuntimeError):
    """`migrate pr` cannot go on; the message says why and what to do. Nothing was changed unless it says so."""


@dataclass(frozen=True)
class PrResult:
    status: str  # "dry-run", "nothing-to-change", "nothing-to-commit", "committed", "up-to-date", "pr-closed"
    repo: str  # the repository's top-level folder
    branch: str
    base: str
    parent: str  # the commit the branch is built on (HEAD when the run started)
    commit: str | None = None
    files: tuple[str, ...] = ()  # committed (or, in a dry run, to be committed), repository-relative
    refused: tuple[tuple[str, str], ...] = ()  # (path, why) left out of the commit
    warnings: tuple[str, ...] = ()
    title: str = ""
    message: str = ""
    body: str = ""
    branch_action: str = ""  # "create", "replace", "reuse", ""
    pushed: bool = False
    remote_url: str | None = None  # push URL, credentials removed
    compare_url: str | None = None
    pull_request: PullRequest | None = None
    pr_skipped: str | None = None  # why no pull request was opened through the API
    pr_error: str | None = None  # the API call failed (the branch is pushed regardless)
    review_count: int = 0
    rule_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.pr_error is None and self.status != "nothing-to-commit"

    def to_dict(self) -> dict:
        from migrate.scan.findings import _to_jsonable

        data = _to_jsonable(self)
        data["ok"] = self.ok
        return data


@dataclass(frozen=True)
class _Candidate:
    path: str  # repository-relative, posix
    content: bytes
    mode: str
    previous: bytes
    change: object  # the rewrite's FileChange


def create_pr(
    paths: Sequence[str | Path] = (".",),
    options: PrOptions | None = None,
    *,
    config=None,
    env: Mapping[str, str] | None = None,
    log: Log | None = None,
    scan_result=None,
    jobs: int | None = None,
    find_existing_pr: bool = False,
    replace_own_branch: bool = False,
) -> PrResult:
    """Run `migrate pr` on `paths` (all inside one git repository). Raises PrError when it cannot go on.

    `scan_result`: a scan of the same paths made by the caller, used for the body instead of scanning again.
    `jobs`: worker processes for the rewrite plan (None: the idle CPUs). `find_existing_pr`: look up the open
    pull request for the branch before creating one (see GitHubClient.open_or_update's `lookup_first`).
    `replace_own_branch`: an existing branch that holds only migrate-kit's own commit (`own_branch_blocker`) is
    replaced without --force-branch, as --refresh replaces it but without its pull-request checks; for callers
    that own the clone (the fleet).
    """
    options = options or PrOptions()
    env = dict(os.environ if env is None else env)
    say = log or (lambda message: None)
    paths = [Path(p).resolve() for p in (paths or (".",))]
    for path in paths:
        if not path.exists():
            raise PrError(f"{path}: no such file or folder")
    start = paths[0] if paths[0].is_dir() else paths[0].parent
    git = Git(start, env=env)
    try:
        top = git.toplevel().resolve()
    except GitError:
        raise PrError(
            f"{start} is not inside a git repository: `migrate pr` commits to a branch; use `migrate rewrite` elsewhere"
        ) from None
    for path in paths:
        if path != top and top not in path.parents:
            raise PrError(f"{path} is outside the repository {top}: give paths inside one repository")
    git = Git(top, env=env)
    if not git.valid_branch_name(options.branch):
        raise PrError(
            f"{options.branch!r} is not a valid branch name (see `git check-ref-format --help`): pass another --branch"
        )
    parent = git.head_commit()
    if parent is None:
        raise PrError(f"{top} has no commits yet: commit the code first, then run `migrate pr`")
    current = git.current_branch()
    warnings: list[str] = []

    dirty = set(git.dirty_paths())
    if dirty and not options.allow_dirty:
        listed = ", ".join(sorted(dirty)[:10]) + (f" and {len(dirty) - 10} more" if len(dirty) > 10 else "")
        raise PrError(
            f"the work tree has uncommitted changes ({listed}): commit or stash them first, or pass --allow-dirty "
            "(uncommitted changes are never put in the pull request)"
        )

    remote, push_url = _remote(git, options, warnings)
    base = _base_branch(git, options, current, push_url, warnings)
    if base == options.branch:
        raise PrError(f"the base branch and the pull request branch are both {base!r}: pass another --branch or --base")

    say("planning the rewrite")
    plan = _plan(paths, options, config, **({"jobs": jobs} if jobs is not None else {}))
    rule_counts = dict(sorted(plan.rule_counts.items()))
    common = dict(
        repo=str(top),
        branch=options.branch,
        base=base,
        parent=parent,
        review_count=len(plan.review),
        rule_counts=rule_counts,
    )
    if not plan.changes:
        return PrResult("nothing-to-change", **common, warnings=tuple(warnings), remote_url=_shown(push_url))

    candidates, refused = _select(git, top, parent, plan, dirty, warnings)
    if not candidates:
        return PrResult(
            "nothing-to-commit", **common, refused=tuple(refused), warnings=tuple(warnings), remote_url=_shown(push_url)
        )
    if current == options.branch:
        raise PrError(
            f"{options.branch!r} is the branch checked out here: `migrate pr` builds that branch itself; "
            f"switch to the base branch (git switch {base}) and run again"
        )
    _refuse_other_worktree(git, options.branch)

    say("writing the pull request body" + (" (scanning for the findings table)" if options.scan else ""))
    ctx = _context(
        git, top, paths, options, plan, candidates, refused, remote, base, parent, rule_counts, config, warnings,
        scan_result,
    )
    title = options.title
    message = render_commit_message(ctx)
    body = render_body(ctx, template_path=options.body_template)
    files = tuple(c.path for c in candidates)
    compare = remote.compare_url(base, options.branch) if remote else None
    common.update(
        files=files,
        refused=tuple(refused),
        title=title,
        message=message,
        body=body,
        remote_url=_shown(push_url),
        compare_url=compare,
    )

    local_sha = git.resolve(f"refs/heads/{options.branch}")
    remote_sha = _remote_branch(git, push_url, options, warnings) if options.push and push_url else None
    force = options.force_branch or (
        replace_own_branch and own_branch_blocker(git, options, parent, local_sha, remote_sha, push_url) is None)

    closed = _closed_pull_request(options, remote, env, warnings) if options.refresh else None
    if closed is not None:
        return PrResult(
            "pr-closed", **common, warnings=tuple(warnings),
            pr_skipped=f"pull request #{closed.number} ({closed.url}) for {options.branch} was closed without merging: "
            "it is not reopened or replaced; reopen it to have it refreshed again, or use another --branch",
        )  # fmt: skip

    if options.dry_run:
        existing = next((sha for sha in (local_sha, remote_sha) if sha and _holds(git, sha, parent, candidates)), None)
        action = "reuse" if existing else ("replace" if (local_sha or remote_sha) else "create")
        if action == "replace" and not force:
            blocker = own_branch_blocker(git, options, parent, local_sha, remote_sha, push_url) if options.refresh else None
            if not options.refresh or blocker:
                warnings.append(blocker or _exists_message(git, options, local_sha, remote_sha))
        return PrResult(
            "dry-run", **common, branch_action=action, warnings=tuple(warnings),
            pr_skipped=_pr_skip_reason(options, remote, env, dry_run=True),
        )  # fmt: skip

    say("building the commit")
    tree = _write_tree(git, parent, candidates)
    if tree == git.tree_of(parent):
        return PrResult("nothing-to-change", **{**common, "files": ()}, warnings=tuple(warnings))
    status, action, commit = "committed", "create", None
    for existing in (local_sha, remote_sha):
        if existing and _has_commit(git, existing) and git.tree_of(existing) == tree:
            status, action, commit = "up-to-date", "reuse", existing
            break
    if commit is None:
        if (local_sha or remote_sha) and not force:
            blocker = own_branch_blocker(git, options, parent, local_sha, remote_sha, push_url) if options.refresh else None
            if not options.refresh or blocker:
                raise PrError(blocker or _exists_message(git, options, local_sha, remote_sha))
        action = "replace" if (local_sha or remote_sha) else "create"
        commit = _commit(git, tree, parent, message)
    elif remote_sha and remote_sha != commit and not force and not _is_ancestor(git, remote_sha, commit):
        # The local branch holds this rewrite, but the remote one moved on: never overwrite that silently.
        blocker = own_branch_blocker(git, options, parent, None, remote_sha, push_url) if options.refresh else None
        if not options.refresh or blocker:
            raise PrError(blocker or _exists_message(git, options, None, remote_sha))
    if commit != local_sha:
        git.run(
            "update-ref", "-m", f"migrate pr: {action}", f"refs/heads/{options.branch}", commit, local_sha or ZERO_SHA
        )
    say(f"branch {options.branch} at {commit[:12]} ({status})")
    common.update(commit=commit, branch_action=action, status=status)

    if not options.push:
        return PrResult(
            **common, warnings=tuple(warnings), pr_skipped="--no-push: the branch was committed locally only"
        )
    if push_url is None:
        raise PrError(
            f"no remote named {options.remote!r}: add one (git remote add) or pass --remote NAME, or --no-push"
        )
    say(f"pushing {options.branch} to {options.remote}")
    _push(git, options, commit, remote_sha)
    common["pushed"] = True

    skip = _pr_skip_reason(options, remote, env, dry_run=False)
    if skip:
        return PrResult(**common, warnings=tuple(warnings), pr_skipped=skip)
    token_env = options.token_env or next(name for name in TOKEN_ENVS if env.get(name))
    say(f"opening the pull request on {remote.api_url}")
    try:
        with GitHubClient(remote.api_url, env[token_env], token_env=token_env) as client:
            pr = client.open_or_update(
                remote.owner, remote.name, head=options.branch, base=base, title=title, body=body,
                draft=options.draft, labels=options.labels, reviewers=options.reviewers, lookup_first=find_existing_pr,
            )  # fmt: skip
    except GitHubError as e:
        hint = f"\nThe branch is pushed: open the pull request by hand at {compare}" if compare else ""
        return PrResult(**common, warnings=tuple(warnings), pr_error=f"{e}{hint}")
    warnings.extend(pr.warnings)
    return PrResult(**common, warnings=tuple(warnings), pull_request=pr)


# --- steps ------------------------------------------------------------------------------------------------------


def _shown(url: str | None) -> str | None:
    return redact(url) if url else None


def _remote(git: Git, options: PrOptions, warnings: list[str]) -> tuple[Remote | None, str | None]:
    if options.remote not in git.remote_names():
        if options.push and not options.dry_run:
            raise PrError(
                f"this repository has no remote named {options.remote!r}: add one (git remote add {options.remote} URL), "
                "pass --remote NAME, or --no-push to commit locally only"
            )
        if options.push:
            warnings.append(f"no remote named {options.remote!r}: a real run would stop here (or use --no-push)")
        return None, None
    fetch_url = git.config(f"remote.{options.remote}.url") or ""
    push_url = git.out("remote", "get-url", "--push", options.remote)
    remote = parse_remote(fetch_url, api_url=options.api_url, github_hosts=options.github_hosts)
    if remote.forge == "unknown" and fetch_url != push_url:
        remote = parse_remote(push_url, api_url=options.api_url, github_hosts=options.github_hosts)
    return remote, push_url


def _base_branch(git: Git, options: PrOptions, current: str | None, push_url: str | None, warnings: list[str]) -> str:
    if options.base:
        return options.base
    symref = (
        git.run("symbolic-ref", "--quiet", f"refs/remotes/{options.remote}/HEAD", check=False).stdout.decode().strip()
    )
    prefix = f"refs/remotes/{options.remote}/"
    if symref.startswith(prefix):
        return symref[len(prefix) :]
    if push_url:
        try:
            head = git.ls_remote(push_url, "HEAD", symref=True).get("symref:HEAD", "")
        except GitError as e:
            warnings.append(f"could not ask {options.remote} for its default branch ({e}); using the current branch")
            head = ""
        if head.startswith("refs/heads/"):
            return head[len("refs/heads/") :]
    if current:
        return current
    raise PrError(
        "cannot tell which branch the pull request should target (detached HEAD, no remote default): pass --base BRANCH"
    )


def _plan(paths: list[Path], options: PrOptions, config, jobs: int | None = None):
    try:
        from migrate.rewrite import plan_rewrite
    except ImportError as e:
        raise PrError(f"the rewrite stage is not available in this installation ({e}): reinstall migrate-kit") from None
    kwargs = dict(
        config=config, select=options.select or None, ignore=options.ignore or None, exclude=options.exclude or (),
        include_tests=options.include_tests, include_vendored=options.include_vendored, jobs=jobs,
        target=options.target,
    )
    return plan_rewrite([str(p) for p in paths], **kwargs)


def _text_bytes(value, encoding: str = "utf-8") -> bytes:
    return value if isinstance(value, bytes) else str(value).encode(encoding)


def _select(git: Git, top: Path, parent: str, plan, dirty: set[str], warnings: list[str]):
    """The plan's changes that may be committed, and (path, why) for those that may not."""
    by_path: dict[str, object] = {}
    refused: list[tuple[str, str]] = []
    for change in plan.changes:
        absolute = Path(change.abs_path).resolve()
        try:
            rel = absolute.relative_to(top).as_posix()
        except ValueError:
            refused.append((str(change.abs_path), "outside the repository"))
            continue
        by_path[rel] = change
    tracked = git.tracked_entries(parent, sorted(by_path))
    committed = git.blobs([e.sha for e in tracked.values() if e.type == "blob"])
    candidates: list[_Candidate] = []
    for rel, change in sorted(by_path.items()):
        entry = tracked.get(rel)
        if entry is None:
            refused.append((rel, "not tracked by git: commit it yourself first if it belongs in the repository"))
            continue
        if entry.type != "blob" or entry.mode == "120000":
            refused.append((rel, "a symbolic link or submodule in git: change its target instead"))
            continue
        if rel in dirty:
            refused.append(
                (rel, "has uncommitted changes, which are never committed for you: commit or stash them and run again")
            )
            continue
        current = Path(change.abs_path).read_bytes() if Path(change.abs_path).is_file() else b""
        if hashlib.sha256(current).hexdigest() != change.before_sha256:
            refused.append((rel, "changed on disk after the rewrite planned it: run again"))
            continue
        content = _text_bytes(change.after, getattr(change, "encoding", None) or "utf-8")
        previous = committed[entry.sha]
        check = secrets.check_file(rel, content, previous)
        if check.refuse:
            refused.append((rel, f"looks like it holds secrets, so it is never committed ({check.reason})"))
            continue
        if check.reason:
            warnings.append(check.reason)
        candidates.append(_Candidate(rel, content, entry.mode, previous, change))
    return candidates, refused


def _refuse_other_worktree(git: Git, branch: str) -> None:
    listing = git.out("worktree", "list", "--porcelain")
    current_path = None
    for line in listing.splitlines():
        if line.startswith("worktree "):
            current_path = line[len("worktree ") :]
        elif line == f"branch refs/heads/{branch}":
            raise PrError(f"{branch!r} is checked out in the worktree {current_path}: switch that worktree away first")


def _remote_branch(git: Git, push_url: str, options: PrOptions, warnings: list[str]) -> str | None:
    try:
        refs = git.ls_remote(push_url, f"refs/heads/{options.branch}")
    except GitError as e:
        if options.dry_run:
            warnings.append(f"could not reach {redact(push_url)} to check for an existing branch: {e}")
            return None
        raise PrError(f"cannot reach the remote {options.remote!r} ({redact(push_url)}): {e}") from None
    return refs.get(f"refs/heads/{options.branch}")


def _has_commit(git: Git, sha: str) -> bool:
    return git.ok("cat-file", "-e", f"{sha}^{{commit}}")


def _is_ancestor(git: Git, older: str, newer: str) -> bool:
    return _has_commit(git, older) and git.ok("merge-base", "--is-ancestor", older, newer)


def _holds(git: Git, commit: str, parent: str, candidates: list[_Candidate]) -> bool:
    """Whether `commit` already holds exactly parent + these changes; read-only, for a dry run."""
    if not _has_commit(git, commit):
        return False
    differing = set(git.out("diff-tree", "-r", "--name-only", "--no-commit-id", parent, commit).splitlines())
    if differing != {c.path for c in candidates}:
        return False
    for c in candidates:
        wanted = git.out("hash-object", f"--path={c.path}", "--stdin", input=c.content)  # no -w: nothing is written
        if (
            git.run("rev-parse", "--verify", "--quiet", f"{commit}:{c.path}", check=False).stdout.decode().strip()
            != wanted
        ):
            return False
    return True


MADE_BY_MIGRATE = ("\nGenerated-by: migrate-kit ", "Rewritten by `migrate rewrite` (migrate-kit ")


def own_commit_parent(git: Git, sha: str) -> str | None:
    """The parent of `sha` when it is migrate-kit's own commit (one parent, its Generated-by trailer), else None."""
    parents = git.out("rev-list", "--parents", "-n", "1", sha).split()[1:]
    if len(parents) != 1 or not any(marker in git.out("log", "-1", "--format=%B", sha) for marker in MADE_BY_MIGRATE):
        return None
    return parents[0]


def own_branch_blocker(
    git: Git, options: PrOptions, parent: str, local_sha: str | None, remote_sha: str | None, push_url: str | None
) -> str | None:
    """Why the branch may not be rebuilt, or None when every existing tip is migrate-kit's own commit on a commit
    of the base's history (so rebuilding it on the current base loses nothing a person wrote). The one test
    behind `--refresh` and the fleet's `replace_own_branch`."""
    branch = options.branch
    keep = "review the pull request, or pass --force-branch to replace the branch anyway"
    for where, sha in (("here", local_sha), (f"on {options.remote}", remote_sha)):
        if not sha:
            continue
        if not _has_commit(git, sha) and where != "here" and push_url and not options.dry_run:
            # A fresh CI checkout holds only the base: bring the branch's commits in to look at them.
            git.run("fetch", "--quiet", "--no-tags", push_url, f"refs/heads/{branch}", check=False,
                    timeout=NETWORK_TIMEOUT_S)  # fmt: skip
        if not _has_commit(git, sha):
            why = "a dry run fetches nothing" if options.dry_run else "it could not be fetched"
            return f"the branch {branch!r} {where} is at {sha[:12]}, which is not here to check ({why}): {keep}"
        own_parent = own_commit_parent(git, sha)
        if own_parent is None:
            return (
                f"the branch {branch!r} {where} has commits migrate-kit did not make ({sha[:12]}: "
                f"{git.commit_subject(sha)}), so --refresh leaves it alone: {keep}"
            )
        if not _is_ancestor(git, own_parent, parent):
            shallow = git.out("rev-parse", "--is-shallow-repository") == "true"
            hint = " (this clone is shallow: fetch the full history, e.g. actions/checkout with fetch-depth: 0)" if shallow else ""
            return (
                f"the branch {branch!r} {where} is built on {own_parent[:12]}, which is not in the history of the "
                f"commit being migrated ({parent[:12]}){hint}: {keep}"
            )
    return None


def _closed_pull_request(options: PrOptions, remote: Remote | None, env: Mapping[str, str], warnings: list[str]):
    """The branch's latest pull request when it was closed without merging (so --refresh leaves it be), else None."""
    if _pr_skip_reason(options, remote, env, dry_run=False) is not None:
        return None
    token_env = options.token_env or next(name for name in TOKEN_ENVS if env.get(name))
    try:
        with GitHubClient(remote.api_url, env[token_env], token_env=token_env) as client:
            latest = client.latest_pull(remote.owner, remote.name, head=options.branch)
    except GitHubError as e:
        warnings.append(f"could not look for a closed pull request of {options.branch} ({e}); going on")
        return None
    if latest is not None and latest.state == "closed" and not latest.merged:
        return latest
    return None


def _exists_message(git: Git, options: PrOptions, local_sha: str | None, remote_sha: str | None) -> str:
    where = []
    if local_sha:
        where.append(f"here at {local_sha[:12]} ({git.commit_subject(local_sha)})")
    if remote_sha:
        where.append(f"on {options.remote} at {remote_sha[:12]}")
    return (
        f"the branch {options.branch!r} already exists {' and '.join(where)} with different content: "
        "pass --force-branch to replace it with this rewrite, or --branch NAME for a new one"
    )


def _write_tree(git: Git, parent: str, candidates: list[_Candidate]) -> str:
    with tempfile.TemporaryDirectory(prefix="migrate-pr-") as tmp:
        index_env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        git.run("read-tree", parent, env=index_env)
        lines = []
        for c in candidates:
            # --path applies the repository's clean filters and eol rules, as `git add` would.
            sha = git.out("hash-object", "-w", f"--path={c.path}", "--stdin", input=c.content)
            lines.append(f"{c.mode} {sha}\t{c.path}")
        git.run(
            "update-index",
            "-z",
            "--index-info",
            input="".join(line + "\0" for line in lines).encode("utf-8"),
            env=index_env,
        )
        return git.out("write-tree", env=index_env)


def _commit(git: Git, tree: str, parent: str, message: str) -> str:
    # `git commit-tree` ignores commit.gpgSign, so honour it here: repositories that require signed commits
    # get one (and a signing failure stops the run instead of pushing an unsigned commit).
    sign = git.run("config", "--bool", "--get", "commit.gpgsign", check=False).stdout.decode().strip() == "true"
    try:
        return git.out(
            "commit-tree", tree, "-p", parent, *(["-S"] if sign else []), "-F", "-", input=message.encode("utf-8")
        )
    except GitError as e:
        if "identity" in e.stderr or "tell me who you are" in e.stderr.lower():
            raise PrError(
                "git does not know who you are, so it cannot write the commit: set it with\n"
                '  git config user.name "Your Name" && git config user.email you@example.com\n'
                "(or GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL / GIT_COMMITTER_NAME / GIT_COMMITTER_EMAIL)"
            ) from None
        raise PrError(f"could not write the commit: {e}") from None


def _push(git: Git, options: PrOptions, commit: str, remote_sha: str | None) -> None:
    ref = f"refs/heads/{options.branch}"
    lease = f"--force-with-lease={ref}:{remote_sha or ''}"  # only ever replace what was there when we looked
    try:
        git.run(
            "push", "--porcelain", "--set-upstream", lease, options.remote, f"{ref}:{ref}", timeout=NETWORK_TIMEOUT_S
        )
    except GitError as e:
        raise PrError(
            f"the push to {options.remote!r} failed: {e}\n"
            f"The branch {options.branch} is committed here ({commit[:12]}); push it yourself with "
            f"`git push -u {options.remote} {options.branch}` once the cause is fixed, or run `migrate pr` again."
        ) from None


def _pr_skip_reason(options: PrOptions, remote: Remote | None, env: Mapping[str, str], *, dry_run: bool) -> str | None:
    if not options.push:
        return "--no-push: nothing on the remote to open a pull request from"
    if not options.open_pr:
        return "--no-open: the branch is pushed; open the pull request by hand"
    if remote is None:
        return f"no remote named {options.remote!r}"
    if remote.forge != "github" or not remote.api_url:
        kind = "not a GitHub remote" if remote.forge != "unknown" else "the remote is not a recognised forge"
        return f"{kind} (pass --api-url for GitHub Enterprise on another host name): open the pull request by hand"
    if options.token_env:
        if not env.get(options.token_env):
            return f"--token-env {options.token_env}: that variable is empty or not set"
    elif not any(env.get(name) for name in TOKEN_ENVS):
        return "no GITHUB_TOKEN or GH_TOKEN in the environment (or pass --token-env NAME)"
    if dry_run:
        return f"dry run: would open the pull request through {remote.api_url}/repos/{remote.owner}/{remote.name}/pulls"
    return None


# --- the body's context ---------------------------------------------------------------------------------------


def _repo_relative(path: str, roots: list[Path], top: Path) -> str | None:
    candidate = Path(path)
    options = (
        [candidate]
        if candidate.is_absolute()
        else [r / candidate for r in roots] + [r.parent / candidate for r in roots]
    )
    for option in options:
        if option.exists():
            try:
                return option.resolve().relative_to(top).as_posix()
            except ValueError:
                continue
    return None


def _line_counts(before: bytes, after: bytes) -> tuple[int, int]:
    added = removed = 0
    old = before.decode("utf-8", "replace").splitlines()
    new = after.decode("utf-8", "replace").splitlines()
    for line in difflib.unified_diff(old, new, lineterm="", n=0):
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def _context(
    git, top, paths, options, plan, candidates, refused, remote, base, parent, rule_counts, config, warnings,
    given_scan=None,
) -> BodyContext:
    branch = options.branch

    def on_branch(path: str, line: int | None = None) -> str | None:
        return remote.blob_url(branch, path, line) if remote else None

    changed = tuple(
        ChangedFile(
            c.path, on_branch(c.path), tuple(getattr(c.change, "rules", ()) or ()), *_line_counts(c.previous, c.content)
        )
        for c in candidates
    )
    review = []
    for item in plan.review:
        rel = _repo_relative(item.path, paths, top) or item.path
        review.append(ReviewEntry(rel, item.line, on_branch(rel, item.line), item.rule, item.message))
    failures = tuple((_repo_relative(f.path, paths, top) or f.path, f.rule, f.error) for f in plan.failures)

    verdict_counts, scan_note, findings, scan_result = None, "", (), None
    if options.scan and given_scan is not None:
        scan_result = given_scan
    elif options.scan:
        try:
            from migrate.scan import scan

            scan_result = scan([str(p) for p in paths], exclude=options.exclude, target=options.target)
        except Exception as e:  # the body is still useful without the scan; say why it is missing
            scan_note = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
            warnings.append(f"the scan did not run, so the body has no findings table ({scan_note})")
    else:
        scan_note = "--no-scan"
    if scan_result is not None:
        verdict_counts = tuple(scan_result.counts_by_verdict().items())
        findings = _attention(scan_result, paths, top, remote, parent)

    serve_command, serve_note, serve_reasons = _serve_command(paths, top, scan_result, config)
    return BodyContext(
        tool_version=__version__,
        title=options.title,
        branch=branch,
        base=base,
        roots=tuple((p.relative_to(top).as_posix() or ".") if p != top else "." for p in paths),
        files_scanned=plan.files_scanned,
        changed=changed,
        rule_counts=tuple(rule_counts.items()),
        review=tuple(review),
        failures=failures,
        refused=tuple(refused),
        verdict_counts=verdict_counts,
        scan_note=scan_note,
        findings=findings,
        serve_command=serve_command,
        serve_note=serve_note,
        serve_reasons=serve_reasons,
        parity_commands=PARITY_COMMANDS,
        parity_report=_read_report(options.parity_report, "--parity-report"),
        doctor_report=_read_report(options.doctor_report, "--doctor-report"),
    )


def _attention(scan_result, paths, top, remote, parent) -> tuple[FindingEntry, ...]:
    from migrate.scan.findings import Verdict

    entries = []
    for f in sorted(scan_result.findings, key=lambda f: (-f.verdict.rank, f.path, f.line)):
        if f.verdict == Verdict.OK:
            continue
        rel = _repo_relative(f.path, paths, top) or f.path
        # Findings point at the code as it was: link to the parent commit, where those lines are.
        url = remote.blob_url(parent, rel, f.line) if remote and f.cell is None else None
        note = ""
        if f.issues:
            issue = f.issues[0]
            note = f"{issue.subject}: {issue.reason}" + (f" Fix: {issue.fix}" if issue.fix else "")
            if issue.evidence_kind:  # probed (a real server answered), declared (vLLM's models) or fact
                note += f" (evidence: {issue.evidence_kind})"
        entries.append(FindingEntry(rel, f.line, url, f.verdict.value, f.endpoint or f.kind.value, note))
    return tuple(entries)


def _serve_command(paths, top, scan_result, config) -> tuple[str, str, tuple[ServeReason, ...]]:
    """The vLLM command line this code needs (from `migrate serve`'s planner), or the command that plans it."""
    roots = " ".join(p.relative_to(top).as_posix() if p != top else "." for p in paths)
    fallback = f"migrate serve --for {roots}"
    if scan_result is None:
        return fallback, "", ()
    try:
        from migrate.serve import PlanError, plan_server
        from migrate.serve.hosts import Host
    except ImportError:
        return fallback, "", ()
    try:
        # The pull request describes the serving host, not this one: a GPU unless [serve] device says otherwise.
        plan = plan_server(scan_result, config=config, environ={}, device=config.section("serve").get("device") or "cuda",
                           machine=Host(), check_fit=False)  # nothing known about that host: sized there by serve
    except PlanError as e:
        if "no model" not in str(e):
            return fallback, f"The server could not be planned: {e}.", ()
        note = "Set `model` in [tool.migrate.serve] and this section shows the exact vLLM command line and why each flag is there."
        return f"{fallback} --model MODEL", note, ()
    except Exception as e:  # the planner is another stage: its failure must not stop the pull request
        return fallback, f"The server could not be planned here ({type(e).__name__}: {e}).", ()
    reasons = tuple(
        ServeReason(" ".join(r.args), r.reason, tuple(r.locations)) for r in plan.reasons if r.flag or r.reason
    )
    notes = " ".join(plan.warnings)
    return (
        plan.command_line(),
        (f"Before cutover: {notes} " if notes else "") + f"Or let migrate-kit start it: `{fallback}`.",
        reasons,
    )


def _read_report(path: Path | None, flag: str) -> str | None:
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PrError(f"{flag} {path}: no such file") from None
    except UnicodeDecodeError as e:
        raise PrError(f"{flag} {path}: not UTF-8 text (byte {e.start}); give the Markdown report") from None
    except OSError as e:
        raise PrError(f"{flag} {path}: cannot read it ({e.strerror})") from None
    return text.strip() or None
