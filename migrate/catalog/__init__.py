"""The compatibility catalog: which OpenAI endpoints and parameters work on vLLM, and what to do when not.

Three layers:

- the snapshot (snapshot.json), derived from the installed OpenAI SDK and vLLM by scripts/generate-catalog:
  every SDK endpoint with its route and parameters, and whether vLLM serves that route and which fields its
  request model accepts;
- facts (facts.py), hand-written for what code cannot tell, each with its evidence;
- value classes (values.py), where the call-site value or the served model decides (top_p=0, suffix=...).

Loading reads plain JSON (about a millisecond) and imports neither openai nor vllm:

    from migrate.catalog import load_catalog
    catalog = load_catalog()
    catalog.parameter("chat.completions.create", "store").verdict   # Verdict.IGNORED
    catalog.endpoint_verdict("images.generate").verdict             # Verdict.UNSUPPORTED
    catalog.parameter("chat.completions.create", "top_p", 0).verdict  # Verdict.NEEDS_CHANGE
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from migrate.catalog import facts as _facts
from migrate.catalog import values as _values
from migrate.scan.findings import CatalogInfo, Verdict

SNAPSHOT_PATH = Path(__file__).resolve().parent / "snapshot.json"
SUPPORTED_FORMATS = (1,)


class CatalogError(ValueError):
    """A snapshot file that cannot be used; the message says which file and what to do."""


@dataclass(frozen=True)
class Endpoint:
    name: str  # "chat.completions.create"
    method: str | None
    path: str | None  # the SDK's path, "/chat/completions"
    sdk_params: frozenset[str]
    served: bool
    vllm_route: str | None = None  # "POST /v1/chat/completions"
    vllm_tasks: tuple[str, ...] = ()
    vllm_params: frozenset[str] = frozenset()
    vllm_extra: str = "allow"  # what vLLM's request model does with an undeclared field
    deprecated: bool = False


@dataclass(frozen=True)
class Assessment:
    """The catalog's answer for one endpoint or parameter."""

    verdict: Verdict
    reason: str
    fix: str
    evidence: str | None = None
    derived: bool = True  # False when a hand-written fact decided it
    value_class: str | None = None  # the value class (migrate/catalog/values.py) that decided it, if any


