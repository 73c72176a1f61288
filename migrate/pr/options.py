"""What `migrate pr` is asked to do: command-line flags over `[tool.migrate.pr]` over defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from migrate.config import Config, ConfigError

DEFAULT_BRANCH = "migrate/vllm"
DEFAULT_TITLE = "Point OpenAI API calls at a vLLM server"


@dataclass(frozen=True)
class PrOptions:
    branch: str = DEFAULT_BRANCH
    base: str | None = None  # None: the remote's default branch, else the current branch
    remote: str = "origin"
    title: str = DEFAULT_TITLE
    draft: bool = False
    allow_dirty: bool = False
    force_branch: bool = False
    # Rebuild the branch on the current base when it holds only migrate-kit's own commit (scheduled runs);
    # a branch a person committed to is never rewritten, and a pull request closed unmerged is not reopened.
    refresh: bool = False
    push: bool = True
    open_pr: bool = True  # through the API when a token and a GitHub remote are there
    dry_run: bool = False
    token_env: str | None = None  # None: GITHUB_TOKEN, then GH_TOKEN
    api_url: str | None = None  # None: derived from the remote host
    github_hosts: tuple[str, ...] = ()  # GitHub Enterprise hosts whose names do not contain "github"
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()  # users, or "org/team-slug" for teams
    body_template: Path | None = None
    parity_report: Path | None = None
    doctor_report: Path | None = None
    scan: bool = True  # run `migrate scan` for the body's findings table
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_tests: bool = False  # also rewrite test doubles (mocks, cassettes, test modules); reported otherwise
    include_vendored: bool = False
    target: Path | None = None  # a target profile the scan and the rewrite judge against (--target; not a config key)


CLI_ONLY = ("dry_run", "target")


def resolve_options(config: Config | None = None, **given: Any) -> PrOptions:
    """Build PrOptions: a value in `given` that is not None wins, then `[tool.migrate.pr]`, then the default.

    Config keys use the field names with dashes or underscores (`force-branch` or `force_branch`).
    """
    table = config.section("pr") if config is not None else {}
    known = {f.name: f for f in fields(PrOptions)}
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in known or key in CLI_ONLY:
            allowed = ", ".join(sorted(k.replace("_", "-") for k in known if k not in CLI_ONLY))
            raise ConfigError(
                f"{config.source}: [{config._prefix()}pr] has an unknown key {raw_key!r}; known keys: {allowed}"
            )
        values[key] = _coerce(config, key, known[key].type, value)
    for key, value in given.items():
        if key not in known:
            raise TypeError(f"unknown option {key!r}")
        if value is None or (isinstance(value, tuple) and not value and key in values):
            continue
        values[key] = value
    return PrOptions(**values)


def _coerce(config: Config, key: str, annotation: Any, value: Any) -> Any:
    where = f"{config.source}: {config._prefix()}pr.{key.replace('_', '-')}"
    kind = str(annotation)
    if kind.startswith("bool"):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {value!r}")
        return value
    if kind.startswith("tuple"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings, got {value!r}")
        return tuple(value)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where} must be a non-empty string, got {value!r}")
    if kind.startswith("Path"):
        path = Path(value)
        return path if path.is_absolute() or config.source is None else config.source.parent / path
    return value
