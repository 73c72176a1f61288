"""OAI001 client-endpoint: the OpenAI clients, and only those, talk to the vLLM endpoint named by the environment.

    client = OpenAI()
->  client = OpenAI(
        base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1"),
        api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
    )

The OpenAI SDK is also the client of other providers, gateways and local servers, so each construction is
first classified from the values its `base_url` and `api_key` can take, followed through constants,
assignments, default parameters, env reads with defaults, dicts and conditionals (see _values.py, _roles.py and
migrate/catalog/providers.py):

- OpenAI's (no base URL, api.openai.com, OpenAI's variables) or Azure's: `base_url` and `api_key` read the
  configured variables (`base_url_env`, `base_url_default`, `api_key_env`, `api_key_default`);
- another provider's (`base_url="https://openrouter.ai/api/v1"`, `api_key=os.getenv("GROQ_API_KEY")`):
  left alone, never handed another key; a review item (no comment) says whose it is;
- a local server's (`http://localhost:8000/v1`, `$VLLM_BASE_URL`): already migrated, nothing to say;
- one that may be either (`X if provider == "openrouter" else None`) or that the project computes
  (`settings.llm_url`): left alone, with a `# migrate:` note.

Calls a migrated client makes to endpoints vLLM does not serve (the catalog says which: images, text to
speech, moderations, files, ...) keep going to OpenAI through a client of their own, built beside the first
and pinned to OpenAI's URL ($OPENAI_UPSTREAM_BASE_URL, $OPENAI_UPSTREAM_API_KEY: `openai_upstream_*` in the
config); a client that makes only such calls stays on OpenAI as a whole (also one a property builds,
`return self.openai or OpenAI()`, when every use of the property is such a call). Module-level configuration of the
SDK's default client (`openai.api_key = ...`, `openai.base_url = ...`, the 0.x `openai.api_base`) is
classified and treated the same way; a module that calls `openai.chat.completions.create(...)` without
configuring it gets the two settings after its imports.
"""

from __future__ import annotations

import re

import libcst as cst
import libcst.matchers as m

from migrate.catalog.providers import PROVIDERS, Classification, Role, classify_client, classify_url
from migrate.catalog import legacy as _legacy
from migrate.rewrite.rules._base import (
    CLIENT_CLASSES,
    ENDPOINT_TAILS,
    SDK_VARIANTS,
    AZURE_CLASSES,
    RuleTransformer,
    attr_chain,
    code,
    env_get,
    env_read,
    explode,
    fresh_name,
    get_arg,
    has_star_kwargs,
    setup_end,
    insert_args,
    kwarg,
    literal_str,
    openai_alias,
    replace_arg_value,
    request_receiver,
    sdk_endpoint,
    strip_variants,
)
from migrate.rewrite.rules import _walk as walk
from migrate.rewrite.rules._prune import word_search
from migrate.rewrite.rules._values import FIELD_FUNCTIONS, DictValue, Env, Flow, Lit, NoneValue, Opaque
from migrate.rewrite.rules._roles import (
    Decision,
    decide,
    decide_in_environment,
    decide_values,
    environment_settings,
    evidence,
)

# Module settings that configure the endpoint: the 1.x ones, and the 0.x ones that became them (catalog: legacy.py)
_SETTINGS = {"openai.api_key": "api_key", "openai.base_url": "base_url", "openai.api_type": "api_type",
             **{f"openai.{name}": s.client_argument for name, s in _legacy.SETTINGS.items()
                if s.client_argument in ("base_url", "api_key")}}
_MODULE_RESOURCES = frozenset(tail[0] for tail in ENDPOINT_TAILS)  # chat, embeddings, ... (catalog)

_CLASS_NAMES = "|".join(sorted({q.rsplit(".", 1)[1] for q in CLIENT_CLASSES}))  # OpenAI, Client, ... (catalog)
# Pre-filters; the client class names must start a word (see _prune.word_search)
_WANTED = (
    re.compile(r"\.(?:api_key|api_base|base_url)\s*=(?!=)"),
    re.compile(r"\.(?:chat|completions|embeddings|images|responses|moderations|audio)\.\w"),
)
_CLASS_WANTED = re.compile(rf"(?:{_CLASS_NAMES})\s*\(|(?:{_CLASS_NAMES})\s+as\s+\w")


def wanted(source: str, state) -> bool:
    return any(pattern.search(source) for pattern in _WANTED) or word_search(_CLASS_WANTED, source)


