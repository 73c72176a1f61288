"""Follow SDK responses across functions and modules: the repo-wide first phase of `migrate rewrite`.

openai 0.x answered with dicts; the current SDK answers with objects, so `r["choices"]` raises TypeError.
OAI006 converts dict access on values it can prove are responses. Within one function that is a local
matter; this module finds what crosses function and module lines, with `ast` (no LibCST), over the files
that pass the byte pre-filter and then the files that import what those define:

    # app/llm.py                                    # app/main.py
    def ask(q):                                     from app.llm import ask
        return openai.ChatCompletion.create(...)    ask("hi")["choices"][0]["message"]["content"]

    def first(r):                                   first(ask("hi"))
        return r["choices"][0]

A function returns a response when every value it returns (or yields) that is not None is one; a parameter
receives one when every call of its function in the tree passes one. Those facts are CERTAIN, and OAI006
converts what they reach. Where only some values are responses the fact is MAYBE, and each dict access it
reaches gets a review item instead. Facts feed each other (a response passed on, returned again), so they
are solved together, to a fixpoint over the tree.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from migrate.rewrite.rules._legacy_text import candidate

CERTAIN = "certain"
MAYBE = "maybe"

# Response fields that hold scalars (strings, numbers, lists of them), never another response object: a value
# reached through one is not a response, so `"sorry" in text` stays as it is. Derived from the SDK's response
# models (chat, completions, embeddings, models, files, moderations, images, transcriptions), and checked against
# the installed SDK by tests/rewrite/test_sdk_names.py. `content` and `refusal` are strings on a message; only
# the token lists of `logprobs` reuse the names for objects.
SCALAR_FIELDS = frozenset({
    "accepted_prediction_tokens", "arguments", "audio_tokens", "b64_json", "background", "bytes",
    "cache_write_tokens", "cached_tokens", "code", "completion_tokens", "content", "created", "created_at",
    "embedding", "end_index", "expires_at", "filename", "finish_reason", "flagged", "harassment",
    "harassment_threatening", "hate", "hate_threatening", "id", "illicit", "illicit_violent", "image_tokens",
    "index", "input_tokens", "logprob", "model", "name", "obfuscation", "object", "output_format",
    "output_tokens", "owned_by", "prompt_tokens", "purpose", "quality", "reasoning_tokens", "refusal",
    "rejected_prediction_tokens", "revised_prompt", "role", "safety_identifier", "seconds", "self_harm",
    "self_harm_instructions", "self_harm_intent", "service_tier", "sexual", "sexual_minors", "shutdown_date",
    "size", "start_index", "status", "status_details", "system_fingerprint", "text", "text_offset",
    "text_tokens", "title", "token", "token_logprobs", "tokens", "total_tokens", "transcript", "type", "url",
    "violence", "violence_graphic",
})
# The fields that tell the kinds of choice apart (a chat answer's `message`, a stream chunk's `delta`, a text
# completion's `text`): each is declared on one kind only, so `"text" in choice` tests which kind it is, and reading
# the attribute on another kind raises AttributeError. Checked against the SDK by tests/rewrite/test_sdk_names.py.
CHOICE_KIND_FIELDS = frozenset({"message", "delta", "text"})
# What the keys OAI006 takes for a response's (`x["choices"]`, `x["usage"]`, `x["embedding"]`) hold, by the fields
# their items have: `answer["choices"][0]["turns"]` reads a field no choice has, so `answer` is some other dict.
# Checked against the SDK's models by tests/rewrite/test_sdk_names.py.
TELLTALE_ITEM_FIELDS = {
    "choices": frozenset({"delta", "finish_reason", "index", "logprobs", "message", "text"}),
    "usage": frozenset({"completion_tokens", "completion_tokens_details", "input_tokens", "input_tokens_details",
                        "output_tokens", "output_tokens_details", "prompt_tokens", "prompt_tokens_details",
                        "total_tokens"}),
    "embedding": frozenset(),  # a list of floats
}
# Text fields typed `str | None` on current responses that 0.x code read as strings (message.content is None when
# the model answers with tool calls only, a fine-tuning job's fine_tuned_model until it succeeds): where the code
# needs a str, OAI006 writes typing.cast(str, ...), which keeps the 0.x value (None stayed None) and type-checks.
# Checked against the installed SDK by tests/rewrite/test_sdk_names.py.
OPTIONAL_TEXT_FIELDS = frozenset({"content", "refusal", "fine_tuned_model"})
# Builtins whose result holds the items of their argument (at this position), and those that take a key=.
SAME_ITEMS = {"sorted": 0, "list": 0, "tuple": 0, "reversed": 0, "iter": 0, "next": 0, "filter": 1}
KEYED = frozenset({"sorted", "min", "max"})
_MAX_ROUNDS = 12


def _current_targets() -> frozenset[tuple[str, ...]]:
    from migrate.catalog.endpoints import model_call_tails  # the rules' ENDPOINT_TAILS, without importing LibCST
    from migrate.catalog.facts import LEGACY_ENDPOINTS

    tails = {tuple(t.split(".")) for t in LEGACY_ENDPOINTS.values()} | set(model_call_tails())
    return frozenset(tails)


_TARGETS: frozenset[tuple[str, ...]] | None = None


def response_tails() -> frozenset[tuple[str, ...]]:
    """The attribute-chain tails of current-SDK calls that answer with a response object."""
    global _TARGETS
    if _TARGETS is None:
        _TARGETS = _current_targets()
    return _TARGETS


def is_response_tail(tail: list[str]) -> bool:
    """`tail` is a call's attribute chain, receiver first: client.chat.completions.create -> [..., "create"]."""
    targets = response_tails()
    return any(len(tail) > size and tuple(tail[-size:]) in targets for size in (4, 3, 2))


