"""Connecting to Ray and setting Ray Data up the way every stage here needs it."""

from __future__ import annotations

from typing import Any


class RayUnavailable(RuntimeError):
    """Ray (with Ray Data) is not installed, or the cluster cannot be reached."""


def ray_module() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401 - Ray Data is the part used here
    except ImportError as e:
        raise RayUnavailable(f"--engine ray needs Ray Data: pip install 'migrate-kit[ray]' ({e})") from None
    return ray


def connect(address: str | None = None, *, num_cpus: int | None = None,
            object_store_memory: int | None = None) -> Any:
    """Join the cluster at `address` (`auto`, `ray://head:10001`, a GCS address), or start a local one when None;
    a driver already connected stays connected. Ray Data keeps the input's order (the run file is written in the
    order of the recordings, as compare writes verdicts in the order of the run) and shows no progress bars."""
    ray = ray_module()
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"address": address, "log_to_driver": False, "include_dashboard": False,
                                  "configure_logging": False}
        if address is None:
            kwargs.update({k: v for k, v in (("num_cpus", num_cpus), ("object_store_memory", object_store_memory))
                           if v is not None})
        try:
            ray.init(**kwargs)
        except ConnectionError as e:
            raise RayUnavailable(f"cannot reach the Ray cluster at {address}: {e}") from None
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    return ray
