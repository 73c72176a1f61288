"""Text comparators: exact match, normalised text, lexical similarity, length ratio, refusal.

All of them are pure Python over the first choice's text and run at well over 50k pairs per second per
core (benchmarks/compare_throughput.py). They return None when neither side answered with text (a tool
call, an embedding), so they never count against a pair they cannot judge.
"""

from __future__ import annotations

import re
import unicodedata

from migrate.parity.compare.pair import Pair
from migrate.parity.compare.registry import Score, comparator

TEXT_KINDS = ("chat", "json", "tools", "completions")
_WORD = re.compile(r"\w+")
_EDGE_PUNCT = " \t\n\r\"'`.,;:!?*_()[]{}<>"


def normalize(text: str) -> str:
    """Case-folded, Unicode-NFKC, whitespace collapsed, surrounding quotes/punctuation/markdown stripped."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.casefold().split()).strip(_EDGE_PUNCT)


# ASCII punctuation -> space, so that str.split() yields words (about 3x faster than a regex on ASCII text).
_PUNCT = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~"})


def words(text: str) -> list[str]:
    """Lower-cased words (letters, digits, underscore)."""
    if text.isascii():
        return text.lower().translate(_PUNCT).split()
    return _WORD.findall(text.casefold())


def token_f1(a: str, b: str) -> float:
    """Dice / F1 overlap of the two texts' word sets: 1.0 for the same words in any order, 0.0 for none shared."""
    sa, sb = set(words(a)), set(words(b))
    if not sa and not sb:
        return 1.0 if a.strip() == b.strip() else 0.0
    return 2.0 * len(sa & sb) / (len(sa) + len(sb))


def _texts(pair: Pair) -> tuple[str, str] | Score | None:
    base, cand = pair.baseline.text, pair.candidate.text
    if base is None and cand is None:
        return None
    if base is None:
        return Score(0.0, False, "candidate answered with text, baseline did not")
    if cand is None:
        return Score(0.0, False, "baseline answered with text, candidate did not")
    return base, cand


def _answer_signature(pair: Pair, side: str) -> tuple:
    answer = getattr(pair, side)
    return answer.text, tuple((c.name, c.arguments) for c in answer.tool_calls)


@comparator("exact", kinds=TEXT_KINDS)
def exact(pair: Pair, opts) -> Score | None:
    """Byte-for-byte the same answer (text and tool calls). Expected only with greedy decoding on the same model."""
    base, cand = _answer_signature(pair, "baseline"), _answer_signature(pair, "candidate")
    if base == (None, ()) and cand == (None, ()):
        return None
    same = base == cand
    return Score(1.0 if same else 0.0, same, "" if same else "answers differ")


@comparator("normalized", kinds=TEXT_KINDS)
def normalized(pair: Pair, opts) -> Score | None:
    """The same text after case folding, NFKC, whitespace collapsing and stripping surrounding punctuation."""
    texts = _texts(pair)
    if not isinstance(texts, tuple):
        return texts
    same = normalize(texts[0]) == normalize(texts[1])
    return Score(1.0 if same else 0.0, same, "" if same else "texts differ after normalisation")


@comparator("lexical", kinds=TEXT_KINDS, options={"min_score": 0.5}, pass_at="min_score")
def lexical(pair: Pair, opts) -> Score | None:
    """Word-set F1 between the two texts (0..1); passes at `min_score` or above."""
    texts = _texts(pair)
    if not isinstance(texts, tuple):
        return texts
    score = token_f1(*texts)
    ok = score >= opts["min_score"]
    return Score(score, ok, "" if ok else f"word overlap {score:.2f} < {opts['min_score']}")


@comparator("length_ratio", kinds=TEXT_KINDS, options={"min_ratio": 0.5, "max_ratio": 2.0, "min_words": 5})
def length_ratio(pair: Pair, opts) -> Score | None:
    """Candidate length / baseline length in words; passes inside [min_ratio, max_ratio].

    Counts under `min_words` are raised to it, so "Yes." vs "Yes, it is." is not a 3x blow-up. The score is
    min/max of the two lengths (1.0 = same length).
    """
    texts = _texts(pair)
    if not isinstance(texts, tuple):
        return texts
    floor = opts["min_words"]
    nb, nc = max(len(texts[0].split()), floor), max(len(texts[1].split()), floor)
    ratio = nc / nb
    ok = opts["min_ratio"] <= ratio <= opts["max_ratio"]
    reason = "" if ok else f"candidate is {ratio:.2f}x the baseline's length ({nc} vs {nb} words)"
    return Score(min(nb, nc) / max(nb, nc), ok, reason)


# Openings of a refusal. Matched against the first 400 characters, case-insensitively, curly quotes folded.
REFUSAL_PATTERNS = (
    r"\b(?:i'?m|i am) (?:really |very |so )?(?:sorry|afraid),? (?:but )?(?:i |that )?(?:can(?:'?t|not)|won'?t|am (?:not able|unable)|'?m (?:not able|unable)|do not|don'?t)",
    (r"\bi (?:can(?:'?t|not)|won'?t|will not|am unable to|'?m unable to|am not able to|'?m not able to|must decline to|have to decline to) "
     r"(?:help|assist|comply|provide|do that|do this|fulfil|fulfill|support|answer|share|create|generate|engage|discuss|give)"),
    r"\bas an ai(?: language)? model,? i (?:can(?:'?t|not)|don'?t|do not|am not|won'?t)",
    r"\bi (?:must|have to|need to) (?:respectfully )?(?:decline|refuse)",
    r"\b(?:that'?s|this is) not something i can (?:help|assist|do)",
    r"\bi'?m not (?:able|allowed|permitted) to (?:help|assist|provide|share|do|answer|discuss)",
    r"\bi can(?:'?t|not) (?:help|assist) with (?:that|this)",
)
_REFUSAL = re.compile("|".join(f"(?:{p})" for p in REFUSAL_PATTERNS), re.IGNORECASE)


# Every pattern contains one of these: a cheap substring test rules most answers out before the regex runs.
_ANCHORS = ("sorry", "afraid", "can't", "cant", "cannot", "won't", "will not", "unable", "not able", "as an ai",
            "decline", "refuse", "not something", "not allowed", "not permitted")


def is_refusal(text: str | None, refusal_field: str | None = None) -> bool:
    if refusal_field:
        return True
    if not text:
        return False
    head = text[:400].lower()
    if "\u2019" in head:
        head = head.replace("\u2019", "'")
    if not any(anchor in head for anchor in _ANCHORS):
        return False
    return _REFUSAL.search(head) is not None


@comparator("refusal", kinds=("chat", "json", "completions", "tools"))
def refusal(pair: Pair, opts) -> Score | None:
    """Both sides refuse, or neither does (the `refusal` field or a refusal phrase at the start of the text)."""
    b, c = pair.baseline, pair.candidate
    if b.text is None and c.text is None and not b.refusal and not c.refusal:
        return None
    base, cand = is_refusal(b.text, b.refusal), is_refusal(c.text, c.refusal)
    if base == cand:
        return Score(1.0, True, "both refused" if base else "")
    return Score(0.0, False, "candidate refused, baseline answered" if cand else "baseline refused, candidate answered")
