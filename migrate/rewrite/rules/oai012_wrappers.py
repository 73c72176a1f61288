"""OAI012 wrapper-endpoint: libraries that call OpenAI underneath talk to the vLLM endpoint too.

    llm = ChatOpenAI(model="gpt-4o")
->  llm = ChatOpenAI(model="gpt-4o", base_url=os.environ.get("OPENAI_BASE_URL", ...), api_key=os.environ.get(...))

LangChain (ChatOpenAI, OpenAI, OpenAIEmbeddings, OpenAIChat from langchain_openai, langchain.* and
langchain_community.*), LlamaIndex (OpenAI, OpenAIEmbedding, OpenAIMultiModal, OpenAIResponses), LiteLLM's
functions (`litellm.completion(...)`), `instructor.from_provider("openai/...")`, `dspy.LM("openai/...")` and
`dspy.OpenAI(...)`: each gets its endpoint and key keywords, named as the library names them (the table is
`WRAPPER_ENDPOINT_KEYWORDS` in migrate/catalog/wrappers.py), from the configured environment variables, as OAI001
does for the SDK's clients. Where the library routes by a "provider/model" string (LiteLLM, DSPy, instructor),
a mapped model becomes "openai/<served model>": LiteLLM's OpenAI route, which sends the request to api_base.

Role-aware, like OAI001: a wrapper whose base URL or key variable belongs to another provider (or that already
points at a local server, or whose model string names another provider) is left alone; one whose endpoint the
code computes (`settings.url`) gets a review item, not an edit. What an edit cannot settle becomes a review
item: Azure wrappers (their deployments do not exist on vLLM), LlamaIndex's OpenAI (it accepts OpenAI model
names only), LiteLLM routers, a model string built at run time, dspy.OpenAI's chat/text guess.
"""

from __future__ import annotations

import re

import libcst as cst
import libcst.matchers as m

from migrate.catalog.providers import Evidence, Role, classify_client
from migrate.rewrite.patterns import looks_like_openai_model
from migrate.rewrite.rules._base import (
    RuleTransformer,
    code,
    env_read,
    explode,
    get_arg,
    has_star_kwargs,
    insert_args,
    kwarg,
    literal_str,
    replace_arg_value,
)
from migrate.rewrite.rules.oai003_models import through_litellm, with_value
from migrate.catalog import wrappers
from migrate.rewrite.rules._prune import word_search

_WANTED = re.compile(r"(?:langchain\w*|llama_index|gpt_index|litellm|instructor|dspy)\b")

# Wrappers that route by a "provider/model" string: (position of the model argument, its keyword).
_MODEL_ROUTED = {"litellm": (0, "model"), "instructor.from_provider": (0, "model"), "dspy.LM": (0, "model")}


# LangChain's init functions: the keyword that names the provider.
_INIT_FUNCTIONS = {"init_chat_model": "model_provider", "init_embeddings": "provider"}


def wanted(source: str, state) -> bool:
    if not word_search(_WANTED, source):
        return False
    # the word alone (a docstring, a module of one of those packages importing its own parts) is not enough: every
    # call the rule acts on has a qualified name that an import of a wrapper package starts (see _may_reach)
    index = state.index_of(source) if state is not None else None
    if index is None or not index.usable:
        return True
    return any(_may_reach(target, index.identifiers)
               for bound in (index.imports, index.nested) for targets in bound.values() for target in targets)


# The packages every name _target() recognises comes from: a callee from none of them is answered without
# resolving its qualified names (most calls of a module, and the ones that need LibCST's scope analysis).
_PACKAGES = frozenset({module.split(".", 1)[0] for module, _ in wrappers.WRAPPER_CLASSES}
                      | {name.split(".", 1)[0] for name in wrappers.LANGCHAIN_INIT} | {"litellm", "instructor", "dspy"})
_CLASS_ROOTS = frozenset(module.split(".", 1)[0] for module, _ in wrappers.WRAPPER_CLASSES)
_CLASS_NAMES = frozenset(cls for _, cls in wrappers.WRAPPER_CLASSES)
_CALLED_NAMES = ("instructor.from_provider", "dspy.LM", *wrappers.LANGCHAIN_INIT)