@dataclass(frozen=True)
class FileFacts:
    """What OAI006/OAI007 need to know about one file from the rest of the tree.

    functions: a call's reference as written in this file ("ask", "llm.ask", "Bot.ask" for self.ask inside
    class Bot) -> CERTAIN or MAYBE (returns a response). params: qualified function name -> parameter -> kind.
    """

    functions: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # for OAI009: this module's api.openai.com URL constants that another module sends requests to
    # (migrate/rewrite/url_exports.py); left out of truth: they say nothing about responses
    urls_sent: frozenset[str] = frozenset()

    # OpenAI clients this module imports from another module of the tree (`from app.clients import client`, a
    # function that returns one): its calls through them are OpenAI calls the rules must see (model names,
    # parameters), though the module itself never mentions openai
    clients: frozenset[str] = frozenset()
    # for OAI001: a class of this module -> attribute -> the SDK calls its base classes elsewhere in the tree make
    # through `self.<attribute>` (griptape's Azure image driver inherits `self.client.images.generate(...)`)
    inherited: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.functions or self.params or self.clients or self.inherited)


@dataclass(frozen=True)
class RepoFlow:
    files: Mapping[str, FileFacts]  # rel path -> facts (only files with any)
    callers: frozenset[str] = frozenset()  # rel paths that do not mention openai but use a response function or a
    # client another module of the tree builds (FileFacts.clients)
    complete: bool = True  # False: the phase gave up; each file's rules work out their own module's facts

    def for_file(self, rel: str) -> FileFacts | None:
        return self.files.get(rel)

    def with_urls(self, sent: Mapping[str, frozenset[str]]) -> RepoFlow:
        """These facts, with the URL constants other modules send requests to (url_exports.build)."""
        if not sent:
            return self
        from dataclasses import replace

        files = dict(self.files)
        for rel, names in sent.items():
            files[rel] = replace(files.get(rel) or FileFacts(), urls_sent=frozenset(names))
        return replace(self, files=files)


# -- one module ---------------------------------------------------------------------------------------------

class _Scope:
    __slots__ = ("qualname", "klass", "params", "flows", "assigned", "returns", "calls", "node")

    def __init__(self, qualname: str, klass: str | None, node) -> None:
        self.qualname = qualname  # "" for the module
        self.klass = klass  # the enclosing class of a method
        self.node = node
        self.params: list[str] = []
        self.flows: dict[str, list[ast.AST]] = {}  # name -> every value assigned to it
        self.assigned: set[str] = set()
        self.returns: list[ast.AST] = []  # returned or yielded values
        self.calls: list[ast.Call] = []


AST_FIELDS: dict[type, tuple[str, ...]] = {}  # ast node type -> its fields but the expression context (ast_fields)


def ast_fields(kind: type) -> tuple[str, ...]:
    """The fields of an `ast` node type that may hold children, less the expression context, kept in AST_FIELDS
    (hot walks read that dict first)."""
    names = AST_FIELDS.get(kind)
    if names is None:
        names = AST_FIELDS[kind] = tuple(name for name in kind._fields if name != "ctx")
    return names


def _child_nodes(node: ast.AST) -> list[ast.AST]:
    """list(ast.iter_child_nodes(node)) less the expression contexts, without its generator."""
    out: list[ast.AST] = []
    for name in AST_FIELDS.get(type(node)) or ast_fields(type(node)):
        value = getattr(node, name, None)
        if type(value) is list:
            out.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            out.append(value)
    return out


def package_of(rel: str) -> str:
    """The dotted package of a file of the tree: "app/llm/chat.py" -> "app.llm"."""
    parts = rel.rsplit(".", 1)[0].split("/")
    return ".".join(p for p in parts[:-1] if p.isidentifier())


