"""OAI004 legacy-calls: openai 0.x module calls become calls on a client constructed once per module.

    import openai                                   import openai
    openai.api_key = os.getenv("OPENAI_API_KEY")    client = openai.OpenAI(api_key=os.getenv("OPENAI_API_KEY"))
    r = openai.ChatCompletion.create(         ->    r = client.chat.completions.create(
        engine="gpt-4", messages=m)                     model="gpt-4", messages=m)
    r = await openai.ChatCompletion.acreate(...)    r = await async_client.chat.completions.create(...)

Module-level `openai.api_key / api_base / organization` settings are folded into the construction, which takes
the place of the last of them (so anything they read, and `load_dotenv()` before them, still runs first);
without such settings it goes right after the imports. Settings made elsewhere (in a function, under
`if __name__ == "__main__":`) no longer configure anything and get a `# migrate:` note, except where one points
the module at another provider (`openai.api_base = "https://openrouter.ai/api/v1"` in a constructor): a client
built at import would send those calls, and that provider's key, to vLLM, so the calls go to openai>=1's
module-level client instead (`openai.chat.completions.create`; an `acreate` builds its AsyncOpenAI from the same
settings), which reads the settings wherever they are made, as 0.x did (`api_base` becomes `base_url`, with the
trailing slash that client needs), and OAI001 judges them. In a module with no
0.x call (its calls are in another module, or already 1.x), a setting openai>=1 dropped (`openai.proxy`,
`openai.api_base`, ...) gets the note wherever it is set. OAI001 then points the construction at vLLM. 0.x APIs with no current counterpart (Edit, Engine, FineTune, ...) are left with a note.

0.x named an object's id `id=` (`openai.File.retrieve(id=f)`); the current methods take it first, positionally
(`client.files.retrieve(f)`). 0.x also sent any other keyword along as a request parameter; a keyword the current
method does not take (its parameters come from the SDK, see the catalog: `user_provided_filename=` of File.create)
raises TypeError there, and gets a `# migrate:` note.

Arguments spread into a converted call can carry 0.x-only keys, which openai>=1 rejects with TypeError:

    **{"engine": d, "request_timeout": 30}   ->  **{"model": d, "timeout": 30}
    **vars(settings), **kwargs               ->  kept, with a `# migrate:` note naming the keys to rename or drop

The `file=` of an upload (File.create, Audio.transcribe / translate) must be bytes in openai>=1: it goes out
as multipart through httpx, which raises TypeError on a text stream (0.x posted with requests, which took one).
What the value is, is decided from the call or the name's bindings in its function:

    file=open(path)                    ->  file=open(path, "rb")         (there, or where the name is bound if the
                                                                          upload is its only use)
    file=io.StringIO(text)             ->  file=io.BytesIO(text.encode())
    buf = io.StringIO(); ...; file=buf ->  file=io.BytesIO(buf.getvalue().encode())   with a review note
    file=<a value it cannot decide>    ->  kept, with a review note

A 0.x resource used as an object (`values["client"] = openai.Completion`, called later) has no openai>=1
counterpart to point at: it gets a `# migrate:` note naming the client attribute to use. So does a read of a
0.x module setting that openai>=1 does not have (`prev = openai.api_base`: an AttributeError; the current
settings are the catalog snapshot's `module_settings`). A 0.x method compared by equality or identity
(`llm_api == openai.ChatCompletion.create`) gets a note too: the client's bound method it becomes equals only
the same client's, and a module that builds its own client passes in one that no longer matches.
A 0.x call through the module stored on the instance (`self._openai = openai; self._openai.ChatCompletion
.create(...)`) is not converted: it gets a note.
A module that imports openai only inside its functions (an optional dependency) gets no module-level client:
each call builds its own (`openai.OpenAI().chat.completions.create(...)`), so the module still loads without
the package. A call that follows, in its block, a setting of another provider's URL or key
(`openai.api_base = "https://openrouter.ai/api/v1"`) is converted with a note saying whom it went to. A dict
built from literal keys in the calling function, used only as `**dict`, gets the current key names where it
is built (`d["engine"] = x` -> `d["model"] = x`). Imports of 0.x-only submodules (openai.openai_object,
openai.embeddings_utils, ...) get a note.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from migrate.catalog import legacy as _legacy
from migrate.catalog import load_catalog
from migrate.catalog.facts import LEGACY_SETTINGS
from migrate.rewrite.rules import _uploads
from migrate.rewrite.rules._prune import word_search, words_pattern
from migrate.catalog.providers import Classification, Role
from migrate.rewrite.rules._roles import decide
from migrate.rewrite.rules._values import Flow
from migrate.rewrite.rules import _walk as walk
from migrate.rewrite.rules._base import (
    RuleTransformer,
    code,
    explode,
    fresh_name,
    get_arg,
    setup_end,
    insert_args,
    kwarg,
    literal_str,
    openai_alias,
    remove_args,
    rename_arg,
    string,
)

# The 0.x call names and what they became: one table with the scan, in the catalog (migrate/catalog/legacy.py).
# "openai.ChatCompletion.acreate" -> ("chat.completions.create", async)
LEGACY: dict[str, tuple[str, bool]] = {f"openai.{name}": (call.endpoint, call.is_async)
                                       for name, call in _legacy.LEGACY_CALLS.items()}
_RESOURCES = _legacy.RESOURCES  # 0.x resource -> its current client attribute path ("ChatCompletion" -> "chat.completions")
_LEGACY_METHODS = _legacy.METHODS
REMOVED = _legacy.REMOVED

# 0.x methods whose leading parameters were positional (openai 0.28's signatures); openai>=1 takes them by keyword.
_POSITIONAL = {"audio.transcriptions.create": ("model", "file"), "audio.translations.create": ("model", "file"),
               "moderations.create": ("input", "model"), "files.create": ("file", "purpose"),
               "images.edit": ("image", "mask"), "images.create_variation": ("image",)}
# Per-request 0.x options: renamed, or dropped because the client now carries them.
_RENAMED_KWARGS = _legacy.RENAMED_KEYWORDS
_CLIENT_KWARGS = _legacy.CLIENT_KEYWORDS
_LEGACY_ONLY_KWARGS = _legacy.ONLY_KEYWORDS

# Module settings -> the client argument they become ("" = dropped with a note): the 1.x settings a client
# construction takes, and the 0.x settings (catalog).
SETTINGS = {"api_key": "api_key", "base_url": "base_url", "organization": "organization", "api_type": "",
            "api_version": "", **{name: s.client_argument for name, s in _legacy.SETTINGS.items()}}
# What every openai>=1 request method takes besides its parameters.
_REQUEST_OPTIONS = frozenset({"extra_headers", "extra_query", "extra_body", "timeout"})
# What openai>=1's module-level client reads (api_base: renamed base_url), see _keeps_default_client.
_DEFAULT_CLIENT_SETTINGS = frozenset({"api_base", "base_url", "api_key", "organization"})
_SETTING_NOTES = {
    "api_type": "openai.api_type is gone: the client talks to the vLLM endpoint",
    "api_version": "openai.api_version (Azure) is gone: vLLM has no API versions",
    "api_key_path": "openai.api_key_path is gone: the key comes from the environment",
    "proxy": "openai.proxy is gone: pass http_client=httpx.Client(proxy=...) to the OpenAI(...) construction",
}


# The pre-filters, searched with _prune.word_search where a word must start (a leading \b would cost Python's regex
# engine a try at every position); `from openai import` is not held to the start of a line: a match in a comment
# costs time only.
_WANTED = re.compile(rf"(?:{'|'.join(sorted(_legacy.CLASSES))})\s*\.\s*(?:{'|'.join(sorted(_legacy.METHODS))})\b")
_BLOCK_SETTING = re.compile(r"\b(?:api_base|base_url|api_key)\b")  # what _gather_block_settings looks for
_GONE_SETTINGS = frozenset(SETTINGS) - load_catalog().module_settings
_RESOURCE_NAMES = "|".join(sorted({*_RESOURCES, *_GONE_SETTINGS}))
_BARE = (re.compile(rf"openai\s*\.\s*(?:{_RESOURCE_NAMES})\b"),
         re.compile(rf"from[ \t]+openai[ \t]+import\b[^\n]*\b(?:{_RESOURCE_NAMES})\b"))
_MODULES = (re.compile(rf"openai\s*\.\s*(?:{'|'.join(sorted(_legacy.REMOVED_MODULES))})\b"),
            re.compile(rf"from[ \t]+openai[ \t]+import\b[^\n]*\b(?:{'|'.join(sorted(_legacy.REMOVED_MODULES))})\b"))


def wanted(source: str, state) -> bool:
    return (any(word_search(pattern, source) for pattern in (_BARE[0], _MODULES[0], _WANTED))
            or any(pattern.search(source) for pattern in (_BARE[1], _MODULES[1])))


class Transformer(RuleTransformer):
    RULE_ID = "OAI004"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.alias: str | None = None
        self.sync_name = fresh_name(state.names, "client", "openai_client")
        self.async_name = fresh_name(state.names, "async_client", "aclient", "openai_async_client")
        self.need_sync = False
        self.need_async = False
        self.top_index: dict[int, int] = {}  # id(top-level statement) -> index
        self.current_top: int | None = None
        self.first_use: int | None = None  # index of the first top-level statement with a rewritten call
        self.settings: dict[int, tuple] = {}  # top-level index -> (setting, value, original statement)
        self.function_depth = 0
        self.has_legacy = False
        self.resource_imports: list[tuple[cst.ImportFrom, str, str]] = []  # (import, 0.x resource, local name)
        self.bindings: _uploads.Bindings | None = None  # only where an upload call is converted
        self._flow: Flow | None = None  # built when a class turns out to store the openai module
        self.binary_opens: set[int] = set()  # open(...) calls whose file only goes to an upload: opened "rb"
        self.dropped_clients: set[int] = set()  # LangChain constructions whose client=openai.<0.x object> goes
        # id(indented block) -> [(index in the block, setting, what it points at or None, statement)]: the endpoint
        # settings made inside functions and branches (`openai.api_base = "https://openrouter.ai/api/v1"`)
        self.block_settings: dict[int, list[tuple[int, str, Classification | None, cst.CSTNode]]] = {}
        self.key_renames: dict[int, str] = {}  # id(dict key string) -> its current name ("engine" -> "model")
        self.known_spreads: set[int] = set()  # id(Name) of `**name` spreads whose every key is known and current
        self._module_binds_openai: bool | None = None  # `import openai` at module level (incl. top-level try/if)
        # the module points openai at another provider from inside a function: its calls stay on the module's
        # default client, which reads the settings wherever they are made (see _keeps_default_client)
        self.default_client = False

    def statement_filter(self):
        # every hook acts on names from openai (settings, calls, imports), or on a 0.x resource read off an
        # attribute that holds the module (self._openai.ChatCompletion)
        names = self.names_filter(("openai",))
        return None if names is None else re.compile(
            f"{names.pattern}|{words_pattern(_RESOURCES).pattern}|\\.\\s*(?:{'|'.join(SETTINGS)})\\s*=(?!=)"
            f"|[\"'](?:{'|'.join(_SPREAD_RENAMES)})[\"']")

    # -- module-level bookkeeping ---------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self.alias = openai_alias(node)
        found = self.runs_on_one(node, self.state.nodes(node, (cst.Attribute, cst.Call)))
        self.has_legacy = any(self._legacy(a) for a in found if isinstance(a, cst.Attribute)
                              and isinstance(a.attr, cst.Name) and a.attr.value in _LEGACY_METHODS)
        uploads = [c for c in found if isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute)
                   and self._upload_file(c) is not None]
        if uploads:
            self.bindings = _uploads.Bindings()
            walk.visit(node, self.bindings)
            for call in uploads:
                self._plan_upload(call)
        if self.has_legacy:
            source = self.state.source
            if source is None or _BLOCK_SETTING.search(source):
                self._gather_block_settings(node)
                self.default_client = self._keeps_default_client(node)
            if source is None or "**" in source:
                self._plan_spread_dicts(node)
        for i, stmt in enumerate(node.body):
            self.top_index[id(stmt)] = i
            setting = self._setting(stmt)
            if setting is not None:
                self.settings[i] = (setting[0], setting[1], stmt)

    TRIVIA_BLIND = True  # on_visit / on_leave below look at top-level statements and functions only

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.top_index:
            self.current_top = self.top_index[id(node)]
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            self.function_depth += 1
        return super().on_visit(node)

    def on_leave(self, original_node, updated_node):
        if isinstance(original_node, (cst.FunctionDef, cst.Lambda)):
            self.function_depth -= 1
        return super().on_leave(original_node, updated_node)

    def _setting(self, stmt) -> tuple[str, cst.BaseExpression] | None:
        """`openai.<setting> = value` as a whole top-level statement -> (setting, value)."""
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign)):
            return None
        assign = stmt.body[0]
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Attribute):
            return None
        target = assign.targets[0].target
        for q in self.qnames_in(target, "openai"):
            if q.startswith("openai.") and q.count(".") == 1 and q[7:] in SETTINGS:
                return q[7:], assign.value
        return None

    def _client_names(self) -> str:
        """The module clients the converted calls go through, as far as the text says before the walk ends:
        `async_client` for a module of 0.x `acreate` calls only."""
        source = self.state.source or ""
        if "acreate(" not in source:
            return self.sync_name
        if not re.search(r"\.create\(", source):
            return self.async_name
        return f"{self.sync_name}` / `{self.async_name}"

    # -- settings made away from module level, and 0.x settings in a module without 0.x calls ---------------
    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        statement = self.parent(original)
        folded = self.function_depth == 0 and isinstance(self.parent(statement), cst.Module) and any(
            statement is stmt for _, _, stmt in self.settings.values())  # leave_Module folds it or notes it
        self._setting_of_stored_module(original)
        if self.default_client:
            return self._default_client_setting(original, updated)
        for name in self._settings_assigned(original):
            if self.has_legacy and not folded:
                if self._module_binds_openai is None:
                    self._module_binds_openai = _binds_openai(self.context.wrapper.module.body)
                through = f"`{self._client_names()}`" if self._module_binds_openai else "a client built at each call"
                self.review(original, f"openai.{name} set here no longer configures anything: this module "
                                      f"now calls through {through}; pass the value to its "
                                      f"OpenAI(...) construction instead",
                            note=f"openai.{name} no longer configures anything: pass it to OpenAI(...)")
            elif not self.has_legacy and name in _GONE_SETTINGS:
                # no call here is converted (the calls may be in another module, or already 1.x): nothing else
                # says that this setting, which did something under 0.x, now does nothing
                advice = LEGACY_SETTINGS.get(name, 'there is no current-SDK counterpart')
                provider = self._other_endpoint(original.value) if name in ("api_base", "base_url") else None
                if provider is not None:  # LangChain's GooseAI: `openai.api_base = "https://api.goose.ai/v1"`
                    advice = (f"it points at {provider}, not at OpenAI: pass that URL as base_url, with {provider}'s "
                              f"key, to an OpenAI(...) client for {provider}")
                self.review(original, f"openai.{name} is gone in openai>=1: setting it configures nothing; {advice}",
                            note=f"openai.{name} no longer configures anything: pass it to OpenAI(...)")
        return updated

    def _other_endpoint(self, value: cst.BaseExpression) -> str | None:
        """The provider other than OpenAI a base URL setting names, when it names one."""
        from migrate.catalog.providers import Role
        from migrate.rewrite.rules._roles import decide

        if self._flow is None:
            self._flow = Flow(self)
        verdict = decide(self._flow, value, None).verdict
        return verdict.provider if verdict.role is Role.OTHER and verdict.provider else None

    def _plan_spread_dicts(self, module: cst.Module) -> None:
        """`model_args["engine"] = d; openai.Completion.acreate(**model_args)`: a dict built in the calling function
        from literal keys only, and used for nothing but the spread, gets the current key names where it is built
        (engine/deployment_id -> model, request_timeout -> timeout, headers -> extra_headers)."""
        parents = None
        for call in self.runs_on_one(module, self.state.nodes(module, cst.Call)):
            if not isinstance(call.func, cst.Attribute) or self._legacy(call.func) is None:
                continue
            for arg in call.args:
                if arg.star == "**" and isinstance(arg.value, cst.Name):
                    parents = parents or self.state.parents(module)
                    self._plan_spread_dict(call, arg.value, parents)

    def _plan_spread_dict(self, call: cst.Call, spread: cst.Name, parents: dict) -> None:
        function = parents.get(call)
        while function is not None and not isinstance(function, (cst.FunctionDef, cst.Module)):
            function = parents.get(function)
        if not isinstance(function, cst.FunctionDef):
            return
        keys: list[tuple[cst.SimpleString, str, cst.CSTNode]] = []  # (key node, key, the storing node)
        for use in walk.find(function.body, cst.Name):
            if use is spread or use.value != spread.value:
                continue
            parent = parents.get(use)
            if isinstance(parent, cst.AssignTarget) and parent.target is use:
                value = parents[parent].value
                if isinstance(value, cst.Dict) and all(isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)
                                                       and literal_str(e.key) is not None for e in value.elements):
                    keys += [(e.key, literal_str(e.key), e) for e in value.elements]
                    continue
                return
            if isinstance(parent, cst.Subscript) and parent.value is use and len(parent.slice) == 1:
                index = parent.slice[0].slice
                key = literal_str(index.value) if isinstance(index, cst.Index) else None
                store = parents.get(parent)
                if (key is not None and isinstance(index.value, cst.SimpleString) and isinstance(store, cst.AssignTarget)
                        and store.target is parent):
                    keys.append((index.value, key, parent))
                    continue
                if key is not None and key not in _SPREAD_RENAMES:
                    continue  # a read of a key that keeps its name
            return  # a parameter, a method call (update, pop), a read of a renamed key, passed on: keys unknown
        names = {key for _, key, _ in keys}
        if not keys or names & (set(_CLIENT_KWARGS) | set(_LEGACY_ONLY_KWARGS) - set(_SPREAD_RENAMES)):
            return
        model_stores = [node for _, key, node in keys if key == "model"]
        for node, key, store in keys:
            if key in ("engine", "deployment_id") and not all(_exclusive(store, other, parents) for other in model_stores):
                return  # engine= next to model= on one path: which one to keep is for a person to say
        engine_stores = [store for _, key, store in keys if key in ("engine", "deployment_id")]
        if len(engine_stores) > 1 and not all(_exclusive(a, b, parents) for a in engine_stores for b in engine_stores
                                              if a is not b):
            return
        for node, key, _ in keys:
            if key in _SPREAD_RENAMES:
                self.key_renames[id(node)] = _SPREAD_RENAMES[key]
        self.known_spreads.add(id(spread))

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString):
        new = self.key_renames.get(id(original))
        if new is None:
            return updated
        self.edited()
        quote = original.quote
        return updated.with_changes(value=f"{original.prefix}{quote}{new}{quote}")

    def _gather_block_settings(self, module: cst.Module) -> None:
        """Each `openai.api_base/base_url/api_key = value` statement inside a block, with whom the value points
        the 0.x module at when that is another provider (OpenRouter's URL, $TOGETHER_API_KEY)."""
        for block in self.state.nodes(module, cst.IndentedBlock):
            for i, stmt in enumerate(block.body):
                if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
                        and isinstance(stmt.body[0], cst.Assign)):
                    continue
                for name in self._settings_assigned(stmt.body[0]):
                    if name not in ("api_base", "base_url", "api_key"):
                        continue
                    if self._flow is None:
                        self._flow = Flow(self)
                    value = stmt.body[0].value
                    decision = decide(self._flow, None if name == "api_key" else value,
                                      value if name == "api_key" else None)
                    self.block_settings.setdefault(id(block), []).append((i, name, decision.first(Role.OTHER), stmt))

    def _keeps_default_client(self, module: cst.Module) -> bool:
        """Whether the 0.x calls become calls of openai>=1's module-level client (`openai.chat.completions.create`)
        rather than of a client built once at import: where a function points the module at another provider
        (`openai.api_base = "https://openrouter.ai/api/v1"` in a constructor, swarms 5.1.4), a client built at
        import would send those calls, and the other provider's key, to vLLM. The module-level client reads
        openai.base_url / api_key / organization when it sends, wherever they were set, as 0.x did; OAI001 then
        judges those settings. There is no module-level async client: an `acreate` call builds an AsyncOpenAI
        from the same settings where it runs. Only for settings that client has (api_base becomes base_url)."""
        if not self.alias or not any(hit is not None for settings in self.block_settings.values()
                                     for _, _, hit, _ in settings):
            return False
        names = {name for assign in self.state.nodes(module, cst.Assign) for name in self._settings_assigned(assign)}
        return names <= _DEFAULT_CLIENT_SETTINGS

    def _default_client_setting(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """`openai.api_base = URL` -> `openai.base_url = URL/` for the module-level client (the 1.x setting, which
        needs the trailing slash: the client appends request paths to it as written)."""
        targets = []
        renames = "api_base" in self._settings_assigned(original)
        for target in updated.targets:
            if renames and isinstance(target.target, cst.Attribute) and target.target.attr.value == "api_base":
                target = target.with_changes(target=target.target.with_changes(attr=cst.Name("base_url")))
                self.edited()
            targets.append(target)
        if not any(t.target.attr.value == "base_url" for t in targets if isinstance(t.target, cst.Attribute)):
            return updated.with_changes(targets=targets)
        value = updated.value
        url = literal_str(value)
        start = len(value.prefix) + len(value.quote) if isinstance(value, cst.SimpleString) else 0
        if isinstance(value, cst.SimpleString) and url == value.value[start:-len(value.quote)]:  # no escapes
            if not url.endswith("/"):
                value = cst.SimpleString(value.value[:start] + url + "/" + value.quote)
                self.edited()
        elif url is None or not url.endswith("/"):
            self.review(original, "openai.base_url must end with a slash on openai>=1: the module-level client "
                                  "appends request paths to it as written (https://host/v1chat/completions otherwise)",
                        note="openai.base_url must end with a slash on openai>=1 (the client appends paths to it)")
        return updated.with_changes(targets=targets, value=value)

    def _routed_elsewhere(self, call: cst.Call) -> tuple[str, Classification, cst.CSTNode] | None:
        """The setting that sent this 0.x call to another provider: the last endpoint setting before it in the
        innermost block around it that has one, when that setting is another provider's."""
        if not self.block_settings:
            return None
        chain = [*(self._parents(call) or []), call]
        for k in range(len(chain) - 2, -1, -1):
            settings = self.block_settings.get(id(chain[k]))
            if not settings:
                continue
            body = chain[k].body
            index = next((i for i, stmt in enumerate(body) if stmt is chain[k + 1]), None)
            before = [s for s in settings if index is not None and s[0] < index]
            if before:
                _, name, hit, stmt = before[-1]
                return (name, hit, stmt) if hit is not None else None
        return None

    def _settings_assigned(self, assign: cst.Assign) -> list[str]:
        """The module settings (`openai.<setting> = ...`) an assignment sets."""
        found = []
        for t in assign.targets:
            if isinstance(t.target, cst.Attribute):
                for q in self.qnames_in(t.target, "openai"):
                    if q.startswith("openai.") and q.count(".") == 1 and q[7:] in SETTINGS:
                        found.append(q[7:])
        return found

    # -- the calls --------------------------------------------------------------------------------------------
    def _legacy(self, node: cst.CSTNode) -> tuple[str, bool] | None:
        q = self.qname_in(node, LEGACY)
        return LEGACY[q] if q is not None else None

    def _removed(self, node: cst.CSTNode) -> str | None:
        for q in self.qnames_in(node, "openai"):
            parts = q.split(".")
            if len(parts) == 3 and parts[0] == "openai" and parts[1] in REMOVED:
                return parts[1]
        return None

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        hit = self._legacy(original)
        if hit is None:
            parent = self.parent(original)
            if not isinstance(parent, (cst.Attribute, cst.Import, cst.ImportFrom, cst.ImportAlias)):
                # openai.embeddings_utils.get_embedding(...): the outermost attribute of the chain speaks
                for q in self.qnames_if(original, ("openai",)):
                    if self._removed_module(original, q):
                        break
            removed = self._removed(original)
            if removed and not isinstance(self.parent(original), cst.Attribute):
                self.review(original, f"openai.{removed}: {REMOVED[removed]}")
            self._bare_resource(original)
            self._gone_setting(original)
            self._resource_of_stored_module(original)
            return updated
        target, is_async = hit
        if self._only_local_openai(original):
            # `import openai` inside the function (an optional dependency): a module-level client would import the
            # package when the module loads; a client built at the call keeps the import where it was
            inline: cst.BaseExpression = cst.Call(
                func=cst.Attribute(cst.Name("openai"), cst.Name("AsyncOpenAI" if is_async else "OpenAI")))
            for part in target.split("."):
                inline = cst.Attribute(value=inline, attr=cst.Name(part))
            self.edited()
            return inline
        node: cst.BaseExpression
        if self.default_client:
            node = cst.Name(self.alias)
            if is_async:  # openai.AsyncOpenAI(api_key=openai.api_key, base_url=openai.base_url, ...)
                node = cst.Call(func=cst.Attribute(node, cst.Name("AsyncOpenAI")), args=[
                    kwarg(name, cst.Attribute(cst.Name(self.alias), cst.Name(name)))
                    for name in ("api_key", "base_url", "organization")])
        else:
            if is_async:
                self.need_async = True
            else:
                self.need_sync = True
            if self.function_depth == 0 and self.current_top is not None:
                # a call that runs while the module loads: the client must exist before this statement
                self.first_use = self.current_top if self.first_use is None else min(self.first_use, self.current_top)
            node = cst.Name(self.async_name if is_async else self.sync_name)
        for q in self.qnames_in(original.value, "openai"):
            if q.startswith("openai.") and q.count(".") == 1 and isinstance(original.value, cst.Name):
                # from openai import ChatCompletion: drop the import once nothing uses it
                RemoveImportsVisitor.remove_unused_import(self.context, "openai", q[7:])
        for part in target.split("."):
            node = cst.Attribute(value=node, attr=cst.Name(part))
        if not self.default_client and self._compared(original):
            method = code(node)
            self.review(original, f"compares with {method}, a method bound to this module's client: the same "
                                  f"method of any other client (another module's, the caller's) is not equal to it, "
                                  f"where openai.{_resource_spelling(original)} was one object everywhere: share "
                                  f"one client or compare what the function is (e.g. its __qualname__)",
                        note=f"{method} equals only the same client's method: one from another module's client "
                             f"compares unequal")
        self.edited()
        return node

    def _only_local_openai(self, node: cst.Attribute) -> bool:
        """`openai.ChatCompletion.create` where `openai` is bound by an import inside a function only, never at the
        module's top level (nor in its top-level try/if blocks)."""
        resource = node.value
        if not (self.function_depth and isinstance(resource, cst.Attribute) and isinstance(resource.value, cst.Name)
                and resource.value.value == "openai"):
            return False
        if self._module_binds_openai is None:
            self._module_binds_openai = _binds_openai(self.context.wrapper.module.body)
        return not self._module_binds_openai

    def _compared(self, node: cst.CSTNode) -> bool:
        """`llm_api == openai.ChatCompletion.create`, `f in (openai.Completion.create, ...)`: 0.x resources were
        module-wide class attributes, equal wherever they came from; a client's bound method is equal only to
        the same client's."""
        parent = self.parent(node)
        while isinstance(parent, (cst.Element, cst.Tuple, cst.List, cst.Set)):
            node, parent = parent, self.parent(parent)
        if isinstance(parent, cst.ComparisonTarget):
            return parent.comparator is node and isinstance(parent.operator, _IDENTITY_OPERATORS)
        if isinstance(parent, cst.Comparison) and parent.left is node:
            return any(isinstance(t.operator, _IDENTITY_OPERATORS) for t in parent.comparisons)
        return False

    def _resource_of_stored_module(self, node: cst.Attribute) -> None:
        """`self._openai.ChatCompletion.create(...)` in a class that stored the module (`self._openai = openai`):
        the same 0.x call, which openai>=1 answers with APIRemovedInV1, through a name the call rewrite does not
        follow."""
        holder = node.value
        if not (isinstance(holder, cst.Attribute) and holder.attr.value in _RESOURCES):
            return
        owner = holder.value
        if not (isinstance(owner, cst.Attribute) and isinstance(owner.value, cst.Name)
                and owner.value.value in ("self", "cls")):
            return
        if self._flow is None:
            self._flow = Flow(self)
        if any("openai" in self.qnames_if(value, ("openai",)) for value in self._flow.class_assignments(owner)):
            resource, path = holder.attr.value, _RESOURCES[holder.attr.value]
            self.review(node, f"{code(owner)} holds the openai module: {code(owner)}.{resource} is a 0.x API "
                              f"object that openai>=1 does not have (calling it raises APIRemovedInV1): call a "
                              f"client's .{path}.{node.attr.value}(...) instead",
                        note=f"{code(owner)}.{resource} is gone in openai>=1: use a client's .{path}")

    def _holds_module(self, owner: cst.BaseExpression) -> bool:
        """`self._openai` where the class stored the openai module there (`self._openai = openai`)."""
        if not (isinstance(owner, cst.Attribute) and isinstance(owner.value, cst.Name)
                and owner.value.value in ("self", "cls")):
            return False
        if self._flow is None:
            self._flow = Flow(self)
        return any("openai" in self.qnames_if(value, ("openai",)) for value in self._flow.class_assignments(owner))

    def _setting_of_stored_module(self, assign: cst.Assign) -> None:
        """`self._openai.api_key = key` in a class that stored the module: it sets the module's setting, which the
        clients that replace the 0.x calls do not read (and 0.x-only ones, api_base, configure nothing at all)."""
        for t in assign.targets:
            target = t.target
            if not (isinstance(target, cst.Attribute) and target.attr.value in SETTINGS
                    and self._holds_module(target.value)):
                continue
            owner, name = code(target.value), target.attr.value
            source = self.state.source
            if not self.has_legacy and source is not None and not re.search(
                    rf"{re.escape(owner)}\s*\.\s*(?:{'|'.join(_RESOURCES)})\b", source):
                continue  # a 1.x module used through the attribute (self._openai.chat...): the setting still works
            gone = f" (gone in openai>=1: {LEGACY_SETTINGS[name]})" if name in LEGACY_SETTINGS else ""
            self.review(assign, f"{owner} holds the openai module: {owner}.{name} = ... sets openai.{name}{gone}, "
                                f"which no client you build reads: pass the value to the OpenAI(...) construction "
                                f"that replaces the 0.x calls",
                        note=f"{owner}.{name} sets openai.{name}, which no client you build reads: pass it to "
                             f"OpenAI(...)")

    def _gone_setting(self, node: cst.Attribute) -> None:
        """`prev = openai.api_base`: a 0.x module setting that openai>=1 does not have is an AttributeError."""
        parent = self.parent(node)
        if isinstance(parent, (cst.AssignTarget, cst.AugAssign)) and parent.target is node:
            return  # setting it: handled with the settings above
        for q in self.qnames_if(node, ("openai",)):
            name = q[len("openai."):] if q.startswith("openai.") and q.count(".") == 1 else ""
            if name in _GONE_SETTINGS:
                self.review(node, f"openai.{name} does not exist in openai>=1 (reading it raises AttributeError): "
                                  f"{LEGACY_SETTINGS.get(name, 'there is no current-SDK counterpart')}",
                            note=f"openai.{name} does not exist in openai>=1")
                return

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        if not isinstance(self.parent(original), (cst.ImportAlias, cst.AsName)):
            self._bare_resource(original)
        return updated

    def _bare_resource(self, node: cst.Attribute | cst.Name) -> None:
        """`client = openai.Completion` (called later as client.create): a 0.x object openai>=1 does not have."""
        parent = self.parent(node)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            return  # openai.Completion.create: the whole chain decides
        if isinstance(node, cst.Attribute) and isinstance(parent, cst.Attribute):
            return
        for q in self.qnames_if(node, ("openai",)):
            resource = q[len("openai."):] if q.startswith("openai.") else ""
            if resource in _RESOURCES and self._langchain_client(node, parent):
                return  # leave_Call drops it
            if resource in _RESOURCES:
                path = _RESOURCES[resource]
                self.review(node, f"openai.{resource} is a 0.x API object that openai>=1 does not have (using it "
                                  f"raises APIRemovedInV1): call the methods of a client's .{path} instead "
                                  f"(openai.OpenAI().{path}.create(...))",
                            note=f"openai.{resource} is gone in openai>=1: use a client's .{path}")
                return

    def _langchain_client(self, node: cst.CSTNode, parent: cst.CSTNode) -> bool:
        """`ChatOpenAI(client=openai.ChatCompletion)` (gpt-engineer 0.2.6): old LangChain's client field, which a
        LangChain that runs on openai>=1 fills itself from base_url and api_key: the argument goes."""
        call = self.parent(parent) if isinstance(parent, cst.Arg) else None
        if not (isinstance(call, cst.Call) and parent.value is node and parent.keyword is not None
                and parent.keyword.value == "client"):
            return False
        from migrate.catalog.wrappers import wrapper_class

        if any(wrapper_class(q) for q in self.qnames_if(call.func, ("langchain", "langchain_community",
                                                                    "langchain_openai"), called_by=call)):
            self.dropped_clients.add(id(call))
            return True
        return False

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if id(original) in self.dropped_clients:
            self.edited()
            self.review(original, "dropped client=: the LangChain wrapper builds its own openai>=1 client from its "
                                  "base URL and key (the 0.x API object it was given does not exist there)",
                        comment=False)
            updated = remove_args(updated, {"client"})
        if id(original) in self.binary_opens:
            self.edited()
            return _uploads.binary_open(updated)
        hit = self._legacy(original.func)
        if hit is None:
            return updated
        target, is_async = hit
        call = updated
        elsewhere = None if self.default_client else self._routed_elsewhere(original)
        if elsewhere is not None:
            name, where, stmt = elsewhere
            who = where.provider or "another endpoint"
            client = self.async_name if is_async else self.sync_name
            if isinstance(original.func, cst.Attribute) and self._only_local_openai(original.func):
                client = "openai.AsyncOpenAI()" if is_async else "openai.OpenAI()"
            setting = code(stmt.body[0])
            setting = setting if len(setting) <= 80 and "\n" not in setting else f"openai.{name} = ..."
            self.review(original, f"this call went to {where.describe()} under openai 0.x (`{setting}` "
                                  f"above it), and `{client}` talks to vLLM: build an OpenAI(...) client for "
                                  f"{who} and call through it",
                        note=f"this call went to {who} (openai.{name} set above), and `{client}` talks to vLLM: "
                             f"build an OpenAI(...) client for {who} and call through it")
        upload = self._upload_file(original)
        if upload is not None:
            call = call.with_changes(args=[
                a.with_changes(value=self._upload_value(original, a.value)) if i == upload else a
                for i, a in enumerate(call.args)])
        # positional arguments that became keywords
        names = _POSITIONAL.get(target)
        if names:
            args = list(call.args)
            for i, name in enumerate(names):
                if i < len(args) and args[i].keyword is None and not args[i].star:
                    args[i] = args[i].with_changes(keyword=cst.Name(name), equal=kwarg(name, args[i].value).equal)
            call = call.with_changes(args=args)
        engine = get_arg(call, "engine") or get_arg(call, "deployment_id")
        if engine is not None:
            if get_arg(call, "model") is None:
                call = rename_arg(call, engine.keyword.value, "model")
                name = literal_str(engine.value)
                if name is not None and self.config.map_model(name) is None and "OAI003" in self.state.active:
                    self.review(original, f"Azure deployment {name!r} (engine=) is not in the model map: add it to "
                                          f"[tool.migrate.models] with the served model name")
            else:
                call = remove_args(call, {engine.keyword.value})
                model = get_arg(call, "model")
                if code(engine.value) != code(model.value):
                    # 0.x routed the request by engine= (the URL's deployment or engine) and sent model= in the
                    # body; the current SDK has only model=, so the value that chose the model is gone
                    was, kept = code(engine.value), code(model.value)
                    self.review(original, f"{engine.keyword.value}= named the deployment the 0.x call was routed "
                                          f"to (the engine that ran it); it is dropped, and the server now gets "
                                          f"model={kept} alone: make sure that is the served model name "
                                          f"(it may be {was})",
                                note=f"{engine.keyword.value}={was} dropped, model={kept} kept: make sure model= "
                                     f"is the served model name")
        for old, new in _RENAMED_KWARGS.items():
            if get_arg(call, old) is not None and get_arg(call, new) is None:
                call = rename_arg(call, old, new)
        dropped = [k for k in _CLIENT_KWARGS if get_arg(call, k) is not None]
        if dropped:
            call = remove_args(call, set(dropped))
            self.review(original, f"per-request {', '.join(dropped)} dropped: the client carries the endpoint and "
                                  f"key now (use client.with_options(...) if this call needs its own)",
                        note=f"per-request {', '.join(dropped)} dropped: the client carries them now")
        call = self._path_id(call, target)
        self._unknown_keywords(original, call, target)
        known = {a.value.value for a in original.args if a.star == "**" and id(a.value) in self.known_spreads}
        args = []
        for arg in call.args:
            if arg.star == "**" and not (isinstance(arg.value, cst.Name) and arg.value.value in known):
                arg = arg.with_changes(value=self._spread(original, arg.value))
            args.append(arg)
        return call.with_changes(args=args)

    def _path_id(self, call: cst.Call, target: str) -> cst.Call:
        """`openai.File.retrieve(id=f)` -> `client.files.retrieve(f)`: 0.x named the object's id `id=`, the current
        methods take it first, positionally, under a name of their own (file_id, model, fine_tuning_job_id)."""
        endpoint = load_catalog().endpoint(target)
        identifier = get_arg(call, "id")
        if (endpoint is None or not endpoint.path or endpoint.path.count("{}") != 1 or identifier is None
                or "id" in endpoint.sdk_params or any(a.keyword is None for a in call.args)):
            return call
        self.edited()
        first = identifier.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
        rest = [a for a in call.args if a is not identifier]
        if rest:
            first = first.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        elif not isinstance(first.comma, cst.MaybeSentinel):
            first = first.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return call.with_changes(args=[first, *rest])

    def _unknown_keywords(self, original: cst.Call, call: cst.Call, target: str) -> None:
        """Keywords the openai>=1 method does not take (its parameters come from the SDK, see the catalog): 0.x sent
        any keyword along as a request parameter, 1.x raises TypeError (llama-index 0.8.20's
        `File.create(..., user_provided_filename=...)`)."""
        endpoint = load_catalog().endpoint(target)
        if endpoint is None or not endpoint.sdk_params:
            return
        unknown = [a.keyword.value for a in call.args if a.keyword is not None
                   and a.keyword.value not in endpoint.sdk_params and a.keyword.value not in _REQUEST_OPTIONS]
        if unknown:
            names = ", ".join(f"{name}=" for name in unknown)
            self.review(original, f"{names}: not a parameter of {target} in openai>=1, which raises TypeError on "
                                  f"it (0.x sent any keyword along): drop it, or send it as extra_body="
                                  f"{{{', '.join(repr(n) for n in unknown)}: ...}} if the server reads it",
                        note=f"{names} is not a parameter of {target} in openai>=1 (TypeError): drop it or pass it "
                             "in extra_body")

    # -- file= of an upload: bytes in openai>=1 (see _uploads.py) ------------------------------------------------
    def _upload_file(self, call: cst.Call) -> int | None:
        """The index of the file argument of a 0.x upload call (File.create, Audio.transcribe/translate), or None."""
        hit = self._legacy(call.func)
        if hit is None or hit[0] not in _uploads.UPLOAD_TARGETS:
            return None
        position = (_POSITIONAL.get(hit[0]) or ("file",)).index("file")
        for i, arg in enumerate(call.args):
            if arg.keyword is not None and arg.keyword.value == "file" or (
                    arg.keyword is None and not arg.star and i == position):
                return i
        return None

    def _plan_upload(self, call: cst.Call) -> None:
        """`f = open(path)` whose only use is this upload: the open() itself becomes binary (in leave_Call)."""
        value = call.args[self._upload_file(call)].value
        scope = self.bindings.scope_of.get(id(call), 0)
        if (isinstance(value, cst.Name) and _uploads.kind(value, self.bindings, scope) == _uploads.TEXT_OPEN
                and _uploads.only_use(value.value, self.bindings, scope)):
            _, values = self.bindings.bound(value.value, scope)
            self.binary_opens.update(id(v) for v in values)

    def _upload_value(self, original: cst.Call, value: cst.BaseExpression) -> cst.BaseExpression:
        source = original.args[self._upload_file(original)].value
        scope = self.bindings.scope_of.get(id(original), 0)
        kind = _uploads.kind(source, self.bindings, scope)
        if kind == _uploads.BINARY:
            return value
        if kind == _uploads.TEXT_OPEN:
            if isinstance(value, cst.Call):
                self.edited()
                return _uploads.binary_open(value)
            _, values = self.bindings.bound(source.value, scope)
            if not any(id(v) in self.binary_opens for v in values):
                self.review(original, f"file={code(source)} is opened in text mode and read elsewhere too: openai>=1 "
                                      f"uploads bytes only (httpx raises TypeError on a text file): open it with "
                                      f'"rb" for the upload',
                            note="openai>=1 uploads bytes only: open this file in binary mode (\"rb\")")
            return value
        if kind == _uploads.STRINGIO:
            if isinstance(value, cst.Call):
                if len(value.args) > 1 or any(a.keyword or a.star for a in value.args):
                    return self._upload_review(original, source, value)
                AddImportsVisitor.add_needed_import(self.context, "io")
                self.edited()
                text = [cst.Arg(cst.Call(cst.Attribute(_receiver(value.args[0].value), cst.Name("encode"))))] if (
                    value.args) else []
                return cst.Call(cst.Attribute(cst.Name("io"), cst.Name("BytesIO")), text)
            self.review(original, f"file={code(source)} is an io.StringIO, which openai>=1 cannot upload (httpx "
                                  f"raises TypeError): it now sends the bytes of its whole text (getvalue(), from the "
                                  f"start whatever its position), UTF-8 encoded",
                        note=f"openai>=1 uploads bytes only: this sends {code(source)}.getvalue() UTF-8 encoded")
            AddImportsVisitor.add_needed_import(self.context, "io")
            self.edited()
            getvalue = cst.Call(cst.Attribute(value, cst.Name("getvalue")))
            return cst.Call(cst.Attribute(cst.Name("io"), cst.Name("BytesIO")),
                            [cst.Arg(cst.Call(cst.Attribute(getvalue, cst.Name("encode"))))])
        return self._upload_review(original, source, value)

    def _upload_review(self, original: cst.Call, source: cst.BaseExpression,
                       value: cst.BaseExpression) -> cst.BaseExpression:
        self.review(original, f"file={code(source)}: openai>=1 uploads bytes only (a file opened \"rb\", bytes, an "
                              f"os.PathLike path or a (filename, bytes) tuple); a text stream or a str path fails",
                    note="openai>=1 uploads bytes only: file= must be a binary file, bytes, a Path or (name, bytes)")
        return value

    def _spread(self, original: cst.Call, value: cst.BaseExpression) -> cst.BaseExpression:
        """`**{"engine": e}` gets the current keys; `**settings` (keys the rule cannot see) gets a review item."""
        if isinstance(value, cst.Dict) and all(isinstance(e, cst.DictElement) and literal_str(e.key) is not None
                                               for e in value.elements):
            keys = {literal_str(e.key) for e in value.elements}
            renames = {**{k: "model" for k in ("engine", "deployment_id") if "model" not in keys}, **_RENAMED_KWARGS}
            elements = []
            for element in value.elements:
                key = literal_str(element.key)
                if key in _CLIENT_KWARGS or key in ("engine", "deployment_id") and "model" in keys:
                    self.review(original, f'"{key}" in the ** dict dropped: the client carries it now',
                                note=f'"{key}" dropped: the client carries it now')
                    continue
                if key in renames:
                    element = element.with_changes(key=string(renames[key]))
                elements.append(element)
            if elements != list(value.elements):
                self.edited()
                if elements:
                    elements[-1] = elements[-1].with_changes(comma=value.elements[-1].comma)
                return value.with_changes(elements=elements)
            return value
        what = f"**{code(value)}"
        self.review(original, f"{what} may carry 0.x-only arguments ({', '.join(sorted(_LEGACY_ONLY_KWARGS))}), "
                              f"which openai>=1 rejects with TypeError: rename engine/deployment_id to model, "
                              f"request_timeout to timeout, headers to extra_headers, and drop the client settings",
                    note=f"{what} must not carry 0.x-only arguments (engine=, request_timeout=, api_key=, ...)")
        return value

    # -- the client construction ------------------------------------------------------------------------------
    def leave_Import(self, original: cst.Import, updated: cst.Import):
        for alias in original.names:
            self._removed_module(original, code(alias.name))
        return updated

    def _removed_module(self, node: cst.CSTNode, dotted: str) -> bool:
        """`openai.openai_object`, `openai.embeddings_utils`, ...: a 0.x submodule openai>=1 does not have
        (importing it raises ModuleNotFoundError, often inside `try: ... except ImportError`)."""
        parts = dotted.split(".")
        if len(parts) < 2 or parts[0] != "openai" or parts[1] not in _legacy.REMOVED_MODULES:
            return False
        name = ".".join(parts[:2])
        self.review(node, f"{name} is a 0.x module that openai>=1 does not have (ModuleNotFoundError): "
                          f"{_legacy.REMOVED_MODULES[parts[1]]}",
                    note=f"{name} is gone in openai>=1: {_legacy.REMOVED_MODULES[parts[1]]}")
        return True

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        if original.relative or original.module is None:
            return updated
        if self._removed_module(original, code(original.module)):
            return updated
        if code(original.module) == "openai" and not isinstance(original.names, cst.ImportStar):
            for alias in original.names:
                if isinstance(alias.name, cst.Name) and self._removed_module(original, f"openai.{alias.name.value}"):
                    break
                if isinstance(alias.name, cst.Name) and alias.name.value in _RESOURCES:
                    local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else alias.name.value
                    self.resource_imports.append((original, alias.name.value, local))
        return updated

    def _imports_left(self, module: cst.Module) -> None:
        """`from openai import Completion` still used after the calls were converted (a base class, a value): the
        import raises ImportError on openai>=1, often inside `try: ... except ImportError`, which then silently
        disables the code that needs it."""
        for node, resource, local in self.resource_imports:
            if sum(name.value == local for name in walk.find(module, cst.Name)) > 1:  # more than the import's own name
                self.review(node, f"`from openai import {resource}` fails on openai>=1 (ImportError) and {local} is "
                                  f"still used: call a client's .{_RESOURCES[resource]} methods instead", comment=False)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        self._imports_left(updated)
        if not (self.need_sync or self.need_async):
            return updated
        body = list(updated.body)
        limit = self.first_use if self.first_use is not None else len(body)
        handled = [i for i in sorted(self.settings) if i < limit]
        folded: dict[str, cst.BaseExpression] = {}
        notes: list[str] = []
        for i in handled:
            name, value, stmt = self.settings[i]
            target = SETTINGS[name]
            if target:
                folded[target] = value  # the last setting wins, as it did at run time
            else:
                note = _SETTING_NOTES.get(name) or f"openai.{name} is gone: {LEGACY_SETTINGS.get(name, 'there is no current-SDK counterpart')}"
                notes.append(note)
                self.state.review.append((self.RULE_ID, self.line_of(stmt), note))
        for i in sorted(self.settings):
            if i >= limit:  # set after a call already ran at import time: left in place, with a note
                name, _, stmt = self.settings[i]
                note = f"openai.{name} no longer configures anything: pass it to OpenAI(...) for `{self.sync_name}`"
                self.state.review.append((self.RULE_ID, self.line_of(stmt), note))
                body[i] = body[i].with_changes(
                    leading_lines=[*body[i].leading_lines, cst.EmptyLine(comment=cst.Comment(f"# migrate: {note}"))]
                )
        # `try: import openai / except ImportError: ...`: an optional dependency. The clients are built right after
        # that import, inside the try, so that the module still loads without openai installed (a module-level
        # `from openai import OpenAI` would raise ImportError before the guard)
        guard = None if self.alias or handled else _guarded_import(updated)
        if guard is not None and guard[0] >= limit:
            guard = None
        module = guard[1] if guard is not None else None
        constructions = []
        if self.need_sync:
            constructions.append(self._construction(self.sync_name, "OpenAI", folded, module=module))
        if self.need_async:
            constructions.append(self._construction(self.async_name, "AsyncOpenAI", folded, module=module))
        if notes:
            constructions[0] = constructions[0].with_changes(
                leading_lines=[*constructions[0].leading_lines,
                               *[cst.EmptyLine(comment=cst.Comment(f"# migrate: {n}")) for n in notes]]
            )
        self.edited(len(constructions))
        if handled:
            # The construction takes the place of the last setting; the other settings go.
            position = handled[-1]
            first = body[handled[0]]
            constructions[0] = constructions[0].with_changes(
                leading_lines=[*first.leading_lines, *constructions[0].leading_lines]
            )
            new_body = []
            for i, stmt in enumerate(body):
                if i == position:
                    new_body.extend(constructions)
                elif i not in handled:
                    new_body.append(stmt)
            self.edited(len(handled))
            return updated.with_changes(body=new_body)
        if guard is not None:
            index = guard[0]
            guarded = body[index]
            body[index] = guarded.with_changes(body=guarded.body.with_changes(body=[*guarded.body.body, *constructions]))
            return updated.with_changes(body=body)
        position = min(setup_end(updated), limit)
        blank = [cst.EmptyLine()] if position > 0 else []
        constructions[0] = constructions[0].with_changes(leading_lines=[*blank, *constructions[0].leading_lines])
        follow = body[position] if position < len(body) else None
        if follow is not None and not follow.leading_lines and position > 0:
            body[position] = follow.with_changes(leading_lines=[cst.EmptyLine()])
        return updated.with_changes(body=[*body[:position], *constructions, *body[position:]])

    def _construction(self, name: str, cls: str, args: dict[str, cst.BaseExpression], *,
                      module: str | None = None) -> cst.SimpleStatementLine:
        """`name = OpenAI(...)`; through the module's name when the module binds one (`module`, else its
        `import openai`), else with `from openai import OpenAI` added."""
        module = module or self.alias
        if module:
            func: cst.BaseExpression = cst.Attribute(cst.Name(module), cst.Name(cls))
        else:
            AddImportsVisitor.add_needed_import(self.context, "openai", cls)
            func = cst.Name(cls)
        call = cst.Call(func=func)
        if args:
            call = insert_args(call, [kwarg(k, v) for k, v in args.items()])
            if len(name) + 3 + len(cst.Module([]).code_for_node(call)) > 99:
                call = explode(call)
        assign = cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=call)
        return cst.SimpleStatementLine(body=[assign])


