"""Deployment files for a ServePlan (docker compose, Kubernetes, systemd), and checks that they are valid.

The files carry the same flags as `migrate serve` would run, with the reasons as comments. Templates live in
templates/deploy/. Secrets are referenced, never written: compose interpolates them from the environment,
Kubernetes reads a Secret, systemd an EnvironmentFile.
"""

from __future__ import annotations

import json
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from migrate.serve.device import CLI_LAUNCHER, CLI_MODULE, SERVER_MODULE, positional_model
from migrate.serve.plan import API_KEY_ENV, ServePlan

VLLM_RELEASE = "v0.32.0"  # the vLLM release the compatibility catalog was proven against
DEFAULT_IMAGE = f"vllm/vllm-openai:{VLLM_RELEASE}"  # CUDA; Docker Hub, https://hub.docker.com/r/vllm/vllm-openai
# vLLM's CPU release images, published per release tag (docs: getting_started/installation/cpu, "Pre-built
# images": https://docs.vllm.ai/en/latest/getting_started/installation/cpu/). Both images install the `vllm`
# distribution, so `vllm serve` is their entry point.
CPU_IMAGES = {
    "x86_64": f"public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:{VLLM_RELEASE}",
    "aarch64": f"public.ecr.aws/q9t5s3a7/vllm-arm64-cpu-release-repo:{VLLM_RELEASE}",
}
ARCH_ALIASES = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64"}


def default_image(device: str, arch: str | None = None) -> str:
    """The official image for the plan's device: CUDA, or the CPU image for `arch` (default: this machine's)."""
    if device != "cpu":
        return DEFAULT_IMAGE
    arch = (arch or platform.machine()).lower()
    arch = ARCH_ALIASES.get(arch, arch)
    if arch not in CPU_IMAGES:
        raise ValueError(f"vLLM publishes CPU images for {', '.join(CPU_IMAGES)}, not {arch}: pass --image")
    return CPU_IMAGES[arch]


CLI_ENTRYPOINT = ["vllm", "serve"]  # CLI_LAUNCHER's form, as the images run it


@dataclass(frozen=True)
class DeployTarget:
    name: str
    template: str
    filename: str


TARGETS = {
    "docker-compose": DeployTarget("docker-compose", "deploy/docker-compose.yml.j2", "compose.yaml"),
    "kubernetes": DeployTarget("kubernetes", "deploy/kubernetes.yaml.j2", "vllm-kubernetes.yaml"),
    "systemd": DeployTarget("systemd", "deploy/vllm.service.j2", "vllm.service"),
}


def render_deploy(plan: ServePlan, target: str, *, image: str | None = None, gpus: int = 1, name: str = "vllm",
                  python: str | None = None, user: str = "vllm", cache_size: str = "100Gi",
                  filename: str | None = None, replicas: int = 1) -> str:
    """The text of one deployment file. `gpus=0` leaves GPU requests out (a CPU image or node).

    `replicas` > 1 (Kubernetes): a fleet. A StatefulSet of that many servers (each with its own model cache),
    the API key from the Secret `<name>-secrets` (VLLM_API_KEY: a shared fleet always checks one), the usual
    Service, and a headless Service `<name>-replicas` that names each replica (`<name>-0.<name>-replicas`), so
    that a parity replay spreads its requests over them (`migrate parity --engine ray --candidate URL ...`):
    a client's keep-alive connections through the one Service address would reach only a few pods.

    `image` defaults to the official image for the plan's device (default_image). Containers run `vllm serve`
    (the images' own entry point); systemd runs the plan's launcher with `python` (the host's vLLM decides).
    """
    if target not in TARGETS:
        raise ValueError(f"unknown deployment target {target!r}; choose one of {', '.join(TARGETS)}")
    if not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name):
        raise ValueError(f"name {name!r} must be lower-case letters, digits and '-' (a DNS label)")
    if replicas < 1:
        raise ValueError(f"replicas must be at least 1, got {replicas}")
    if replicas > 1 and target != "kubernetes":
        raise ValueError(f"--replicas {replicas} is for --emit kubernetes (a fleet behind a Service); {target} runs one server")
    spec = TARGETS[target]
    secret_env = dict(plan.secret_env)
    if replicas > 1:
        secret_env.setdefault(API_KEY_ENV, API_KEY_ENV)
    args, model_mount = _container_args(plan, target)
    context = dict(
        name=name,
        image=image or default_image(plan.device),
        cpu=plan.device == "cpu",
        gpus=gpus,
        port=plan.port,
        args=args,
        env=dict(plan.env),
        secret_env=secret_env,
        replicas=replicas,
        replica_urls=[f"http://{name}-{i}.{name}-replicas:{plan.port}/v1" for i in range(replicas)],
        model=plan.model,
        model_mount=model_mount,
        reasons=[{"flag": r.label, "value": " ".join(r.values), "reason": r.reason} for r in plan.reasons],
        launch=CLI_LAUNCHER.reason if target != "systemd" else plan.launcher.reason,
        warnings=list(plan.warnings),
        version=_version(),
        filename=filename or (f"{name}.service" if target == "systemd" else spec.filename),
        user=user,
        cache_size=cache_size,
        exec_start=_exec_start(plan, python or sys.executable),
    )
    return _environment().get_template(spec.template).render(**context)