def _may_reach(target: str, spelled: set[str]) -> bool:
    """Whether a name an import binds to `target` may start the qualified name of a call _target() recognises: the
    name itself or an attribute chain after it (`import langchain` ... `langchain.llms.OpenAI(...)`), which ends in
    a class or function name the code spells."""
    root = target.split(".", 1)[0]
    if root not in _PACKAGES:
        return False
    if root == "litellm":
        return "Router" in spelled or not spelled.isdisjoint(wrappers.LITELLM_FUNCTIONS)
    if any(name == target or name.startswith(target + ".") for name in _CALLED_NAMES):
        return True
    return root in _CLASS_ROOTS and not spelled.isdisjoint(_CLASS_NAMES)


class Transformer(RuleTransformer):
    RULE_ID = "OAI012"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self._flow = None  # a _values.Flow, made on first use
        self._environments: dict[str, tuple | None] = {}  # package -> what the module sets in the variables it reads

    def statement_filter(self):
        # the one hook acts on calls of names from the wrapper packages, and on super().__init__(...) in their subclasses
        names = self.names_filter(_PACKAGES)
        return None if names is None else re.compile(f"{names.pattern}|\\bsuper\\(", names.flags)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        target = self._target(original)
        if target is None:
            return updated
        package, what = target
        if what in _INIT_FUNCTIONS:
            return self._init_model(original, updated, what)
        if what.startswith(("Azure", "dspy.Azure")):
            if self._role(original, package) in (Role.OPENAI, Role.AZURE):
                self.review(original, f"{_short(what)} talks to Azure OpenAI deployments, which vLLM does not have: "
                                      f"construct {_plain(what)} with the vLLM endpoint (${self.config.base_url_env}) "
                                      "instead")
            return updated
        if package == "gpt_index" or what == "litellm.Router":
            self._review_unsupported(original, package, what)
            return updated
        role = self._role(original, package)
        if role in (Role.OTHER, Role.LOCAL):
            return updated  # another provider's, or already a local server's: whatever **kwargs adds
        if has_star_kwargs(original):
            self.review(original, f"{_short(what)} arguments come from **kwargs: make sure they set the endpoint and "
                                  f"key from ${self.config.base_url_env} / ${self.config.api_key_env}")
            return updated
        routed = _MODEL_ROUTED.get(what) or (_MODEL_ROUTED["litellm"] if package == "litellm" else None)
        model_arg = _model_arg(original, *routed) if routed else None
        model = literal_str(model_arg.value) if model_arg is not None else None
        if routed is not None:
            if model is None and model_arg is not None:
                model = self._routed_literal(model_arg.value)
            if model is None:
                if model_arg is not None:
                    self.review(original, f"the model of {_short(what)} is `{code(model_arg.value)}`: it routes by its "
                                          "provider prefix, so it must be \"openai/<served model>\" (with api_base set "
                                          "to the vLLM endpoint) for the request to reach vLLM")
                return updated
            provider, _, rest = model.partition("/") if "/" in model else ("", "", model)
            if provider == "azure":
                self.review(original, f"model \"{model}\" routes to an Azure OpenAI deployment: use "
                                      "\"openai/<served model>\" with the vLLM endpoint instead")
                return updated
            if provider and provider not in wrappers.OPENAI_PROVIDERS:
                return updated  # another provider's model: not OpenAI's traffic
            if not provider and not looks_like_openai_model(model):
                return updated  # LiteLLM infers another provider from the name ("claude-3-5-sonnet")
        if role is Role.UNKNOWN:
            arg = self._arg(original, package, 0)
            self.review(original, f"{_short(what)} gets its endpoint from `{code(arg.value) if arg else '?'}`: make "
                                  f"sure it is the vLLM endpoint (${self.config.base_url_env})")
            return updated
        if not role.migrates:
            return updated  # another provider's, or already a local server's
        call = self._endpoint(original, updated, package, what)
        if model is not None and literal_str(model_arg.value) is not None:
            call = self._model(original, call, model_arg, model, what)
        elif routed is None:
            call = self._default_model(original, call, package, what)
        self._follow_ups(original, package, what, call)
        return call

    def _default_model(self, original: cst.Call, call: cst.Call, package: str, what: str) -> cst.Call:
        """`ChatOpenAI()` asks for LangChain's default model, an OpenAI name vLLM does not serve: the served model
        the map gives for it is passed explicitly, or a note says what to map."""
        key = ("langchain" if package.startswith("langchain") else "llamaindex" if package == "llama_index" else "",
               what.rpartition(".")[2])
        default = wrappers.WRAPPER_DEFAULT_MODELS.get(key)
        if default is None or any(a.keyword is None for a in original.args) or any(
                get_arg(original, k) is not None for k in wrappers.WRAPPER_MODEL_KEYWORDS):
            return call
        served = self.config.map_model(default)
        if served is None:
            self.review(original, f"{_short(what)} names no model, so it asks for its default {default!r}, which "
                                  f"vLLM does not serve (HTTP 404): pass model= with the served model, or map "
                                  f'"{default}" in [tool.migrate.models]')
            return call
        keyword = "model_name" if package in ("langchain", "langchain_community") and what == "ChatOpenAI" else "model"
        self.edited()
        return _append_args(call, [kwarg(keyword, cst.SimpleString(f'"{served}"'))])

    # -- what is called ---------------------------------------------------------------------------------------
    def _target(self, call: cst.Call) -> tuple[str, str] | None:
        """(package, wrapper) for a wrapper construction or call, else None. `super().__init__(...)` in a subclass
        of a wrapper class constructs that wrapper (scrapegraphai's `class OpenAI(ChatOpenAI)`)."""
        func = call.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)
                and isinstance(func.value.func, cst.Name) and func.value.func.value == "super"):
            klass = self.parent(call)
            while klass is not None and not isinstance(klass, cst.ClassDef):
                klass = self.parent(klass)
            for base in klass.bases if klass is not None else ():
                for name in self.qnames_if(base.value, _PACKAGES):
                    wrapper = wrappers.wrapper_class(name)
                    if wrapper is not None and not wrapper[1].startswith(("Azure", "dspy")):
                        package = name.split(".", 1)[0]
                        return package, _what(package, wrapper[1])
            return None
        for name in self.qnames_if(call.func, _PACKAGES, called_by=call):
            package = name.split(".", 1)[0]
            wrapper = wrappers.wrapper_class(name)
            if wrapper is not None:
                return package, _what(package, wrapper[1])
            last = name.rsplit(".", 1)[-1]
            if package == "litellm" and (last in wrappers.LITELLM_FUNCTIONS or last == "Router"):
                return package, f"litellm.{last}"
            if name in wrappers.LANGCHAIN_INIT:
                return "langchain_openai", last  # its keywords go to ChatOpenAI / OpenAIEmbeddings
            if name == "instructor.from_provider":
                return package, name
            if name == "dspy.LM":
                return package, name
        return None

    def _keywords(self, package: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return wrappers.WRAPPER_ENDPOINT_KEYWORDS.get(package, wrappers.WRAPPER_ENDPOINT_KEYWORDS["llama_index"])

    def _arg(self, call: cst.Call, package: str, which: int) -> cst.Arg | None:
        for name in self._keywords(package)[which]:
            arg = get_arg(call, name)
            if arg is not None:
                return arg
        return None

    def _added_keyword(self, call: cst.Call, package: str, which: int) -> str:
        """The keyword to add, in the spelling the call already uses for the other setting (openai_api_key ->
        openai_api_base, api_key -> base_url)."""
        names, other_names = self._keywords(package)[which], self._keywords(package)[1 - which]
        other = self._arg(call, package, 1 - which)
        if other is not None and other.keyword.value in other_names:
            index = other_names.index(other.keyword.value)
            if index < len(names):
                return names[index]
        return names[0]

    def _role(self, call: cst.Call, package: str) -> Role:
        base, key = self._arg(call, package, 0), self._arg(call, package, 1)
        role = classify_client(base_url=_evidence(base), api_key=_evidence(key)).role
        if (base is None or key is None) and role.migrates and not has_star_kwargs(call):
            # the wrapper reads its endpoint (or key) from the environment, which this module sets itself
            environment = self._environment(package)
            if environment is not None:
                from migrate.rewrite.rules._roles import decide_in_environment

                decision = decide_in_environment(self._value_flow(), base.value if base is not None else None,
                                                 key.value if key is not None else None, environment)
                return Role.OPENAI if decision.migrates else decision.verdict.role
        return role

    def _environment(self, package: str):
        if package not in self._environments:
            from migrate.rewrite.rules._roles import environment_settings

            self._environments[package] = environment_settings(
                self._value_flow(), self.state, self.context.wrapper.module,
                wrappers.WRAPPER_ENDPOINT_ENV.get(package, ("OPENAI_BASE_URL",)))
        return self._environments[package]

    def _value_flow(self):
        if self._flow is None:
            from migrate.rewrite.rules._values import Flow

            self._flow = Flow(self)
        return self._flow

    # -- edits ------------------------------------------------------------------------------------------------
    def _endpoint(self, original: cst.Call, call: cst.Call, package: str, what: str) -> cst.Call:
        additions = []
        for which, expr in ((0, self.base_url_expr), (1, self.api_key_expr)):
            setting = "base_url" if which == 0 else "api_key"
            arg = self._arg(original, package, which)
            if arg is None:
                additions.append(kwarg(self._added_keyword(original, package, which), expr()))
            elif self.is_configured(arg.value, setting):
                continue
            elif literal_str(arg.value) is not None or env_read(arg.value) is not None:
                call = replace_arg_value(call, arg.keyword.value, expr())
                self.edited()
            else:
                self.review(original, f"the key of {_short(what)} comes from `{code(arg.value)}`: vLLM accepts any "
                                      "key unless it was started with --api-key, then it must match", comment=False)
        if additions:
            self.edited(len(additions))
            call = _append_args(call, additions)
            one_line = not any(isinstance(getattr(a.comma, "whitespace_after", None), cst.ParenthesizedWhitespace)
                               for a in original.args)
            one_line = one_line and not isinstance(original.whitespace_before_args, cst.ParenthesizedWhitespace)
            if one_line and self.column_of(original) + len(code(call)) > 99:
                call = explode(call, _indent(self.module))
        return call

    def _routed_literal(self, expr: cst.BaseExpression) -> str | None:
        """The model string a routed model argument holds when the code spells it elsewhere (`model=DEFAULT_MODEL`,
        `DEFAULT_MODEL = "gpt-4o-mini"`): its one OpenAI value, bare or "openai/..." (OAI003 writes a mapped one as
        "openai/<served model>" in a module whose calls go through LiteLLM), else None."""
        from migrate.rewrite.rules._values import Lit

        values = self._value_flow().values(expr)
        texts = {v.value for v in values if isinstance(v, Lit) and not v.partial}
        if len(texts) != 1 or len(values) != len([v for v in values if isinstance(v, Lit) and not v.partial]):
            return None
        text = texts.pop()
        if text.startswith("openai/"):
            return text
        return text if through_litellm(self.state) and "/" not in text and looks_like_openai_model(text) else None

    def _model(self, original: cst.Call, call: cst.Call, model_arg: cst.Arg, model: str, what: str) -> cst.Call:
        """A routed model string: "gpt-4o" / "openai/gpt-4o" -> "openai/<served model>" through the model map."""
        name = model.partition("/")[2] if "/" in model else model
        served = self.config.map_model(name)
        if served is None:
            if "/" in model and looks_like_openai_model(name):  # a bare name is OAI003's to report
                self.review(original, f"model {model!r} has no entry in the model map: add \"{name}\" = \"<served model "
                                      "name>\" to [tool.migrate.models]", comment=False)
            return call
        if not isinstance(model_arg.value, cst.SimpleString):
            return call
        new_value = with_value(model_arg.value, f"openai/{served}")
        self.edited()
        args = [a.with_changes(value=new_value) if _same_arg(a, model_arg, original) else a for a in call.args]
        return call.with_changes(args=args)

    def _init_model(self, original: cst.Call, updated: cst.Call, what: str):
        """LangChain's init_chat_model("openai:gpt-4o") / init_embeddings(...): provider from the keyword or the
        "provider:model" string (a bare gpt-*/o* name means OpenAI to init_chat_model)."""
        provider_arg = get_arg(original, _INIT_FUNCTIONS[what])
        provider = literal_str(provider_arg.value) if provider_arg is not None else None
        model_arg = _model_arg(original, 0, "model")
        model = literal_str(model_arg.value) if model_arg is not None else None
        if (provider_arg is not None and provider is None) or (provider_arg is None and model is None):
            if model_arg is not None or provider_arg is not None:
                self.review(original, f"the provider of {what} is computed at run time: when it is OpenAI, pass "
                                      f"base_url and api_key from ${self.config.base_url_env} / "
                                      f"${self.config.api_key_env}")
            return updated
        name = model
        if provider is None and model is not None:
            prefix, sep, rest = model.partition(":")
            provider, name = (prefix, rest) if sep else ("openai" if looks_like_openai_model(model) else None, model)
        if provider == "azure_openai":
            self.review(original, f"{what} with azure_openai talks to Azure OpenAI deployments, which vLLM does not "
                                  f"have: use provider openai with the vLLM endpoint (${self.config.base_url_env})")
            return updated
        if provider != "openai":
            return updated
        role = self._role(original, "langchain_openai")
        if role in (Role.OTHER, Role.LOCAL):
            return updated
        if has_star_kwargs(original) or role is Role.UNKNOWN:
            self.review(original, f"make sure {what} gets the vLLM endpoint and key (${self.config.base_url_env} / "
                                  f"${self.config.api_key_env}): they come from code the rule cannot follow")
            return updated
        call = self._endpoint(original, updated, "langchain_openai", what)
        served = self.config.map_model(name) if name else None
        if served is not None and model_arg is not None and isinstance(model_arg.value, cst.SimpleString):
            value = served if provider_arg is not None else f"openai:{served}"
            self.edited()
            call = call.with_changes(args=[
                a.with_changes(value=with_value(model_arg.value, value)) if _same_arg(a, model_arg, original) else a
                for a in call.args])
        elif served is None and name and model and ":" in model and looks_like_openai_model(name):
            self.review(original, f"model {model!r} has no entry in the model map: add \"{name}\" = \"<served model "
                                  "name>\" to [tool.migrate.models]", comment=False)
        return call

    def _follow_ups(self, original: cst.Call, package: str, what: str, call: cst.Call) -> None:
        """What still fails at run time after the endpoint moved, and an edit cannot settle."""
        if what == "llama_index.OpenAI":
            self.review(original, "LlamaIndex's OpenAI accepts OpenAI model names only (ValueError: Unknown model): serve "
                                  "the model under that name (vllm serve --served-model-name) or use "
                                  "llama_index.llms.openai_like.OpenAILike(model=..., api_base=..., api_key=..., "
                                  "is_chat_model=True)")
        elif what == "dspy.OpenAI" and get_arg(original, "model_type") is None:
            self.review(original, "dspy.OpenAI picks chat or text completions from the model name: pass "
                                  'model_type="chat" for a chat model served by vLLM')
        elif what == "OpenAIEmbeddings" and get_arg(original, "check_embedding_ctx_length") is None:
            self.review(original, "LangChain's OpenAIEmbeddings sends tiktoken token ids, which mean other words to "
                                  "the served model's tokenizer: pass check_embedding_ctx_length=False")

    def _review_unsupported(self, original: cst.Call, package: str, what: str) -> None:
        if self._role(original, package) not in (Role.OPENAI, Role.AZURE):
            return
        if what == "litellm.Router":
            models = (literal_str(s) or "" for s in m.findall(original, m.SimpleString()))
            if not any(looks_like_openai_model(name.partition("/")[2] if "/" in name else name) for name in models):
                return  # no OpenAI model in the model_list
            self.review(original, "each OpenAI entry of the Router's model_list must route to vLLM: litellm_params "
                                  f"model \"openai/<served model>\", api_base from ${self.config.base_url_env}, "
                                  f"api_key from ${self.config.api_key_env}")
        else:
            self.review(original, f"gpt_index ({_short(what)}) predates LlamaIndex's api_base setting: upgrade to "
                                  f"llama_index and point it at the vLLM endpoint (${self.config.base_url_env})")


def _what(package: str, cls: str) -> str:
    """The name a wrapper class goes by in the rule: LlamaIndex's `OpenAI` is "llama_index.OpenAI" (not LangChain's)."""
    return "llama_index.OpenAI" if package == "llama_index" and cls == "OpenAI" else cls


def _append_args(call: cst.Call, additions: list[cst.Arg]) -> cst.Call:
    """Add keyword arguments after the last one; the space before `)` (a line break in a multi-line call
    without a trailing comma) stays before `)`."""
    if not call.args:
        return insert_args(call, additions)
    last = call.args[-1]
    comma = last.comma
    sep = next((a.comma for a in call.args[:-1] if isinstance(a.comma, cst.Comma)), None)
    if (isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)
            and sep is not None and isinstance(sep.whitespace_after, cst.ParenthesizedWhitespace)):
        # one argument per line with a trailing comma: the last line keeps its comment, the new lines are
        # indented like the others, and the new last argument takes the trailing comma
        after_last = comma.whitespace_after
        between = sep.whitespace_after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
        kept = last.with_changes(comma=comma.with_changes(whitespace_after=after_last.with_changes(
            last_line=between.last_line)))
        new = [a.with_changes(comma=sep.with_changes(whitespace_after=between)) for a in additions[:-1]]
        final = additions[-1].with_changes(comma=comma.with_changes(whitespace_after=after_last.with_changes(
            first_line=cst.TrailingWhitespace(), empty_lines=())))
        return call.with_changes(args=[*call.args[:-1], kept, *new, final])
    closing = last.whitespace_after_arg
    call = call.with_changes(args=[*call.args[:-1], last.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))])
    call = insert_args(call, additions, len(call.args))
    return call.with_changes(args=[*call.args[:-1], call.args[-1].with_changes(whitespace_after_arg=closing)])