class Transformer(RuleTransformer):
    RULE_ID = "OAI001"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.module_client_calls = False
        self.module_settings: set[str] = set()
        self.decisions: dict[cst.Call, Decision] = {}
        self.module_decision: Decision | None = None
        self.moves: dict[cst.Call, tuple[cst.BaseExpression, str, int]] = {}  # call -> (new receiver, endpoint, size)
        self.siblings: dict[cst.CSTNode, cst.SimpleStatementLine] = {}  # statement -> upstream client after it
        self.stays: dict[cst.Call, list[str]] = {}  # constructions that only call unserved endpoints
        # constructions left alone (their endpoint is computed) -> what their calls ask for: (served?, endpoint)
        self.calls_of: dict[cst.Call, set[tuple[bool, str]]] = {}
        self.module_upstream: tuple[str, list[str]] | None = None
        self.module_has_base = False
        self.indirect: set[cst.Call] = set()  # clients whose base_url is rewritten where its value is written
        self.sources: set[cst.CSTNode] = set()  # those places: the literal or env read that reaches base_url
        self.defaults: set[cst.Call] = set()  # clients whose base_url is computed, with OpenAI's as the fallback
        self.pending: dict[cst.CSTNode, list[str]] = {}  # review notes found by the analysis, written on the way out

    def later(self, node: cst.CSTNode, message: str) -> None:
        self.pending.setdefault(node, []).append(message)

    # -- analysis: what each client talks to, and which calls must stay on OpenAI --------------------------------
    def visit_Module(self, node: cst.Module) -> bool:
        self.flow = Flow(self)
        calls: list[cst.Call] = []
        settings: list[cst.Assign] = []
        resets: list[cst.Assign] = []  # `client.base_url = ...` after construction
        # in the order LibCST's walk meets them, less code that runs only on openai<1 (see _legacy_only.py)
        found = self.runs_on_one(node, self.state.nodes(node, (cst.Call, cst.Assign, cst.If)))
        self.guarded = self._guards([n for n in found if isinstance(n, cst.If)])
        self.environment = environment_settings(self.flow, self.state, node, ("OPENAI_BASE_URL",))
        for n in found:
            if isinstance(n, cst.Call):
                if self.qname_in(n.func, CLIENT_CLASSES, called_by=n):
                    self.decisions[n] = self._decide(n)
                else:
                    calls.append(n)
            elif isinstance(n, cst.Assign) and self._module_resource(n.value):
                self.module_client_calls = True  # `self.embed = openai.embeddings`: the default client, called later
            elif isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.targets[0].target, cst.Attribute):
                if self.qname_in(n.targets[0].target, _SETTINGS):
                    settings.append(n)
                elif n.targets[0].target.attr.value == "base_url":
                    resets.append(n)
        self.module_decision = self._decide_module(settings)
        resets = [(assign, bound) for assign in resets if (bound := self._reset_client(assign)) is not None]
        self._plan_unserved(calls, node)
        self._plan_inherited()
        for call, decision in self.decisions.items():
            if decision.migrates and call not in self.stays and not self._is_upstream(call):
                self._plan_sources(call)
            elif call not in self.stays:
                self._plan_defaults(call, decision)
        for assign, bound in resets:
            if self.decisions[bound].migrates and bound not in self.stays and not self._is_upstream(bound):
                self.later(assign, f"`{code(assign.targets[0].target)}` is set here after the client is built: it "
                                   f"overrides the vLLM endpoint the construction now reads; read "
                                   f"${self.config.base_url_env} here too, or remove it")
        if "OAI002" in self.state.active:  # else leave_Call reviews every AzureOpenAI construction too
            # What the hooks below act on, all found above: the statements without any are not walked.
            self.visit_only(node, [*self.sources, *self.pending, *self.moves, *self.decisions, *self.siblings,
                                   *settings])
        return True

    def _plan_sources(self, call: cst.Call) -> None:
        """A base_url that reaches OpenAI through a name (a constant, a parameter's default, an attribute) is
        rewritten where its value is written, so callers that pass their own URL keep working."""
        arg = get_arg(call, "base_url")
        if arg is None or has_star_kwargs(call) or _direct(arg.value):
            return
        self.indirect.add(call)
        values = [v for v in self.flow.values(arg.value) if not isinstance(v, NoneValue)]
        if values and all(isinstance(v, (Lit, Env)) and v.node is not None and _direct(v.node) for v in values):
            self.sources.update(v.node for v in values if not self.is_configured(v.node, "base_url"))
        else:
            self.later(call, f"base_url comes from `{code(arg.value)}`, which reaches OpenAI: point it at "
                             f"${self.config.base_url_env} by hand")

    def _plan_defaults(self, call: cst.Call, decision: Decision) -> None:
        """`base_url=settings.base_url or os.getenv("OPENAI_API_BASE") or "https://api.openai.com/v1"`: an endpoint the
        code computes first (left as it is: where it is set, it wins), then OpenAI's. The OpenAI part becomes the
        vLLM endpoint, written where it is, and the key stays what it is (the computed endpoint may be anyone's)."""
        arg = get_arg(call, "base_url")
        if (not decision.mixed or arg is None or has_star_kwargs(call) or _direct(arg.value)
                or any(c.role is not Role.UNKNOWN for c in decision.found if not c.role.migrates)):
            return
        values = [v for v in self.flow.values(arg.value) if not isinstance(v, NoneValue)]
        openai = [v for v in values if isinstance(v, (Lit, Env)) and v.node is not None and _direct(v.node)
                  and classify_client(evidence(v), None).role.migrates]
        computed = [v for v in values if isinstance(v, Opaque)]
        if not openai or len(openai) + len(computed) != len(values):
            return
        self.sources.update(v.node for v in openai if not self.is_configured(v.node, "base_url"))
        self.defaults.add(call)
        first = computed[0].source if computed else code(arg.value)
        self.later(call, f"base_url is `{first}` where that is set, else OpenAI's endpoint, which now is "
                         f"${self.config.base_url_env}: make sure `{first}`, where set, is the vLLM endpoint")

    def _reset_client(self, assign: cst.Assign) -> cst.Call | None:
        """The construction of the client whose endpoint `client.base_url = X` sets again after the fact, when X is
        not the configured endpoint. Where X is another provider's (or a local server), that is whom the client
        talks to: its construction is decided by X and left alone."""
        bound = self._bound(assign.targets[0].target.value)
        if not isinstance(bound, cst.Call) or self.is_configured(assign.value, "base_url"):
            return None
        reset = decide(self.flow, assign.value, None)
        if not reset.migrates and self.decisions[bound].migrates:
            self.decisions[bound] = reset
        return bound

    def _decide(self, call: cst.Call) -> Decision:
        base, key = get_arg(call, "base_url"), get_arg(call, "api_key")
        if has_star_kwargs(call) and (base is None or key is None):
            # `OpenAI(**client_params)` with `client_params = {"base_url": values["anyscale_api_base"], ...}` in
            # reach (langchain-community 0.2.10's Anyscale, OctoAI, Moonshot models): the dict's settings decide
            spread_base, spread_key = self._spread_setting(call, "base_url"), self._spread_setting(call, "api_key")
            if spread_base is not None or spread_key is not None:
                return decide(self.flow, base.value if base else spread_base, key.value if key else spread_key)
        decision = decide(self.flow, base.value if base else None, key.value if key else None)
        if self.environment and not has_star_kwargs(call) and (base is None or key is None):
            # the SDK reads $OPENAI_BASE_URL / $OPENAI_API_KEY, which this module sets itself
            decision = decide_in_environment(self.flow, base.value if base else None, key.value if key else None,
                                             self.environment)
        guard = self.guarded.get(id(call))
        if guard is not None and decision.migrates:
            # `if "openrouter.ai" in os.environ["OPENAI_API_BASE"]: client = OpenAI(base_url=os.environ[...])`:
            # OpenAI's variables, but on this branch they hold another provider's endpoint
            return Decision((guard,))
        return decision

    def _spread_setting(self, call: cst.Call, name: str) -> cst.BaseExpression | None:
        """The value the one dict spread into `call` (`**params`, a dict the module writes) gives keyword `name`."""
        spreads = [arg for arg in call.args if arg.star == "**"]
        if len(spreads) != 1:
            return None
        values = self.flow.values(spreads[0].value)
        if len(values) != 1 or not isinstance(values[0], DictValue):
            return None
        found = [expr for key, expr in values[0].entries() if key == name]
        return found[0] if len(found) == 1 else None

    def _guards(self, branches: list[cst.If]) -> dict[int, Classification]:
        """The client constructions in the body of one of the `if` statements `branches` whose test names another
        provider, and only that provider (`"openrouter.ai" in base_url`, `provider == "groq"`): id(construction) ->
        that provider. A negated test (`not in`, `!=`, `not`) says nothing about the branch."""
        found: dict[int, Classification] = {}
        for branch in branches:
            test = branch.test
            if any(not isinstance(n, cst.UnaryOperation) or isinstance(n.operator, cst.Not)
                   for n in walk.find(test, (cst.UnaryOperation, cst.NotIn, cst.NotEqual, cst.IsNot))):
                continue
            named = {_provider_named(s.evaluated_value) for s in walk.find(test, cst.SimpleString)
                     if isinstance(s.evaluated_value, str)}
            named.discard(None)
            if len(named) != 1 or "OpenAI" in named or "Azure OpenAI" in named:
                continue
            provider = named.pop()
            shown = code(test) if len(code(test)) <= 80 else "..."
            where = Classification(Role.OTHER, provider, f"it is built under `if {shown}`")
            for call in walk.find(branch.body, cst.Call):
                if self.qname_in(call.func, CLIENT_CLASSES, called_by=call):
                    found[id(call)] = where
        return found

    def _decide_module(self, settings: list[cst.Assign]) -> Decision:
        bases, keys, extra = [], [], []
        repointed = self._repointed(settings)
        for assign in settings:
            which = _SETTINGS[self.qname_in(assign.targets[0].target, _SETTINGS)]
            if which == "api_type":
                if (literal_str(assign.value) or "").lower().startswith("azure") and not repointed:
                    from migrate.catalog.providers import Classification

                    extra.append(Classification(Role.AZURE, "Azure OpenAI", "openai.api_type is azure"))
                continue
            self.module_has_base |= which == "base_url"
            (bases if which == "base_url" else keys).extend(self.flow.values(assign.value))
        return decide_values(bases, keys, tuple(extra))

    def _repointed(self, settings: list[cst.Assign]) -> bool:
        """Every base URL the module sets is the configured vLLM endpoint: an Azure configuration this rule already
        moved (its api_type = "azure" stays behind, and says nothing about where requests go any more)."""
        bases = [a.value for a in settings if _SETTINGS[self.qname_in(a.targets[0].target, _SETTINGS)] == "base_url"]
        return bool(bases) and all(self.is_configured(value, "base_url") for value in bases)

    def _is_upstream(self, call: cst.Call) -> bool:
        """A client this rule built (or a user wrote) pinned to OpenAI's URL for what vLLM does not serve."""
        arg = get_arg(call, "base_url")
        read = env_read(arg.value) if arg is not None else None
        return read is not None and read[0] == self.config.openai_upstream_base_url_env

    def _plan_unserved(self, calls: list[cst.Call], module: cst.Module) -> None:
        from migrate.catalog import load_catalog
        from migrate.rewrite.target import judged_catalog

        catalog = judged_catalog(self.state.options) or load_catalog()  # the second says why none loads
        by_client: dict[cst.Call, list[tuple[cst.Call, str, int]]] = {}
        module_calls: list[tuple[cst.Call, str, int]] = []
        unresolved: list[tuple[cst.Call, str, cst.BaseExpression]] = []
        undecided: list[tuple[cst.Call, str, cst.BaseExpression, cst.Call]] = []
        for call in calls:
            hit = sdk_endpoint(call, catalog)
            if hit is None:
                continue
            name, size, served = hit
            receiver = request_receiver(call.func, size)
            bound = self._bound(receiver)
            if bound == "azure":
                continue
            if bound is not None and bound != "module":
                self.calls_of.setdefault(bound, set()).add((served, name))
            if bound == "module":
                self.module_client_calls = True
                if not served:
                    module_calls.append((call, name, size))
                continue
            if served:
                continue
            if bound is None:
                unresolved.append((call, name, receiver))
                continue
            decision = self.decisions[bound]
            if not decision.migrates and decision.verdict.role is Role.UNKNOWN and not self._is_upstream(bound):
                undecided.append((call, name, receiver, bound))  # goes to vLLM where its computed endpoint does
                continue
            if self._is_upstream(bound) or not decision.migrates:
                continue
            if decision.verdict.role is Role.AZURE or code(bound) in self.state.from_azure:
                self.later(call, f"{name}: vLLM serves no {_route(catalog, name)} route: keep this call on Azure "
                                  "OpenAI with a client of its own")
                continue
            by_client.setdefault(bound, []).append((call, name, size))
        for construction, moved in by_client.items():
            self._plan_sibling(construction, moved, catalog)
        for call, name, receiver, bound in undecided:
            # a client for served and unserved routes whose endpoint the code computes (camel-ai 0.1.6's audio
            # client: `url or $OPENAI_API_BASE_URL`): where that is vLLM, these calls fail; a client for unserved
            # routes only gets one note, at its construction
            if any(served for served, _ in self.calls_of.get(bound, ())):
                self._unresolved_unserved(call, name, receiver, catalog)
        unresolved = self._plan_properties(unresolved)
        migrating = any(d.migrates and not self._is_upstream(c) for c, d in self.decisions.items()) or (
            self.module_client_calls and (self.module_decision is None or self.module_decision.migrates))
        for call, name, receiver in unresolved:
            if migrating or self._likely_openai_client(receiver):
                self._unresolved_unserved(call, name, receiver, catalog)
        if module_calls and (self.module_decision is None or self.module_decision.migrates):
            alias = openai_alias(module)
            if alias is not None:
                new = fresh_name(self.state.names, "openai_client", "upstream_client")
                self.state.names.add(new)
                self.module_upstream = (new, sorted({n for _, n, _ in module_calls}))
                for call, name, size in module_calls:
                    self.moves[call] = (cst.Name(new), name, size)
                    self.later(call, self._stays_message(name, new, catalog))

    def _plan_inherited(self) -> None:
        """A client a class builds for calls its base class makes in another module of the tree (the plan's
        facts, flow.FileFacts.inherited): griptape's Azure image driver builds `client` for the base class's
        `self.client.images.generate(...)`. Where vLLM serves none of those routes, the move gets a note."""
        inherited = getattr(self.state.flow, "inherited", None)
        if not inherited:
            return  # no repo-wide facts (a single file), or no class here inherits SDK calls
        from migrate.catalog import load_catalog
        from migrate.rewrite.target import judged_catalog

        catalog = judged_catalog(self.state.options) or load_catalog()
        for call, decision in self.decisions.items():
            if not decision.migrates or call in self.stays or self._is_upstream(call):
                continue
            found = self._attribute_of(call)
            if found is None:
                continue
            klass, attr = found
            calls = inherited.get(klass.name.value, {}).get(attr, ())
            unserved = sorted(name for name in calls if (e := catalog.endpoint(name)) is not None and not e.served)
            if not unserved:
                continue
            if len(unserved) == len(calls) and not self._self_uses(klass, attr) and not self.state.counts.get("OAI002"):
                self.stays[call] = unserved  # every call through it is one vLLM does not serve: it stays on OpenAI
                continue
            routes = ", ".join(f"{name} ({_route(catalog, name)})" for name in unserved)
            where = ("OpenAI or Azure OpenAI, as before, through a client of its own" if self.state.counts.get("OAI002")
                     else f"OpenAI through a client of its own (base_url from ${self.config.openai_upstream_base_url_env})")
            self.later(call, f"a base class of {klass.name.value} in another module calls {routes} through "
                             f"self.{attr}, which vLLM does not serve: keep those calls on {where}")

    def _attribute_of(self, call: cst.Call) -> tuple[cst.ClassDef, str] | None:
        """(class name, attribute) of the class attribute or `self.<attribute>` the construction is the value of,
        through a default factory (`field(default=Factory(lambda self: AzureOpenAI(...)))`) or a conditional."""
        current: cst.CSTNode = call
        parent = self.parent(current)
        while isinstance(parent, (cst.Lambda, cst.Arg, cst.Call, cst.IfExp, cst.BooleanOperation)):
            if isinstance(parent, cst.Call) and current is parent.func:
                return None
            current, parent = parent, self.parent(parent)
        target = None
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
        elif isinstance(parent, cst.AnnAssign) and parent.value is current:
            target = parent.target
        if isinstance(target, cst.Name):
            statement = self.parent(parent)
            klass = self._class_of_attribute(statement, target) if statement is not None else None
            return (klass, target.value) if klass is not None else None
        if _self_attr(target):
            klass = self.flow.enclosing(target, cst.ClassDef)
            return (klass, target.attr.value) if isinstance(klass, cst.ClassDef) else None
        return None

    def _plan_properties(self, unresolved: list) -> list:
        """Unserved calls through `self.P`, a property that builds the client (`return self.openai or OpenAI()`):
        when they are the only uses of `self.P` in its class, the client it builds stays on OpenAI. The rest are
        returned (they get the usual note)."""
        by_construction: dict[cst.Call, list] = {}
        rest = []
        for call, name, receiver in unresolved:
            found = self._property_construction(strip_variants(receiver))
            if found is None:
                rest.append((call, name, receiver))
            else:
                by_construction.setdefault(found, []).append((call, name, receiver))
        for construction, calls in by_construction.items():
            receiver = strip_variants(calls[0][2])
            uses = self._self_uses(self.flow.enclosing(receiver, cst.ClassDef), receiver.attr.value)
            if uses and {id(use) for use in uses} <= {id(strip_variants(r)) for _, _, r in calls}:
                self.stays[construction] = sorted({n for _, n, _ in calls})
            else:
                rest.extend(calls)
        return rest

    def _property_construction(self, receiver: cst.BaseExpression) -> cst.Call | None:
        """The client construction that every return of the property `self.P` ends in, when it moves to vLLM."""
        klass = self.flow.enclosing(receiver, cst.ClassDef) if _self_attr(receiver) else None
        if klass is None:
            return None
        for stmt in klass.body.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == receiver.attr.value and _is_property(stmt):
                built = {_built_by_default(r.value) for r in walk.findall(stmt, m.Return()) if r.value is not None}
                construction = built.pop() if len(built) == 1 else None
                decision = self.decisions.get(construction) if construction is not None else None
                if decision is not None and decision.migrates and not self._is_upstream(construction):
                    return construction
        return None

    def _likely_openai_client(self, receiver: cst.BaseExpression) -> bool:
        """A client imported from another module (which the rewrite may repoint), or a parameter typed as one."""
        receiver = strip_variants(receiver)
        if not isinstance(receiver, cst.Name):
            return False
        for target in self.flow.referents(receiver):
            if isinstance(target, (cst.Import, cst.ImportFrom, cst.ImportAlias)):
                return True
            if isinstance(target, cst.Param) and target.annotation is not None and \
                    self.qname_in(target.annotation.annotation, CLIENT_CLASSES):
                return True
        return False

    def _unresolved_unserved(self, call: cst.Call, name: str, receiver: cst.BaseExpression, catalog) -> None:
        """A call vLLM cannot serve on a client this module does not build: say what to do if it moves."""
        self.later(call, f"{name}: vLLM serves no {_route(catalog, name)} route: if `{code(receiver)}` points at "
                         "vLLM, keep this call on OpenAI through a client of its own "
                         f"(base_url from ${self.config.openai_upstream_base_url_env})")

    def _plan_sibling(self, construction: cst.Call, moved: list, catalog) -> None:
        statement, target = self._statement_of(construction)
        if statement is None:
            for call, name, _ in moved:
                self.later(call, f"{name}: vLLM serves no {_route(catalog, name)} route: keep this call on OpenAI "
                                  "through a client of its own")
            return
        names = sorted({n for _, n, _ in moved})
        klass = self._class_of_attribute(statement, target)
        if self._only_used_by(target, moved, klass):
            self.stays[construction] = names
            return
        new_target = self._sibling_target(target)
        # a class attribute is read through self in the methods
        receiver = cst.Attribute(cst.Name("self"), new_target) if klass is not None else new_target
        for call, name, size in moved:
            self.moves[call] = (receiver, name, size)  # cloned where it is used
            self.later(call, self._stays_message(name, code(receiver), catalog))
        upstream = self._upstream_call(construction)
        note = cst.EmptyLine(indent=True, comment=cst.Comment(
            f"# migrate: {code(new_target)} keeps talking to OpenAI for what vLLM does not serve: {', '.join(names)}"))
        self.siblings[statement] = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(new_target)], upstream)], leading_lines=[note])

    def _stays_message(self, name: str, through: str, catalog) -> str:
        return (f"{name} stays on OpenAI (vLLM {catalog.vllm_version} serves no {_route(catalog, name)} route): "
                f"it goes through `{through}`, pinned to ${self.config.openai_upstream_base_url_env}")

    def _statement_of(self, call: cst.Call):
        """The statement `target = call` (or `target: T = call`) and its target, when the call is the whole value."""
        parent = self.parent(call)
        target = None
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
        elif isinstance(parent, cst.AnnAssign) and parent.value is call:
            target = parent.target
        if not (isinstance(target, cst.Name) or _self_attr(target)):
            return None, None
        statement = self.parent(parent)
        return (statement, target) if isinstance(statement, cst.SimpleStatementLine) else (None, None)

    def _sibling_target(self, target: cst.BaseExpression) -> cst.BaseExpression:
        name = target.value if isinstance(target, cst.Name) else target.attr.value
        base = f"{name}_upstream" if "openai" in name.lower() else f"openai_{name}"
        new = fresh_name(self.state.names, base, f"{base}_upstream")
        self.state.names.add(new)
        return cst.Name(new) if isinstance(target, cst.Name) else target.with_changes(attr=cst.Name(new))

    def _class_of_attribute(self, statement: cst.CSTNode, target: cst.BaseExpression) -> cst.ClassDef | None:
        """The class whose body assigns `target` itself: the client is a class attribute."""
        block = self.parent(statement)
        klass = self.parent(block) if block is not None else None
        return klass if isinstance(target, cst.Name) and isinstance(klass, cst.ClassDef) else None

    def _only_used_by(self, target: cst.BaseExpression, moved: list, klass: cst.ClassDef | None) -> bool:
        """Whether every use of the client bound to `target` is one of the calls that stay on OpenAI."""
        receivers = {id(strip_variants(request_receiver(call.func, size))) for call, _, size in moved}
        if klass is not None:
            uses = self._self_uses(klass, target.value)
            return bool(uses) and all(id(use) in receivers for use in uses)
        if isinstance(target, cst.Name):
            known = self.state.bindings(self.context.wrapper.module).uses(target, self.place)
            if known is not None:  # without scope analysis (see _bindings.py)
                return bool(known) and all(id(use) in receivers for use in known)
            from libcst.metadata import ScopeProvider

            scope = self._meta(ScopeProvider).get(target)
            if scope is None or target.value not in scope.assignments:
                return False
            for assignment in scope.assignments[target.value]:
                if getattr(assignment, "node", None) is target:
                    uses = [ref.node for ref in assignment.references]
                    return bool(uses) and all(id(use) in receivers for use in uses)
            return False
        klass = self.flow.enclosing(target, cst.ClassDef)
        if klass is None:
            return False
        uses = self._self_uses(klass, target.attr.value)
        return bool(uses) and all(id(use) in receivers for use in uses)

    @staticmethod
    def _self_uses(klass: cst.ClassDef, attr: str) -> list[cst.Attribute]:
        """The reads of `self.<attr>` in the class."""
        uses: list[cst.Attribute] = []

        class Uses(cst.CSTVisitor):
            def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
                return False

            def visit_Attribute(self, node: cst.Attribute) -> None:
                if node.attr.value == attr and isinstance(node.value, cst.Name) and node.value.value == "self":
                    uses.append(node)

        walk.visit(klass, Uses())
        return uses

    def _module_resource(self, value: cst.BaseExpression) -> bool:
        """`openai.embeddings`, `openai.chat.completions`: a resource of the SDK's default client, kept as a value."""
        chain = []
        while isinstance(value, cst.Attribute):
            chain.append(value.attr.value)
            value = value.value
        return (isinstance(value, cst.Name) and bool(chain) and chain[-1] in _MODULE_RESOURCES
                and self.qname_in(value, ("openai",)) is not None)

    def _bound(self, receiver: cst.BaseExpression):
        """The construction (or "module") a receiver is bound to, when every binding of it is one."""
        receiver = strip_variants(receiver)
        if isinstance(receiver, cst.Name):
            if self.qname_in(receiver, ("openai",)) is not None:
                return "module"
            values = [self.flow.assigned_expr(t) for t in self.flow.referents(receiver)]
        elif _self_attr(receiver):
            values = [_factory_product(v) for v in self.flow.class_assignments(receiver)]
        else:
            return None
        if values and all(isinstance(v, cst.Call) and v in self.decisions for v in values) and len(set(values)) == 1:
            return values[0]
        if values and len(set(values)) == 1 and isinstance(values[0], cst.Call) and \
                self.qname_in(values[0].func, AZURE_CLASSES, called_by=values[0]):
            return "azure"  # an Azure client OAI002 left on Azure OpenAI: its calls stay there
        return None

    # -- the clients this rule builds ----------------------------------------------------------------------------
    def upstream_base_expr(self) -> cst.BaseExpression:
        return self.env_expr(self.config.openai_upstream_base_url_env, self.config.openai_upstream_base_url_default)

    def upstream_key_expr(self, original: cst.BaseExpression | None) -> cst.BaseExpression:
        """The OpenAI key for the client that stays: the project's own expression, or the upstream variable with the
        variable the code read before as its fallback."""
        read = env_read(original) if original is not None else None
        if original is not None and read is None and literal_str(original) is None:
            return original.deep_clone()
        self.add_needed_import("os")
        fallback = env_get(read[0] if read else "OPENAI_API_KEY", "")
        call = env_get(self.config.openai_upstream_api_key_env, "")
        return call.with_changes(args=[call.args[0], call.args[1].with_changes(value=fallback)])

    def _upstream_call(self, construction: cst.Call) -> cst.Call:
        key = get_arg(construction, "api_key")
        args = [kwarg("base_url", self.upstream_base_expr()), kwarg("api_key", self.upstream_key_expr(key.value if key else None))]
        args += [a.deep_clone() for a in construction.args
                 if a.keyword is not None and a.keyword.value not in ("base_url", "api_key")]
        return explode(insert_args(cst.Call(func=construction.func.deep_clone(), args=[]), args), self.module_indent())

    # -- client constructions ---------------------------------------------------------------------------------
    def _source(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:
        if original not in self.sources:
            return updated
        self.edited()
        read = env_read(original)
        if read is not None and read[0] != self.config.base_url_env:
            # A deployment that sets the old variable would lose it without a word.
            self.review(original, f"the base URL was read from ${read[0]}, which is no longer read: it now comes from "
                                  f"${self.config.base_url_env} (default {self.config.base_url_default}); set "
                                  f"{self.config.base_url_env} where this runs")
        return self.base_url_expr()

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString):
        return self._source(original, updated)

    def leave_BooleanOperation(self, original: cst.BooleanOperation, updated: cst.BooleanOperation):
        """`os.getenv("OPENAI_API_BASE") or "https://api.openai.com/v1"`: the operands at the end of an `or` chain
        that all became the vLLM endpoint become one (not `X or X`)."""
        if not isinstance(original.operator, cst.Or) or not self.sources:
            return updated
        parent = self.parent(original)
        if isinstance(parent, cst.BooleanOperation) and parent.left is original and _or_operands(parent)[0] is not original:
            return updated  # inside a longer chain: decided where the chain ends
        before, after = _or_operands(original), _or_operands(updated)
        if len(before) != len(after):
            return updated
        tail = 0
        while tail < len(before) and before[-1 - tail] in self.sources:
            tail += 1
        if tail < 2:
            return updated
        kept = after[:len(after) - tail + 1]  # the first replaced operand stands for the others
        if len(kept) == 1:
            return kept[0].with_changes(lpar=updated.lpar, rpar=updated.rpar) if updated.lpar else kept[0]
        chain = kept[0]
        for operand in kept[1:]:
            chain = cst.BooleanOperation(left=chain, operator=updated.operator, right=operand)
        return chain.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_ConcatenatedString(self, original, updated):
        return self._source(original, updated)

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        return self._source(original, updated)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        for message in self.pending.pop(original, ()):
            self.review(original, message)
        if original in self.sources:
            return self._source(original, updated)
        if original in self.moves:
            receiver, _, size = self.moves[original]
            return updated.with_changes(func=_with_receiver(updated.func, size, receiver))
        decision = self.decisions.get(original)
        if decision is None:
            if self.qname_in(original.func, AZURE_CLASSES) and "OAI002" not in self.state.active:
                self.review(original, "an AzureOpenAI client cannot talk to vLLM: run rule OAI002 or construct "
                                      "an OpenAI client")
            return updated
        if self._is_upstream(original):
            return updated
        if original in self.stays:
            return self._pin_upstream(original, updated)
        if original in self.defaults:
            return updated  # its OpenAI endpoint is rewritten where it is written (see _plan_defaults)
        if not decision.migrates:
            self._leave_alone(original, decision, "client")
            return updated
        if has_star_kwargs(original):
            self.review(original, "client arguments come from **kwargs: make sure they set base_url and api_key "
                                  f"from ${self.config.base_url_env} / ${self.config.api_key_env}")
            return updated
        return self._repoint(original, updated)

    def _leave_alone(self, node: cst.CSTNode, decision: Decision, what: str) -> None:
        verdict = decision.verdict
        undecided = [c for c in decision.found if not c.role.migrates]
        if decision.mixed and all(c.role is Role.UNKNOWN for c in undecided):
            self.review(node, f"this {what} talks to OpenAI unless {undecided[0].because.replace('comes from', 'is set by')}"
                              f": left alone; make sure that value is the vLLM endpoint (${self.config.base_url_env})")
        elif decision.mixed:
            self.review(node, f"this {what} talks to {decision.describe_mix()}: left alone; point its OpenAI case "
                              f"at ${self.config.base_url_env} by hand")
        elif verdict.role is Role.OTHER and any(c.role is Role.UNKNOWN for c in decision.found):
            # another provider's on one path, computed on another (langroid: Ollama's URL for "ollama/" models,
            # else config.api_base, which is None, so OpenAI, by default): a human settles the computed case
            computed = decision.first(Role.UNKNOWN)
            self.review(node, f"left alone: this {what} talks to {verdict.describe()} or to an endpoint the code "
                              f"computes ({computed.because}); where that one is OpenAI's, make it the vLLM endpoint "
                              f"(${self.config.base_url_env})", comment=False)
        elif verdict.role is Role.OTHER:
            self.review(node, f"left alone: this {what} talks to {verdict.describe()}, not to OpenAI", comment=False)
        elif verdict.role is Role.UNKNOWN and self.calls_of.get(node) and not any(s for s, _ in self.calls_of[node]):
            # griptape's DALL-E driver: a client for images only, whose endpoint the caller chooses
            names = ", ".join(sorted(n for _, n in self.calls_of[node]))
            self.review(node, f"{verdict.because}; this client calls only {names}, which vLLM does not serve: leave "
                              "that endpoint on OpenAI")
        elif verdict.role is Role.UNKNOWN:
            self.review(node, f"{verdict.because}: make sure it is the vLLM endpoint (${self.config.base_url_env})")

    def _repoint(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        call = updated
        additions = []
        for name, expr in (("base_url", self.base_url_expr), ("api_key", self.api_key_expr)):
            arg = get_arg(original, name)
            if arg is None:
                additions.append(kwarg(name, expr()))
                continue
            if self.is_configured(arg.value, name) or (name == "base_url" and original in self.indirect):
                continue
            if name == "base_url" or literal_str(arg.value) is not None or env_read(arg.value) is not None:
                call = replace_arg_value(call, name, expr())  # a base_url that reaches OpenAI, however it is written
                self.edited()
            else:
                self.review(original, f"api_key comes from `{code(arg.value)}`: vLLM accepts any key unless it "
                                      "was started with --api-key, then it must match", comment=False)
        return self._add_args(original, call, additions)

    def _pin_upstream(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        names = ", ".join(self.stays[original])
        self.review(original, f"this client only calls what vLLM does not serve ({names}): it stays on OpenAI, "
                              f"pinned to ${self.config.openai_upstream_base_url_env}")
        key = get_arg(original, "api_key")
        call = updated
        additions = []
        for name, expr in (("base_url", self.upstream_base_expr()), ("api_key", self.upstream_key_expr(key.value if key else None))):
            if get_arg(original, name) is None:
                additions.append(kwarg(name, expr))
            elif not (name == "api_key" and expr is key.value):
                call = replace_arg_value(call, name, expr)
                self.edited()
        return self._add_args(original, call, additions)

    def _add_args(self, original: cst.Call, call: cst.Call, additions: list[cst.Arg]) -> cst.Call:
        if not additions:
            return call
        self.edited(len(additions))
        base_first = get_arg(original, "api_key") is not None and get_arg(original, "base_url") is None
        index = None
        if base_first:  # base_url goes just before api_key, as a reader expects
            index = next(i for i, a in enumerate(call.args) if a.keyword is not None and a.keyword.value == "api_key")
        call = insert_args(call, additions, index)
        one_line = not any(isinstance(getattr(a.comma, "whitespace_after", None), cst.ParenthesizedWhitespace)
                           for a in original.args)
        one_line = one_line and not isinstance(original.whitespace_before_args, cst.ParenthesizedWhitespace)
        if one_line and self._line_start(original) + len(code(call)) > 99:
            call = explode(call, self.module_indent())
        return call

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        sibling = self.siblings.get(original)
        if sibling is None:
            return updated
        self.edited()
        return cst.FlattenSentinel([updated, sibling])

    def _line_start(self, node: cst.CSTNode) -> int:
        # The call's column plus what precedes it on the line (`client = `): approximated by the column.
        return self.column_of(node) + 1

    def module_indent(self) -> str:
        try:
            return self.module.default_indent
        except ValueError:
            return "    "

    # -- module-level configuration ---------------------------------------------------------------------------
    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        for message in self.pending.pop(original, ()):
            self.review(original, message)
        if len(original.targets) != 1 or not isinstance(original.targets[0].target, cst.Attribute):
            return updated
        setting = self.qname_in(original.targets[0].target, _SETTINGS)
        if setting is None or _SETTINGS[setting] == "api_type":
            return updated
        which = _SETTINGS[setting]
        self.module_settings.add(which)
        decision = self.module_decision
        if decision is not None and not decision.migrates:
            if setting.rpartition(".")[2] == "api_base" and "OAI004" in self.state.active and (
                    not self.module_client_calls) and self.flow.enclosing(original, cst.FunctionDef) is not None:
                # a 0.x setting made in a function, in a run that converts 0.x code: it configures nothing (OAI004
                # says so), so "make sure it is the vLLM endpoint" would send the reader the wrong way
                return updated
            if which == "base_url" or not self.module_has_base:
                values = self.flow.values(original.value)
                own = decide_values(values, []) if which == "base_url" else decide_values([], values)
                names = list(dict.fromkeys([*decision.names(), *own.names()]))
                if len(names) > 1 and own.verdict != decision.verdict:
                    # a module that points openai at several providers, in different places (a router): say what
                    # this statement points it at, not what the module's first other provider is
                    self.review(original, f"left alone: this module points openai at several endpoints in different "
                                          f"places ({', '.join(names)}); this one points it at "
                                          f"{own.verdict.describe()}: give each its own OpenAI(...) client",
                                comment=False)
                else:
                    self._leave_alone(original, decision, "module's OpenAI configuration")
            return updated
        if self.is_configured(original.value, which):
            return updated
        if which == "base_url" or literal_str(original.value) is not None or env_read(original.value) is not None:
            self.edited()
            return updated.with_changes(value=self.base_url_expr() if which == "base_url" else self.api_key_expr())
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if not self.module_client_calls:
            return updated
        if self.module_decision is not None and not self.module_decision.migrates:
            return updated
        alias = openai_alias(original)
        if alias is None:
            return updated
        statements = []
        for which in (w for w in ("base_url", "api_key") if w not in self.module_settings):
            value = self.base_url_expr() if which == "base_url" else self.api_key_expr()
            target = cst.Attribute(cst.Name(alias), cst.Name(which))
            statements.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(target)], value)]))
        body = list(updated.body)
        position = setup_end(updated)  # the settings use the openai module and read the environment
        if self.module_upstream is not None:
            name, names = self.module_upstream
            construction = cst.Call(func=cst.Attribute(cst.Name(alias), cst.Name("OpenAI")), args=[])
            note = cst.EmptyLine(indent=True, comment=cst.Comment(
                f"# migrate: {name} keeps talking to OpenAI for what vLLM does not serve: {', '.join(names)}"))
            statements.append(cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(name))], self._upstream_call(construction))],
                                                      leading_lines=[note]))
            position = max(position, _after_settings(body, alias))
        if not statements:
            return updated
        self.edited(len(statements))
        statements[0] = statements[0].with_changes(
            leading_lines=([cst.EmptyLine()] if position else []) + list(statements[0].leading_lines))
        return updated.with_changes(body=[*body[:position], *statements, *body[position:]])