class Catalog:
    def __init__(self, data: dict, source: Path | None = None) -> None:
        fmt = data.get("format")
        if fmt not in SUPPORTED_FORMATS:
            raise CatalogError(
                f"{source or 'catalog'}: snapshot format {fmt!r} is not one this migrate-kit reads "
                f"({', '.join(map(str, SUPPORTED_FORMATS))}); run scripts/generate-catalog"
            )
        self.source = source
        self.openai_version: str = data["openai_version"]
        self.vllm_version: str = data["vllm_version"]
        self.generated: str = data["generated"]
        self.request_options = frozenset(data.get("request_options", ()))
        self.clients: dict[str, list[str]] = data.get("clients", {})
        self.module_settings = frozenset(data.get("module_settings", ()))
        self.sdk_env = frozenset(data.get("sdk_env", ()))
        self.legacy_symbols = frozenset(data.get("legacy_symbols", ()))
        self.vllm_routes: dict[str, dict] = data.get("vllm_routes", {})
        self.endpoints: dict[str, Endpoint] = {}
        self._by_route: dict[tuple[str, str], Endpoint] = {}
        for name, e in data["endpoints"].items():
            endpoint = Endpoint(
                name=name,
                method=e.get("method"),
                path=e.get("path"),
                sdk_params=frozenset(e.get("sdk_params", ())),
                served=bool(e.get("served")),
                vllm_route=e.get("vllm_route"),
                vllm_tasks=tuple(e.get("vllm_tasks", ())),
                vllm_params=frozenset(e.get("vllm_params", ())),
                vllm_extra=e.get("vllm_extra", "allow"),
                deprecated=bool(e.get("deprecated")),
            )
            self.endpoints[name] = endpoint
            if endpoint.method and endpoint.path:
                # First SDK name for a route wins: `create` sorts before `parse`/`stream` of the same resource.
                key = (endpoint.method, endpoint.path)
                current = self._by_route.get(key)
                if current is None or _route_preference(endpoint) < _route_preference(current):
                    self._by_route[key] = endpoint

    # -- lookups --------------------------------------------------------------------------------------------
    def info(self) -> CatalogInfo:
        return CatalogInfo(openai_version=self.openai_version, vllm_version=self.vllm_version, generated=self.generated)

    def endpoint(self, name: str | None) -> Endpoint | None:
        return self.endpoints.get(name) if name else None

    def endpoint_for_route(self, method: str | None, path: str) -> Endpoint | None:
        """The SDK endpoint behind a raw HTTP call: ("POST", "https://api.openai.com/v1/chat/completions")."""
        path = _route_path(path)
        if path is None:
            return None
        methods = [method.upper()] if method else ["POST", "GET", "DELETE"]
        for m in methods:
            hit = self._by_route.get((m, path))
            if hit is None:
                # path parameters: "/threads/abc/runs" matches "/threads/{}/runs"
                hit = next((e for (em, ep), e in self._by_route.items() if em == m and _path_matches(ep, path)), None)
            if hit is not None:
                return hit
        return None

    # -- verdicts -------------------------------------------------------------------------------------------
    def endpoint_verdict(self, name: str) -> Assessment:
        endpoint = self.endpoints.get(name)
        fact = self._endpoint_fact(name)
        if endpoint is None:
            return Assessment(
                Verdict.UNSUPPORTED,
                f"`{name}` is not an endpoint of openai {self.openai_version}, and vLLM {self.vllm_version} serves "
                "only endpoints that are",
                "check the call; if it comes from a newer openai SDK, run scripts/generate-catalog with it installed",
            )
        if fact is not None and fact[1].verdict is not None:
            f = fact[1]
            return Assessment(f.verdict, f.reason, f.fix, f.evidence, derived=False)
        if not endpoint.served:
            where = f"{endpoint.method} /v1{endpoint.path}" if endpoint.path else "its route"
            reason = f"vLLM {self.vllm_version} serves no {where} route"
            fix = _facts.GENERIC_UNSERVED_FIX
            if fact is not None:
                reason = f"{reason}: {fact[1].reason}"
                fix = fact[1].fix
            return Assessment(Verdict.UNSUPPORTED, reason, fix)
        needs = [t for t in endpoint.vllm_tasks]
        if "generate" in needs or not needs:
            return Assessment(Verdict.OK, f"served at {endpoint.vllm_route}", "")
        requirement = _facts.TASK_REQUIREMENTS.get(needs[0])
        what = requirement.what if requirement else f"a model of task {needs[0]!r}"
        fix = requirement.fix if requirement else f"serve a model whose task is {needs[0]!r}"
        proof = _facts.EMBEDDINGS_EVIDENCE if "embed" in needs else None
        return Assessment(
            Verdict.SERVER_FLAG,
            f"vLLM serves {endpoint.vllm_route} only when the server runs {what}",
            fix,
            proof,
        )

    def parameter(self, endpoint_name: str, parameter: str, value=_values.NOT_GIVEN, *, others=None,
                  model: "_values.ModelFacts | None" = None) -> Assessment:
        """How one keyword argument of an endpoint fares on vLLM (served endpoints; others fail as a whole).

        `value` is the call-site literal in JSON form (`values.DYNAMIC` when the scan cannot see it), `others`
        the call's other parameters the same way, `model` what is known of the served model: value- and
        model-aware classes (migrate/catalog/values.py) refine the verdict the parameter's name gives."""
        base = self._parameter_by_name(endpoint_name, parameter)
        endpoint = self.endpoints.get(endpoint_name)
        if endpoint is None:
            return base
        refined = _values.refine(endpoint.vllm_route, parameter, value, {} if others is None else others, model,
                                 base.verdict)
        if refined is None:
            return base
        return Assessment(refined.verdict, refined.reason, refined.fix, refined.evidence, derived=False,
                          value_class=refined.value_class)

    def _parameter_by_name(self, endpoint_name: str, parameter: str) -> Assessment:
        endpoint = self.endpoints.get(endpoint_name)
        if endpoint is None:
            return Assessment(Verdict.OK, "endpoint not in the catalog", "")
        fact = self._parameter_fact(endpoint, parameter)
        if fact is not None:
            return Assessment(fact.verdict, fact.reason, fact.fix, fact.evidence, derived=False)
        if parameter in self.request_options:
            return Assessment(Verdict.OK, f"`{parameter}` is an SDK request option, not part of the body", "")
        in_sdk = parameter in endpoint.sdk_params
        in_vllm = parameter in endpoint.vllm_params
        if in_vllm:
            return Assessment(Verdict.OK, f"declared by vLLM's request model for {endpoint.vllm_route}", "")
        dropped = endpoint.vllm_extra != "forbid"
        origin = (
            f"an OpenAI-only parameter of {endpoint_name}"
            if in_sdk
            else f"not a parameter of {endpoint_name} in openai {self.openai_version}"
        )
        if dropped:
            return Assessment(
                Verdict.IGNORED,
                f"`{parameter}` is {origin}: vLLM's request model does not declare it and drops it "
                f"(extra fields are accepted and ignored)",
                "remove it, or accept that it has no effect on vLLM",
                _facts.evidence("test_ignored_parameters_accepted")
                if in_sdk and parameter in _facts.IGNORED_PROVEN and endpoint.vllm_route == _facts.CHAT
                else None,
            )
        return Assessment(
            Verdict.NEEDS_CHANGE,
            f"`{parameter}` is {origin}: vLLM's request model forbids undeclared fields (HTTP 400)",
            "remove it",
        )

    def non_ok_parameters(self, endpoint_name: str) -> dict[Verdict, list[str]]:
        """The endpoint's SDK parameters that are not ok on vLLM, by verdict (for calls with **kwargs)."""
        out: dict[Verdict, list[str]] = {}
        endpoint = self.endpoints.get(endpoint_name)
        if endpoint is None:
            return out
        for p in sorted(endpoint.sdk_params):
            verdict = self.parameter(endpoint_name, p).verdict
            if verdict is not Verdict.OK:
                out.setdefault(verdict, []).append(p)
        return out

    # -- facts ----------------------------------------------------------------------------------------------
    def _endpoint_fact(self, name: str):
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            prefix = ".".join(parts[:i])
            fact = _facts.ENDPOINT_FACTS.get(prefix)
            if fact is not None:
                return prefix, fact
        return None

    def _parameter_fact(self, endpoint: Endpoint, parameter: str):
        if not endpoint.vllm_route:
            return None
        for fact in _PARAMETER_FACTS.get(parameter, ()):
            if endpoint.vllm_route in fact.routes:
                return fact
        return None


