"""Run `migrate pr` (or survey the state) over many repositories, some at a time, each step recorded.

Per repository: ask the remote what it holds (`git ls-remote`), skip it when nothing changed since the last
successful run, else clone or fetch, scan, and hand over to `migrate pr`'s workflow (create_pr), which plans the
rewrite, commits, pushes and opens or refreshes the pull request. The outcome is written to the work folder's
state after each step. Any error ends that repository's turn as "failed" with the reason; the others go on.

Resuming after an interruption (even kill -9) is a second run: finished repositories are skipped by the
unchanged check, a branch already pushed is reused (same parent, same tree: no new commit), and the open pull
request for the branch is looked up before one is created, so no duplicate is ever opened.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate._version import __version__
from migrate.fleet import workspace
from migrate.fleet.outcome import FINAL, RepoOutcome, classify, count_by_status, total_verdicts
from migrate.fleet.sources import RepoList, RepoSource
from migrate.fleet.state import StateStore, now

PROBES = 8  # `git ls-remote` calls in flight: network waits, not CPU work
Event = Callable[[str, RepoSource, Any], None]  # ("start" | "step" | "done", source, step name or RepoOutcome)


@dataclass(frozen=True)
class FleetOptions:
    workdir: Path
    jobs: int = 4
    dry_run: bool = False
    survey: bool = False  # `migrate report`: read-only (no commit, no push, no pull request, no state written)
    refresh: bool = False  # redo repositories even when nothing changed since the last run
    pr: Mapping[str, Any] = field(default_factory=dict)  # `migrate pr` options given on the command line
    config_path: Path | None = None  # one config for every repository; None: each repository's own
    target: Path | None = None  # a target profile (the caller has applied it here; workers apply it themselves)
    env: Mapping[str, str] | None = None


@dataclass
class FleetResult:
    outcomes: list[RepoOutcome]
    notes: list[str]
    started: str
    finished: str
    seconds: float
    dry_run: bool
    survey: bool
    workdir: str

    @property
    def counts(self) -> dict[str, int]:
        return count_by_status(self.outcomes)

    @property
    def ok(self) -> bool:
        return not any(o.status == "failed" for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "migrate.fleet-report",
            "version": 1,
            "tool_version": __version__,
            "mode": "report" if self.survey else ("dry-run" if self.dry_run else "pr"),
            "started": self.started,
            "finished": self.finished,
            "seconds": round(self.seconds, 2),
            "workdir": self.workdir,
            "repositories": len(self.outcomes),
            "counts": self.counts,
            "verdicts": total_verdicts(self.outcomes),
            "unchanged": sum(o.unchanged for o in self.outcomes),
            "notes": self.notes,
            "repos": [o.to_dict() for o in self.outcomes],
        }


def run_fleet(repos: RepoList, options: FleetOptions, *, on_event: Event | None = None) -> FleetResult:
    """Process every repository in `repos` (queries already resolved). Raises state.WorkdirBusy if another run
    holds the work folder; every other failure is one repository's outcome."""
    started, clock = now(), time.perf_counter()
    emit = on_event or (lambda kind, source, info: None)
    store = StateStore(options.workdir)
    store.lock()
    try:
        store.clean_leftovers()
        workspace.clean_partials(options.workdir / "repos")
        fingerprint = _fingerprint(options)
        outcomes: dict[str, RepoOutcome] = {}

        def finished(source: RepoSource, outcome: RepoOutcome) -> None:
            outcomes[source.key] = outcome
            emit("done", source, outcome)

        worker = _Worker(options, store, fingerprint, emit)
        probes = ThreadPoolExecutor(max_workers=PROBES, thread_name_prefix="fleet-probe")
        try:
            asked = {probes.submit(worker.probe, source): source for source in repos.sources}
            ready = _probed(asked, finished)  # (source, probe) pairs that need work, as their answers come in
            if options.jobs <= 1:
                for source, state in ready:
                    finished(source, worker.process(source, state))
            else:
                _in_pool(ready, options, fingerprint, finished)
        except BaseException:
            probes.shutdown(wait=False, cancel_futures=True)
            raise
        probes.shutdown()
        ordered = [outcomes[s.key] for s in repos.sources]
        for problem in repos.problems:
            ordered.append(RepoOutcome(key=f"problem/{problem.origin}", name=problem.text, url="", origin=problem.origin,
                                       status="failed", reason=problem.reason))
        return FleetResult(ordered, list(repos.notes), started, now(), time.perf_counter() - clock,
                           options.dry_run, options.survey, str(options.workdir))
    finally:
        store.unlock()


