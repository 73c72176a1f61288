"""Key facts: the details an answer can get wrong while still *sounding* the same.

Sentence embeddings see "Take 200 mg every 6 hours." and "Take 2000 mg every 6 hours." as near-identical
(cosine 0.95 with all-MiniLM-L6-v2). This module pulls out, deterministically and in pure Python, the facts
a user acts on and compares them between the baseline and the candidate:

- numbers, with their unit or currency (`200 mg`, `$20`, `50%`, `6 hours`; "six" counts as 6, "2,000" as 2000);
- times and dates (ISO dates, `14:30`, weekdays, months, `tomorrow`, `next week`);
- order / ticket / version numbers and other IDs (`#4521`, `AB-1234`, `v2.3.1`);
- URLs and e-mail addresses;
- code identifiers (`backticked`, snake_case, camelCase, dotted.names, calls());
- named entities (capitalised spans that are not sentence openings, acronyms);
- negation: what each side says is *not* so ("has not shipped" vs "shipped").

`compare_facts` sorts every difference into one of two severities:

- **contradiction**: the two answers state different values for the same kind of fact (a number or ID
  replaced by another, a URL swapped, a thing negated on one side and affirmed on the other). The key-facts
  comparator fails the pair; the layered `equivalence` gate fails it without asking the embeddings.
- **flag**: a fact present on one side only (an omitted number, an extra entity, a negation about something
  the other side does not mention). Not a failure on its own (paraphrases drop and add details), but the
  layered gate no longer lets a high similarity settle the pair: it goes to the judge, or to the fallback.

Heuristics, not a parser: it errs toward flagging. Numbers that come with a unit are compared as
(value, unit), bare numbers as values; list markers ("1.", "2)") at the start of a line are not facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from dataclasses import dataclass, field

from migrate.parity.compare.pair import Pair
from migrate.parity.compare.registry import Score, comparator

CATEGORIES = ("number", "date", "id", "url", "code", "entity", "negation")

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "dozen": 12,
    "half": 0.5, "twice": 2,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "k": 1_000, "million": 1_000_000, "m": 1_000_000, "mn": 1_000_000,
           "billion": 1_000_000_000, "bn": 1_000_000_000, "b": 1_000_000_000, "trillion": 1_000_000_000_000}

# Unit spellings -> one canonical name. A number followed by one of these is a quantity.
_UNITS: dict[str, str] = {}
for _canon, _spellings in {
    "mg": "mg milligram milligrams", "g": "g gram grams gr", "kg": "kg kilogram kilograms kilo kilos",
    "mcg": "mcg µg microgram micrograms", "lb": "lb lbs pound pounds", "oz": "oz ounce ounces",
    "ml": "ml milliliter milliliters millilitre millilitres", "l": "l liter liters litre litres",
    "mm": "mm millimeter millimeters millimetre millimetres", "cm": "cm centimeter centimeters centimetre centimetres",
    "m": "meter meters metre metres", "km": "km kilometer kilometers kilometre kilometres",
    "mi": "mi mile miles", "ft": "ft foot feet", "in": "inch inches",
    "ms": "ms millisecond milliseconds", "s": "s sec secs second seconds", "min": "min mins minute minutes",
    "h": "h hr hrs hour hours", "day": "day days", "week": "wk wks week weeks", "month": "mo month months",
    "year": "yr yrs year years", "%": "% percent per cent pct", "°": "° degree degrees",
    "°c": "°c celsius", "°f": "°f fahrenheit",
    "b": "byte bytes", "kb": "kb kib kilobyte kilobytes", "mb": "mb mib megabyte megabytes",
    "gb": "gb gib gigabyte gigabytes", "tb": "tb tib terabyte terabytes",
    "usd": "$ usd dollar dollars", "eur": "€ eur euro euros", "gbp": "£ gbp", "jpy": "¥ jpy yen",
    "x": "x times", "tablet": "tablet tablets pill pills capsule capsules dose doses",
    "item": "item items", "user": "user users", "request": "request requests", "token": "token tokens",
    "step": "step steps", "am": "am a.m.", "pm": "pm p.m.",
}.items():
    for _s in _spellings.split():
        _UNITS[_s] = _canon
_CURRENCY = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH_ABBR = {m[:3]: m for m in _MONTHS} | {"sept": "september"}
_RELATIVE_DATES = {
    "today": "today", "tonight": "today", "tomorrow": "tomorrow", "yesterday": "yesterday",
    "next week": "next week", "last week": "last week", "this week": "this week", "next month": "next month",
    "last month": "last month", "this month": "this month", "next year": "next year", "last year": "last year",
    "this year": "this year", "weekend": "weekend", "overnight": "overnight",
}

_DATE_WORD = re.compile(r"\b(?:" + "|".join([*_WEEKDAYS, *_MONTHS, *(a for a in _MONTH_ABBR if a not in ("may", "mar"))]) + r")\b",
                        re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?:" + "|".join(sorted(_RELATIVE_DATES, key=len, reverse=True)) + r")\b")

_DATE_WORD_SET = frozenset([*_WEEKDAYS, *_MONTHS, *_MONTH_ABBR, "today", "tonight", "tomorrow", "yesterday", "week",
                            "month", "year", "weekend", "overnight"])
_DIGIT = re.compile(r"\d")
_QUOTE_CHARS = frozenset("\"'“‘")
_ABBREVIATION = re.compile(r"(?:[a-z]\.)+[a-z]?")

_NEGATIONS = {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot", "n't",
              "nowhere", "unable"}
# Words skipped between a negation and what it negates ("has not yet been shipped" -> ship).
_NEGATION_SKIP = {
    "a", "an", "the", "any", "be", "been", "being", "is", "are", "was", "were", "yet", "ever", "really", "always",
    "currently", "actually", "necessarily", "even", "still", "also", "just", "quite", "very", "so", "too", "at",
    "all", "longer", "more", "to", "have", "has", "had", "do", "does", "did", "get", "got", "of", "my", "your",
    "our", "their", "its", "his", "her", "this", "that", "these", "those", "only", "fully", "entirely", "it", "them",
    "him", "us", "me", "you", "we", "they", "i", "he", "she", "can", "will", "would", "should", "must", "need",
}
_CONTRACTIONS = re.compile(r"\b(ca|do|does|did|is|are|was|were|has|have|had|wo|would|should|could|must|need|might|ai)n[’']t\b",
                           re.IGNORECASE)

_DEGREES = re.compile(r"(?:°\s*|\bdegrees?\s+)(celsius|centigrade|fahrenheit|c|f)\b", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\"'`]+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_BACKTICK = re.compile(r"`([^`\n]{1,80})`")
_QUOTED = re.compile(r"(?<![\w'’])[\"'“‘]([^\"'“”‘’\n]{1,40})[\"'”’](?![\w'])")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b")
_TIME = re.compile(r"(?<![\d.])\b(\d{1,2}):(\d{2})(?::\d{2})?\s*(am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)
_HASH_ID = re.compile(r"(?<![\w&])#\s?([A-Za-z0-9][\w-]*)")
_LABEL_ID = re.compile(
    r"\b(?:order|ticket|case|invoice|issue|pr|pull request|ref|reference|confirmation|tracking|account|booking|"
    r"transaction|id|no\.?|number)\s*(?:#|no\.?|number|id)?\s*:?\s*([A-Z0-9][A-Z0-9-]{2,}\d|\d{3,})\b", re.IGNORECASE)
_CODE_ID = re.compile(r"\b[A-Z][A-Z0-9]*-\d[\w-]*\b|\b[A-Z]{2,}\d[\w-]*\b")  # AB-1234, SKU123, PROJ-42
_VERSION = re.compile(r"\bv?\d+\.\d+(?:\.\d+)+\b|\bv\d+(?:\.\d+)?\b")
_NUMBER = re.compile(
    r"(?P<cur>[$€£¥])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<suffix>st|nd|rd|th)?"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|k|m|b)\b)?"
    r"(?:\s?(?P<unit>°[cf]|%|[a-zµ°][a-zµ.]*))?",
    re.IGNORECASE,
)
_NUMBER_WORD_SET = frozenset([*_NUMBER_WORDS, "million", "billion"])
_NUMBER_WORD = "|".join(sorted([*_NUMBER_WORDS, "million", "billion"], key=len, reverse=True))
_WORD_NUMBER = re.compile(rf"\b(?P<run>(?:{_NUMBER_WORD})(?:(?:[- ]|\s+and\s+)(?:{_NUMBER_WORD}))*)\b(?:\s+(?P<unit>[a-z%]+))?",
                          re.IGNORECASE)
_IDENTIFIER = re.compile(
    r"\b(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]*)+|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\(\))?|[A-Za-z_]\w*\(\))"
)
_SENTENCE_END = re.compile(r"(?:^|[.!?:;]\s+|\n\s*(?:[-*•>]|\d+[.)])?\s*|[\"“‘'(]\s*)$")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*(?:[ \t]+(?:(?:of|de|du|van|von|the|and|&)[ \t]+)?[A-Z][\w'’-]*)*")
_WORD = re.compile(r"[a-z0-9']+")
# Capitalised words that are not names even in mid-sentence.
_NOT_ENTITIES = {"i", "i'm", "i've", "i'll", "i'd", "ok", "okay", "yes", "no", "note", "please", "thanks", "hello", "hi"}


@dataclass(frozen=True)
class Facts:
    """The key facts of one text, by category (sets of normalised strings)."""

    number: frozenset[str] = frozenset()
    date: frozenset[str] = frozenset()
    id: frozenset[str] = frozenset()
    url: frozenset[str] = frozenset()
    code: frozenset[str] = frozenset()
    entity: frozenset[str] = frozenset()
    negation: frozenset[str] = frozenset()  # the stems negated ("ship" in "has not shipped")
    stems: frozenset[str] = frozenset()  # stems mentioned in clauses without negation ("affirmed")
    negated_count: int = 0
    answer: str | None = None  # a leading "Yes," / "No."
    openers: frozenset[str] = frozenset()  # capitalised sentence openings: names only if the other side says so

    def get(self, category: str) -> frozenset[str]:
        return getattr(self, category)


@dataclass(frozen=True)
class Difference:
    category: str  # one of CATEGORIES
    severity: str  # "contradiction" | "flag"
    baseline: tuple[str, ...]  # what only the baseline says
    candidate: tuple[str, ...]  # what only the candidate says

    def describe(self) -> str:
        label = {"number": "numbers", "date": "dates", "id": "IDs", "url": "URLs", "code": "code identifiers",
                 "entity": "names", "negation": "negation"}[self.category]
        if self.category == "negation":
            if self.baseline and self.baseline[0] in ("yes", "no") and self.candidate and self.candidate[0] in ("yes", "no"):
                return f"the baseline answers {self.baseline[0]!r}, the candidate {self.candidate[0]!r}"
            if self.severity == "contradiction":
                words = ", ".join(self.baseline or self.candidate)
                side = "candidate" if self.candidate else "baseline"
                return f"negation: the {side} says not {words!r}, the other side says it is so"
            return f"negation on one side only ({', '.join(self.baseline or self.candidate)})"
        if self.baseline and self.candidate:
            return f"{label} differ: baseline {_show(self.baseline)}, candidate {_show(self.candidate)}"
        if self.baseline:
            return f"{label} missing from the candidate: {_show(self.baseline)}"
        return f"{label} only in the candidate: {_show(self.candidate)}"


@dataclass(frozen=True)
class FactCheck:
    differences: tuple[Difference, ...] = field(default_factory=tuple)
    compared: int = 0  # facts found on either side

    @property
    def contradictions(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.severity == "contradiction")

    @property
    def flags(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.severity == "flag")

    def reason(self, limit: int = 3) -> str:
        shown = [*self.contradictions, *self.flags][:limit]
        return "; ".join(d.describe() for d in shown)


def _show(values: Iterable[str], limit: int = 4) -> str:
    values = sorted(values)
    text = ", ".join(values[:limit])
    return text + (f" (+{len(values) - limit})" if len(values) > limit else "")


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude English stem: enough to match "shipped"/"ships"/"shipping" to "ship"."""
    word = word.lower().strip("'’")
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + keep
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousl":
        word = word[:-1]  # shipp -> ship
    return word