def absolute_import(package: str, module: str | None, level: int) -> str:
    """The module `from <level dots><module> import ...` names, written in `package`."""
    if not level:
        return module or ""
    parts = package.split(".") if package else []
    keep = len(parts) - (level - 1)
    base = parts[:keep] if keep >= 0 else []
    return ".".join([*base, module] if module else base)


class ModuleFlow:
    """The scopes of one module, its imports, and the value flow inside each scope."""

    def __init__(self, tree: ast.Module, rel: str) -> None:
        self.rel = rel
        self.package = package_of(rel)
        self.imports: dict[str, str] = {}  # local name -> absolute dotted name
        self.openai: dict[str, str] = {}  # local name -> "openai" or "openai.ChatCompletion"
        self.scopes: dict[str, _Scope] = {}
        self.legacy_spans: list = []  # code that runs only on openai<1 (rules/_legacy_only.py): its calls answer nothing
        self.client_lines: list[int] | None = None  # the lines that spell a client class's name, when known (_parse)
        module = _Scope("", None, tree)
        self.scopes[""] = module
        for stmt in tree.body:
            self._top(stmt, module)

    # -- collection ---------------------------------------------------------------------------------------
    def _top(self, stmt, module: _Scope) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(stmt, stmt.name, None)
        elif isinstance(stmt, ast.ClassDef):
            for inner in stmt.body:
                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self._function(inner, f"{stmt.name}.{inner.name}", stmt.name)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self.imports[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    self.imports[root] = root
                if alias.name.split(".")[0] == "openai":
                    self.openai[alias.asname or "openai"] = alias.name if alias.asname else "openai"
        elif isinstance(stmt, ast.ImportFrom):
            base = self._absolute(stmt.module, stmt.level)
            for alias in stmt.names:
                if alias.name != "*":
                    self.imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
                    if base == "openai":
                        self.openai[alias.asname or alias.name] = f"openai.{alias.name}"
        else:
            if isinstance(stmt, (ast.If, ast.Try)):  # imports under `try:` / `if TYPE_CHECKING:` still bind
                for child in ast.iter_child_nodes(stmt):
                    if isinstance(child, (ast.Import, ast.ImportFrom)):
                        self._top(child, module)
            self._collect(module, [stmt])

    def _absolute(self, module: str | None, level: int) -> str:
        return absolute_import(self.package, module, level)

    def _function(self, node, qualname: str, klass: str | None) -> None:
        scope = _Scope(qualname, klass, node)
        args = node.args
        scope.params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        scope.assigned.update(scope.params)
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                scope.assigned.add(extra.arg)
        self.scopes[qualname] = scope
        self._collect(scope, node.body)

    def _collect(self, scope: _Scope, nodes: Iterable[ast.AST]) -> None:
        stack = list(nodes)[::-1]
        while stack:
            node = stack.pop()
            t = type(node)
            if t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
                if t is not ast.Lambda:
                    scope.assigned.add(node.name)
                continue  # nested definitions: not followed
            if t is ast.Assign:
                for target in node.targets:
                    self._flow(scope, target, node.value)
            elif t is ast.AnnAssign and node.value is not None:
                self._flow(scope, node.target, node.value)
            elif t is ast.NamedExpr:
                self._flow(scope, node.target, node.value)
            elif t is ast.AugAssign:
                self._flow(scope, node.target, node)
            elif t in (ast.For, ast.AsyncFor, ast.comprehension):
                self._loop(scope, node.target, node.iter)
            elif t in (ast.With, ast.AsyncWith):
                for item in node.items:
                    if item.optional_vars is not None:
                        self._flow(scope, item.optional_vars, item)
            elif t is ast.ExceptHandler and node.name:
                self._flow(scope, ast.Name(node.name), node)
            elif t is ast.Return and node.value is not None:
                scope.returns.append(node.value)
            elif t in (ast.Yield, ast.YieldFrom) and node.value is not None:
                scope.returns.append(node.value)
            elif t is ast.Call:
                scope.calls.append(node)
                func = node.func
                if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and node.args
                        and func.attr in ("append", "extend")):
                    # chunks.append(chunk): a list of responses, followed as a list literal
                    item = node.args[-1]
                    self._flow(scope, func.value, ast.List([item]) if func.attr == "append" else item)
                elif isinstance(func, ast.Name) and func.id in KEYED and node.args:
                    for kw in node.keywords:  # sorted(data, key=lambda d: d["index"]): d is an item of data
                        if kw.arg == "key" and isinstance(kw.value, ast.Lambda) and kw.value.args.args:
                            self._flow(scope, ast.Name(kw.value.args.args[0].arg), _element(node.args[0]))
            elif t in (ast.Global, ast.Nonlocal):
                scope.assigned.update(node.names)
            stack.extend(reversed(_child_nodes(node)))

    def _flow(self, scope: _Scope, target, value) -> None:
        if isinstance(target, ast.Name):
            scope.assigned.add(target.id)
            scope.flows.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                # unpacking: the elements are not followed (an opaque value)
                self._flow(scope, element.value if isinstance(element, ast.Starred) else element, target)

    def _loop(self, scope: _Scope, target, iterable) -> None:
        if (isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(iterable, ast.Call)
                and isinstance(iterable.func, ast.Name) and iterable.func.id == "enumerate" and iterable.args):
            self._flow(scope, target.elts[0], target)
            self._flow(scope, target.elts[1], _element(iterable.args[0]))
            return
        self._flow(scope, target, _element(iterable))

    # -- references -------------------------------------------------------------------------------------------
    def reference(self, func, scope: _Scope) -> str | None:
        """How this file names the function a call calls: "ask", "llm.ask", "Bot.ask" (self.ask in Bot)."""
        if isinstance(func, ast.Name):
            if func.id in scope.assigned and scope.qualname:
                return None
            return func.id
        chain = _chain(func)
        if chain is None:
            return None
        if scope.klass is not None and len(chain) == 2 and scope.params and chain[0] == scope.params[0]:
            return f"{scope.klass}.{chain[1]}"
        if chain[0] in scope.assigned and scope.qualname:
            return None
        return ".".join(chain)

    def is_sdk_call(self, call: ast.Call) -> bool:
        if self.legacy_spans and _within(call, self.legacy_spans):
            return False
        chain = _tail(call.func)
        if is_response_tail(chain):
            return True
        full = _chain(call.func)
        if full is None or full[0] not in self.openai:
            return False
        from migrate.catalog.facts import LEGACY_ENDPOINTS

        dotted = ".".join([self.openai[full[0]], *full[1:]])
        return dotted.startswith("openai.") and dotted[len("openai."):] in LEGACY_ENDPOINTS