def _probed(asked: dict, finished) -> Iterator[tuple[RepoSource, workspace.Probe]]:
    """The repositories that need work, as their probes answer; the others are finished on the spot."""
    for future in as_completed(asked):
        source = asked[future]
        done, state = future.result()  # probe() never raises
        if done is not None:
            finished(source, done)
        else:
            yield source, state


def _in_pool(ready: Iterator[tuple[RepoSource, workspace.Probe]], options: FleetOptions, fingerprint: str,
             finished) -> None:
    """Work on `options.jobs` repositories at a time, each in a worker process of its own.

    Processes, not threads: planning a rewrite is Python work (LibCST) that threads would serialise on one core.
    A worker that dies (killed for memory, a crash in a parser) breaks the pool: the repositories it held are
    tried once more in a fresh pool, and a repository that kills a worker twice is reported as failed.
    """
    import multiprocessing
    import sys
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
    deaths: dict[str, int] = {}
    while True:
        retry: list[tuple[RepoSource, workspace.Probe]] = []
        with ProcessPoolExecutor(max_workers=options.jobs, mp_context=context, initializer=_start_worker,
                                 initargs=(options, fingerprint)) as pool:
            running: dict = {}
            try:
                for item in ready:
                    running[pool.submit(_work, *item)] = item
                    if len(running) >= 2 * options.jobs:  # keep the queue short: probes stay fresh
                        done, _ = wait(running, return_when=FIRST_COMPLETED)
                        _collect(done, running, deaths, retry, finished)
                while running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    _collect(done, running, deaths, retry, finished)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        if not retry:
            return
        ready = iter(retry)


def _collect(done, running: dict, deaths: dict[str, int], retry: list, finished) -> None:
    from concurrent.futures.process import BrokenProcessPool

    for future in done:
        source, state = running.pop(future)
        try:
            outcome = future.result()
        except BrokenProcessPool:
            deaths[source.key] = deaths.get(source.key, 0) + 1
            if deaths[source.key] < 2:
                retry.append((source, state))
                continue
            outcome = RepoOutcome(source.key, source.name, source.shown_url, source.origin, status="failed",
                                  reason="the worker process died twice while working on it (out of memory?)")
        finished(source, outcome)


_WORKER: _Worker | None = None


def _start_worker(options: FleetOptions, fingerprint: str) -> None:
    global _WORKER
    _WORKER = _Worker(options, StateStore(options.workdir), fingerprint, lambda kind, source, info: None)


def _work(source: RepoSource, state: workspace.Probe) -> RepoOutcome:
    assert _WORKER is not None, "the pool's initializer did not run"
    return _WORKER.process(source, state)


def _fingerprint(options: FleetOptions) -> str:
    """What makes one run's result differ from another's on the same code: tool, options, config, target."""
    from migrate.catalog import load_catalog

    parts: dict[str, Any] = {"tool": __version__, "pr": {k: _plain(v) for k, v in sorted(options.pr.items())}}
    if options.target:
        parts["target"] = hashlib.sha256(Path(options.target).read_bytes()).hexdigest()
    if options.config_path:
        parts["config"] = hashlib.sha256(Path(options.config_path).read_bytes()).hexdigest()
    try:
        parts["catalog"] = load_catalog().info()
    except Exception:  # the fingerprint must not stop the run; the scan will say what is wrong
        parts["catalog"] = None
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return hashlib.sha256(value.read_bytes()).hexdigest() if value.is_file() else str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


