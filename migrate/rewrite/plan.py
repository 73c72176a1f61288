"""Plan a rewrite over a tree (nothing is written), and apply a plan (refusing files changed since).

Two phases, as in bump-pydantic: the Python files and notebooks first, then the files around the code, whose
rules depend on what phase one did (the openai pin is raised only when the 0.x upgrade ran).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import time
import tokenize
from collections.abc import Sequence
from pathlib import Path

from migrate.config import Config, ConfigError, load_config
from migrate.rewrite.doubles import reported, test_double
from migrate.rewrite.model import ApplyResult, FileChange, Plan, ReviewItem, RuleFailure
from migrate.rewrite.registry import LEGACY_UPGRADE, active_rules, parse_rule_ids
from migrate.scan.findings import Skipped

MAX_BYTES = 8 * 1024 * 1024  # larger files are generated or data: skipped, and reported
PYTHON_SUFFIXES = (".py", ".pyw")


def load_options(config: Config) -> dict:
    """[tool.migrate.rewrite], checked: a bad value names the file and the field."""
    from migrate.rewrite.patterns import PARAMETER_ACTIONS as ACTIONS
    from migrate.rewrite.textfiles import DEFAULT_OPENAI_REQUIREMENT

    section = config.section("rewrite")
    where = f"{config.source}: [{config._prefix()}rewrite"
    parameters = section.get("parameters", {})
    if not isinstance(parameters, dict):
        raise ConfigError(f"{where}.parameters] must be a table of parameter = \"drop\" | \"keep\" | \"comment\"")
    for name, action in parameters.items():
        if action not in ACTIONS:
            raise ConfigError(f"{where}.parameters] {name} = {action!r}: use one of {', '.join(ACTIONS)}")
    requirement = section.get("openai-requirement", DEFAULT_OPENAI_REQUIREMENT)
    if not isinstance(requirement, str) or not requirement.strip():
        raise ConfigError(f"{where}] openai-requirement must be a version specifier such as \">=1.40\"")
    for key in ("select", "ignore", "exclude"):
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}] {key} must be a list of strings")
    for served in config.models.values():
        if served in config.models and config.models[served] != served:
            raise ConfigError(
                f"{config.source}: [{config._prefix()}models] maps to {served!r}, which it also maps on to "
                f"{config.models[served]!r}: a second run would change the code again; map each name once"
            )
    return {"parameters": dict(parameters), "openai_requirement": requirement.strip(),
            "select": section.get("select", []), "ignore": section.get("ignore", []),
            "exclude": section.get("exclude", [])}


def _name_filter(name: str) -> bool:
    from migrate.rewrite.textfiles import file_kind
    from migrate.scan.detect.javascript.parse import is_js_name

    return name.endswith((*PYTHON_SUFFIXES, ".ipynb")) or file_kind(name) is not None or is_js_name(name)


def plan_rewrite(
    paths: Sequence[str | Path],
    *,
    config: Config | None = None,
    select: Sequence[str] | None = (),
    ignore: Sequence[str] | None = (),
    exclude: Sequence[str] | None = (),
    include_vendored: bool = False,
    include_tests: bool = False,
    jobs: int | None = None,
    target: str | Path | None = None,
) -> Plan:
    """Work out every change the rules would make under `paths`. Reads files; writes nothing.

    `target`: a target profile file (`migrate doctor URL --save-profile FILE`) the parameter rules judge against
    instead of the shipped vLLM profile ($MIGRATE_TARGET_PROFILE when None); a bad file raises
    migrate.catalog.profile.ProfileError before any file is read.

    `jobs`: worker processes for the Python files and notebooks (default: the idle CPUs; a pool starts only when
    enough files need rewriting, see migrate/rewrite/parallel.py). The plan is the same whatever the number.
    """
    from migrate.rewrite import textfiles
    from migrate.scan.walk import iter_files

    started = time.perf_counter()
    roots = [Path(p) for p in paths] or [Path(".")]
    for root in roots:
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or directory")
    if target is not None:
        from migrate.catalog.profile import load_profile

        load_profile(target)  # a bad file is said now, naming the file and field, not once per rewritten file
        target = str(Path(target).resolve())
    if config is None:
        config = load_config(start=roots[0])
    options = {**load_options(config), "include_tests": include_tests, "target": target}
    select = tuple(select or ()) or tuple(options["select"])
    ignore = (*(ignore or ()), *options["ignore"])
    active = active_rules(select, ignore)
    explicit = set(parse_rule_ids(select))

    skipped: list[Skipped] = []
    changes: dict[str, dict] = {}  # abs path -> {rel, before, after, sha, encoding, rules}
    review: list[ReviewItem] = []
    failures: list[RuleFailure] = []
    counts: dict[str, int] = {}
    text_files = []
    others: dict[str, object] = {}  # the other Python files, read again only if phase one needs them
    scanned = parsed = 0
    js_files: list = []  # JS/TS files worth parsing; js_others: the rest (phase one may still need them)
    js_others: list = []
    pending: list = []  # in walk order: a Skipped (unreadable file), or (candidate, bytes) to rewrite
    for candidate in iter_files(roots, exclude=(*options["exclude"], *(exclude or ())),
                                include_vendored=include_vendored, skipped=skipped, name_filter=_name_filter):
        scanned += 1
        name = candidate.path.name
        kind = textfiles.file_kind(name)
        if kind is not None:
            text_files.append((candidate, kind))
        if _js_candidate(candidate, config, js_files, js_others, pending):
            continue
        if not name.endswith((*PYTHON_SUFFIXES, ".ipynb")):
            continue
        unreadable: list[Skipped] = []
        data = _read(candidate, unreadable)
        if data is None:
            pending.extend(unreadable)
            continue
        from migrate.rewrite.python import mentions_openai

        if mentions_openai(data):
            pending.append((candidate, data))
        elif name.endswith(PYTHON_SUFFIXES):
            others[candidate.rel] = candidate

    # Phase one: which functions return responses, across modules; phase two: the rules, file by file.
    from migrate.rewrite import parallel
    from migrate.rewrite.flow import FileFacts

    # The pool (when the files to rewrite are enough for one) starts now, while phase one runs here.
    workers = parallel.Workers(_plan_file, (config, active), sum(not isinstance(p, Skipped) for p in pending),
                               jobs=jobs)
    try:
        with parallel.young_collections_only():
            repo = _flow([p for p in pending if not isinstance(p, Skipped)], others, active)
    except BaseException:
        workers.close()
        raise
    pending.extend((others[rel], data) for rel in sorted(repo.callers & others.keys())
                   if (data := _read(others[rel], skipped)))
    legacy = _legacy_modules(pending)
    for rel, why in sorted(legacy.items()):
        if "OAI004" in active:
            review.append(ReviewItem(rel, 1, "OAI004", f"left as it is: this module runs only on openai<1 ({why})"))
    pending = [p for p in pending if isinstance(p, Skipped) or p[0].rel not in legacy]
    files = []
    for entry in pending:
        if isinstance(entry, Skipped):
            continue
        candidate, data = entry
        double = not include_tests and test_double(candidate.rel)
        # A test double is rewritten as with --include-tests to see what would change, then only reported.
        opts = {**options, "include_tests": True} if double else options
        found = repo.for_file(candidate.rel)
        facts = (found if found is not None else FileFacts()) if repo.complete else None
        files.append((candidate, data, opts, facts))
    outcomes = workers.run(files, sizes=[len(f[1]) for f in files])
    for entry in pending:
        if isinstance(entry, Skipped):
            skipped.append(entry)
            continue
        candidate, data = entry
        double = not include_tests and test_double(candidate.rel)
        outcome, file_skipped = next(outcomes)
        skipped.extend(file_skipped)
        if outcome is None:
            continue
        result, before, after, encoding = outcome
        parsed += result.parsed
        rel = candidate.rel
        if result.failure:
            failures.append(RuleFailure(rel, result.failure[0], result.failure[1]))
            continue
        if after != before and double:
            review.append(ReviewItem(rel, 1, result.rules[0], reported(rel, result.rules)))
            continue
        for rule, n in result.counts.items():
            counts[rule] = counts.get(rule, 0) + n
        review.extend(ReviewItem(rel, line, rule, message) for rule, line, message in result.review)
        if after != before:
            changes[str(candidate.path)] = {"rel": rel, "before": before, "after": after, "encoding": encoding,
                                            "sha": hashlib.sha256(data).hexdigest(), "rules": list(result.rules)}

    upgraded = any(set(c["rules"]) & LEGACY_UPGRADE for c in changes.values())  # the Python (0.x) upgrade
    parsed += _javascript(js_files, js_others, config, options, active, changes, review, failures, counts, skipped)
    if "OAI011" in active:
        _npm_pins(changes, review, counts, skipped)

    for candidate, kind in text_files:
        _text(candidate, kind, config, options, active, explicit, upgraded, changes, review, counts, skipped)

    file_changes = tuple(
        FileChange(path=c["rel"], abs_path=abs_path, before_sha256=c["sha"], before=c["before"], after=c["after"],
                   rules=tuple(sorted(dict.fromkeys(c["rules"]))), encoding=c["encoding"])
        for abs_path, c in sorted(changes.items(), key=lambda kv: kv[1]["rel"])
    )
    plan = Plan(
        roots=tuple(str(r) for r in roots),
        changes=file_changes,
        review=tuple(sorted(review, key=lambda r: (r.path, r.line, r.rule))),
        failures=tuple(failures),
        rule_counts=dict(sorted(counts.items())),
        files_scanned=scanned,
        files_parsed=parsed,
        duration_s=round(time.perf_counter() - started, 3),
        skipped=tuple(skipped),
    )
    return plan


def _plan_file(entry, config, active):
    """One Python file or notebook -> (outcome or None, what was skipped); run here or in a pool worker."""
    candidate, data, options, facts = entry
    skipped: list[Skipped] = []
    if candidate.path.name.endswith(".ipynb"):
        return _notebook(candidate, data, config, options, active, skipped), skipped
    return _python(candidate, data, config, options, active, skipped, facts), skipped


def _js_candidate(candidate, config, js_files, js_others, pending) -> bool:
    """Sort a JS/TS file (True) into the files worth parsing and the others; False: not a JS/TS file."""
    from migrate.rewrite.javascript.planning import JsFile, worth_parsing
    from migrate.scan.detect.javascript.parse import is_js_name

    if not is_js_name(candidate.path.name):
        return False
    unreadable: list[Skipped] = []
    data = _read(candidate, unreadable)
    if data is None:
        pending.extend(unreadable)
    else:
        (js_files if worth_parsing(data, config) else js_others).append(JsFile(candidate, data))
    return True


def _javascript(files, others, config, options, active, changes, review, failures, counts, skipped) -> int:
    """The JS/TS files (migrate/rewrite/javascript): their changes, review items, failures; returns how many
    were parsed."""
    if not files and not others:
        return 0
    from migrate.rewrite.javascript.planning import mocks, plan_files

    parsed = 0
    for item, result in plan_files(files, others, config, options, active):
        rel = item.candidate.rel
        if result.unreadable is not None:
            skipped.append(Skipped(rel, *result.unreadable))
            continue
        if result.parse_error is not None:
            skipped.append(Skipped(rel, "syntax error", f"{result.parse_error}; not rewritten"))
            continue
        parsed += 1
        if result.failure is not None:
            failures.append(RuleFailure(rel, *result.failure))
            continue
        before = item.data.decode("utf-8")
        if result.after != before and not options["include_tests"] and (test_double(rel) or mocks(item.data)):
            why = test_double(rel) or mocks(item.data)
            review.append(ReviewItem(rel, 1, result.rules[0], reported(rel, result.rules, why)))
            continue
        for rule, n in result.counts.items():
            counts[rule] = counts.get(rule, 0) + n
        review.extend(ReviewItem(rel, line, rule, message) for rule, line, message in result.review)
        if result.after != before:
            changes[str(item.candidate.path)] = {"rel": rel, "before": before, "after": result.after,
                                                 "encoding": "utf-8", "sha": hashlib.sha256(item.data).hexdigest(),
                                                 "rules": list(result.rules)}
    return parsed


def _npm_pins(changes, review, counts, skipped) -> None:
    """OAI011 for npm: the package.json above each file OAI004 upgraded from openai-node v3 gets its openai pin
    raised (migrate/rewrite/javascript/upgrade/pins.py)."""
    import os

    from migrate.rewrite.javascript.upgrade.pins import package_json_for, raise_openai_pin

    seen: set[str] = set()
    for abs_path, change in list(changes.items()):
        if "OAI004" not in change["rules"] or not abs_path.endswith(change["rel"]):
            continue
        root = abs_path[:len(abs_path) - len(change["rel"])] or os.sep
        manifest = package_json_for(abs_path, root)
        if manifest is None or manifest in seen:
            continue
        seen.add(manifest)
        entry = changes.get(manifest)
        if entry is None:
            try:
                with open(manifest, "rb") as fh:
                    data = fh.read()
                text = data.decode("utf-8")
            except (OSError, UnicodeDecodeError) as e:
                skipped.append(Skipped(os.path.relpath(manifest, root), "unreadable", str(e)))
                continue
            entry = {"rel": os.path.relpath(manifest, root).replace(os.sep, "/"), "before": text, "after": text,
                     "encoding": "utf-8", "sha": hashlib.sha256(data).hexdigest(), "rules": []}
        after, notes = raise_openai_pin(entry["after"])
        if after == entry["after"]:
            continue
        review.extend(ReviewItem(entry["rel"], line, "OAI011", message) for line, message in notes)
        counts["OAI011"] = counts.get("OAI011", 0) + len(notes)
        changes[manifest] = {**entry, "after": after, "rules": [*entry["rules"], "OAI011"]}


def _read(candidate, skipped: list[Skipped]) -> bytes | None:
    try:
        if candidate.path.stat().st_size > MAX_BYTES:
            skipped.append(Skipped(candidate.rel, "too large", f"over {MAX_BYTES // (1024 * 1024)} MiB"))
            return None
        return candidate.path.read_bytes()
    except PermissionError:
        skipped.append(Skipped(candidate.rel, "permission denied"))
    except OSError as e:
        skipped.append(Skipped(candidate.rel, "unreadable", str(e)))
    return None


def _decode(candidate, data: bytes, skipped: list[Skipped]) -> tuple[str, str] | None:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, LookupError, UnicodeDecodeError) as e:
        skipped.append(Skipped(candidate.rel, "not decodable", str(e)))
        return None


def _legacy_modules(pending) -> dict[str, str]:
    """The Python files to leave as they are: they load only on openai<1 (migrate/rewrite/legacy_modules.py)."""
    from migrate.rewrite.legacy_modules import legacy_modules

    return legacy_modules((c.rel, data) for p in pending if not isinstance(p, Skipped)
                          for c, data in (p,) if c.path.name.endswith(PYTHON_SUFFIXES))


def _flow(files, others, active):
    """Phase one (migrate/rewrite/flow.py): responses that cross function and module lines, with `ast`."""
    from migrate.rewrite import flow
    from migrate.rewrite.python import uses_openai

    repo = flow.RepoFlow({})
    if {"OAI006", "OAI007"} & active:
        python = [(c.rel, data) for c, data in files if c.path.name.endswith(PYTHON_SUFFIXES)]
        sources = [(rel, data) for rel, data in python if uses_openai(data)]
        # a file that names openai without calling it (`class Message:  # an OpenAI message`) is read like one
        # that never names it: only when a response reaches it
        mentions = [(rel, lambda data=data: data) for rel, data in python if not uses_openai(data)]
        try:
            repo = flow.build(sources, [*mentions, *((rel, c.path.read_bytes) for rel, c in others.items())])
        except RecursionError:
            # code nested too deep to follow across the tree: each file's rules follow what they can on their own
            return flow.RepoFlow({}, complete=False)
    if "OAI009" in active:  # URL constants sent to by other modules (migrate/rewrite/url_exports.py)
        from migrate.rewrite import url_exports

        python = [(c.rel, data) for c, data in files if c.path.name.endswith(PYTHON_SUFFIXES)]
        repo = repo.with_urls(url_exports.build(python, [(rel, c.path.read_bytes) for rel, c in others.items()]))
    return repo


def _python(candidate, data, config, options, active, skipped, facts=None):
    from migrate.rewrite.python import rewrite_source

    decoded = _decode(candidate, data, skipped)
    if decoded is None:
        return None
    source, encoding = decoded
    result = rewrite_source(source, candidate.rel, config=config, options=options, active=active,
                            flow=facts)
    if result.parse_error:
        skipped.append(Skipped(candidate.rel, "syntax error", result.parse_error))
        return None
    return result, source, result.after, encoding


def _notebook(candidate, data, config, options, active, skipped):
    from migrate.rewrite import cell_order, notebook
    from migrate.rewrite.python import SourceResult, rewrite_source

    try:
        text = data.decode("utf-8")
        nbs = notebook.load(text)
    except (UnicodeDecodeError, notebook.NotebookError) as e:
        skipped.append(Skipped(candidate.rel, "broken notebook", str(e)))
        return None
    result = rewrite_source(nbs.combined, candidate.rel, config=config, options=options, active=active)
    if result.parse_error:
        # One bad cell (shell syntax, a typo) must not stop the others: report it, rewrite the rest.
        bad = notebook.unparsable_cells(nbs)
        for index, message in bad:
            skipped.append(Skipped(candidate.rel, "syntax error", f"cell {index}: {message} (the other cells are rewritten)"))
        if bad:
            nbs = nbs.without(index for index, _ in bad)
            result = rewrite_source(nbs.combined, candidate.rel, config=config, options=options, active=active)
        if result.parse_error:
            skipped.append(Skipped(candidate.rel, "syntax error", f"code cells do not parse together: {result.parse_error}"))
            return None
    if result.failure:
        return result, text, text, "utf-8"
    combined, line_map = result.after, (lambda line: line)
    try:
        if result.after != nbs.combined:
            combined, line_map = cell_order.place(nbs.combined, result.after)
        after = notebook.rebuild(nbs, notebook.split(nbs, combined))
    except Exception as e:  # noqa: BLE001 - like a failing rule: report it, leave the notebook as it was
        error = str(e) if isinstance(e, notebook.NotebookError) else f"placing the new code in cells: {type(e).__name__}: {e}"
        failed = SourceResult(after=text, failure=(result.rules[-1] if result.rules else "notebook", error), parsed=True)
        return failed, text, text, "utf-8"
    result.review = _cell_lines(combined, [(rule, line_map(line), message) for rule, line, message in result.review])
    return result, text, after, "utf-8"


def _cell_lines(combined: str, items):
    """Lines of the joined module -> (cell n: message, line within the cell)."""
    from migrate.rewrite.notebook import cell_starts

    starts = cell_starts(combined)
    out = []
    for rule, line, message in items:
        first, cell = max(((f, c) for f, c in starts if f <= line + 1), default=(1, 0))
        out.append((rule, max(line - first + 1, 1), f"cell {cell}: {message}"))
    return out


def _text(candidate, kind, config, options, active, explicit, upgraded, changes, review, counts, skipped) -> None:
    from migrate.rewrite import textfiles

    name = candidate.path.name
    run_env = "OAI010" in active and (kind == "config" or name == "pyproject.toml")
    run_pins = "OAI011" in active and kind == "requirements" and (upgraded or "OAI011" in explicit)
    if not (run_env or run_pins):
        return
    key = str(candidate.path)
    entry = changes.get(key)
    if entry is None:
        data = _read(candidate, skipped)
        if data is None:
            return
        lowered = data.lower()
        if b"openai" not in lowered and not any(m.encode() in data for m in config.models):
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            skipped.append(Skipped(candidate.rel, "not UTF-8", str(e)))
            return
        current, sha, encoding = text, hashlib.sha256(data).hexdigest(), "utf-8"
    else:
        text, current, sha, encoding = entry["before"], entry["after"], entry["sha"], entry["encoding"]
    rules = list(entry["rules"]) if entry else []
    if run_env:
        result = textfiles.rewrite_config(current, name, config)
        review.extend(ReviewItem(candidate.rel, line, "OAI010", message) for line, message in result.review)
        if result.edits:
            current = result.after
            rules.append("OAI010")
            counts["OAI010"] = counts.get("OAI010", 0) + result.edits
    if run_pins:
        result = textfiles.raise_pins(current, name, options["openai_requirement"])
        if result.edits:
            current = result.after
            rules.append("OAI011")
            counts["OAI011"] = counts.get("OAI011", 0) + result.edits
    if current != text and not options["include_tests"] and test_double(candidate.rel):
        review.append(ReviewItem(candidate.rel, 1, rules[-1], reported(candidate.rel, rules)))
    elif current != text:
        changes[key] = {"rel": candidate.rel, "before": text, "after": current, "encoding": encoding, "sha": sha,
                       "rules": rules}


def apply_plan(plan: Plan) -> ApplyResult:
    """Write every change of the plan. A file whose bytes changed since the plan was made is refused."""
    written: list[str] = []
    refused: list[tuple[str, str]] = []
    for change in plan.changes:
        path = Path(change.abs_path)
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            refused.append((change.path, "deleted since the plan was made: run migrate rewrite again"))
            continue
        except OSError as e:
            refused.append((change.path, f"unreadable: {e}"))
            continue
        if hashlib.sha256(current).hexdigest() != change.before_sha256:
            refused.append((change.path, "changed on disk since the plan was made: run migrate rewrite again"))
            continue
        try:
            _write_atomic(path, change.after.encode(change.encoding))
        except (OSError, UnicodeEncodeError) as e:
            refused.append((change.path, f"could not be written: {e}"))
            continue
        written.append(change.abs_path)
    return ApplyResult(written=tuple(written), refused=tuple(refused))


def _write_atomic(path: Path, data: bytes) -> None:
    """Write beside the file and rename over it, keeping its permissions (never a half-written file)."""
    mode = path.stat().st_mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".migrate", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
