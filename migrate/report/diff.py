"""Word-level differences between two answers, computed here (difflib) and rendered escaped by templates."""

from __future__ import annotations

import difflib
import re

# A word (or a run of punctuation) with the whitespace after it: whitespace never matches on its own,
# which would make difflib crawl through thousands of one-space "matches".
_TOKENS = re.compile(r"\s+|\w+\s*|[^\w\s]+\s*")
MAX_WORK = 1_000_000  # tokens x tokens beyond which a word diff is not attempted (lines, then nothing)

Segment = tuple[str, str]  # (op, text): op is "eq", "del" (only in the baseline) or "ins" (only in the candidate)


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for op, text in segments:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def word_diff(baseline: str, candidate: str) -> tuple[list[Segment], list[Segment]]:
    """The baseline's and the candidate's text as segments, words only on one side marked del / ins.

    Whitespace-only differences are not highlighted (they would mark every re-wrapped line).
    """
    a, b = _TOKENS.findall(baseline), _TOKENS.findall(candidate)
    if len(a) * len(b) > MAX_WORK:
        a, b = baseline.splitlines(keepends=True), candidate.splitlines(keepends=True)
        if len(a) * len(b) > MAX_WORK:
            return [("eq", baseline)], [("eq", candidate)]
    left: list[Segment] = []
    right: list[Segment] = []
    # autojunk (difflib's default) ignores very frequent tokens in long texts: it keeps repetitive answers fast.
    matcher = difflib.SequenceMatcher(None, a, b)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(("eq", old))
            right.append(("eq", new))
            continue
        left.append(("eq" if not old.strip() else "del", old))
        right.append(("eq" if not new.strip() else "ins", new))
    return _merge(left), _merge(right)


def similarity(baseline: str, candidate: str) -> float:
    a, b = _TOKENS.findall(baseline), _TOKENS.findall(candidate)
    return difflib.SequenceMatcher(None, a, b).ratio() if a or b else 1.0