def _after_settings(body, alias: str) -> int:
    """Index just after the last module-level `openai.X = ...` statement (what the new client must follow)."""
    last = 0
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign) and any(
                        isinstance(t.target, cst.Attribute) and isinstance(t.target.value, cst.Name)
                        and t.target.value.value == alias for t in small.targets):
                    last = i + 1
    return last


def _provider_named(text: str) -> str | None:
    """The provider a string in a test names: a URL or host ("openrouter.ai", "https://api.groq.com/openai/v1"),
    or the provider's own word ("openrouter", "groq"); "OpenAI" for OpenAI's; None for anything else."""
    word = text.strip().lower()
    if not word or " " in word:
        return None
    if word in ("openai", "azure", "azure_openai", "open_ai"):
        return "OpenAI"
    if "." in word or "://" in word:
        found = classify_url(word)
        if found.role in (Role.OPENAI, Role.AZURE):
            return "OpenAI"
        known = {p.name for p in PROVIDERS}
        return found.provider if found.role is Role.OTHER and found.provider in known else None
    for provider in PROVIDERS:
        if word == provider.name.lower() or any(word == host.split(".")[0] for host in provider.hosts):
            return provider.name
    return None


def _is_property(function: cst.FunctionDef) -> bool:
    return any(m.matches(d.decorator, m.Name("property") | m.Name("cached_property")
                         | m.Attribute(attr=m.Name("cached_property"))) for d in function.decorators)


