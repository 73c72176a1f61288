"""OAI003 model-map: model names are mapped through `[tool.migrate.models]`.

    [tool.migrate.models]
    "gpt-4o" = "meta-llama/Llama-3.1-8B-Instruct"

Where a model name is written as a string literal:

    client.chat.completions.create(model="gpt-4o", ...)     model= / engine= / azure_deployment= keywords
    DEFAULT_MODEL = "gpt-4o"                                 module and class constants
    self.model = "gpt-4o"                                    attributes (and keys) named like a model
    def ask(q, model="gpt-4o"): ...                          default arguments
    {"model": "gpt-4o", "messages": ...}                     request dicts
    os.getenv("OPENAI_MODEL", "gpt-4o")                      defaults of *MODEL* environment variables

An OpenAI model name the map has no entry for is left as it is and reported for review: the rule never guesses.
Names built at run time (f-strings, variables) cannot be mapped here; `migrate scan` lists them.

A mapped name that also reaches `tiktoken.encoding_for_model(...)` would make tiktoken raise KeyError (it knows
OpenAI's names only): where the name's one value is a mapped literal, the lookup keeps the OpenAI name it had
(the counts are what they were); where it may be one among others, a note. A lookup inside a `try` that handles
the KeyError is left alone.

In a module whose model names go to LiteLLM (it imports litellm and no other package that takes model names),
a mapped name is written "openai/<served model>", the spelling LiteLLM routes to the vLLM endpoint (a bare
"meta-llama/..." would send LiteLLM looking for a provider of that name), except a parameter's default that every
use hands to calls other than LiteLLM's (the project's own OpenAI client beside a LiteLLM path); a lookup in
LiteLLM's table of models (`litellm.supports_function_calling(model)`, `get_model_info`, ...) that may now see the
served model gets a note.

A variable whose every read is a side of a comparison (`if config.model_name == MODEL_GPT4:`) names a model some
other value is tested against, not one a request sends: it is left as it is. An Enum member is not mapped to a
value another member of its class has or gets (the two would become one member, the second an alias of the
first): a review item says so.
"""

from __future__ import annotations

import re
from functools import lru_cache

import libcst as cst

from migrate.catalog import legacy as _legacy
from migrate.catalog.facts import OPENAI_MODEL_LITERAL_RE
from migrate.catalog.wrappers import WRAPPER_MODEL_KEYWORDS, routes_through_litellm
from migrate.rewrite.patterns import OPENAI_MODEL, looks_like_openai_model  # noqa: F401 - re-exported
from migrate.rewrite.rules import _walk as walk
from migrate.rewrite.rules._base import RuleTransformer, code as code_of, env_read, literal_str, sdk_endpoint
from migrate.rewrite.rules._roles import foreign_client

# Keywords that name a model: a call's (and a 0.x call's engine, deployment_id) and a wrapper's. One table with
# the scan (migrate/catalog/legacy.py, wrappers.py).
MODEL_KEYWORDS = frozenset({*_legacy.MODEL_KEYWORDS, *WRAPPER_MODEL_KEYWORDS})
_MODELISH = re.compile(r"model|engine|deployment", re.IGNORECASE)
_TOKENIZER_LOOKUPS = frozenset({"tiktoken.encoding_for_model", "tiktoken.model.encoding_for_model"})
_HANDLES_KEY_ERROR = frozenset({"KeyError", "LookupError", "Exception", "BaseException"})
# LiteLLM's lookups in its table of known models: a served model is not in it (False, or an exception).
_LITELLM_LOOKUPS = frozenset({f"litellm.{name}" for name in (
    "supports_function_calling", "supports_parallel_function_calling", "supports_tool_choice", "supports_vision",
    "supports_response_schema", "supports_system_messages", "supports_prompt_caching", "get_model_info",
    "get_max_tokens")} | {f"litellm.utils.{name}" for name in ("supports_function_calling", "get_model_info")})
_LOOKUP_WORDS = sorted({name.rsplit(".", 1)[-1] for name in _LITELLM_LOOKUPS})


@lru_cache(maxsize=8)
def _literal_pattern(names: frozenset[str]) -> re.Pattern:
    # The catalog's pattern is verbose and case-blind; re.escape keeps the mapped names literal under re.VERBOSE.
    alternatives = [OPENAI_MODEL_LITERAL_RE.pattern, r"\\", "encoding_for_model", *_LOOKUP_WORDS,
                    *map(re.escape, sorted(names))]
    return re.compile("|".join(alternatives), re.VERBOSE | re.IGNORECASE)


