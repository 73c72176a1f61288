"""Structured-output comparators: JSON validity, JSON-schema conformance, JSON equality, tool calls.

`json_valid` and `json_schema` apply when the request asked for JSON (`response_format` json_object /
json_schema, the Responses API's `text.format`, or vLLM's `guided_json`); `tool_calls` and `tool_schema`
when it offered tools. Schema checks use `jsonschema` (imported on first use) with one cached validator
per distinct schema.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from migrate.parity.compare.pair import Pair, ToolCall
from migrate.parity.compare.registry import Score, comparator

_MISSING = object()


def parse_json(text: str | None) -> Any:
    """The parsed value, or _MISSING. Tolerates a ```json fence around the text (models add them)."""
    if text is None:
        return _MISSING
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.strip("`")
        stripped = stripped[4:] if stripped[:4].lower() == "json" else stripped
    try:
        return json.loads(stripped)
    except ValueError:
        return _MISSING


# Draft 2019-09 / 2020-12 keywords fastjsonschema (drafts 4, 6, 7) would silently ignore.
_NEWER_KEYWORDS = ('"prefixItems"', '"unevaluatedProperties"', '"unevaluatedItems"', '"dependentRequired"',
                   '"dependentSchemas"', '"$dynamicRef"', '"$recursiveRef"', '"minContains"', '"maxContains"')


class _Checker:
    """One schema, compiled twice: fastjsonschema (about 20x faster) answers "valid?" when it understands the
    schema; jsonschema explains what is wrong, and decides alone for newer drafts."""

    __slots__ = ("fast", "invalid", "validator")

    def __init__(self, schema: Any, key: str):
        import jsonschema

        self.fast = None
        self.invalid: Exception | None = None
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        try:
            cls.check_schema(schema)
        except jsonschema.SchemaError as e:
            self.invalid = e
            return
        self.validator = cls(schema)
        declared = str(schema.get("$schema", "")) if isinstance(schema, dict) else ""
        if not any(k in key for k in _NEWER_KEYWORDS) and ("draft" in declared or not declared):
            try:
                import fastjsonschema

                self.fast = fastjsonschema.compile(schema)
            except Exception:  # noqa: BLE001 - not installed, or a schema it cannot compile: jsonschema decides
                self.fast = None

    def errors(self, value: Any, limit: int) -> list[str]:
        if self.fast is not None:
            try:
                self.fast(value)
                return []
            except Exception:  # noqa: BLE001 - invalid (or a fastjsonschema quirk): let jsonschema explain
                pass
        errors = []
        for error in self.validator.iter_errors(value):
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            errors.append(f"{where}: {error.message[:200]}")
            if len(errors) >= limit:
                break
        return errors


class _Validators:
    """One compiled checker per distinct schema, at most `size` kept."""

    def __init__(self, size: int = 256):
        self.size = size
        self.cache: dict[str, _Checker] = {}

    def get(self, schema: Any) -> _Checker:
        key = json.dumps(schema, sort_keys=True, default=str)
        checker = self.cache.get(key)
        if checker is None:
            checker = _Checker(schema, key)  # an invalid schema is remembered too: it stays invalid
            if len(self.cache) >= self.size:
                self.cache.pop(next(iter(self.cache)))
            self.cache[key] = checker
        return checker


VALIDATORS = _Validators()


def schema_errors(schema: Any, value: Any, limit: int = 3) -> list[str] | None:
    """Up to `limit` messages why `value` does not conform ([] when it does); None when the schema is invalid."""
    checker = VALIDATORS.get(schema)
    if checker.invalid is not None:
        return None
    return checker.errors(value, limit)


def _cut(pair: Pair) -> str:
    return " (cut by the token limit: finish_reason length)" if pair.candidate.finish_reason == "length" else ""


@comparator("json_valid", kinds=("json",), needs_baseline=False)
def json_valid(pair: Pair, opts) -> Score | None:
    """The request asked for JSON and the candidate's answer parses (as an object for json_object mode)."""
    mode = pair.json_mode
    if mode is None:
        return None
    value = parse_json(pair.candidate.text)
    if value is _MISSING:
        if pair.candidate.text is None:
            return Score(0.0, False, "candidate gave no text")
        return Score(0.0, False, "candidate answer is not valid JSON" + _cut(pair))
    if mode[0] == "json_object" and not isinstance(value, dict):
        return Score(0.0, False, f"json_object mode asks for an object, got {type(value).__name__}")
    return Score(1.0, True)


@comparator("json_schema", kinds=("json",), needs_baseline=False)
def json_schema(pair: Pair, opts) -> Score | None:
    """The candidate's JSON conforms to the schema the request gave (response_format json_schema)."""
    mode = pair.json_mode
    if mode is None or mode[1] is None:
        return None
    value = parse_json(pair.candidate.text)
    if value is _MISSING:
        return Score(0.0, False, "candidate answer is not valid JSON" + _cut(pair))
    errors = schema_errors(mode[1], value)
    if errors is None:
        return None  # the request's own schema is invalid: nothing to hold the candidate to
    return Score(1.0, True) if not errors else Score(0.0, False, "; ".join(errors))


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_leaves(v, f"{prefix}/{k}"))
        return out or {prefix: {}}
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(_leaves(v, f"{prefix}/{i}"))
        return out or {prefix: []}
    return {prefix: value}


