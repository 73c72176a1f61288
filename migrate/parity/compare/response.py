"""Comparators on the shape of the answer rather than its content: why it stopped."""

from __future__ import annotations

from migrate.parity.compare.pair import Pair
from migrate.parity.compare.registry import Score, comparator

# Names that mean the same across API generations.
_SAME = {"function_call": "tool_calls", "end_turn": "stop", "max_tokens": "length"}


@comparator("finish_reason", kinds=("chat", "json", "tools", "completions"))
def finish_reason(pair: Pair, opts) -> Score | None:
    """Both stopped for the same reason (stop, length, tool_calls, content_filter); "length" on the candidate
    alone means its answer was cut by the token limit."""
    base, cand = pair.baseline.finish_reason, pair.candidate.finish_reason
    if base is None and cand is None:
        return None
    base, cand = _SAME.get(base, base), _SAME.get(cand, cand)
    if base == cand:
        return Score(1.0, True)
    if cand == "length":
        return Score(0.0, False, f"candidate hit the token limit (baseline: {base})")
    return Score(0.0, False, f"finish_reason {cand!r}, baseline {base!r}")
