"""The repositories file of `migrate pr --repos FILE`: one repository or GitHub query per line.

    # comments and blank lines are ignored; so is anything after " #" on a line
    https://github.com/acme/billing.git
    git@github.com:acme/search.git
    ../services/ledger                  a local clone or bare repository, relative to this file
    org:acme                            every repository of a GitHub organisation (through the API)
    user:alice                          every repository of a GitHub user
    topic:llm org:acme                  a GitHub repository search (any line made only of search qualifiers)
    search:openai in:readme org:acme    a GitHub repository search, written out

A line that cannot be understood is a Problem naming the file and line; it never stops the other lines.
Queries are expanded by `resolve_queries` (one GitHub API listing each); archived repositories and forks are
left out of them (they take no pull requests, or are someone else's code), and counted in a note.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from migrate.pr.remote import redact, split_url

QUALIFIERS = frozenset(
    "org user topic language in is archived fork stars pushed created size license repo topics mirror template".split()
)
_QUALIFIER = re.compile(r"^-?(?P<key>[a-z-]+):(?P<value>\S+)$")
_SCHEMES = ("https://", "http://", "ssh://", "git://", "file://")


@dataclass(frozen=True)
class RepoSource:
    """One repository to work on. `key` identifies it across runs (the state file is keyed by it)."""

    key: str  # "github.com/acme/app", or "local/<name>-<hash>" for a path
    name: str  # what people read: "acme/app", or the folder's name
    url: str  # what git clones: a URL (credentials kept, never shown) or an absolute path
    origin: str  # where it came from: "repos.txt:3" or "org:acme (repos.txt:5)"

    @property
    def slug(self) -> str:
        """A folder name for the checkout: readable, unique per key, safe on every file system."""
        readable = re.sub(r"[^A-Za-z0-9._-]+", "_", self.name.replace("/", "__"))[:80].strip("._") or "repo"
        return f"{readable}-{hashlib.sha256(self.key.encode()).hexdigest()[:8]}"

    @property
    def shown_url(self) -> str:
        return redact(self.url)


@dataclass(frozen=True)
class Query:
    kind: str  # "org", "user" or "search"
    value: str
    origin: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class Problem:
    """A line (or a query) that gave no repository; shown in the summary as a failed entry."""

    origin: str
    text: str
    reason: str


@dataclass
class RepoList:
    sources: list[RepoSource] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, source: RepoSource, seen: dict[str, str]) -> None:
        if source.key in seen:
            self.notes.append(f"{source.origin}: {source.name} is already listed at {seen[source.key]}; listed once")
            return
        seen[source.key] = source.origin
        self.sources.append(source)


def source_for(text: str, origin: str, base_dir: Path | None = None) -> RepoSource:
    """A RepoSource for a clone URL or a local path (relative paths are taken from `base_dir`)."""
    split = split_url(text)
    if split is not None:
        host, path = split
        return RepoSource(f"{host}/{path}", path, text, origin)
    if "://" in text and not text.startswith("file://"):
        raise ValueError(f"{redact(text)} is not a clone URL git understands (https://HOST/OWNER/NAME.git or git@HOST:OWNER/NAME.git)")
    raw = text[len("file://") :] if text.startswith("file://") else text
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    path = Path(_normalise(path))
    name = path.name[: -len(".git")] if path.name.endswith(".git") else path.name
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:8]
    return RepoSource(f"local/{name}-{digest}", name or str(path), str(path), origin)


def _normalise(path: Path) -> str:
    import os

    return os.path.normpath(str(path))


def parse_line(line: str) -> str:
    """The line without its comment and surrounding blanks ("" for a comment or blank line)."""
    stripped = line.strip()
    if stripped.startswith("#"):
        return ""
    match = re.search(r"\s#", stripped)
    return (stripped[: match.start()] if match else stripped).strip()


def _query(text: str, origin: str) -> Query | None:
    if text.startswith("search:"):
        value = text[len("search:") :].strip()
        return Query("search", value, origin) if value else None
    tokens = text.split()
    matches = [_QUALIFIER.match(t) for t in tokens]
    if not all(m and m.group("key").lstrip("-") in QUALIFIERS for m in matches):
        return None
    if len(tokens) == 1 and matches[0].group("key") in ("org", "user"):
        return Query(matches[0].group("key"), matches[0].group("value"), origin)
    return Query("search", text, origin)


def parse_repos_text(text: str, name: str = "<repos>", base_dir: Path | None = None) -> RepoList:
    out = RepoList()
    seen: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        origin = f"{name}:{number}"
        entry = parse_line(line)
        if not entry:
            continue
        query = None if entry.startswith(_SCHEMES) else _query(entry, origin)
        if query is not None:
            out.queries.append(query)
            continue
        if entry.startswith("search:"):
            out.problems.append(Problem(origin, entry, "search: needs a query, e.g. search:topic:llm org:acme"))
            continue
        if any(c.isspace() for c in entry):
            out.problems.append(Problem(origin, entry, "one repository per line (a clone URL or a path), or a query made "
                                        "of GitHub search qualifiers (org:, user:, topic:, ...); comments start with ' #'"))
            continue
        unknown = re.match(r"^(?P<key>[a-z-]+):[^/@]*$", entry)
        if unknown and split_url(entry) is None:
            out.problems.append(Problem(origin, entry, f"{unknown.group('key')!r} is not a query this file knows: use "
                                        "org:NAME, user:NAME, topic:NAME (with other GitHub search qualifiers) or search:QUERY"))
            continue
        try:
            out.add(source_for(entry, origin, base_dir), seen)
        except ValueError as e:
            out.problems.append(Problem(origin, redact(entry), str(e)))
    return out


def parse_repos_file(path: str | Path) -> RepoList:
    """Read a repositories file. A missing or unreadable file raises OSError / UnicodeDecodeError (the CLI says so)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    return parse_repos_text(text, str(path), path.resolve().parent)