class _Worker:
    def __init__(self, options: FleetOptions, store: StateStore, fingerprint: str, emit: Event):
        self.options, self.store, self.fingerprint, self.emit = options, store, fingerprint, emit
        self.env = dict(os.environ if options.env is None else options.env)
        self.writes = not (options.dry_run or options.survey)
        self._fleet_config = None

    def _new(self, source: RepoSource) -> RepoOutcome:
        return RepoOutcome(source.key, source.name, source.shown_url, source.origin, fingerprint=self.fingerprint)

    def probe(self, source: RepoSource) -> tuple[RepoOutcome | None, workspace.Probe | None]:
        """Ask the remote what it holds. (outcome, None) when the repository is finished here: unreachable, or
        unchanged since the last successful run; (None, probe) when it needs work."""
        self.emit("start", source, None)
        outcome = self._new(source)
        try:
            from migrate.pr import resolve_options

            first = resolve_options(self._config(), **dict(self.options.pr))
            outcome.branch = first.branch
            state = workspace.probe(source.url, branch=first.branch, base=first.base, env=self.env,
                                    cwd=self.options.workdir)
        except Exception as e:
            return self._finish(source, outcome, e, time.perf_counter()), None
        previous = self.store.load(source.slug) if self.writes and not self.options.refresh else None
        if _unchanged(previous, state, self.fingerprint):
            kept = RepoOutcome.from_dict(previous)
            for name in ("key", "name", "url", "origin"):
                setattr(kept, name, getattr(outcome, name))
            kept.unchanged, kept.seconds = True, 0.0
            return kept, None
        return None, state

    def process(self, source: RepoSource, state: workspace.Probe) -> RepoOutcome:
        started = time.perf_counter()
        outcome = self._new(source)
        outcome.base, outcome.base_sha = state.base, state.base_sha
        try:
            self._run(source, outcome, state)
            error = None
        except Exception as e:  # one repository never stops the others
            error = e
        return self._finish(source, outcome, error, started)

    def _finish(self, source: RepoSource, outcome: RepoOutcome, error: Exception | None, started: float) -> RepoOutcome:
        if error is not None:
            from migrate.fleet.errors import explain

            outcome.status, outcome.reason = "failed", explain(error)
        outcome.seconds = round(time.perf_counter() - started, 3)
        outcome.updated = now()
        if self.writes:
            if outcome.pushed_sha is None:  # a failure before the record was read must not forget our last push
                previous = self.store.load(source.slug)
                outcome.pushed_sha = previous.get("pushed_sha") if previous else None
            self._save(source, outcome, "done")
        return outcome

    def _save(self, source: RepoSource, outcome: RepoOutcome, step: str) -> None:
        outcome.step = step
        self.store.save(source.slug, outcome.to_dict())

    def _step(self, source: RepoSource, outcome: RepoOutcome, step: str) -> None:
        outcome.step = step
        self.emit("step", source, step)
        if self.writes:
            self._save(source, outcome, step)

    def _run(self, source: RepoSource, outcome: RepoOutcome, state: workspace.Probe) -> None:
        from migrate.pr import resolve_options

        given = {**self.options.pr, "target": self.options.target}
        fleet_config = self._config()
        previous = self.store.load(source.slug)
        outcome.pushed_sha = previous.get("pushed_sha") if previous else None
        self._step(source, outcome, "probed")

        checkout = self.options.workdir / "repos" / source.slug
        outcome.base_sha = workspace.sync(source.url, checkout, state, env=self.env)
        self._step(source, outcome, "synced")

        config = fleet_config if self.options.config_path else _repo_config(checkout)
        scan_result = _scan(checkout, given)
        outcome.findings = len(scan_result.findings)
        outcome.verdicts = {k: v for k, v in scan_result.counts_by_verdict().items() if v}
        outcome.unsupported_endpoints = sorted({f.endpoint or f.kind.value for f in scan_result.findings
                                                if f.verdict.value == "unsupported"})
        outcome.skipped_files = len(scan_result.skipped)
        self._step(source, outcome, "scanned")
        if outcome.findings == 0:
            outcome.branch_sha = state.branch_sha
            classify(outcome, pushed=False, would_change=False, nothing_to_change=True)
            return

        from migrate.pr import create_pr

        options = resolve_options(config, **{
            **given, "dry_run": self.options.dry_run or self.options.survey,
            "scan": False if self.options.survey else given.get("scan"),
        })  # fmt: skip
        outcome.branch = options.branch

        # The clone is the fleet's own: its branch is rebuilt when it holds only migrate-kit's own commit (the
        # test --refresh makes). A commit someone else pushed on it is never replaced (--force-branch).
        result = create_pr([checkout], options, config=config, env=self.env, scan_result=scan_result, jobs=1,
                           find_existing_pr=True, replace_own_branch=True)
        outcome.files_changed = list(result.files)
        outcome.review_count = result.review_count
        outcome.branch_action = result.branch_action
        outcome.warnings = list(result.warnings)
        outcome.branch_sha = result.commit if result.pushed else state.branch_sha
        if result.pushed:
            outcome.pushed_sha = result.commit
        if result.pull_request is not None:
            outcome.pr_url, outcome.pr_number = result.pull_request.url, result.pull_request.number
            outcome.pr_action = result.pull_request.action
        not_looked_up = ""
        if self.options.survey and result.status == "dry-run":
            found, not_looked_up = _find_open_pr(source, options, self.env)
            if found is not None:
                outcome.pr_url, outcome.pr_number, outcome.pr_action = found.url, found.number, "found"
        if result.pr_error:
            outcome.status, outcome.reason = "failed", result.pr_error.splitlines()[0]
            return
        if result.status == "nothing-to-commit":
            outcome.status = "failed"
            outcome.reason = "every changed file was left out: " + "; ".join(f"{p}: {why}" for p, why in result.refused[:3])
            return
        outcome.reason = _why_no_pr(result, self.options) + (f"; {not_looked_up}" if not_looked_up else "")
        classify(outcome, pushed=result.pushed, nothing_to_change=result.status == "nothing-to-change",
                 would_change=result.status in ("dry-run", "committed", "up-to-date") and bool(result.files))

    def _config(self):
        from migrate.config import Config, load_config

        if self.options.config_path is None:
            return Config()
        if self._fleet_config is None:
            self._fleet_config = load_config(Path(self.options.config_path))
        return self._fleet_config


