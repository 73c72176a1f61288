"""`migrate scan`: every OpenAI use in a Python codebase, and what will break on vLLM.

Placeholder until the detector lands; the signature is the contract other stages build on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from migrate.scan.findings import ScanResult

ProgressCallback = Callable[[int, int | None, str], None]  # (files done, files total or None, current path)


def scan(
    paths: Sequence[str | Path],
    *,
    exclude: Sequence[str] = (),
    include_vendored: bool = False,
    respect_gitignore: bool = True,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> ScanResult:
    raise NotImplementedError
