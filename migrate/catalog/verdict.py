"""The compatibility verdict: how a use of OpenAI fares on the target server, and which catalog decided it.

The catalog computes verdicts and the scan reports them; the type lives here so that the catalog imports
nothing from the scan (migrate.scan.findings re-exports both names).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Verdict(str, enum.Enum):
    """How a use of OpenAI fares against the target vLLM server, from best to worst."""

    OK = "ok"
    IGNORED = "ignored-by-vllm"
    SERVER_FLAG = "needs-server-flag"
    NEEDS_CHANGE = "needs-change"
    UNSUPPORTED = "unsupported"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def worst(cls, verdicts) -> "Verdict":
        return max(verdicts, key=lambda v: v.rank, default=cls.OK)

    def __str__(self) -> str:  # click and f-strings show the value
        return self.value


_RANK = {v: i for i, v in enumerate(Verdict)}


@dataclass(frozen=True)
class CatalogInfo:
    openai_version: str
    vllm_version: str
    generated: str  # ISO date the snapshot was generated
    target: str | None = None  # the target profile verdicts were judged against: "vllm-default (vLLM 0.32.0, probed ...)"


__all__ = ["Verdict", "CatalogInfo"]
