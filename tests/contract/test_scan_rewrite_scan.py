"""The contract between scan and rewrite: scan -> rewrite -> scan over the examples and the rule fixtures.

Each rule declares, in the scan's own terms, what it fixes (migrate.rewrite.registry.RESOLVES) and what its output
brings in on purpose (INTRODUCES: the environment variables the rewritten code reads, the client OAI004 adds).
Per file, with the model map the rewrite used:

- resolved: an issue a rule that changed the file (or left a review item in it) claims to fix is gone afterwards,
  beyond as many as the rewrite left review items for in that file;
- untouched: an issue no such rule claims keeps its verdict: the same issues, as many, before and after (issues
  compared by finding kind, subject and verdict, not by line, since the rewrite moves code). An issue that appears
  must be one a rule that ran introduces on purpose.

The examples run through the real `plan_rewrite` / `apply_plan` in a temporary copy; the rule fixtures (the
CASES of tests/rewrite/rules/test_oai*.py) run their own rules on their own source.
"""

from __future__ import annotations

import importlib
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from migrate.config import Config, load_config
from migrate.rewrite.plan import apply_plan, plan_rewrite
from migrate.rewrite.registry import BY_ID
from migrate.scan import scan
from migrate.scan.assess import assess
from migrate.scan.detect import detect_source
from tests.rewrite.conftest import MODELS, run_rules

ROOT = Path(__file__).resolve().parents[2]
# The Python example apps (the JS/TS rewrite is not built yet: examples/node_app is scanned, not rewritten).
EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir() and any(p.rglob("*.py")))
RULE_MODULES = sorted(p.stem for p in (ROOT / "tests/rewrite/rules").glob("test_oai*.py"))

Signature = tuple[str, str, str]  # (finding kind, issue subject, verdict)


def signatures(findings, noted_models=frozenset()) -> Counter[Signature]:
    """The issues that are not ok, as (kind, subject, verdict), counted; model issues once per model name, and not
    at all for a name the rewrite left a review item about (OAI003 notes an unmapped name once, where it is
    defined, which may be another module than the calls that use it)."""
    issues = [(f.kind.value, i.subject, i.verdict.value, f.model if i.subject == "model" else id(i))
              for f in findings for i in f.issues if i.verdict.value != "ok"
              and not (i.subject == "model" and f.model in noted_models)]
    return Counter(issue[:3] for issue in dict.fromkeys(issues))


def noted_model_names(messages) -> frozenset[str]:
    """Model names the review items name as unmapped: "model 'gpt-4o' (model=) has no entry in the model map"."""
    return frozenset(m.group(1).split(":")[-1].split("/")[-1] for text in messages
                     for m in re.finditer(r"model '([^']+)'[^;]*? no entry in the model map", text))


def broken_promises(before: Counter, after: Counter, ran: set[str], noted: Counter) -> list[str]:
    """What the rewrite of one file did that its rules do not claim; [] when it kept the contract.

    `ran`: the rules that changed the file or left review items in it; `noted`: review items per rule."""
    def claimed(table: str, sig: Signature, promise: bool | None = None) -> list[str]:
        return [rule for rule in sorted(ran) for claim in getattr(BY_ID[rule], table)
                if claim.matches(*sig) and (not claim.noted or noted[rule])
                and (promise is None or claim.promise is promise)]

    problems = []
    for sig in sorted(set(before) | set(after)):
        resolvers = claimed("resolves", sig, promise=True)
        if claimed("resolves", sig, promise=False) and not resolvers:
            continue  # a rule that fixes some of these ran: they may go, change or stay
        if resolvers:
            left = after[sig] - max(0, after[sig] - before[sig]) if claimed("introduces", sig) else after[sig]
            allowed = sum(noted.values())
            if left > allowed:
                problems.append(f"{sig}: claimed fixed by {', '.join(resolvers)}, yet {left} left "
                                f"(before {before[sig]}, review items {allowed})")
        elif after[sig] > before[sig] and not claimed("introduces", sig):
            problems.append(f"{sig}: {after[sig] - before[sig]} new, and no rule that ran introduces it")
        elif after[sig] < before[sig]:
            problems.append(f"{sig}: {before[sig] - after[sig]} gone, and no rule that ran claims it")
    return problems


