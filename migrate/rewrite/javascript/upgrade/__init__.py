"""The openai-node upgrade rules of the JS/TS rewrite, as pure functions over a tree-sitter tree.

    from migrate.rewrite.javascript.upgrade import upgrade
    outcome = upgrade(root, source, findings, grammar, active=frozenset({"OAI004", "OAI005", "OAI007", "OAI008"}),
                      options={"parameters": {"store": "keep"}})
    outcome.edits    # Edit(start, end, text): non-overlapping byte-range replacements of `source`
    outcome.review   # Review(rule, at, message, note): what a human must finish (`at`: a byte of `source`)

`findings` are the scan's findings of this file (migrate/scan/detect/javascript, cross-module calls settled),
which say which calls are openai-node calls and on which endpoint; the rules never re-detect.

    v3.py          OAI004 openai-node v3 -> v4+ (imports, constructor, call names and shapes, `.data`),
                   OAI005 its error reads (`error.response.status` -> `error.status`)
    functions.py   OAI007 `functions` / `function_call` -> `tools` / `tool_choice`
    parameters.py  OAI008 parameters vLLM ignores or rejects (drop / keep / comment, the Python rule's setting)
    pins.py        OAI011 package.json pins of openai raised to the current major where code was upgraded
"""

from __future__ import annotations

from migrate.rewrite.javascript.upgrade._syntax import Edit, Outcome, Review

__all__ = ["Edit", "Outcome", "Review", "upgrade"]


def upgrade(root, source: bytes, findings, grammar: str, active: frozenset[str], options: dict | None = None) -> Outcome:
    """The edits and review items of the upgrade rules in `active` for one parsed module.

    Each rule reads the same (original) tree, so their edits are kept apart: OAI004 renames a v3 call and may
    rewrite its argument list (positional uploads); OAI007 and OAI008 edit properties inside the request body,
    and do not touch a call whose arguments OAI004 rewrote as a whole."""
    from migrate.rewrite.javascript.upgrade.functions import FunctionsToTools
    from migrate.rewrite.javascript.upgrade.parameters import Parameters
    from migrate.rewrite.javascript.upgrade.v3 import V3Upgrade

    out = Outcome()
    v3 = V3Upgrade(root, source, findings, grammar, active)
    out.extend(v3.run())
    taken = [(e.start, e.end) for e in out.edits]
    if "OAI007" in active:
        out.extend(FunctionsToTools(root, source, findings, grammar, taken).run())
    if "OAI008" in active:
        out.extend(Parameters(root, source, findings, options or {}, active, taken).run())
    return out
