"""Detectors registered per qualified-name prefix.

A qualified name says where a value comes from, in the spelling of its language:

    Python       langchain_openai.chat_models.ChatOpenAI      (the dotted import path, then attributes)
    JavaScript   @langchain/openai:ChatOpenAI                  (the module specifier, ":", the export)

The catalog's table (migrate/catalog/prefixes.py) says what each prefix means ("openai-sdk", "wrapper-class",
"ai-sdk-provider", ...); a front end registers, per meaning, the method that handles a name with it. A name goes
to the meanings of its longest matching prefix first, then to those of shorter ones, and each front end tries them
in that order until one handles the name.

Prefixes match whole segments ("." separates Python's, "/" and ":" JavaScript's): "openai" matches "openai.OpenAI"
and "openai/azure:AzureOpenAI", not "openai_compat.X", "openai-edge:X" or "openai.js:X". A prefix that ends with a separator matches only names that continue
right there ("ai:" is the module `ai` itself, any export, not "ai/rsc:X"); an exact entry matches one name.
"""

from __future__ import annotations

from typing import Callable, Iterable

PYTHON_SEPARATORS = "."
JAVASCRIPT_SEPARATORS = "/:"  # a dot belongs to a JS module name: "openai.js" is not a subpath of "openai"


def javascript_name(module: str, export: str) -> str:
    """The qualified name of an export of a JS/TS module: ("@ai-sdk/openai", "createOpenAI") -> "@ai-sdk/openai:createOpenAI"."""
    return f"{module}:{export}"


class PrefixRegistry:
    """Meanings by qualified-name prefix (from the catalog), and the handlers a front end registers for them.

        registry = PrefixRegistry(prefixes.PYTHON, PYTHON_SEPARATORS)
        registry.register("litellm", Analyzer._litellm_call)
        for handler in registry.handlers("litellm.completion"): ...
    """

    def __init__(self, table: Iterable[tuple[str, str, bool]], separators: str = PYTHON_SEPARATORS) -> None:
        self._separators = separators
        self._prefixes: dict[str, tuple[str, ...]] = {}
        self._exact: dict[str, tuple[str, ...]] = {}
        for prefix, meaning, exact in table:
            target = self._exact if exact else self._prefixes
            if meaning not in target.get(prefix, ()):
                target[prefix] = target.get(prefix, ()) + (meaning,)
        # The first segment of every prefix and exact name: most names (`os.path.join`, `./utils:helper`) start with
        # none of them and are answered without walking their prefixes.
        self._roots = frozenset(self._root(p) for table in (self._prefixes, self._exact) for p in table)
        self._handlers: dict[str, Callable] = {}
        self._memo: dict[str, tuple[str, ...]] = {}
        self._handler_memo: dict[str, tuple[Callable, ...]] = {}

    def register(self, meaning: str, handler: Callable) -> None:
        if meaning not in self.known_meanings():
            raise ValueError(f"no prefix of the catalog means {meaning!r}: migrate/catalog/prefixes.py lists them")
        self._handlers[meaning] = handler
        self._handler_memo.clear()

    def known_meanings(self) -> frozenset[str]:
        return frozenset(m for table in (self._prefixes, self._exact) for ms in table.values() for m in ms)

    def meanings(self, name: str) -> tuple[str, ...]:
        """The meanings of every prefix of `name`, longest prefix first (memoised: names repeat)."""
        found = self._memo.get(name)
        if found is not None:
            return found
        if self._root(name) not in self._roots:
            return ()
        out: list[str] = list(self._exact.get(name, ()))
        prefixes, separators = self._prefixes, self._separators
        cut = len(name)
        while cut > 0:
            if cut < len(name):
                out.extend(prefixes.get(name[:cut + 1], ()))  # "ai:" for "ai:generateText"
            out.extend(prefixes.get(name[:cut], ()))
            end, cut = cut, -1
            for sep in separators:
                cut = max(cut, name.rfind(sep, 0, end))
        found = tuple(dict.fromkeys(out))
        if len(self._memo) < 65536:
            self._memo[name] = found
        return found

    def _root(self, name: str) -> str:
        """The first segment of a name: "@langchain/openai:ChatOpenAI" -> "@langchain", "ai:" -> "ai"."""
        cut = len(name)
        for sep in self._separators:
            i = name.find(sep, 0, cut)
            if i >= 0:
                cut = i
        return name[:cut]

    def handlers(self, name: str) -> tuple[Callable, ...]:
        """The registered handlers for `name`, in the order of meanings()."""
        found = self._handler_memo.get(name)
        if found is None:
            if self._root(name) in self._roots:
                found = tuple(self._handlers[m] for m in self.meanings(name) if m in self._handlers)
            else:
                found = ()
            if len(self._handler_memo) < 65536:
                self._handler_memo[name] = found
        return found