def _built_by_default(value: cst.BaseExpression) -> cst.Call | None:
    """`OpenAI()`, or the last operand of `self.openai or OpenAI()` (the client built when none was given)."""
    while isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or):
        value = value.right
    return value if isinstance(value, cst.Call) else None


_FACTORIES = FIELD_FUNCTIONS | {"Factory"}  # and attrs' Factory(...) inside one


def _factory_product(value: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """What a class attribute declared as a field holds: `field(default=Factory(lambda self: OpenAI(...)))`,
    `field(default_factory=lambda: OpenAI())`, `Field(default_factory=OpenAI)` -> the construction, when the
    declaration spells one; else the value as it is."""
    for _ in range(4):
        if isinstance(value, cst.Lambda):
            value = value.body
        elif isinstance(value, cst.Call) and (attr_chain(value.func) or [""])[-1] in _FACTORIES:
            arg = get_arg(value, "default_factory") or get_arg(value, "factory") or get_arg(value, "default") or (
                value.args[0] if value.args and value.args[0].keyword is None else None)
            if arg is None:
                return value
            value = arg.value
        else:
            return value
    return value


def _route(catalog, name: str) -> str:
    endpoint = catalog.endpoint(name)
    if endpoint is None or not endpoint.path:
        return name
    return f"{endpoint.method} /v1{endpoint.path}"


def _with_receiver(func: cst.BaseExpression, size: int, receiver: cst.BaseExpression) -> cst.BaseExpression:
    """client.images.generate -> <receiver>.images.generate (variants like with_raw_response are kept)."""
    if size == 0:
        if isinstance(func, cst.Attribute) and func.attr.value in SDK_VARIANTS:
            return func.with_changes(value=_with_receiver(func.value, 0, receiver))
        return receiver.deep_clone()
    variant = func.attr.value in SDK_VARIANTS  # client.files.with_raw_response.create: kept, and no part of `size`
    return func.with_changes(value=_with_receiver(func.value, size if variant else size - 1, receiver))


def _or_operands(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """`a or b or c` (LibCST nests it to the left, unparenthesized) -> [a, b, c]."""
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
        left = node.left
        if isinstance(left, cst.BooleanOperation) and isinstance(left.operator, cst.Or) and not left.lpar:
            return [*_or_operands(node.left), node.right]
        return [node.left, node.right]
    return [node]


def _direct(node: cst.CSTNode) -> bool:
    """A value written out at this place: a string, an f-string or an environment read."""
    return literal_str(node) is not None or env_read(node) is not None or isinstance(node, cst.FormattedString)


def _self_attr(node) -> bool:
    return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self"