def _numbers(text: str, taken: list[tuple[int, int]]) -> set[str]:
    out: set[str] = set()
    for m in _NUMBER.finditer(text):
        start, end = m.span("num")
        if any(a <= start < b for a, b in taken):
            continue
        line_start = text.rfind("\n", 0, start) + 1
        before = text[line_start:start].strip()
        after = text[end:end + 1]
        if not before and after in (".", ")") and m.group("unit") is None and not m.group("cur"):
            continue  # a list marker: "1. Install", "2) Configure"
        value = float(m.group("num").replace(",", ""))
        scale = (m.group("scale") or "").lower()
        unit_word = (m.group("unit") or "").lower().rstrip(".")
        if scale in ("m", "b") and unit_word:  # "5 m long" is metres, "5m users" is millions: keep it simple
            scale = ""
        if scale:
            value *= _SCALES[scale]
        unit = _CURRENCY.get(m.group("cur") or "", "")
        if not unit:
            unit = _UNITS.get(unit_word, "")
        out.add(f"{_number_text(value)} {unit}".strip())
    return out


def _word_run_value(words: list[str]) -> float:
    """ "two hundred fifty" -> 250, "twenty-five" -> 25, "three thousand" -> 3000."""
    total, current = 0.0, 0.0
    for word in words:
        if word in ("hundred",):
            current = max(current, 1) * 100
        elif word in ("thousand", "million", "billion"):
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            current += _NUMBER_WORDS[word]
    return total + current