def default_filename(target: str, name: str = "vllm") -> str:
    return f"{name}.service" if target == "systemd" else TARGETS[target].filename


def _container_args(plan: ServePlan, target: str) -> tuple[list[str], dict | None]:
    """Server arguments as a container runs them: listen on all interfaces; a local model mounted under /models."""
    args = list(plan.server_args)
    mount = None
    if target != "systemd":
        info = plan.model_info
        if info is not None and info.is_local:
            host_path = str(Path(plan.model).expanduser().resolve())
            container = str(PurePosixPath("/models") / Path(host_path).name)
            mount = {"host": host_path, "container": container}
            args = [container if (i > 0 and args[i - 1] == "--model") else a for i, a in enumerate(args)]
        if "--host" in args:
            i = args.index("--host")
            args[i + 1] = "0.0.0.0"
        else:
            args += ["--host", "0.0.0.0"]
        return positional_model(args), mount  # the images run `vllm serve MODEL ...`
    elif "--host" not in args:
        args += ["--host", "0.0.0.0"]
    return args, mount


def _exec_start(plan: ServePlan, python: str) -> str:
    args, _ = _container_args(plan, "systemd")
    # systemd expands $VAR and % specifiers in ExecStart: escape both.
    quoted = [shlex.quote(a).replace("%", "%%").replace("$", "$$") for a in plan.launcher.argv(python, args)]
    return " ".join(quoted)


def _yaml_scalar(value) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def _compose_scalar(value) -> str:
    return _yaml_scalar(str(value).replace("$", "$$"))  # compose interpolates $VAR in values


def _systemd_quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$") + '"'


def _environment():
    from migrate.templating import environment

    env = environment().overlay()
    env.filters["q"] = _yaml_scalar
    env.filters["sq"] = _systemd_quoted
    return env


def _version() -> str:
    from migrate._version import __version__

    return __version__


# --- validation -------------------------------------------------------------------------------------------------


def validate_deploy(target: str, text: str, *, use_tools: bool = True) -> list[str]:
    """Problems with a rendered file ([] when valid). Uses `docker compose config` / `systemd-analyze verify`
    when those tools are installed, and structural checks always."""
    checks = {"docker-compose": _check_compose, "kubernetes": _check_kubernetes, "systemd": _check_systemd}
    return checks[target](text, use_tools)


def _check_compose(text: str, use_tools: bool) -> list[str]:
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        return [f"not valid YAML: {e}"]
    problems = []
    services = (doc or {}).get("services") or {}
    if len(services) != 1:
        return [f"expected one service, found {len(services)}"]
    (name, svc), = services.items()
    for key in ("image", "command", "ports", "healthcheck"):
        if key not in svc:
            problems.append(f"services.{name}.{key} is missing")
    if "/health" not in json.dumps(svc.get("healthcheck", {})):
        problems.append(f"services.{name}.healthcheck does not probe /health")
    if svc.get("entrypoint") != CLI_ENTRYPOINT or not isinstance(svc.get("command"), list) \
            or not svc["command"] or str(svc["command"][0]).startswith("-"):
        problems.append(f"services.{name} does not run `vllm serve MODEL`")
    if use_tools and _docker_compose_available():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "compose.yaml"
            path.write_text(text)
            done = subprocess.run(["docker", "compose", "-f", str(path), "config", "--quiet"], capture_output=True,
                                  text=True, timeout=60, env={"PATH": _path(), "OPENAI_API_KEY": "x", "VLLM_API_KEY": "x"})
            if done.returncode:
                problems.append(f"docker compose config: {done.stderr.strip()}")
    return problems


