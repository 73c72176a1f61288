"""The compatibility catalog: which OpenAI endpoints and parameters work on vLLM, and what to do when not.

Three layers, each named on every verdict as its kind of evidence:

- a target profile (profile.py; the shipped one is profiles/vllm-default.json, probed from real vLLM servers
  by `scripts/generate-catalog --probe`; `migrate doctor URL --save-profile FILE` writes one for any endpoint):
  what the server answered when each parameter was sent ("probed");
- the snapshot (snapshot.json), derived from the installed OpenAI SDK and vLLM by scripts/generate-catalog:
  every SDK endpoint with its route and parameters, and whether vLLM serves that route and which fields its
  request model accepts ("declared", the fallback where no probe has evidence);
- facts (facts.py), hand-written for what code cannot tell, each with its evidence ("fact").
- value classes (values.py), where the call-site value or the served model decides (top_p=0, suffix=...).

Loading reads plain JSON (about a millisecond) and imports neither openai nor vllm:

    from migrate.catalog import load_catalog
    catalog = load_catalog()
    catalog.parameter("chat.completions.create", "store").verdict   # Verdict.IGNORED
    catalog.endpoint_verdict("images.generate").verdict             # Verdict.UNSUPPORTED
    load_catalog(target="their-vllm.json").parameter("completions.create", "suffix")   # as that server answered
    catalog.parameter("chat.completions.create", "top_p", 0).verdict  # Verdict.NEEDS_CHANGE
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from migrate.catalog import facts as _facts
from migrate.catalog import profile as _profile
from migrate.catalog import values as _values
from migrate.catalog.verdict import CatalogInfo, Verdict

SNAPSHOT_PATH = Path(__file__).resolve().parent / "snapshot.json"
SUPPORTED_FORMATS = (1,)
TARGET_ENV = "MIGRATE_TARGET_PROFILE"  # a user's override: the profile file judged against when no target is given


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
    kind: str = "declared"  # the evidence behind it: "probed" (a target profile), "declared" (snapshot), "fact"

    value_class: str | None = None  # the value class (migrate/catalog/values.py) that decided it, if any


PROBED, DECLARED, FACT = "probed", "declared", "fact"
EVIDENCE_KINDS = (PROBED, DECLARED, FACT)


class Catalog:
    def __init__(self, data: dict, source: Path | None = None, profile: "_profile.Profile | None" = None) -> None:
        fmt = data.get("format")
        if fmt not in SUPPORTED_FORMATS:
            raise CatalogError(
                f"{source or 'catalog'}: snapshot format {fmt!r} is not one this migrate-kit reads "
                f"({', '.join(map(str, SUPPORTED_FORMATS))}); run scripts/generate-catalog"
            )
        self.source = source
        self.profile = profile
        self.profile_generic = False
        self._memo: dict[tuple[str, str], Assessment] = {}  # parameter verdicts, asked for again and again by a scan
        self.openai_version: str = data["openai_version"]
        self.vllm_version: str = data["vllm_version"]
        self.generated: str = data["generated"]
        self.request_options = frozenset(data.get("request_options", ()))
        self.clients: dict[str, list[str]] = data.get("clients", {})
        self.client_exports: dict[str, str] = data.get("client_exports", {})  # "openai.Client" -> "OpenAI"
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
        target = None
        if self.profile is not None:
            target = f"{self.profile.name} ({self.profile.server_line}, probed {self.profile.probed_at[:10]})"
        return CatalogInfo(openai_version=self.openai_version, vllm_version=self.vllm_version, generated=self.generated,
                           target=target)

    def with_profile(self, profile: "_profile.Profile | None", *, generic: bool = False) -> "Catalog":
        """The same snapshot judged against another target profile (None: declarations and facts only).

        `generic`: the profile was probed on a stand-in model (the shipped one, on the generated test model), not
        on the server the code will use, so value- and model-aware classes decide where they apply."""
        other = copy.copy(self)  # the parsed endpoints are shared, not parsed again
        other.profile = profile
        other.profile_generic = generic
        other._memo = {}
        return other

    def endpoint(self, name: str | None) -> Endpoint | None:
        return self.endpoints.get(name) if name else None

    def endpoint_for_route(self, method: str | None, path: str) -> Endpoint | None:
        """The SDK endpoint behind a raw HTTP call: ("POST", "https://api.openai.com/v1/chat/completions")."""
        path = route_path(path)
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
        declared = self._declared_endpoint_verdict(name)
        probed = self.profile.judge_route(name) if self.profile is not None else None
        if probed is None or declared.kind == FACT:
            return declared
        if probed.outcome == _profile.REFUSED and declared.verdict is not Verdict.UNSUPPORTED:
            if declared.verdict is Verdict.SERVER_FLAG and probed.status == 404:
                # Not served by the probed configurations: the declared requirement (a pooling model, ...) says why.
                return dataclasses.replace(declared, evidence=probed.evidence, kind=PROBED)
            return Assessment(Verdict.UNSUPPORTED, f"{probed.reason}", _facts.GENERIC_UNSERVED_FIX, probed.evidence,
                              kind=PROBED)
        if probed.outcome == _profile.ACCEPTED and declared.verdict is Verdict.UNSUPPORTED:
            return Assessment(Verdict.OK, probed.reason, "", probed.evidence, kind=PROBED)
        return dataclasses.replace(declared, evidence=declared.evidence or probed.evidence, kind=PROBED)

    def _declared_endpoint_verdict(self, name: str) -> Assessment:
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
            return Assessment(f.verdict, f.reason, f.fix, f.evidence, derived=False, kind=FACT)
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
        """How one keyword argument of an endpoint fares on the target (served endpoints; others fail as a whole).

        By name, strongest evidence first: what the target profile's probes showed when they refused the
        parameter, found it needs a flag or saw it ignored; a hand-written fact; a probe that saw it accepted; the
        declaration. Then `value` (the call-site literal in JSON form, `values.DYNAMIC` when the scan cannot see
        it), `others` (the call's other parameters the same way) and `model` (what is known of the served model)
        let the value- and model-aware classes (migrate/catalog/values.py) refine that verdict.
        """
        base = self._parameter_by_name(endpoint_name, parameter)
        endpoint = self.endpoints.get(endpoint_name)
        if endpoint is None or (value is _values.NOT_GIVEN and others is None and model is None):
            return base  # nothing is known of the call: the parameter's name decides
        probed = self._probed_value_class(endpoint, parameter, value, {} if others is None else others)
        if probed is not None:
            return self._with_class_fact(probed, endpoint, parameter, value, others, model, base)
        if base.kind == PROBED and self.profile_generic and _values.classes_for(endpoint.vllm_route, parameter):
            # The shipped profile sent one representative value to the generated test model; the value classes
            # know for which values and models that answer holds.
            base = self._declared_parameter(endpoint_name, parameter)
        refined = _values.refine(endpoint.vllm_route, parameter, value, {} if others is None else others, model,
                                 base.verdict)
        if refined is None:
            return base
        return Assessment(refined.verdict, refined.reason, refined.fix, refined.evidence, derived=False, kind=FACT,
                          value_class=refined.value_class)

    def _with_class_fact(self, probed: Assessment, endpoint: Endpoint, parameter: str, value, others, model,
                         base: Assessment) -> Assessment:
        """A probe that agrees with its class's hand-written fact keeps the fact's why and fix, the probe as proof."""
        fact = _values.refine(endpoint.vllm_route, parameter, value, {} if others is None else others, model,
                              base.verdict)
        if fact is None or fact.value_class != probed.value_class or fact.verdict is not probed.verdict:
            return probed  # the target answered otherwise than the fact expects: what it did decides
        return Assessment(probed.verdict, f"{fact.reason} (probed: {probed.reason.split(': ', 1)[-1]})",
                          fact.fix or probed.fix, probed.evidence, derived=False, kind=PROBED,
                          value_class=probed.value_class)

    def _probed_value_class(self, endpoint: Endpoint, parameter: str, value, others) -> Assessment | None:
        """The target's answer to the value class the call-site value falls in, when the profile probed it.

        On the shipped profile (probed on the generated test model) a model-aware class keeps its model logic:
        that probe says what the test model does, not the served one."""
        probe_name = self._probed_endpoint_for(endpoint)
        if probe_name is None or value is _values.NOT_GIVEN:
            return None
        for vc in _values.classes_for(endpoint.vllm_route, parameter):
            if not vc.probe_shows or (self.profile_generic and vc.model_aware) or vc.matches(value, others) is not True:
                continue
            j = self.profile.judge_value_class(probe_name, vc.key)
            if j is None:
                continue  # not probed (an older profile, the budget ran out): the class's own verdict stands
            if j.outcome == _profile.REFUSED and getattr(self.profile.judge_parameter(probe_name, parameter),
                                                         "outcome", None) == _profile.REFUSED:
                return None  # refused whatever the value: the parameter's own probe says it (unsupported)
            verdict = {
                _profile.REFUSED: Verdict.NEEDS_CHANGE,  # this value is refused: the call must send another
                _profile.NEEDS_FLAG: Verdict.SERVER_FLAG,
                _profile.IGNORED: Verdict.IGNORED,
                _profile.ACCEPTED: Verdict.OK,
            }[j.outcome]
            fix = j.fix if j.outcome == _profile.NEEDS_FLAG else vc.fix if verdict is not Verdict.OK else ""
            shown = f"{parameter}={_values.describe(value)}" if not isinstance(value, (list, dict)) \
                else f"{parameter} ({vc.name})"
            return Assessment(verdict, f"{shown}: {j.reason}", fix, j.evidence, kind=PROBED, value_class=vc.key)
        return None

    def _parameter_by_name(self, endpoint_name: str, parameter: str) -> Assessment:
        key = (endpoint_name, parameter)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._judge_parameter(endpoint_name, parameter)
        return found

    def _judge_parameter(self, endpoint_name: str, parameter: str) -> Assessment:
        declared = self._declared_parameter(endpoint_name, parameter)
        probed = self._probed_parameter(endpoint_name, parameter)
        if probed is None:
            return declared
        if declared.kind == FACT and declared.verdict.rank >= probed.verdict.rank:
            return declared  # the fact says as much or more than the probe (e.g. why logit_bias ids differ)
        if probed.verdict is Verdict.OK and declared.verdict is Verdict.IGNORED:
            return declared  # accepted, but a dropped field is invisible to a probe: the declaration knows it
        return probed

    def _probed_parameter(self, endpoint_name: str, parameter: str) -> Assessment | None:
        if self.profile is None:
            return None
        endpoint = self.endpoints.get(endpoint_name)
        probe_name = self._probed_endpoint_for(endpoint)
        if probe_name is None:
            return None
        j = self.profile.judge_parameter(probe_name, parameter)
        if j is None:
            return None
        verdict = {
            _profile.REFUSED: Verdict.UNSUPPORTED,
            _profile.NEEDS_FLAG: Verdict.SERVER_FLAG,
            _profile.IGNORED: Verdict.IGNORED,
            _profile.ACCEPTED: Verdict.OK,
        }[j.outcome]
        return Assessment(verdict, j.reason, j.fix, j.evidence, kind=PROBED)

    def _probed_endpoint_for(self, endpoint: Endpoint | None) -> str | None:
        """The probed SDK endpoint behind `endpoint`: itself, or the one of the same route (chat.completions.parse)."""
        if endpoint is None or self.profile is None:
            return None
        if endpoint.name in self.profile.endpoints:
            return endpoint.name
        if endpoint.method and endpoint.path:
            same = self._by_route.get((endpoint.method, endpoint.path))
            if same is not None and same.name in self.profile.endpoints:
                return same.name
        return None

    def _declared_parameter(self, endpoint_name: str, parameter: str) -> Assessment:
        endpoint = self.endpoints.get(endpoint_name)
        if endpoint is None:
            return Assessment(Verdict.OK, "endpoint not in the catalog", "")
        fact = self._parameter_fact(endpoint, parameter)
        if fact is not None:
            return Assessment(fact.verdict, fact.reason, fact.fix, fact.evidence, derived=False, kind=FACT)
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
            verdict = self.parameter(endpoint_name, p, _values.DYNAMIC).verdict  # a value **kwargs may carry
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


def route_path(url_or_path: str) -> str | None:
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


def load_catalog(path: Path | str | None = None, *, target: "Path | str | _profile.Profile | bool | None" = None) -> Catalog:
    """The shipped snapshot (cached), or another snapshot file, judged against a target profile.

    `target`: None or True for $MIGRATE_TARGET_PROFILE when set, else the shipped default profile
    (profiles/vllm-default.json, when present); a path to a profile file (`migrate doctor URL --save-profile FILE`), a loaded Profile, or False for none
    (declarations and facts only). A bad profile file raises ProfileError naming the file and field.
    """
    catalog = _load(str(path) if path else str(SNAPSHOT_PATH))
    if target is False:
        return catalog
    if isinstance(target, _profile.Profile):
        return catalog.with_profile(target)
    if target is None or target is True:
        chosen = os.environ.get(TARGET_ENV)
        if chosen:
            return catalog.with_profile(_profile.load_profile(chosen))
        return _with_default_profile(catalog)
    return catalog.with_profile(_profile.load_profile(target))


@lru_cache(maxsize=4)
def _with_default_profile(catalog: Catalog) -> Catalog:
    if not _profile.DEFAULT_PROFILE_PATH.exists():
        return catalog
    return catalog.with_profile(_profile.load_profile(_profile.DEFAULT_PROFILE_PATH), generic=True)


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


__all__ = ["Catalog", "CatalogError", "Endpoint", "Assessment", "load_catalog", "TARGET_ENV", "SNAPSHOT_PATH", "EVIDENCE_KINDS",
           "PROBED", "DECLARED", "FACT"]