_IDENTITY_OPERATORS = (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot, cst.In, cst.NotIn)
_IMPORT_FAILURES = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _guarded_import(module: cst.Module) -> tuple[int, str] | None:
    """(index in the module's body, the name it binds) of a top-level `try:` whose body holds `import openai` (or
    `import openai as name`) and whose handlers catch a failed import: the module treats openai as optional."""
    for index, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.Try) or not isinstance(stmt.body, cst.IndentedBlock):
            continue
        caught = True
        for handler in stmt.handlers:
            kinds = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
            names = {code(k.value if isinstance(k, cst.Element) else k).rsplit(".", 1)[-1] for k in kinds if k}
            if handler.type is not None and not names & _IMPORT_FAILURES:
                caught = False
        if not caught or not stmt.handlers:
            continue
        for line in stmt.body.body:
            for small in getattr(line, "body", ()):
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        if code(alias.name) == "openai":
                            return index, alias.asname.name.value if alias.asname else "openai"
    return None
def _binds_openai(body) -> bool:
    """Whether these statements (a module's, and its top-level try/if/with blocks') bind the name `openai`."""
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                        code(alias.asname.name) == "openai" if alias.asname is not None
                        else code(alias.name).split(".")[0] == "openai" for alias in small.names):
                    return True
                if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar) and any(
                        code(alias.asname.name if alias.asname is not None else alias.name) == "openai"
                        for alias in small.names):
                    return True
                if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == "openai"
                                                         for t in small.targets):
                    return True
        elif isinstance(stmt, (cst.Try, cst.TryStar, cst.If, cst.With)):
            blocks = [stmt.body]
            if isinstance(stmt, (cst.Try, cst.TryStar)):
                blocks += [h.body for h in stmt.handlers] + [b.body for b in (stmt.orelse, stmt.finalbody) if b]
            elif isinstance(stmt, cst.If) and stmt.orelse is not None:
                blocks.append(stmt.orelse.body)
            if any(_binds_openai(block.body) for block in blocks if isinstance(block, cst.IndentedBlock)):
                return True
            if isinstance(stmt, cst.If) and isinstance(stmt.orelse, cst.If) and _binds_openai([stmt.orelse]):
                return True
    return False