def _element(iterable) -> ast.AST:
    """The value a loop over `iterable` binds: followed as `iterable[0]`."""
    return ast.Subscript(value=iterable, slice=ast.Constant(0))


def _chain(node) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _tail(node) -> list[str]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif parts:
        parts.append("")  # a receiver that is not a name (self.client(), a subscript): still a receiver
    return parts[::-1]


def _key(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


# -- solving ------------------------------------------------------------------------------------------------

class _Solver:
    """Response facts over a set of modules, to a fixpoint."""

    def __init__(self, modules: dict[str, ModuleFlow], index) -> None:
        self.modules = modules
        self.index = index
        self.functions: dict[tuple[str, str], str] = {}  # (rel, qualname) -> kind
        self.params: dict[tuple[str, str], dict[str, str]] = {}
        self._resolved: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._known_cache: dict[str, dict[str, str]] = {}
        self.unloaded_callees: set[str] = set()  # rel paths of modules not read yet whose functions get responses

    def resolve(self, mod: ModuleFlow, reference: str) -> tuple[str, str] | None:
        """(rel, qualname) of the function a reference in `mod` names, when the tree defines it."""
        key = (mod.rel, reference)
        if key in self._resolved:
            return self._resolved[key]
        hit = None
        if reference in mod.scopes and reference:
            hit = (mod.rel, reference)
        else:
            root, _, rest = reference.partition(".")
            if root in mod.imports:
                dotted = mod.imports[root] + ("." + rest if rest else "")
                hit = self._find(dotted, mod.rel)
        self._resolved[key] = hit
        return hit

    def _find(self, dotted: str, importer: str) -> tuple[str, str] | None:
        parts = dotted.split(".")
        for cut in (len(parts) - 1, len(parts) - 2):  # module.function, module.Class.method
            if cut < 1:
                continue
            found = self.index.find(".".join(parts[:cut]), importer) if self.index is not None else None
            if found is None:
                continue
            rel = found[1]
            qualname = ".".join(parts[cut:])
            if rel in self.modules and qualname in self.modules[rel].scopes:
                return rel, qualname
        return None

    def _unloaded(self, mod: ModuleFlow, reference: str) -> list[str]:
        """The modules of the tree, not read yet, that may define what an imported reference names (a module
        that never mentions openai is read only when it is needed: here, because a response is passed to it)."""
        root, _, rest = reference.partition(".")
        if root not in mod.imports or self.index is None:
            return []
        parts = (mod.imports[root] + ("." + rest if rest else "")).split(".")
        found = [self.index.find(".".join(parts[:cut]), mod.rel) for cut in (len(parts) - 1, len(parts) - 2) if cut >= 1]
        return [hit[1] for hit in found if hit is not None and hit[1] not in self.modules]

    def kind_of_call(self, mod: ModuleFlow, scope: _Scope, call: ast.Call) -> str | None:
        if mod.is_sdk_call(call):
            return CERTAIN
        reference = mod.reference(call.func, scope)
        if reference is None:
            return None
        target = self.resolve(mod, reference)
        return self.functions.get(target) if target else None

    def rooted(self, mod: ModuleFlow, scope: _Scope, node, known: dict[str, str]) -> str | None:
        """CERTAIN / MAYBE when `node` is (part of) a response, else None."""
        kind = CERTAIN
        while True:
            t = type(node)
            if t is ast.Await:
                node = node.value
            elif t is ast.Subscript:
                if _key(node.slice) in SCALAR_FIELDS:
                    return None
                node = node.value
            elif t is ast.Attribute:
                if node.attr in SCALAR_FIELDS:
                    return None
                node = node.value
            elif t is ast.Call:
                func = node.func
                if isinstance(func, ast.Name) and func.id in SAME_ITEMS and len(node.args) > SAME_ITEMS[func.id]:
                    node = node.args[SAME_ITEMS[func.id]]  # sorted(page.data) holds what page.data holds
                    continue
                if isinstance(func, ast.Attribute) and func.attr == "get" and node.args:
                    if _key(node.args[0]) in SCALAR_FIELDS:
                        return None
                    node = func.value
                    continue
                found = self.kind_of_call(mod, scope, node)
                return None if found is None else weaker(kind, found)
            elif t is ast.Name:
                found = known.get(node.id)
                if found is None and scope.qualname and node.id not in scope.assigned:
                    found = self._module_known(mod).get(node.id)
                return None if found is None else weaker(kind, found)
            elif t in (ast.List, ast.Tuple) and node.elts:  # a list of responses: its items are responses
                found = combine([self.rooted(mod, scope, e, known) for e in node.elts])
                return None if found is None else weaker(kind, found)
            elif t in (ast.ListComp, ast.GeneratorExp):
                node = node.elt
            else:
                return None

    def scalar(self, mod: ModuleFlow, scope: _Scope, node, known: dict[str, str]) -> bool:
        """A string or a number (a literal, or a scalar field of a response): never indexed with a string key,
        so beside responses it changes nothing about how a name is indexed (`response = ""` after use)."""
        t = type(node)
        if t is ast.AugAssign:
            return self.scalar(mod, scope, node.value, known)
        if t is ast.Constant:
            return node.value is not None
        if t is ast.JoinedStr:
            return True
        if t is ast.BinOp:
            return self.scalar(mod, scope, node.left, known) or self.scalar(mod, scope, node.right, known)
        if t is ast.Subscript and _key(node.slice) in SCALAR_FIELDS or t is ast.Attribute and node.attr in SCALAR_FIELDS:
            return self.rooted(mod, scope, node.value, known) is not None
        return False

    def _module_known(self, mod: ModuleFlow) -> dict[str, str]:
        return self._known_cache.get(mod.rel, {})

    def solve_scope(self, mod: ModuleFlow, scope: _Scope) -> dict[str, str]:
        """name -> kind for the names of one scope: CERTAIN when every assignment is a response."""
        params = self.params.get((mod.rel, scope.qualname), {}) if scope.qualname else {}
        known: dict[str, str] = {}
        changed = True
        while changed:
            changed = False
            for name, values in scope.flows.items():
                kinds = [self.rooted(mod, scope, v, known) for v in values
                         if not _is_none(v) and not self.scalar(mod, scope, v, known) and _root(v) != name]
                if name in scope.params:
                    kinds.append(params.get(name))
                new = combine(kinds)
                if new is not None and known.get(name) != new:
                    known[name] = new
                    changed = True
            for name, kind in params.items():
                if name not in scope.flows and known.get(name) != kind:
                    known[name] = kind
                    changed = True
        return known

    def run(self) -> None:
        for _ in range(_MAX_ROUNDS):
            functions: dict[tuple[str, str], str] = {}
            counts: dict[tuple[str, str], dict[str, list[str | None]]] = {}
            for rel, mod in self.modules.items():
                self._known_cache[rel] = self.solve_scope(mod, mod.scopes[""])
                for qualname, scope in mod.scopes.items():
                    known = self._known_cache[rel] if not qualname else self.solve_scope(mod, scope)
                    if qualname:
                        kinds = [self.rooted(mod, scope, r, known) for r in scope.returns
                                 if not _is_none(r) and not self.scalar(mod, scope, r, known)]
                        kind = combine(kinds)
                        if kind is not None:
                            functions[(rel, qualname)] = kind
                    for call in scope.calls:
                        self._count_call(mod, scope, call, known, counts)
            params = {target: {p: k for p, ks in by_param.items() if (k := combine(ks)) is not None}
                      for target, by_param in counts.items()}
            params = {t: p for t, p in params.items() if p}
            if functions == self.functions and params == self.params:
                return
            self.functions, self.params = functions, params

    def _count_call(self, mod, scope, call: ast.Call, known, counts) -> None:
        reference = mod.reference(call.func, scope)
        if reference is None:
            return
        # Message(r.choices[0].message): what a class is called with, its __init__ receives
        target = self.resolve(mod, reference) or self.resolve(mod, f"{reference}.__init__")
        if target is None:
            if any(self.rooted(mod, scope, v.value if isinstance(v, (ast.Starred, ast.keyword)) else v, known)
                   for v in (*call.args, *call.keywords)):
                self.unloaded_callees.update(self._unloaded(mod, reference))
            return
        callee = self.modules[target[0]].scopes[target[1]]
        names = callee.params
        if callee.klass is not None and names and not _static(callee.node):
            names = names[1:]  # self / cls
        by_param = counts.setdefault(target, {})
        for i, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                return
            if i < len(names):
                by_param.setdefault(names[i], []).append(self.rooted(mod, scope, arg, known))
        for kw in call.keywords:
            if kw.arg is not None and kw.arg in names:
                by_param.setdefault(kw.arg, []).append(self.rooted(mod, scope, kw.value, known))

    def facts(self, mod: ModuleFlow) -> FileFacts:
        functions: dict[str, str] = {q: k for (rel, q), k in self.functions.items() if rel == mod.rel}
        for scope in mod.scopes.values():
            for call in scope.calls:
                reference = mod.reference(call.func, scope)
                target = self.resolve(mod, reference) if reference else None
                if target is not None and target in self.functions:
                    functions[reference] = self.functions[target]
        params = {qualname: dict(p) for (rel, qualname), p in self.params.items() if rel == mod.rel}
        return FileFacts(functions, params)

    def relevant(self, mod: ModuleFlow) -> bool:
        """Whether a module imports from a module of the tree that has facts."""
        with_facts = {rel for rel, _ in (*self.functions, *self.params)}
        for dotted in mod.imports.values():
            hit = self._find(dotted, mod.rel)
            if hit is not None and hit[0] in with_facts:
                return True
            found = self.index.find(dotted, mod.rel) if self.index is not None else None
            if found is not None and found[1] in with_facts:
                return True
        return False


def _read_or_none(loader) -> bytes | None:
    try:
        return loader()
    except OSError:
        return None


def _root(node) -> str | None:
    """The name an expression reads through: `sorted(data, key=...)` -> "data" (`data = sorted(data)` keeps
    whatever data held)."""
    while True:
        if isinstance(node, (ast.Subscript, ast.Attribute)):
            node = node.value
        elif isinstance(node, ast.Await):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) > SAME_ITEMS.get(node.func.id, 99):
            node = node.args[SAME_ITEMS[node.func.id]]
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _static(node) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)