def _word_numbers(text: str) -> set[str]:
    out: set[str] = set()
    for m in _WORD_NUMBER.finditer(text):
        if re.search(r"\d[\d.,]*\s*$", text[max(0, m.start() - 12):m.start()]):
            continue  # "1.5 million": the digits already gave the number
        words = [w for w in re.split(r"[- ]+", m.group("run").lower()) if w and w != "and"]
        unit = _UNITS.get((m.group("unit") or "").lower(), "")
        if len(words) == 1 and not unit and words[0] in ("one", "half", "dozen", "hundred", "thousand", "million", "billion"):
            continue  # "one of the", "at once", "thousands of": too often not a stated quantity
        out.add(f"{_number_text(_word_run_value(words))} {unit}".strip())
    return out


def _entities(text: str) -> tuple[set[str], set[str]]:
    """(names, capitalised sentence openings that may be names)."""
    out: set[str] = set()
    openers: set[str] = set()
    for m in _CAPITALISED.finditer(text):
        span = m.group(0)
        words = span.split()
        first_at_start = bool(_SENTENCE_END.search(text[max(0, m.start() - 6):m.start()])) or m.start() == 0
        if first_at_start:
            # A sentence opening is capitalised anyway: keep it only if it looks like a name on its own
            # (an acronym, inner capitals like "OpenAI") or starts a longer capitalised span.
            head = words[0]
            if not (head.isupper() and len(head) > 1) and not any(c.isupper() for c in head[1:]):
                openers.add(re.sub(r"['’]s\b", "", " ".join(words).lower()))
                openers.add(re.sub(r"['’]s$", "", head.lower()))
                words = words[1:]
        words = [re.sub(r"['’]s$", "", w) for w in words if w.lower() not in _NOT_ENTITIES]
        if re.search(r"\d\s*$", text[max(0, m.start() - 3):m.start()]) and words and words[0].lower() in _UNITS:
            words = words[1:]  # "100 GB", "2TB": a unit, not a name
        while words and words[0].lower() in ("of", "de", "du", "van", "von", "the", "and", "&"):
            words = words[1:]
        if not words:
            continue
        name = " ".join(words).lower()
        if name in _WEEKDAYS or name in _MONTHS or name in _MONTH_ABBR or len(name) < 2:
            continue  # dates have their own category; a lone letter is a variable or a unit, not a name
        out.add(name)
    return out, openers


