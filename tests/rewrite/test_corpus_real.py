"""The rewrite on real code: pinned PyPI distributions of OpenAI-using apps and libraries, and the example apps.

Per tree, and reported per property so a failure names its class: the rules run without failing, every
rewritten file re-parses, a second run over the written result changes nothing, mypy against the installed
SDK finds no new error without a review note and no 0.x error left on an openai line without one, and no
other provider's URL, key or client is touched (benchmarks/corpus_check.py does the work, shared with
`benchmarks/rewrite_corpus.py --pinned`).

The corpus is read from .cache/corpus/ (scripts/fetch-corpus, which scripts/setup-test-env runs); these
tests never reach the network, and fail, never skip, when the cache is missing.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus  # noqa: E402
import corpus_check  # noqa: E402

PACKAGES = corpus.load()
EXAMPLES = sorted(p for p in (REPO / "examples").iterdir() if p.is_dir())
TREES = [f"examples/{p.name}" for p in EXAMPLES] + [p.key for p in PACKAGES]
PROPERTIES = {
    "rules-run": "rule_failures",
    "re-parse": "not_parsing",
    "idempotent": "not_idempotent",
    "no-new-type-error": "new_type_errors_counted",
    "no-openai-error-left": "openai_errors_left",
    "type-check-runs": "typecheck_crashes",
    "other-providers-untouched": "foreign_touched",
}
_reports: dict[str, corpus_check.TreeReport] = {}
KNOWN_TYPE_GAPS = tomllib.loads((REPO / "tests" / "corpus" / "known-type-gaps.toml").read_text())["gap"]


def _tree(name: str) -> Path:
    if name.startswith("examples/"):
        return REPO / name
    package = next(p for p in PACKAGES if p.key == name)
    if not package.is_cached():
        pytest.fail(f"{name} is not in {corpus.CACHE}: run scripts/fetch-corpus (scripts/setup-test-env does)")
    return package.tree()


def _report(name: str) -> corpus_check.TreeReport:
    if name not in _reports:
        _reports[name] = corpus_check.check_tree(_tree(name), name)
    return _reports[name]


def test_corpus_is_fetched():
    absent = corpus.missing(PACKAGES)
    assert not absent, (f"{len(absent)} corpus packages are missing from {corpus.CACHE} "
                        f"({', '.join(p.key for p in absent)}): run scripts/fetch-corpus")


def test_corpus_covers_the_shapes_the_issue_names():
    by_sdk = {sdk: [p for p in PACKAGES if p.sdk == sdk] for sdk in ("0.x", "1.x")}
    assert len(by_sdk["0.x"]) >= 5 and len(by_sdk["1.x"]) >= 5
    for shape, least in (("notebooks", 2), ("other-provider", 4), ("raw-http", 2), ("azure", 3), ("wrapper", 4)):
        assert sum(shape in p.shapes for p in PACKAGES) >= least, shape


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.key)
def test_package_really_uses_openai(package):
    """Every pinned package earns its place: the scan finds OpenAI use, and notebooks where it says so."""
    from migrate.scan import scan

    found = scan([_tree(package.key)])
    assert found.findings, f"{package.key}: no OpenAI use found"
    if "notebooks" in package.shapes:
        assert any(f.path.endswith(".ipynb") for f in found.findings), f"{package.key}: no notebook uses OpenAI"


@pytest.mark.slow
@pytest.mark.parametrize("prop", PROPERTIES)
@pytest.mark.parametrize("tree", TREES)
def test_rewrite_holds_on_real_code(tree, prop):
    report = _report(tree)
    problems = getattr(report, PROPERTIES[prop])
    if prop == "no-new-type-error":
        problems = _unlisted(tree, problems)
    assert not problems, f"{tree}: {prop} fails on {len(problems)}:\n" + "\n".join(f"  {p}" for p in problems)


@pytest.mark.slow
def test_rewrite_changes_real_code():
    """The corpus exercises the rules: the 0.x packages all get edits, and the type check has work."""
    changed = {p.key: _report(p.key).files_changed for p in PACKAGES if p.sdk == "0.x"}
    assert all(changed.values()), f"0.x packages the rewrite left alone: {[k for k, v in changed.items() if not v]}"
    assert sum(_report(t).type_checked_files for t in TREES) >= 50



def _unlisted(tree: str, errors: list[str]) -> list[str]:
    """The new type errors that tests/corpus/known-type-gaps.toml does not list; a listed gap that no longer
    occurs is reported too, so the list only shrinks."""
    gaps = [g for g in KNOWN_TYPE_GAPS if g["tree"] == tree]
    texts = [re.sub(r":\d+:", ":", e, count=1) for e in errors]
    unlisted = [e for e, t in zip(errors, texts) if not any(g["file"] in t and g["message"] in t for g in gaps)]
    stale = [f"listed in known-type-gaps.toml but no longer seen (delete it): {g['file']}: {g['message']}"
             for g in gaps if not any(g["file"] in t and g["message"] in t for t in texts)]
    return unlisted + stale
