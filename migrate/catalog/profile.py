"""Target profiles: what one concrete OpenAI-compatible endpoint does, as probed, not as declared.

A profile records, per SDK endpoint and parameter, what a real server answered when sent a representative
value through the OpenAI SDK: accepted (and whether the effect showed), accepted and ignored (the effect is
observable and did not happen), refused (with the server's own status and message, and the flag it names),
a probe that failed (connection, timeout, 5xx: recorded, never guessed) or not probed (and why). It also
records when and how it was probed and what was probed: the server's version, flags and environment where
known, the served models and their facts (generative or pooling, multimodal, chat-template roles, tools).

A profile may cover several configurations of one server (the shipped default: vLLM bare, with a tool parser,
with a pooling model); `judge_parameter` reads across them: refused everywhere, accepted only with a flag,
honoured, ignored. The catalog turns that into verdicts (migrate.catalog.Catalog); pydantic declarations stay
the fallback where a profile has no evidence.

    from migrate.catalog.profile import load_profile
    profile = load_profile("profiles/vllm-default.json")
    profile.judge_parameter("completions.create", "suffix").outcome   # "refused"

The file is JSON, versioned by `format`; loading validates every field and names the file and field at fault.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

PROFILE_FORMAT = 1
PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
DEFAULT_PROFILE_PATH = PROFILES_DIR / "vllm-default.json"

ACCEPTED = "accepted"  # HTTP 2xx; `effect` says whether the parameter changed the answer, when that shows
IGNORED = "ignored"  # HTTP 2xx, the effect is observable and did not happen
REFUSED = "refused"  # HTTP 4xx naming the parameter (or any 4xx once the baseline request passed)
FAILED = "failed"  # the probe itself failed: connection, timeout, 5xx. Not evidence either way.
NOT_PROBED = "not-probed"  # no representative value, route not served in this configuration, budget spent
OUTCOMES = (ACCEPTED, IGNORED, REFUSED, FAILED, NOT_PROBED)
EVIDENCE = (ACCEPTED, IGNORED, REFUSED)  # the outcomes a verdict can rest on

CHANGED = "changed"
UNCHANGED = "unchanged"
NOT_OBSERVABLE = "not-observable"
EFFECTS = (CHANGED, UNCHANGED, NOT_OBSERVABLE)
MODEL_KINDS = ("generative", "pooling", "unknown")
DEFAULT_VALUE_CLASS = "representative"  # value-aware rules (migrate.catalog.values) may probe other classes


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file, the field and what to do."""


@dataclass(frozen=True)
class Observation:
    """One probe of one parameter (or of the endpoint's route: parameter "") in one configuration."""

    config: str
    outcome: str
    value: str | None = None  # the value sent, as JSON text
    value_class: str = DEFAULT_VALUE_CLASS
    status: int | None = None  # HTTP status; None when no answer came back
    message: str | None = None  # the server's own words (refusals, failures)
    effect: str | None = None  # changed / unchanged / not-observable (accepted and ignored outcomes)
    observed: str | None = None  # what was compared with the baseline: "2 choices", "text starts with the prompt"
    needs: tuple[str, ...] = ()  # flags or environment variables the server's message names
    note: str | None = None  # why not probed, or what failed


@dataclass(frozen=True)
class ModelFacts:
    name: str
    kind: str = "unknown"
    root: str | None = None
    max_model_len: int | None = None
    multimodal: bool | None = None
    roles: dict[str, bool] = field(default_factory=dict)  # role -> accepted by the chat template
    tools: bool | None = None  # tool calling (tool_choice "auto") answered


@dataclass(frozen=True)
class Configuration:
    """One server as probed: which URL, which version, which flags (None: not known), which models."""

    name: str
    base_url: str
    server: str = "unknown"  # "vllm" when /version answers like vLLM's, else what is known
    version: str | None = None
    flags: tuple[str, ...] | None = None
    env: dict[str, str] | None = None
    models: tuple[ModelFacts, ...] = ()
    requests: int = 0
    description: str = ""


@dataclass(frozen=True)
class Judgement:
    """What a profile says about one endpoint or parameter, across its configurations."""

    outcome: str  # accepted / ignored / refused / needs-flag
    reason: str
    fix: str
    evidence: str  # the probes behind it, in one line
    needs: tuple[str, ...] = ()
    status: int | None = None
    message: str | None = None


NEEDS_FLAG = "needs-flag"


