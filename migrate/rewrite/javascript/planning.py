"""The JS/TS part of a rewrite plan: which files are worth parsing, the first phase across modules, and one
JsResult per file (migrate/rewrite/plan.py merges them with the Python files' changes and review items)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from migrate.rewrite.javascript.engine import JsResult, rewrite_js
from migrate.rewrite.javascript.module import JsContext

# Lower-cased needles: OpenAI named, or a call through a client another module builds (the scan's prefilter)
NEEDLES = (b"openai", b"completions.", b"embeddings.", b"responses.")


# A module that mocks OpenAI or HTTP is a test double wherever it lives (setup files, stories, fixtures).
_MOCKS = re.compile(rb"""\b(?:jest|vi)\.(?:mock|doMock)\(\s*["'](?:openai|@ai-sdk/openai|@langchain/openai)["']"""
                    rb"""|(?:from|require\()\s*["'](?:nock|msw|msw/node|fetch-mock|jest-fetch-mock|axios-mock-adapter)["']""")


def mocks(data: bytes) -> str | None:
    """Why a JS/TS module is a test double by what it does (mocks the SDK or HTTP), or None."""
    match = _MOCKS.search(data)
    if match is None:
        return None
    return f"a module that mocks OpenAI or HTTP (`{match.group(0).decode('utf-8', 'replace').strip()}`)"


@dataclass
class JsFile:
    candidate: object  # migrate.scan.walk.Candidate
    data: bytes


def worth_parsing(data: bytes, config) -> bool:
    lowered = data.lower()
    if any(n in lowered for n in NEEDLES):
        return True
    return any(name.encode() in data for name in config.models)


def plan_files(files: list[JsFile], others: list[JsFile], config, options, active) -> list[tuple[JsFile, JsResult]]:
    """Rewrite each file (in memory). `others`: the JS/TS files the pre-filter passed over, rewritten only when
    the first phase finds a constant in one that another module sends to OpenAI as a model name."""
    from migrate.rewrite.javascript import crossrefs

    wanted = crossrefs.model_exports(files) if "OAI003" in active and config.models else {}
    chosen = list(files) + [f for f in others if str(f.candidate.path) in wanted]
    out = []
    for item in chosen:
        context = JsContext(config=config, options=options, active=frozenset(active),
                            model_exports=frozenset(wanted.get(str(item.candidate.path), ())))
        out.append((item, rewrite_js(item.data, item.candidate.rel, str(item.candidate.path), context, active)))
    return out