_PARAMETER_FACTS: dict[str, list] = {}
for _fact in _facts.PARAMETER_FACTS:
    _PARAMETER_FACTS.setdefault(_fact.parameter, []).append(_fact)


def _route_preference(endpoint: Endpoint) -> tuple[int, int, str]:
    last = endpoint.name.rsplit(".", 1)[-1]
    return (endpoint.name.startswith("beta."), last not in ("create", "list", "retrieve", "delete", "update"), endpoint.name)


def _route_path(url_or_path: str) -> str | None:
    """"https://api.openai.com/v1/chat/completions?x=1" -> "/chat/completions"."""
    text = url_or_path.strip()
    if "://" in text:
        text = "/" + text.split("://", 1)[1].partition("/")[2]
    text = text.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if not text.startswith("/"):
        text = "/" + text
    if text.startswith("/openai/deployments/"):  # Azure: /openai/deployments/<name>/chat/completions
        text = "/" + text.split("/", 4)[4] if text.count("/") >= 4 else text
    if text.startswith("/v1/"):
        text = text[3:]
    return text or None


def _path_matches(pattern: str, path: str) -> bool:
    a, b = pattern.split("/"), path.split("/")
    return len(a) == len(b) and all(x == y or x == "{}" for x, y in zip(a, b, strict=True))


def load_catalog(path: Path | str | None = None) -> Catalog:
    """The shipped snapshot (cached), or another snapshot file."""
    return _load(str(path) if path else str(SNAPSHOT_PATH))


@lru_cache(maxsize=4)
def _load(path: str) -> Catalog:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"{p}: catalog snapshot missing; run scripts/generate-catalog (or reinstall migrate-kit)") from None
    except json.JSONDecodeError as e:
        raise CatalogError(f"{p}:{e.lineno}: catalog snapshot is not valid JSON ({e.msg}); run scripts/generate-catalog") from None
    return Catalog(data, p)


__all__ = ["Catalog", "CatalogError", "Endpoint", "Assessment", "load_catalog", "SNAPSHOT_PATH"]