def _unchanged(previous: dict | None, state: workspace.Probe, fingerprint: str) -> bool:
    return bool(
        previous
        and previous.get("step") == "done"
        and previous.get("status") in FINAL
        and previous.get("fingerprint") == fingerprint
        and previous.get("base") == state.base
        and previous.get("base_sha") == state.base_sha
        and previous.get("branch_sha") == state.branch_sha
    )


def _repo_config(checkout: Path):
    """The repository's own migrate.toml or pyproject.toml [tool.migrate], never one above the clone."""
    from migrate.config import Config, load_config

    for name in ("migrate.toml", "pyproject.toml"):
        path = checkout / name
        if path.is_file():
            config = load_config(path)
            if name == "migrate.toml" or config.raw:
                return config
    return Config()


def _scan(checkout: Path, given: Mapping[str, Any]):
    from migrate.scan import scan

    # One process per repository: the fleet already runs --jobs repositories side by side.
    return scan([str(checkout)], exclude=tuple(given.get("exclude") or ()), jobs=1, target=given.get("target"))


def _find_open_pr(source: RepoSource, options, env: Mapping[str, str]):
    """(the open pull request for the branch or None, why it was not looked up or ""): read-only."""
    from migrate.pr.github import GitHubClient
    from migrate.pr.remote import parse_remote
    from migrate.pr.workflow import TOKEN_ENVS

    remote = parse_remote(source.url, api_url=options.api_url, github_hosts=options.github_hosts)
    token_env = options.token_env or next((name for name in TOKEN_ENVS if env.get(name)), None)
    if remote.forge != "github" or not remote.api_url:
        return None, "pull requests not looked up: not a GitHub remote (--api-url for GitHub Enterprise)"
    if not token_env or not env.get(token_env):
        return None, f"pull requests not looked up: no {options.token_env or 'GITHUB_TOKEN or GH_TOKEN'} set"
    with GitHubClient(remote.api_url, env[token_env], token_env=token_env) as client:
        return client.find_open_pull(remote.owner, remote.name, options.branch), ""


def _why_no_pr(result, options: FleetOptions) -> str:
    if result.pull_request is not None:
        return ""
    if result.status == "nothing-to-change":
        return "nothing to change" + (f"; {result.review_count} place(s) left for review" if result.review_count else "")
    if options.survey:
        return f"no open pull request; the rewrite would change {len(result.files)} file(s)"
    if result.status == "dry-run":
        return f"dry run: would {result.branch_action} branch {result.branch} with {len(result.files)} file(s)"
    return result.pr_skipped or ""


__all__ = ["FleetOptions", "FleetResult", "run_fleet"]