def _check_kubernetes(text: str, use_tools: bool) -> list[str]:
    import yaml

    try:
        docs = [d for d in yaml.safe_load_all(text) if d]
    except yaml.YAMLError as e:
        return [f"not valid YAML: {e}"]
    problems = []
    kinds = {d.get("kind"): d for d in docs}
    for doc in docs:
        if not doc.get("apiVersion") or not doc.get("kind") or not (doc.get("metadata") or {}).get("name"):
            problems.append(f"a document lacks apiVersion/kind/metadata.name: {str(doc)[:80]}")
    deployment = kinds.get("Deployment") or kinds.get("StatefulSet")
    if deployment is None:
        return problems + ["no Deployment or StatefulSet"]
    pod = deployment["spec"]["template"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    if any(pod["metadata"]["labels"].get(k) != v for k, v in selector.items()):
        problems.append("the Deployment's selector does not match its pod labels")
    containers = pod["spec"].get("containers") or []
    if not containers:
        return problems + ["the Deployment has no containers"]
    c = containers[0]
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
    if not ports:
        problems.append("the container exposes no port")
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = (c.get(probe) or {}).get("httpGet") or {}
        if get.get("path") != "/health" or (get.get("port") not in ports and get.get("port") not in ports.values()):
            problems.append(f"{probe} does not GET /health on the container's port")
    if c.get("command") != CLI_ENTRYPOINT or not c.get("args") or str(c["args"][0]).startswith("-"):
        problems.append("the container does not run `vllm serve MODEL`")
    mounts = {m["name"] for m in c.get("volumeMounts", [])}
    volumes = {v["name"] for v in pod["spec"].get("volumes", [])}
    volumes |= {t["metadata"]["name"] for t in deployment["spec"].get("volumeClaimTemplates", [])}
    if mounts - volumes:
        problems.append(f"volumeMounts without volumes: {sorted(mounts - volumes)}")
    services = [d for d in docs if d.get("kind") == "Service"]
    if not services:
        problems.append("no Service")
    for service in services:
        if service["spec"]["selector"] != selector:
            problems.append(f"the Service {service['metadata']['name']} selects other pods than the {deployment['kind']}'s")
    if deployment["kind"] == "StatefulSet":
        headless = [s for s in services if s["spec"].get("clusterIP") == "None"]
        if not headless or deployment["spec"].get("serviceName") != headless[0]["metadata"]["name"]:
            problems.append("the StatefulSet's serviceName is not a headless Service: its replicas have no names")
    return problems


def _check_systemd(text: str, use_tools: bool) -> list[str]:
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = sections.setdefault(stripped[1:-1], {})
        elif "=" in stripped and current is not None:
            key, value = stripped.split("=", 1)
            current.setdefault(key.strip(), []).append(value.strip())
        else:
            problems.append(f"line {number}: not a section header or Key=Value: {stripped[:60]}")
    for section in ("Unit", "Service", "Install"):
        if section not in sections:
            problems.append(f"[{section}] section is missing")
    exec_start = sections.get("Service", {}).get("ExecStart", [])
    if len(exec_start) != 1:
        problems.append("[Service] needs exactly one ExecStart")
    elif not (f"{SERVER_MODULE} --model" in exec_start[0] or f"{CLI_MODULE} serve " in exec_start[0]):
        problems.append("ExecStart does not start vLLM's OpenAI server (the module with --model, or `vllm serve`)")
    elif not exec_start[0].split()[0].startswith("/"):
        problems.append("ExecStart must start with an absolute path")
    if use_tools and not problems and shutil.which("systemd-analyze"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "vllm-check.service"
            path.write_text(text)
            done = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60)
            # verify also complains about the environment (no such user on this machine, missing EnvironmentFile):
            # keep only what is about the unit file's syntax.
            relevant = [line for line in done.stderr.splitlines()
                        if str(path) in line and not re.search(r"User|EnvironmentFile|Failed to load", line)]
            problems += [f"systemd-analyze verify: {line}" for line in relevant]
    return problems


def _docker_compose_available() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _path() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")