def _is_none(node) -> bool:
    """None, or an empty list: a start value that says nothing about what the name will hold."""
    return isinstance(node, ast.Constant) and node.value is None or isinstance(node, ast.List) and not node.elts


def weaker(a: str, b: str) -> str:
    return MAYBE if MAYBE in (a, b) else CERTAIN


def combine(kinds: list[str | None]) -> str | None:
    """CERTAIN when every value is certainly a response, MAYBE when some are, None when none is."""
    if not kinds or all(k is None for k in kinds):
        return None
    return CERTAIN if all(k == CERTAIN for k in kinds) else MAYBE


# -- entry points -------------------------------------------------------------------------------------------

def _parse(source: str | bytes, rel: str) -> ModuleFlow | None:
    try:
        mod = ModuleFlow(ast.parse(source, filename=rel), rel)
    except (SyntaxError, ValueError, RecursionError):
        return None
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    mod.client_lines = _lines_matching(_CLIENT_CLASS_NAME, text)
    if _VERSION_GUARD.search(text) and candidate(text):  # rare: only then is LibCST imported here (a quarter second)
        from migrate.rewrite.rules._legacy_only import legacy_spans

        mod.legacy_spans = legacy_spans(text)
    return mod


# A text that may branch on the SDK's version (rules/_legacy_only.py says where, with LibCST)
_VERSION_GUARD = re.compile(r"__version__|\bversion\(\s*['\"]openai|hasattr\(\s*openai|\bopenai\.version\b"
                            r"|(?i:openai\w*_v[01]\b|\bis_v1\b|openai\w*legacy|legacy\w*openai)")


