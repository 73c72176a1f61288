"""Open (or update) a pull request through the GitHub REST API.

One POST creates the pull request. When GitHub answers 422 "A pull request already exists", the open pull
request for the branch is looked up and its title and body are updated with PATCH, so a second run refreshes
the description instead of failing or duplicating. Labels and reviewers are best effort: the pull request
exists by then, so a failure there is a warning, not an error.

Works against github.com, GitHub Enterprise Server (https://HOST/api/v3) and GHE.com; the base URL is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from migrate._version import __version__

API_VERSION = "2022-11-28"
TIMEOUT_S = 30.0


class GitHubError(RuntimeError):
    """GitHub refused a request; the message says which, why, and what to do."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str  # html_url, the page people open
    action: str  # "created" or "updated"
    warnings: tuple[str, ...] = field(default=())


def _explain(status: int, payload: Any, what: str, repo: str, token_env: str) -> str:
    message = payload.get("message", "") if isinstance(payload, dict) else ""
    details = []
    if isinstance(payload, dict):
        for error in payload.get("errors", []) or []:
            if isinstance(error, dict):
                details.append(error.get("message") or f"{error.get('field', '')} {error.get('code', '')}".strip())
            else:
                details.append(str(error))
    said = "; ".join(x for x in [message, *details] if x) or "no message"
    if status == 401:
        hint = f"the token in {token_env} was rejected (expired or mistyped): create a new one and export it again"
    elif status == 403:
        hint = (
            "the token lacks permission, or the API rate limit is spent: it needs the 'pull requests: write' "
            "and 'contents: write' permissions on this repository"
        )
    elif status == 404:
        hint = (
            f"{repo} was not found: check the remote URL, and that the token in {token_env} can see the "
            "repository (GitHub answers 404, not 403, for private repositories a token cannot read)"
        )
    elif status == 422:
        hint = "GitHub rejected the request's content: check that --base names an existing branch and that the branch has commits"
    else:
        hint = "GitHub did not accept the request; try again later or open the pull request by hand"
    return f"GitHub answered {status} to {what} for {repo}: {said}\n{hint}"


@dataclass(frozen=True)
class PullState:
    """The latest pull request of a branch, open or not."""

    number: int
    url: str
    state: str  # "open" or "closed"
    merged: bool


