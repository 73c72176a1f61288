"""One line for the summary from whatever stopped a repository."""

from __future__ import annotations

import re

LIMIT = 400
_GIT_COMMAND = re.compile(r"`git [^`]*` failed \(exit \d+\): ")


def explain(error: BaseException) -> str:
    from migrate.config import ConfigError
    from migrate.fleet.workspace import SyncError
    from migrate.pr import GitHubError, PrError
    from migrate.pr.git import GitError

    if isinstance(error, (SyncError, PrError, ConfigError, GitHubError, GitError)):
        text = str(error)
    else:  # a bug or an unexpected state: say what it was, so it can be reported
        text = f"unexpected {type(error).__name__}: {error}" if str(error) else f"unexpected {type(error).__name__}"
    text = _GIT_COMMAND.sub("", text)  # git's reason matters here, not the command line that got it
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    shown = " ".join(lines[:2]) if lines else type(error).__name__
    return shown if len(shown) <= LIMIT else shown[: LIMIT - 3] + "..."