def wanted(source: str, state) -> bool:
    if any(name in source for name in state.config.models):
        return True
    return bool(OPENAI_MODEL_LITERAL_RE.search(source))


def through_litellm(state) -> bool:
    """The module's model names go to LiteLLM (catalog.wrappers.routes_through_litellm): a mapped name is written
    "openai/<served model>", the spelling that reaches vLLM through LiteLLM's OpenAI route."""
    index = state.import_index()
    return bool(index is not None and index.usable and routes_through_litellm(index.packages()))


def with_value(node: cst.SimpleString, value: str) -> cst.SimpleString:
    """The same literal (prefix and quotes) holding another value."""
    quote = node.quote
    escaped = value.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
    return node.with_changes(value=f"{node.prefix}{quote}{escaped}{quote}")


def _target_name(target: cst.BaseExpression) -> str | None:
    """What an assignment target is called: `MODEL`, `self.config.model` (model), `settings["model"]` (model)."""
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Attribute):
        return target.attr.value
    if isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
        return literal_str(target.slice[0].slice.value)
    return None


class Transformer(RuleTransformer):
    RULE_ID = "OAI003"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.depth = 0  # function nesting: constants live at depth 0 (module and class bodies)
        self._litellm: bool | None = None  # see through_litellm
        self._maps: bool | None = None  # see _maps_a_literal

    def statement_filter(self):
        # Every edit and review is of a plain string literal the map holds or that reads like an OpenAI model: its
        # text has the name right after the opening quote (or escapes, read conservatively as "maybe").
        return _literal_pattern(frozenset(self.config.models))

    def visit_FunctionDef(self, node) -> None:
        self.depth += 1

    def leave_FunctionDef(self, original, updated):
        self.depth -= 1
        return updated

    def _map(self, original: cst.CSTNode, updated: cst.BaseExpression, where: str, report: bool = True,
             litellm: bool | None = None):
        """`litellm`: whether this literal goes to LiteLLM, where its use says (None: as the module's names do)."""
        if not isinstance(updated, cst.SimpleString) or "f" in updated.prefix.lower() or "b" in updated.prefix.lower():
            return updated
        name = literal_str(updated)
        if name is None:
            return updated
        prefix = ""
        if self._through_litellm() if litellm is None else litellm:
            provider, slash, rest = name.partition("/")
            if slash and provider != "openai":
                return updated  # another provider's model, or a served one already
            name, prefix = (rest if slash else name), "openai/"
        target = self.config.map_model(name)
        if target is not None and target != name:
            self.edited()
            return with_value(updated, prefix + target)
        if target is None and report and looks_like_openai_model(name):
            self.review(original, f"model {name!r} ({where}) has no entry in the model map: add "
                                  f'"{name}" = "<served model name>" to [tool.migrate.models]', comment=False)
        return updated

    def _through_litellm(self) -> bool:
        if self._litellm is None:
            self._litellm = through_litellm(self.state)
        return self._litellm

    def _maps_a_literal(self) -> bool:
        """Some string literal of the module is a name this run maps (a model default, a constant): once a walk."""
        if self._maps is None:
            index = self.state.import_index()
            if index is None or index.tree is None:
                self._maps = True
            else:
                import ast

                names = (node.value.removeprefix("openai/") for node in ast.walk(index.tree)
                         if isinstance(node, ast.Constant) and isinstance(node.value, str))
                self._maps = any(self.config.map_model(name) not in (None, name) for name in names)
        return self._maps

    def _litellm_lookup(self, original: cst.Call) -> None:
        """`litellm.supports_function_calling(self.config.model)` where the module's model may now be the served one."""
        arg = original.args[0]
        if literal_str(arg.value) is not None or not self._through_litellm() or not self._maps_a_literal():
            return
        what = code_of(original.func)
        self.review(original, f"{what}({code_of(arg.value)}): the model may now be the served one, which LiteLLM's "
                              "table of models does not list: the lookup answers False or raises; register the served "
                              "model (litellm.register_model) or drop the check")

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        if original.keyword is not None and original.keyword.value in MODEL_KEYWORDS:
            if self._stays_on_openai(self.parent(original)):
                return updated
            return updated.with_changes(value=self._map(original.value, updated.value, f"{original.keyword.value}="))
        return updated

    def _stays_on_openai(self, call) -> bool:
        """A call to an endpoint vLLM does not serve (OAI001 keeps it on OpenAI, with OpenAI's model names), or a
        call through another provider's client (its model names are that provider's)."""
        if not isinstance(call, cst.Call):
            return False
        if foreign_client(self, call) is not None:
            return True
        if "OAI001" not in self.state.active:
            return False
        from migrate.catalog import load_catalog

        hit = sdk_endpoint(call, load_catalog())  # the endpoint as OAI001 reads it
        return hit is not None and not hit[2]

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if original.args and self.qname_in(original.func, _TOKENIZER_LOOKUPS, called_by=original):
            return self._tokenizer_lookup(original, updated)
        if original.args and self.qname_in(original.func, _LITELLM_LOOKUPS, called_by=original):
            self._litellm_lookup(original)
            return updated
        # os.getenv("OPENAI_MODEL", "gpt-4o"): the default of a model-naming variable
        read = env_read(original)
        if read is None or read[1] is None or not _MODELISH.search(read[0]):
            return updated
        args = list(updated.args)
        args[1] = args[1].with_changes(value=self._map(original.args[1].value, args[1].value, f"default of ${read[0]}"))
        return updated.with_changes(args=args)

    def _tokenizer_lookup(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """`tiktoken.encoding_for_model(MODEL)` where this run maps MODEL's literal to the served model's name."""
        arg = original.args[0]
        if arg.keyword is not None and arg.keyword.value != "model_name" or literal_str(arg.value) is not None:
            return updated
        from migrate.rewrite.rules._values import Flow, Lit

        flow = Flow(self)
        values = flow.values(arg.value)
        mapped = {v.value for v in values if isinstance(v, Lit) and not v.partial and v.node is not None
                  and self.config.map_model(v.value) not in (None, v.value)}
        if not mapped or self._key_error_handled(original):
            return updated
        shown = code_of(arg.value)
        # a parameter's default is one value among those its callers pass
        passed_in = isinstance(arg.value, cst.Name) and any(isinstance(t, cst.Param) for t in flow.referents(arg.value))
        if len(mapped) == 1 and len(values) == 1 and not passed_in:
            name = mapped.pop()
            self.edited()
            self.review(original, f"tiktoken.encoding_for_model({shown}): {shown} now names the served model, which "
                                  f"tiktoken does not know (KeyError): the lookup keeps {name!r}, OpenAI's tokenizer "
                                  "as before; the served model splits text differently (its tokenizer, or vLLM's POST "
                                  "/tokenize, counts exactly)")
            args = list(updated.args)
            args[0] = args[0].with_changes(value=cst.SimpleString(repr(name).replace("'", '"')
                                                                  if '"' not in name else repr(name)))
            return updated.with_changes(args=args)
        self.review(original, f"tiktoken.encoding_for_model({shown}): {shown} may now name the served model, which "
                              "tiktoken does not know (KeyError): look up OpenAI's name, or count with the served "
                              "model's tokenizer (vLLM's POST /tokenize)")
        return updated

    def _model_calls(self, param: cst.Param) -> list[cst.Call] | None:
        """The calls the function hands its parameter to as their model (`f(model=model)`), where that is every use
        of it; None where some use does something else with it (stores it, passes it on, tests it)."""
        function = self.parent(self.parent(param))
        if not isinstance(function, cst.FunctionDef):
            return None
        calls = []
        for use in walk.find(function.body, cst.Name):
            if use.value != param.name.value:
                continue
            arg = self.parent(use)
            if isinstance(arg, cst.Arg) and arg.keyword is use or isinstance(arg, cst.Attribute) and arg.attr is use:
                continue  # `model=` itself, `x.model`: not a use of the parameter
            call = self.parent(arg)
            if not (isinstance(arg, cst.Arg) and arg.value is use and arg.keyword is not None
                    and arg.keyword.value in MODEL_KEYWORDS and isinstance(call, cst.Call)):
                return None
            calls.append(call)
        return calls

    def _only_for_openai(self, calls: list[cst.Call] | None) -> bool:
        """Every use of the parameter is the model of a call that stays on OpenAI (an endpoint vLLM does not serve,
        another provider's client): `def make_assistant(model="gpt-4o"): client.beta.assistants.create(model=model)`
        keeps OpenAI's name (embedchain 0.1.50). `calls`: _model_calls of the parameter."""
        return bool(calls) and all(self._stays_on_openai(call) for call in calls)

    def _key_error_handled(self, node: cst.CSTNode) -> bool:
        current = self.parent(node)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
            if isinstance(current, cst.Try) and any(
                    h.type is None or any(n in _HANDLES_KEY_ERROR for n in re.findall(r"\w+", code_of(h.type)))
                    for h in current.handlers):
                return True
            current = self.parent(current)
        return False

    def _to_litellm(self, calls: list[cst.Call] | None) -> bool | None:
        """False where every use of a parameter is the model of a call (`calls`: its _model_calls), none of them
        LiteLLM's, in a module whose names otherwise go to LiteLLM: guardrails-ai 0.4.5 has `def _invoke_llm(self,
        model="gpt-3.5-turbo")` for its OpenAI client and for `litellm.completion` side by side. None: as the
        module's names go (LiteLLM's completion calls and its model-table lookups alike read its spelling)."""
        if not calls or not self._through_litellm() or any(self.qnames_in(call.func, "litellm") for call in calls):
            return None
        return False

    def leave_Param(self, original: cst.Param, updated: cst.Param):
        if original.default is None:
            return updated
        calls = self._model_calls(original)
        if self._only_for_openai(calls):
            return updated
        report = bool(_MODELISH.search(original.name.value))
        if not report and self.config.map_model(literal_str(original.default) or "") is None:
            return updated
        return updated.with_changes(default=self._map(original.default, updated.default,
                                                      f"default of {original.name.value}", report,
                                                      litellm=self._to_litellm(calls)))

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        names = [n for t in original.targets if (n := _target_name(t.target))]
        report = any(_MODELISH.search(n) for n in names)
        if self.depth and not report:  # in a function, only variables named like a model
            return updated
        if not isinstance(original.value, cst.SimpleString):
            return updated
        if len(original.targets) == 1 and isinstance(original.targets[0].target, cst.Name):
            if self._compared_only(original.targets[0].target):
                return updated
            twin = self._enum_twin(original)
            if twin is not None:
                self.review(original, f"{names[0]}: mapping {literal_str(original.value)!r} would give it the value of "
                                      f"{twin}, and an Enum member with another's value is that member (an alias): "
                                      "map the two names to different served models, or keep the Enum's values and "
                                      "translate when a request is made", comment=False)
                return updated
        return updated.with_changes(value=self._map(original.value, updated.value, " = ".join(names) or "constant", report))

    def _compared_only(self, target: cst.Name) -> bool:
        """Every read of the variable is a side of a comparison (`if config.model_name == MODEL_GPT4:`, langroid
        0.10.0): it names a model some other value is tested against, not one a request sends."""
        scope = self.parent(self.parent(target))
        while scope is not None and not isinstance(scope, (cst.FunctionDef, cst.Module)):
            scope = self.parent(scope)
        if scope is None:
            return False
        names = self.state.nodes(scope, cst.Name) if isinstance(scope, cst.Module) else walk.find(scope, cst.Name)
        reads = [n for n in names if n.value == target.value and n is not target]
        if not reads:
            return False
        for name in reads:
            parent = self.parent(name)
            if not (isinstance(parent, cst.Comparison) or isinstance(parent, cst.ComparisonTarget)):
                return False
        return True

    def _enum_twin(self, assign: cst.Assign) -> str | None:
        """For a member of an Enum class whose value this run maps: the other member that already has (or will
        have) the mapped value, when there is one."""
        statement = self.parent(assign)
        block = self.parent(statement) if statement is not None else None
        klass = self.parent(block) if block is not None else None
        if not isinstance(klass, cst.ClassDef) or not any(
                "Enum" in code_of(base.value) for base in klass.bases):
            return None
        name = literal_str(assign.value)
        target = self.config.map_model(name) if name is not None else None
        if target is None or target == name:
            return None
        for line in klass.body.body:
            for small in getattr(line, "body", ()):
                if isinstance(small, cst.Assign) and small is not assign and len(small.targets) == 1 \
                        and isinstance(small.targets[0].target, cst.Name):
                    value = literal_str(small.value)
                    if value is not None and value != name and target in (value, self.config.map_model(value)):
                        return small.targets[0].target.value
        return None

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign):
        if original.value is None:
            return updated
        name = _target_name(original.target) or "constant"
        if self.depth and not _MODELISH.search(name):
            return updated
        return updated.with_changes(value=self._map(original.value, updated.value, name, bool(_MODELISH.search(name))))

    def leave_DictElement(self, original: cst.DictElement, updated: cst.DictElement):
        key = literal_str(original.key)
        if key in MODEL_KEYWORDS:
            return updated.with_changes(value=self._map(original.value, updated.value, f'"{key}" key'))
        return updated
