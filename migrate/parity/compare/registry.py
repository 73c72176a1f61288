"""The comparator registry: each comparator is a function registered with `@comparator`.

A comparator looks at one `Pair` (what the baseline and the candidate answered to one request) and returns a
`Score`, or None when it does not apply to that pair (no text on either side, no tools asked for, ...):

    from migrate.parity.compare import Score, comparator

    @comparator("mentions_price", kinds=("chat",), default=False, options={"word": "EUR"})
    def mentions_price(pair, opts):
        '''The candidate mentions the currency whenever the baseline does.'''
        if opts["word"] not in (pair.baseline_text or ""):
            return None
        ok = opts["word"] in (pair.candidate_text or "")
        return Score(1.0 if ok else 0.0, ok, "" if ok else f"baseline mentions {opts['word']}, candidate does not")

Registered comparators are chosen per request kind automatically (those with `default=True` for the kind),
and `[tool.migrate.parity.comparators]` can change the choice and the options. A batch comparator
(`batch=True`, e.g. semantic similarity with an embedding model) gets a list of pairs and returns a list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Request kinds, decided from the endpoint and the request (see pair.request_kind).
KINDS = ("chat", "json", "tools", "completions", "embeddings")


@dataclass(frozen=True, slots=True)
class Score:
    """One comparator's judgement of one pair. `score` is in [0, 1] (1 = same); None when it cannot be scored."""

    score: float | None
    passed: bool
    reason: str = ""
    decided_by: str | None = None  # a layered comparator: which layer settled the pair ("key_facts", "judge", ...)

    def to_dict(self) -> dict[str, Any]:
        score = None if self.score is None else round(self.score, 4)
        out = {"score": score, "passed": self.passed, "reason": self.reason}
        if self.decided_by is not None:
            out["decided_by"] = self.decided_by
        return out


@dataclass(frozen=True)
class Comparator:
    name: str
    fn: Callable[..., Any]
    kinds: frozenset[str]  # the request kinds it can score
    default: bool  # on by default for those kinds
    needs_baseline: bool  # False: it judges the candidate alone (JSON validity, schema conformance)
    batch: bool  # fn(pairs, opts, ctx) -> list[Score | None] instead of fn(pair, opts) -> Score | None
    options: Mapping[str, Any] = field(default_factory=dict)  # defaults; [tool.migrate.parity.comparators.<name>]
    available: Callable[[Mapping[str, Any]], str | None] | None = None  # why it cannot run here (given its options), or None
    # The option holding its pass mark, when a pair passes exactly when score >= mark (after `pass_scale`, which maps
    # the option's unit to the score's): `report` re-applies a changed mark to saved scores without comparing again.
    pass_at: str | None = None
    pass_scale: Callable[[float], float] | None = None

    def pass_mark(self, options: Mapping[str, Any]) -> float | None:
        """The score a pair needs to pass under `options`, or None when its pass is not a plain mark."""
        if self.pass_at is None or not isinstance(options.get(self.pass_at), (int, float)):
            return None
        mark = float(options[self.pass_at])
        return self.pass_scale(mark) if self.pass_scale else mark

    @property
    def summary(self) -> str:
        doc = (self.fn.__doc__ or "").strip()
        return " ".join(doc.split("\n\n")[0].split())  # the first paragraph, on one line

    def unavailable_reason(self, options: Mapping[str, Any] | None = None) -> str | None:
        return self.available({**self.options, **(options or {})}) if self.available else None


_REGISTRY: dict[str, Comparator] = {}


def comparator(
    name: str,
    *,
    kinds: Iterable[str],
    default: bool = True,
    needs_baseline: bool = True,
    batch: bool = False,
    options: Mapping[str, Any] | None = None,
    available: Callable[[Mapping[str, Any]], str | None] | None = None,
    pass_at: str | None = None,
    pass_scale: Callable[[float], float] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a comparator under `name` (a stable id used in config, verdict files and reports)."""
    kinds = frozenset(kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ValueError(f"comparator {name!r}: unknown request kind(s) {sorted(unknown)}; known: {', '.join(KINDS)}")

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in _REGISTRY and _REGISTRY[name].fn is not fn:
            raise ValueError(f"comparator {name!r} is already registered (by {_REGISTRY[name].fn.__module__})")
        _REGISTRY[name] = Comparator(name, fn, kinds, default, needs_baseline, batch, dict(options or {}), available,
                                     pass_at, pass_scale)
        return fn

    return register


def registry() -> dict[str, Comparator]:
    """Every registered comparator by name.

    The built-in ones register when `migrate.parity.compare` is imported, which Python does before this module
    (its package) can be used, so this module imports no comparator.
    """
    return dict(_REGISTRY)


def get(name: str) -> Comparator:
    comparators = registry()
    try:
        return comparators[name]
    except KeyError:
        raise KeyError(f"no comparator named {name!r}; known: {', '.join(sorted(comparators))}") from None


class Context:
    """Shared state for one compare run: lazily built resources (an embedding model, a judge client) and
    notes that batch comparators leave for the summary (calls made, cache hits, errors)."""

    def __init__(self, out_dir: Any = None, options: Mapping[str, Mapping[str, Any]] | None = None):
        self.out_dir = out_dir
        self.resources: dict[str, Any] = {}
        self.notes: dict[str, dict[str, Any]] = {}
        self.options: dict[str, Mapping[str, Any]] = dict(options or {})  # every comparator's effective options
        self.disabled: set[str] = set()  # comparators the user turned off by name (a layered one respects that)

    def options_of(self, name: str) -> Mapping[str, Any]:
        """Another comparator's options as configured for this run (its defaults when not configured), so a
        layered comparator can use the embedder or judge the user set up under that comparator's table."""
        if name in self.options:
            return self.options[name]
        return dict(registry()[name].options)

    def resource(self, name: str, factory: Callable[[], Any]) -> Any:
        if name not in self.resources:
            self.resources[name] = factory()
        return self.resources[name]

    def note(self, comparator: str, key: str, value: Any = 1, *, add: bool = True) -> None:
        """Count (`add`, numbers) or set a value under the comparator's notes in the summary."""
        notes = self.notes.setdefault(comparator, {})
        notes[key] = notes.get(key, 0) + value if add else value

    def count(self, comparator: str, key: str, label: str) -> None:
        """Count `label` in a {label: n} table under the comparator's notes (e.g. which layer decided)."""
        table = self.notes.setdefault(comparator, {}).setdefault(key, {})
        table[label] = table.get(label, 0) + 1

    def example(self, comparator: str, key: str, value: Any, limit: int = 5) -> None:
        """Keep up to `limit` examples (error messages, ...) under the comparator's notes."""
        examples = self.notes.setdefault(comparator, {}).setdefault(key, [])
        if len(examples) < limit:
            examples.append(value)

    def close(self) -> None:
        for resource in self.resources.values():
            close = getattr(resource, "close", None)
            if callable(close):
                close()
