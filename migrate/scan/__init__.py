"""`migrate scan`: every OpenAI use in a Python, JavaScript or TypeScript codebase, and what will break on vLLM.

    import migrate
    result = migrate.scan(["./repo"])          # ScanResult: findings (assessed), skipped files, counts
    for f in result.findings:
        print(f.location, f.kind.value, f.endpoint, f.model, f.verdict)

How it runs (docs/detection.md has the rules):

1. walk.py lists the files (gitignore, excludes, vendored folders);
2. each file's bytes go through the pre-filter (prefilter.py, a substring search);
3. files that pass are parsed (Python with `ast`, JS/TS with tree-sitter: detect/javascript/) and analysed,
   in a pool of forked workers when there are many and idle CPUs to run it (`_default_jobs`);
4. calls through clients or constants imported from other modules of the tree are settled
   (detect/crossmodule.py), then assess.py gives every finding its verdict from the catalog.

Nothing heavy is imported on the way: no openai, vllm, libcst, jinja2 or rich.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Sequence

from migrate.scan.findings import ScanResult, Skipped

ProgressCallback = Callable[[int, int | None, str], None]  # (files done, files total or None, current path)

POOL_MIN_FILES = 4_000  # trees this big go to the pool whole: reading and pre-filtering are shared too
POOL_MIN_CANDIDATES = 48  # smaller trees: a pool starts once this many files need parsing
CHUNK = 8  # candidate files per task: small, so that the workers stay balanced on uneven files
FILE_CHUNK = 48  # files (mostly not candidates) per task when the pool reads them
PROGRESS_EVERY = 200


def scan(
    paths: Sequence[str | Path],
    *,
    exclude: Sequence[str] = (),
    include_vendored: bool = False,
    respect_gitignore: bool = True,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    target: "str | Path | None" = None,
) -> ScanResult:
    """Scan files and folders for OpenAI use. Bad files are reported in `skipped`; the scan never stops.

    `target`: a target profile file (`migrate doctor URL --save-profile FILE`) to judge the code against
    instead of the shipped vLLM profile; a bad file raises migrate.catalog.profile.ProfileError before the walk.
    """
    from migrate._version import __version__
    from migrate.scan.detect import known_endpoints, sort_key
    from migrate.scan.walk import iter_paths

    from migrate.catalog import load_catalog

    started = time.perf_counter()
    catalog = load_catalog(target=target)
    roots = [Path(p) for p in paths]
    skipped: list[Skipped] = []
    walk = iter_paths(roots, exclude=tuple(exclude), include_vendored=include_vendored,
                      respect_gitignore=respect_gitignore, skipped=skipped)
    files, results = _detect_all(walk, known_endpoints(), jobs, progress)

    findings, deferred, shaped, parsed = [], [], [], 0
    uses_openai = lookalike = False
    for result in results:
        findings.extend(result.findings)
        deferred.extend(result.deferred)
        skipped.extend(result.skipped)
        shaped.extend(result.shaped)
        uses_openai |= result.imports_openai
        lookalike |= result.imports_lookalike
        parsed += result.parsed
    if shaped and uses_openai and not lookalike and not _tree_imports_lookalike(files):
        findings.extend(shaped)  # SDK-shaped calls on a client handed in from a module that imports openai
    if deferred:
        from migrate.scan.detect.crossmodule import ModuleIndex, settle
        from migrate.scan.detect.javascript.detectors import JsDeferred

        js_deferred = [d for d in deferred if isinstance(d, JsDeferred)]
        python_deferred = [d for d in deferred if not isinstance(d, JsDeferred)]
        if python_deferred:
            findings.extend(settle(python_deferred, ModuleIndex(_module_files(files, roots))))
        if js_deferred:
            from migrate.scan.detect.javascript.crossmodule import settle as settle_js

            findings.extend(settle_js(js_deferred, files))

    from migrate.scan.assess import assess

    findings = sorted(assess(findings, catalog=catalog), key=sort_key)
    skipped.sort(key=lambda s: (s.path, s.line or 0, s.reason))
    return ScanResult(
        roots=tuple(str(p) for p in paths),
        findings=tuple(findings),
        skipped=tuple(skipped),
        files_scanned=len(files),
        files_parsed=parsed,
        catalog=catalog.info(),
        tool_version=__version__,
        duration_s=round(time.perf_counter() - started, 4),
    )


def _tree_imports_lookalike(files) -> bool:
    """Some Python file of the tree imports another provider's SDK of the OpenAI shape (a file the pre-filter
    did not parse, say `from groq import Groq`). Read again only when there are SDK-shaped calls to settle."""
    from migrate.scan.detect import read_bytes
    from migrate.scan.prefilter import imports_lookalike

    for path, rel in files:
        if rel.endswith((".py", ".pyw", ".ipynb")):
            try:
                if imports_lookalike(read_bytes(path)):
                    return True
            except OSError:
                continue
    return False


def _module_files(files, roots):
    """The files imports are looked up in: the scanned ones, and when files were named one by one (a pre-commit
    hook passes the staged files), also the Python files of their git repositories, so that a client imported
    from a module that is not staged is still followed. Lazy: `git ls-files` runs only if an import is looked up,
    and only the modules asked for are parsed."""
    yield from files
    named = [Path(r) for r in roots if Path(r).is_file()]
    if not named:
        return
    import subprocess

    seen = {path for path, _ in files}
    tops: set[str] = set()
    for root in named:
        try:
            top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root.resolve().parent,
                                 capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        if not top or top in tops:
            continue
        tops.add(top)
        try:
            listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
                                      "*.py", "*.pyw"], cwd=top, capture_output=True, timeout=60).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        for rel in listing.decode("utf-8", "surrogateescape").split("\0"):
            path = os.path.join(top, rel)
            if rel and path not in seen:
                seen.add(path)
                yield path, rel


def _detect_all(walk, endpoints, jobs, progress):
    """Run the detector over every file the walk yields, in this process or in a fork pool.

    Returns (files, results): every (path, rel) walked, deduplicated, and one FileResult per file looked at.
    Big trees go to a pool that starts while the walk goes on; workers read, pre-filter and parse. Smaller
    trees are read and pre-filtered here, and a pool starts only once enough files to parse turn up, so a
    tree with no OpenAI use never pays for one.
    """
    import gc

    jobs = jobs or _default_jobs()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # ASTs are acyclic and analyzers are released explicitly: the cyclic GC only costs time here
    pool = None
    try:
        seen: set[str] = set()
        files: list[tuple[str, str]] = []
        pending, submitted = [], 0
        for path, rel in walk:
            if path in seen:
                continue
            seen.add(path)
            files.append((path, rel))
            if pool is None:
                if jobs > 1 and len(files) >= POOL_MIN_FILES and _can_fork():
                    pool = _start_pool(jobs, endpoints)
            while pool is not None and len(files) - submitted >= FILE_CHUNK:
                pending.append(pool.apply_async(_work, (files[submitted:submitted + FILE_CHUNK],)))
                submitted += FILE_CHUNK
        if pool is None:
            return files, _detect_adaptive(files, endpoints, jobs, progress)
        if submitted < len(files):
            pending.append(pool.apply_async(_work, (files[submitted:],)))
        total, done, results = len(files), 0, []
        for item in pending:
            chunk_results = item.get()
            results.extend(chunk_results)
            done += FILE_CHUNK
            if progress is not None:
                progress(min(done, total), total, chunk_results[-1].rel if chunk_results else "")
        return files, results
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if gc_was_enabled:
            gc.enable()


def _detect_adaptive(files, endpoints, jobs, progress):
    from migrate.scan.detect import FileResult, detect_file, read_bytes
    from migrate.scan.detect.javascript.parse import is_js_name
    from migrate.scan.prefilter import js_candidate, python_candidate, text_file_candidate

    total = len(files)
    results: list[FileResult] = []
    candidates: list[tuple[str, str, bytes]] = []
    pool = None
    pending = []  # async results from the pool
    batch: list[tuple[str, str]] = []
    try:
        for done, (path, rel) in enumerate(files, 1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, total, rel)
            try:
                data = read_bytes(path)
            except OSError:
                results.append(detect_file(path, rel, endpoints))  # fails again inside: becomes a Skipped entry
                continue
            if rel.endswith((".py", ".pyw", ".ipynb")):
                if not python_candidate(data):
                    continue
            elif not (js_candidate(data) if is_js_name(rel.rsplit("/", 1)[-1]) else text_file_candidate(data)):
                continue
            if pool is None:
                candidates.append((path, rel, data))
                if jobs > 1 and len(candidates) >= POOL_MIN_CANDIDATES and _can_fork():
                    pool = _start_pool(jobs, endpoints)
                    for i in range(0, len(candidates), CHUNK):
                        pending.append(pool.apply_async(_work, ([(p, r) for p, r, _ in candidates[i:i + CHUNK]],)))
                    candidates = []
            else:
                batch.append((path, rel))
                if len(batch) >= CHUNK:
                    pending.append(pool.apply_async(_work, (batch,)))
                    batch = []
        if pool is not None:
            if batch:
                pending.append(pool.apply_async(_work, (batch,)))
            for item in pending:
                results.extend(item.get())
        else:
            for path, rel, data in candidates:
                results.append(detect_file(path, rel, endpoints, data=data))
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    if progress is not None:
        progress(total, total, "")
    return results


def _default_jobs() -> int:
    """Worker processes when the caller gives none: the CPUs that other work leaves idle.

    A pool only pays when its workers get cores of their own. On the project's 2-core machine (site-packages,
    24k files): 2.0 s with two workers against 3.0 s in one process when nothing else runs, but no gain
    (or a loss) at a load of 1.5-3 from other work, where the workers and the parent take turns on one core
    and fork and pickling are pure cost. Other work is the smaller of the 1-minute load average (which also
    counts this program's own recent runs, e.g. in a benchmark loop) and the threads runnable right now
    besides this one (a snapshot that misses work that just paused); a core counts as free when less than
    a quarter of it is in use.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if cores < 2:
        return 1
    busy = _other_load()
    if busy is None:
        return cores
    return max(1, min(cores, int(cores - busy + 0.75)))


def _other_load(proc_loadavg: str = "/proc/loadavg") -> float | None:
    """How many CPUs' worth of other work is running, or None when the system does not say."""
    try:
        average = os.getloadavg()[0]
    except (AttributeError, OSError):
        return None
    try:
        with open(proc_loadavg, "rb") as fh:
            runnable = int(fh.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return average
    return min(average, max(0, runnable - 1))


_ENDPOINTS: frozenset[str] = frozenset()


def _init_worker(endpoints) -> None:
    global _ENDPOINTS
    import gc

    gc.disable()  # short-lived worker: trees are dropped after each file; the cyclic GC only costs time here
    _ENDPOINTS = endpoints


def _work(batch):
    """Detect in a worker; only results with something in them travel back."""
    from migrate.scan.detect import detect_file

    out = []
    for path, rel in batch:
        result = detect_file(path, rel, _ENDPOINTS)
        if result.parsed or result.skipped:
            out.append(result)
    return out


def _can_fork() -> bool:
    import sys

    return sys.platform.startswith("linux")


def _start_pool(jobs: int, endpoints):
    """A fork pool, which starts in milliseconds, when this process runs one thread; else the forkserver's.

    A fork copies only the calling thread: a lock another thread held at that moment (the allocator's, a
    logging handler's, an import's) stays held in the child for good, and the worker hangs on its first use.
    A caller with threads (a server thread in a test run, an application embedding the scan) gets workers
    forked from a clean single-threaded server instead, at the cost of importing the detector in each.
    """
    import multiprocessing
    import threading

    method = "fork" if threading.active_count() == 1 else "forkserver"
    return multiprocessing.get_context(method).Pool(jobs, initializer=_init_worker, initargs=(endpoints,))


__all__ = ["scan", "ScanResult", "ProgressCallback"]