def _dates(text: str, lowered: str) -> set[str]:
    out: set[str] = set()
    for m in _ISO_DATE.finditer(text):
        out.add(f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
    for m in _SLASH_DATE.finditer(text):
        out.add(f"{m.group(1)}/{m.group(2)}/{m.group(3)}")
    for m in _TIME.finditer(text):
        hour, minute, half = int(m.group(1)), m.group(2), (m.group(3) or "").replace(".", "").lower()
        if half == "pm" and hour < 12:
            hour += 12
        out.add(f"{hour:02d}:{minute}")
    for m in _DATE_WORD.finditer(text):
        w = m.group(0).lower()
        if w == "may" and not (m.group(0)[0] == "M" and re.search(r"\d", text[max(0, m.start() - 4):m.end() + 4])):
            continue  # the verb, not the month
        out.add(_MONTH_ABBR.get(w, w))
    for m in _RELATIVE.finditer(lowered):
        out.add(_RELATIVE_DATES[m.group(0)])
    return out


_CLAUSE = re.compile(r"[.;!?:\n]+|,\s+(?:but|so|and|or|while|because)\b")
# Words that negate without a "not": a sentence with one of these does not affirm what it mentions.
_IMPLICIT_NEGATIVES = {"missing", "lack", "lacks", "lacking", "absent", "unavailable", "fail", "fails", "failed", "refuse",
                       "refused", "reject", "rejected", "forbidden", "prohibited", "only", "except", "instead", "rather",
                       "neither", "nor", "without", "unless", "until", "before", "stop", "stopped", "avoid", "never"}
_ANSWER = re.compile(r"\s*[*_\"'>#]*\s*(?:(?:sure|certainly|of course|okay|ok)\s*[!,.]\s*)?(yes|no)\b[*_]*\s*[,.!:;-]")
_CONDITIONAL = {"until", "unless"}


def _negations(lowered: str) -> tuple[set[str], int, set[str], str | None]:
    """(negated stems, number of negations, stems affirmed in clauses without any negation, yes/no answer)."""
    text = _CONTRACTIONS.sub(lambda m: m.group(1) + " n't", lowered)
    answer = None
    opening = _ANSWER.match(text)
    count = 0
    if opening:
        answer = opening.group(1)
        text = text[opening.end():]
        count = 1 if answer == "no" else 0
    targets: set[str] = set()
    affirmed: set[str] = set()
    for clause in _CLAUSE.split(text):
        words = re.findall(r"n't|[a-z0-9_]+", clause)
        negated = False
        for i, w in enumerate(words):
            if w not in _NEGATIONS:
                continue
            if w == "no" and i + 1 < len(words) and words[i + 1] in ("matter", "problem", "worries", "doubt"):
                continue  # idioms, not the negation of a fact
            negated = True
            if _CONDITIONAL & set(words):
                continue  # "not picked up until you restart": a condition, not a denial
            count += 1
            for nxt in words[i + 1:i + 6]:
                if nxt in _NEGATION_SKIP or nxt in _NEGATIONS or nxt.isdigit():
                    continue
                targets.add(stem(nxt))
                break
        if not negated and not _IMPLICIT_NEGATIVES & set(words):
            affirmed.update(stem(w) for w in words)
    return targets, count, affirmed, answer


@lru_cache(maxsize=4096)  # a prompt or baseline answer often recurs (samples, system prompts)
def extract(text: str) -> Facts:
    """Every key fact of `text`, normalised so that equal facts compare equal across wordings."""
    if not text:
        return Facts()
    # Cheap substring tests first: most patterns cannot match a text without their key character.
    low = text.lower()
    if "°" in text or "degree" in low:
        text = _DEGREES.sub(lambda m: "°" + m.group(1)[0].upper(), text)
        low = text.lower()
    digits = _DIGIT.search(text) is not None
    words = set(_WORD.findall(low))
    taken: list[tuple[int, int]] = []  # spans already claimed by URLs, IDs, dates, versions, identifiers
    urls: set[str] = set()
    if "http" in low or "www." in low:
        for m in _URL.finditer(text):
            urls.add(m.group(0).rstrip(".,;:!?").rstrip("/").lower())
            taken.append(m.span())
    if "@" in text:
        for m in _EMAIL.finditer(text):
            if not any(a <= m.start() < b for a, b in taken):
                urls.add(m.group(0).lower())
                taken.append(m.span())
    ids: set[str] = set()
    id_patterns = ((_HASH_ID,) if "#" in text else ()) + ((_LABEL_ID, _CODE_ID, _VERSION) if digits else ())
    for pattern in id_patterns:
        for m in pattern.finditer(text):
            span = m.span()
            if any(a <= span[0] < b for a, b in taken):
                continue
            value = (m.group(1) if m.groups() else m.group(0)).lower()
            ids.add(value.lstrip("v") if pattern is _VERSION else value)
            taken.append(span)
    if digits:
        for pattern, key in ((_ISO_DATE, "-"), (_SLASH_DATE, "/"), (_TIME, ":")):
            if key in text:
                taken.extend(m.span() for m in pattern.finditer(text))
    code: set[str] = set()
    if "`" in text:
        for m in _BACKTICK.finditer(text):
            code.add(m.group(1).strip())
            taken.append(m.span())
    if _QUOTE_CHARS & set(text):
        for m in _QUOTED.finditer(text):
            quoted = m.group(1).strip()
            if quoted and len(quoted.split()) <= 4 and not any(a <= m.start() < b for a, b in taken):
                code.add(quoted.lower())
                taken.append(m.span())
    for m in _IDENTIFIER.finditer(text):
        if not any(a <= m.start() < b for a, b in taken) and not _URL.match(m.group(0)):
            token = m.group(0)
            if "." in token and token.replace(".", "").isalpha() and token.count(".") == 1 and token.split(".")[1][:1].isupper():
                continue  # "ends.Next": a missing space after a full stop, not a dotted name
            if _ABBREVIATION.fullmatch(token.lower()):
                continue  # e.g., i.e., a.m.
            code.add(token)
    lowered = low.replace("’", "'")
    entities, openers = _entities(text)
    numbers = _numbers(text, taken) if digits else set()
    if words & _NUMBER_WORD_SET:
        numbers |= _word_numbers(text)
    dates = _dates(text, lowered) if digits or words & _DATE_WORD_SET else set()
    targets, count, affirmed, answer = _negations(lowered)
    return Facts(
        number=frozenset(numbers), date=frozenset(dates), id=frozenset(ids), url=frozenset(urls),
        code=frozenset(code), entity=frozenset(entities), openers=frozenset(openers), negation=frozenset(targets),
        stems=frozenset(affirmed), negated_count=count, answer=answer,
    )


def _unmatched_numbers(mine: frozenset[str], other: frozenset[str]) -> set[str]:
    """Numbers of `mine` the other side does not state. "6 hours" and a bare "6" match (a unit left implicit);
    "200 mg" and "200 g" do not."""
    out = set()
    for number in mine - other:
        value, _, unit = number.partition(" ")
        if any(o.partition(" ")[0] == value and (not unit or not o.partition(" ")[2]) for o in other):
            continue
        out.add(number)
    return out


def compare_facts(baseline: str, candidate: str, context: str | None = None) -> FactCheck:
    """What key facts differ between the two texts, each difference a contradiction or a flag.

    `context` (the request's prompt): a fact the prompt already states is not one the candidate must repeat,
    so leaving it out is not flagged (replacing it by another value still is).
    """
    b, c = extract(baseline), extract(candidate)
    given = extract(context) if context else Facts()
    diffs: list[Difference] = []
    if b.answer and c.answer and b.answer != c.answer:
        diffs.append(Difference("negation", "contradiction", (b.answer,), (c.answer,)))
    for category in ("number", "date", "id", "url", "code", "entity"):
        only_b, only_c = b.get(category) - c.get(category), c.get(category) - b.get(category)
        if category in ("entity", "code"):  # names the prompt gives are not the answer's facts
            only_b, only_c = only_b - given.entity - given.code, only_c - given.entity - given.code
        if category == "number":
            only_b, only_c = _unmatched_numbers(b.number, c.number), _unmatched_numbers(c.number, b.number)
        if category == "entity":
            # "Paris" vs "Paris, France": one side naming more of the same thing is not a substitution.
            only_b = {e for e in only_b if e not in c.openers and not any(e in x or x in e for x in c.entity)}
            only_c = {e for e in only_c if e not in b.openers and not any(e in x or x in e for x in b.entity)}
        if not (only_b and only_c):  # one-sided: a fact the prompt states need not be repeated (or echoed)
            only_b, only_c = only_b - given.get(category), only_c - given.get(category)
            if category == "number":
                only_b, only_c = _unmatched_numbers(frozenset(only_b), given.number), _unmatched_numbers(frozenset(only_c), given.number)
        if not only_b and not only_c:
            continue
        # Replaced values are contradictions; for names and identifiers only when the texts otherwise name
        # the same number of things (a longer answer naming extra things is not a swap).
        substituted = bool(only_b and only_c)
        if category in ("entity", "code") and substituted:
            stated = given.entity | given.code
            substituted = len(only_b) == len(only_c) and len(b.get(category) - stated) == len(c.get(category) - stated)
        severity = "contradiction" if substituted else "flag"
        diffs.append(Difference(category, severity, tuple(sorted(only_b)), tuple(sorted(only_c))))
    # Negation: a thing negated on one side and affirmed (mentioned without negation) on the other.
    neg_b, neg_c = b.negation - c.negation, c.negation - b.negation
    contradicted_c = tuple(sorted(t for t in neg_c if t in b.stems))
    contradicted_b = tuple(sorted(t for t in neg_b if t in c.stems))
    if contradicted_b or contradicted_c:
        diffs.append(Difference("negation", "contradiction", contradicted_b, contradicted_c))
    elif (b.negated_count == 0) != (c.negated_count == 0) and not (given.negated_count and (neg_b | neg_c) <= given.negation | given.stems):
        diffs.append(Difference("negation", "flag", tuple(sorted(neg_b)), tuple(sorted(neg_c))))
    compared = sum(len(b.get(k)) + len(c.get(k)) for k in CATEGORIES)
    return FactCheck(tuple(diffs), compared)


@comparator("key_facts", kinds=("chat", "completions", "tools"), options={"fail_on": "contradiction"})
def key_facts(pair: Pair, opts) -> Score | None:
    """Numbers and units, dates, IDs, URLs, code identifiers, names and negation agree between the answers.

    Fails on a contradiction (a value replaced by another, a thing negated on one side and affirmed on the
    other); facts on one side only are flags, which fail too when `fail_on = "flag"`. Score: 1 - the share
    of differing fact categories.
    """
    base, cand = pair.baseline.text, pair.candidate.text
    if base is None or cand is None:
        return None
    if base == cand:
        return Score(1.0, True)
    check = compare_facts(base, cand, pair.prompt_text)
    if not check.differences:
        return Score(1.0, True)
    failing = check.contradictions if opts["fail_on"] == "contradiction" else check.differences
    score = 1.0 - len(check.differences) / len(CATEGORIES)
    return Score(max(0.0, score), not failing, check.reason())