# -- the rule fixtures ------------------------------------------------------------------------------------------

# What the contract test found and is not fixed yet: case id -> why. Each is a strict xfail, so fixing it makes the
# test fail until the entry goes.
KNOWN_GAPS: dict[str, str] = {}  # case id -> why the scan cannot see the fix yet (a strict xfail)


def _cases():
    for name in RULE_MODULES:
        for param in getattr(importlib.import_module(f"tests.rewrite.rules.{name}"), "CASES", ()):
            case = param.values[0]
            if case.after is not None and all(BY_ID[r].target == "python" for r in case.rules):
                gap = KNOWN_GAPS.get(case.id)
                marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
                yield pytest.param(case, id=case.id, marks=marks)


def _scan_source(source: str, config: Config, noted_models) -> Counter:
    return signatures(assess(detect_source(source, "example.py"), config=config), noted_models)


@pytest.mark.parametrize("case", _cases())
def test_rule_fixture_keeps_the_contract(case):
    config = Config(models=dict(MODELS))
    result = run_rules(case.before, case.rules, config=config, options=case.options)
    assert result.failure is None, result.failure
    noted = Counter(rule for rule, _, _ in result.review)
    ran = set(result.rules) | set(noted)
    models = noted_model_names(message for _, _, message in result.review)
    problems = broken_promises(_scan_source(case.before, config, models), _scan_source(result.after, config, models),
                               ran, noted)
    assert not problems, "\n".join(problems)


# -- the examples -----------------------------------------------------------------------------------------------

def _per_file(findings, noted_models) -> dict[str, Counter]:
    by_path: dict[str, list] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    return {path: signatures(found, noted_models) for path, found in by_path.items()}


@pytest.mark.parametrize("app", EXAMPLES)
def test_example_keeps_the_contract(app, tmp_path):
    root = tmp_path / app
    shutil.copytree(ROOT / "examples" / app, root)
    config = load_config(start=root)

    def scanned():
        return assess(scan([root], jobs=1).findings, config=config)

    found_before = scanned()
    plan = plan_rewrite([root], config=config, jobs=1)
    assert not plan.failures, plan.failures
    assert plan.changes, f"examples/{app}: the rewrite changed nothing"
    apply_plan(plan)
    models = noted_model_names(item.message for item in plan.review)
    before, after = _per_file(found_before, models), _per_file(scanned(), models)
    changed = {c.path: set(c.rules) for c in plan.changes}
    problems = []
    for path in sorted(set(before) | set(after)):
        noted = Counter(item.rule for item in plan.review if item.path == path)
        ran = changed.get(path, set()) | set(noted)
        problems += [f"{path}: {p}" for p in broken_promises(before.get(path, Counter()), after.get(path, Counter()),
                                                             ran, noted)]
    assert not problems, "\n".join(problems)


# -- the checker itself -----------------------------------------------------------------------------------------

def test_the_checker_catches_a_broken_promise_and_an_unclaimed_change():
    before = Counter({("exception", "RateLimitError", "needs-change"): 1, ("call", "model", "needs-change"): 1})
    # OAI005 claims exceptions: left in place without a note, that is a broken promise
    assert broken_promises(before, before, {"OAI005"}, Counter()) == [
        "('exception', 'RateLimitError', 'needs-change'): claimed fixed by OAI005, yet 1 left (before 1, review items 0)"]
    # a model issue gone although only OAI005 ran: an unclaimed change
    after = Counter({("call", "model", "needs-change"): 0})
    assert broken_promises(before, after, {"OAI005"}, Counter()) == [
        "('call', 'model', 'needs-change'): 1 gone, and no rule that ran claims it"]
    # the same with OAI003, which maps models: kept
    assert broken_promises(Counter({("call", "model", "needs-change"): 1}), Counter(), {"OAI003"}, Counter()) == []