def _client_class_names() -> re.Pattern:
    from migrate.catalog.clients import azure_clients, plain_clients

    names = {q.rsplit(".", 1)[1] for q in (*plain_clients(), *azure_clients())}
    return re.compile(r"\b(?:%s)\b" % "|".join(sorted(names)))


# The last name of every client class's dotted name (OpenAI, AsyncAzureOpenAI, Client...): a module whose text spells
# none builds no client (_builds_client).
_CLIENT_CLASS_NAME = _client_class_names()


def _lines_matching(pattern: re.Pattern, text: str) -> list[int]:
    """The 1-based numbers of the lines where `pattern` matches, in order (lines as Python's parser counts them)."""
    lines: list[int] = []
    line, at = 1, 0
    for match in pattern.finditer(text):
        line += len(_LINE_BREAK.findall(text, at, match.start()))
        at = match.start()
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _spells_client(mod: ModuleFlow, node: ast.AST) -> bool:
    """Whether the lines of `node` may spell a client class's name (_builds_client needs one)."""
    lines = mod.client_lines
    if lines is None:
        return True
    first = bisect.bisect_left(lines, node.lineno)
    return first < len(lines) and lines[first] <= (node.end_lineno or node.lineno)


def _within(node, spans) -> bool:
    at = (node.lineno, node.col_offset)
    return any(start <= at < end for start, end in spans)