@comparator("json_match", kinds=("json",), options={"min_score": 0.8}, pass_at="min_score")
def json_match(pair: Pair, opts) -> Score | None:
    """Share of JSON leaf values (by path) equal on both sides; passes at `min_score`."""
    base, cand = parse_json(pair.baseline.text), parse_json(pair.candidate.text)
    if base is _MISSING:
        return None  # nothing to match against
    if cand is _MISSING:
        return Score(0.0, False, "candidate answer is not valid JSON")
    lb, lc = _leaves(base), _leaves(cand)
    paths = lb.keys() | lc.keys()
    same = sum(1 for p in paths if p in lb and p in lc and lb[p] == lc[p])
    score = same / len(paths) if paths else 1.0
    ok = score >= opts["min_score"]
    if ok:
        return Score(score, True)
    differing = sorted(p or "(root)" for p in paths if lb.get(p, _MISSING) != lc.get(p, _MISSING))
    return Score(score, False, f"{len(differing)} of {len(paths)} values differ: {', '.join(differing[:5])}")


def _canonical(arguments: str) -> Any:
    try:
        return json.loads(arguments) if arguments.strip() else {}
    except ValueError:
        return _MISSING


def _same_args(a: str, b: str) -> bool:
    x, y = _canonical(a), _canonical(b)
    return x is not _MISSING and x == y  # dict equality ignores key order


def _key(call: ToolCall) -> tuple[str, str]:
    args = _canonical(call.arguments)
    return call.name, (json.dumps(args, sort_keys=True, ensure_ascii=False) if args is not _MISSING else "\0" + call.arguments)


def _similarity(a: ToolCall, b: ToolCall) -> tuple[float, str]:
    """For two calls of the same function: 0.5 + 0.5 x share of argument keys with equal values, and why."""
    x, y = _canonical(a.arguments), _canonical(b.arguments)
    if x is _MISSING or y is _MISSING:
        return 0.5, f"{a.name}: arguments are not valid JSON"
    if not isinstance(x, dict) or not isinstance(y, dict):
        return (1.0, "") if x == y else (0.5, f"{a.name}: arguments differ")
    keys = x.keys() | y.keys()
    differ = sorted(k for k in keys if x.get(k, _MISSING) != y.get(k, _MISSING))
    share = 1 - len(differ) / len(keys) if keys else 1.0
    return 0.5 + 0.5 * share, f"{a.name}: arguments differ in {', '.join(differ[:5])}"


@comparator("tool_calls", kinds=("tools",), options={"match": "arguments"})
def tool_calls(pair: Pair, opts) -> Score | None:
    """Same functions called with equal arguments (as JSON, order-insensitive). `match = "names"` ignores arguments.

    Score: calls matched in full count 1, calls of the right function with other arguments count 0.5 plus
    half the share of argument keys that agree, over the larger of the two call counts.
    """
    base, cand = pair.baseline.tool_calls, pair.candidate.tool_calls
    if not base and not cand:
        return Score(1.0, True, "neither called a tool")
    if not cand:
        return Score(0.0, False, f"baseline called {_names(base)}, candidate answered without a tool call")
    if not base:
        return Score(0.0, False, f"candidate called {_names(cand)}, baseline answered without a tool call")
    by_names = opts.get("match") == "names"
    if len(base) == len(cand) == 1:  # the common case: one call each, compared without canonical strings
        b, c = base[0], cand[0]
        if b.name == c.name and (by_names or b.arguments == c.arguments or _same_args(b.arguments, c.arguments)):
            return Score(1.0, True)
    keyf = (lambda c: c.name) if by_names else _key
    exact = sum((Counter(map(keyf, base)) & Counter(map(keyf, cand))).values())
    total = max(len(base), len(cand))
    if exact == len(base) == len(cand):
        return Score(1.0, True)
    # Partial credit: pair the calls left unmatched on each side by function name.
    rest_b, rest_c = _unmatched(base, cand, keyf), _unmatched(cand, base, keyf)
    credit, reasons = float(exact), []
    for b in rest_b:
        match = next((c for c in rest_c if c.name == b.name), None)
        if match is None:
            reasons.append(f"{b.name}: not called by the candidate")
            continue
        rest_c.remove(match)
        share, why = _similarity(b, match)
        credit += share
        reasons.append(why)
    reasons += [f"{c.name}: called only by the candidate" for c in rest_c]
    return Score(credit / total, False, "; ".join(reasons[:5]) or "tool calls differ")


def _unmatched(calls: list[ToolCall], other: list[ToolCall], keyf) -> list[ToolCall]:
    """The calls in `calls` with no exact counterpart in `other` (multiset difference, order kept)."""
    available = Counter(map(keyf, other))
    rest = []
    for call in calls:
        key = keyf(call)
        if available[key] > 0:
            available[key] -= 1
        else:
            rest.append(call)
    return rest


def _names(calls: list[ToolCall]) -> str:
    return ", ".join(sorted({c.name for c in calls}))


@comparator("tool_schema", kinds=("tools",), needs_baseline=False)
def tool_schema(pair: Pair, opts) -> Score | None:
    """Every tool call of the candidate names an offered function and its arguments conform to its schema."""
    calls = pair.candidate.tool_calls
    if not calls:
        return None
    schemas = pair.tool_schemas
    problems: list[str] = []
    for call in calls:
        if call.name not in schemas:
            problems.append(f"{call.name}: not one of the offered functions ({', '.join(sorted(schemas)) or 'none'})")
            continue
        args = _canonical(call.arguments)
        if args is _MISSING:
            problems.append(f"{call.name}: arguments are not valid JSON")
            continue
        schema = schemas[call.name]
        if isinstance(schema, dict) and schema:
            errors = schema_errors(schema, args)
            if errors:
                problems.append(f"{call.name}: {'; '.join(errors)}")
    ok = not problems
    return Score(1.0 - len(problems) / len(calls), ok, "; ".join(problems[:5]))
