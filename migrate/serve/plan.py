"""Turn a codebase's needs into the exact vLLM server command, with the reason behind every flag.

    from migrate.serve import plan_server
    plan = plan_server(scan_result, model="meta-llama/Llama-3.1-8B-Instruct", config=load_config())
    plan.argv()          # ['/usr/bin/python3', '-m', 'vllm.entrypoints.openai.api_server', '--model', ...]
    plan.reasons         # (FlagReason('--tool-call-parser', ('llama3_json',), 'the code passes tools= ...', (...)), ...)

The plan is pure data (frozen, JSON-serialisable); running it and rendering deployment files are separate.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from migrate.catalog.profile import Profile
from migrate.config import Config, ConfigError
from migrate.scan.findings import Finding, ScanResult
from migrate.serve.device import (
    CLI_LAUNCHER,
    FLOAT32_ARGS,
    SERVER_MODULE,
    Device,
    Launcher,
    choose_launcher,
    detect_device,
    given_device,
    installed_vllm,
)
from migrate.serve.family import ModelInfo, inspect_model
from migrate.serve.hosts import FitError, Host, Sizing, model_footprint, read_host, size_cpu, size_gpu
from migrate.serve.needs import CodeNeeds, needs_from_findings
from migrate.serve.registry import reasoning_parsers, tool_parsers

DEFAULT_PORT = 8000
API_KEY_ENV = "VLLM_API_KEY"  # vLLM reads it like --api-key, and it stays out of `ps`


class PlanError(ValueError):
    """The server cannot be planned as asked (an unknown parser name, a bad config value, a host too small...)."""


@dataclass(frozen=True)
class FlagReason:
    """One line of the plan: a flag (None for a need that takes no flag), why, and the code behind it."""

    flag: str | None
    values: tuple[str, ...]
    reason: str
    locations: tuple[str, ...] = ()
    env: str | None = None  # the environment variable this line sets instead of a flag (NAME=value)

    @property
    def args(self) -> tuple[str, ...]:
        return (self.flag, *self.values) if self.flag else ()

    @property
    def label(self) -> str:
        """What the line sets, for tables: the flag, the environment variable, or "(no flag)"."""
        return self.flag or (f"{self.env} (env)" if self.env else "(no flag)")


@dataclass(frozen=True)
class ServePlan:
    model: str
    served_names: tuple[str, ...]
    port: int
    host: str | None
    server_args: tuple[str, ...]  # everything after `python -m vllm.entrypoints.openai.api_server`, from --model on
    reasons: tuple[FlagReason, ...]
    env: Mapping[str, str] = field(default_factory=dict)  # plain settings for the server's environment
    secret_env: Mapping[str, str] = field(default_factory=dict)  # server env var -> the env var holding the secret
    warnings: tuple[str, ...] = ()  # things to fix before cutover
    notes: tuple[str, ...] = ()
    model_info: ModelInfo | None = None
    tool_parser: str | None = None
    for_parity: bool = False
    device: str = "cuda"  # "cpu": vLLM's CPU build, with the environment and flags it needs
    launcher: Launcher = CLI_LAUNCHER  # `vllm serve` or the module form, decided from the installed distribution
    sizing: Mapping[str, object] = field(default_factory=dict)  # the host and model numbers behind the sizing

    def argv(self, python: str | None = None) -> list[str]:
        return self.launcher.argv(python or sys.executable, self.server_args)

    def command_line(self, python: str = "python") -> str:
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        secrets = " ".join(f"{k}=${v}" for k, v in self.secret_env.items())
        prefix = " ".join(p for p in (env, secrets) if p)
        return (prefix + " " if prefix else "") + shlex.join(self.launcher.display(python, self.server_args))

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "served_names": list(self.served_names),
            "port": self.port,
            "host": self.host,
            "argv": self.argv("python"),
            "command": self.command_line(),
            "server_args": list(self.server_args),
            "env": dict(self.env),
            "secret_env": dict(self.secret_env),
            "reasons": [{"flag": r.flag, "values": list(r.values), "reason": r.reason, "locations": list(r.locations),
                         **({"env": r.env} if r.env else {})} for r in self.reasons],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "model_family": self.model_info.family if self.model_info else None,
            "tool_parser": self.tool_parser,
            "device": self.device,
            "launcher": {"form": self.launcher.form, "reason": self.launcher.reason},
            "sizing": dict(self.sizing),
        }


def plan_server(
    findings: ScanResult | Iterable[Finding] | CodeNeeds,
    *,
    model: str | None = None,
    config: Config | None = None,
    for_parity: bool = False,
    max_model_len: int | None = None,
    tool_parser: str | None = None,
    reasoning_parser: str | None = None,
    chat_template: str | None = None,
    extra_served_names: Sequence[str] = (),
    host: str | None = None,
    port: int | None = None,
    extra_args: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    device: str | Device | None = None,
    cpu_kv_cache_gib: int | None = None,
    python: str | None = None,
    machine: Host | None = None,
    check_fit: bool = True,
    target: Profile | None = None,
) -> ServePlan:
    """The vLLM server this codebase needs. Arguments override the config's `[serve]` table.

    `device` is "cpu", "cuda", a `Device`, or None / "auto" to detect it from the vLLM build installed for
    `python` (default: this interpreter) and the GPUs this host shows. On a CPU the plan adds what vLLM's CPU
    build needs (see migrate.serve.device), each with its reason.

    The plan is sized for `machine` (default: this machine, read now; migrate.serve.hosts): KV cache, context
    length, GPU memory share and tensor-parallel size. When the host cannot hold the model, PlanError says so
    in one line with the fix; `check_fit=False` (deployment files for another machine) turns that into a warning.

    `target`: a target profile (`migrate doctor URL --save-profile`); the calls it refuses, ignores or takes only
    with a flag become warnings (migrate.serve.target).
    """
    config = config or Config()
    section = config.section("serve")
    environ = os.environ if environ is None else environ
    if not isinstance(findings, (CodeNeeds, ScanResult)):
        findings = list(findings)
    needs = findings if isinstance(findings, CodeNeeds) else needs_from_findings(findings)

    model = model or _setting(section, config, "model", str)
    if not model:
        raise PlanError("no model to serve: pass --model (a local directory or a hub name), "
                        "or set model in [tool.migrate.serve]")
    max_model_len = max_model_len or _setting(section, config, "max_model_len", int)
    tool_parser = tool_parser or _setting(section, config, "tool_parser", str)
    reasoning_parser = reasoning_parser or _setting(section, config, "reasoning_parser", str)
    chat_template = chat_template or _setting(section, config, "chat_template", str)
    extra_served_names = (*extra_served_names, *(_setting(section, config, "served_names", list) or ()))
    extra_args = (*(_setting(section, config, "extra_args", list) or ()), *extra_args)
    port = port or _setting(section, config, "port", int) or _port_from_base_url(config.base_url_default)
    device = device or _setting(section, config, "device", str) or "auto"
    cpu_kv_cache_gib = cpu_kv_cache_gib or _setting(section, config, "cpu_kv_cache_gib", int)
    if isinstance(device, str):
        if device not in ("auto", "cpu", "cuda"):
            raise PlanError(f"unknown device {device!r}: expected auto, cpu or cuda")
        device = detect_device(python) if device == "auto" else given_device(device)
    if cpu_kv_cache_gib is not None and cpu_kv_cache_gib < 1:
        raise PlanError(f"cpu_kv_cache_gib must be a whole number of GiB >= 1, got {cpu_kv_cache_gib}")

    info = inspect_model(model)
    reasons: list[FlagReason] = [FlagReason("--model", (model,), _model_reason(info))]
    warnings: list[str] = []
    notes: list[str] = []
    if not isinstance(findings, CodeNeeds):  # model-aware verdicts: what this model makes fail in the code
        from migrate.serve.modelfacts import model_conflicts, model_facts

        facts = model_facts(info, max_model_len)
        warnings.extend(c.describe() for c in model_conflicts(findings, facts, embeddings_route=False))
        if target is not None:
            from migrate.serve.target import target_warnings

            warnings.extend(target_warnings(findings, target))

    # Served names: what the code will send once rewritten (through the model map), plus the model's own name.
    served, served_reason, served_where = _served_names(model, needs, config, extra_served_names)
    reasons.append(FlagReason("--served-model-name", served, served_reason, served_where))
    if needs.dynamic_models:
        warnings.append("the model is chosen at run time at " + _short(needs.dynamic_models)
                        + ": make sure every name it can take is served (--served-name NAME, or [tool.migrate.models])")

    port_reason = (f"the code's default base URL {config.base_url_default} (config base_url_default)"
                   if port == _port_from_base_url(config.base_url_default) else "chosen port")
    reasons.append(FlagReason("--port", (str(port),), port_reason))
    if host:
        reasons.append(FlagReason("--host", (host,), "interface to listen on"))

    chat_like = needs.uses("chat") or needs.uses("responses")
    chosen_parser = None
    if needs.uses("tools") or tool_parser:
        chosen_parser = _tool_parser(info, tool_parser, needs, reasons, warnings)
    if needs.legacy_functions:
        warnings.append("functions= / function_call= at " + _short(needs.legacy_functions) + " are accepted and "
                        "IGNORED by vLLM (no function_call comes back; test_legacy_functions_ignored): move them "
                        "to tools= / tool_choice= (`migrate rewrite` does)")

    if reasoning_parser or (chat_like and info.reasoning_parser):
        name = reasoning_parser or info.reasoning_parser
        if name not in reasoning_parsers():
            raise PlanError(f"unknown reasoning parser {name!r}; this vLLM knows: {', '.join(sorted(reasoning_parsers()))}")
        why = ("given" if reasoning_parser else
               f"{info.family} models think aloud (<think>...</think>); without a reasoning parser that text "
               "lands in message.content, where OpenAI code expects only the answer")
        reasons.append(FlagReason("--reasoning-parser", (name,), why, needs.where("chat") or needs.where("responses")))

    if chat_template:
        reasons.append(FlagReason("--chat-template", (chat_template,),
                                  "given: replaces the model's own chat template" if info.has_chat_template else
                                  f"{model} has no chat template of its own; chat requests need one"))
    elif chat_like and info.has_chat_template is False:
        warnings.append(f"{model} has no chat template: every chat request will fail with HTTP 400. Pass "
                        "--chat-template FILE (a Jinja template for this model family), or serve an instruct "
                        "variant that ships one")
    elif chat_like and info.has_chat_template is None:
        notes.append(f"could not read {model}'s files here (not a local directory, not in the Hugging Face "
                     "cache): the chat template and model family were judged from the name only")

    if for_parity:
        reasons.append(FlagReason("--generation-config", ("vllm",),
                                  "parity runs: use vLLM's neutral sampling defaults, so only what each recorded "
                                  "request sets applies (the model's generation_config.json would silently change "
                                  "temperature/top_p from what OpenAI used)"))
    if max_model_len:
        reasons.append(FlagReason("--max-model-len", (str(max_model_len),),
                                  "context length cap (given): bounds the KV cache each request may use"))

    structured = needs.where("json_schema") or needs.where("json_object")
    if structured:
        reasons.append(FlagReason(None, (), "response_format / .parse(): vLLM 0.32 enforces JSON and JSON schema "
                                  "with its built-in structured-outputs backend (auto); no flag is needed "
                                  "(test_json_schema_accepted)", structured))

    if needs.uses("embeddings"):
        names = sorted({config.map_model(m) or m for m in needs.embedding_models}) or ["<embedding-model-name>"]
        notes.append("embeddings at " + _short(needs.where("embeddings")) + ": a generative server answers 404 on "
                     "/v1/embeddings (test_embeddings_on_generative_model_404). Serve an embedding model beside "
                     f"it: python -m {SERVER_MODULE} --model <embedding model> --runner pooling --port {port + 1} "
                     f"--served-model-name {' '.join(names)}")
    if needs.dynamic_parameters:
        notes.append("**kwargs at " + _short(needs.dynamic_parameters) + " hide which parameters are sent: check "
                     "the running server with `migrate doctor --all`")

    env: dict[str, str] = {}
    secret_env: dict[str, str] = {}
    if device.warning:
        warnings.append(device.warning)
    if machine is None:
        machine = read_host()
    if device.available_gib is not None:
        machine = dataclasses.replace(machine, available_gib=device.available_gib)
    serve_dtype = _serve_dtype(device, info, extra_args)
    if device.cpu:
        _cpu_notes(device, info, extra_args, reasons, notes)
    try:
        sizing = _size(device, machine, info, serve_dtype, cpu_kv_cache_gib, max_model_len, extra_args)
    except FitError as e:
        if check_fit:
            raise PlanError(str(e)) from None
        warnings.append(f"on this machine: {e}")
        # Still give the target what it needs to start (a CPU's KV cache), sized without this machine's facts.
        sizing = _size(device, dataclasses.replace(machine, available_gib=None, gpus=()), info, serve_dtype,
                       cpu_kv_cache_gib, None, extra_args)
    for choice in sizing.choices:
        if choice.env:
            env[choice.env] = choice.value
            reasons.append(FlagReason(None, (choice.value,), choice.reason, env=choice.env))
        else:
            reasons.append(FlagReason(choice.flag, (choice.value,), choice.reason))
    notes += sizing.notes
    warnings += sizing.warnings
    launcher = choose_launcher(device.versions if device.versions is not None else installed_vllm(python), device.kind)
    notes.append(f"launched as `{'vllm serve' if launcher.form == 'cli' else 'python -m ' + SERVER_MODULE}`: "
                 + launcher.reason)
    key_source = _api_key_source(config, environ)
    if key_source:
        secret_env[API_KEY_ENV] = key_source
        reasons.append(FlagReason(None, (), f"${key_source} is set: the server requires that key ({API_KEY_ENV} in "
                                  "its environment, so the key stays off the command line)"))

    args: list[str] = []
    for r in reasons:
        args += r.args
    args += list(extra_args)
    if extra_args:
        reasons.append(FlagReason(" ".join(extra_args), (), "passed through as given"))
    return ServePlan(model=model, served_names=served, port=port, host=host, server_args=tuple(args),
                     reasons=tuple(reasons), env=env, secret_env=secret_env, warnings=tuple(warnings),
                     notes=tuple(notes), model_info=info, tool_parser=chosen_parser, for_parity=for_parity,
                     device=device.kind, launcher=launcher, sizing=dict(sizing.facts))


def _serve_dtype(device: Device, info: ModelInfo, extra_args: Sequence[str]) -> str | None:
    """The dtype vLLM will compute in: given, float32 kept on a CPU (the plan passes --dtype float32), float32
    cast to bfloat16 on a GPU (vLLM's auto), otherwise the weights' own."""
    given = _given_dtype(extra_args)
    if given and given != "auto":
        return given
    if info.dtype == "float32" and not device.cpu:
        return "bfloat16"
    return info.dtype


def _given_dtype(extra_args: Sequence[str]) -> str | None:
    for i, a in enumerate(extra_args):
        if a == "--dtype" and i + 1 < len(extra_args):
            return extra_args[i + 1]
        if a.startswith("--dtype="):
            return a.split("=", 1)[1]
    return None


def _size(device: Device, host: Host, info: ModelInfo, serve_dtype: str | None, kv_cache_gib: int | None,
          max_model_len: int | None, extra_args: Sequence[str]) -> Sizing:
    footprint = model_footprint(info.local_dir)
    if device.cpu:
        return size_cpu(host, footprint, serve_dtype=serve_dtype, kv_cache_gib=kv_cache_gib,
                        max_model_len=max_model_len)
    given = {a.split("=")[0] for a in extra_args if a.startswith("--")}
    if "--gpu-memory-utilization" in given or "--tensor-parallel-size" in given or "-tp" in extra_args:
        return Sizing(notes=("GPU memory share / tensor-parallel size given after --: the plan does not size them",))
    return size_gpu(host, footprint, serve_dtype=serve_dtype, max_model_len=max_model_len)


def _cpu_notes(device: Device, info: ModelInfo, extra_args: Sequence[str], reasons: list[FlagReason],
               notes: list[str]) -> None:
    """What vLLM's CPU build needs beside the KV cache: keep float32 weights float32 (migrate.serve.device)."""
    notes.append(f"planned for a CPU-only host: {device.reason} ({'--device cpu given' if device.reason == 'given' else 'detected'}; "
                 "--device cuda plans for a GPU). CPU serving is slow: fine for parity runs and tests, not for load")
    if _given_dtype(extra_args):
        return
    if info.dtype == "float32":
        reasons.append(FlagReason(FLOAT32_ARGS[0], FLOAT32_ARGS[1:], "the weights are float32 (config.json) and "
                                  "vLLM-CPU casts float32 weights to bfloat16 unless told: keep their precision, so "
                                  "answers match the same weights served elsewhere"))
    elif info.dtype is None:
        notes.append(f"could not read {info.model}'s dtype here: if its weights are float32, pass `-- --dtype float32` "
                     "(vLLM-CPU casts float32 weights to bfloat16 otherwise)")


def _tool_parser(info: ModelInfo, given: str | None, needs: CodeNeeds, reasons: list[FlagReason],
                 warnings: list[str]) -> str | None:
    where = needs.where("tools")
    uses = f"the code passes tools= / tool_choice= ({_count(where, 'call')})" if where else "tool calling asked for"
    if given:
        if given not in tool_parsers():
            raise PlanError(f"unknown tool parser {given!r}; this vLLM knows: {', '.join(sorted(tool_parsers()))}")
        parser, why = given, f"{uses}; parser {given} given"
    elif info.tool_parser:
        parser, why = info.tool_parser, f"{uses}; {info.family} models write tool calls in the {info.tool_parser} format"
    else:
        warnings.append(f"the code uses tools at {_short(where)} but no tool parser is known for {info.model} "
                        f"(family {info.family}, model_type {info.model_type or 'unknown'}): pass --tool-parser NAME "
                        f"(vLLM knows {', '.join(sorted(tool_parsers()))}). Without it, tool requests fail with HTTP "
                        "400 (test_tool_choice_required_needs_parser)")
        return None
    reasons.append(FlagReason("--enable-auto-tool-choice", (),
                              "tool_choice=\"auto\" (the default when tools= is given) is refused without it: HTTP 400 "
                              "(test_tool_choice_required_needs_parser)", where))
    reasons.append(FlagReason("--tool-call-parser", (parser,), why, where))
    return parser


def _served_names(model: str, needs: CodeNeeds, config: Config,
                  extra: Sequence[str]) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    mapped: dict[str, str] = {}
    unmapped: list[str] = []
    where: list[str] = []
    for name, locations in needs.chat_models.items():
        where += locations
        target = config.map_model(name)
        if target:
            mapped[name] = target
        else:
            unmapped.append(name)
    own = model_name(model)
    names = [own]
    for n in [*sorted(set(mapped.values())), *sorted(unmapped), *extra]:
        if n not in names:
            names.append(n)
    parts = [f"{own} (the model itself{', named after its directory' if own != model else ''}; answers carry "
             "this first name)"]
    if mapped:
        parts.append("mapped by [tool.migrate.models]: " + ", ".join(f"{k} -> {v}" for k, v in sorted(mapped.items())))
    if unmapped:
        parts.append("sent as-is, no model-map entry: " + ", ".join(sorted(unmapped)))
    if extra:
        parts.append("given: " + ", ".join(extra))
    if not (mapped or unmapped):
        parts.append("the code names no model literally")
    return tuple(names), "; ".join(parts), tuple(where)


def model_name(model: str) -> str:
    """The model's own served name: a hub name as given, a local directory by its name (not its path, which
    differs between a laptop, a container and a host)."""
    path = Path(model).expanduser()
    return path.resolve().name if path.is_dir() else model


def _model_reason(info: ModelInfo) -> str:
    where = f"local directory {info.local_dir}" if info.is_local else (
        f"hub model (cached at {info.local_dir})" if info.local_dir else "hub model (not in the local cache)")
    family = f", family {info.family}" if info.family != "unknown" else ""
    return f"{where}{family}"


def _api_key_source(config: Config, environ: Mapping[str, str]) -> str | None:
    for name in (API_KEY_ENV, config.api_key_env):
        value = environ.get(name, "")
        if value and value != config.api_key_default and value != "EMPTY":
            return name
    return None


def _port_from_base_url(url: str) -> int:
    try:
        parts = urlsplit(url)
        return parts.port or DEFAULT_PORT
    except ValueError:
        return DEFAULT_PORT


def _setting(section: Mapping, config: Config, key: str, kind: type):
    value = section.get(key)
    if value is None:
        return None
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{config.source}: serve.{key} must be a list of strings, got {value!r}")
        return value
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ConfigError(f"{config.source}: serve.{key} must be {kind.__name__}, got {value!r}")
    return value


def _count(locations: Sequence[str], noun: str) -> str:
    return f"{len(locations)} {noun}{'' if len(locations) == 1 else 's'}"


def _short(locations: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(locations[:limit])
    return shown + (f" and {len(locations) - limit} more" if len(locations) > limit else "")