def facts_for(state, module) -> FileFacts:
    """The facts a rule works with on one file: the plan's (repo-wide), else this module's own, computed once."""
    if state.flow is None:
        state.flow = file_facts(module.code, state.path)
    return state.flow


def file_facts(source: str, rel: str = "<module>") -> FileFacts:
    """The facts of one module on its own (no other module of the tree is known)."""
    mod = _parse(source, rel)
    if mod is None:
        return FileFacts()
    solver = _Solver({rel: mod}, None)
    solver.run()
    return solver.facts(mod)


def build(sources: Iterable[tuple[str, str | bytes]], others: Iterable[tuple[str, object]] = ()) -> RepoFlow:
    """Facts for every module of a tree.

    sources: (rel, text) of the files that pass the byte pre-filter; others: (rel, loader) of the other Python
    files, where loader() returns the file's bytes or None. An other file is read, and parsed, only when its
    bytes name a function found to return or take responses, and it may then define more such functions.
    """
    from migrate.scan.detect.crossmodule import ModuleIndex

    modules: dict[str, ModuleFlow] = {}
    for rel, text in sources:
        mod = _parse(text, rel)
        if mod is not None:
            modules[rel] = mod
    pending = dict(others)
    index = ModuleIndex([(rel, rel) for rel in (*modules, *pending)])
    callers: set[str] = set()
    waiting: dict[str, ModuleFlow | None] = {}  # parsed, but importing nothing with facts (yet)
    solver = _Solver(modules, index)
    while True:
        solver.run()
        # what another module must name to reach them: a function, or the class of a method
        names = {q.split(".", 1)[0].encode() for _, q in (*solver.functions, *solver.params)}
        if not pending or not (names or solver.unloaded_callees & pending.keys()):
            break
        added = False
        for rel in sorted(solver.unloaded_callees & pending.keys()):
            # a response is passed to a function (or a class) of this module: its parameters must be known
            loader = pending.pop(rel)
            data = _read_or_none(loader) if rel not in waiting else None
            mod = waiting.get(rel) or (_parse(data, rel) if data is not None else None)
            if mod is not None:
                modules[rel] = mod
                callers.add(rel)
                added = True
        for rel in list(pending):
            mod = waiting.get(rel)
            if rel not in waiting:
                try:
                    data = pending[rel]()
                except OSError:
                    data = None
                if data is None or not any(n in data for n in names):
                    continue  # read again in a later round only if one comes (a function found meanwhile)
                mod = waiting[rel] = _parse(data, rel)
            if mod is None:
                del pending[rel]
            elif solver.relevant(mod):
                del pending[rel]
                modules[rel] = mod
                callers.add(rel)
                added = True
        if not added:
            break
        solver._resolved.clear()
    files = {}
    for rel, mod in modules.items():
        facts = solver.facts(mod)
        if facts:
            files[rel] = facts
    for rel, names in _client_users(modules, pending, index, waiting).items():
        files[rel] = replace(files.get(rel) or FileFacts(), clients=frozenset(names))
        callers.add(rel)
    for rel, inherited in _inherited_calls(modules).items():
        files[rel] = replace(files.get(rel) or FileFacts(), inherited=inherited)
    return RepoFlow(files, frozenset(r for r in callers if r in files))