def resolve_queries(repos: RepoList, client, *, clone: str = "https") -> RepoList:
    """Expand each org/user/search query through the GitHub API into RepoSources (`client`: a GitHubClient).

    A query that fails (no such organisation, no permission, rate limit) becomes a Problem; the others go on.
    `clone`: "https" (clone_url) or "ssh" (ssh_url).
    """
    from urllib.parse import quote

    from migrate.pr.github import GitHubError

    out = RepoList(list(repos.sources), [], list(repos.problems), list(repos.notes))
    seen = {s.key: s.origin for s in out.sources}
    for query in repos.queries:
        if query.kind == "org":
            path, params = f"/orgs/{quote(query.value)}/repos", {"type": "all"}
        elif query.kind == "user":
            path, params = f"/users/{quote(query.value)}/repos", {"type": "owner"}
        else:
            path, params = "/search/repositories", {"q": query.value}
        try:
            items = client.paged(path, f"the listing of {query}", subject=str(query), params=params)
        except GitHubError as e:
            out.problems.append(Problem(query.origin, str(query), str(e)))
            continue
        left_out = {"archived": 0, "forks": 0}
        for item in items:
            if not isinstance(item, dict):
                continue
            if item.get("archived"):
                left_out["archived"] += 1
                continue
            if item.get("fork"):
                left_out["forks"] += 1
                continue
            url = item.get("ssh_url" if clone == "ssh" else "clone_url") or item.get("clone_url")
            if not url:
                continue
            try:
                out.add(source_for(url, f"{query} ({query.origin})"), seen)
            except ValueError as e:
                out.problems.append(Problem(query.origin, str(url), str(e)))
        skipped = ", ".join(f"{n} {what}" for what, n in left_out.items() if n)
        out.notes.append(f"{query} ({query.origin}): {len(items)} repositor{'y' if len(items) == 1 else 'ies'} listed"
                         + (f", {skipped} left out" if skipped else ""))
    return out