def _evidence(arg: cst.Arg | None) -> Evidence | None:
    if arg is None:
        return None
    literal = literal_str(arg.value)
    if literal is not None:
        return Evidence.of_literal(literal)
    read = env_read(arg.value)
    if read is not None:
        return Evidence.of_env(read[0], read[1])
    return Evidence(opaque=code(arg.value))


def _model_arg(call: cst.Call, position: int, keyword: str) -> cst.Arg | None:
    arg = get_arg(call, keyword)
    if arg is not None:
        return arg
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[position] if len(positional) > position else None


def _same_arg(candidate: cst.Arg, model_arg: cst.Arg, original: cst.Call) -> bool:
    """The updated call's argument at the place of `model_arg` in the original call."""
    if model_arg.keyword is not None:
        return candidate.keyword is not None and candidate.keyword.value == model_arg.keyword.value
    return candidate.keyword is None and not candidate.star and code(candidate.value) == code(model_arg.value)


def _short(what: str) -> str:
    return what.replace("llama_index.", "LlamaIndex's ")


def _plain(what: str) -> str:
    """The non-Azure counterpart: AzureChatOpenAI -> ChatOpenAI, AzureOpenAIEmbeddings -> OpenAIEmbeddings."""
    return what.replace("dspy.AzureOpenAI", "dspy.LM(\"openai/<served model>\")").replace("AzureChatOpenAI", "ChatOpenAI") \
        .replace("AzureOpenAI", "OpenAI")


def _indent(module: cst.Module) -> str:
    try:
        return module.default_indent
    except ValueError:
        return "    "