def _client_users(modules: Mapping[str, ModuleFlow], others: Mapping[str, object], index,
                  parsed: Mapping[str, ModuleFlow | None]) -> dict[str, set[str]]:
    """The files among `others` (rel -> loader) that import an OpenAI client a module of `modules` builds at its top
    level (`client = OpenAI(...)`) or returns from a top-level function (`def get_client(): return OpenAI()`):
    rel -> the local names bound to them. `parsed`: the others build() has parsed already."""
    from migrate.catalog.clients import azure_clients, plain_clients

    classes = {*plain_clients(), *azure_clients()}
    exports: dict[str, set[str]] = {}  # rel -> its client names
    for rel, mod in modules.items():
        names = set()
        for stmt in mod.scopes[""].node.body if mod.client_lines != [] else ():
            if isinstance(stmt, ast.Assign) and _builds_client(mod, stmt.value, classes):
                names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and _spells_client(mod, stmt) and any(
                    isinstance(node, ast.Return) and _builds_client(mod, node.value, classes)
                    for node in ast.walk(stmt)):
                names.add(stmt.name)
        if names:
            exports[rel] = names
    words = {name.encode() for names in exports.values() for name in names}
    out: dict[str, set[str]] = {}
    if not words or index is None:
        return out
    for rel, loader in others.items():
        data = _read_or_none(loader)
        if data is None or not any(word in data for word in words):
            continue
        mod = parsed[rel] if rel in parsed else _parse(data, rel)
        if mod is None:
            continue
        for local, dotted in mod.imports.items():
            module, _, name = dotted.rpartition(".")
            found = index.find(module, rel) if module else None
            if found is not None and name in exports.get(found[1], ()):
                out.setdefault(rel, set()).add(local)  # from app.clients import client
                continue
            found = index.find(dotted, rel)
            for name in exports.get(found[1], ()) if found is not None else ():
                if f"{local}.{name}".encode() in data:  # import app.clients as c ... c.client
                    out.setdefault(rel, set()).add(f"{local}.{name}")
    return out


def _inherited_calls(modules: Mapping[str, ModuleFlow]) -> dict[str, dict[str, dict[str, frozenset[str]]]]:
    """rel -> class -> attribute -> the calls (`images.generate`) that the class's bases, defined in other modules
    of the tree, make through `self.<attribute>`. Bases are matched by class name, where the tree holds one class
    of that name (a re-export through a package's __init__ is not followed otherwise)."""
    classes: dict[str, list[tuple[str, list[str], ast.ClassDef]]] = {}  # name -> (rel, bases, definition)
    for rel, mod in modules.items():
        for stmt in mod.scopes[""].node.body:
            if isinstance(stmt, ast.ClassDef):
                bases = [b.id if isinstance(b, ast.Name) else b.attr for b in stmt.bases
                         if isinstance(b, (ast.Name, ast.Attribute))]
                classes.setdefault(stmt.name, []).append((rel, bases, stmt))
    self_calls: dict[int, dict[str, set[str]]] = {}  # id(class) -> its _self_calls, for the bases asked about
    out: dict[str, dict[str, dict[str, frozenset[str]]]] = {}
    for name, defined in classes.items():
        for rel, bases, _ in defined:
            found: dict[str, set[str]] = {}
            todo, seen = list(bases), {name}
            while todo:
                base = todo.pop()
                if base in seen or len(classes.get(base, ())) != 1:
                    continue
                seen.add(base)
                base_rel, more, definition = classes[base][0]
                todo.extend(more)
                if base_rel == rel:
                    continue  # a base in the same module: the rules see its calls themselves
                calls = self_calls.get(id(definition))
                if calls is None:
                    calls = self_calls[id(definition)] = _self_calls(definition)
                for attr, endpoints in calls.items():
                    found.setdefault(attr, set()).update(endpoints)
            if found:
                out.setdefault(rel, {})[name] = {a: frozenset(e) for a, e in found.items()}
    return out


def _self_calls(klass: ast.ClassDef) -> dict[str, set[str]]:
    """attribute -> the dotted calls the class's methods make through `self.<attribute>`: `self.client.images.
    generate(...)` gives {"client": {"images.generate"}}."""
    out: dict[str, set[str]] = {}
    for node in ast.walk(klass):
        if isinstance(node, ast.Call):
            chain = _chain(node.func)
            if chain and len(chain) >= 4 and chain[0] == "self":
                tail = [part for part in chain[2:] if part not in ("with_raw_response", "with_streaming_response")]
                if len(tail) >= 2:
                    out.setdefault(chain[1], set()).add(".".join(tail))
    return out


def _builds_client(mod: ModuleFlow, value, classes) -> bool:
    """`value` is a call of an OpenAI client class (`OpenAI(...)`, `openai.AsyncOpenAI(...)`, as imported)."""
    chain = _chain(value.func) if isinstance(value, ast.Call) else None
    if chain is None:
        return False
    return ".".join([mod.imports.get(chain[0], chain[0]), *chain[1:]]) in classes