# Keys of a ** dict that openai>=1 spells otherwise.
_SPREAD_RENAMES = {"engine": "model", "deployment_id": "model", **_legacy.RENAMED_KEYWORDS}


def _exclusive(a: cst.CSTNode, b: cst.CSTNode, parents: dict) -> bool:
    """`a` and `b` lie on different branches of one if (its body and its else/elif): never both run."""
    chain_a: list[cst.CSTNode] = []
    node: cst.CSTNode | None = a
    while node is not None:
        chain_a.append(node)
        node = parents.get(node)
    below_b, node = b, parents.get(b)
    while node is not None and node not in chain_a:
        below_b, node = node, parents.get(node)
    if not isinstance(node, cst.If):
        return False
    below_a = chain_a[chain_a.index(node) - 1]
    return {id(below_a), id(below_b)} == {id(node.body), id(node.orelse)} and node.orelse is not None


def _resource_spelling(node: cst.Attribute) -> str:
    """openai.ChatCompletion.create -> "ChatCompletion.create" (the 0.x spelling, as the source wrote it)."""
    return f"{code(node.value).rsplit('.', 1)[-1]}.{node.attr.value}"


def _receiver(node: cst.BaseExpression) -> cst.BaseExpression:
    """`node`, parenthesised where it must be to take `.attr`."""
    if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.Call, cst.SimpleString)) or node.lpar:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