class GitHubClient:
    def __init__(
        self, api_url: str, token: str, *, token_env: str = "GITHUB_TOKEN", timeout: float = TIMEOUT_S, transport=None
    ):
        import httpx

        self.api_url = api_url.rstrip("/")
        self.token_env = token_env
        self._client = httpx.Client(
            base_url=self.api_url,
            timeout=timeout,
            transport=transport,
            headers={
                **({"Authorization": f"Bearer {token}"} if token else {}),  # none: public data, lower rate limit
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"migrate-kit/{__version__}",
            },
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _request(self, method: str, path: str, what: str, repo: str, **kwargs) -> tuple[int, Any]:
        import httpx

        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise GitHubError(f"{self.api_url} did not answer {what} within {self._client.timeout.read} s") from None
        except httpx.HTTPError as e:
            raise GitHubError(
                f"could not reach {self.api_url} for {what}: {e}; check --api-url and the network"
            ) from None
        try:
            payload = response.json() if response.content else None
        except ValueError:
            payload = {"message": response.text[:200]}
        return response.status_code, payload

    def open_or_update(
        self,
        owner: str,
        repo: str,
        *,
        head: str,
        base: str,
        title: str,
        body: str,
        draft: bool = False,
        labels: tuple[str, ...] = (),
        reviewers: tuple[str, ...] = (),
        lookup_first: bool = False,
    ) -> PullRequest:
        """Open the pull request, or update the open one for `head`.

        `lookup_first`: ask for an open pull request from `head` before creating one (one GET more), so that a
        run interrupted after the POST (its answer lost) never opens a second one, whatever the server does.
        """
        full = f"{owner}/{repo}"
        pulls = f"/repos/{quote(owner)}/{quote(repo)}/pulls"
        if lookup_first:
            existing = self.find_open_pull(owner, repo, head)
            if existing is not None:
                pr = self._patch(pulls, full, existing.number, title=title, body=body, base=base)
                return self._finish(owner, repo, pulls, full, pr, labels, reviewers)
        status, payload = self._request(
            "POST",
            pulls,
            "the request to open a pull request",
            full,
            json={
                "title": title,
                "head": head,
                "base": base,
                "body": body,
                "draft": draft,
                "maintainer_can_modify": True,
            },
        )
        if status == 201 and isinstance(payload, dict):
            pr = PullRequest(int(payload["number"]), str(payload["html_url"]), "created")
        elif status == 422 and _already_exists(payload):
            pr = self._update_existing(pulls, full, owner, head=head, base=base, title=title, body=body)
        else:
            raise GitHubError(
                _explain(status, payload, "the request to open a pull request", full, self.token_env), status
            )
        return self._finish(owner, repo, pulls, full, pr, labels, reviewers)

    def _finish(self, owner, repo, pulls, full, pr: PullRequest, labels, reviewers) -> PullRequest:
        warnings = []
        if labels:
            warnings += self._add_labels(owner, repo, pr.number, labels)
        if reviewers:
            warnings += self._request_reviewers(pulls, full, pr.number, reviewers)
        return PullRequest(pr.number, pr.url, pr.action, tuple(warnings))

    def latest_pull(self, owner: str, repo: str, *, head: str) -> PullState | None:
        """The most recent pull request from `head` in any state, or None when there has never been one."""
        full = f"{owner}/{repo}"
        what = "the lookup of the branch's pull requests"
        status, payload = self._request(
            "GET", f"/repos/{quote(owner)}/{quote(repo)}/pulls", what, full,
            params={"head": f"{owner}:{head}", "state": "all", "sort": "created", "direction": "desc", "per_page": 1},
        )  # fmt: skip
        if status != 200 or not isinstance(payload, list):
            raise GitHubError(_explain(status, payload, what, full, self.token_env), status)
        if not payload:
            return None
        latest = payload[0]
        return PullState(
            int(latest["number"]), str(latest.get("html_url", "")), str(latest.get("state", "open")),
            bool(latest.get("merged_at")),
        )  # fmt: skip

    def _update_existing(
        self, pulls: str, full: str, owner: str, *, head: str, base: str, title: str, body: str
    ) -> PullRequest:
        what = "the lookup of the open pull request"
        status, payload = self._request("GET", pulls, what, full, params={"head": f"{owner}:{head}", "state": "open"})
        if status != 200:
            raise GitHubError(_explain(status, payload, what, full, self.token_env), status)
        if not payload:
            raise GitHubError(
                f"GitHub says a pull request for {owner}:{head} already exists, but none is open: "
                "it may be closed; reopen it, or run again with another --branch"
            )
        return self._patch(pulls, full, int(payload[0]["number"]), title=title, body=body, base=base)

    def _patch(self, pulls: str, full: str, number: int, *, title: str, body: str, base: str) -> PullRequest:
        what = f"the update of pull request #{number}"
        status, payload = self._request(
            "PATCH", f"{pulls}/{number}", what, full, json={"title": title, "body": body, "base": base}
        )
        if status != 200 or not isinstance(payload, dict):
            raise GitHubError(_explain(status, payload, what, full, self.token_env), status)
        return PullRequest(number, str(payload.get("html_url", "")), "updated")

    def find_open_pull(self, owner: str, repo: str, head: str) -> PullRequest | None:
        """The open pull request from branch `head` of owner/repo, or None (action "found")."""
        full = f"{owner}/{repo}"
        what = "the lookup of the open pull request"
        status, payload = self._request(
            "GET", f"/repos/{quote(owner)}/{quote(repo)}/pulls", what, full,
            params={"head": f"{owner}:{head}", "state": "open"},
        )  # fmt: skip
        if status != 200 or not isinstance(payload, list):
            raise GitHubError(_explain(status, payload, what, full, self.token_env), status)
        if not payload:
            return None
        return PullRequest(int(payload[0]["number"]), str(payload[0].get("html_url", "")), "found")

    def paged(
        self, path: str, what: str, *, subject: str = "", params: dict | None = None, limit: int = 10_000
    ) -> list[Any]:
        """Every item of a paginated listing (following the Link header's rel="next"), up to `limit` items.

        Search answers ({"items": [...]}) are unwrapped. Raises GitHubError on the first page that fails.
        """
        import httpx

        items: list[Any] = []
        url: str | None = path
        query: dict | None = {"per_page": 100, **(params or {})}
        while url and len(items) < limit:
            try:
                response = self._client.get(url, params=query)
            except httpx.HTTPError as e:
                raise GitHubError(f"could not reach {self.api_url} for {what}: {e}; check --api-url and the network") from None
            try:
                payload = response.json() if response.content else None
            except ValueError:
                payload = {"message": response.text[:200]}
            if response.status_code != 200:
                raise GitHubError(_explain(response.status_code, payload, what, subject or path, self.token_env), response.status_code)
            page = payload.get("items", []) if isinstance(payload, dict) else payload
            if not isinstance(page, list):
                raise GitHubError(f"{self.api_url}{path} answered {what} with something other than a list")
            items.extend(page)
            url = response.links.get("next", {}).get("url")
            query = None  # the next link carries the query
        return items[:limit]

    def _add_labels(self, owner: str, repo: str, number: int, labels: tuple[str, ...]) -> list[str]:
        path = f"/repos/{quote(owner)}/{quote(repo)}/issues/{number}/labels"
        status, payload = self._request("POST", path, "adding labels", f"{owner}/{repo}", json={"labels": list(labels)})
        if status in (200, 201):
            return []
        return [f"labels not added: {_explain(status, payload, 'adding labels', f'{owner}/{repo}', self.token_env)}"]

    def _request_reviewers(self, pulls: str, full: str, number: int, reviewers: tuple[str, ...]) -> list[str]:
        users = [r for r in reviewers if "/" not in r]
        teams = [r.split("/", 1)[1] for r in reviewers if "/" in r]  # "org/team-slug"
        status, payload = self._request(
            "POST",
            f"{pulls}/{number}/requested_reviewers",
            "requesting reviewers",
            full,
            json={"reviewers": users, "team_reviewers": teams},
        )
        if status in (200, 201):
            return []
        return [f"reviewers not requested: {_explain(status, payload, 'requesting reviewers', full, self.token_env)}"]


def _already_exists(payload: Any) -> bool:
    if not isinstance(payload, dict):
        return False
    texts = [payload.get("message", "")]
    for error in payload.get("errors", []) or []:
        texts.append(error.get("message", "") if isinstance(error, dict) else str(error))
    return any("already exists" in (t or "").lower() for t in texts)
