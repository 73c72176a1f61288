"""Project configuration: `[tool.migrate]` in pyproject.toml, or the top level of migrate.toml.

One file serves every stage. Stages read their own tables (`rewrite`, `parity`, `serve`, ...) with
`Config.section(name)`; the few settings several stages share are typed attributes here.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_BASE_URL_ENV = "OPENAI_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:8000/v1"
DEFAULT_API_KEY_ENV = "OPENAI_API_KEY"
DEFAULT_API_KEY = "EMPTY"  # vLLM accepts any key unless started with --api-key
# Calls vLLM does not serve (images, text-to-speech, ...) keep going to OpenAI through a client of their own,
# pinned to OpenAI's URL: $OPENAI_BASE_URL points at vLLM once the code is migrated.
DEFAULT_UPSTREAM_BASE_URL_ENV = "OPENAI_UPSTREAM_BASE_URL"
DEFAULT_UPSTREAM_BASE_URL = "https://api.openai.com/v1"
DEFAULT_UPSTREAM_API_KEY_ENV = "OPENAI_UPSTREAM_API_KEY"


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Config:
    source: Path | None = None  # the file it came from, None for defaults
    base_url_env: str = DEFAULT_BASE_URL_ENV
    base_url_default: str = DEFAULT_BASE_URL
    api_key_env: str = DEFAULT_API_KEY_ENV
    api_key_default: str = DEFAULT_API_KEY
    models: dict[str, str] = field(default_factory=dict)  # OpenAI model name -> served model name
    openai_upstream_base_url_env: str = DEFAULT_UPSTREAM_BASE_URL_ENV
    openai_upstream_base_url_default: str = DEFAULT_UPSTREAM_BASE_URL
    openai_upstream_api_key_env: str = DEFAULT_UPSTREAM_API_KEY_ENV
    raw: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        value = self.raw.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{self.source}: [{self._prefix()}{name}] must be a table, got {type(value).__name__}")
        return value

    def map_model(self, name: str) -> str | None:
        """The served name for an OpenAI model name, or None when the map has no entry."""
        return self.models.get(name)

    def _prefix(self) -> str:
        names = {"pyproject.toml": "tool.migrate.", "package.json": "migrate."}
        return names.get(self.source.name, "") if self.source else ""


def find_config_file(start: Path) -> Path | None:
    """migrate.toml or a pyproject.toml with [tool.migrate], in start or its parents."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    for directory in (start, *start.parents):
        candidate = directory / "migrate.toml"
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and b"[tool.migrate" in pyproject.read_bytes():
            return pyproject
        package = directory / "package.json"  # a JS-only repo: the "migrate" key of package.json
        if package.is_file() and b'"migrate"' in package.read_bytes() and isinstance(_package_section(package), dict):
            return package
        if (directory / ".git").exists():
            break
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """Load an explicit config file, or discover one from `start` (default: the current directory)."""
    if path is None:
        path = find_config_file(start or Path.cwd())
        if path is None:
            return Config()
    path = Path(path)
    if path.name == "package.json":
        data = _package_section(path)
        if not isinstance(data, dict):
            raise ConfigError(f'{path}: "migrate" must be an object with the keys of migrate.toml '
                              '(e.g. {"models": {"gpt-4o": "my-served-model"}})')
        return _from_dict(data, path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e}); fix the file or pass --config") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("migrate", {})
    return _from_dict(data, path)


def _package_section(path: Path):
    """The "migrate" value of a package.json (None when it has none or does not read)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("migrate") if isinstance(data, dict) else None


def _from_dict(data: dict[str, Any], source: Path) -> Config:
    prefix = {"pyproject.toml": "tool.migrate.", "package.json": "migrate."}.get(source.name, "")

    def string(key: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{source}: {prefix}{key} must be a non-empty string, got {value!r}")
        return value

    models = data.get("models", {})
    if not isinstance(models, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in models.items()):
        raise ConfigError(f"{source}: [{prefix}models] must map OpenAI model names to served model names (strings)")
    return Config(
        source=source,
        base_url_env=string("base_url_env", DEFAULT_BASE_URL_ENV),
        base_url_default=string("base_url_default", DEFAULT_BASE_URL),
        api_key_env=string("api_key_env", DEFAULT_API_KEY_ENV),
        api_key_default=string("api_key_default", DEFAULT_API_KEY),
        models=dict(models),
        openai_upstream_base_url_env=string("openai_upstream_base_url_env", DEFAULT_UPSTREAM_BASE_URL_ENV),
        openai_upstream_base_url_default=string("openai_upstream_base_url_default", DEFAULT_UPSTREAM_BASE_URL),
        openai_upstream_api_key_env=string("openai_upstream_api_key_env", DEFAULT_UPSTREAM_API_KEY_ENV),
        raw=data,
    )


def model_map_with(config: Config | None, values: Iterable[str], flag: str = "--model-map") -> dict[str, str]:
    """`[tool.migrate.models]` with OPENAI_NAME=SERVED_NAME overrides from the command line (`*=NAME`: all)."""
    mapping = dict(config.models) if config is not None else {}
    for value in values:
        name, sep, served = value.partition("=")
        if not sep or not name or not served:
            raise ConfigError(f"{flag} {value!r}: expected OPENAI_NAME=SERVED_NAME (or *=SERVED_NAME for every model)")
        mapping[name] = served
    return mapping