@dataclass
class Profile:
    name: str
    probed_at: str
    probed_by: str
    configurations: tuple[Configuration, ...]
    endpoints: dict[str, dict[str, list[Observation]]]  # endpoint -> parameter ("" for the route) -> observations
    budget: int | None = None
    source: Path | None = None
    format: int = PROFILE_FORMAT

    # -- lookups -----------------------------------------------------------------------------------------------
    def configuration(self, name: str) -> Configuration | None:
        return next((c for c in self.configurations if c.name == name), None)

    @property
    def server_line(self) -> str:
        """"vLLM 0.32.0" or "an OpenAI-compatible server": how reasons name the target."""
        versions = sorted({c.version for c in self.configurations if c.version})
        servers = sorted({c.server for c in self.configurations if c.server != "unknown"})
        if servers == ["vllm"]:
            return f"vLLM {'/'.join(versions)}".strip() if versions else "vLLM"
        if servers:
            return f"{'/'.join(servers)} {'/'.join(versions)}".strip()
        return "the target server"

    def observations(self, endpoint: str, parameter: str = "", value_class: str | None = None) -> list[Observation]:
        found = self.endpoints.get(endpoint, {}).get(parameter, [])
        return [o for o in found if value_class is None or o.value_class == value_class]

    def judge_route(self, endpoint: str) -> Judgement | None:
        """The route as probed: served in some configuration (accepted), or refused (404) in every one."""
        obs = [o for o in self.observations(endpoint) if o.outcome in EVIDENCE]
        if not obs:
            return None
        served = [o for o in obs if o.outcome != REFUSED]
        if served:
            return Judgement(ACCEPTED, f"answered by {self.server_line} ({_configs(served)})", "",
                             self._evidence(endpoint, "", obs))
        first = obs[0]
        return Judgement(REFUSED, f"{self.server_line} answered HTTP {first.status}: {_quote(first.message)}",
                         "", self._evidence(endpoint, "", obs), status=first.status, message=first.message)

    def judge_parameter(self, endpoint: str, parameter: str, value_class: str = DEFAULT_VALUE_CLASS) -> Judgement | None:
        """What the probes of one parameter show across configurations; None without evidence.

        By default only the representative value's probes count: a value class's probe (`response_format`
        json_schema refused where json_object is accepted) says nothing of the parameter as a whole."""
        obs = [o for o in self.observations(endpoint, parameter, value_class) if o.outcome in EVIDENCE]
        if not obs:
            return None
        refused = [o for o in obs if o.outcome == REFUSED]
        accepted = [o for o in obs if o.outcome != REFUSED]
        evidence = self._evidence(endpoint, parameter, obs)
        server = self.server_line
        shown = f"`{parameter}`"  # reasons name the value class too: `top_p` (0)
        if value_class != DEFAULT_VALUE_CLASS:
            shown += f" ({value_class.partition('=')[2]})"
        if refused:
            first = refused[0]
            said = f"HTTP {first.status}: {_quote(first.message)}"
            needs = tuple(dict.fromkeys(n for o in refused for n in o.needs))
            if accepted:
                extra = self._extra_flags(accepted, refused)
                # "--tool-call-parser llama3_json" from the configurations covers the bare "--tool-call-parser" named
                needs = (*extra, *(n for n in needs if not any(e.split()[0] == n.split()[0] for e in extra)))
                with_what = " ".join(needs) if needs else f"the settings of {_configs(accepted)}"
                return Judgement(NEEDS_FLAG, f"{server} accepts {shown} only when started with {with_what}; "
                                 f"without, it answered {said}",
                                 f"start the server with {with_what}" if needs else
                                 f"start the server like {_configs(accepted)} ({self._describe(accepted)})",
                                 evidence, needs, first.status, first.message)
            if needs:
                return Judgement(NEEDS_FLAG, f"{server} refused {shown} with {said}",
                                 f"start the server with {' '.join(needs)}", evidence, needs, first.status, first.message)
            return Judgement(REFUSED, f"{server} refused {shown} with {said}",
                             f"remove {shown} (or serve a model or configuration that takes it)", evidence, (),
                             first.status, first.message)
        ignored = [o for o in accepted if o.outcome == IGNORED]
        if ignored and len(ignored) == len(accepted):
            seen = ignored[0].observed or "no observable effect"
            return Judgement(IGNORED, f"{server} accepts {shown} but it had no effect ({seen})",
                             f"remove {shown}, or accept that it has no effect on this server", evidence)
        honoured = [o for o in accepted if o.effect == CHANGED]
        if honoured:
            return Judgement(ACCEPTED, f"{server} honours {shown} ({honoured[0].observed})", "", evidence)
        return Judgement(ACCEPTED, f"{server} accepts {shown} (HTTP {accepted[0].status or 200})", "", evidence)

    def judge_value_class(self, endpoint: str, key: str) -> Judgement | None:
        """What the probes of one value class (migrate.catalog.values.ValueClass.key, "top_p=0") show; None when
        the profile did not probe it (profiles written before value classes were probed judge as before)."""
        parameter = key.partition("=")[0]
        return self.judge_parameter(endpoint, parameter, key)

    def value_classes(self, endpoint: str, parameter: str) -> list[str]:
        """The value classes of one parameter that this profile probed."""
        return list(dict.fromkeys(o.value_class for o in self.observations(endpoint, parameter)
                                  if o.value_class != DEFAULT_VALUE_CLASS))

    def _extra_flags(self, accepted: list[Observation], refused: list[Observation]) -> tuple[str, ...]:
        """Flags the accepting configurations have and the refusing ones lack (when flags are known)."""
        def flags(obs):
            out = []
            for o in obs:
                c = self.configuration(o.config)
                if c is None or c.flags is None:
                    return None
                out.append(set(_flag_words(c.flags)))
            return out
        yes, no = flags(accepted), flags(refused)
        if not yes or no is None:
            return ()
        common = set.intersection(*yes) - set.union(set(), *no)
        ordered = [w for c in (self.configuration(accepted[0].config),) for w in _flag_words(c.flags or ())]
        return tuple(w for w in ordered if w in common)

    def _describe(self, obs: list[Observation]) -> str:
        return "; ".join(f"{c.name}: {c.description or ' '.join(c.flags or ()) or 'no flags'}"
                         for c in (self.configuration(o.config) for o in obs) if c is not None)

    def _evidence(self, endpoint: str, parameter: str, obs: list[Observation]) -> str:
        sent = f"{parameter}={obs[0].value}" if parameter and obs[0].value is not None else parameter or "baseline request"
        answers = ", ".join(f"{o.config}: {o.outcome if o.status is None else f'HTTP {o.status}'}"
                            + (f" {o.effect}" if o.effect in (CHANGED, UNCHANGED) else "") for o in obs)
        where = self.source.name if self.source else f"profile {self.name}"
        return f"probe {endpoint} {sent} -> {answers} ({where}, {self.probed_at[:10]})"

    # -- (de)serialisation -------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        def obs_dict(o: Observation) -> dict:
            d = {k: v for k, v in asdict(o).items() if v not in (None, (), [])}
            if d.get("value_class") == DEFAULT_VALUE_CLASS:
                d.pop("value_class")
            if o.needs:
                d["needs"] = list(o.needs)
            return d

        return {
            "format": self.format,
            "kind": "migrate-kit target profile",
            "name": self.name,
            "probed_at": self.probed_at,
            "probed_by": self.probed_by,
            **({"budget": self.budget} if self.budget is not None else {}),
            "configurations": [
                {k: (list(v) if isinstance(v, tuple) and k != "models" else v) for k, v in asdict(c).items()
                 if k != "models"} | {"models": [asdict(m) for m in c.models]}
                for c in self.configurations
            ],
            "endpoints": {
                ep: {p: [obs_dict(o) for o in obs] for p, obs in sorted(params.items())}
                for ep, params in sorted(self.endpoints.items())
            },
        }

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=False, ensure_ascii=False) + "\n"

    def save(self, path: Path | str) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.dumps(), encoding="utf-8")
        return path


