"""One local Ray for the whole test session (`ray.init(num_cpus=2)`, a small object store): starting Ray costs
seconds, so every Ray test shares it, and a subprocess driver joins it by its address."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def local_ray():
    """The address of a local Ray started for the session (2 CPUs, 80 MiB object store)."""
    import ray

    from migrate.parity.cluster.runtime import connect

    # A second driver on this machine (the resume test's subprocess) joins it: Ray's token authentication, on by
    # default, keeps its per-session token from that driver, so this throwaway local cluster runs without it.
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    if not ray.is_initialized():
        ray.init(num_cpus=2, object_store_memory=80 << 20, include_dashboard=False, log_to_driver=False,
                 configure_logging=False)
    connect()  # Ray Data settings, on the running Ray
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()
