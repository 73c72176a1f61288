"""Plan the Python files and notebooks of a rewrite in parallel: one file per task, results in input order.

A LibCST rewrite costs tens to hundreds of milliseconds per file, against about a millisecond to scan it, so a
pool pays off as soon as a handful of files need it and there are idle CPUs to run it (the same measure of idle
CPUs the scan uses, `migrate.scan._default_jobs`). Each task carries everything it needs (the candidate, its bytes,
the configuration and the rule set) and the worker function is importable, so the pool works under any start
method: forkserver on Linux (the server preloads LibCST and the rules once; each worker starts from it warm and
without the parent's threads), spawn elsewhere. The results are identical to the serial path's: the same
function runs on the same inputs, and they come back in the order the files were given.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

POOL_MIN_FILES = 6  # fewer files than this: a pool's start-up (about 0.3 s) costs more than it saves
PRELOAD = ("libcst", "migrate.rewrite.python", "migrate.rewrite.plan", "migrate.rewrite.rules._base", "migrate.rewrite.warmup")

Work = Callable[..., Any]  # work(item, *shared) -> result; importable (pickled by reference)


def default_jobs() -> int:
    """The CPUs other work leaves idle (see migrate.scan._default_jobs)."""
    from migrate.scan import _default_jobs

    return _default_jobs()


def run(work: Work, items: Sequence[Any], shared: tuple = (), *, jobs: int | None = None,
        sizes: Sequence[int] | None = None, context: str | None = None) -> Iterator[Any]:
    """work(item, *shared) for every item, in a pool when it pays; yields the results in the order of `items`.

    `sizes` (e.g. the byte length of each file) lets the pool start the largest files first, so that one big file
    does not run alone at the end. `context` forces a start method ("spawn", "forkserver", "fork"; for tests).
    """
    return Workers(work, shared, len(items), jobs=jobs, context=context).run(items, sizes)


class Workers:
    """A pool for `work`, started as soon as it is known to pay (`expected` items), in the background: its start
    (a server process that imports LibCST and the rules, then one fork per worker) overlaps what the caller does
    before it hands the items over. `run` then works as the function of that name."""

    def __init__(self, work: Work, shared: tuple = (), expected: int = 0, *, jobs: int | None = None,
                 context: str | None = None) -> None:
        self.work, self.shared, self.context = work, shared, context
        self.jobs = jobs or default_jobs()
        self._starting = None
        self._pool = None
        if self._pays(expected):
            import threading

            self._starting = threading.Thread(target=self._start, args=(min(self.jobs, expected),), daemon=True)
            self._starting.start()

    def _pays(self, count: int) -> bool:
        return min(self.jobs, count) > 1 and count >= POOL_MIN_FILES

    def _start(self, jobs: int) -> None:
        try:
            self._pool = _pool(jobs, self.context, self.work, self.shared)
        except Exception as e:  # noqa: BLE001 - said again where the pool is needed
            self._pool = e

    def run(self, items: Sequence[Any], sizes: Sequence[int] | None = None) -> Iterator[Any]:
        if self._starting is None and self._pays(len(items)):
            self._start(min(self.jobs, len(items)))
        elif self._starting is not None:
            self._starting.join()
        pool, self._pool = self._pool, None
        if isinstance(pool, Exception):
            raise pool
        if pool is not None and not items:
            pool.terminate()
            pool.join()
            pool = None
        if pool is None:
            return self._serial(items)
        return self._pooled(pool, items, sizes)

    def _serial(self, items: Sequence[Any]) -> Iterator[Any]:
        for item in items:
            with young_collections_only():
                result = self.work(item, *self.shared)
            yield result

    @staticmethod
    def _pooled(pool, items: Sequence[Any], sizes: Sequence[int] | None) -> Iterator[Any]:
        order = sorted(range(len(items)), key=lambda i: -sizes[i]) if sizes is not None else list(range(len(items)))
        try:
            done: dict[int, Any] = {}
            next_out = 0
            for index, result in pool.imap_unordered(_task, [(i, items[i]) for i in order], chunksize=1):
                done[index] = result
                while next_out in done:  # hand results on in input order as soon as the prefix is complete
                    yield done.pop(next_out)
                    next_out += 1
        finally:
            pool.terminate()
            pool.join()

    def close(self) -> None:
        """Stop a pool that was started and never used."""
        if self._starting is not None:
            self._starting.join()
        pool, self._pool = self._pool, None
        if pool is not None and not isinstance(pool, Exception):
            pool.terminate()
            pool.join()


def _pool(jobs: int, context: str | None, work: Work, shared: tuple):
    import multiprocessing

    if context is None:
        context = "forkserver" if sys.platform.startswith("linux") else "spawn"
    ctx = multiprocessing.get_context(context)
    if context == "forkserver":
        ctx.set_forkserver_preload(list(PRELOAD))
    return ctx.Pool(jobs, initializer=_init, initargs=(work, shared))


_WORK: Work | None = None
_SHARED: tuple = ()


def _init(work: Work, shared: tuple) -> None:
    global _WORK, _SHARED
    # LibCST trees are acyclic and dropped after each file; in a short-lived worker the cyclic collector
    # only costs time (it runs every few hundred allocations, and a tree is hundreds of thousands).
    gc.disable()
    _WORK, _SHARED = work, shared


def _task(job: tuple[int, Any]) -> tuple[int, Any]:
    index, item = job
    assert _WORK is not None
    try:
        return index, _WORK(item, *_SHARED)
    finally:
        gc.collect(0)  # what one file left in a cycle, and only that (see young_collections_only)


@contextmanager
def young_collections_only():
    """One file's work (or another pass over the tree's syntax) without Python's cyclic collector, then one
    collection of what that work allocated.

    A rewrite allocates hundreds of thousands of LibCST nodes per file; the collector runs every 700 allocations
    and so walks them again and again (a quarter of a serial rewrite's time). Trees hold no cycles and the few
    cycles a rule makes (an analysis that points back at its rule) die with the file: one young-generation
    collection after it frees them, whatever the file left. The collector's state is restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(0)
        if enabled:
            gc.enable()
