"""The catalog the rewrite judges parameters against: the plan's target profile (`plan_rewrite(target=FILE)`, the
CLI's `--target`), else the profile named by $MIGRATE_TARGET_PROFILE (a user's override), else the shipped one.

Rules read it from their options (`options["target"]`, set by plan_rewrite), so worker processes get it with
the rest of the plan's options; loaded once per process and profile.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any


def judged_catalog(options: Mapping[str, Any] | None):
    """The catalog for these rule options, or None when none can be loaded (the rules fall back to their lists)."""
    from migrate.catalog import TARGET_ENV

    target = (options or {}).get("target") or os.environ.get(TARGET_ENV) or None
    return _catalog_for(str(target) if target else None)


@lru_cache(maxsize=4)
def _catalog_for(target: str | None):
    try:
        from migrate.catalog import load_catalog

        return load_catalog(target=target)
    except Exception:  # noqa: BLE001 - no catalog: the rules' fallback lists are used
        return None
