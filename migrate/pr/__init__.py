"""`migrate pr`: the rewrite delivered as a branch, a commit and a pull request.

    from migrate.pr import create_pr, PrOptions
    result = create_pr(["./repo"], PrOptions(branch="migrate/vllm", draft=True))
    print(result.status, result.commit, result.pull_request)

The library never prints: `create_pr` returns a PrResult (or raises PrError with a message meant for people);
`log` receives one-line progress notes if you want them.
"""

from __future__ import annotations

from migrate.pr.github import GitHubError, PullRequest
from migrate.pr.options import DEFAULT_BRANCH, DEFAULT_TITLE, PrOptions, resolve_options
from migrate.pr.workflow import PrError, PrResult, create_pr

__all__ = [
    "create_pr",
    "PrOptions",
    "PrResult",
    "PrError",
    "PullRequest",
    "GitHubError",
    "resolve_options",
    "DEFAULT_BRANCH",
    "DEFAULT_TITLE",
]
