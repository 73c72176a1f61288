"""What a git remote URL says about where pull requests live: the forge, the repository, and its URLs.

Handles the URL forms git accepts (https, ssh, scp-like `git@host:owner/repo.git`, git://), strips any
credentials embedded in a URL before it is shown anywhere, and knows the web/API layout of GitHub (including
GitHub Enterprise Server and GHE.com), GitLab and Bitbucket well enough to build file and compare links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

GITHUB_API = "https://api.github.com"

_SCP_LIKE = re.compile(r"^(?:(?P<user>[^@/]+)@)?(?P<host>[^:/]+):(?!//)(?P<path>.+)$")


@dataclass(frozen=True)
class Remote:
    """A parsed remote. `forge` is "github", "gitlab", "bitbucket" or "unknown"."""

    forge: str
    host: str
    path: str  # "acme/app" (GitLab may have subgroups: "group/sub/app")
    api_url: str | None = None  # GitHub REST API base, when forge == "github"

    @property
    def owner(self) -> str:
        return self.path.rsplit("/", 1)[0]

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def web_url(self) -> str:
        return f"https://{self.host}/{self.path}"

    def blob_url(self, ref: str, path: str, line: int | None = None) -> str | None:
        """A link to a file (and line) on a branch, or None for an unknown forge."""
        ref_q, path_q = _q(ref), _q(path)
        if self.forge == "github":
            url = f"{self.web_url}/blob/{ref_q}/{path_q}"
            return f"{url}#L{line}" if line else url
        if self.forge == "gitlab":
            url = f"{self.web_url}/-/blob/{ref_q}/{path_q}"
            return f"{url}#L{line}" if line else url
        if self.forge == "bitbucket":
            url = f"{self.web_url}/src/{ref_q}/{path_q}"
            return f"{url}#lines-{line}" if line else url
        return None

    def compare_url(self, base: str, head: str) -> str | None:
        """Where a person opens the pull request by hand."""
        if self.forge == "github":
            return f"{self.web_url}/compare/{_q(base)}...{_q(head)}?expand=1"
        if self.forge == "gitlab":
            return (
                f"{self.web_url}/-/merge_requests/new?merge_request%5Bsource_branch%5D={quote(head, safe='')}"
                f"&merge_request%5Btarget_branch%5D={quote(base, safe='')}"
            )
        if self.forge == "bitbucket":
            return f"{self.web_url}/pull-requests/new?source={quote(head, safe='')}&dest={quote(base, safe='')}"
        return None


def _q(part: str) -> str:
    return quote(part, safe="/")


def redact(url: str) -> str:
    """The URL with any user:password@ removed, safe to print or log."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.hostname:
        return url
    if parts.scheme in ("http", "https") and (parts.username or parts.password):
        userinfo = ""  # over http the "user" is often a token itself
    elif parts.password is not None:
        userinfo = f"{parts.username}@" if parts.username else ""
    else:
        return url
    netloc = userinfo + parts.hostname + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def split_url(url: str) -> tuple[str, str] | None:
    """(host, repository path without .git) for any URL form git accepts; None for local paths."""
    url = url.strip()
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme == "file" or not parts.hostname:
            return None
        host, path = parts.hostname.lower(), parts.path
    else:
        match = _SCP_LIKE.match(url)
        if not match or "/" in match.group("host"):
            return None  # a local path such as /srv/git/app.git or ../app
        host, path = match.group("host").lower(), match.group("path")
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    if not path or "/" not in path:
        return None
    return host, path


def parse_remote(url: str, *, api_url: str | None = None, github_hosts: tuple[str, ...] = ()) -> Remote:
    """Identify the forge behind a remote URL.

    github.com -> api.github.com; a GHE.com tenant (NAME.ghe.com) -> https://api.NAME.ghe.com; a host named in
    `github_hosts`, or whose name contains "github", is GitHub Enterprise Server -> https://HOST/api/v3. An
    explicit `api_url` marks the remote as GitHub whatever its host, and is used as given.
    """
    split = split_url(url)
    if split is None:
        return Remote("unknown", "", "", api_url.rstrip("/") if api_url else None)
    host, path = split
    forge = "unknown"
    default_api: str | None = None
    if host in ("github.com", "www.github.com", "ssh.github.com"):
        host, forge, default_api = "github.com", "github", GITHUB_API
    elif host.endswith(".ghe.com"):
        forge, default_api = "github", f"https://api.{host}"
    elif host in github_hosts or "github" in host:
        forge, default_api = "github", f"https://{host}/api/v3"
    elif host == "gitlab.com" or "gitlab" in host:
        forge = "gitlab"
    elif host == "bitbucket.org":
        forge = "bitbucket"
    if api_url:
        forge, default_api = "github", api_url
    if forge == "github" and path.count("/") != 1:
        forge, default_api = "unknown", None  # GitHub repositories are exactly owner/name
    return Remote(forge, host, path, default_api.rstrip("/") if default_api else None)
