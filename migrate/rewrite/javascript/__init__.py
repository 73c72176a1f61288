"""`migrate rewrite` for JavaScript and TypeScript: edits at tree-sitter syntax-node byte ranges.

Files: .js .mjs .cjs .jsx .ts .mts .cts .tsx and the <script> blocks of .vue / .svelte components (their markup
is blanked byte for byte before parsing, so every offset is the file's). The plan (migrate/rewrite/plan.py)
sends each JS/TS file that mentions OpenAI here, next to the Python files; diff, --write, --check and
`migrate pr` are the same for both.

    engine.py     rewrite_js(data, rel, path, context, active) -> JsResult: run the rules, re-parse, report
    module.py     JsModule (the parsed file + the scan's findings for it) and JsContext (config, options, ...)
    edits.py      Edit / Note / RuleOutput, apply_edits (non-overlapping, all at once)
    comments.py   where a note's `// migrate:` comment goes (above its line or statement, never into text), once
    objects.py    add / remove object-literal properties in the user's layout
    crossrefs.py  the plan's first phase: constants other modules send as model names
    registry.py   JS_RULES: rule id -> implementing module, in run order
    rules/        one module per rule

Writing a rule
--------------
A rule is a module of `migrate.rewrite.javascript.rules` with one function

    def run(module: JsModule, context: JsContext) -> RuleOutput

`module` is the file as the previous rule left it, parsed: `module.source` (bytes), `module.root` (the
tree-sitter root node), `module.findings` (what `migrate scan` reports for this text, each with its node's
`start_byte` / `end_byte`: build on these rather than detecting again; `module.node_at(start, end, types)`
gives the node), `module.evaluator` (the scan's evaluator: `evaluator.eval(node, evaluator.scope_of(node))`
says what an expression stands for), and text helpers (`text`, `string`, `indent_at`, `indent_unit`).
`context.config` is the project's Config (base URL / key variables and defaults, the model map),
`context.options` the [rewrite] options.

It returns `RuleOutput`: `out.edit(start, end, text)` replaces bytes start..end of `module.source` (an
insertion when start == end), and `out.note(offset, message)` leaves a review item there, which the engine
also writes as a `// migrate:` comment above that line or statement, once (comments.py; `comment=False` for a
fact that asks nothing of the code, `comment="shorter text"` for a terser comment). Edits of one rule
must not overlap; the engine applies them together, re-parses the result with the same grammar and rejects the
whole file (a RuleFailure, file unchanged) if it does not parse or the rule raises. A rule must be idempotent:
on its own output it returns no edits (comments included). Register it in registry.py JS_RULES under the id
of the Python rule with the same concept (OAI001 endpoint, OAI002 azure, OAI003 models, OAI009 URLs, ...),
and add that id's RuleInfo to migrate/rewrite/registry.py if it is new.
"""

from __future__ import annotations

from migrate.rewrite.javascript.edits import Edit, Note, RuleOutput, apply_edits
from migrate.rewrite.javascript.engine import JsResult, rewrite_js
from migrate.rewrite.javascript.module import JsContext, JsModule
from migrate.rewrite.javascript.registry import JS_ORDER, JS_RULES, JsRuleInfo, js_rules

__all__ = ["Edit", "JS_ORDER", "JS_RULES", "JsContext", "JsModule", "JsResult", "JsRuleInfo", "Note", "RuleOutput",
           "apply_edits", "js_rules", "rewrite_js", "wants"]


def wants(data: bytes, config=None, extra: bool = False) -> bool:
    """The cheap byte pre-filter: a JS/TS file worth parsing (it names OpenAI, or a model the map renames, or
    the plan's first phase found names in it that other modules send to OpenAI)."""
    if extra or b"openai" in data.lower():
        return True
    return bool(config is not None and any(name.encode() in data for name in config.models))