def _configs(obs: list[Observation]) -> str:
    return ", ".join(dict.fromkeys(o.config for o in obs))


def _quote(message: str | None) -> str:
    text = " ".join((message or "no message").split())
    return f'"{text[:300]}"'


def _flag_words(flags) -> list[str]:
    """["--tool-call-parser", "llama3_json"] -> ["--tool-call-parser llama3_json"]: a flag with its value."""
    out: list[str] = []
    for word in flags:
        if out and not word.startswith("-") and out[-1].startswith("--") and " " not in out[-1]:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    return out


# -- loading and validation ------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> ProfileError:
        return ProfileError(f"{self.source}: {where}: {problem}; regenerate it with `migrate doctor URL --save-profile "
                            "FILE` (or scripts/generate-catalog --probe for the shipped one)")

    def get(self, data: dict, key: str, where: str, kind, required: bool = True, default=None):
        if key not in data:
            if required:
                raise self.fail(f"{where}.{key}" if where else key, "missing")
            return default
        value = data[key]
        if value is None and not required:
            return default
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise self.fail(f"{where}.{key}" if where else key, f"expected {names}, found {type(value).__name__} {value!r:.60}")
        return value


def profile_from_dict(data: Any, source: str = "profile") -> Profile:
    r = _Reader(source)
    if not isinstance(data, dict):
        raise r.fail("(top level)", f"expected a JSON object, found {type(data).__name__}")
    fmt = data.get("format")
    if fmt != PROFILE_FORMAT:
        raise r.fail("format", f"{fmt!r} is not a profile format this migrate-kit reads ({PROFILE_FORMAT})")
    configurations = []
    for i, c in enumerate(r.get(data, "configurations", "", list)):
        where = f"configurations[{i}]"
        if not isinstance(c, dict):
            raise r.fail(where, "expected an object")
        models = []
        for j, m in enumerate(r.get(c, "models", where, list, required=False, default=[])):
            mw = f"{where}.models[{j}]"
            if not isinstance(m, dict):
                raise r.fail(mw, "expected an object")
            kind = r.get(m, "kind", mw, str, required=False, default="unknown")
            if kind not in MODEL_KINDS:
                raise r.fail(f"{mw}.kind", f"{kind!r} is not one of {', '.join(MODEL_KINDS)}")
            roles = r.get(m, "roles", mw, dict, required=False, default={})
            if not all(isinstance(v, bool) for v in roles.values()):
                raise r.fail(f"{mw}.roles", "expected role -> true/false")
            models.append(ModelFacts(
                name=r.get(m, "name", mw, str), kind=kind, root=r.get(m, "root", mw, str, required=False),
                max_model_len=r.get(m, "max_model_len", mw, int, required=False),
                multimodal=r.get(m, "multimodal", mw, bool, required=False), roles=dict(roles),
                tools=r.get(m, "tools", mw, bool, required=False)))
        flags = r.get(c, "flags", where, list, required=False)
        env = r.get(c, "env", where, dict, required=False)
        configurations.append(Configuration(
            name=r.get(c, "name", where, str), base_url=r.get(c, "base_url", where, str),
            server=r.get(c, "server", where, str, required=False, default="unknown"),
            version=r.get(c, "version", where, str, required=False),
            flags=tuple(str(f) for f in flags) if flags is not None else None,
            env={str(k): str(v) for k, v in env.items()} if env is not None else None,
            models=tuple(models), requests=r.get(c, "requests", where, int, required=False, default=0),
            description=r.get(c, "description", where, str, required=False, default="")))
    names = {c.name for c in configurations}
    if len(names) != len(configurations):
        raise r.fail("configurations", "two configurations share a name")
    endpoints: dict[str, dict[str, list[Observation]]] = {}
    for ep, params in r.get(data, "endpoints", "", dict).items():
        if not isinstance(params, dict):
            raise r.fail(f"endpoints.{ep}", "expected parameter -> list of observations")
        endpoints[ep] = {}
        for p, obs in params.items():
            pw = f"endpoints.{ep}.{p or '(route)'}"
            if not isinstance(obs, list):
                raise r.fail(pw, "expected a list of observations")
            out = []
            for k, o in enumerate(obs):
                ow = f"{pw}[{k}]"
                if not isinstance(o, dict):
                    raise r.fail(ow, "expected an object")
                outcome = r.get(o, "outcome", ow, str)
                if outcome not in OUTCOMES:
                    raise r.fail(f"{ow}.outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}")
                effect = r.get(o, "effect", ow, str, required=False)
                if effect is not None and effect not in EFFECTS:
                    raise r.fail(f"{ow}.effect", f"{effect!r} is not one of {', '.join(EFFECTS)}")
                config = r.get(o, "config", ow, str)
                if config not in names:
                    raise r.fail(f"{ow}.config", f"{config!r} is not one of the configurations ({', '.join(sorted(names))})")
                needs = r.get(o, "needs", ow, list, required=False, default=[])
                out.append(Observation(
                    config=config, outcome=outcome, value=r.get(o, "value", ow, str, required=False),
                    value_class=r.get(o, "value_class", ow, str, required=False, default=DEFAULT_VALUE_CLASS),
                    status=r.get(o, "status", ow, int, required=False), message=r.get(o, "message", ow, str, required=False),
                    effect=effect, observed=r.get(o, "observed", ow, str, required=False),
                    needs=tuple(str(n) for n in needs), note=r.get(o, "note", ow, str, required=False)))
            endpoints[ep][p] = out
    return Profile(
        name=r.get(data, "name", "", str), probed_at=r.get(data, "probed_at", "", str),
        probed_by=r.get(data, "probed_by", "", str), configurations=tuple(configurations), endpoints=endpoints,
        budget=r.get(data, "budget", "", int, required=False), source=Path(source) if source != "profile" else None)


def load_profile(path: Path | str) -> Profile:
    """Read and validate a profile file; ProfileError names the file and the field when it cannot be used."""
    return _load(str(Path(path).resolve()))


@lru_cache(maxsize=8)
def _load(path: str) -> Profile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{p}: no such profile; write one with `migrate doctor URL --save-profile {p.name}`") from None
    except OSError as e:
        raise ProfileError(f"{p}: cannot read the profile ({e.strerror or e})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ProfileError(f"{p}:{e.lineno}: not valid JSON ({e.msg}); a profile is the JSON `migrate doctor "
                           "--save-profile` writes") from None
    return profile_from_dict(data, str(p))


__all__ = [
    "Profile", "Observation", "Configuration", "ModelFacts", "Judgement", "ProfileError", "load_profile",
    "profile_from_dict", "DEFAULT_PROFILE_PATH", "PROFILE_FORMAT", "OUTCOMES",
]
