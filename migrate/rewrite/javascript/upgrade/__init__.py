"""The openai-node upgrade rules of the JS/TS rewrite: analyses over the tree-sitter tree and the scan's findings
that give byte-range edits and review items (the engine, migrate/rewrite/javascript/engine.py, applies them).

    v3.py          OAI004 openai-node v3 -> v4+ (imports, constructor, call names and argument shapes, the
                   response shape `response.data.x` -> `response.x`), OAI005 its error reads
                   (`error.response.status` -> `error.status`)
    functions.py   OAI007 `functions` / `function_call` -> `tools` / `tool_choice`
    parameters.py  OAI008 parameters vLLM ignores or rejects (drop / keep / comment: the Python rule's setting)
    pins.py        OAI011 package.json pins of openai raised to the current major where code was upgraded
    _syntax.py     byte-range helpers (references in a scope, list items, statements)

Run order (migrate/rewrite/javascript/registry.py): OAI007 and OAI008 first, while a v3 call is still a v3 call
in every module (a client another module builds is read from disk, as it was), then OAI005, which needs the v3
calls to know whose errors a catch clause handles, then OAI004. A second run finds nothing v3 left, and the
v4+ calls it then sees already have tools and no ignored parameters: it changes nothing.
"""

from __future__ import annotations

from migrate.rewrite.javascript.edits import RuleOutput


def as_rule_output(outcome) -> RuleOutput:
    """The engine's RuleOutput for an Outcome of the v3 analysis."""
    out = RuleOutput()
    for e in outcome.edits:
        out.edit(e.start, e.end, e.text)
    for r in outcome.review:
        out.note(r.at, r.message, comment=False)  # the analysis writes its own `// migrate:` notes
    return out
