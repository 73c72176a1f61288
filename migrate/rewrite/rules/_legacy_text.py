"""Whether a text may hold code that runs only on openai<1 (see _legacy_only.py), read off the text alone: no
LibCST here, so that phase one (migrate/rewrite/flow.py) asks without importing it."""

from __future__ import annotations

import re

from migrate.catalog import legacy as _legacy

_RESOURCES = "|".join(sorted(_legacy.CLASSES))
_MODULES = "|".join(sorted({*_legacy.REMOVED_MODULES, "error"}))
_SETTINGS = "|".join(sorted({*_legacy.SETTINGS, "api_type", "api_version"}))
# The 0.x module API, as code spells it.
ZERO = re.compile(
    rf"\bopenai\.(?:(?:{_RESOURCES})\b|(?:{_MODULES})\b|(?:{_SETTINGS})\b)"
    rf"|\bfrom\s+openai\s+import\s+\(?\s*(?:{_RESOURCES})\b")
# A condition about the SDK's version (`api_version`, Azure's setting, is not one).
VERSIONISH = re.compile(r"__version__|\bversion\s*\(|version\b|(?<![a-z])v[01](?![0-9a-z])|legacy|hasattr\s*\(\s*openai",
                        re.IGNORECASE)

# A name that says it is the 0.x side (`is_legacy_openai`, `openai_v0`, a module `v0.py`).
LEGACY_NAME = re.compile(r"legacy|(?<![a-z])v0(?![0-9a-z])|pre_?v?1|old_?openai|openai_?0(?![0-9])", re.IGNORECASE)


def candidate(source: str) -> bool:
    """The text spells the 0.x module API and a version check (or an `except`, for a guarded import)."""
    return bool(ZERO.search(source)) and (bool(VERSIONISH.search(source.replace("api_version", "")))
                                          or "except" in source)
